#!/usr/bin/env bash
# What the job's scorer makes of a student, for an independent engine to compare with
# (dev.naturalness.bench.StudentProbe; src/main/python/compare_llama_cpp.py runs it):
#   submit/student-probe.sh tokens|logprobs STUDENT_DIR IN.jsonl OUT.jsonl
set -euo pipefail
source "$(dirname "$0")/common.sh"
build_if_stale
compile_bench_if_stale "$ROOT/target/test-classes/dev/naturalness/bench/StudentProbe.class"
# shellcheck disable=SC2086
exec java -Xmx2g $SPARK_JAVA_OPTS -Dlog4j2.level=warn \
  -cp "$ROOT/target/test-classes:$APP_JAR:$(cat "$CLASSPATH_FILE")" dev.naturalness.bench.StudentProbe "$@"
