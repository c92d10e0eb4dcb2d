#!/usr/bin/env bash
# A YARN cluster with HDFS on this machine, from Hadoop's own mini clusters (hadoop-client-minicluster
# 3.3.4, the Hadoop line Spark 3.5 is built on): a NameNode and a DataNode, a ResourceManager and N
# NodeManagers that start each container as a process of its own, all in one JVM
# (dev.naturalness.MiniHadoopCluster, from the test classes). The tests start and stop it through
# this script; try the job on YARN by hand the same way:
#
#   src/test/scripts/yarn-cluster.sh start DIR [NODE_MANAGERS]     # prints HADOOP_CONF_DIR
#   export HADOOP_CONF_DIR=DIR/hadoop-conf SPARK_HOME=DIR/spark-home
#   HDFS=$(grep '^hdfs=' DIR/ready | cut -d= -f2)
#   java -cp "$HADOOP_CONF_DIR:$(cat target/classpath.txt)" org.apache.hadoop.fs.FsShell -put FILE $HDFS/
#   submit/spark-submit.sh --master yarn --deploy-mode cluster --set input.path=$HDFS/... ...
#   src/test/scripts/yarn-cluster.sh stop DIR
#
# DIR/ready also lists the NodeManagers' web addresses and their container log directories
# (logs=..., then APPLICATION/CONTAINER/stderr, as `yarn logs -applicationId` gives them); the
# cluster's own log is DIR/cluster.log, its pid DIR/cluster.pid. DIR/spark-home is a Spark home
# from the project's jars (Spark's YARN client included); its jars are on every "node" (this
# machine), so its spark-defaults.conf sets spark.yarn.jars=local:... and nothing of Spark's is
# uploaded.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
source "$ROOT/submit/common.sh"
source "$ROOT/src/test/scripts/spark-home.sh"

start() {
  local dir nms=${2:-2}
  dir="$(mkdir -p "$1" && cd "$1" && pwd)"
  [ -f "$ROOT/target/test-classpath.txt" ] && [ -d "$ROOT/target/test-classes" ] \
    && [ -d "$ROOT/target/yarn-web-proxy" ] \
    || (cd "$ROOT" && mvn -q -B -Dstyle.color=never -DskipTests process-test-classes) >&2
  spark_home "$dir"
  # Spark's YARN driver installs Hadoop's web proxy filter (AmIpFilter, hadoop-yarn-server-web-proxy),
  # which a YARN cluster's Spark has and the project's Spark jars do not (the build copies it).
  ln -sf "$ROOT"/target/yarn-web-proxy/*.jar "$dir/spark-home/jars/"
  # Spark's jars are on every "node" already: containers take them from there, unuploaded.
  printf 'spark.yarn.jars local:%s/spark-home/jars/*\n' "$dir" > "$dir/spark-home/conf/spark-defaults.conf"
  rm -f "$dir/ready"
  # Containers run $JAVA_HOME/bin/java: the NodeManagers pass their own JAVA_HOME on.
  local java_home
  java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
  # Hadoop's mini clusters keep their NodeManagers' directories under ./target: run it in DIR.
  (cd "$dir" && JAVA_HOME="$java_home" SPARK_LOCAL_IP=127.0.0.1 launch "$dir" cluster java -Xmx1500m $SPARK_JAVA_OPTS \
    -Dlog4j2.configurationFile="$dir/spark-home/conf/log4j2.properties" \
    -cp "$ROOT/target/test-classes:$ROOT/target/classes:$(cat "$ROOT/target/test-classpath.txt")" \
    dev.naturalness.MiniHadoopCluster "$dir" "$nms")
  for _ in $(seq 1800); do
    [ -f "$dir/ready" ] && break
    if ! kill -0 "$(cat "$dir/cluster.pid")" 2>/dev/null; then
      echo "the cluster's JVM ended before it was up:" >&2
      tail -50 "$dir/cluster.log" >&2
      return 1
    fi
    sleep 0.1
  done
  [ -f "$dir/ready" ] || { echo "the cluster was not up within 180 s" >&2; tail -50 "$dir/cluster.log" >&2; return 1; }
  echo "$dir/hadoop-conf"
}

case "${1:-}" in
  start) start "${2:?DIR}" "${3:-2}" ;;
  stop) stop_all "${2:?DIR}" ;;
  *) echo "usage: $0 start DIR [NODE_MANAGERS] | stop DIR" >&2; exit 2 ;;
esac
