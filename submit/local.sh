#!/usr/bin/env bash
# Runs the job in local mode on all cores, with the bundled demo corpus and student unless
# overridden:  submit/local.sh [--dry-run] [--config FILE]... [--set key=value]...
# conf/local.conf is always the first layer; later --config files and --set win over it. The job's
# arguments reach it in its environment, never on its command line (see common.sh).
# Relative paths are resolved against the directory you run it from (the script never changes it).
set -euo pipefail
source "$(dirname "$0")/common.sh"

dry_run=false
args=()
for a in "$@"; do
  if [ "$a" = --dry-run ]; then dry_run=true; else args+=("$a"); fi
done

mapfile -d '' head < <(SPARK_HOME="" command_head "${NATURALNESS_MASTER:-local[*]}" $dry_run)
primary=$(primary_resource "${head[0]}" false)
run_or_print $dry_run "${head[@]}" --conf spark.ui.showConsoleProgress=false --conf spark.driver.host=127.0.0.1 \
  "$primary" -- --config "$ROOT/conf/local.conf" "${args[@]+"${args[@]}"}"
