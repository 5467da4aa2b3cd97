#!/usr/bin/env python3
"""Writes tests/fuzz/scenario.dict, the libFuzzer dictionary of fuzz_scenario_loader, from
examples/scenarios/scenario.schema.json: every property name (as a JSON key with its colon) and every
string value the schema enumerates, then the number spellings the reader accepts and JSON punctuation.
With --check, writes nothing and exits 1 when the checked-in dictionary is not what it would write."""
import json
import pathlib
import sys

root = pathlib.Path(__file__).resolve().parents[2]
schema = json.loads((root / "examples/scenarios/scenario.schema.json").read_text())
out_path = root / "tests/fuzz/scenario.dict"

keys, values = set(), set()


def walk(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "properties" and isinstance(v, dict):
                keys.update(v.keys())
            elif k == "required" and isinstance(v, list):
                keys.update(v)
            elif k == "enum" and isinstance(v, list):
                values.update(x for x in v if isinstance(x, str))
            elif k == "const" and isinstance(v, str):
                values.add(v)
            walk(v)
    elif isinstance(node, list):
        for x in node:
            walk(x)


walk(schema)


def quoted(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


lines = [
    "# libFuzzer dictionary for fuzz_scenario_loader, written by tests/fuzz/scenario_dict.py from",
    "# examples/scenarios/scenario.schema.json (run it again when the schema changes; .ci/fuzz checks).",
    "# field names",
]
lines += [quoted('"%s":' % k) for k in sorted(keys)]
lines.append("# string values")
lines += [quoted('"%s"' % v) for v in sorted(values)]
lines.append("# numbers (integers, \"0x...\" strings, sizes with a unit on byte fields) and punctuation")
lines += [quoted(s) for s in [
    "0x", '"0x100000"', "KiB", "MiB", "GiB", "TiB", '"64MiB"', '"4KiB"', "18446744073709551615",
    "18446744073709551616", "4294967295", "4294967296", "-1", "1e999999", "0.5", "true", "false", "null",
    "{", "}", "[", "]", ",", ":", '{"first": 0, "pages": 1}']]
text = "\n".join(lines) + "\n"

if sys.argv[1:] == ["--check"]:
    if out_path.read_text() != text:
        print("tests/fuzz/scenario.dict is out of date: run python3 tests/fuzz/scenario_dict.py", file=sys.stderr)
        sys.exit(1)
else:
    out_path.write_text(text)
