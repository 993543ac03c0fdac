#!/usr/bin/env python3
"""Validates JSON files against a JSON Schema (draft 2020-12), for the integration tests.

Usage: check_schema.py SCHEMA FILE...

The schema itself is first checked against the draft 2020-12 meta-schema. Then each FILE is
validated; one line per file is printed on standard output:
    FILE: valid
    FILE: invalid: PATH: MESSAGE   (one such line per error, PATH as $.a.b[0])
Exit status: 0 every file valid, 1 at least one file invalid, 2 usage error, unreadable file
or a schema that is not a valid draft 2020-12 schema.
Needs the `jsonschema` package (`bash .ci/setup` installs it in .ci/venv).
"""

import json
import sys

try:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError
except ImportError as e:  # pragma: no cover - setup problem
    print(f"jsonschema is not installed ({e}); run bash .ci/setup", file=sys.stderr)
    sys.exit(2)


def load(path):
    # utf-8-sig: the reports may start with a BOM, which nianbao accepts.
    with open(path, encoding="utf-8-sig") as f:
        return json.load(f)


def json_path(error):
    out = "$"
    for part in error.absolute_path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    try:
        schema = load(argv[1])
        Draft202012Validator.check_schema(schema)
    except (OSError, ValueError) as e:
        print(f"{argv[1]}: cannot read the schema ({e})", file=sys.stderr)
        return 2
    except SchemaError as e:
        print(f"{argv[1]}: not a valid draft 2020-12 schema: {e.message}", file=sys.stderr)
        return 2
    if schema.get("$schema") != "https://json-schema.org/draft/2020-12/schema":
        print(f"{argv[1]}: does not declare draft 2020-12", file=sys.stderr)
        return 2
    validator = Draft202012Validator(schema)
    status = 0
    for path in argv[2:]:
        try:
            instance = load(path)
        except (OSError, ValueError) as e:
            print(f"{path}: cannot read ({e})", file=sys.stderr)
            return 2
        errors = sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path)))
        if not errors:
            print(f"{path}: valid")
            continue
        status = 1
        for e in errors:
            print(f"{path}: invalid: {json_path(e)}: {e.message}")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
