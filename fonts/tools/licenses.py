#!/usr/bin/env python3
"""Write the licence files that sit beside the bundled fonts.

Usage: licenses.py ROOT OUTDIR --date YYYY-MM-DD --version PKG=VERSION ...

ROOT is the directory into which the Debian packages were unpacked with
`dpkg-deb -x`.  The OFL texts are taken from the packages' DEP-5 copyright
files (/usr/share/doc/PKG/copyright); the Fandol COPYING is copied verbatim
from texlive-lang-chinese, with a short preamble by the nianbao project.
"""
import argparse
import gzip
import os
import re
import textwrap

from fontTools.ttLib import TTFont


def parse_dep5(path):
    """Return the paragraphs of a DEP-5 file as lists of (field, first line, body)."""
    paras, cur, field = [], [], None
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.rstrip("\n")
            if not line.strip():
                if cur:
                    paras.append(cur)
                cur, field = [], None
                continue
            if line[0] in " \t" and field is not None:
                body = line[1:]
                field[2].append("" if body.strip() == "." else body)
            else:
                k, _, v = line.partition(":")
                field = [k.strip(), v.strip(), []]
                cur.append(field)
    if cur:
        paras.append(cur)
    return paras


def licence_text(paras, name):
    # A stand-alone licence paragraph ("License: NAME" + body) ...
    for p in paras:
        if p[0][0] == "License" and p[0][1] == name and p[0][2]:
            return "\n".join(p[0][2]).strip("\n") + "\n"
    # ... or the body of a License field inside a Files paragraph.
    for p in paras:
        for k, v, body in p:
            if k == "License" and v == name and body:
                return "\n".join(body).strip("\n") + "\n"
    raise SystemExit(f"licence {name} not found")


def files_star(paras):
    for p in paras:
        d = {k: (v, body) for k, v, body in p}
        if d.get("Files", ("",))[0] == "*":
            return d
    raise SystemExit("no 'Files: *' paragraph")


def copyright_lines(d):
    v, body = d["Copyright"]
    return [x.strip() for x in ([v] + body) if x.strip()]


def font_name(path, nid, number=0):
    return TTFont(path, fontNumber=number, lazy=True)["name"].getDebugName(nid)


def header(lines):
    out = []
    for l in lines:
        ind = " " * (len(l) - len(l.lstrip(" ")))
        out.extend(textwrap.wrap(l.lstrip(" "), 76, initial_indent=ind, subsequent_indent=ind + "  " if ind else "",
                                 break_long_words=False, break_on_hyphens=False) or [""])
    return "\n".join(out) + "\n\n" + "-" * 76 + "\n\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("root")
    ap.add_argument("outdir")
    ap.add_argument("--date", required=True)
    ap.add_argument("--version", action="append", default=[], help="PKG=VERSION")
    a = ap.parse_args()
    ver = dict(v.split("=", 1) for v in a.version)
    doc = os.path.join(a.root, "usr/share/doc")
    noto = os.path.join(a.root, "usr/share/fonts/opentype/noto")
    lxgw = os.path.join(a.root, "usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Light.ttf")
    lib = os.path.join(a.root, "usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf")

    # --- Noto CJK ---------------------------------------------------------
    p = parse_dep5(os.path.join(doc, "fonts-noto-cjk/copyright"))
    d = files_star(p)
    text = header([
        "Licence of NotoSerifCJKsc-Bold.ttf, NotoSerifCJKsc-Regular.ttf and NotoSansCJKsc-Medium.ttf "
        "in this directory.",
        "",
        "These files are Modified Versions (subset to charset.txt, CFF outlines converted to TrueType) "
        "made by the nianbao project from the Noto Serif CJK / Noto Sans CJK fonts shipped in the "
        f"Debian packages fonts-noto-cjk {ver.get('fonts-noto-cjk', '?')} and fonts-noto-cjk-extra "
        f"{ver.get('fonts-noto-cjk-extra', '?')} (upstream https://github.com/googlefonts/noto-cjk). "
        "They remain under the SIL Open Font License 1.1, reproduced below.",
        "",
        "Copyright notice in the fonts (name ID 0): " + font_name(os.path.join(noto, "NotoSerifCJK-Bold.ttc"), 0, 2),
        "Copyright in the Debian copyright file: " + "; ".join(copyright_lines(d)),
        "Trademark (name ID 7): " + font_name(os.path.join(noto, "NotoSerifCJK-Bold.ttc"), 7, 2),
        "No Reserved Font Name is declared.",
    ]) + licence_text(p, "SIL-1.1")
    open(os.path.join(a.outdir, "OFL-NotoCJK.txt"), "w", encoding="utf-8").write(text)

    # --- LXGW WenKai ------------------------------------------------------
    p = parse_dep5(os.path.join(doc, "fonts-lxgw-wenkai/copyright"))
    d = files_star(p)
    comment = " ".join(x.strip() for x in [d["Comment"][0]] + d["Comment"][1]).strip()
    text = header([
        "Licence of NianbaoKai-Light.ttf in this directory.",
        "",
        "NianbaoKai-Light.ttf is a Modified Version of LXGW WenKai Light "
        f"(\"{font_name(lxgw, 5)}\") as shipped in the Debian package fonts-lxgw-wenkai "
        f"{ver.get('fonts-lxgw-wenkai', '?')} (upstream https://github.com/lxgw/LxgwWenKai), made "
        f"by the nianbao project on {a.date}: subset to charset.txt (GB2312 + 通用规范汉字表 + ASCII "
        "+ common punctuation), hinting removed, and renamed to \"Nianbao Kai\" / \"年报楷体\" "
        "(PostScript name NianbaoKai-Light) because the Reserved Font Names may not be used by "
        "Modified Versions. It remains under the SIL Open Font License 1.1, reproduced below.",
        "",
        "Copyright notice in the font (name ID 0): " + font_name(lxgw, 0).replace("\r\n", "; "),
        "Copyright in the Debian copyright file: " + "; ".join(copyright_lines(d)),
        "Reserved Font Names (Debian copyright file): " + comment,
        "The current upstream OFL.txt reserves '霞鹜', '霞鶩', '落霞孤鹜', '落霞孤鶩' and 'LXGW'; its "
        "ADDITIONAL PERMISSION covers only versions recompiled from unmodified source and subsets "
        "made solely for web font delivery, neither of which applies here. None of these names "
        "is used as a name of the modified version.",
        "Trademark (name ID 7): " + font_name(lxgw, 7),
    ]) + licence_text(p, "OFL-1.1")
    open(os.path.join(a.outdir, "OFL-LXGW-WenKai.txt"), "w", encoding="utf-8").write(text)

    # --- Liberation -------------------------------------------------------
    p = parse_dep5(os.path.join(doc, "fonts-liberation2/copyright"))
    d = files_star(p)
    text = header([
        "Licence of LiberationSerif-Regular.ttf and LiberationSerif-Bold.ttf in this directory "
        f"(unmodified copies from the Debian package fonts-liberation2 {ver.get('fonts-liberation2', '?')}, "
        f"font version: {font_name(lib, 5)}; upstream https://github.com/liberationfonts).",
        "",
        "Copyright (Debian copyright file):",
    ] + ["  " + c for c in copyright_lines(d)] + [
        "",
        "The text below is reproduced as it appears in the Debian copyright file.",
    ]) + licence_text(p, "SIL-OFL-1.1")
    open(os.path.join(a.outdir, "OFL-Liberation.txt"), "w", encoding="utf-8").write(text)

    # --- Fandol -------------------------------------------------------------
    src = os.path.join(doc, "texlive-doc/fonts/fandol/COPYING.gz")
    with gzip.open(src, "rt", encoding="utf-8") as f:
        copying = f.read()
    fang = os.path.join(a.root, "usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/FandolFang-Regular.otf")
    pre = header([
        "NOTICE BY THE NIANBAO PROJECT",
        "",
        "FandolFang-Regular.ttf in this directory is a modified version of FandolFang-Regular.otf "
        f"(Fandol release v0.3 of 2015, \"{font_name(fang, 5)}\"; \"{font_name(fang, 0)}\"; "
        "the Fandol team: Clerk Ma & Jie Su), as distributed in the "
        f"Debian package texlive-lang-chinese {ver.get('texlive-lang-chinese', '?')} "
        "(TeX Live / CTAN fonts/fandol). The Fandol README states: \"These fonts's licensing is "
        "GPL + GPL font exception.\" The licence text shipped with the fonts follows below, "
        "unchanged.",
        "",
        f"Modifications, made by the nianbao project on {a.date}: subset to the code points of "
        "charset.txt; CFF outlines converted to TrueType (glyf) outlines; hinting, vertical "
        "metrics tables (vhea, vmtx, VORG) and BASE removed; a modification note added to name "
        "ID 10. The tools that make these changes are build.sh and tools/ in this directory; "
        "together with the original file they are the preferred form for modification.",
        "",
        "The modified font is distributed under the GNU General Public License version 3 with "
        "the font exception below. As the exception allows (\"If you modify this font, you may "
        "extend this exception to your version of the font\"), the nianbao project extends the "
        "font exception to its modified version: if you create a document which uses "
        "FandolFang-Regular.ttf, and embed this font or unaltered portions of it into the "
        "document, this font does not by itself cause the resulting document to be covered by "
        "the GNU General Public License.",
        "",
        "See README.md in this directory about public statements disputing these terms.",
    ])
    open(os.path.join(a.outdir, "COPYING-Fandol.txt"), "w", encoding="utf-8").write(pre + copying)


if __name__ == "__main__":
    main()
