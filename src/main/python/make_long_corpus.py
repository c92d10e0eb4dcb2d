"""Make a long-trace corpus: nine teachers answering long arithmetic chains, shaped like real traces.

Shaped by what 1,350 real multi-teacher traces measured (nine models, bytes as tokens): responses of
1.1 KB at the median, 3.2 KB at p90 and up to 42 KB; sentence steps 19 / 56 / 1,091 (median, p90,
max), paragraph steps 4 / 17 / 653. Lengths are drawn log-normally around each teacher's own median,
sentences are ~60 bytes, paragraphs hold a teacher's own number of sentences, and a few traces
(--long-traces, default 3) run to about 40,000 bytes with 1,000+ sentences, one of them in very short
paragraphs. Teachers differ in style, so they differ in how natural the demo student finds them:

  terse-calculator   one equation per sentence, short answers
  careful-explainer  full sentences, long paragraphs
  loop-prone         keeps restating what it already did
  self-verifier      checks every step backwards
  tangent-taker      wanders off into remarks about the problem
  list-maker         bulleted lines
  latex-writer       equations in LaTeX
  backtracker        makes slips and corrects them
  sloppy-scribbler   drops and garbles letters

Writes JSON Lines (prompt_id, prompt, teacher, response, correct). Deterministic; standard library
only:  python3 src/main/python/make_long_corpus.py OUT.jsonl [--prompts 150] [--long-traces 3]
"""
import argparse
import json
import math
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import demo_text  # noqa: E402

# teacher -> (length median in bytes, sentences per paragraph (mean), probability of a wrong answer)
TEACHERS = {
    "terse-calculator": (600, 3.0, 0.05),
    "careful-explainer": (1600, 7.0, 0.04),
    "loop-prone": (2000, 5.0, 0.12),
    "self-verifier": (1400, 4.0, 0.03),
    "tangent-taker": (1200, 6.0, 0.10),
    "list-maker": (900, 8.0, 0.06),
    "latex-writer": (1000, 4.0, 0.05),
    "backtracker": (1300, 5.0, 0.15),
    "sloppy-scribbler": (700, 4.0, 0.35),
}
SIGMA = 0.83  # log-normal spread: p90 / median = exp(1.2816 * SIGMA) = 2.9
REMARKS = [
    "This reminds me of a puzzle about sharing fruit among friends.",
    "It is worth noting that the order of the steps matters here.",
    "Some people would draw a table for this, but words will do.",
    "The numbers are small, so mental arithmetic is enough.",
]


def operation(total, rng):
    kind = rng.choice(["add", "add", "take", "times"])
    if kind == "take" and total > 3:
        n = rng.randint(1, min(total - 1, 40))
        return "-", n, total - n
    if kind == "times" and total < 200:
        n = rng.randint(2, 3)
        return "*", n, total * n
    n = rng.randint(2, 60)
    return "+", n, total + n


def sentences_for(teacher, step, total, op, n, result, rng, said):
    """The sentences one teacher writes for one operation of the chain."""
    eq = f"{total} {op} {n} = {result}"
    if teacher == "terse-calculator":
        return [f"Step {step}: {eq}, and the total is now {result}."]
    if teacher == "careful-explainer":
        return [f"In step {step} the running total of {total} changes by {op} {n}.",
                f"Working it out carefully, {eq}, so the new total is {result}."]
    if teacher == "loop-prone":
        out = [f"Now the running total becomes {eq} after step {step}."]
        if said and rng.random() < 0.6:
            out.append("Wait, let me go back. " + rng.choice(said))
        return out
    if teacher == "self-verifier":
        back = {"+": "-", "-": "+", "*": "/"}[op]
        return [f"Applying step {step} we get {eq} for the total.",
                f"Check: {result} {back} {n} = {total}, which is right."]
    if teacher == "tangent-taker":
        out = [f"Next comes step {step}, where {eq} holds for the total."]
        if rng.random() < 0.4:
            out.append(rng.choice(REMARKS))
        return out
    if teacher == "list-maker":
        return [f"- step {step}: apply {op} {n} to {total}, so {eq}"]
    if teacher == "latex-writer":
        latex = eq.replace("*", "\\times")
        return [f"We compute $${latex}$$ and carry ${result}$ forward."]
    if teacher == "backtracker":
        if rng.random() < 0.3:
            return [f"So after step {step}, {total} {op} {n} = {result + rng.choice([-2, 1, 3])}.",
                    f"No, that is wrong; redoing it, {eq}."]
        return [f"So after step {step}, we have {eq} in total."]
    return [demo_text.garble(f"then step {step} is {total}{op}{n} which is {result} i think", rng, 0.12)]


def response(teacher, target_bytes, paragraph_mean, wrong, rng):
    total = rng.randint(5, 60)
    sentences = [f"We start from {total}."]
    said = []
    step = 0
    size = len(sentences[0])
    while size < target_bytes:
        step += 1
        op, n, result = operation(total, rng)
        new = sentences_for(teacher, step, total, op, n, result, rng, said)
        said.extend(s for s in new if not s.startswith("Wait"))
        sentences.extend(new)
        size += sum(len(s) + 1 for s in new)
        total = result
    answer = total + (rng.choice([-3, -1, 2, 5]) if wrong else 0)
    sentences.append(f"The answer is {answer}.")
    return paragraphs(sentences, paragraph_mean, rng), total, answer


def paragraphs(sentences, mean, rng):
    """Sentences joined by spaces (lines for lists) into paragraphs of about `mean` sentences."""
    out, current = [], []
    for s in sentences:
        current.append(s)
        if rng.random() < 1.0 / mean:
            out.append(current)
            current = []
    if current:
        out.append(current)
    return "\n\n".join(("\n" if p[0].startswith("- ") else " ").join(p) for p in out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--prompts", type=int, default=150)
    ap.add_argument("--long-traces", type=int, default=3, help="traces of about 40,000 bytes")
    ap.add_argument("--seed", type=int, default=20261129)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    rows = []
    for p in range(args.prompts):
        prompt = f"Start from a number and apply a long chain of operations, step by step (chain {p})."
        for teacher, (median, paragraph_mean, wrong_rate) in TEACHERS.items():
            target = int(median * math.exp(rng.gauss(0, SIGMA)))
            wrong = rng.random() < wrong_rate
            text, truth, answer = response(teacher, target, paragraph_mean, wrong, rng)
            rows.append({"prompt_id": f"c{p:04d}", "prompt": prompt, "teacher": teacher,
                         "response": text, "correct": answer == truth})
    # A few very long traces: ~40,000 bytes, 1,000+ sentences; the first in one-sentence paragraphs.
    long_teachers = ["terse-calculator", "loop-prone", "self-verifier"]
    for i in range(args.long_traces):
        teacher = long_teachers[i % len(long_teachers)]
        paragraph_mean = 1.6 if i == 0 else TEACHERS[teacher][1]
        text, truth, answer = response(teacher, 40_000, paragraph_mean, False, rng)
        rows.append({"prompt_id": f"long{i}", "prompt": "Apply a very long chain of operations, step by step.",
                     "teacher": teacher, "response": text, "correct": answer == truth})
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    lengths = sorted(len(r["response"].encode("utf-8")) for r in rows)
    paragraphs_n = sorted(r["response"].count("\n\n") + 1 for r in rows)

    def q(xs, f):
        return xs[min(len(xs) - 1, int(f * len(xs)))]
    print(f"wrote {len(rows)} rows to {args.out}: response bytes median {q(lengths, 0.5):,}, "
          f"p90 {q(lengths, 0.9):,}, max {lengths[-1]:,}; paragraphs median {q(paragraphs_n, 0.5)}, "
          f"p90 {q(paragraphs_n, 0.9)}, max {paragraphs_n[-1]}")


if __name__ == "__main__":
    main()
