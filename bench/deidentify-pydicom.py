#!/usr/bin/env python3
"""The pydicom peer of bench/deidentify.sh: applies PS3.15 Table E.1-1's Basic Profile, read from the same transcription the
toolkit uses (platform/Isocenter.Dicom/Deidentification/ConfidentialityProfile.txt), to every file of IN, writing OUT/<n>.dcm.
Same choices as the toolkit: combined codes resolved D before Z before X (U* keeps the sequence), U = 2.25 + HMAC-SHA256 of
the UID, private groups removed, unlisted UIDs that are not registry UIDs remapped, unlisted dates and person names removed.
Usage: deidentify-pydicom.py TABLE IN OUT"""
import hashlib, hmac, os, sys

import pydicom
from pydicom.uid import UID_dictionary

table, source, target = sys.argv[1:4]
secret = os.urandom(32)
exact, patterns = {}, []
for line in open(table, encoding="utf-8"):
    if not line.strip() or line.startswith("#"):
        continue
    tag, basic = [f.strip() for f in line.split(" | ")[:2]]
    code = {"Z/D": "D", "X/D": "D", "X/Z/D": "D", "X/Z": "Z", "X/Z/U*": "U*"}.get(basic, basic)
    hexa = tag.strip("()").replace(",", "")
    if "X" in hexa or "G" in hexa:
        if not hexa.startswith("G"):
            mask = int("".join("0" if c == "X" else "F" for c in hexa), 16)
            patterns.append((mask, int(hexa.replace("X", "0"), 16), code))
    else:
        exact[int(hexa, 16)] = code


def map_uid(uid):
    return "2.25." + str(int.from_bytes(hmac.new(secret, ("uid:" + uid).encode(), hashlib.sha256).digest()[:16], "big"))


DUMMY = {"DA": "19000101", "DT": "19000101000000", "TM": "000000", "AS": "000D", "DS": "0", "IS": "0"}


def action(elem):
    code = exact.get(elem.tag)
    if code is None:
        for mask, value, c in patterns:
            if elem.tag & mask == value:
                return c
        if elem.VR == "SQ":
            return "K"
        if elem.VR == "UI":
            values = elem.value if elem.VM > 1 else [elem.value]
            return "K" if all(str(v) in UID_dictionary for v in values) else "U"
        return "X" if elem.VR in ("DA", "DT", "TM", "PN") else "K"
    return code


def deidentify(ds):
    for elem in list(ds):
        if elem.tag.is_private:
            del ds[elem.tag]
            continue
        code = action(elem)
        if code == "X":
            del ds[elem.tag]
        elif code in ("Z", "D") and elem.VR == "SQ":
            elem.value = []
        elif code == "Z":
            elem.value = None
        elif code == "D":
            elem.value = DUMMY.get(elem.VR, "DEIDENTIFIED") if elem.VR not in ("US", "SS", "UL", "SL", "FL", "FD", "OB", "OW") else elem.value
        elif code == "U" and elem.VR == "UI":
            elem.value = [map_uid(str(v)) for v in elem.value] if elem.VM > 1 else map_uid(str(elem.value))
        elif elem.VR == "SQ":
            for item in elem.value:
                deidentify(item)


os.makedirs(target, exist_ok=True)
count = 0
for root, _, files in os.walk(source):
    for name in sorted(files):
        if not name.endswith(".dcm"):
            continue
        ds = pydicom.dcmread(os.path.join(root, name))
        deidentify(ds)
        ds.PatientIdentityRemoved = "YES"
        ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
        count += 1
        ds.save_as(os.path.join(target, f"{count}.dcm"))
print(count)
