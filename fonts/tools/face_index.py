#!/usr/bin/env python3
"""Print the index of the face in a font collection whose PostScript name
(name ID 6) is PSNAME; exit 1 if there is none.

Usage: face_index.py FILE.ttc PSNAME [EXPECTED_INDEX]
"""
import sys

from fontTools.ttLib import TTCollection


def main():
    path, psname = sys.argv[1], sys.argv[2]
    expected = int(sys.argv[3]) if len(sys.argv) > 3 else None
    coll = TTCollection(path, lazy=True)
    for i, font in enumerate(coll.fonts):
        if font["name"].getDebugName(6) == psname:
            if expected is not None and i != expected:
                print(f"{path}: {psname} is face {i}, not {expected}", file=sys.stderr)
            print(i)
            return
    print(f"{path}: no face named {psname}", file=sys.stderr)
    sys.exit(1)


if __name__ == "__main__":
    main()
