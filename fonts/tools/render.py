#!/usr/bin/env python3
"""Render a sample line with each font into one PNG, for looking at (needs Pillow).

Usage: render.py OUT.png FONT[#INDEX] ...   (INDEX selects a face of a .ttc)

Not used by build.sh; handy to compare a converted subset with its source.
"""
import os
import sys

from PIL import Image, ImageDraw, ImageFont

TEXT = ["政府信息公开工作年度报告 堃喆珺玥𬍛",
        "（一）主动公开：“引号”、《书名》……——①℃ 2020年",
        "Annual Report 0123456789 ABCxyz"]


def main():
    out, specs = sys.argv[1], sys.argv[2:]
    size, pad, label_h = 44, 12, 18
    line_h = int(size * 1.35)
    block = label_h + line_h * len(TEXT) + pad
    img = Image.new("L", (1400, pad + block * len(specs)), 255)
    d = ImageDraw.Draw(img)
    small = ImageFont.load_default()
    y = pad
    for spec in specs:
        path, _, idx = spec.partition("#")
        font = ImageFont.truetype(path, size, index=int(idx or 0))
        d.text((pad, y), f"{os.path.basename(path)}{'#' + idx if idx else ''}", fill=0, font=small)
        for i, line in enumerate(TEXT):
            d.text((pad, y + label_h + i * line_h), line, fill=0, font=font)
        y += block
    img.save(out)
    print(out)


if __name__ == "__main__":
    main()
