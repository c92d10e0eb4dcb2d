#!/usr/bin/env bash
# Submits the job to a cluster of CPU executors (standalone, YARN, Kubernetes: any --master). The
# application jar goes with the job's own dependencies (DJL, the CPU build of libtorch, the
# tokenizers, Typesafe Config), shipped by Spark with --jars: the cluster needs Spark 3.5 and
# nothing else. A student in a local directory of this machine is shipped to the executors too;
# a student on s3a:// or hdfs:// is copied once per node (see docs/cluster-and-s3.md).
#
#   submit/spark-submit.sh [--dry-run] [--master URL] [--deploy-mode client|cluster] [--plan-only]
#                          [--config FILE]... [--set key=value]...
#
# Environment: NATURALNESS_MASTER (default yarn), NATURALNESS_DEPLOY_MODE (client),
# NATURALNESS_EXECUTORS (2), NATURALNESS_EXECUTOR_CORES (1), NATURALNESS_EXECUTOR_MEMORY (4g),
# NATURALNESS_EXECUTOR_OVERHEAD (2g: libtorch's native memory, outside the heap, which YARN and
# Kubernetes count), NATURALNESS_APP_JAR (default target/naturalness.jar, built when missing or
# stale). On YARN an application is attempted once (a rerun takes the output over; see
# docs/cluster-and-s3.md). In cluster deploy mode the config files travel with the submission, a
# path only this machine has is refused before submitting, and the driver's container has
# NATURALNESS_DRIVER_MEMORY (4g) and NATURALNESS_DRIVER_OVERHEAD (2g).
# Relative paths are resolved against the directory you run it from (the script never changes it).
set -euo pipefail
source "$(dirname "$0")/common.sh"

parse_submit_args "$@"

if [ -z "${NATURALNESS_APP_JAR:-}" ] && ! $dry_run; then
  build_if_stale
fi
spark_submit_command false $dry_run
app_jar="${NATURALNESS_APP_JAR:-$APP_JAR}"
jars=""
[ -f "$APP_JARS_FILE" ] && jars="$(tr ':' ',' < "$APP_JARS_FILE")"
cmd=("${SUBMIT[@]}"
  --master "$master"
  --class dev.naturalness.NaturalnessJob
  --jars "${jars:-\$APP_JARS}"
  --conf spark.driver.extraJavaOptions="$SYSTEM_PROPERTY_OPTS"
  --conf spark.executor.extraJavaOptions="$SYSTEM_PROPERTY_OPTS")
for kv in "${EXECUTOR_ENV[@]}"; do
  cmd+=(--conf "spark.executorEnv.$kv")
done
JOB_ARGS=("${args[@]+"${args[@]}"}")
case "$master" in
  local*) ;;
  *)
    cmd+=(--deploy-mode "$deploy_mode"
      --conf spark.executor.instances="${NATURALNESS_EXECUTORS:-2}"
      --conf spark.executor.cores="${NATURALNESS_EXECUTOR_CORES:-1}"
      --executor-memory "${NATURALNESS_EXECUTOR_MEMORY:-4g}"
      --conf spark.executor.memoryOverhead="${NATURALNESS_EXECUTOR_OVERHEAD:-2g}")
    yarn_args "$master"
    if [ "$deploy_mode" = cluster ]; then
      prepare_cluster_driver "${args[@]+"${args[@]}"}"
      [ -n "$CLUSTER_FILES" ] && cmd+=(--files "$CLUSTER_FILES")
    fi
    ;;
esac
cmd+=("$app_jar" "${args[@]+"${args[@]}"}")

run_or_print "${cmd[@]}"
