#!/usr/bin/env bash
# Builds the release archive: OUT/nianbao-VERSION-TARGET.tar.gz (OUT: first argument, default
# dist/), laid out as an installation prefix, so that it unpacks anywhere or into /usr/local:
#
#   bin/nianbao
#   share/nianbao/fonts/                      the bundled fonts and their licences
#   share/man/man1/nianbao.1                  the manual page (nianbao manpage)
#   share/bash-completion/completions/nianbao, share/zsh/site-functions/_nianbao,
#   share/fish/vendor_completions.d/nianbao.fish   (nianbao completions SHELL)
#   share/doc/nianbao/                        README.md, LICENSE (the licence terms), font licences
#
# The program finds share/nianbao/fonts from bin/ by itself. Needs only cargo, tar and gzip
# (no make). NIANBAO_BIN=path uses an already built binary instead of `cargo build --release`;
# NIANBAO_TARGET names the platform in the archive's name (default: rustc's host triple).
# The archive is reproducible: sorted names, owner 0, modification times of SOURCE_DATE_EPOCH
# (default: the last commit's time, else 0).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/dist}
version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -n1)

if [ -n "${NIANBAO_BIN:-}" ]; then
  bin=$NIANBAO_BIN
else
  cargo build --release --locked --manifest-path "$root/Cargo.toml" >&2
  bin=${CARGO_TARGET_DIR:-$root/target}/release/nianbao
fi
[ -x "$bin" ] || { echo "dist: no executable at $bin" >&2; exit 2; }
target=${NIANBAO_TARGET:-$(rustc -vV 2>/dev/null | sed -n 's/^host: //p')}
target=${target:-unknown}
name=nianbao-$version-$target

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage=$work/$name
mkdir -p "$stage/bin" "$stage/share/nianbao/fonts" "$stage/share/man/man1" \
  "$stage/share/bash-completion/completions" "$stage/share/zsh/site-functions" \
  "$stage/share/fish/vendor_completions.d" "$stage/share/doc/nianbao"

cp "$bin" "$stage/bin/nianbao"
cp "$root"/fonts/*.ttf "$root"/fonts/README.md "$stage/share/nianbao/fonts/"
for f in "$root"/fonts/COPYING-* "$root"/fonts/OFL-*; do
  cp "$f" "$stage/share/nianbao/fonts/"
  cp "$f" "$stage/share/doc/nianbao/"
done
cp "$root/README.md" "$stage/share/doc/nianbao/"
cat > "$stage/share/doc/nianbao/LICENSE" <<TEXT
nianbao $version is licensed under the MIT licence or the Apache License 2.0, at your option
(SPDX: $(sed -n 's/^license = "\(.*\)"/\1/p' "$root/Cargo.toml")).
The fonts in share/nianbao/fonts keep their own licences, copied beside them and here:
$(cd "$root/fonts" && ls COPYING-* OFL-* | sed 's/^/  /')
(fonts/README.md says which font each licence covers).
TEXT

# The manual page and completions come from the program itself, so they match its options.
"$stage/bin/nianbao" manpage > "$stage/share/man/man1/nianbao.1"
"$stage/bin/nianbao" completions bash > "$stage/share/bash-completion/completions/nianbao"
"$stage/bin/nianbao" completions zsh > "$stage/share/zsh/site-functions/_nianbao"
"$stage/bin/nianbao" completions fish > "$stage/share/fish/vendor_completions.d/nianbao.fish"

# The archive must work as unpacked: the binary finds its fonts and renders.
NIANBAO_FONTS= "$stage/bin/nianbao" fonts -q

epoch=${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || echo 0)}
mkdir -p "$out"
archive=$(cd "$out" && pwd)/$name.tar.gz
tar -C "$work" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" -cf - "$name" \
  | gzip -n -9 > "$archive"
echo "$archive"
