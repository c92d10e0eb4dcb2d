#!/usr/bin/env bash
# The nightly refresh: an S3-to-S3 incremental run under a dated run id.
#
#   submit/nightly-refresh.sh [--dry-run] --input s3a://bucket/corpus/ --output-root s3a://bucket/naturalness
#                             [--run-id ID] [--config FILE]... [--set key=value]...
#
# Writes the run to OUTPUT_ROOT/runs/RUN_ID (default: today, UTC, e.g. 2026-11-27), keeps scores
# between nights in OUTPUT_ROOT/cache (rows already scored are reused), and, only once the run has
# written its summary.json, points OUTPUT_ROOT/LATEST at it: readers follow LATEST and never see a
# half-written run. Submits through spark-submit-gpu.sh (same environment variables; conf/nightly-s3.conf
# is layered over conf/cluster-gpu.conf).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

pass=()
input="" root="" run_id="$(date -u +%Y-%m-%d)"
while [ $# -gt 0 ]; do
  case "$1" in
    --input) input="$2"; shift ;;
    --output-root) root="${2%/}"; shift ;;
    --run-id) run_id="$2"; shift ;;
    *) pass+=("$1") ;;
  esac
  shift
done
if [ -z "$input" ] || [ -z "$root" ]; then
  echo "usage: $0 [--dry-run] --input PATH --output-root PATH [--run-id ID] [--config FILE]... [--set key=value]..." >&2
  exit 2
fi

exec "$here/spark-submit-gpu.sh" --config "$here/../conf/nightly-s3.conf" \
  --set "input.path=$input" \
  --set "output.path=$root/runs/$run_id" \
  --set "incremental.cache=$root/cache" \
  --set "output.publish-pointer=$root/LATEST" \
  "${pass[@]}"
