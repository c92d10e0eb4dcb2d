#!/usr/bin/env bash
# Runs the job in local mode on all cores, with the bundled demo corpus and student unless
# overridden:  submit/local.sh [--config FILE]... [--set key=value]... [--dry-run]
# conf/local.conf is always the first layer; later --config files and --set win over it.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"

dry_run=false
args=()
for a in "$@"; do
  if [ "$a" = "--dry-run" ]; then dry_run=true; else args+=("$a"); fi
done

export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
cmd=(java ${NATURALNESS_DRIVER_MEMORY:+-Xmx$NATURALNESS_DRIVER_MEMORY} $SPARK_JAVA_OPTS -cp "\$APP_CLASSPATH"
  org.apache.spark.deploy.SparkSubmit
  --master "${NATURALNESS_MASTER:-local[*]}"
  --class dev.naturalness.NaturalnessJob
  --conf spark.ui.showConsoleProgress=false
  --conf spark.driver.host=127.0.0.1
  "$APP_JAR" --config conf/local.conf "${args[@]}")

if $dry_run; then
  # The classpath as the last build wrote it; $APP_CLASSPATH when nothing is built yet.
  [ -f "$CLASSPATH_FILE" ] && APP_CLASSPATH="$APP_JAR:$(cat "$CLASSPATH_FILE")" || APP_CLASSPATH='$APP_CLASSPATH'
else
  build_if_stale
fi

for i in "${!cmd[@]}"; do
  [ "${cmd[$i]}" = "\$APP_CLASSPATH" ] && cmd[$i]="$APP_CLASSPATH"
done
if $dry_run; then
  printf '%q ' "${cmd[@]}"; echo
  exit 0
fi
exec "${cmd[@]}"
