#!/usr/bin/env bash
# Scoring throughput on one student and corpus, every leg in one process (see docs/performance.md):
#   submit/benchmark.sh [--student DIR] [--corpus FILE.jsonl] [--rows N] [--runs N]
#                       [--window fraction=0.25,steps=4] [--legs a,b,c,d,e,s] [--naive-batch N]
#                       [--batch-tokens N] [--row-tokens N] [--segmenter paragraph|line|sentence]
#                       [--max-tokens N] [--sample-steps 16,32,64] [--work DIR]
# Legs: (a) the bare forward on the exact plan's tokens in full rows, (e) the exact plan's own limit
# (each sequence alone in a row of its length), (b) the scorer, (c) the naive way (corpus order and
# length-sorted), (s) sampled steps, (d) the whole job. Defaults: the demo student and corpus (all
# rows), 3 runs, both windows, legs a,b,c,d,e. The benchmark is a source set of its own
# (src/bench/java), compiled with the tests and never in the application jar.
set -euo pipefail
source "$(dirname "$0")/common.sh"
build_if_stale
BENCH_CLASS="$ROOT/target/test-classes/dev/naturalness/bench/ThroughputBenchmark.class"
if [ ! -f "$BENCH_CLASS" ] || [ -n "$(find "$ROOT/src/bench" "$ROOT/src/main" -type f -newer "$BENCH_CLASS" 2>/dev/null | head -1)" ]; then
  echo "compiling the benchmark ..." >&2
  (cd "$ROOT" && mvn -q -B -Dstyle.color=never -DskipTests test-compile) >&2
fi
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
# shellcheck disable=SC2086
exec java -Xmx${NATURALNESS_DRIVER_MEMORY:-4g} $SPARK_JAVA_OPTS -Dlog4j2.level=warn \
  -cp "$ROOT/target/test-classes:$APP_JAR:$(cat "$CLASSPATH_FILE")" dev.naturalness.bench.ThroughputBenchmark "$@"
