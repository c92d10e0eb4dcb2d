"""Export a Hugging Face causal LM to a naturalness student directory (design section 3).

    python3 export_hf_student.py MODEL_DIR OUT_DIR [--device cuda|cpu] [--dtype bfloat16|float16|float32]
                                 [--name NAME] [--max-tokens N] [--prompt-template TEXT]
                                 [--attn-implementation sdpa|eager]

MODEL_DIR is a local Hugging Face model directory: config.json, the weights, tokenizer.json and
tokenizer_config.json. OUT_DIR receives:

  model.pt        TorchScript of forward(input_ids int64[B,T], position_ids int64[B,T],
                  attention_mask bool[B,1,T,T]) -> logits [B,T,V], in the chosen dtype
  tokenizer.json  copied unchanged
  student.conf    name, format, max-tokens, vocab-size, prompt-template, chat-template, family, bos-id,
                  dtype, model-sha256

Decisions, all written into student.conf's comments:
  * dtype: bfloat16 by default on a GPU, float32 on the CPU (the scorer does its log-softmax in
    float32 whatever the model's dtype).
  * Device: the model is traced on --device and should be scored on the same kind of device
    (tracing records where tensors made inside the model live). Export on a GPU for GPU executors.
  * max-tokens: the config's max_position_embeddings, or --max-tokens when smaller.
  * prompt-template: the chat template rendered for one user turn with the generation prompt
    added, the user's text replaced by {prompt}; the BOS text is dropped when the tokenizer adds
    BOS itself. Without a chat template: "{prompt}\\n". --prompt-template overrides.
  * bos-id: the BOS the tokenizer adds (its post-processor, or add_bos_token), else none.
  * chat-template: the chat template cut into a piece per role (system, user, assistant, each with
    {content}), the generation prompt, and the system text the template adds to a conversation
    without a system turn; kept only when the pieces reproduce the template on several
    conversations and one user turn assembles to prompt-template. The job renders a
    conversation's prompt (input.shape = messages or conversations) from them.
  * family: the config's model_type (e.g. qwen2), which the job holds against the teachers'
    families (likelihood scores favour a student's own family).

The mask: the contract's boolean mask (true = may attend) is turned into the 4-D mask the model
takes: additive (0 / dtype minimum, what transformers expects of a 4-D mask since 4.40) or, where
that does not reproduce the model, binary (1 / 0, older versions). Before anything is written the
export is verified on packed rows (several sequences per row, block-diagonal causal masks, position
ids restarting at 0, padding), at shapes other than the one traced:
  1. the traced module gives the eager module's log-probs (tolerance TRACE_TOLERANCE per dtype);
  2. every packed sequence gets the log-probs it gets alone, without any mask (tolerance
     ALONE_TOLERANCE per dtype) - this is what makes packing exact. A float32 export on the CPU is
     checked in float64 (a float64 copy of the model, tolerance 1e-6): packing is then exact to
     rounding, whereas float32's own rounding over a real model's depth moves single log-probs of
     random tokens by a few 1e-4 whichever way the sequences are laid out (SmolLM2-135M, 30 layers:
     max 2.9e-4, median 0 in float32; 0 in float64). The float32 figure is reported beside it;
  3. the mask matters: the same rows with one causal mask over the whole row give different
     log-probs. A model whose attention ignores a custom 4-D mask (flash attention, some remote
     code) fails here and is refused.
"""
import argparse
import json
import re
import os
import shutil
import sys
import warnings

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from student_files import sha256  # noqa: E402

# Max |log-prob difference| (nats) allowed between the traced and the eager module on the same input.
TRACE_TOLERANCE = {"float32": 1e-4, "bfloat16": 2e-2, "float16": 5e-3}
# Max |log-prob difference| between a sequence packed with others and the same sequence alone:
# different shapes take different kernels, so half precision gets more room. float32 exports on the
# CPU are checked in float64 (see the module's docstring).
ALONE_TOLERANCE = {"float64": 1e-6, "float32": 1e-4, "bfloat16": 1.5e-1, "float16": 3e-2}
# A mask that is ignored changes nothing; an honoured one moves some log-prob by at least this.
MASK_EFFECT = 1e-3

DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}
EXACT_DTYPES = dict(DTYPES, float64=torch.float64)


class ExportError(Exception):
    """The model cannot be exported as a student; the message says why."""


class StudentWrapper(torch.nn.Module):
    """The student contract around a Hugging Face-style causal LM."""

    def __init__(self, model, mask_style, dtype):
        super().__init__()
        if mask_style not in ("additive", "binary"):
            raise ValueError(mask_style)
        self.model = model
        self.additive = mask_style == "additive"
        self.mask_style = mask_style
        self.dtype = dtype

    def forward(self, input_ids, position_ids, attention_mask):
        if self.additive:
            mask = torch.zeros(attention_mask.shape, dtype=self.dtype, device=attention_mask.device)
            mask = mask.masked_fill(attention_mask.logical_not(), torch.finfo(self.dtype).min)
        else:
            mask = attention_mask.to(self.dtype)
        out = self.model(input_ids=input_ids, position_ids=position_ids, attention_mask=mask,
                         use_cache=False, return_dict=False)
        return out[0] if isinstance(out, (tuple, list)) else out.logits


def packed_rows(vocab, rows, length, seed, device):
    """Rows holding 1-3 sequences each (and padding), laid out as the Java packer lays them out.

    Returns (ids, positions, mask, sequences) with sequences a list of (row, offset, size).
    """
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(0, vocab, (rows, length), generator=g)
    positions = torch.zeros(rows, length, dtype=torch.long)
    blocks = torch.zeros(rows, length, dtype=torch.long)
    sequences = []
    block = 0
    for r in range(rows):
        offset = 0
        parts = int(torch.randint(1, 4, (1,), generator=g))
        for p in range(parts):
            room = length - offset
            if room < 2:
                break
            size = room if p == parts - 1 and r % 2 == 0 else int(torch.randint(2, room + 1, (1,), generator=g))
            positions[r, offset:offset + size] = torch.arange(size)
            blocks[r, offset:offset + size] = block
            sequences.append((r, offset, size))
            offset += size
            block += 1
        for t in range(offset, length):  # padding attends to itself only
            blocks[r, t] = block
            block += 1
    same = blocks[:, :, None] == blocks[:, None, :]
    causal = positions[:, :, None] >= positions[:, None, :]
    mask = (same & causal)[:, None, :, :]
    return ids.to(device), positions.to(device), mask.to(device), sequences


def log_probs(logits, ids):
    """log p(next id) at each position but the last, in float32: [..., T-1]."""
    lp = torch.log_softmax(logits.float(), dim=-1)
    return lp[..., :-1, :].gather(-1, ids[..., 1:, None]).squeeze(-1)


def exactness_model(model, eager, dtype_name, device):
    """(model, wrapper, dtype name) that the packing checks run on: a float64 copy for a float32
    export on the CPU, so that they see the layout's effect alone and not float32's rounding."""
    if dtype_name == "float32" and str(device) == "cpu":
        import copy
        exact = copy.deepcopy(model).to(torch.float64).eval()
        return exact, StudentWrapper(exact, eager.mask_style, torch.float64).eval(), "float64"
    return model, eager, dtype_name


def verify(traced, eager, model, vocab, dtype_name, device, seed=0):
    """Runs the three checks of the module docstring; raises ExportError on the first that fails.

    Returns the largest differences seen: {"trace": .., "alone": .., "alone_dtype": the dtype the
    packing checks ran in, "alone_export_dtype": the same difference in the export's dtype,
    "mask_effect": ..}.
    """
    exact_model, exact_eager, exact_dtype = exactness_model(model, eager, dtype_name, device)
    worst = {"trace": 0.0, "alone": 0.0, "alone_dtype": exact_dtype, "alone_export_dtype": 0.0,
             "mask_effect": float("inf")}
    for k, (rows, length) in enumerate([(3, 40), (1, 23), (4, 64)]):
        ids, positions, mask, sequences = packed_rows(vocab, rows, length, seed + k, device)
        with torch.no_grad():
            try:
                got = traced(ids, positions, mask)
            except RuntimeError as e:
                raise ExportError(f"the traced module fails on packed rows {rows}x{length} (it was traced at 2x48): "
                                  + str(e).strip().splitlines()[-1]) from None
            want = eager(ids, positions, mask)
            if got.shape != want.shape:
                raise ExportError(f"traced module returns shape {tuple(got.shape)} at input {rows}x{length}; eager returns {tuple(want.shape)}")
            trace_diff = (log_probs(got, ids) - log_probs(want, ids)).abs()
            # Only positions inside sequences are ever read.
            for r, off, size in sequences:
                worst["trace"] = max(worst["trace"], float(trace_diff[r, off:off + size - 1].max()))
            if worst["trace"] > TRACE_TOLERANCE[dtype_name]:
                raise ExportError(f"traced log-probs differ from the eager model's by {worst['trace']:.3g} "
                                  f"(tolerance {TRACE_TOLERANCE[dtype_name]:g} for {dtype_name}) on packed rows {rows}x{length}")
            packed_export = log_probs(want, ids)
            packed = log_probs(exact_eager(ids, positions, mask), ids) if exact_model is not model else packed_export
            for r, off, size in sequences:
                alone_ids = ids[r:r + 1, off:off + size]
                worst["alone"] = max(worst["alone"], max_diff(packed[r, off:off + size - 1], exact_model, alone_ids))
                if exact_model is not model:
                    worst["alone_export_dtype"] = max(worst["alone_export_dtype"], max_diff(
                        packed_export[r, off:off + size - 1], model, alone_ids))
            if exact_model is model:
                worst["alone_export_dtype"] = worst["alone"]
            if worst["alone"] > ALONE_TOLERANCE[exact_dtype]:
                raise ExportError(f"a sequence packed with others scores differently from the same sequence alone "
                                  f"(by {worst['alone']:.3g}, tolerance {ALONE_TOLERANCE[exact_dtype]:g} for {exact_dtype}): "
                                  "the model does not honour a custom 4-D attention mask or position ids")
            if len(sequences) > rows:
                causal_only = torch.tril(torch.ones(length, length, dtype=torch.bool, device=device))
                causal_only = causal_only[None, None].expand(rows, 1, length, length)
                plain = log_probs(exact_eager(ids, positions, causal_only), ids)
                effect = 0.0
                for r, off, size in sequences:
                    if off > 0:
                        effect = max(effect, float((plain[r, off:off + size - 1] - packed[r, off:off + size - 1]).abs().max()))
                worst["mask_effect"] = min(worst["mask_effect"], effect)
                if effect < MASK_EFFECT:
                    raise ExportError("the model's attention ignores the custom 4-D mask (packed and unpacked rows "
                                      "give the same log-probs); load it with attn_implementation='sdpa' or 'eager'")
    return worst


def max_diff(packed, model, alone_ids):
    """Largest |packed log-prob - the log-prob of the same sequence run alone, without a mask|."""
    alone = model(input_ids=alone_ids, use_cache=False, return_dict=False)
    alone = alone[0] if isinstance(alone, (tuple, list)) else alone.logits
    return float((packed - log_probs(alone, alone_ids)[0]).abs().max())


def trace(model, dtype_name, device, vocab, mask_style):
    wrapper = StudentWrapper(model, mask_style, DTYPES[dtype_name]).eval()
    ids, positions, mask, _ = packed_rows(vocab, 2, 48, 1234, device)
    # The tracer warns about every Python value it freezes; whether any of them matters is decided
    # by verify(), which runs the traced module at other shapes.
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        traced = torch.jit.trace(wrapper, (ids, positions, mask), check_trace=False)
    return wrapper, traced


def export_model(model, vocab, dtype_name, device):
    """Traces the model with the mask style that reproduces it; returns (traced, style, worst diffs)."""
    errors = []
    for style in ("additive", "binary"):
        eager, traced = trace(model, dtype_name, device, vocab, style)
        try:
            return traced, style, verify(traced, eager, model, vocab, dtype_name, device)
        except ExportError as e:
            errors.append(f"{style} mask: {e}")
    raise ExportError("refusing to export: " + "; ".join(errors))


def bos_id(tokenizer_json, tokenizer_config):
    """The BOS id the tokenizer adds to a prefix, or None."""
    post = tokenizer_json.get("post_processor") or {}
    processors = post.get("processors", [post]) if post.get("type") == "Sequence" else [post]
    for p in processors:
        if p.get("type") == "TemplateProcessing":
            single = p.get("single", [])
            if single and "SpecialToken" in single[0]:
                token = single[0]["SpecialToken"]["id"]
                return p["special_tokens"][token]["ids"][0]
    bos = token_text(tokenizer_config.get("bos_token"))
    if tokenizer_config.get("add_bos_token") and bos:
        for added in tokenizer_json.get("added_tokens", []):
            if added["content"] == bos:
                return added["id"]
        vocab = tokenizer_json.get("model", {}).get("vocab", {})
        if isinstance(vocab, dict) and bos in vocab:
            return vocab[bos]
    return None


def token_text(token):
    if isinstance(token, dict):
        return token.get("content")
    return token


def chat_template_source(tokenizer_config):
    """The tokenizer's chat template (the default of named ones), or None."""
    template = tokenizer_config.get("chat_template")
    if isinstance(template, list):  # named templates: use the default one
        named = {t["name"]: t["template"] for t in template}
        template = named.get("default") or next(iter(named.values()))
    return template or None


def chat_renderer(tokenizer_config, adds_bos):
    """A function that renders a conversation (list of {role, content}) with the chat template, as the
    student's tokenizer will see it: without a BOS the tokenizer adds itself. None without a template."""
    template = chat_template_source(tokenizer_config)
    if not template:
        return None
    import jinja2
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    def raise_exception(message):
        raise ExportError("the chat template refuses the conversation: " + message)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, undefined=jinja2.Undefined)
    env.globals["raise_exception"] = raise_exception
    env.filters["tojson"] = lambda v, **kw: json.dumps(v, **kw)
    compiled = env.from_string(template)
    bos = token_text(tokenizer_config.get("bos_token")) or ""
    eos = token_text(tokenizer_config.get("eos_token")) or ""

    def render(messages, add_generation_prompt):
        text = compiled.render(messages=messages, add_generation_prompt=add_generation_prompt, tools=None,
                               bos_token=bos, eos_token=eos)
        if adds_bos and bos and text.startswith(bos):
            text = text[len(bos):]  # the tokenizer adds BOS itself
        return text
    return render


def prompt_template(tokenizer_config, adds_bos):
    """The chat template rendered for one user turn plus the generation prompt, with {prompt} in it."""
    render = chat_renderer(tokenizer_config, adds_bos)
    if render is None:
        return "{prompt}\n"
    sentinel = "\u2063PROMPT\u2063"
    try:
        text = render([{"role": "user", "content": sentinel}], True)
    except ExportError as e:
        raise ExportError(str(e).replace("the conversation", "a single user turn"))
    if text.count(sentinel) != 1:
        raise ExportError("the chat template does not render the user's message exactly once")
    if "{prompt}" in text.replace(sentinel, ""):
        raise ExportError("the chat template's text contains {prompt} itself; pass --prompt-template")
    return text.replace(sentinel, "{prompt}")


# Conversations the chat template's pieces are read from and checked on.
_S, _U, _A, _V = "\u2063S\u2063", "\u2063U\u2063", "\u2063A\u2063", "\u2063V\u2063"
CHAT_PROBES = [
    [("user", _U)],
    [("system", _S), ("user", _U)],
    [("user", _U), ("assistant", _A), ("user", _V)],
    [("system", _S), ("user", _V), ("assistant", _A), ("user", _U), ("assistant", _V), ("user", _A)],
]


def chat_template_pieces(tokenizer_config, adds_bos):
    """The chat template as pieces the job assembles a conversation from: per role a text with
    {content} in it, the generation prompt, and the system text a template adds when a conversation
    has no system turn. Returns (pieces, None), or (None, why) when the template is not made of
    such pieces (the job then renders conversations by its documented fallback)."""
    render = chat_renderer(tokenizer_config, adds_bos)
    if render is None:
        return None, "the tokenizer has no chat template"

    def msgs(turns):
        return [{"role": r, "content": c} for r, c in turns]
    try:
        lone = render(msgs([("user", _U)]), False)
        lone_gen = render(msgs([("user", _U)]), True)
        with_system = render(msgs([("system", _S), ("user", _U)]), False)
        three = render(msgs([("user", _U), ("assistant", _A), ("user", _V)]), False)
    except Exception as e:  # a template may refuse any conversation but one user turn
        return None, str(e)
    if not lone_gen.startswith(lone):
        return None, "the generation prompt is not added at the end"
    generation = lone_gen[len(lone):]
    if not three.startswith(lone):
        return None, "a later turn changes how the first one renders"
    # Where the user's piece starts in the render of one user turn: the splits that every render
    # agrees with; of those, the one whose user and system pieces begin alike (both at a role's tag).
    best = None
    for k in range(lone.index(_U) + 1):
        user = lone[k:]
        if not with_system.endswith(user) or not three.endswith(user.replace(_U, _V)):
            continue
        system = with_system[:len(with_system) - len(user)]
        assistant = three[len(lone):len(three) - len(user)]
        if system.count(_S) != 1 or _U in system or assistant.count(_A) != 1:
            continue
        alike = len(os.path.commonprefix([user, system]))
        if best is None or alike > best[0]:
            best = (alike, lone[:k], system, user, assistant)
    if best is None:
        return None, "the template is not made of a piece per turn"
    _, default_system, system, user, assistant = best
    pieces = {
        "default-system": default_system,
        "system": system.replace(_S, "{content}"),
        "user": user.replace(_U, "{content}"),
        "assistant": assistant.replace(_A, "{content}"),
        "generation": generation,
    }
    for probe in CHAT_PROBES:
        try:
            want = render(msgs(probe), True)
        except Exception as e:
            return None, str(e)
        if assemble(pieces, probe) != want:
            return None, "the pieces do not reproduce the template on a longer conversation"
    return pieces, None


def assemble(pieces, turns):
    """A conversation rendered from the pieces, as the job renders it (with the generation prompt)."""
    text = "" if turns and turns[0][0] == "system" else pieces["default-system"]
    for role, content in turns:
        text += pieces[role].replace("{content}", content)
    return text + pieces["generation"]


def packing_figures(worst):
    """Packed against alone, in the dtype the check ran in (and the export's where they differ)."""
    text = f"packed vs alone {worst['alone']:.2e}"
    if worst.get("alone_dtype", "") == "float64":
        text += f" in float64 ({worst['alone_export_dtype']:.2e} in float32)"
    return text


def hocon_string(s):
    return json.dumps(s, ensure_ascii=False)


def write_student(out_dir, traced, *, name, config, tokenizer_dir, dtype_name, device, mask_style, worst,
                  max_tokens=None, template=None):
    """Writes model.pt, tokenizer.json and student.conf (model-sha256 last) into out_dir."""
    with open(os.path.join(tokenizer_dir, "tokenizer.json"), encoding="utf-8") as f:
        tokenizer_json = json.load(f)
    config_path = os.path.join(tokenizer_dir, "tokenizer_config.json")
    tokenizer_config = {}
    if os.path.exists(config_path):
        with open(config_path, encoding="utf-8") as f:
            tokenizer_config = json.load(f)
    bos = bos_id(tokenizer_json, tokenizer_config)
    if template is None:
        template = prompt_template(tokenizer_config, bos is not None)
    if "{prompt}" not in template:
        raise ExportError("the prompt template has no {prompt}")
    limit = int(config.get("max_position_embeddings") or config.get("n_positions") or 0)
    if max_tokens:
        limit = min(limit, max_tokens) if limit else max_tokens
    if limit < 2:
        raise ExportError("config.json has no max_position_embeddings; pass --max-tokens")
    os.makedirs(out_dir, exist_ok=True)
    model_path = os.path.join(out_dir, "model.pt")
    torch.jit.save(traced, model_path)
    shutil.copyfile(os.path.join(tokenizer_dir, "tokenizer.json"), os.path.join(out_dir, "tokenizer.json"))
    lines = [
        "# Made by src/main/python/export_hf_student.py; re-export rather than edit.",
        f"# traced on {device}, attention mask {mask_style}; verified on packed rows: traced vs eager "
        f"{worst['trace']:.2e}, {packing_figures(worst)} (nats)",
        f"name = {hocon_string(name)}",
        "format = torchscript",
        f"max-tokens = {limit}",
        f"vocab-size = {int(config['vocab_size'])}",
        f"prompt-template = {hocon_string(template)}",
    ]
    if bos is not None:
        lines.append(f"bos-id = {bos}")
    if config.get("model_type"):
        lines.append(f"family = {hocon_string(config['model_type'])}")
    pieces, why = chat_template_pieces(tokenizer_config, bos is not None)
    if pieces is not None and assemble(pieces, [("user", "\u2063X\u2063")]) != template.replace("{prompt}", "\u2063X\u2063"):
        pieces, why = None, "the prompt template given is not the chat template's"
    if pieces is not None:
        lines.append("chat-template {")
        lines += [f"  {k} = {hocon_string(v)}" for k, v in pieces.items()]
        lines.append("}")
    else:
        lines.append(f"# no chat-template ({why}): conversations are rendered by the job's fallback")
    lines += [f"dtype = {dtype_name}", f"model-sha256 = \"{sha256(model_path)}\""]
    with open(os.path.join(out_dir, "student.conf"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def export(model, out_dir, *, config, tokenizer_dir, dtype_name, device, name, max_tokens=None, template=None):
    """Verifies and writes one student; the model is already in dtype on device and in eval mode."""
    vocab = int(config["vocab_size"])
    traced, style, worst = export_model(model, min(vocab, 32000), dtype_name, device)
    write_student(out_dir, traced, name=name, config=config, tokenizer_dir=tokenizer_dir, dtype_name=dtype_name,
                  device=device, mask_style=style, worst=worst, max_tokens=max_tokens, template=template)
    return style, worst


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model_dir")
    ap.add_argument("out_dir")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--dtype", choices=sorted(DTYPES), help="default: bfloat16 on cuda, float32 on cpu")
    ap.add_argument("--name", help="default: the model directory's name")
    ap.add_argument("--max-tokens", type=int)
    ap.add_argument("--prompt-template")
    ap.add_argument("--attn-implementation", default="sdpa", choices=["sdpa", "eager"])
    args = ap.parse_args(argv)
    dtype_name = args.dtype or ("bfloat16" if args.device.startswith("cuda") else "float32")
    try:
        from transformers import AutoModelForCausalLM
    except ImportError:
        sys.exit("export_hf_student: needs the transformers package (pip install transformers)")
    name = args.name or os.path.basename(os.path.normpath(args.model_dir))
    # The job refuses a name that is not plain (it names export folders): refuse it here, first.
    if not re.fullmatch(r"[A-Za-z0-9._-]{1,100}", name) or name in (".", ".."):
        sys.exit(f"export_hf_student: name {name!r} is not a plain name; use --name with 1 to 100 "
                 "letters, digits, '.', '_' or '-'")
    with open(os.path.join(args.model_dir, "config.json"), encoding="utf-8") as f:
        config = json.load(f)
    model = AutoModelForCausalLM.from_pretrained(args.model_dir, torch_dtype=DTYPES[dtype_name],
                                                 attn_implementation=args.attn_implementation)
    model = model.to(args.device).eval()
    try:
        style, worst = export(model, args.out_dir, config=config, tokenizer_dir=args.model_dir, dtype_name=dtype_name,
                              device=args.device, name=name, max_tokens=args.max_tokens, template=args.prompt_template)
    except ExportError as e:
        sys.exit(f"export_hf_student: {e}")
    print(f"wrote {args.out_dir}: {dtype_name} on {args.device}, {style} mask, traced vs eager {worst['trace']:.2e}, "
          + packing_figures(worst))


if __name__ == "__main__":
    main()
