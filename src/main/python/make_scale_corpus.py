"""Make a large corpus of short responses for scale runs (millions of rows, small text each).

Each prompt is a short sum ("Add 46, 28 and 5."), answered by four teachers in one to three
paragraph steps, every response under 64 bytes (the demo student's tokens are bytes), so a run
measures what the job costs per row rather than per model token. Rows are written as they are
made, so memory stays flat whatever the size. Deterministic:

  python3 src/main/python/make_scale_corpus.py OUT.jsonl --rows 1000000 [--seed 11]

Needs only the Python standard library.
"""
import argparse
import json
import random

TEACHERS = ["direct", "stepwise", "checker", "sloppy"]


def response(teacher, numbers, rng):
    total = sum(numbers)
    if teacher == "direct":
        steps = [f"The answer is {total}."]
    elif teacher == "stepwise":
        steps, run = [], numbers[0]
        for n in numbers[1:]:
            steps.append(f"{run} + {n} = {run + n}.")
            run += n
        steps.append(f"The answer is {total}.")
        steps = steps[-3:]
    elif teacher == "checker":
        steps = [" + ".join(map(str, numbers)) + f" = {total}.", f"Check: {total} is right.", f"The answer is {total}."]
    else:
        wrong = total + rng.choice([-2, -1, 1, 3])
        steps = [f"{numbers[0]} plus stuff is {wrong}?", f"answer {wrong}"][: rng.randint(1, 2)]
    text = "\n\n".join(steps)
    assert len(text.encode("utf-8")) < 64, text
    return text, teacher != "sloppy"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--rows", type=int, default=1_000_000, help="rows to write (a multiple of 4 keeps prompts whole)")
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    written = 0
    with open(args.out, "w", encoding="utf-8") as f:
        prompt_index = 0
        while written < args.rows:
            numbers = [rng.randint(2, 60) for _ in range(rng.randint(2, 3))]
            prompt = "Add " + ", ".join(map(str, numbers[:-1])) + f" and {numbers[-1]}."
            for teacher in TEACHERS:
                if written == args.rows:
                    break
                text, correct = response(teacher, numbers, rng)
                f.write(json.dumps({"prompt_id": f"q{prompt_index:07d}", "prompt": prompt, "teacher": teacher,
                                    "response": text, "correct": correct}) + "\n")
                written += 1
            prompt_index += 1
    print(f"wrote {written} rows ({prompt_index} prompts) to {args.out}")


if __name__ == "__main__":
    main()
