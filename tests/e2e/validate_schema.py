"""Checks the JSON Schema of scenario files against the catalog: every catalog
file must validate, and documents the reader rejects for their shape must not."""
import glob
import json
import os
import sys

try:
    import jsonschema
except ImportError:
    sys.exit("python3-jsonschema is missing: apt-get install python3-jsonschema")

scenarios = sys.argv[1]
schema = json.load(open(os.path.join(scenarios, "scenario.schema.json")))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
failures = 0
files = [f for f in sorted(glob.glob(os.path.join(scenarios, "*.json")) + glob.glob(os.path.join(scenarios, "concurrent", "*.json")))
         if not f.endswith(".schema.json")]
for f in files:
    for e in validator.iter_errors(json.load(open(f))):
        print(f"{f}: {'/'.join(map(str, e.path))}: {e.message}")
        failures += 1
base = {"devices": [{"size": 4096}], "filesystem": {"data": {"ag_count": 1, "ag_blocks": 1}},
        "event": {"kind": "unbind", "current": 1}}
bad = [
    {**base, "filesystem": {"data": {"ag_count": 1, "ag_blocks": 1, "agcount": 2}}},
    {**base, "event": {"kind": "reboot", "current": 1}},
    {**base, "event": {"kind": "memory_failure", "current": 1, "offset": 0, "inode": 3, "page": 1}},
    {**base, "devices": [{"size": "-1"}]},
    {k: v for k, v in base.items() if k != "event"},
    {**base, "actors": [{"name": "x", "steps": [{"op": "thaw_everything"}]}]},
    {**base, "actors": [{"name": "x", "steps": []}]},
    {**base, "actors": [{"name": "x", "steps": [{"op": "notify", "event": {"kind": "reboot", "current": 1}}]}]},
]
for i, doc in enumerate(bad):
    if not list(validator.iter_errors(doc)):
        print(f"invalid document {i} passes the schema")
        failures += 1
if not list(validator.iter_errors(base)) == []:
    print("the minimal valid document fails the schema")
    failures += 1
print(f"{len(files)} catalog files, {failures} problem(s)")
sys.exit(1 if failures else 0)
