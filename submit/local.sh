#!/usr/bin/env bash
# Runs the job in local mode on all cores, with the bundled demo corpus and student unless
# overridden:  submit/local.sh [--dry-run] [--config FILE]... [--set key=value]...
# conf/local.conf is always the first layer; later --config files and --set win over it.
# Relative paths are resolved against the directory you run it from (the script never changes it).
set -euo pipefail
source "$(dirname "$0")/common.sh"

dry_run=false
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) dry_run=true ;;
    --set) if take_secret "${2:-}"; then shift; else args+=("$1"); fi ;;
    *) args+=("$1") ;;
  esac
  shift
done

SPARK_HOME="" spark_submit_command false $dry_run
cmd=("${SUBMIT[@]}"
  --master "${NATURALNESS_MASTER:-local[*]}"
  --class dev.naturalness.NaturalnessJob
  --conf spark.ui.showConsoleProgress=false
  --conf spark.driver.host=127.0.0.1
  "$PRIMARY" --config "$ROOT/conf/local.conf" "${args[@]}")
JOB_ARGS=(--config "$ROOT/conf/local.conf" "${args[@]+"${args[@]}"}")

run_or_print "${cmd[@]}"
