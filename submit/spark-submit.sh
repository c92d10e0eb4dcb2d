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
# NATURALNESS_DRIVER_MEMORY (4g) and NATURALNESS_DRIVER_OVERHEAD (2g). The job's arguments reach a
# driver on this machine in its environment, never on a command line; in cluster deploy mode they
# go with the submission, and S3 keys from any source are refused (see docs/cluster-and-s3.md).
# Relative paths are resolved against the directory you run it from (the script never changes it).
set -euo pipefail
source "$(dirname "$0")/common.sh"

mapfile -d '' parsed < <(split_submit_args "$@")
dry_run=${parsed[0]} master=${parsed[1]} deploy_mode=${parsed[2]}
args=("${parsed[@]:3}")

if [ -z "${NATURALNESS_APP_JAR:-}" ] && ! $dry_run; then
  build_if_stale
fi
mapfile -d '' cmd < <(command_head "$master" $dry_run)
primary=$(primary_resource "${cmd[0]}" false)
jars=""
[ -f "$APP_JARS_FILE" ] && jars="$(tr ':' ',' < "$APP_JARS_FILE")"
cmd+=(--jars "${jars:-\$APP_JARS}")
on_argv=false
case "$master" in
  local*) ;;
  *)
    cmd+=(--deploy-mode "$deploy_mode"
      --conf spark.executor.instances="${NATURALNESS_EXECUTORS:-2}"
      --conf spark.executor.cores="${NATURALNESS_EXECUTOR_CORES:-1}"
      --executor-memory "${NATURALNESS_EXECUTOR_MEMORY:-4g}"
      --conf spark.executor.memoryOverhead="${NATURALNESS_EXECUTOR_OVERHEAD:-2g}")
    mapfile -d '' yarn < <(yarn_confs "$master")
    cmd+=("${yarn[@]+"${yarn[@]}"}")
    if [ "$deploy_mode" = cluster ]; then
      mapfile -d '' driver < <(cluster_driver "${args[@]+"${args[@]}"}")
      [ ${#driver[@]} -gt 0 ] || exit 2
      cmd+=("${driver[@]:0:4}")
      [ -n "${driver[4]}" ] && cmd+=(--files "${driver[4]}")
      args=("${driver[@]:5}")
      on_argv=true
    fi
    ;;
esac
if $on_argv; then
  # The driver is on a cluster node: its arguments go with the submission (checked to hold no key).
  run_or_print $dry_run "${cmd[@]}" "$primary" "${args[@]+"${args[@]}"}" --
else
  run_or_print $dry_run "${cmd[@]}" "$primary" -- "${args[@]+"${args[@]}"}"
fi
