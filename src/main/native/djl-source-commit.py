#!/usr/bin/env python3
"""Checks that a tar archive of DJL's source is of the expected commit: git writes the commit id
into every archive it makes (a pax global header, `git get-tar-commit-id`), GitHub's included."""
import sys
import tarfile


def main(archive, expected):
    with tarfile.open(archive) as tar:
        found = tar.pax_headers.get("comment", "")
    if found != expected:
        sys.exit(f"{archive} is of commit '{found or 'unknown'}', not {expected}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
