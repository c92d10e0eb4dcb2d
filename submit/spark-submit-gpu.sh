#!/usr/bin/env bash
# Submits the job to a GPU cluster (YARN, Kubernetes, standalone: any --master), one executor per
# GPU, each task holding its executor's GPU, DJL offline with the CUDA libtorch of the cluster image.
#
#   submit/spark-submit-gpu.sh [--dry-run] [--master URL] [--deploy-mode client|cluster]
#                              [--config FILE]... [--set key=value]...
#
# Environment: NATURALNESS_MASTER (default yarn), NATURALNESS_DEPLOY_MODE (client),
# NATURALNESS_EXECUTORS (number of GPUs to use, default 2), NATURALNESS_EXECUTOR_MEMORY (16g),
# NATURALNESS_EXECUTOR_OVERHEAD (8g: libtorch and CUDA's native memory, which YARN counts),
# PYTORCH_LIBRARY_PATH on the executors (default /opt/libtorch/lib: a CUDA build of libtorch 2.7.1,
# e.g. the lib folder of a pip torch 2.7.1+cu128 wheel). conf/cluster-gpu.conf is the first config
# layer. Builds target/naturalness-cluster.jar with `mvn -Pcluster package` when it is missing.
# In cluster deploy mode, as submit/spark-submit.sh: config files travel with the submission, a path
# only this machine has is refused, NATURALNESS_DRIVER_MEMORY/_OVERHEAD (4g/2g) size the driver.
# With a local[...] master and no spark-submit installed, it runs here in local mode (no GPU settings).
set -euo pipefail
source "$(dirname "$0")/common.sh"

mapfile -d '' parsed < <(split_submit_args "$@")
dry_run=${parsed[0]} master=${parsed[1]} deploy_mode=${parsed[2]}
args=(--config "$ROOT/conf/cluster-gpu.conf" "${parsed[@]:3}")

mapfile -d '' cmd < <(command_head "$master" $dry_run)
primary=$(primary_resource "${cmd[0]}" true)
if [ "$primary" = "$CLUSTER_JAR" ] && [ ! -f "$CLUSTER_JAR" ] && ! $dry_run; then
  echo "building $CLUSTER_JAR ..." >&2
  (cd "$ROOT" && mvn -q -B -Dstyle.color=never -Dmaven.test.skip=true -Pcluster package) >&2
fi

libtorch="${PYTORCH_LIBRARY_PATH:-/opt/libtorch/lib}"
files="$ROOT/submit/gpu-discovery.sh"
on_argv=false
case "$master" in
  local*) ;; # local mode schedules no GPUs; student.device = auto falls back to the CPU
  *)
    cmd+=(--deploy-mode "$deploy_mode"
      --num-executors "${NATURALNESS_EXECUTORS:-2}"
      --executor-memory "${NATURALNESS_EXECUTOR_MEMORY:-16g}"
      --conf spark.executor.memoryOverhead="${NATURALNESS_EXECUTOR_OVERHEAD:-8g}"
      # One student per executor JVM, one GPU per executor, one scoring task at a time on it.
      --conf spark.executor.resource.gpu.amount=1
      --conf spark.task.resource.gpu.amount=1
      --conf spark.executor.resource.gpu.discoveryScript=./gpu-discovery.sh
      # DJL loads the cluster image's CUDA libtorch instead of downloading one.
      --conf spark.executorEnv.PYTORCH_LIBRARY_PATH="$libtorch"
      --conf spark.executorEnv.PYTORCH_VERSION=2.7.1
      --conf spark.executorEnv.PYTORCH_FLAVOR=cu128
      --conf spark.executorEnv.LD_LIBRARY_PATH="$libtorch")
    mapfile -d '' yarn < <(yarn_confs "$master")
    cmd+=("${yarn[@]+"${yarn[@]}"}")
    if [ "$master" = yarn ]; then
      # The driver's JVM (the application master's, in cluster deploy mode) checks the student
      # with the same libtorch.
      cmd+=(--conf spark.yarn.appMasterEnv.PYTORCH_LIBRARY_PATH="$libtorch"
        --conf spark.yarn.appMasterEnv.PYTORCH_VERSION=2.7.1
        --conf spark.yarn.appMasterEnv.PYTORCH_FLAVOR=cu128
        --conf spark.yarn.appMasterEnv.LD_LIBRARY_PATH="$libtorch")
    fi
    if [ "$deploy_mode" = cluster ]; then
      mapfile -d '' driver < <(cluster_driver "${args[@]}")
      [ ${#driver[@]} -gt 0 ] || exit 2
      cmd+=("${driver[@]:0:4}")
      [ -n "${driver[4]}" ] && files="$files,${driver[4]}"
      args=("${driver[@]:5}")
      on_argv=true
    fi
    cmd+=(--files "$files")
    ;;
esac
if $on_argv; then
  run_or_print $dry_run "${cmd[@]}" "$primary" "${args[@]}" --
else
  run_or_print $dry_run "${cmd[@]}" "$primary" -- "${args[@]}"
fi
