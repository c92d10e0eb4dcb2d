"""The GPU check of the export path: build a random-weight Qwen2-shaped model, export it, time scoring.

    python3 src/main/python/gpu_student_check.py OUT_DIR [--layers 24 --hidden 896 --heads 14
        --kv-heads 2 --intermediate 4864 --vocab 151936] [--dtype bfloat16] [--attn sdpa|eager]
        [--shapes 8x4096,16x2048,4x8192] [--batches 20] [--peak-tflops N]

On a machine with a GPU and the transformers package. Builds the model from a config (random
weights, no download), exports it with export_hf_student.py (which verifies traced against eager on
packed rows before writing), then times what an executor does per batch: the traced forward on
packed rows (1-3 sequences per row, block-diagonal masks), log-softmax in float32 and the gather of
the next ids, a chunk of positions at a time; and the forward alone, to show what the log-softmax
costs. Each batch shape (rows x row tokens) is timed on its own. Prints one JSON object: per shape
tokens/s, model FLOPs per token, achieved TFLOP/s and its fraction of the GPU's dense bf16 peak
(looked up by device name, or --peak-tflops). The default model shape is Qwen2.5-0.5B's.

--stand-in replaces transformers by the small Hugging Face-style model the tests use (CPU, tiny),
which checks this script where there is neither a GPU nor transformers.
"""
import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, HERE)

import torch  # noqa: E402

import export_hf_student as ex  # noqa: E402

# Dense bf16 tensor-core peaks (TFLOP/s) by device name, from the vendors' data sheets.
PEAK_BF16_TFLOPS = {"H200": 989.0, "H100 SXM": 989.0, "H100 80GB HBM3": 989.0, "H100 PCIe": 756.0, "H100 NVL": 835.0,
                    "A100": 312.0, "L40S": 362.0, "A10G": 70.0, "L4": 121.0}


def peak_tflops(name):
    for key, value in PEAK_BF16_TFLOPS.items():
        if key in name:
            return value
    return None


def build(args, device, dtype):
    if args.stand_in:
        sys.path.insert(0, os.path.join(ROOT, "src", "test", "python"))
        from tiny_hf_model import TinyCausalLM
        model = TinyCausalLM(vocab_size=args.vocab, d=args.hidden, layers=args.layers, heads=args.heads,
                             ff=args.intermediate, max_position_embeddings=32768)
        return model.to(device=device, dtype=dtype).eval(), model.config_json()
    from transformers import Qwen2Config, Qwen2ForCausalLM
    config = Qwen2Config(vocab_size=args.vocab, hidden_size=args.hidden, intermediate_size=args.intermediate,
                         num_hidden_layers=args.layers, num_attention_heads=args.heads,
                         num_key_value_heads=args.kv_heads, max_position_embeddings=32768, tie_word_embeddings=True,
                         torch_dtype=str(dtype).replace("torch.", ""))
    config._attn_implementation = args.attn
    torch.manual_seed(0)
    with torch.device(device):  # random initialisation on the GPU: minutes faster than on the host
        model = Qwen2ForCausalLM(config)
    return model.to(dtype=dtype).eval(), config.to_dict()


def flops_per_token(model, vocab, hidden, layers, mean_context):
    """2 x (parameters used per token) + attention scores and values over the mean context."""
    params = sum(p.numel() for name, p in model.named_parameters() if "embed" not in name)
    if not any("lm_head" in name for name, _ in model.named_parameters()):
        params += vocab * hidden  # tied head: the embedding matrix is used again as the output layer
    return 2 * params + 4 * layers * hidden * mean_context


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir")
    ap.add_argument("--layers", type=int, default=24)
    ap.add_argument("--hidden", type=int, default=896)
    ap.add_argument("--heads", type=int, default=14)
    ap.add_argument("--kv-heads", type=int, default=2)
    ap.add_argument("--intermediate", type=int, default=4864)
    ap.add_argument("--vocab", type=int, default=151936)
    ap.add_argument("--dtype", default="bfloat16", choices=sorted(ex.DTYPES))
    ap.add_argument("--attn", default="sdpa", choices=["sdpa", "eager"], help="transformers attention implementation")
    ap.add_argument("--shapes", default="8x4096,16x2048,4x8192", help="batch shapes to time, ROWSxROW_TOKENS,...")
    ap.add_argument("--batches", type=int, default=20)
    ap.add_argument("--chunk-positions", type=int, default=4096, help="positions per float32 log-softmax chunk")
    ap.add_argument("--peak-tflops", type=float)
    ap.add_argument("--stand-in", action="store_true")
    args = ap.parse_args()
    shapes = [tuple(int(n) for n in shape.lower().split("x")) for shape in args.shapes.split(",")]
    device = "cuda" if torch.cuda.is_available() and not args.stand_in else "cpu"
    dtype = ex.DTYPES[args.dtype]
    started = time.time()
    model, config = build(args, device, dtype)
    build_seconds = time.time() - started
    student = os.path.join(args.out_dir, "student")
    started = time.time()
    style, worst = ex.export(model, student, config=config,
                             tokenizer_dir=os.path.join(ROOT, "src/main/resources/demo/student"),
                             dtype_name=args.dtype, device=device, name="random-qwen2", template="{prompt}\n")
    export_seconds = time.time() - started
    traced = torch.jit.load(os.path.join(student, "model.pt"), map_location=device)
    name = torch.cuda.get_device_name(0) if device == "cuda" else "cpu"
    peak = args.peak_tflops or (peak_tflops(name) if device == "cuda" else None)
    timed = [time_shape(traced, model, args, device, rows, row_tokens, peak) for rows, row_tokens in shapes]
    best = max(timed, key=lambda t: t["tokens_per_second"])
    result = {
        "device": name, "dtype": args.dtype, "torch": torch.__version__, "transformers": transformers_version(args),
        "attention": "stand-in" if args.stand_in else args.attn,
        "model": {"layers": args.layers, "hidden": args.hidden, "heads": args.heads, "kv_heads": args.kv_heads,
                  "intermediate": args.intermediate, "vocab": args.vocab,
                  "parameters": sum(p.numel() for p in model.parameters()), "build_seconds": round(build_seconds, 1)},
        "export": {"mask": style, "traced_vs_eager": worst["trace"], "packed_vs_alone": worst["alone"],
                   "mask_effect": worst["mask_effect"], "seconds": round(export_seconds, 1)},
        "shapes": timed,
        "best_shape": f"{best['rows']}x{best['row_tokens']}",
        "tokens_per_second": best["tokens_per_second"],
        "fraction_of_peak": best["fraction_of_peak"],
        "peak_bf16_tflops": peak,
        "peak_gpu_memory_gib": round(torch.cuda.max_memory_allocated() / 2**30, 2) if device == "cuda" else None,
    }
    print(json.dumps(result, indent=1))
    with open(os.path.join(args.out_dir, "gpu-check.json"), "w") as f:
        json.dump(result, f, indent=1)


def transformers_version(args):
    if args.stand_in:
        return None
    import transformers
    return transformers.__version__


def median_seconds(fn, batches, device):
    for _ in range(3):
        fn()
    times = []
    for _ in range(batches):
        if device == "cuda":
            torch.cuda.synchronize()
        t = time.perf_counter()
        fn()
        if device == "cuda":
            torch.cuda.synchronize()
        times.append(time.perf_counter() - t)
    times.sort()
    return times[0], times[len(times) // 2], times[-1]


def time_shape(traced, model, args, device, rows, row_tokens, peak):
    """Times one batch shape: the executor's step (forward, float32 log-softmax, gather) and the forward alone."""
    ids, positions, mask, sequences = ex.packed_rows(min(args.vocab, 32000), rows, row_tokens, 7, device)
    # Attention work per token grows with the tokens before it in its own sequence.
    mean_context = sum(size * (size + 1) / 2 for _, _, size in sequences) / sum(size for _, _, size in sequences)
    next_ids = torch.cat([ids[:, 1:], ids[:, :1]], dim=1).reshape(-1, 1)

    def forward():
        with torch.no_grad():
            return traced(ids, positions, mask)

    def step():
        with torch.no_grad():
            logits = traced(ids, positions, mask).reshape(-1, args.vocab)
            picked = []
            for start in range(0, logits.shape[0], args.chunk_positions):
                part = logits[start:start + args.chunk_positions].float().log_softmax(-1)
                picked.append(part.gather(1, next_ids[start:start + args.chunk_positions]))
            return torch.cat(picked).cpu()

    fastest, median, slowest = median_seconds(step, args.batches, device)
    _, forward_median, _ = median_seconds(forward, args.batches, device)
    tokens = rows * row_tokens
    per_token = flops_per_token(model, args.vocab, args.hidden, args.layers, mean_context)
    achieved = tokens * per_token / median / 1e12
    return {
        "rows": rows, "row_tokens": row_tokens, "sequences": len(sequences),
        "mean_attention_context": round(mean_context, 1),
        "seconds_per_batch": {"min": fastest, "median": median, "max": slowest},
        "tokens_per_second": round(tokens / median),
        "forward_only_tokens_per_second": round(tokens / forward_median),
        "flops_per_token": per_token,
        "achieved_tflops": round(achieved, 2),
        "fraction_of_peak": round(achieved / peak, 3) if peak else None,
    }


if __name__ == "__main__":
    main()
