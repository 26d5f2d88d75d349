#!/usr/bin/env python3
"""same-datasets.py DIR FILE...: every FILE has a Part 10 file in DIR (searched recursively, matched by Media Storage SOP
Instance UID) whose dataset (the bytes after the File Meta Information) is byte-identical to FILE's. Exit 1 with the
first difference otherwise. Used by the whole-system benchmarks to check what a receiver stored."""
import os
import struct
import sys


def dataset(path):
    with open(path, "rb") as f:
        data = f.read()
    assert data[128:132] == b"DICM", path
    # (0002,0000) UL, explicit VR: tag 4, VR 2, length 2, value 4 at offset 132
    end = 144 + struct.unpack_from("<I", data, 140)[0]
    return data[end:]


def uid(path):
    with open(path, "rb") as f:
        data = f.read(4096)
    at = data.index(b"\x02\x00\x03\x00UI")  # (0002,0003) Media Storage SOP Instance UID
    n = struct.unpack_from("<H", data, at + 6)[0]
    return data[at + 8:at + 8 + n].rstrip(b"\0 ").decode()


received = {}
for folder, _, names in os.walk(sys.argv[1]):
    for name in names:
        if not name.startswith("."):
            path = os.path.join(folder, name)
            received[uid(path)] = path
for sent in sys.argv[2:]:
    got = received.get(uid(sent))
    if got is None or dataset(got) != dataset(sent):
        sys.exit(f"{sent}: received {'nothing' if got is None else got + ', a different dataset'}")
