"""The benchmark's two anchors, on the rows the Java benchmark just measured (submit/benchmark.sh --anchors).

  1. What a user would otherwise write: transformers on the Hugging Face directory the student was
     exported from (float32, its default attention), one forward pass per step window and one per
     response for GALP, no batching: reference_scores.py's loop, timed.
  2. The best CPU engine's prompt-processing rate on the same model: llama.cpp (llama-cpp-python)
     evaluating the same rows' tokens in chunks of 512 (as llama-bench's pp512 does), on the
     student's GGUF (Q4_1) and on a float32 GGUF of the same weights (compare_llama_cpp.py writes it).

Each is printed as min / median / max over --runs, then against the Java run's medians from
--figures: (1) against (b) the scorer, in seconds for the same rows; (2) against (a) the bare
forward of the scorer's own TorchScript export, in tokens/s.
"""
import argparse
import json
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import reference_scores  # noqa: E402
from segmenters import line, paragraph, sentence  # noqa: E402

SEGMENTERS = {"paragraph": paragraph, "line": line, "sentence": sentence}


def args_of(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--figures", required=True)
    ap.add_argument("--student", default="src/main/resources/demo/student")
    ap.add_argument("--corpus", default="src/main/resources/demo/corpus.jsonl")
    ap.add_argument("--rows", type=int, default=0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--window", default="fraction=0.25,steps=4")
    ap.add_argument("--segmenter", default="paragraph")
    ap.add_argument("--max-tokens", type=int, default=0)
    known, _ = ap.parse_known_args(argv)  # the Java benchmark's other options are not ours
    return known


def rows_of(path, limit):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line_text in f:
            if line_text.strip():
                rows.append(json.loads(line_text))
                if limit and len(rows) >= limit:
                    break
    return rows


def spread(values):
    v = sorted(values)
    return v[0], statistics.median(v), v[-1]


def show(label, values):
    lo, mid, hi = spread(values)
    fmt = "{:12,.0f}" if abs(mid) >= 100 else "{:12.3f}"
    print(f"{label:<50}" + fmt.format(lo) + fmt.format(mid) + fmt.format(hi))


def java_median(figures, window, name, divide_by=None):
    runs = figures[window]
    values = [r[name] / r[divide_by] if divide_by else r[name] for r in runs]
    return statistics.median(values)


def transformers_seconds(scorer, rows, window, segmenter, max_tokens):
    kind, value = window.split("=")
    t = time.perf_counter()
    for r in rows:
        scorer.score(r["prompt"], r["response"], SEGMENTERS[segmenter](r["response"]), (kind, value), True,
                     max_tokens or None)
    return time.perf_counter() - t


def llama_pp(model_path, chunks):
    from llama_cpp import Llama
    llm = Llama(model_path=model_path, n_ctx=1024, n_batch=512, n_threads=os.cpu_count(), verbose=False)
    llm.eval(chunks[0])  # warm-up
    t = time.perf_counter()
    for c in chunks:
        llm.reset()
        llm.eval(c)
    return sum(map(len, chunks)) / (time.perf_counter() - t)


def main(argv=None):
    a = args_of(sys.argv[1:] if argv is None else argv)
    with open(a.figures, encoding="utf-8") as f:
        figures = json.load(f)
    rows = rows_of(a.corpus, a.rows)
    student = a.student.rstrip("/")
    hf_dir = student + "-hf"
    gguf_dir = os.path.join(os.path.expanduser("~"), ".cache", "naturalness", "gguf")
    q41 = os.path.join(gguf_dir, "SmolLM2-135M-Instruct.Q4_1.gguf")
    f32 = os.path.join(gguf_dir, "SmolLM2-135M-Instruct.F32.gguf")
    for needed in (hf_dir, q41):
        if not os.path.exists(needed):
            sys.exit(f"anchor_throughput: {needed} is missing (submit/student-smollm2.sh makes it)")
    if not os.path.exists(f32):
        import compare_llama_cpp
        compare_llama_cpp.f32_gguf(q41, f32)
    import torch
    torch.set_num_threads(os.cpu_count())
    scorer = reference_scores.Scorer(student, reference_scores.TokenizerJson(student + "/tokenizer.json", None),
                                     reference_scores.HfEagerModel(hf_dir, attention="sdpa"))
    ids = []
    for r in rows:
        ids += scorer.tokenizer.prefix(scorer.template.replace("{prompt}", r["prompt"]))
        ids += scorer.tokenizer.tokens(r["response"])[0]
    chunks = [ids[i:i + 512] for i in range(0, len(ids) - 511, 512)] or [ids]
    print(f"\nanchors: {len(rows)} rows, {len(ids):,} prompt and response tokens ({len(chunks)} chunks of 512 "
          f"for llama.cpp), {a.runs} runs")
    print(" " * 48 + "  min      median         max")
    pp = {"Q4_1": [], "F32": []}
    for _ in range(a.runs):
        pp["Q4_1"].append(llama_pp(q41, chunks))
        pp["F32"].append(llama_pp(f32, chunks))
    for kind, rates in pp.items():
        show(f"llama.cpp pp512, {kind} GGUF (tokens/s)", rates)
        for window in figures:
            bare = java_median(figures, window, "plan.tokens", divide_by="a.seconds")
            show(f"    (a) bare forward [{window}] / llama.cpp", [bare / r for r in rates])
    for window in figures:
        times = [transformers_seconds(scorer, rows, window, a.segmenter, a.max_tokens) for _ in range(a.runs)]
        show(f"transformers, a forward per window [{window}] (s)", times)
        ours = java_median(figures, window, "b.seconds")
        show("    transformers / ours (b): time ratio", [t / ours for t in times])
    print()


if __name__ == "__main__":
    main()
