"""Helpers shared by the scripts that write student directories."""
import hashlib


def sha256(path):
    """Hex sha256 of a file, read in 1 MiB chunks (student.conf's model-sha256)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
