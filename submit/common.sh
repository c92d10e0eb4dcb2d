# Shared by the submit/ scripts: builds what is missing or stale, and knows the JVM flags Spark
# needs on Java 17. Source it; it sets ROOT, APP_JAR, APP_CLASSPATH and SPARK_JAVA_OPTS.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
APP_JAR="$ROOT/target/naturalness.jar"
CLASSPATH_FILE="$ROOT/target/classpath.txt"

SPARK_JAVA_OPTS="-XX:+IgnoreUnrecognizedVMOptions"
for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util java.util.concurrent \
         java.util.concurrent.atomic jdk.internal.ref sun.nio.ch sun.nio.cs sun.security.action sun.util.calendar; do
  SPARK_JAVA_OPTS="$SPARK_JAVA_OPTS --add-opens=java.base/$p=ALL-UNNAMED"
done
SPARK_JAVA_OPTS="$SPARK_JAVA_OPTS -Djdk.reflect.useDirectMethodHandle=false -Dai.djl.offline=true"

# Builds the application jar and the runtime classpath when they are missing or older than the sources.
build_if_stale() {
  local newest
  newest=$(find "$ROOT/pom.xml" "$ROOT/src/main" -type f -newer "$APP_JAR" 2>/dev/null | head -1 || true)
  if [ ! -f "$APP_JAR" ] || [ -n "$newest" ]; then
    echo "building $APP_JAR ..." >&2
    (cd "$ROOT" && mvn -q -B -Dstyle.color=never -Dmaven.test.skip=true package) >&2
  fi
  if [ ! -f "$CLASSPATH_FILE" ] || [ "$ROOT/pom.xml" -nt "$CLASSPATH_FILE" ]; then
    (cd "$ROOT" && mvn -q -B -Dstyle.color=never dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$CLASSPATH_FILE") >&2
  fi
  APP_CLASSPATH="$APP_JAR:$(cat "$CLASSPATH_FILE")"
}

# libtorch frees and reallocates tensors above glibc's 32 MiB mmap ceiling every batch; served by
# mmap, each costs page faults on every use (measured 7x slower at 8 x 512 rows). Keep them on the heap.
export MALLOC_MMAP_MAX_="${MALLOC_MMAP_MAX_:-0}"
export MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-17179869184}"
