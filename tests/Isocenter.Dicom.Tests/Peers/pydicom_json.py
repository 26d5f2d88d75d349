"""Reference DICOM JSON from pydicom for the acceptance test (PydicomJsonTests).

Usage: /usr/bin/python3 pydicom_json.py FILE... > out.json
Prints one JSON object: {path: {"json": <Dataset.to_json_dict()>} or {"error": "<type>: <message>"}}.
Bulk data (binary values of 1024 bytes or more) become BulkDataURI "bulk" so the comparison can skip them.
Files are read as pydicom reads them by default (no force), except that a missing preamble/'DICM' is tolerated
the way pydicom's force=True does, because Isocenter reads files without meta header by design.
"""
import json
import sys
import warnings

import pydicom
from pydicom.errors import InvalidDicomError

warnings.simplefilter("ignore")
result = {}
for path in sys.argv[1:]:
    try:
        try:
            ds = pydicom.dcmread(path)
        except InvalidDicomError:
            ds = pydicom.dcmread(path, force=True)
        result[path] = {"json": ds.to_json_dict(bulk_data_threshold=1024, bulk_data_element_handler=lambda e: "bulk")}
    except Exception as e:  # the test compares failures too
        result[path] = {"error": f"{type(e).__name__}: {e}"}
json.dump(result, sys.stdout)
