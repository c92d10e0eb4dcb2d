"""Make the demo corpus: arithmetic word problems, each answered by four teachers.

Teachers, with distinct styles:
  concise-solver     one equation per step, nothing else
  verbose-explainer  explains every step in full sentences and checks the result
  looping-thinker    restates earlier steps again and again, as long reasoning traces often do
  sloppy-guesser     skips steps, drops and garbles letters, and is often wrong

Writes JSON Lines with prompt_id, prompt, teacher, response, correct and a carried column
(difficulty). Deterministic:  python3 src/main/python/make_demo_corpus.py OUT.jsonl [--prompts 200]
Needs only the Python standard library.
"""
import argparse
import json
import os
import random
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import demo_text  # noqa: E402

# teacher -> (style, probability that its final answer is wrong)
TEACHERS = [
    ("concise-solver", demo_text.concise_answer, 0.03),
    ("verbose-explainer", demo_text.verbose_answer, 0.05),
    ("looping-thinker", demo_text.looping_answer, 0.10),
    ("sloppy-guesser", None, 0.35),
]


def with_wrong_answer(text, answer, rng):
    wrong = answer + rng.choice([-3, -2, -1, 1, 2, 5])
    return re.sub(r"answer is %d\.$" % answer, "answer is %d." % wrong, text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--prompts", type=int, default=200)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    rows = []
    for i in range(args.prompts):
        p = demo_text.make_problem(rng)
        for teacher, style, wrong_rate in TEACHERS:
            wrong = rng.random() < wrong_rate
            if style is None:
                text = demo_text.sloppy_answer(p, rng, wrong)
            else:
                text = style(p, rng)
                if wrong:
                    text = with_wrong_answer(text, p.answer, rng)
            rows.append({"prompt_id": f"p{i:04d}", "prompt": p.text(), "teacher": teacher, "response": text,
                         "correct": not wrong, "difficulty": len(p.ops)})
    with open(args.out, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} rows ({args.prompts} prompts x {len(TEACHERS)} teachers) to {args.out}")


if __name__ == "__main__":
    main()
