"""Make the demo student: a small rotary-position causal transformer over bytes.

It is trained for a few CPU minutes on step-by-step arithmetic text in a style of its own
(demo_text.student_answer), then written as a student directory (design section 3):
model.pt (TorchScript with forward(input_ids, position_ids, attention_mask) -> logits),
tokenizer.json (byte-level, id = byte value, plus <s>, </s>, <pad>) and student.conf.

Run with Debian's torch:  /usr/bin/python3 src/main/python/make_demo_student.py OUT_DIR
Deterministic: fixed seeds, one thread, fixed step count (about 8 minutes on 2 cores with
Debian's python3-torch and libopenblas0-pthread; the sha256 in student.conf is of this machine's
output, and the golden scores in src/test/resources/golden are computed from the committed model).
"""
import argparse
import json
import math
import os
import random
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import demo_text  # noqa: E402
from student_files import sha256  # noqa: E402

BOS, EOS, PAD = 256, 257, 258
VOCAB = 259
PROMPT_TEMPLATE = "Problem: {prompt}\nSolution:\n"
MAX_TOKENS = 2048


class Block(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.head_dim = d // heads
        self.norm1 = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d, bias=False)
        self.proj = nn.Linear(d, d, bias=False)
        self.norm2 = nn.LayerNorm(d)
        self.up = nn.Linear(d, 4 * d)
        self.down = nn.Linear(4 * d, d)

    def forward(self, x, cos, sin, mask):
        b, t, d = x.shape
        q, k, v = self.qkv(self.norm1(x)).split(d, dim=2)
        q = q.view(b, t, self.heads, self.head_dim).transpose(1, 2)
        k = k.view(b, t, self.heads, self.head_dim).transpose(1, 2)
        v = v.view(b, t, self.heads, self.head_dim).transpose(1, 2)
        q = rotate(q, cos, sin)
        k = rotate(k, cos, sin)
        att = torch.matmul(q, k.transpose(-2, -1)) / math.sqrt(self.head_dim)
        # A large negative rather than -inf: a fully masked row (padding) stays finite.
        att = att.masked_fill(torch.logical_not(mask), -1.0e9)
        att = torch.softmax(att, dim=-1)
        y = torch.matmul(att, v).transpose(1, 2).reshape(b, t, d)
        x = x + self.proj(y)
        return x + self.down(F.gelu(self.up(self.norm2(x))))


def rotate(x, cos, sin):
    half = x.shape[-1] // 2
    x1, x2 = x[..., :half], x[..., half:]
    return torch.cat([x1 * cos - x2 * sin, x1 * sin + x2 * cos], dim=-1)


class RotaryGPT(nn.Module):
    def __init__(self, d=128, layers=2, heads=4):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, d)
        self.blocks = nn.ModuleList([Block(d, heads) for _ in range(layers)])
        self.norm = nn.LayerNorm(d)
        half = (d // heads) // 2
        self.register_buffer("inv_freq", 1.0 / (10000.0 ** (torch.arange(half, dtype=torch.float32) / half)))
        for p in self.parameters():
            if p.dim() == 2:
                nn.init.normal_(p, std=0.02)

    def forward(self, input_ids: torch.Tensor, position_ids: torch.Tensor, attention_mask: torch.Tensor):
        x = self.embed(input_ids)
        angles = position_ids.to(torch.float32).unsqueeze(-1) * self.inv_freq  # [B,T,half]
        cos = torch.cos(angles).unsqueeze(1)
        sin = torch.sin(angles).unsqueeze(1)
        for block in self.blocks:
            x = block(x, cos, sin, attention_mask)
        return torch.matmul(self.norm(x), self.embed.weight.t())


def encode(text):
    return list(text.encode("utf-8"))


def training_stream(rng, n_problems):
    """Documents: <s> template(prompt) answer </s>; a fifth also as <s> + a tail of the answer,
    so the student has seen windows that start mid-answer (scoring.window.include-prompt=false)."""
    ids = []
    for _ in range(n_problems):
        p = demo_text.make_problem(rng)
        answer = demo_text.student_answer(p, rng)
        if rng.random() < 0.15:
            # Now and then the student re-checks a step word for word, so it learns to copy from
            # its context, as real language models do.
            steps = answer.split("\n\n")
            steps.insert(len(steps) - 1, "Let me check again: " + rng.choice(steps[1:-1]))
            answer = "\n\n".join(steps)
        ids += [BOS] + encode(PROMPT_TEMPLATE.format(prompt=p.text())) + encode(answer) + [EOS]
        if rng.random() < 0.2:
            steps = answer.split("\n\n")
            cut = rng.randint(1, len(steps) - 1)
            ids += [BOS] + encode("\n\n".join(steps[cut:])) + [EOS]
    return torch.tensor(ids, dtype=torch.long)


def causal_mask(t):
    return torch.tril(torch.ones(t, t, dtype=torch.bool)).view(1, 1, t, t)


def train(model, stream, steps, batch, seq, lr, log):
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    gen = torch.Generator().manual_seed(1234)
    mask = causal_mask(seq)
    pos = torch.arange(seq).unsqueeze(0).expand(batch, seq)
    losses = []
    for step in range(steps):
        starts = torch.randint(0, stream.numel() - seq - 1, (batch,), generator=gen)
        x = torch.stack([stream[s:s + seq] for s in starts.tolist()])
        y = torch.stack([stream[s + 1:s + seq + 1] for s in starts.tolist()])
        for g in opt.param_groups:  # cosine decay after a short warm-up
            g["lr"] = lr * min(1.0, (step + 1) / 50) * 0.5 * (1 + math.cos(math.pi * step / steps))
        logits = model(x, pos, mask)
        loss = F.cross_entropy(logits.reshape(-1, VOCAB), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        losses.append(loss.item())
        if step % 50 == 0 or step == steps - 1:
            log(f"step {step:4d}  loss {sum(losses[-50:]) / len(losses[-50:]):.4f}")
    return losses


def byte_level_tokenizer_json():
    # GPT-2's byte-to-unicode table: the ByteLevel pre-tokenizer maps each byte to one of these.
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    byte_to_char = dict(zip(bs, [chr(c) for c in cs]))
    vocab = {byte_to_char[b]: b for b in range(256)}
    specials = [("<s>", BOS), ("</s>", EOS), ("<pad>", PAD)]
    vocab.update({tok: i for tok, i in specials})
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [{"id": i, "content": tok, "single_word": False, "lstrip": False, "rstrip": False,
                          "normalized": False, "special": True} for tok, i in specials],
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"Sequence": {"id": "B", "type_id": 0}}],
            "special_tokens": {"<s>": {"id": "<s>", "ids": [BOS], "tokens": ["<s>"]}},
        },
        "decoder": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False,
                  "vocab": vocab, "merges": []},
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", help="student directory to write")
    ap.add_argument("--steps", type=int, default=1500)
    ap.add_argument("--d", type=int, default=128)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--random-weights", action="store_true", help="skip training (benchmark students)")
    ap.add_argument("--name", default="demo-student")
    args = ap.parse_args()

    torch.manual_seed(7)
    torch.set_num_threads(1)
    rng = random.Random(20261127)
    model = RotaryGPT(args.d, args.layers, args.heads)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"parameters: {n_params}", flush=True)
    final_loss = None
    if not args.random_weights:
        stream = training_stream(rng, 6000)
        print(f"training tokens: {stream.numel()}", flush=True)
        t0 = time.time()
        losses = train(model, stream, args.steps, batch=6, seq=512, lr=3e-3, log=lambda m: print(m, flush=True))
        final_loss = sum(losses[-50:]) / len(losses[-50:])
        print(f"trained {args.steps} steps in {time.time() - t0:.0f}s, final loss {final_loss:.4f} nats/byte", flush=True)
    model.eval()

    os.makedirs(args.out, exist_ok=True)
    scripted = torch.jit.script(model)
    model_path = os.path.join(args.out, "model.pt")
    scripted.save(model_path)
    with open(os.path.join(args.out, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(byte_level_tokenizer_json(), f, ensure_ascii=False, indent=1)
    conf = "\n".join([
        "# Made by src/main/python/make_demo_student.py; regenerate rather than edit.",
        f"name = {json.dumps(args.name)}",
        "format = torchscript",
        f"max-tokens = {MAX_TOKENS}",
        f"vocab-size = {VOCAB}",
        f"prompt-template = {json.dumps(PROMPT_TEMPLATE)}",
        f"bos-id = {BOS}",
        "dtype = float32",
        f"model-sha256 = \"{sha256(model_path)}\"",
        f"# d = {args.d}, layers = {args.layers}, heads = {args.heads}, parameters = {n_params}"
        + (f", training steps = {args.steps}, final training loss = {final_loss:.4f} nats/byte" if final_loss else ", random weights"),
        "",
    ])
    with open(os.path.join(args.out, "student.conf"), "w", encoding="utf-8") as f:
        f.write(conf)
    print(f"wrote {args.out}", flush=True)


if __name__ == "__main__":
    main()
