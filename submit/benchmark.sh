#!/usr/bin/env bash
# Scoring throughput on one student and corpus, every leg in one process (see README, Performance):
#   submit/benchmark.sh [--student DIR] [--corpus FILE.jsonl] [--rows N] [--runs N]
#                       [--window fraction=0.25,steps=4] [--naive-batch N] [--legs a,b,c,d]
#                       [--batch-tokens N] [--row-tokens N]
# Defaults: the demo student and corpus, 3 runs, both windows, all four legs.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"
build_if_stale
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
# shellcheck disable=SC2086
exec java -Xmx${NATURALNESS_DRIVER_MEMORY:-4g} $SPARK_JAVA_OPTS -Dlog4j2.level=warn \
  -cp "$APP_JAR:$(cat "$CLASSPATH_FILE")" dev.naturalness.bench.ThroughputBenchmark "$@"
