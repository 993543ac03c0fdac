#!/usr/bin/env python3
"""Line agreement between two PDFs of the same report (nianbao's PDF and LibreOffice's
layout of nianbao's DOCX): the share of prose lines (16 pt body and heading lines, not
tables, title or page numbers) of the first PDF that hold exactly the same characters as a
line of the second. Lines are compared as character ranges of the whole prose text without
white space, so a difference early on does not shift every later line; where the texts
differ (LibreOffice 7.4 fails to paint some hanging line-end marks), the second PDF's line
boundaries are mapped onto the first text through a diff.

usage: line_agreement.py OURS.pdf THEIRS.pdf [--before-tables] [-v]
prints: agree total percent
"""
import difflib
import re
import subprocess
import sys


def lines(pdf, before_tables):
    html = subprocess.run(["pdftotext", "-bbox", pdf, "-"], capture_output=True, text=True, check=True).stdout
    # Words grouped into lines by page and baseline (pdftotext's own lines split where
    # compressed punctuation makes glyph boxes overlap), each line's words in x order.
    found = []
    for page in html.split("<page ")[1:]:
        words = []
        for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', page):
            y0, y1 = float(m.group(2)), float(m.group(4))
            words.append(((y0 + y1) / 2, float(m.group(1)), y1 - y0, m.group(5)))
        words.sort()
        rows = []
        for w in words:
            if rows and w[0] - rows[-1][0][0] < 6:
                rows[-1].append(w)
            else:
                rows.append([w])
        for row in rows:
            ws = sorted((w[1], w[2], w[3]) for w in row)
            text = "".join(w[2] for w in ws)
            text = re.sub(r"\s", "", text).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
            found.append((round(max(w[1] for w in ws), 1), text))
    # Body lines have the most common height; headings share it, tables and the title do not.
    heights = [h for h, t in found if len(t) >= 20]
    body = max(set(heights), key=heights.count)
    out = []
    for h, text in found:
        if abs(h - body) <= 0.1 * body and text and not re.fullmatch(r"—\d+—", text):
            if before_tables and text.startswith("二、主动公开政府信息情况"):
                break
            out.append(text)
    return out


def ranges(ls):
    pos, out = 0, []
    for l in ls:
        out.append((pos, pos + len(l)))
        pos += len(l)
    return out


def mapped(tb, ta, rb):
    """Line ranges of the second text mapped onto the first text's positions, so that a
    character the second PDF lost (LibreOffice 7.4 does not paint a hanging 「、」) does not
    shift every later line: a boundary next to the lost character maps past it."""
    pos = {}
    for op, b1, b2, a1, a2 in difflib.SequenceMatcher(None, tb, ta, autojunk=False).get_opcodes():
        if op == "equal":
            for k in range(b2 - b1 + 1):
                pos[b1 + k] = a1 + k
        else:
            pos[b1] = pos.get(b1, a1)
            pos[b2] = a2
    return {(pos.get(s, -1), pos.get(e, -1)) for s, e in rb}


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    before = "--before-tables" in sys.argv
    a, b = lines(args[0], before), lines(args[1], before)
    ta, tb = "".join(a), "".join(b)
    if ta != tb:
        n = next((i for i, (x, y) in enumerate(zip(ta, tb)) if x != y), min(len(ta), len(tb)))
        print(f"warning: texts differ at {n}: {ta[n-10:n+10]!r} vs {tb[n-10:n+10]!r}", file=sys.stderr)
    rb = mapped(tb, ta, ranges(b)) if ta != tb else set(ranges(b))
    agree = 0
    for l, r in zip(a, ranges(a)):
        ok = r in rb
        agree += ok
        if "-v" in sys.argv and not ok:
            print("  differs:", l, file=sys.stderr)
    print(agree, len(a), f"{100.0 * agree / max(1, len(a)):.1f}")


if __name__ == "__main__":
    main()
