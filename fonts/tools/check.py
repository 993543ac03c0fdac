#!/usr/bin/env python3
"""Check the bundled fonts and print their statistics.

Usage: check.py CHARSET.txt FONT.ttf ...

For each font: outline format (must be TrueType glyf, no CFF), glyph count,
cmap size, coverage of CHARSET, of the 6763 GB2312 hanzi and of the other
hanzi of CHARSET (the 通用规范汉字表 characters outside GB2312), the family
names as fontconfig sees them (fc-scan, if installed), and a consistency check
of maxp/loca/hmtx.  NianbaoKai-* must not carry a Reserved Font Name of LXGW
WenKai in name IDs 1, 3, 4, 6, 16, 17.  Exits 1 if a check fails.
"""
import os
import shutil
import subprocess
import sys
import unicodedata

from fontTools.ttLib import TTFont

RFN = ("LXGW", "霞鹜", "霞鶩", "落霞孤鹜", "落霞孤鶩")


def gb2312_hanzi():
    out = set()
    for a in range(0xB0, 0xF8):
        for b in range(0xA1, 0xFF):
            try:
                out.add(ord(bytes([a, b]).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    assert len(out) == 6763, len(out)
    return out


def is_hanzi(cp):
    return unicodedata.name(chr(cp), "").startswith("CJK UNIFIED IDEOGRAPH") or \
        unicodedata.name(chr(cp), "").startswith("CJK COMPATIBILITY IDEOGRAPH")


def fc_family(path):
    if not shutil.which("fc-scan"):
        return "(fc-scan not installed)"
    r = subprocess.run(["fc-scan", "--format", "%{family}\n", path], capture_output=True, text=True)
    if r.returncode != 0 or not r.stdout.strip():
        return None
    return r.stdout.strip()


def main():
    charset_path, fonts = sys.argv[1], sys.argv[2:]
    charset = set(map(ord, open(charset_path, encoding="utf-8").read().replace("\n", "")))
    gb = gb2312_hanzi()
    extra = {c for c in charset if is_hanzi(c)} - gb
    failed = False
    rows = []
    for path in fonts:
        name = os.path.basename(path)
        font = TTFont(path)
        tables = sorted(font.keys())
        problems = []
        if "glyf" not in font or "loca" not in font:
            problems.append("no glyf/loca")
        if "CFF " in font or "CFF2" in font:
            problems.append("CFF present")
        n = font["maxp"].numGlyphs
        if n != len(font.getGlyphOrder()) or len(font["hmtx"].metrics) != n:
            problems.append("maxp/hmtx glyph count mismatch")
        if "glyf" in font:
            glyf = font["glyf"]
            nonempty = sum(1 for g in font.getGlyphOrder() if glyf[g].numberOfContours != 0)
        else:
            nonempty = 0
        cmap = font.getBestCmap()
        cov = len(charset & cmap.keys())
        cov_gb = len(gb & cmap.keys())
        cov_extra = len(extra & cmap.keys())
        fam = fc_family(path)
        if fam is None:
            problems.append("fc-scan cannot read it")
        if name.startswith("NianbaoKai"):
            for rec in font["name"].names:
                if rec.nameID in (1, 3, 4, 6, 16, 17):
                    s = rec.toUnicode()
                    if any(w.lower() in s.lower() for w in RFN):
                        problems.append(f"reserved name in ID {rec.nameID}: {s!r}")
        n5 = font["name"].getDebugName(5)
        print(f"== {name}")
        print(f"   tables: {' '.join(t.strip() for t in tables if t != 'GlyphOrder')}")
        print(f"   glyphs: {n} ({nonempty} with outlines), cmap: {len(cmap)} code points, "
              f"size: {os.path.getsize(path)} bytes")
        print(f"   charset.txt: {cov}/{len(charset)}, GB2312 hanzi: {cov_gb}/{len(gb)}, "
              f"non-GB2312 hanzi of charset.txt: {cov_extra}/{len(extra)}")
        print(f"   fc-scan family: {fam}")
        print(f"   name ID 1/4/6: {font['name'].getDebugName(1)!r} / {font['name'].getDebugName(4)!r} / "
              f"{font['name'].getDebugName(6)!r}; ID 5: {n5!r}")
        d10 = font["name"].getDebugName(10)
        if d10 and ("nianbao" in d10 or "Modified" in d10):
            print(f"   name ID 10: {d10!r}")
        print(f"   fsType: {font['OS/2'].fsType}, post format: {font['post'].formatType}")
        if problems:
            failed = True
            print("   PROBLEMS: " + "; ".join(problems))
        else:
            print("   ok")
        rows.append((name, n, len(cmap), cov, cov_gb, cov_extra, os.path.getsize(path)))
    print()
    print(f"| file | glyphs | cmap | charset.txt ({len(charset)}) | GB2312 hanzi ({len(gb)}) | "
          f"other 通用规范 hanzi ({len(extra)}) | bytes |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print("| `%s` | %d | %d | %d | %d | %d | %d |" % r)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
