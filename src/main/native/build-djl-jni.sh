#!/usr/bin/env bash
# Builds DJL's PyTorch JNI (libdjl_torch.so) against a libtorch the machine already has, so that the
# job scores with that libtorch (a GPU node's own torch and CUDA) instead of the one in DJL's jars:
#
#   src/main/native/build-djl-jni.sh --torch python3 --out target/djl-jni
#   src/main/native/build-djl-jni.sh --torch /opt/libtorch --out target/djl-jni
#
# --torch is a Python whose torch to use, or a libtorch directory (lib/libtorch.so and
# share/cmake/Torch). DJL's source is the archive fetch-djl-source.sh keeps (--djl-source to give
# another archive of the same commit, or a DJL checkout at it). The JNI header is made from DJL's
# PyTorchLibrary.java with javac, or taken from --jni-header DIR where there is no javac (the GPU
# check's bundle carries the one made here). JNI's own headers (jni.h, linux/jni_md.h) come from
# $JAVA_HOME/include, or --java-include DIR on a machine without a JDK.
#
# What it writes under --out: pytorch/<version>-<flavor>-linux-x86_64/0.36.0-libdjl_torch.so (where
# DJL looks for a JNI, under DJL_CACHE_DIR), libtorch/ (links to the torch libraries when they do not
# sit in a directory of their own), and djl-torch.env, the variables that make DJL use them:
#   set -a; source target/djl-jni/djl-torch.env; set +a; submit/local.sh ...
# (on a cluster, pass the same variables to executors: spark.executorEnv.NAME=value).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
source "$ROOT/src/main/native/djl-version.sh"

torch="" out="" source_archive="$ROOT/target/djl-source/djl-$DJL_COMMIT.tar.gz" header="" jobs="" java_include=""
while [ $# -gt 0 ]; do
  case "$1" in
    --torch) torch="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --djl-source) source_archive="$2"; shift 2 ;;
    --jni-header) header="$2"; shift 2 ;;
    --java-include) java_include="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    *) echo "usage: $0 --torch PYTHON|LIBTORCH_DIR --out DIR [--djl-source ARCHIVE|DIR] [--jni-header DIR] [--java-include DIR] [--jobs N]" >&2; exit 2 ;;
  esac
done
[ -n "$torch" ] && [ -n "$out" ] || { echo "$0: --torch and --out are required" >&2; exit 2; }
command -v cmake >/dev/null || { echo "$0: cmake is needed" >&2; exit 2; }
mkdir -p "$out"
out="$(cd "$out" && pwd)"
jobs="${jobs:-$(nproc 2>/dev/null || echo 2)}"

# The torch: its version, CUDA flavor, CMake prefix and library directory.
if [ -d "$torch" ]; then
  prefix="$torch"
  libdir="$torch/lib"
  version="$(sed -n 's/^\([0-9]*\.[0-9]*\.[0-9]*\).*/\1/p' "$torch/build-version" 2>/dev/null || true)"
  [ -n "$version" ] || { echo "$0: $torch has no build-version file; give a Python with torch instead" >&2; exit 2; }
  cuda="$(ls "$libdir" | sed -n 's/^libcudart.*\.so\.\([0-9]*\).*/\1/p' | head -1)"
  flavor="${cuda:+cu${cuda}}"
  flavor="${flavor:-cpu}"
else
  read -r version flavor prefix libdir < <("$torch" - <<'PY'
import os, re, torch, torch.utils
version = re.match(r"\d+\.\d+\.\d+", torch.__version__).group(0)
cuda = torch.version.cuda
flavor = "cu" + cuda.replace(".", "") if cuda else "cpu"
print(version, flavor, torch.utils.cmake_prefix_path, os.path.join(os.path.dirname(torch.__file__), "lib"))
PY
)
fi
echo "torch $version ($flavor): CMake prefix $prefix"

# Where DJL will load libtorch from: a directory that holds the torch libraries and nothing else
# (DJL loads every library it finds there).
if [ -f "$libdir/libtorch.so" ]; then
  torch_libs="$libdir"
else
  found="$("$ROOT/src/main/native/find-libtorch.py" "${torch}")"
  torch_libs="$out/libtorch"
  rm -rf "$torch_libs" && mkdir -p "$torch_libs"
  for lib in "$found"/libtorch.so* "$found"/libtorch_cpu.so* "$found"/libtorch_cuda*.so* "$found"/libc10.so* "$found"/libc10_cuda.so*; do
    [ -e "$lib" ] && ln -sf "$lib" "$torch_libs/$(basename "$lib")"
  done
fi

# DJL's source at the pinned commit.
src="$out/build/djl"
rm -rf "$out/build" && mkdir -p "$src"
if [ -d "$source_archive" ]; then
  cp -r "$source_archive/engines" "$source_archive/api" "$src/"
else
  "$ROOT/src/main/native/djl-source-commit.py" "$source_archive" "$DJL_COMMIT"
  tar -xzf "$source_archive" -C "$src" --strip-components=1
fi
native="$src/engines/pytorch/pytorch-native"
mkdir -p "$native/build/include"
if [ -n "$header" ]; then
  cp "$header"/ai_djl_pytorch_jni_PyTorchLibrary.h "$native/build/include/"
else
  command -v javac >/dev/null || { echo "$0: javac is needed to make the JNI header (or give --jni-header)" >&2; exit 2; }
  engine="$src/engines/pytorch/pytorch-engine/src/main/java"
  javac -sourcepath "$engine" "$engine/ai/djl/pytorch/jni/PyTorchLibrary.java" \
    -h "$native/build/include" -d "$native/build/classes"
fi

# DJL's own switches for older libtorch versions (as its build.sh sets them).
pt_version=""
case "$version" in 1.13.*|2.0.*|2.1.*) pt_version=V1_13_X ;; esac
use_cuda=""
case "$flavor" in cu*) use_cuda=1 ;; esac
if [ -z "$java_include" ]; then
  java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac || command -v java)")")")}"
  java_include="$java_home/include"
fi
[ -f "$java_include/jni.h" ] || { echo "$0: no jni.h in $java_include (set JAVA_HOME to a JDK or give --java-include)" >&2; exit 2; }
(
  cd "$native/build"
  cmake -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" -DPT_VERSION="$pt_version" \
    -DUSE_CUDA="$use_cuda" -DJAVA_INCLUDE_PATH="$java_include" \
    -DJAVA_INCLUDE_PATH2="$java_include/linux" -DJAVA_JVM_LIBRARY=NotNeeded .. >"$out/cmake.log" 2>&1 \
    || { tail -30 "$out/cmake.log" >&2; exit 1; }
  cmake --build . --config Release -- -j "$jobs" >"$out/build.log" 2>&1 \
    || { grep -m 20 -E "error|Error" "$out/build.log" >&2; exit 1; }
)

classifier=linux-x86_64
jni_dir="$out/pytorch/$version-$flavor-$classifier"
mkdir -p "$jni_dir"
cp "$native/build/libdjl_torch.so" "$jni_dir/$DJL_VERSION-libdjl_torch.so"
cat >"$out/djl-torch.env" <<ENV
DJL_CACHE_DIR=$out
PYTORCH_LIBRARY_PATH=$torch_libs
PYTORCH_VERSION=$version
PYTORCH_FLAVOR=$flavor
ENV
echo "built $jni_dir/$DJL_VERSION-libdjl_torch.so against torch $version ($flavor); use: set -a; source $out/djl-torch.env; set +a"
