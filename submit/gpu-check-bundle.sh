#!/usr/bin/env bash
# Makes the GPU check's bundle: everything a GPU node with Python, torch and transformers (and no
# Java, no network) needs to run the job's own scorer there (see docs/gpu.md):
#
#   submit/gpu-check-bundle.sh [--out target/naturalness-gpu-check]
#   # then, on the GPU node, with the directory copied there:
#   naturalness-gpu-check/gpu-check.sh --out /tmp/gpu-check
#
# The bundle holds a Java runtime made by jlink (runtime.tar.xz), the application's jar and the
# non-Spark jars the scorer needs (lib/), the check's class (lib/naturalness-gpu-check.jar), DJL's
# source at the pinned commit with the JNI header made here and JNI's own headers (to build DJL's
# PyTorch JNI against the node's torch), the export and corpus scripts, and the demo tokenizer. It
# fails when the bundle would pass 60 MB.
set -euo pipefail
source "$(dirname "$0")/common.sh"
source "$ROOT/src/main/native/djl-version.sh"
out="$ROOT/target/naturalness-gpu-check"
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    *) echo "usage: $0 [--out DIR]" >&2; exit 2 ;;
  esac
done
LIMIT_BYTES=$((60 * 1000 * 1000))

build_if_stale
CHECK_CLASS="$ROOT/target/test-classes/dev/naturalness/bench/GpuCheck.class"
compile_bench_if_stale "$CHECK_CLASS"
java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}"

rm -rf "$out"
mkdir -p "$out/lib" "$out/native/jni-header" "$out/native/java-include/linux" "$out/src/main/native" \
  "$out/src/main/python" "$out/src/test/python" "$out/src/main/resources/demo/student" "$out/target/djl-source"
out="$(cd "$out" && pwd)"

# The Java runtime: the modules the scorer uses, nothing else (39 MB, 20 MB as tar.xz). Made once
# per JDK and reused.
runtime_cache="$ROOT/target/gpu-check-runtime.tar.xz"
if [ ! -f "$runtime_cache" ] || [ "$runtime_cache" -ot "$java_home/release" ]; then
  scratch="$(mktemp -d)"
  "$java_home/bin/jlink" --add-modules java.base,java.logging,jdk.unsupported,java.management,java.xml \
    --strip-debug --no-header-files --no-man-pages --compress=2 --output "$scratch/runtime"
  tar -C "$scratch/runtime" -cJf "$runtime_cache.tmp" .
  mv "$runtime_cache.tmp" "$runtime_cache"
  rm -rf "$scratch"
fi
cp "$runtime_cache" "$out/runtime.tar.xz"
cp "$java_home/include/jni.h" "$out/native/java-include/"
cp "$java_home/include/linux/jni_md.h" "$out/native/java-include/linux/"

# The application's jar, the jars the scorer needs beyond Spark (the PyTorch JNI is built on the
# node), and the check's own classes.
cp "$APP_JAR" "$out/lib/"
tr ':' '\n' <"$CLASSPATH_FILE" \
  | grep -E '/(api|pytorch-engine|tokenizers)-[0-9.]+\.jar$|/(config|gson|jna|slf4j-api|commons-compress)-[0-9][^/]*\.jar$' \
  | while read -r jar; do cp "$jar" "$out/lib/"; done
(cd "$ROOT/target/test-classes" && jar cf "$out/lib/naturalness-gpu-check.jar" dev/naturalness/bench/GpuCheck*.class)

# DJL's source at the pinned commit, and the JNI header made from it here (the node has no javac).
archive="$ROOT/target/djl-source/djl-$DJL_COMMIT.tar.gz"
if [ -f "$archive" ]; then
  cp "$archive" "$out/target/djl-source/"
  scratch="$(mktemp -d)"
  tar -xzf "$archive" -C "$scratch" --strip-components=1
  engine="$scratch/engines/pytorch/pytorch-engine/src/main/java"
  "$java_home/bin/javac" -sourcepath "$engine" "$engine/ai/djl/pytorch/jni/PyTorchLibrary.java" \
    -h "$out/native/jni-header" -d "$scratch/classes"
  rm -rf "$scratch"
else
  echo "warning: no DJL source ($archive; src/main/native/fetch-djl-source.sh fetches it): this bundle" \
    "cannot build the JNI on a node, only run with --libtorch bundled" >&2
fi

cp "$ROOT"/src/main/native/*.sh "$ROOT"/src/main/native/*.py "$out/src/main/native/"
for f in gpu_check.py gpu_student_check.py export_hf_student.py student_files.py make_long_corpus.py demo_text.py; do
  cp "$ROOT/src/main/python/$f" "$out/src/main/python/"
done
cp "$ROOT/src/test/python/tiny_hf_model.py" "$out/src/test/python/"
cp "$ROOT"/src/main/resources/demo/student/tokenizer*.json "$out/src/main/resources/demo/student/"
cp "$ROOT/src/main/resources/naturalness-runtime.properties" "$out/"
cat >"$out/gpu-check.sh" <<'SH'
#!/usr/bin/env bash
# The GPU check through the job's own scorer (docs/gpu.md):  gpu-check.sh --out DIR [--shapes 0.5b,1.5b,7b]
set -euo pipefail
exec "${PYTHON:-python3}" "$(dirname "$0")/src/main/python/gpu_check.py" "$@"
SH
chmod +x "$out/gpu-check.sh"

bytes=$(du -sb "$out" | cut -f1)
echo "bundle $out: $((bytes / 1000 / 1000)) MB in $(find "$out" -type f | wc -l) files"
if [ "$bytes" -gt "$LIMIT_BYTES" ]; then
  echo "the bundle is over 60 MB" >&2
  exit 1
fi
