"""The job's tokenizer and log-probs for the SmolLM2 student, held against llama.cpp on the same GGUF.

    submit/compare-llama-cpp.sh TEXTS.jsonl [CORPUS.jsonl]     (makes the environment, then runs this)

Run by hand: llama-cpp-python compiles llama.cpp (about 25 minutes on 2 cores, once; pip keeps the
wheel). It prints one JSON report (docs/student.md quotes it):

  tokens    every text of TEXTS.jsonl ({"source", "text"}, collect_real_traces.py) and every prompt and
            response of CORPUS.jsonl, tokenized by the job's tokenizer (DJL with the student's
            tokenizer.json, through dev.naturalness.bench.StudentProbe) and by llama.cpp from the GGUF:
            responses without special tokens, rendered prompts with them (parse_special). Counts of
            sequences and of those that differ, each difference shown.
  logprobs  next-token log-probs of 60 sequences of 256 to 512 tokens (a rendered prompt and a
            response, or a text), as the scorer computes them, against llama.cpp's on the Q4_1 file,
            against llama.cpp's on a float32 GGUF written from the same dequantized weights the export
            was made from (with a float32 attention cache), and against an eager transformers forward
            of the Hugging Face directory:
            median, p99 and max |difference| and top-1 agreement for each pair.

Why three: llama.cpp multiplies Q4_1 weight blocks by activations it quantizes to 8 bits a block
(Q8_1), while the export multiplies dequantized float32 weights by float32 activations; the float32
GGUF takes that quantization away, so what remains between it and the scorer is two float32 engines,
and what the Q4_1 comparison adds on top is the cost of llama.cpp's own quantized arithmetic.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, HERE)


def probe(kind, student, rows, work):
    """Runs StudentProbe on rows (dicts) and returns its output rows."""
    src = os.path.join(work, f"{kind}-in.jsonl")
    dst = os.path.join(work, f"{kind}-out.jsonl")
    with open(src, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    subprocess.run([os.path.join(ROOT, "submit", "student-probe.sh"), kind, student, src, dst], check=True)
    with open(dst, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def f32_gguf(source, target):
    """A copy of the GGUF with every tensor dequantized to float32 (the weights the export used)."""
    import gguf
    if os.path.exists(target):
        return target
    reader = gguf.GGUFReader(source)
    writer = gguf.GGUFWriter(target + ".part", reader.fields["general.architecture"].contents())
    for key, field in reader.fields.items():
        if key.startswith("GGUF.") or key == "general.architecture":
            continue
        value = field.contents()
        if key == "general.file_type":
            value = int(gguf.LlamaFileType.ALL_F32)
        sub = field.types[1] if field.types[0] == gguf.GGUFValueType.ARRAY else None
        writer.add_key_value(key, value, field.types[0], sub)
    for t in reader.tensors:
        data = gguf.quants.dequantize(t.data, t.tensor_type).astype(np.float32)
        writer.add_tensor(t.name, data)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    os.replace(target + ".part", target)
    return target


def llama_logprobs(model_path, sequences, float32_cache=False):
    from llama_cpp import Llama
    # llama.cpp keeps its attention cache in float16 unless told otherwise (GGML type 0 is F32).
    cache = {"type_k": 0, "type_v": 0} if float32_cache else {}
    llm = Llama(model_path=model_path, n_ctx=1024, n_batch=512, logits_all=True, n_threads=os.cpu_count(),
                verbose=False, **cache)
    out = []
    for ids in sequences:
        llm.reset()
        llm.eval(ids)
        logits = np.array(llm.scores[:len(ids)], dtype=np.float64)
        out.append(gather(logits, ids))
    return out


def hf_logprobs(hf_dir, sequences):
    import torch
    from transformers import AutoModelForCausalLM
    model = AutoModelForCausalLM.from_pretrained(hf_dir, dtype=torch.float32, attn_implementation="eager").eval()
    out = []
    with torch.no_grad():
        for ids in sequences:
            logits = model(input_ids=torch.tensor([ids]), use_cache=False).logits[0].double().numpy()
            out.append(gather(logits, ids))
    return out


def gather(logits, ids):
    """(log-prob of each next id, argmax) at every position but the last, in float64."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    lsm = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    nxt = np.array(ids[1:])
    return lsm[np.arange(len(ids) - 1), nxt], lsm[:-1].argmax(axis=1)


def compare(a, b):
    diffs = np.concatenate([np.abs(x[0] - y[0]) for x, y in zip(a, b)])
    agree = np.concatenate([x[1] == y[1] for x, y in zip(a, b)])
    return {"positions": int(diffs.size), "median": float(np.median(diffs)), "p99": float(np.quantile(diffs, 0.99)),
            "max": float(diffs.max()), "top1_agreement": float(agree.mean())}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("texts")
    ap.add_argument("corpus", nargs="?", default=os.path.join(ROOT, "src/main/resources/demo/corpus.jsonl"))
    ap.add_argument("--student", default=os.path.expanduser("~/.cache/naturalness/students/smollm2-135m-instruct"))
    ap.add_argument("--gguf", default=os.path.expanduser("~/.cache/naturalness/gguf/SmolLM2-135M-Instruct.Q4_1.gguf"))
    ap.add_argument("--sequences", type=int, default=60)
    args = ap.parse_args()
    from llama_cpp import Llama
    from student_files import read_student_conf
    conf = read_student_conf(os.path.join(args.student, "student.conf"))
    template = conf["prompt-template"]
    with open(args.texts, encoding="utf-8") as f:
        texts = [json.loads(line) for line in f]
    with open(args.corpus, encoding="utf-8") as f:
        corpus = [json.loads(line) for line in f]
    cases = [{"source": t["source"], "text": t["text"], "special": False} for t in texts]
    seen = set()
    for r in corpus:
        cases.append({"source": "corpus-response", "text": r["response"], "special": False})
        if r["prompt"] not in seen:
            seen.add(r["prompt"])
            cases.append({"source": "corpus-prompt", "text": template.replace("{prompt}", r["prompt"]), "special": True})
    report = {}
    with tempfile.TemporaryDirectory() as work:
        java = probe("tokens", args.student, cases, work)
        vocab = Llama(model_path=args.gguf, vocab_only=True, verbose=False)
        differ = []
        by_source = {}
        for case, got in zip(cases, java):
            want = vocab.tokenize(case["text"].encode("utf-8"), add_bos=False, special=case["special"])
            stats = by_source.setdefault(case["source"], [0, 0, 0])
            stats[0] += 1
            stats[2] += len(want)
            if list(got["ids"]) != list(want):
                stats[1] += 1
                at = next((i for i, (x, y) in enumerate(zip(got["ids"], want)) if x != y), min(len(got["ids"]), len(want)))
                differ.append({"source": case["source"], "at": at, "job": got["ids"][at:at + 5], "llama.cpp": want[at:at + 5],
                               "text": case["text"][:80]})
        report["tokens"] = {"sequences": len(cases), "differ": len(differ), "by_source": by_source,
                            "differences": differ[:20]}
        # Sequences of 256+ tokens: a rendered prompt and a response where long enough, else a text.
        sequences = []
        for r in corpus[::7]:
            prefix = vocab.tokenize(template.replace("{prompt}", r["prompt"]).encode(), add_bos=False, special=True)
            ids = prefix + vocab.tokenize(r["response"].encode(), add_bos=False, special=False)
            if 256 <= len(ids):
                sequences.append(ids[:512])
        for t in texts:
            ids = vocab.tokenize(t["text"].encode(), add_bos=False, special=False)
            if len(ids) >= 256:
                sequences.append(ids[:512])
        step = max(1, len(sequences) // args.sequences)
        sequences = sequences[::step][:args.sequences]
        scorer = [(np.array(o["logprobs"][:len(ids) - 1], dtype=np.float64), np.array(o["top1"][:len(ids) - 1]))
                  for o, ids in zip(probe("logprobs", args.student, [{"ids": s} for s in sequences], work), sequences)]
        q41 = llama_logprobs(args.gguf, sequences)
        f32 = llama_logprobs(f32_gguf(args.gguf, os.path.join(os.path.dirname(args.gguf), "SmolLM2-135M-Instruct.F32.gguf")),
                             sequences, float32_cache=True)
        hf = hf_logprobs(args.student.rstrip("/") + "-hf", sequences)
        report["logprobs"] = {
            "sequences": len(sequences), "tokens": [min(map(len, sequences)), max(map(len, sequences))],
            "scorer_vs_llama_cpp_q4_1": compare(scorer, q41),
            "scorer_vs_llama_cpp_f32": compare(scorer, f32),
            "scorer_vs_transformers_eager_f32": compare(scorer, hf),
            "llama_cpp_f32_vs_q4_1": compare(f32, q41),
        }
    print(json.dumps(report, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
