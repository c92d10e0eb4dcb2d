#!/usr/bin/env bash
# A Spark standalone cluster on this machine, from the project's own Maven jars (no Spark
# distribution needed): one Master and N one-core Workers on 127.0.0.1, each its own process.
# The tests start and stop it through this script; try things by hand the same way:
#
#   src/test/scripts/standalone-cluster.sh start DIR [WORKERS]   # prints the master URL
#   SPARK_HOME=DIR/spark-home NATURALNESS_MASTER=$(cat DIR/master-url) submit/spark-submit.sh --set ...
#   src/test/scripts/standalone-cluster.sh stop DIR
#
# DIR/spark-home is a Spark home: jars/ (links to Spark's runtime jars, target/spark-jars.txt,
# which the build writes), conf/ (the job's log settings) and bin/spark-submit. Each process's pid
# is in DIR/*.pid and its log in DIR/*.log; a Worker's executors log under DIR/worker-N/APP/EXEC/.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
source "$ROOT/submit/common.sh"

source "$ROOT/src/test/scripts/spark-home.sh"

start_worker() {
  local dir=$1 i=$2 master
  master=$(cat "$dir/master-url")
  mkdir -p "$dir/worker-$i"
  # SPARK_SCALA_VERSION: without a Spark build directory the Worker's launcher cannot tell it.
  SPARK_HOME="$dir/spark-home" SPARK_SCALA_VERSION=2.12 SPARK_LOCAL_IP=127.0.0.1 \
    launch "$dir" "worker-$i" java -Xmx512m $SPARK_JAVA_OPTS -Dlog4j2.configurationFile="$dir/spark-home/conf/daemon-log4j2.properties" -cp "$dir/spark-home/conf:$dir/spark-home/jars/*" \
    org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores 1 --memory 2g --webui-port "$(free_port)" \
    --work-dir "$dir/worker-$i" "$master"
  wait_for "$dir/worker-$i.log" "Successfully registered with master" 90
}

start() {
  local dir workers=${2:-2}
  dir="$(mkdir -p "$1" && cd "$1" && pwd)"
  spark_home "$dir"
  local port
  port=$(free_port)
  echo "spark://127.0.0.1:$port" > "$dir/master-url"
  SPARK_HOME="$dir/spark-home" SPARK_LOCAL_IP=127.0.0.1 launch "$dir" master java -Xmx512m $SPARK_JAVA_OPTS \
    -Dlog4j2.configurationFile="$dir/spark-home/conf/daemon-log4j2.properties" \
    -cp "$dir/spark-home/conf:$dir/spark-home/jars/*" org.apache.spark.deploy.master.Master \
    --host 127.0.0.1 --port "$port" --webui-port "$(free_port)"
  wait_for "$dir/master.log" "Starting Spark master at" 60
  for i in $(seq 1 "$workers"); do
    start_worker "$dir" "$i"
  done
  cat "$dir/master-url"
}

# Ends every process this script started in DIR, and what they started (executors).
stop() {
  stop_all "$1"
}

case "${1:-}" in
  start) start "${2:?DIR}" "${3:-2}" ;;
  start-worker) start_worker "${2:?DIR}" "${3:?N}" ;;
  stop) stop "${2:?DIR}" ;;
  *) echo "usage: $0 start DIR [WORKERS] | start-worker DIR N | stop DIR" >&2; exit 2 ;;
esac
