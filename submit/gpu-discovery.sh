#!/usr/bin/env bash
# Spark GPU discovery script: prints this host's GPUs as {"name": "gpu", "addresses": ["0", ...]}.
set -euo pipefail
addresses=$(nvidia-smi --query-gpu=index --format=csv,noheader 2>/dev/null | tr -d ' ' | sed 's/.*/"&"/' | paste -sd, -)
echo "{\"name\": \"gpu\", \"addresses\": [${addresses}]}"
