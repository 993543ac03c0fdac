#!/usr/bin/env python3
"""Rename a font and/or add a modification note to its name table.

Usage examples (see ../build.sh):

  # OFL font with Reserved Font Names: give the modified version a new name
  rename.py IN.ttf OUT.ttf --family "Nianbao Kai" --family-zh "年报楷体" \
      --style Light --psname NianbaoKai-Light --vendor NONE \
      --forbid LXGW --forbid 霞鹜 --forbid 落霞孤鹜 \
      --description "Modified Version of LXGW WenKai Light {version}: ..."

  # keep the names, only add a note to name ID 10 (description)
  rename.py IN.ttf OUT.ttf --description "Modified: ..." --append

Renaming rewrites name IDs 1, 2, 3, 4, 6, 16, 17 in every record (all
platforms and languages; records in a Chinese language get --family-zh), adds
Windows 0x0804 (zh-CN) records for IDs 1, 2, 4, 16, 17, and removes IDs 18, 21,
22 and 25.  The copyright (0), trademark (7), licence (13, 14) and all other
records are kept.  '{version}' in --description is replaced with the version
number from name ID 5.  The font is saved with recalcTimestamp=True, so
head.modified is SOURCE_DATE_EPOCH when that variable is set.
"""
import argparse
import re
import sys

from fontTools.ttLib import TTFont

RIBBI = {"Regular", "Bold", "Italic", "Bold Italic"}
# Windows language IDs and Macintosh language codes of Chinese.
WIN_ZH = {0x0804, 0x0404, 0x0C04, 0x1004, 0x1404}
MAC_ZH = {19, 33}  # 19 = Chinese (Traditional), 33 = Chinese (Simplified)
CHECKED_IDS = (1, 3, 4, 6, 16, 17, 18, 20, 21, 22, 25)


def is_zh(rec):
    if rec.platformID == 3:
        return rec.langID in WIN_ZH
    if rec.platformID == 1:
        return rec.langID in MAC_ZH
    return False


def font_version(name):
    v = name.getDebugName(5) or ""
    m = re.search(r"(\d+\.\d+)", v)
    return m.group(1) if m else v


def rename(font, family, family_zh, style, psname):
    name = font["name"]
    version_num = font_version(name)
    ribbi = style in RIBBI
    full = family if style == "Regular" else f"{family} {style}"
    full_zh = family_zh if style == "Regular" else f"{family_zh} {style}"
    legacy_family = family if ribbi else full
    legacy_family_zh = family_zh if ribbi else full_zh
    legacy_style = style if ribbi else "Regular"

    def value(rec):
        zh = is_zh(rec)
        return {
            1: legacy_family_zh if zh else legacy_family,
            2: legacy_style,
            3: f"{psname}:{version_num};nianbao-subset",
            4: full_zh if zh else full,
            6: psname,
            16: family_zh if zh else family,
            17: style,
        }

    for rec in list(name.names):
        if rec.nameID in (18, 21, 22, 25):
            name.names.remove(rec)
            continue
        if rec.nameID in (1, 2, 3, 4, 6, 16, 17):
            if ribbi and rec.nameID in (16, 17):
                name.names.remove(rec)
                continue
            new = value(rec)[rec.nameID]
            if rec.platformID == 1 and rec.nameID == 6:
                new = psname
            # Re-encode through setName so the platform encoding is honoured.
            name.removeNames(nameID=rec.nameID, platformID=rec.platformID,
                             platEncID=rec.platEncID, langID=rec.langID)
            name.setName(new, rec.nameID, rec.platformID, rec.platEncID, rec.langID)

    # Make sure the English and the zh-CN Windows records exist.
    eng = type("R", (), {"platformID": 3, "langID": 0x0409})()
    zh = type("R", (), {"platformID": 3, "langID": 0x0804})()
    wanted = (1, 2, 3, 4, 6) + (() if ribbi else (16, 17))
    for nid in wanted:
        if name.getName(nid, 3, 1, 0x0409) is None:
            name.setName(value(eng)[nid], nid, 3, 1, 0x0409)
    for nid in (1, 2, 4) + (() if ribbi else (16, 17)):
        name.setName(value(zh)[nid], nid, 3, 1, 0x0804)


def set_description(font, text, append):
    name = font["name"]
    for plat, enc, lang in ((3, 1, 0x0409), (1, 0, 0)):
        if plat == 1:
            # Only where the font already has Macintosh English records and the
            # text is representable in Mac Roman.
            if name.getName(1, 1, 0, 0) is None:
                continue
            try:
                text.encode("mac_roman")
            except UnicodeEncodeError:
                old = name.getName(10, 1, 0, 0)
                if old is not None:
                    # Do not leave a stale description on one platform only.
                    name.removeNames(nameID=10, platformID=1, platEncID=0, langID=0)
                continue
        old = name.getName(10, plat, enc, lang)
        new = text
        if append and old is not None and str(old).strip():
            new = f"{old}\n{text}"
        name.setName(new, 10, plat, enc, lang)


def check_forbidden(font, forbidden):
    bad = []
    for rec in font["name"].names:
        if rec.nameID in CHECKED_IDS:
            s = rec.toUnicode()
            for word in forbidden:
                if word.lower() in s.lower():
                    bad.append((rec.platformID, rec.platEncID, hex(rec.langID), rec.nameID, s))
    return bad


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--family")
    ap.add_argument("--family-zh")
    ap.add_argument("--style", default="Regular")
    ap.add_argument("--psname")
    ap.add_argument("--vendor", help="new OS/2 achVendID (4 characters)")
    ap.add_argument("--forbid", action="append", default=[],
                    help="string that must not remain in name IDs %s" % (CHECKED_IDS,))
    ap.add_argument("--description", help="text for name ID 10; {version} = version from ID 5")
    ap.add_argument("--append", action="store_true", help="append to an existing ID 10 instead of replacing it")
    args = ap.parse_args()

    font = TTFont(args.input, recalcTimestamp=True)
    if args.family:
        if not (args.family_zh and args.psname):
            ap.error("--family needs --family-zh and --psname")
        rename(font, args.family, args.family_zh, args.style, args.psname)
    if args.vendor:
        font["OS/2"].achVendID = args.vendor.ljust(4)[:4]
    if args.description:
        set_description(font, args.description.replace("{version}", font_version(font["name"])), args.append)
    bad = check_forbidden(font, args.forbid)
    if bad:
        for b in bad:
            print("forbidden name left:", b, file=sys.stderr)
        sys.exit(1)
    font.save(args.output)
    f = TTFont(args.output)
    print(f"{args.output}: family={f['name'].getDebugName(16) or f['name'].getDebugName(1)!r} "
          f"full={f['name'].getDebugName(4)!r} ps={f['name'].getDebugName(6)!r}")


if __name__ == "__main__":
    main()
