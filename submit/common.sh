# Shared by the submit/ scripts. Source it; it sets ROOT, APP_JAR, CLUSTER_JAR and the JVM settings
# below, and defines the functions the scripts build their commands from. A function that computes
# a list prints it, one NUL-terminated word each (read it with mapfile -d ''); none sets a variable
# of its caller's.
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

# The launcher, one word each: a cluster's spark-submit when there is one (SPARK_HOME or PATH),
# else Spark's SparkSubmit class run from the project's classpath (no Spark installation needed;
# local mode). NATURALNESS_CLASSPATH replaces the project's classpath (tests). $1: whether this is a
# dry run (nothing is built then).
launcher() {
  local dry_run=$1 cp
  if [ -n "${SPARK_HOME:-}" ] && [ -x "$SPARK_HOME/bin/spark-submit" ]; then
    printf '%s\0' "$SPARK_HOME/bin/spark-submit"
    return
  fi
  if command -v spark-submit >/dev/null 2>&1; then
    printf '%s\0' spark-submit
    return
  fi
  if [ -n "${NATURALNESS_CLASSPATH:-}" ]; then
    cp="$NATURALNESS_CLASSPATH"
  elif $dry_run; then
    [ -f "$CLASSPATH_FILE" ] && cp="$APP_JAR:$(cat "$CLASSPATH_FILE")" || cp='$APP_CLASSPATH'
  else
    build_if_stale
    cp="$APP_JAR:$(cat "$CLASSPATH_FILE")"
  fi
  # A cluster's Hadoop configuration (YARN, HDFS) on the classpath, as Spark's launcher puts it.
  cp="${HADOOP_CONF_DIR:+$HADOOP_CONF_DIR:}${YARN_CONF_DIR:+$YARN_CONF_DIR:}$cp"
  printf '%s\0' java ${NATURALNESS_DRIVER_MEMORY:+-Xmx$NATURALNESS_DRIVER_MEMORY} $SPARK_JAVA_OPTS -cp "$cp" \
    org.apache.spark.deploy.SparkSubmit
}

# What the launcher submits: the application jar (the cluster jar when $2 is true and a real
# spark-submit runs), or spark-internal when the launcher's classpath holds the classes already.
primary_resource() {
  local first=$1 want_cluster_jar=$2
  if [ "$first" = java ] && [ -n "${NATURALNESS_CLASSPATH:-}" ]; then
    echo spark-internal
  elif [ "$first" = java ] || ! $want_cluster_jar; then
    echo "${NATURALNESS_APP_JAR:-$APP_JAR}"
  else
    echo "$CLUSTER_JAR"
  fi
}

# The head every script's command starts with, one word each: the launcher, the master, the job's
# class, the JVM options of the driver and the executors and the executors' environment.
# $1: the master; $2: whether this is a dry run.
command_head() {
  local master=$1 dry_run=$2 kv
  launcher "$dry_run"
  printf '%s\0' --master "$master" --class dev.naturalness.NaturalnessJob \
    --conf spark.driver.extraJavaOptions="$SYSTEM_PROPERTY_OPTS" \
    --conf spark.executor.extraJavaOptions="$SYSTEM_PROPERTY_OPTS"
  for kv in "${EXECUTOR_ENV[@]}"; do
    printf '%s\0' --conf "spark.executorEnv.$kv"
  done
}

# The cluster scripts' own options, then the job's arguments, one word each: whether --dry-run was
# given, the master (--master URL, default $NATURALNESS_MASTER or yarn), the deploy mode
# (--deploy-mode client|cluster, default $NATURALNESS_DEPLOY_MODE or client), then every other
# argument as given.
split_submit_args() {
  local dry_run=false master="${NATURALNESS_MASTER:-yarn}" deploy_mode="${NATURALNESS_DEPLOY_MODE:-client}"
  local rest=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --dry-run) dry_run=true ;;
      --master) master="$2"; shift ;;
      --deploy-mode) deploy_mode="$2"; shift ;;
      *) rest+=("$1") ;;
    esac
    shift
  done
  printf '%s\0' "$dry_run" "$master" "$deploy_mode" "${rest[@]+"${rest[@]}"}"
}

# The job's arguments as the job reads them from its environment (NATURALNESS_JOB_ARGS): each
# base64-encoded, separated by spaces. A process's environment is readable by its user alone, its
# command line by anyone on the machine: no argument (an S3 key in whatever spelling) is put on a
# command line. Spaces stand for no argument at all.
job_args_environment() {
  local a out=""
  for a in "$@"; do
    out="$out$(printf '%s' "$a" | base64 -w0) "
  done
  printf '%s' "$out"
}

# On YARN, one word each: the job's runtime environment for the application master too (the driver,
# in cluster deploy mode), and one attempt per application: an attempt restarted in the middle of a
# run would redo the whole run behind its lock; rerun the command instead.
yarn_confs() {
  [ "$1" = yarn ] || return 0
  local kv
  for kv in "${EXECUTOR_ENV[@]}"; do
    printf '%s\0' --conf "spark.yarn.appMasterEnv.$kv"
  done
  printf '%s\0' --conf spark.yarn.maxAppAttempts="${NATURALNESS_MAX_APP_ATTEMPTS:-1}"
}

# In cluster deploy mode the driver runs on a cluster node and gets its arguments on its command
# line: the job's own check refuses, in one line, S3 keys from any source (they would travel in the
# clear) and a path only this machine has (check_cluster_driver), before anything is submitted.
# Prints, one word each, the options that size the driver's container (NATURALNESS_DRIVER_MEMORY 4g
# for its heap, NATURALNESS_DRIVER_OVERHEAD 2g for libtorch when it checks the student), the config
# files to send with --files (one word, comma-separated, empty when none) and then the job's
# arguments with each --config FILE named by its name, as the driver finds it in its directory.
cluster_driver() {
  check_cluster_driver "$@"
  local out=() names=" " files="" name file
  while [ $# -gt 0 ]; do
    if [ "$1" = --config ] && [ $# -ge 2 ]; then
      file="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"
      name="$(basename "$2")"
      case "$names" in
        *" $name "*) echo "naturalness: two --config files are named $name; in cluster deploy mode each travels by its name: rename one" >&2; exit 2 ;;
      esac
      names="$names$name "
      files="${files:+$files,}$file"
      out+=(--config "$name")
      shift 2
    else
      out+=("$1")
      shift
    fi
  done
  printf '%s\0' --driver-memory "${NATURALNESS_DRIVER_MEMORY:-4g}" \
    --conf spark.driver.memoryOverhead="${NATURALNESS_DRIVER_OVERHEAD:-2g}" "$files" \
    "${out[@]+"${out[@]}"}"
}

# The job's own check, here, of what a driver in the cluster could not read or should not be sent
# (--check-cluster-driver); skipped, with a note, when the jar is not built here. The arguments
# reach it through its environment.
check_cluster_driver() {
  local cp="${NATURALNESS_CLASSPATH:-}"
  if [ -z "$cp" ]; then
    if ! jar_is_fresh; then
      echo "# (the jar is not built here: paths and keys are not checked for a driver in the cluster)" >&2
      return 0
    fi
    cp="$APP_JAR:$(cat "$CLASSPATH_FILE")"
  fi
  # shellcheck disable=SC2086
  if ! NATURALNESS_JOB_ARGS="$(job_args_environment "$@")" \
    java $SPARK_JAVA_OPTS -cp "$cp" dev.naturalness.NaturalnessJob --check-cluster-driver; then
    exit 2
  fi
}

# Runs the command with the job's arguments in its environment, or, on a dry run ($1), prints it,
# then what the job reads from each --set, and exits. The words after -- are the job's arguments.
run_or_print() {
  local dry_run=$1 cmd=() job=()
  shift
  while [ $# -gt 0 ] && [ "$1" != -- ]; do cmd+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  job=("$@")
  if $dry_run; then
    print_command "${cmd[@]}"
    print_job_arguments "${job[@]+"${job[@]}"}"
    exit 0
  fi
  if [ ${#job[@]} -gt 0 ]; then
    NATURALNESS_JOB_ARGS="$(job_args_environment "${job[@]}")"
    export NATURALNESS_JOB_ARGS
  fi
  exec "${cmd[@]}"
}

# Prints, as comment lines, the job's arguments without their values (--config FILE and --set KEY)
# and then each key they set with the value the job reads (HOCON: quoted strings with their escapes;
# every secret, however it was spelled, as ***), when the jar is built here.
print_job_arguments() {
  [ $# -gt 0 ] || return 0
  local a shown=() next=""
  for a in "$@"; do
    case "$next:$a" in
      set:*=*) shown+=("${a%%=*}") ;;
      set:*) shown+=("(no key=value)") ;;
      config:*) shown+=("$a") ;;
      :--set|:--config) shown+=("$a") ;;
      :--set=*=*) shown+=("${a%%=*}=$(a=${a#*=}; printf '%s' "${a%%=*}")") ;;
      :--config=*|:--plan-only) shown+=("$a") ;;
      *) shown+=("(an argument the job does not know)") ;;
    esac
    case "$next:$a" in
      :--set) next=set ;;
      :--config) next=config ;;
      *) next="" ;;
    esac
  done
  echo "# the job's arguments, in its environment (NATURALNESS_JOB_ARGS), values as the job reads them below: ${shown[*]}"
  local cp="${NATURALNESS_CLASSPATH:-}"
  if [ -z "$cp" ]; then
    if ! jar_is_fresh; then
      echo "# (build the jar to see the values the job reads from --set: it is missing or older than the sources)"
      return 0
    fi
    cp="$APP_JAR:$(cat "$CLASSPATH_FILE")"
  fi
  # shellcheck disable=SC2086
  NATURALNESS_JOB_ARGS="$(job_args_environment "$@")" \
    java $SPARK_JAVA_OPTS -cp "$cp" dev.naturalness.NaturalnessJob --print-settings 2>&1 \
    | sed 's/^/# /' || true
}

# Prints a command as a shell would read it back, any argument that sets a credential
# (…access-key=, …secret.key=, …) shown as ***.
print_command() {
  local a
  for a in "$@"; do
    if [[ "$a" =~ ^([^=]*([Aa]ccess[-._]?[Kk]ey|[Ss]ecret[-._]?[Kk]ey|[Ss]ession[-._]?[Tt]oken|[Pp]assword)[[:space:]]*)= ]]; then
      a="${BASH_REMATCH[1]}=***"
    fi
    printf '%q ' "$a"
  done
  echo
}
