#!/usr/bin/env bash
# What a killed run costs when it is run again (see docs/performance.md):
#   submit/resume-benchmark.sh [--rows N] [--kill-at SHARE] [--work DIR] [--set key=value]...
# On the scale corpus (make_scale_corpus.py, N rows, default 100000) with the demo student, in local
# mode: a clean run; then a run whose driver is killed (SIGKILL) once SHARE (default 0.8) of its
# scoring tasks have committed; then the same command again, which resumes. Prints each wall time,
# the rows the rerun reused from the killed run, and the resumed rerun's wall time against the clean
# run's, all measured in this one command. --set passes a setting to every run.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
rows=100000
kill_at=0.8
work="$ROOT/target/resume-benchmark"
sets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) rows=$2; shift 2 ;;
    --kill-at) kill_at=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --set) sets+=(--set "$2"); shift 2 ;;
    *) echo "resume-benchmark.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$work"
corpus="$work/scale-$rows.jsonl"
if [ ! -s "$corpus" ]; then
  python3 "$ROOT/src/main/python/make_scale_corpus.py" "$corpus" --rows "$rows" >/dev/null
fi
common=(--set "input.path=$corpus" --set "progress.interval-seconds=10" "${sets[@]+"${sets[@]}"}")

now() { date +%s.%N; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

clean="$work/clean"; resumed="$work/resumed"
rm -rf "$clean" "$resumed"
t0=$(now)
"$ROOT/submit/local.sh" "${common[@]}" --set "output.path=$clean" >"$work/clean.log" 2>&1
t1=$(now)
clean_s=$(seconds "$t0" "$t1")
echo "clean run: $clean_s s"

# The killed run: its own process group, so that SIGKILL takes the driver JVM and nothing is left.
setsid "$ROOT/submit/local.sh" "${common[@]}" --set "output.path=$resumed" >"$work/killed.log" 2>&1 &
group=$!
t2=$(now)
partitions=""
done_tasks=0
while kill -0 "$group" 2>/dev/null; do
  if [ -z "$partitions" ]; then
    partitions=$(grep -oP 'in \K[0-9]+(?= partitions of about)' "$work/killed.log" | head -1 || true)
  fi
  if [ -n "$partitions" ]; then
    done_tasks=$(find "$resumed/_resume/parts" -name '*.parquet' 2>/dev/null | wc -l || true)
    if awk -v d="$done_tasks" -v p="$partitions" -v s="$kill_at" 'BEGIN { exit !(d >= s * p) }'; then
      kill -KILL -- "-$group"
      break
    fi
  fi
  sleep 0.2
done
wait "$group" 2>/dev/null || true
t3=$(now)
if [ -f "$resumed/summary.json" ]; then
  echo "resume-benchmark.sh: the run ended before the kill; nothing was measured" >&2
  exit 1
fi
echo "killed run: killed after $(seconds "$t2" "$t3") s, $done_tasks of $partitions scoring tasks committed"

t4=$(now)
"$ROOT/submit/local.sh" "${common[@]}" --set "output.path=$resumed" >"$work/resumed.log" 2>&1
t5=$(now)
resumed_s=$(seconds "$t4" "$t5")
reused=$(python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["counts"]; print(c["reused_from_unfinished_run"], c["scored_now"], c["read"])' "$resumed/summary.json")
read -r from_killed scored_now read_rows <<<"$reused"
echo "resumed run: $resumed_s s; $from_killed of $read_rows rows reused from the killed run, $scored_now scored now"
awk -v r="$resumed_s" -v c="$clean_s" 'BEGIN { printf "resumed / clean wall time: %.2f\n", r / c }'
