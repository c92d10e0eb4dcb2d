#!/usr/bin/env bash
# The SmolLM2 student's tokens and log-probs as the job computes them, against llama.cpp on the same
# GGUF (docs/student.md):  submit/compare-llama-cpp.sh TEXTS.jsonl [CORPUS.jsonl]
# Builds the student if needed, makes the environment of requirements-llama-cpp.txt (llama-cpp-python
# compiles llama.cpp: about 25 minutes on 2 cores, once), prints one JSON report.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python=$("$ROOT/submit/python-env.sh" "$ROOT/src/main/python/requirements-llama-cpp.txt")
NATURALNESS_PYTHON=$python "$ROOT/submit/student-smollm2.sh" >&2
exec "$python" "$ROOT/src/main/python/compare_llama_cpp.py" "$@"
