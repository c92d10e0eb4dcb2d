#!/usr/bin/env bash
# Scoring throughput on one student and corpus, every leg in one process (see docs/performance.md):
#   submit/benchmark.sh [--student DIR] [--corpus FILE.jsonl] [--rows N] [--runs N]
#                       [--window fraction=0.25,steps=4] [--legs a,b,c,d,e,g,l,s,h] [--naive-batch N]
#                       [--batch-tokens N] [--row-tokens N] [--segmenter paragraph|line|sentence]
#                       [--max-tokens N] [--sample-steps 16,32,64] [--work DIR] [--anchors]
# Legs: (a) the bare forward on the exact plan's tokens in full rows, (e) the exact plan's own limit
# (each sequence alone in a row of its length), (b) the scorer, (g) GALP alone, (l) exact LALP
# alone, (c) the naive way (corpus order and length-sorted), (s) sampled steps, (h) the host side
# with a stand-in device, (d) the whole job. Defaults: the demo student and corpus (all rows), 3
# runs, both windows, legs a,b,c,d,e. The benchmark is a source set of its own (src/bench/java),
# compiled with the tests and never in the application jar.
# --anchors: then, in the same command and on the same rows, what a user would otherwise write (one
# transformers forward per window, on the Hugging Face directory beside the student, DIR-hf) and
# llama.cpp's prompt-processing rate on the student's GGUF (the SmolLM2 student of
# submit/student-smollm2.sh; src/main/python/anchor_throughput.py, in the environment of
# requirements-llama-cpp.txt), each against this run's own figures.
set -euo pipefail
source "$(dirname "$0")/common.sh"
build_if_stale
compile_bench_if_stale "$ROOT/target/test-classes/dev/naturalness/bench/ThroughputBenchmark.class"
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"

anchors=false
args=()
for a in "$@"; do
  if [ "$a" = "--anchors" ]; then anchors=true; else args+=("$a"); fi
done
if ! $anchors; then
  # shellcheck disable=SC2086
  exec java -Xmx${NATURALNESS_DRIVER_MEMORY:-4g} $SPARK_JAVA_OPTS -Dlog4j2.level=warn \
    -cp "$ROOT/target/test-classes:$APP_JAR:$(cat "$CLASSPATH_FILE")" dev.naturalness.bench.ThroughputBenchmark "${args[@]+"${args[@]}"}"
fi
figures=$(mktemp --suffix=.json)
trap 'rm -f "$figures"' EXIT
# shellcheck disable=SC2086
java -Xmx${NATURALNESS_DRIVER_MEMORY:-4g} $SPARK_JAVA_OPTS -Dlog4j2.level=warn \
  -cp "$ROOT/target/test-classes:$APP_JAR:$(cat "$CLASSPATH_FILE")" dev.naturalness.bench.ThroughputBenchmark \
  "${args[@]+"${args[@]}"}" --figures "$figures"
python=$("$ROOT/submit/python-env.sh" "$ROOT/src/main/python/requirements-llama-cpp.txt")
"$python" "$ROOT/src/main/python/anchor_throughput.py" --figures "$figures" "${args[@]+"${args[@]}"}"
