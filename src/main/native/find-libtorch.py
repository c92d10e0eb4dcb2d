#!/usr/bin/env python3
"""The directory holding libtorch.so for a torch whose libraries are not in torch/lib (a distribution's
torch, e.g. Debian's python3-torch): where the loaded torch's own libtorch comes from."""
import os
import sys


def main(python):
    # Ask the given Python's torch which libtorch it loaded.
    import subprocess

    code = (
        "import torch\n"
        "for line in open('/proc/self/maps'):\n"
        "    path = line.split()[-1]\n"
        "    if path.endswith('/libtorch.so') or '/libtorch.so.' in path:\n"
        "        print(path); break\n"
    )
    found = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True)
    path = found.stdout.strip()
    if not path:
        sys.exit(f"{python}'s torch loaded no libtorch.so")
    print(os.path.dirname(os.path.realpath(path)))


if __name__ == "__main__":
    main(sys.argv[1])
