#!/usr/bin/env bash
# Makes, or finds, the project's Python virtual environment for one pinned requirements file and
# prints its python:  submit/python-env.sh src/main/python/requirements-student.txt
# The environment lives in $NATURALNESS_CACHE/python/<file name>-<sha256 of the file and what it
# includes> (NATURALNESS_CACHE defaults to ~/.cache/naturalness), so a changed pin makes a new one and
# an unchanged file reuses the old one at once. Each environment holds PyPI's torch with its CUDA
# libraries (5-6 GB), so a new one replaces those made before from a file of the same name: a checkout
# with other pins makes its own again when it runs. Progress goes to stderr; only the path to stdout.
set -euo pipefail
requirements=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
[ -f "$requirements" ] || { echo "python-env: no requirements file $1" >&2; exit 2; }
cache=${NATURALNESS_CACHE:-$HOME/.cache/naturalness}
# The key covers the files it includes with -r, so a pin changed there makes a new environment too.
key_files=("$requirements")
while read -r included; do
  key_files+=("$(dirname "$requirements")/$included")
done < <(sed -n 's/^-r[[:space:]]*//p' "$requirements")
key=$(cat "${key_files[@]}" | sha256sum | cut -c1-12)
env_dir="$cache/python/$(basename "$requirements" .txt)-$key"
if [ ! -f "$env_dir/.complete" ]; then
  base=${NATURALNESS_BASE_PYTHON:-python3}
  echo "python-env: making $env_dir from $(basename "$requirements") ($($base --version 2>&1)) ..." >&2
  rm -rf "$env_dir"
  mkdir -p "$(dirname "$env_dir")"
  start=$SECONDS
  "$base" -m venv "$env_dir"
  "$env_dir/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" >&2
  touch "$env_dir/.complete"
  echo "python-env: ready in $((SECONDS - start)) s" >&2
  for old in "$cache/python/$(basename "$requirements" .txt)"-*; do
    if [ "$old" != "$env_dir" ] && [ -d "$old" ]; then
      echo "python-env: removing the environment it replaces, $old" >&2
      rm -rf "$old"
    fi
  done
fi
echo "$env_dir/bin/python"
