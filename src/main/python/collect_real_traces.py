"""Public reasoning traces for the real-student checks and benchmarks, collected from git checkouts.

    python3 collect_real_traces.py ZEROEVAL_CHECKOUT URL_NLP_CHECKOUT OUT_DIR [--prompts N]

Nothing collected here is committed; the sources are named (with the commits the figures in
docs/student.md and docs/performance.md were measured on) so anyone can collect the same files:

  git clone https://github.com/yuchenlin/ZeroEval        # Apache-2.0; commit 570c6269a2e4930ee06a17e713fece1ba52cf1dd
  git clone https://github.com/google-research/url-nlp   # MGSM exemplars, CC-BY-4.0; commit 452a21ad3dae5668c06ceeac21ff073e1e40f9be

OUT_DIR receives:
  gsm-labelled.jsonl  a flat corpus: the first N GSM8K test prompts (default 100) answered by each of
                      TEACHERS, as ZeroEval's harness committed them (greedy, JSON answers): prompt_id,
                      prompt (the question), teacher, response (the reasoning, a blank line and
                      "Answer: <answer>"), correct (the answer's number equals GSM8K's), gold.
  texts.jsonl         {"source", "text"} rows of real text for the tokenizer and log-prob checks:
                      GSM8K reasoning (digits), MATH level 5 reasoning (LaTeX), CRUXEval reasoning
                      (code), AlpacaEval answers (emoji and other symbols), MGSM's chain-of-thought
                      exemplars in ten languages (Bengali, Chinese, Japanese, Russian, Telugu, Thai...).
"""
import argparse
import ast
import json
import os
import re

# Eight teachers of different sizes and families, all present in ZeroEval's gsm results.
TEACHERS = ["gemma-2-2b-it", "Meta-Llama-3-8B-Instruct", "Mixtral-8x7B-Instruct-v0.1", "Phi-3.5-mini-instruct",
            "Qwen2-7B-Instruct", "gpt-3.5-turbo-0125", "claude-3-haiku-20240307", "gpt-4o-2024-08-06"]
TEXT_SOURCES = [("gsm", "result_dirs/gsm/gpt-4o-2024-08-06.json", 40),
                ("math-l5", "result_dirs/math-l5/claude-3-5-sonnet-20240620.json", 40),
                ("math-l5", "result_dirs/math-l5/Qwen2.5-72B-Instruct.json", 20),
                ("crux", "result_dirs/crux/gpt-4o-2024-08-06.json", 30),
                ("alpaca_eval", "result_dirs/alpaca_eval/greedy/Qwen2-1.5B-Instruct.json", 805),
                ("alpaca_eval", "result_dirs/alpaca_eval/greedy/Qwen2-0.5B-Instruct.json", 805),
                ("alpaca_eval", "result_dirs/alpaca_eval/greedy/Rex-v0.1-1.5B.json", 805),
                ("alpaca_eval", "result_dirs/alpaca_eval/greedy/Rex-v0.1-0.5B.json", 805)]
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def load(checkout, path):
    with open(os.path.join(checkout, path), encoding="utf-8") as f:
        return json.load(f)


def first_output(item):
    out = item.get("output")
    if isinstance(out, str):
        try:
            out = ast.literal_eval(out)  # some files keep the list as its Python repr
        except (ValueError, SyntaxError):
            return out
    return out[0] if isinstance(out, list) and out else (out or "")


def parsed_answer(raw):
    """(reasoning, answer) from the harness's JSON answer (the outermost braces of the output, read
    leniently: models write raw newlines inside its strings), or (raw text, None) when there is none."""
    start, end = raw.find("{"), raw.rfind("}")
    if start < 0 or end < start:
        return raw.strip(), None
    try:
        data = json.loads(raw[start:end + 1], strict=False)
    except json.JSONDecodeError:
        return raw.strip(), None
    if not isinstance(data, dict) or "reasoning" not in data:
        return raw.strip(), None
    return str(data["reasoning"]).strip(), None if data.get("answer") is None else str(data["answer"])


def number(text):
    if text is None:
        return None
    found = NUMBER.search(text.replace(",", "").replace("$", ""))
    return float(found.group()) if found else None


def gsm_corpus(zeroeval, prompts):
    rows = []
    for teacher in TEACHERS:
        items = load(zeroeval, f"result_dirs/gsm/{teacher}.json")
        for item in items[:prompts]:
            reasoning, answer = parsed_answer(first_output(item))
            gold = number(item["answer"])
            got = number(answer)
            response = reasoning + ("\n\nAnswer: " + answer if answer is not None else "")
            rows.append({"prompt_id": item["id"], "prompt": item["question"], "teacher": teacher,
                         "response": response, "correct": got is not None and gold is not None and abs(got - gold) < 1e-6,
                         "gold": item["answer"]})
    return rows


def mgsm_texts(url_nlp):
    """MGSM's exemplars: a dict literal read as data, never run."""
    with open(os.path.join(url_nlp, "mgsm", "exemplars.py"), encoding="utf-8") as f:
        tree = ast.parse(f.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "MGSM_EXEMPLARS" for t in node.targets):
            exemplars = ast.literal_eval(node.value)
            for lang, shots in sorted(exemplars.items()):
                for key in sorted(shots):
                    yield {"source": f"mgsm-{lang}", "text": shots[key]["q"] + "\n" + shots[key]["a"]}


def texts(zeroeval, url_nlp):
    for source, path, count in TEXT_SOURCES:
        for item in load(zeroeval, path)[:count]:
            reasoning, answer = parsed_answer(first_output(item))
            text = reasoning + ("\n\nAnswer: " + answer if answer else "")
            if source == "alpaca_eval" and not re.search(r"[\U0001F300-\U0001FAFF\u2600-\u27BF]", text):
                continue  # only the answers that hold emoji or other pictographs
            yield {"source": source, "text": text}
    yield from mgsm_texts(url_nlp)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("zeroeval")
    ap.add_argument("url_nlp")
    ap.add_argument("out_dir")
    ap.add_argument("--prompts", type=int, default=100)
    args = ap.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    rows = gsm_corpus(args.zeroeval, args.prompts)
    with open(os.path.join(args.out_dir, "gsm-labelled.jsonl"), "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    collected = list(texts(args.zeroeval, args.url_nlp))
    with open(os.path.join(args.out_dir, "texts.jsonl"), "w", encoding="utf-8") as f:
        for t in collected:
            f.write(json.dumps(t, ensure_ascii=False) + "\n")
    correct = sum(r["correct"] for r in rows)
    print(f"{len(rows)} labelled rows ({correct} correct), {len(collected)} texts in {args.out_dir}")


if __name__ == "__main__":
    main()
