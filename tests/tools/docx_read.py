#!/usr/bin/env python3
"""Reads DOCX files with python-docx and prints one JSON object per file on standard output.

Used by tests/docx_readers.rs to check that python-docx (what many offices script Word files with)
opens nianbao's DOCX and sees the same document: paragraphs with their style names, tables
with their cell texts (merged cells once, as python-docx's unique cells), core properties,
page setup and footers.

Usage: docx_read.py FILE.docx...
"""

import json
import sys

import docx  # python-docx
from docx.oxml.ns import qn


def table_summary(table):
    rows = []
    for row in table.rows:
        tr_pr = row._tr.trPr
        header = tr_pr is not None and tr_pr.find(qn("w:tblHeader")) is not None
        cells = []
        seen = set()
        for cell in row.cells:
            # Cells spanning several grid columns come back once per column: keep one.
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(cell.text)
        rows.append({"header": header, "cells": cells})
    return {"columns": len(table.columns), "rows": rows}


def summary(path):
    d = docx.Document(path)
    cp = d.core_properties
    sec = d.sections[0]
    return {
        "file": path,
        "paragraphs": [{"style": p.style.name if p.style is not None else None, "text": p.text} for p in d.paragraphs],
        "tables": [table_summary(t) for t in d.tables],
        "core": {
            "title": cp.title,
            "author": cp.author,
            "subject": cp.subject,
            "keywords": cp.keywords,
            "language": cp.language,
            "created": cp.created.isoformat() if cp.created else None,
            "modified": cp.modified.isoformat() if cp.modified else None,
        },
        "section": {
            "page_width": sec.page_width,
            "page_height": sec.page_height,
            "top": sec.top_margin,
            "bottom": sec.bottom_margin,
            "left": sec.left_margin,
            "right": sec.right_margin,
            "footer_distance": sec.footer_distance,
            "odd_and_even": d.settings.odd_and_even_pages_header_footer,
        },
        "footers": {
            "odd": [p.text for p in sec.footer.paragraphs],
            "even": [p.text for p in sec.even_page_footer.paragraphs],
        },
        "styles": sorted(s.name for s in d.styles),
    }


def main():
    for path in sys.argv[1:]:
        print(json.dumps(summary(path), ensure_ascii=False))


if __name__ == "__main__":
    main()
