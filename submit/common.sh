# Shared by the submit/ scripts. Source it; it sets ROOT, APP_JAR, CLUSTER_JAR and SPARK_JAVA_OPTS,
# and defines build_if_stale and spark_submit_command.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
APP_JAR="$ROOT/target/naturalness.jar"
CLUSTER_JAR="$ROOT/target/naturalness-cluster.jar"
CLASSPATH_FILE="$ROOT/target/classpath.txt"
APP_JARS_FILE="$ROOT/target/app-jars.txt"

# The JVM options and process environment every JVM running the job needs, from the one file that
# holds them (the build and RuntimeEnvironment.java read it too): SPARK_JAVA_OPTS for the driver's
# JVM, SYSTEM_PROPERTY_OPTS (its -D options) and EXECUTOR_ENV (NAME=value) for executors. Each
# variable is exported here unless the caller has set it already.
RUNTIME_PROPERTIES="$ROOT/src/main/resources/naturalness-runtime.properties"
SPARK_JAVA_OPTS=""
SYSTEM_PROPERTY_OPTS=""
EXECUTOR_ENV=()
while IFS= read -r line || [ -n "$line" ]; do
  case "$line" in
    jvm.options=*)
      SPARK_JAVA_OPTS="${line#jvm.options=}"
      for o in $SPARK_JAVA_OPTS; do
        case "$o" in -D*) SYSTEM_PROPERTY_OPTS="${SYSTEM_PROPERTY_OPTS:+$SYSTEM_PROPERTY_OPTS }$o" ;; esac
      done ;;
    environment.*=*)
      kv="${line#environment.}"
      name="${kv%%=*}"
      export "$name"="${!name:-${kv#*=}}"
      EXECUTOR_ENV+=("$kv") ;;
  esac
done < "$RUNTIME_PROPERTIES"

# Builds the application jar, the runtime classpath and the list of the job's own jars when they
# are missing or older than the sources (the build writes all three).
build_if_stale() {
  local newest
  newest=$(find "$ROOT/pom.xml" "$ROOT/src/main" -type f -newer "$APP_JAR" 2>/dev/null | head -1 || true)
  if [ ! -f "$APP_JAR" ] || [ ! -f "$CLASSPATH_FILE" ] || [ ! -f "$APP_JARS_FILE" ] || [ -n "$newest" ]; then
    echo "building $APP_JAR ..." >&2
    (cd "$ROOT" && mvn -q -B -Dstyle.color=never -Dmaven.test.skip=true package) >&2
  fi
}

# The spark-submit launcher as an array in SUBMIT: a cluster's spark-submit when there is one
# (SPARK_HOME or PATH), else Spark's SparkSubmit class run from the project's classpath (no Spark
# installation needed; local mode). NATURALNESS_CLASSPATH replaces the project's classpath (tests).
# Sets PRIMARY to the application jar to submit.
spark_submit_command() {
  local want_cluster_jar=$1 dry_run=$2
  if [ -n "${SPARK_HOME:-}" ] && [ -x "$SPARK_HOME/bin/spark-submit" ]; then
    SUBMIT=("$SPARK_HOME/bin/spark-submit")
  elif command -v spark-submit >/dev/null 2>&1; then
    SUBMIT=(spark-submit)
  else
    local cp
    if [ -n "${NATURALNESS_CLASSPATH:-}" ]; then
      cp="$NATURALNESS_CLASSPATH"
    elif $dry_run; then
      [ -f "$CLASSPATH_FILE" ] && cp="$APP_JAR:$(cat "$CLASSPATH_FILE")" || cp='$APP_CLASSPATH'
    else
      build_if_stale
      cp="$APP_JAR:$(cat "$CLASSPATH_FILE")"
    fi
    export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
    # shellcheck disable=SC2206
    SUBMIT=(java ${NATURALNESS_DRIVER_MEMORY:+-Xmx$NATURALNESS_DRIVER_MEMORY} $SPARK_JAVA_OPTS -cp "$cp" org.apache.spark.deploy.SparkSubmit)
    want_cluster_jar=false
  fi
  if [ -n "${NATURALNESS_CLASSPATH:-}" ]; then
    PRIMARY=spark-internal # the classes are on the launcher's classpath already
  elif $want_cluster_jar; then
    PRIMARY="$CLUSTER_JAR"
  else
    PRIMARY="$APP_JAR"
  fi
}

# Reads the cluster scripts' own options into dry_run (--dry-run) and master (--master URL, default
# $NATURALNESS_MASTER or yarn); every other argument is the job's, in args (S3 keys taken out of
# them: see take_secret).
parse_submit_args() {
  dry_run=false
  master="${NATURALNESS_MASTER:-yarn}"
  args=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --dry-run) dry_run=true ;;
      --master) master="$2"; shift ;;
      --set) if take_secret "${2:-}"; then shift; else args+=("$1"); fi ;;
      *) args+=("$1") ;;
    esac
    shift
  done
}

# An S3 key given as --set s3.access-key=... or s3.secret-key=... (spaces around = allowed, as the
# job allows them; a value in double quotes is a HOCON string) goes to the job through the
# environment (NATURALNESS_S3_ACCESS_KEY, NATURALNESS_S3_SECRET_KEY), never on the JVM's command line
# where any user of the machine can read it. Returns 0 when $1 was such a key.
take_secret() {
  local key value
  case "$1" in *=*) ;; *) return 1 ;; esac
  key="${1%%=*}"
  value="${1#*=}"
  key="${key#"${key%%[![:space:]]*}"}"
  key="${key%"${key##*[![:space:]]}"}"
  key="${key#naturalness.}"
  case "$key" in
    s3.access-key|s3.secret-key) ;;
    *) return 1 ;;
  esac
  value="${value#"${value%%[![:space:]]*}"}"
  value="${value%"${value##*[![:space:]]}"}"
  local variable=NATURALNESS_S3_ACCESS_KEY
  [ "$key" = s3.secret-key ] && variable=NATURALNESS_S3_SECRET_KEY
  if [[ "$value" == \"*\" && ${#value} -ge 2 ]]; then
    value="${value:1:${#value}-2}"
    if [[ "$value" == *\\* || "$value" == *\"* ]]; then
      echo "naturalness: --set $key: a quoted key with escapes cannot be passed on safely; set $variable in the environment instead" >&2
      exit 2
    fi
  fi
  export "$variable=$value"
}

# With --dry-run prints the command, then what the job reads from each --set (JOB_ARGS: the job's
# own arguments), and exits; otherwise becomes the command.
run_or_print() {
  if $dry_run; then
    print_command "$@"
    print_job_settings "${JOB_ARGS[@]+"${JOB_ARGS[@]}"}"
    exit 0
  fi
  exec "$@"
}

# Prints, as comment lines, each key the job's arguments set and the value the job reads (HOCON:
# quoted strings with their escapes; secrets as ***), when the jar is built here.
print_job_settings() {
  local cp="${NATURALNESS_CLASSPATH:-}"
  if [ -z "$cp" ]; then
    if [ ! -f "$APP_JAR" ] || [ ! -f "$CLASSPATH_FILE" ]; then
      echo "# (build the jar to see the values the job reads from --set)"
      return 0
    fi
    cp="$APP_JAR:$(cat "$CLASSPATH_FILE")"
  fi
  # shellcheck disable=SC2086
  java $SPARK_JAVA_OPTS -cp "$cp" dev.naturalness.NaturalnessJob --print-settings "$@" 2>&1 \
    | sed 's/^/# /' || true
}

# Prints a command as a shell would read it back, every secret shown as ***: the S3 keys the job
# takes from the environment, and any argument that sets a key (…access-key=, …secret.key=, …).
print_command() {
  local a
  [ -n "${NATURALNESS_S3_ACCESS_KEY:-}" ] && printf 'NATURALNESS_S3_ACCESS_KEY=*** '
  [ -n "${NATURALNESS_S3_SECRET_KEY:-}" ] && printf 'NATURALNESS_S3_SECRET_KEY=*** '
  for a in "$@"; do
    if [[ "$a" =~ ^([^=]*([Aa]ccess[-._]?[Kk]ey|[Ss]ecret[-._]?[Kk]ey|[Ss]ession[-._]?[Tt]oken|[Pp]assword)[[:space:]]*)= ]]; then
      a="${BASH_REMATCH[1]}=***"
    fi
    printf '%q ' "$a"
  done
  echo
}
