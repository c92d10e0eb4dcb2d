#!/usr/bin/env bash
# The nightly refresh: an S3-to-S3 incremental run under a dated run id.
#
#   submit/nightly-refresh.sh [--dry-run] --input s3a://bucket/corpus/ --output-root s3a://bucket/naturalness
#                             [--run-id ID] [--config FILE]... [--set key=value]...
#
# Each attempt writes a directory of its own, OUTPUT_ROOT/runs/RUN_ID/ATTEMPT (RUN_ID: today, UTC,
# e.g. 2026-11-27, unless --run-id names it; ATTEMPT: the attempt's start, UTC, and this process's
# id), so a rerun under the same run id (by hand, a retry wrapper, a timer catching up) never
# rewrites a published run. Scores are kept between nights in OUTPUT_ROOT/cache (rows already
# scored are reused), and only once the attempt has written its summary.json does OUTPUT_ROOT/LATEST
# name it: readers follow LATEST and never see a half-written run. Submits through
# spark-submit-gpu.sh (same environment variables; conf/nightly-s3.conf is layered over
# conf/cluster-gpu.conf).
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
# A run id names a directory under OUTPUT_ROOT/runs: a plain name, never a path.
if ! [[ "$run_id" =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]] || [[ "$run_id" == *..* ]]; then
  echo "naturalness: --run-id '$run_id' must be a plain name (letters, digits, '.', '_', '-'; no '..', no '/')" >&2
  exit 2
fi
attempt="$(date -u +%Y%m%dT%H%M%SZ)-$$"

exec "$here/spark-submit-gpu.sh" --config "$here/../conf/nightly-s3.conf" \
  --set "input.path=$input" \
  --set "output.path=$root/runs/$run_id/$attempt" \
  --set "incremental.cache=$root/cache" \
  --set "output.publish-pointer=$root/LATEST" \
  "${pass[@]}"
