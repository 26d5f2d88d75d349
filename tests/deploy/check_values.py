#!/usr/bin/python3
"""Validates a chart's merged values (JSON, from tools/chart-render --values-out) against its values.schema.json, as helm
does before rendering.    check_values.py values.schema.json merged.json"""
import json
import sys

import jsonschema

schema, values = (json.load(open(p)) for p in sys.argv[1:3])
jsonschema.Draft7Validator.check_schema(schema)
errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(values), key=lambda e: list(e.path))
for e in errors:
    print(f"{sys.argv[2]}: {'.'.join(map(str, e.path)) or '(top)'}: {e.message}", file=sys.stderr)
sys.exit(1 if errors else 0)
