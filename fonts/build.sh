#!/usr/bin/env bash
# Rebuild the bundled fonts of nianbao (this directory) from Debian packages.
#
#   fonts/build.sh            # on Debian 12 (bookworm); needs apt and network access to Debian + PyPI
#
# What it does:
#   1. apt-get update; apt-get download the pinned source packages (no installation);
#      dpkg-deb -x them into a temporary directory;
#   2. creates a Python venv there with fontTools ${FONTTOOLS_VERSION};
#   3. subsets every CJK font to the code points of fonts/charset.txt (pyftsubset),
#      converts CFF outlines to TrueType (tools/otf2ttf.py), renames LXGW WenKai
#      (tools/rename.py; its Reserved Font Names may not be used by a modified version)
#      and adds modification notes to name ID 10;
#   4. copies Liberation Serif unchanged, writes the licence files (tools/licenses.py),
#      checks the results (tools/check.py) and only then moves them into fonts/.
#
# It writes nothing outside fonts/ except the temporary directory, which is removed
# at the end (set NIANBAO_FONTS_KEEP=1 to keep it).  Running it again with the same
# package versions and fontTools version gives byte-identical files: timestamps come
# from MOD_DATE via SOURCE_DATE_EPOCH.
#
# Environment:
#   NIANBAO_FONTS_WORK=DIR    use DIR as the work directory (kept; downloads are reused)
#   NIANBAO_FONTS_KEEP=1      keep the temporary work directory
#   NIANBAO_FONTS_NO_UPDATE=1 skip "apt-get update"
#   NIANBAO_FONTS_ANY_VERSION=1  if a pinned package version is no longer in the archive,
#                             take the current candidate instead of failing (README.md
#                             then has to be updated)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TOOLS="$HERE/tools"
CHARSET="$HERE/charset.txt"

# Date recorded in the name-table notes, the licence preambles and head.modified.
MOD_DATE="2026-11-28"
FONTTOOLS_VERSION="4.68.0"

# Debian 12 (bookworm) package versions used for the committed files.
PKGS=(
  "fonts-noto-cjk=1:20220127+repack1-1"
  "fonts-noto-cjk-extra=1:20220127+repack1-1"
  "fonts-lxgw-wenkai=1.250+repack-1"
  "texlive-lang-chinese=2022.20230122-1"
  "fonts-liberation2=2.1.5-1"
)

SUBSET_OPTS=(
  --text-file="$CHARSET"
  --layout-features=kern,halt,palt,fwid,ccmp,liga,mark,mkmk
  --name-IDs='*' --name-languages='*' --name-legacy
  --notdef-outline --no-hinting
  --drop-tables+=BASE,vhea,vmtx,VORG
)

log() { printf '\n==> %s\n' "$*" >&2; }

[ -f "$CHARSET" ] || { echo "missing $CHARSET" >&2; exit 1; }

SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null; then SUDO="sudo"; fi
fi

if [ -n "${NIANBAO_FONTS_WORK:-}" ]; then
  WORK="$NIANBAO_FONTS_WORK"
  mkdir -p "$WORK"
else
  WORK="$(mktemp -d "${TMPDIR:-/tmp}/nianbao-fonts.XXXXXX")"
  if [ "${NIANBAO_FONTS_KEEP:-0}" != 1 ]; then
    trap 'rm -rf "$WORK"' EXIT
  fi
fi
WORK="$(cd "$WORK" && pwd)"
echo "work directory: $WORK" >&2

# --- 1. Debian packages -------------------------------------------------------
if [ "${NIANBAO_FONTS_NO_UPDATE:-0}" != 1 ]; then
  log "apt-get update"
  $SUDO apt-get update
fi

python3 -c 'import venv, ensurepip' 2>/dev/null || {
  log "installing python3-venv (needed for the fontTools venv)"
  $SUDO apt-get install -y python3-venv
}

APT_DL_OPTS=()
# As root, apt would try to drop privileges to _apt, which cannot write into our
# private temp directory (harmless warning); download as root instead.
if [ "$(id -u)" = 0 ]; then APT_DL_OPTS=(-o APT::Sandbox::User=root); fi

DEBS="$WORK/debs"
ROOT="$WORK/root"
mkdir -p "$DEBS"
declare -A DEB_VERSION
for spec in "${PKGS[@]}"; do
  pkg="${spec%%=*}"
  ver="${spec#*=}"
  deb="$(ls "$DEBS/${pkg}"_*.deb 2>/dev/null | head -n1 || true)"
  if [ -n "$deb" ] && [ "$(dpkg-deb -f "$deb" Version)" != "$ver" ]; then
    rm -f "$deb"; deb=""
  fi
  if [ -z "$deb" ]; then
    log "apt-get download $spec"
    if ! (cd "$DEBS" && apt-get "${APT_DL_OPTS[@]}" download "$spec"); then
      if [ "${NIANBAO_FONTS_ANY_VERSION:-0}" = 1 ]; then
        echo "WARNING: $spec is not available; downloading the current $pkg" >&2
        (cd "$DEBS" && apt-get "${APT_DL_OPTS[@]}" download "$pkg")
      else
        echo "$spec is not available (set NIANBAO_FONTS_ANY_VERSION=1 to take the current version)" >&2
        exit 1
      fi
    fi
    deb="$(ls "$DEBS/${pkg}"_*.deb | head -n1)"
  fi
  DEB_VERSION[$pkg]="$(dpkg-deb -f "$deb" Version)"
done

log "dpkg-deb -x"
rm -rf "$ROOT"
mkdir -p "$ROOT"
for deb in "$DEBS"/*.deb; do
  dpkg-deb -x "$deb" "$ROOT"
done

NOTO="$ROOT/usr/share/fonts/opentype/noto"
FANDOL="$ROOT/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol"
LXGW="$ROOT/usr/share/fonts/truetype/lxgw-wenkai"
LIBERATION="$ROOT/usr/share/fonts/truetype/liberation2"

# --- 2. fontTools venv --------------------------------------------------------
VENV="$WORK/venv"
if [ ! -x "$VENV/bin/python" ] || \
   [ "$("$VENV/bin/python" -c 'import fontTools; print(fontTools.version)' 2>/dev/null)" != "$FONTTOOLS_VERSION" ]; then
  log "python venv with fonttools==$FONTTOOLS_VERSION"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "fonttools==$FONTTOOLS_VERSION"
fi
PY="$VENV/bin/python"
PYFTSUBSET="$VENV/bin/pyftsubset"

SOURCE_DATE_EPOCH="$(date -u -d "$MOD_DATE" +%s)"
export SOURCE_DATE_EPOCH
export PYTHONDONTWRITEBYTECODE=1   # keep fonts/tools free of __pycache__

# --- 3. build into $OUT -------------------------------------------------------
OUT="$WORK/out"
TMP="$WORK/tmp"
rm -rf "$OUT" "$TMP"
mkdir -p "$OUT" "$TMP"

# face PSNAME FILE.ttc EXPECTED -> index of the face called PSNAME
face() { "$PY" "$TOOLS/face_index.py" "$2" "$1" "$3"; }

# noto_cjk TTC PSNAME EXPECTED_INDEX OUTPUT
noto_cjk() {
  local ttc="$1" ps="$2" expect="$3" out="$4" idx
  idx="$(face "$ps" "$ttc" "$expect")"
  log "$ps: $(basename "$ttc") face $idx -> $out"
  "$PYFTSUBSET" "$ttc" --font-number="$idx" "${SUBSET_OPTS[@]}" --output-file="$TMP/$ps.otf"
  "$PY" "$TOOLS/otf2ttf.py" "$TMP/$ps.otf" "$OUT/$out"
}

noto_cjk "$NOTO/NotoSerifCJK-Bold.ttc"    NotoSerifCJKsc-Bold    2 NotoSerifCJKsc-Bold.ttf
noto_cjk "$NOTO/NotoSerifCJK-Regular.ttc" NotoSerifCJKsc-Regular 2 NotoSerifCJKsc-Regular.ttf
noto_cjk "$NOTO/NotoSansCJK-Medium.ttc"   NotoSansCJKsc-Medium   2 NotoSansCJKsc-Medium.ttf

log "FandolFang-Regular.otf -> FandolFang-Regular.ttf"
"$PYFTSUBSET" "$FANDOL/FandolFang-Regular.otf" "${SUBSET_OPTS[@]}" --output-file="$TMP/FandolFang-Regular.otf"
"$PY" "$TOOLS/otf2ttf.py" "$TMP/FandolFang-Regular.otf" "$TMP/FandolFang-Regular.ttf"
"$PY" "$TOOLS/rename.py" "$TMP/FandolFang-Regular.ttf" "$OUT/FandolFang-Regular.ttf" --append \
  --description "Modified: subset and converted to TrueType outlines by the nianbao project, $MOD_DATE"

log "LXGWWenKai-Light.ttf -> NianbaoKai-Light.ttf (renamed)"
"$PYFTSUBSET" "$LXGW/LXGWWenKai-Light.ttf" "${SUBSET_OPTS[@]}" --output-file="$TMP/LXGWWenKai-Light.ttf"
"$PY" "$TOOLS/rename.py" "$TMP/LXGWWenKai-Light.ttf" "$OUT/NianbaoKai-Light.ttf" \
  --family "Nianbao Kai" --family-zh "年报楷体" --style Light --psname NianbaoKai-Light \
  --vendor NONE \
  --forbid LXGW --forbid 霞鹜 --forbid 霞鶩 --forbid 落霞孤鹜 --forbid 落霞孤鶩 \
  --description "Modified Version of LXGW WenKai Light {version}: subset to GB2312+通用规范汉字表, renamed, by the nianbao project"

log "Liberation Serif (unchanged copies)"
cp "$LIBERATION/LiberationSerif-Regular.ttf" "$LIBERATION/LiberationSerif-Bold.ttf" "$OUT/"

log "licence files"
"$PY" "$TOOLS/licenses.py" "$ROOT" "$OUT" --date "$MOD_DATE" \
  $(for p in "${!DEB_VERSION[@]}"; do printf -- '--version %s=%s ' "$p" "${DEB_VERSION[$p]}"; done)

log "checks"
"$PY" "$TOOLS/check.py" "$CHARSET" \
  "$OUT/NotoSerifCJKsc-Bold.ttf" "$OUT/FandolFang-Regular.ttf" "$OUT/NotoSansCJKsc-Medium.ttf" \
  "$OUT/NianbaoKai-Light.ttf" "$OUT/NotoSerifCJKsc-Regular.ttf" \
  "$OUT/LiberationSerif-Regular.ttf" "$OUT/LiberationSerif-Bold.ttf"

# --- 4. install into fonts/ ---------------------------------------------------
log "installing into $HERE"
for f in "$OUT"/*; do
  install -m 0644 "$f" "$HERE/$(basename "$f")"
done
(cd "$HERE" && sha256sum -- *.ttf) >&2
log "done"
