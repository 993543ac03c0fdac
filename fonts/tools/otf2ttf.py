#!/usr/bin/env python3
"""Convert an OpenType/CFF font (.otf) to TrueType outlines (glyf/loca).

Usage: otf2ttf.py IN.otf OUT.ttf [--max-err-em 0.001] [--post-format 3|2]

Cubic Bezier curves are approximated by quadratic ones with fontTools' cu2qu
pen; the maximum approximation error is max_err_em * unitsPerEm (default
0.001 em, i.e. 1 unit on a 1000-unit em).  CFF/CFF2/VORG are removed and
maxp, head, loca, post are rebuilt for a TrueType-flavoured font.  No hints are
generated (the subsets are unhinted).  The head.modified timestamp is left as
it is in the input so that the output is reproducible.
"""
import argparse

from fontTools.ttLib import TTFont, newTable
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen


def glyphs_to_quadratic(glyph_set, glyph_order, max_err, reverse_direction=True):
    quad_glyphs = {}
    for name in glyph_order:
        glyph = glyph_set[name]
        tt_pen = TTGlyphPen(glyph_set)
        cu2qu_pen = Cu2QuPen(tt_pen, max_err, reverse_direction=reverse_direction)
        glyph.draw(cu2qu_pen)
        quad_glyphs[name] = tt_pen.glyph()
    return quad_glyphs


def otf_to_ttf(font, max_err_em=0.001, post_format=3.0):
    if font.sfntVersion != "OTTO":
        raise SystemExit("input is not a CFF-flavoured OpenType font")
    upem = font["head"].unitsPerEm
    max_err = max_err_em * upem
    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()

    glyf = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = glyphs_to_quadratic(glyph_set, glyph_order, max_err)

    for tag in ("CFF ", "CFF2", "VORG"):
        if tag in font:
            del font[tag]

    font["glyf"] = glyf
    font["loca"] = newTable("loca")

    # In a glyf font the left side bearing in hmtx must equal the glyph's xMin.
    hmtx = font["hmtx"]
    for name in glyph_order:
        g = glyf.glyphs[name]
        g.recalcBounds(glyf)
        advance, _ = hmtx.metrics[name]
        hmtx.metrics[name] = (advance, g.xMin if g.numberOfContours != 0 else 0)

    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    maxp.maxTwilightPoints = 0
    maxp.maxStorage = 0
    maxp.maxFunctionDefs = 0
    maxp.maxInstructionDefs = 0
    maxp.maxStackElements = 0
    maxp.maxSizeOfInstructions = 0
    maxp.maxComponentElements = max(
        [len(g.components) for g in glyf.glyphs.values() if g.isComposite()] or [0]
    )
    # maxPoints, maxContours, maxComponentDepth ... are recomputed on save
    # (recalcBBoxes=True) from the glyf table.

    head = font["head"]
    head.glyphDataFormat = 0
    # indexToLocFormat is set by the loca table when compiling.

    post = font["post"]
    post.formatType = float(post_format)
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = glyph_order
    post.minMemType42 = post.maxMemType42 = 0
    post.minMemType1 = post.maxMemType1 = 0

    font.sfntVersion = "\000\001\000\000"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--max-err-em", type=float, default=0.001)
    ap.add_argument("--post-format", type=float, default=3.0, choices=(2.0, 3.0))
    args = ap.parse_args()
    font = TTFont(args.input, recalcBBoxes=True, recalcTimestamp=False)
    otf_to_ttf(font, args.max_err_em, args.post_format)
    font.save(args.output)
    # Re-open to make sure the result is readable and consistent.
    check = TTFont(args.output)
    assert "glyf" in check and "CFF " not in check
    assert check["maxp"].numGlyphs == len(check.getGlyphOrder())
    check["glyf"]  # decompiles loca+glyf
    print(f"{args.output}: {check['maxp'].numGlyphs} glyphs, TrueType outlines, "
          f"max_err {args.max_err_em * check['head'].unitsPerEm:g} units")


if __name__ == "__main__":
    main()
