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

# The first source file under the given paths that is newer than the file $1 (Python's byte-code
# caches are not sources: running a script must not make the jar look stale).
newer_source() {
  local marker=$1
  shift
  find "$@" -type f -newer "$marker" -not -path '*/__pycache__/*' 2>/dev/null | head -1 || true
}

# Whether the application jar, the runtime classpath and the list of the job's own jars are there
# and newer than every source (the build writes all three).
jar_is_fresh() {
  [ -f "$APP_JAR" ] && [ -f "$CLASSPATH_FILE" ] && [ -f "$APP_JARS_FILE" ] \
    && [ -z "$(newer_source "$APP_JAR" "$ROOT/pom.xml" "$ROOT/src/main")" ]
}

# Compiles the benchmark source set (src/bench, compiled with the tests) when the class $1 is
# missing or older than a source.
compile_bench_if_stale() {
  if [ ! -f "$1" ] || [ -n "$(newer_source "$1" "$ROOT/src/bench" "$ROOT/src/main")" ]; then
    echo "compiling the benchmark classes ..." >&2
    (cd "$ROOT" && mvn -q -B -Dstyle.color=never -DskipTests test-compile) >&2
  fi
}

# Builds them when they are not.
build_if_stale() {
  if ! jar_is_fresh; then
    echo "building $APP_JAR ..." >&2
    (cd "$ROOT" && mvn -q -B -Dstyle.color=never -Dmaven.test.skip=true package) >&2
  fi
}

# The spark-submit launcher as an array in SUBMIT: a cluster's spark-submit when there is one
# (SPARK_HOME or PATH), else Spark's SparkSubmit class run from the project's classpath (no Spark
# installation needed; local mode). NATURALNESS_CLASSPATH replaces the project's classpath (tests).
# Sets PRIMARY to the application jar to submit.
spark_submit_command() {
  local want_cluster_jar=$1 dry_run=$2 in_process=false
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
    # A cluster's Hadoop configuration (YARN, HDFS) on the classpath, as Spark's launcher puts it.
    cp="${HADOOP_CONF_DIR:+$HADOOP_CONF_DIR:}${YARN_CONF_DIR:+$YARN_CONF_DIR:}$cp"
    # shellcheck disable=SC2206
    SUBMIT=(java ${NATURALNESS_DRIVER_MEMORY:+-Xmx$NATURALNESS_DRIVER_MEMORY} $SPARK_JAVA_OPTS -cp "$cp" org.apache.spark.deploy.SparkSubmit)
    in_process=true
  fi
  if $in_process && [ -n "${NATURALNESS_CLASSPATH:-}" ]; then
    PRIMARY=spark-internal # the classes are on the launcher's classpath already
  elif $in_process; then
    PRIMARY="$APP_JAR"
  elif $want_cluster_jar; then
    PRIMARY="$CLUSTER_JAR"
  else
    PRIMARY="$APP_JAR"
  fi
}

# Reads the cluster scripts' own options into dry_run (--dry-run), master (--master URL, default
# $NATURALNESS_MASTER or yarn) and deploy_mode (--deploy-mode client|cluster, default
# $NATURALNESS_DEPLOY_MODE or client); every other argument is the job's, in args (S3 keys taken
# out of them: see take_secret).
parse_submit_args() {
  dry_run=false
  master="${NATURALNESS_MASTER:-yarn}"
  deploy_mode="${NATURALNESS_DEPLOY_MODE:-client}"
  args=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --dry-run) dry_run=true ;;
      --master) master="$2"; shift ;;
      --deploy-mode) deploy_mode="$2"; shift ;;
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

# On YARN: the job's runtime environment for the application master too (the driver, in cluster
# deploy mode), and one attempt per application: an attempt restarted in the middle of a run would
# redo the whole run behind its lock; rerun the command instead. Adds to cmd.
yarn_args() {
  [ "$1" = yarn ] || return 0
  local kv
  for kv in "${EXECUTOR_ENV[@]}"; do
    cmd+=(--conf "spark.yarn.appMasterEnv.$kv")
  done
  cmd+=(--conf spark.yarn.maxAppAttempts="${NATURALNESS_MAX_APP_ATTEMPTS:-1}")
}

# In cluster deploy mode the driver runs on a cluster node, not here: the job's config files travel
# with the submission (CLUSTER_FILES, for --files; the driver reads each by its name in its working
# directory), and a path only this machine has, or S3 keys from this machine's environment, are
# refused here in one line before anything is submitted. The driver's container is sized like an
# executor's: NATURALNESS_DRIVER_MEMORY (4g) for its heap, NATURALNESS_DRIVER_OVERHEAD (2g) for
# libtorch when it checks the student (student.check). Rewrites args, adds to cmd, sets CLUSTER_FILES.
prepare_cluster_driver() {
  CLUSTER_FILES=""
  cmd+=(--driver-memory "${NATURALNESS_DRIVER_MEMORY:-4g}"
    --conf spark.driver.memoryOverhead="${NATURALNESS_DRIVER_OVERHEAD:-2g}")
  if [ -n "${NATURALNESS_S3_ACCESS_KEY:-}${NATURALNESS_S3_SECRET_KEY:-}" ]; then
    echo "naturalness: S3 keys from this machine's environment cannot reach a driver in cluster deploy mode without showing them; use s3.credential-providers (a Hadoop credential store on HDFS) or the cluster's own credentials, or --deploy-mode client" >&2
    exit 2
  fi
  check_cluster_driver "$@"
  local out=() names=" " name file
  while [ $# -gt 0 ]; do
    if [ "$1" = --config ] && [ $# -ge 2 ]; then
      file="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"
      name="$(basename "$2")"
      case "$names" in
        *" $name "*) echo "naturalness: two --config files are named $name; in cluster deploy mode each travels by its name: rename one" >&2; exit 2 ;;
      esac
      names="$names$name "
      CLUSTER_FILES="${CLUSTER_FILES:+$CLUSTER_FILES,}$file"
      out+=(--config "$name")
      shift 2
    else
      out+=("$1")
      shift
    fi
  done
  args=("${out[@]+"${out[@]}"}")
}

# The job's own check, here, of what a driver in the cluster could not read (--check-cluster-driver);
# skipped, with a note, when the jar is not built here.
check_cluster_driver() {
  local cp="${NATURALNESS_CLASSPATH:-}"
  if [ -z "$cp" ]; then
    if ! jar_is_fresh; then
      echo "# (the jar is not built here: paths are not checked for a driver in the cluster)" >&2
      return 0
    fi
    cp="$APP_JAR:$(cat "$CLASSPATH_FILE")"
  fi
  # shellcheck disable=SC2086
  if ! java $SPARK_JAVA_OPTS -cp "$cp" dev.naturalness.NaturalnessJob --check-cluster-driver "$@"; then
    exit 2
  fi
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
    if ! jar_is_fresh; then
      echo "# (build the jar to see the values the job reads from --set: it is missing or older than the sources)"
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
