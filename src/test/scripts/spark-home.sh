# Sourced by the test cluster scripts: spark_home DIR makes DIR/spark-home, a Spark home from the
# project's own Maven jars: jars/ (links to Spark's runtime jars, target/spark-jars.txt, which the
# build writes), conf/ (the job's log settings) and bin/spark-submit. Needs ROOT and common.sh.
spark_home() {
  local home="$1/spark-home"
  [ -f "$ROOT/target/spark-jars.txt" ] || (cd "$ROOT" && mvn -q -B -Dstyle.color=never generate-resources) >&2
  rm -rf "$home"
  mkdir -p "$home/jars" "$home/conf" "$home/bin"
  tr ":" "\n" < "$ROOT/target/spark-jars.txt" | while read -r jar || [ -n "$jar" ]; do
    [ -n "$jar" ] && ln -sf "$jar" "$home/jars/$(basename "$jar")"
  done
  cp "$ROOT/src/main/resources/log4j2.properties" "$home/conf/log4j2.properties"
  # The Master and Workers say when they are up and what happens to executors (INFO).
  { cat "$ROOT/src/main/resources/log4j2.properties"
    printf 'logger.deploy.name = org.apache.spark.deploy\nlogger.deploy.level = info\n'; } > "$home/conf/daemon-log4j2.properties"
  cat > "$home/bin/spark-submit" <<SUBMIT
#!/usr/bin/env bash
# Spark's launcher, as a distribution's bin/spark-submit runs it (with HADOOP_CONF_DIR on the
# classpath, as its launcher puts it there).
exec java \${NATURALNESS_DRIVER_MEMORY:+-Xmx\$NATURALNESS_DRIVER_MEMORY} $SPARK_JAVA_OPTS -cp "$home/conf:\${HADOOP_CONF_DIR:+\$HADOOP_CONF_DIR:}$home/jars/*" org.apache.spark.deploy.SparkSubmit "\$@"
SUBMIT
  chmod +x "$home/bin/spark-submit"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Starts a process in the background, its pid in DIR/NAME.pid and output in DIR/NAME.log.
launch() {
  local dir=$1 name=$2
  shift 2
  nohup "$@" > "$dir/$name.log" 2>&1 &
  echo $! > "$dir/$name.pid"
}

wait_for() {
  local file=$1 text=$2 seconds=$3
  for _ in $(seq $((seconds * 10))); do
    grep -q "$text" "$file" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "timed out waiting for '$text' in $file:" >&2
  cat "$file" >&2
  return 1
}

# Ends every process a script started in DIR (its *.pid files), and all they started.
stop_all() {
  local dir=$1
  for pidfile in "$dir"/*.pid; do
    [ -f "$pidfile" ] || continue
    local pid
    pid=$(cat "$pidfile")
    kill_tree "$pid"
    rm -f "$pidfile"
  done
}

kill_tree() {
  local pid=$1 child
  for child in $(pgrep -P "$pid" 2>/dev/null); do
    kill_tree "$child"
  done
  kill -9 "$pid" 2>/dev/null || true
}
