"""Helpers shared by the scripts that write and read student directories."""
import hashlib
import json


def sha256(path):
    """Hex sha256 of a file, read in 1 MiB chunks (student.conf's model-sha256)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_student_conf(path):
    """student.conf's top-level `key = value` lines (strings JSON-decoded); nested blocks are skipped."""
    conf, depth = {}, 0
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("{"):
            depth += 1
            continue
        if line == "}":
            depth -= 1
            continue
        if depth:
            continue
        key, _, value = line.partition("=")
        value = value.strip()
        conf[key.strip()] = json.loads(value) if value.startswith('"') else value
    return conf
