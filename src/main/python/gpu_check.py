"""The GPU check through the job's own scorer, run from the bundle submit/gpu-check-bundle.sh makes.

    naturalness-gpu-check/gpu-check.sh --out DIR [--shapes 0.5b,1.5b,7b] [--rows N]
        [--libtorch node|bundled] [--java PATH] [--cpu]

On a machine with a GPU, a Python with torch and transformers, and nothing else (no Java, no
network), for each student shape: exports a random-weight Qwen2 student of that shape with the
project's export script (bf16, on the GPU; for the first shape also the same weights in float32 on
the CPU), runs the Java scorer on the long-trace corpus through the code a scoring task runs
(GpuCheck: the per-JVM student cache, the auto batch budget, ResponseScorer) on gpu(0), then times
the Python executor step (traced forward, float32 log-softmax and gather, copy to the host) on the
very batches the Java scorer built. Java comes from the machine or from the bundle's runtime; DJL's
PyTorch JNI is built against the machine's torch first (--libtorch node) unless --libtorch bundled
uses the jars on NATURALNESS_GPU_CHECK_CLASSPATH. Prints one JSON object and writes it to
DIR/gpu-check.json. --cpu runs the same steps on the CPU with a tiny stand-in student (the test
that keeps the bundle working where there is no GPU).
"""
import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))

# Qwen2.5 shapes (layers, hidden, heads, kv heads, intermediate, vocab) and corpus rows per shape,
# sized so that each shape's Java run takes about a minute on one H200.
SHAPES = {
    "0.5b": dict(layers=24, hidden=896, heads=14, kv_heads=2, intermediate=4864, vocab=151936, rows=270),
    "1.5b": dict(layers=28, hidden=1536, heads=12, kv_heads=2, intermediate=8960, vocab=151936, rows=135),
    "7b": dict(layers=28, hidden=3584, heads=28, kv_heads=4, intermediate=18944, vocab=152064, rows=40),
    "tiny": dict(layers=2, hidden=64, heads=4, kv_heads=4, intermediate=128, vocab=512, rows=12),
}


def log(message):
    print(f"[gpu-check {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run(cmd, env=None, capture=False):
    log(" ".join(cmd) if len(" ".join(cmd)) < 400 else cmd[0] + " ...")
    result = subprocess.run(cmd, env=env, check=False, text=True,
                            stdout=subprocess.PIPE if capture else None)
    if result.returncode != 0:
        raise SystemExit(f"gpu-check: {os.path.basename(cmd[0])} failed with exit {result.returncode}")
    return result.stdout


def find_java(choice, out):
    """A Java 17+ from --java, the machine, or the bundle's runtime (unpacked once under OUT)."""
    if choice not in ("auto", "bundled"):
        return choice
    if choice == "auto" and shutil.which("java"):
        version = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr
        if any(f'version "{v}' in version for v in range(17, 40)):
            return shutil.which("java")
    target = os.path.join(out, "java-runtime")
    if not os.path.exists(os.path.join(target, "bin", "java")):
        with tarfile.open(os.path.join(ROOT, "runtime.tar.xz")) as archive:
            archive.extractall(target)
    return os.path.join(target, "bin", "java")


def runtime_settings():
    """The JVM options and environment every JVM of the job gets (naturalness-runtime.properties)."""
    options, env = [], {}
    with open(os.path.join(ROOT, "naturalness-runtime.properties"), encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line.startswith("jvm.options="):
                options = line.split("=", 1)[1].split()
            elif line.startswith("environment."):
                name, value = line[len("environment."):].split("=", 1)
                env[name] = value
    return options, env


def build_jni(work):
    """DJL's PyTorch JNI against this Python's torch (kept in WORK and reused while that torch is
    the same); the variables that make DJL load them."""
    import torch
    jni = os.path.join(work, "djl-jni")
    stamp = os.path.join(jni, "built-for.txt")
    if os.path.exists(stamp) and open(stamp, encoding="utf-8").read() == torch.__version__:
        log(f"DJL's JNI for torch {torch.__version__} already built in {jni}")
        return read_env(os.path.join(jni, "djl-torch.env"))
    archive = glob.glob(os.path.join(ROOT, "target", "djl-source", "djl-*.tar.gz"))
    if not archive:
        raise SystemExit("gpu-check: the bundle has no DJL source (target/djl-source); use --libtorch bundled")
    run(["bash", os.path.join(ROOT, "src/main/native/build-djl-jni.sh"), "--torch", sys.executable, "--out", jni,
         "--djl-source", archive[0], "--jni-header", os.path.join(ROOT, "native", "jni-header"),
         "--java-include", os.path.join(ROOT, "native", "java-include")])
    with open(stamp, "w", encoding="utf-8") as f:
        f.write(torch.__version__)
    return read_env(os.path.join(jni, "djl-torch.env"))


def read_env(path):
    env = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if "=" in line:
                name, value = line.strip().split("=", 1)
                env[name] = value
    return env


def cuda_runtime_dir(out):
    """A directory with libcudart.so linked to the CUDA runtime torch uses: DJL asks it for the GPU's
    memory by that unversioned name, which a pip-installed CUDA runtime does not have (without it
    the scorer asks nvidia-smi, slower)."""
    import torch
    lib = os.path.join(os.path.dirname(torch.__file__), "lib", "libtorch_cuda.so")
    if not os.path.exists(lib):
        return None
    for line in subprocess.run(["ldd", lib], capture_output=True, text=True).stdout.splitlines():
        if "libcudart.so" in line and "=>" in line:
            path = line.split("=>")[1].split("(")[0].strip()
            if os.path.exists(path):
                directory = os.path.join(out, "cudart")
                os.makedirs(directory, exist_ok=True)
                link = os.path.join(directory, "libcudart.so")
                if os.path.lexists(link):
                    os.remove(link)
                os.symlink(path, link)
                return directory
    return None


def classpath():
    jars = sorted(glob.glob(os.path.join(ROOT, "lib", "*.jar")))
    extra = os.environ.get("NATURALNESS_GPU_CHECK_CLASSPATH", "")
    return os.pathsep.join(jars + ([extra] if extra else []))


# ---- steps run in a Python process of their own, so that the GPU is free when Java runs ----

def export_student(shape, out_dir, cpu, reference_dir):
    """Random weights of the shape, exported in bf16 on the GPU (float32 on the CPU with --cpu), and
    with a reference directory the same weights in float32 on the CPU. Writes flops.json."""
    sys.path.insert(0, HERE)
    import torch
    import gpu_student_check as check
    import export_hf_student as ex
    spec = SHAPES[shape]
    args = argparse.Namespace(stand_in=cpu, attn="sdpa", vocab=spec["vocab"], hidden=spec["hidden"],
                              intermediate=spec["intermediate"], layers=spec["layers"], heads=spec["heads"],
                              kv_heads=spec["kv_heads"])
    device = "cpu" if cpu else "cuda"
    dtype_name = "float32" if cpu else "bfloat16"
    model, config = check.build(args, device, ex.DTYPES[dtype_name])
    tokenizer_dir = os.path.join(ROOT, "src/main/resources/demo/student")
    ex.export(model, out_dir, config=config, tokenizer_dir=tokenizer_dir, dtype_name=dtype_name, device=device,
              name=f"random-qwen2-{shape}", template="{prompt}\n")
    params = sum(p.numel() for name, p in model.named_parameters() if "embed" not in name)
    if not any("lm_head" in name for name, _ in model.named_parameters()):
        params += spec["vocab"] * spec["hidden"]
    with open(os.path.join(out_dir, "flops.json"), "w") as f:
        json.dump({"parameters": sum(p.numel() for p in model.parameters()), "matmul_parameters": params,
                   "layers": spec["layers"], "hidden": spec["hidden"]}, f)
    if reference_dir:
        reference = model.float().cpu()
        ex.export(reference, reference_dir, config=config, tokenizer_dir=tokenizer_dir, dtype_name="float32",
                  device="cpu", name=f"random-qwen2-{shape}-float32", template="{prompt}\n")


def time_step(student_dir, batches_dir, out_file, cpu, repeats):
    """The Python executor step on the batches the Java scorer wrote: the same inputs, mask made
    from the same block ids, the traced forward, float32 log-softmax and gather, copy to the host."""
    import numpy as np
    import torch
    device = "cpu" if cpu else "cuda"
    traced = torch.jit.load(os.path.join(student_dir, "model.pt"), map_location=device)
    with open(os.path.join(student_dir, "student.conf"), encoding="utf-8") as f:
        vocab = next(int(line.split("=")[1]) for line in f if line.strip().startswith("vocab-size"))
    batches = []
    with open(os.path.join(batches_dir, "batches.jsonl"), encoding="utf-8") as f:
        for line in f:
            entry = json.loads(line)
            rows, length = entry["rows"], entry["length"]
            raw = np.fromfile(os.path.join(batches_dir, entry["file"]), dtype="<i4").reshape(5, rows, length)
            arrays = [torch.from_numpy(raw[i].astype("int64")).to(device) for i in range(5)]
            batches.append((entry, arrays))

    def step(arrays):
        ids, positions, blocks, shared, next_ids = arrays
        with torch.no_grad():
            visible = blocks[:, :, None] == blocks[:, None, :]
            if bool((shared >= 0).any()):
                visible = visible | (shared[:, :, None] == blocks[:, None, :])
            mask = (visible & (positions[:, :, None] >= positions[:, None, :]))[:, None, :, :]
            logits = traced(ids, positions, mask).reshape(-1, vocab)
            flat_next = next_ids.reshape(-1, 1)
            picked = []
            for start in range(0, logits.shape[0], 4096):
                part = logits[start:start + 4096].float().log_softmax(-1)
                picked.append(part.gather(1, flat_next[start:start + 4096]))
            return torch.cat(picked).cpu()

    def timed(arrays):
        if device == "cuda":
            torch.cuda.synchronize()
        t = time.perf_counter()
        step(arrays)
        if device == "cuda":
            torch.cuda.synchronize()
        return time.perf_counter() - t

    for _, arrays in batches[:3]:
        step(arrays)
    per_batch = []
    for entry, arrays in batches:
        times = sorted(timed(arrays) for _ in range(repeats))
        per_batch.append({"rows": entry["rows"], "length": entry["length"], "useful_tokens": entry["useful_tokens"],
                          "python_step_seconds": times[len(times) // 2],
                          "java_call_seconds": entry["java_call_seconds"]})
    with open(out_file, "w") as f:
        json.dump(per_batch, f)


# ---- the orchestration ----

def flops_per_token(flops, mean_context):
    return 2 * flops["matmul_parameters"] + 4 * flops["layers"] * flops["hidden"] * mean_context


def mean_context(batches_dir):
    """Attention context per token in the dumped batches: each position attends to the earlier
    positions of its own block (and the shared block it sees)."""
    import numpy as np
    total, tokens = 0.0, 0
    with open(os.path.join(batches_dir, "batches.jsonl"), encoding="utf-8") as f:
        for line in f:
            entry = json.loads(line)
            raw = np.fromfile(os.path.join(batches_dir, entry["file"]), dtype="<i4").reshape(5, entry["rows"], -1)
            positions = raw[1]
            total += float((positions + 1).sum())
            tokens += positions.size
    return total / max(1, tokens)


def peak_tflops(name):
    sys.path.insert(0, HERE)
    from gpu_student_check import PEAK_BF16_TFLOPS
    return next((v for k, v in PEAK_BF16_TFLOPS.items() if k in name), None)


def check_shape(shape, first, a, java, env, corpus, out):
    spec = SHAPES[shape]
    student = os.path.join(out, "students", shape)
    reference = os.path.join(out, "students", shape + "-float32-cpu") if first else None
    helper = [sys.executable, os.path.abspath(__file__)]
    started = time.time()
    run(helper + ["--export", shape, student] + (["--reference", reference] if reference else [])
        + (["--cpu"] if a.cpu else []))
    export_seconds = time.time() - started
    batches = os.path.join(out, "batches", shape)
    shutil.rmtree(batches, ignore_errors=True)
    java_json = os.path.join(out, f"java-{shape}.json")
    options, _ = runtime_settings()
    cmd = [java, f"-Xmx{'2g' if a.cpu else '24g'}"] + options + ["-cp", classpath(), "dev.naturalness.bench.GpuCheck",
           "--student", student, "--corpus", corpus, "--rows", str(a.rows or spec["rows"]),
           "--device", "cpu" if a.cpu else "gpu(0)", "--segmenter", "sentence", "--window", "fraction=0.25",
           "--row-tokens", str(256 if a.cpu else 2048), "--dump-batches", batches, "--dump-count", "6",
           "--out", java_json]
    if reference:
        cmd += ["--reference-student", reference, "--compare-rows", "20",
                "--compare-max-tokens", "256"]
    started = time.time()
    run(cmd, env=env, capture=True)
    java_wall = time.time() - started
    with open(java_json, encoding="utf-8") as f:
        figures = json.load(f)
    compared = figures.pop("reference", None)
    step_json = os.path.join(out, f"python-step-{shape}.json")
    run(helper + ["--time-step", student, batches, step_json] + (["--cpu"] if a.cpu else []))
    with open(step_json, encoding="utf-8") as f:
        steps = json.load(f)
    with open(os.path.join(student, "flops.json"), encoding="utf-8") as f:
        flops = json.load(f)
    context = mean_context(batches)
    per_token = flops_per_token(flops, context)
    cells = sum(b["rows"] * b["length"] for b in steps)
    python_seconds = sum(b["python_step_seconds"] for b in steps)
    java_seconds = sum(b["java_call_seconds"] for b in steps)
    achieved = figures["batch_cells_per_second"] * per_token / 1e12
    peak = None if a.cpu else peak_tflops(a.device_name)
    result = {
        "shape": shape, "parameters": flops["parameters"], "rows": figures["responses"],
        "tokens_per_second": figures["tokens_per_second"],
        "batch_tokens_per_second": figures["batch_cells_per_second"],
        "fraction_of_peak": round(achieved / peak, 3) if peak else None,
        "achieved_tflops": round(achieved, 3),
        "share_outside_model": figures["share_outside_model"],
        "peak_gpu_used_gib": figures.get("peak_gpu_used_gib"),
        "batch_tokens": figures["batch_tokens"], "row_tokens": figures["row_tokens"],
        "python_step": {
            "batches": len(steps), "batch_tokens_per_second": round(cells / python_seconds),
            "java_call_tokens_per_second_same_batches": round(cells / java_seconds),
            "java_end_to_end_over_python_step": round(figures["batch_cells_per_second"] * python_seconds / cells, 3),
            "java_call_over_python_step_same_batches": round(python_seconds / java_seconds, 3),
        },
        "mean_attention_context": round(context, 1), "flops_per_token": per_token,
        "export_seconds": round(export_seconds, 1), "java_wall_seconds": round(java_wall, 1),
        "java": figures,
    }
    if compared:
        result["bf16_gpu_vs_float32_cpu" if not a.cpu else "float32_vs_float32_cpu"] = compared
    for directory in (student, reference):  # a 7B student is 15 GB
        if directory:
            shutil.rmtree(directory, ignore_errors=True)
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out")
    ap.add_argument("--shapes", default="0.5b,1.5b,7b")
    ap.add_argument("--rows", type=int, default=0, help="corpus rows per shape (default: by shape)")
    ap.add_argument("--libtorch", default="node", choices=["node", "bundled"])
    ap.add_argument("--java", default="auto", help="auto (the machine's, else the bundle's), bundled, or a path")
    ap.add_argument("--cpu", action="store_true")
    ap.add_argument("--export", nargs=2, metavar=("SHAPE", "DIR"))
    ap.add_argument("--reference")
    ap.add_argument("--time-step", nargs=3, metavar=("STUDENT", "BATCHES", "OUT"))
    ap.add_argument("--repeats", type=int, default=3, help="timed runs of each batch in the Python step")
    ap.add_argument("--work", help="where the JNI is built and kept for later runs (default: --out)")
    a = ap.parse_args()
    if a.export:
        return export_student(a.export[0], a.export[1], a.cpu, a.reference)
    if a.time_step:
        return time_step(*a.time_step, a.cpu, a.repeats)
    if not a.out:
        ap.error("--out is required")
    out = os.path.abspath(a.out)
    os.makedirs(out, exist_ok=True)
    started = time.time()
    import torch
    if not a.cpu and not torch.cuda.is_available():
        raise SystemExit("gpu-check: torch sees no GPU here (use --cpu for the CPU check)")
    a.device_name = "cpu" if a.cpu else torch.cuda.get_device_name(0)
    shapes = ["tiny"] if a.cpu else a.shapes.split(",")
    unknown = [s for s in shapes if s not in SHAPES]
    if unknown:
        raise SystemExit(f"gpu-check: unknown shape {unknown[0]} (known: {', '.join(SHAPES)})")
    java = find_java(a.java, out)
    _, env = runtime_settings()
    env = {**os.environ, **env}
    if a.libtorch == "node":
        env.update(build_jni(os.path.abspath(a.work or out)))
    cudart = None if a.cpu else cuda_runtime_dir(out)
    if cudart:
        env["LD_LIBRARY_PATH"] = cudart + (os.pathsep + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
    corpus = os.path.join(out, "corpus.jsonl")
    run([sys.executable, os.path.join(HERE, "make_long_corpus.py"), corpus])
    result = {"device": a.device_name, "torch": torch.__version__, "libtorch": a.libtorch,
              "java": java, "shapes": []}
    for i, shape in enumerate(shapes):
        result["shapes"].append(check_shape(shape, i == 0, a, java, env, corpus, out))
        result["seconds"] = round(time.time() - started, 1)
        with open(os.path.join(out, "gpu-check.json"), "w") as f:
            json.dump(result, f, indent=1)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
