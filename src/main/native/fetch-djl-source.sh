#!/usr/bin/env bash
# Fetches DJL's source at the commit of the DJL version in the pom, once, into
# target/djl-source/djl-<commit>.tar.gz, for build-djl-jni.sh (and the GPU check's bundle):
#   src/main/native/fetch-djl-source.sh                 # from GitHub (needs the network once)
#   src/main/native/fetch-djl-source.sh --git DIR       # from a local clone of deepjavalibrary/djl
# The archive is checked to be of that commit (the commit id git writes into every archive it
# makes, GitHub's included) before it is kept.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
source "$ROOT/src/main/native/djl-version.sh"
git_dir=""
while [ $# -gt 0 ]; do
  case "$1" in
    --git) git_dir="$2"; shift 2 ;;
    *) echo "usage: $0 [--git DJL_CLONE]" >&2; exit 2 ;;
  esac
done
out="$ROOT/target/djl-source/djl-$DJL_COMMIT.tar.gz"
mkdir -p "$(dirname "$out")"
if [ -f "$out" ]; then
  echo "$out (already fetched)"
  exit 0
fi
tmp="$out.tmp"
if [ -n "$git_dir" ]; then
  git -C "$git_dir" archive --format=tar.gz --prefix="djl-$DJL_COMMIT/" "$DJL_COMMIT" \
    engines/pytorch/pytorch-native engines/pytorch/pytorch-engine/src/main/java api/src/main/native \
    LICENSE NOTICE > "$tmp"
else
  curl -fsSL --retry 3 -o "$tmp" "https://github.com/deepjavalibrary/djl/archive/$DJL_COMMIT.tar.gz"
fi
"$ROOT/src/main/native/djl-source-commit.py" "$tmp" "$DJL_COMMIT"
mv "$tmp" "$out"
echo "$out"
