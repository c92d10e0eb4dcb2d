"""Independent reference for GALP, LALP and step scores: the definitions read literally.

One forward pass per step window (no grouping, no packing, plain causal mask), with its own
segmenters (segmenters.py). It shares no code with the Java scorer. Two uses:

  /usr/bin/python3 src/main/python/reference_scores.py src/main/resources/demo/student \
      src/test/resources/golden/demo-student-golden.json

writes the demo student's golden JSON, with its own byte tokenizer (the demo student's vocabulary:
id = byte, BOS = 256) and the TorchScript model; and

  python reference_scores.py cases STUDENT_DIR CASES.jsonl OUT.json [--hf-model HF_DIR]

scores each case ({"id", "prompt", "response", "segmenter", "window": {"steps"|"fraction": "v"},
"include_prompt", "max_tokens"}) with the student's tokenizer.json read by the `tokenizers` package
(offsets in code points: a token belongs to the step holding its first character) and, with
--hf-model, an eager transformers forward of the Hugging Face model the student was exported from
(else model.pt). RealStudentFidelityTest holds the job's scores to it.
"""
import json
import math
import re
import sys
from fractions import Fraction

import torch

from segmenters import given, line, paragraph, sentence
from student_files import read_student_conf  # noqa: F401 (export_fixture reads it from here)


# ---- tokenizer: UTF-8 bytes, each byte carrying the index of its character ----

def byte_tokens(text):
    ids, char_of = [], []
    for ci, ch in enumerate(text):
        b = ch.encode("utf-8")
        ids += list(b)
        char_of += [ci] * len(b)
    return ids, char_of


def step_token_ranges(text, spans, tokenize=byte_tokens):
    ids, char_of = tokenize(text)
    ranges = []
    for (s, e) in spans:
        toks = [t for t in range(len(ids)) if s <= char_of[t] < e]
        if toks:
            ranges.append((toks[0], toks[-1] + 1))
    return ids, ranges


class ByteTokenizer:
    """The demo student's vocabulary: a prefix is BOS and its bytes, a response its bytes."""

    def __init__(self, bos):
        self.bos = bos

    def prefix(self, text):
        return [self.bos] + list(text.encode("utf-8"))

    def tokens(self, text):
        return byte_tokens(text)


class TokenizerJson:
    """A student's tokenizer.json through the `tokenizers` package: (ids, first character of each)."""

    def __init__(self, path, bos):
        from tokenizers import Tokenizer
        self.tokenizer = Tokenizer.from_file(path)
        self.bos = bos

    def prefix(self, text):
        return self.tokenizer.encode(text, add_special_tokens=True).ids

    def tokens(self, text):
        encoding = self.tokenizer.encode(text, add_special_tokens=False)
        return encoding.ids, [start for start, _ in encoding.offsets]


class HfEagerModel:
    """A transformers forward of a Hugging Face causal LM directory, float32, eager attention unless
    another is named (the benchmark's anchor takes transformers' default, sdpa)."""

    def __init__(self, hf_dir, attention="eager"):
        from transformers import AutoModelForCausalLM
        self.model = AutoModelForCausalLM.from_pretrained(hf_dir, dtype=torch.float32,
                                                          attn_implementation=attention).eval()

    def __call__(self, seq):
        with torch.no_grad():
            return self.model(input_ids=torch.tensor([seq]), use_cache=False).logits[0].float()


# ---- scores ----

class Scorer:
    def __init__(self, student_dir, tokenizer=None, model=None):
        conf = read_student_conf(student_dir + "/student.conf")
        self.template = conf["prompt-template"]
        self.bos = int(conf["bos-id"]) if "bos-id" in conf else None
        self.max_tokens = int(conf["max-tokens"])
        self.tokenizer = tokenizer or ByteTokenizer(self.bos)
        if model is None:
            scripted = torch.jit.load(student_dir + "/model.pt")
            scripted.eval()
            model = self.scripted_logits(scripted)
        self.logits = model

    @staticmethod
    def scripted_logits(scripted):
        def run(seq):
            t = len(seq)
            ids = torch.tensor([seq], dtype=torch.long)
            pos = torch.arange(t).unsqueeze(0)
            mask = torch.tril(torch.ones(t, t, dtype=torch.bool)).view(1, 1, t, t)
            with torch.no_grad():
                return scripted(ids, pos, mask)[0].float()
        return run

    def token_logprobs(self, seq):
        """lp[t] = log p(seq[t] | seq[:t]) for t >= 1, from one forward pass."""
        lsm = torch.log_softmax(self.logits(seq), dim=-1)
        return [None] + [lsm[i - 1, seq[i]].item() for i in range(1, len(seq))]

    def window(self, mode, i):
        kind, value = mode
        if kind == "steps":
            return min(int(value), i - 1)
        return math.ceil(Fraction(value) * (i - 1))

    def score(self, prompt, response, spans, window_mode, include_prompt, max_tokens):
        m = max_tokens or self.max_tokens
        prefix = self.tokenizer.prefix(self.template.replace("{prompt}", prompt))
        resp, steps = step_token_ranges(response, spans, self.tokenizer.tokens)
        truncated = False

        galp = None
        if resp:
            fit = max(0, min(len(resp), m - len(prefix)))
            if fit < len(resp):
                truncated = True
            if fit > 0:
                lp = self.token_logprobs(prefix + resp[:fit])
                galp = sum(lp[len(prefix):]) / fit

        step_scores, drop_first = [], []
        context = prefix if include_prompt else ([self.bos] if self.bos is not None else [])
        for k, (s, e) in enumerate(steps):
            j = k - self.window(window_mode, k + 1)
            ctx = list(context)
            while j < k and len(ctx) + (e - steps[j][0]) > m:
                j += 1
                truncated = True
            step = resp[s:e]
            if len(ctx) + len(step) > m:
                truncated = True
                if len(step) < m:
                    ctx = ctx[len(ctx) - (m - len(step)):]
                else:
                    ctx, step = [], step[:m]
            seq = ctx + resp[steps[j][0]:s] + step
            start = len(seq) - len(step)
            lp = self.token_logprobs(seq)
            scored = [lp[t] for t in range(max(start, 1), len(seq))]
            if scored:
                step_scores.append(sum(scored) / len(scored))
            # lalp_drop_first: the step's mean without its first scored token (the transition).
            if len(scored) > 1:
                drop_first.append(sum(scored[1:]) / (len(scored) - 1))
        lalp = sum(step_scores) / len(step_scores) if step_scores else None
        lalp_drop_first = sum(drop_first) / len(drop_first) if drop_first else None
        return {"galp": galp, "lalp": lalp, "lalp_drop_first": lalp_drop_first,
                "step_scores": step_scores, "n_tokens": len(resp), "n_steps": len(step_scores),
                "truncated": truncated}


def fixtures():
    forty = "\n\n".join(f"Step {i}: {i} + {i} = {2 * i}." for i in range(1, 41))
    long_text = "\n\n".join(f"Then {i} * 3 = {3 * i}, and we keep the running total of everything so far."
                            for i in range(1, 46))
    return [
        {"name": "ascii", "prompt": "Mia has 12 apples. She buys 7 more and gives 5 to Leo. How many apples does Mia have now?",
         "response": "Mia starts with 12 apples.\n\nMia buys 7 more: 12 + 7 = 19.\n\nAfter that, 19 - 5 = 14.\n\nThe answer is 14."},
        {"name": "non_ascii", "prompt": "Résumé: 小明有 3 个苹果 🍎. Compute $\\frac{3}{4}$ of 8.",
         "response": "Café naïve: $\\frac{3}{4} \\times 8 = 6$.\n\n小明有 3 个苹果，再买 2 个 🍎🍏 → 5.\n\nשלום עולם. The answer is 6 ✅."},
        {"name": "no_separators", "prompt": "Add 2 and 3.", "response": "2 + 3 = 5 so the answer is 5"},
        {"name": "only_separators", "prompt": "Say nothing.", "response": "\n\n \n\t\n\n"},
        {"name": "one_step", "prompt": "What is 6 * 7?", "response": "The answer is 42."},
        {"name": "forty_steps", "prompt": "Double the numbers from 1 to 40.", "response": forty},
        # Scored with max-tokens 384 in every mode: longer than the model's window, cheap to check.
        {"name": "longer_than_max_tokens", "prompt": "Multiply each number by 3.", "response": long_text, "max_tokens": 384},
        {"name": "sentences", "prompt": "Explain.",
         "response": "Pi is about 3.14. E.g. this is fine, i.e. not a break. Dr. Smith agreed! Really?! Yes.\nNext line...  Done"},
        {"name": "blank_lines_with_spaces", "prompt": "List.", "response": "first\n \t\nsecond\n\n\nthird\nfourth"},
        # An abbreviation that ends a line: the newline still ends the step.
        {"name": "abbreviation_at_line_end", "prompt": "How can a city cut its emissions?",
         "response": "- Cleaner buses, trucks, etc.\n\n- Reducing waste, e.g.\nby recycling.\n\n- Planting trees."},
        {"name": "given_steps", "prompt": "Ava has 9 marbles and gives 4 away.",
         "response": "Ava has 9. She gives 4 away, so 9 - 4 = 5. The answer is 5.",
         "steps": ["Ava has 9. ", "She gives 4 away, so 9 - 4 = 5. ", "The answer is 5."]},
    ]


WINDOWS = [("steps", "1"), ("steps", "4"), ("fraction", "0.05"), ("fraction", "0.25"), ("fraction", "1.0")]
SEGMENTERS = {"paragraph": paragraph, "line": line, "sentence": sentence}


def score_cases(student_dir, cases_path, out, hf_model=None):
    scorer = Scorer(student_dir, TokenizerJson(student_dir + "/tokenizer.json", None),
                    HfEagerModel(hf_model) if hf_model else None)
    results = []
    with open(cases_path, encoding="utf-8") as f:
        cases = [json.loads(line) for line in f if line.strip()]
    for case in cases:
        (kind, value), = case["window"].items()
        spans = SEGMENTERS[case["segmenter"]](case["response"])
        expected = scorer.score(case["prompt"], case["response"], spans, (kind, str(value)),
                                case.get("include_prompt", True), case.get("max_tokens"))
        results.append({"id": case["id"], "expected": expected})
    with open(out, "w", encoding="utf-8") as f:
        json.dump(results, f, ensure_ascii=False, indent=1)
    print(f"wrote {len(results)} cases to {out}")


def main():
    if sys.argv[1:2] == ["cases"]:
        args = sys.argv[2:]
        hf_model = None
        if "--hf-model" in args:
            i = args.index("--hf-model")
            hf_model = args[i + 1]
            del args[i:i + 2]
        score_cases(*args, hf_model=hf_model)
        return
    golden(*sys.argv[1:3])


def golden(student_dir, out):
    torch.set_num_threads(1)
    scorer = Scorer(student_dir)
    cases = []
    for fx in fixtures():
        default_max = fx.get("max_tokens")
        modes = [(seg, w, inc, default_max) for seg in SEGMENTERS for w in WINDOWS for inc in (True, False)]
        if "steps" in fx:
            modes += [("column", w, inc, default_max) for w in WINDOWS for inc in (True, False)]
        modes += [("paragraph", ("fraction", "0.25"), True, 48), ("line", ("steps", "4"), False, 48),
                  ("sentence", ("steps", "1"), True, 40), ("paragraph", ("fraction", "1.0"), True, 24)]
        for seg, w, inc, max_tokens in modes:
            spans = given(fx["response"], fx["steps"]) if seg == "column" else SEGMENTERS[seg](fx["response"])
            expected = scorer.score(fx["prompt"], fx["response"], spans, w, inc, max_tokens)
            cases.append({"fixture": fx["name"], "prompt": fx["prompt"], "response": fx["response"],
                          "steps": fx.get("steps"), "segmenter": seg, "window": {w[0]: w[1]},
                          "include_prompt": inc, "max_tokens": max_tokens or scorer.max_tokens,
                          "expected": expected})
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"student": student_dir.rstrip("/").split("/")[-1], "cases": cases}, f, ensure_ascii=False, indent=1)
    print(f"wrote {len(cases)} cases to {out}")


if __name__ == "__main__":
    main()
