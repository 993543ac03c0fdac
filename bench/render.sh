#!/usr/bin/env bash
# Times the whole `nianbao render` process on the sample report against a baseline measured
# in the same run (`nianbao validate`, the same process start-up and input reading), and
# records PDF size and peak memory. Usage: bench/render.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-30}
cargo build --release -q
bin=target/release/nianbao
in=examples/zibo-2020.json
out=$(mktemp -d)
command -v /usr/bin/time >/dev/null || { apt-get install -y -qq time >/dev/null; }
avg() { # avg CMD...: mean wall time in ms over $runs runs
  local t0 t1
  "$@" >/dev/null 2>&1
  t0=$(date +%s%N)
  for _ in $(seq "$runs"); do "$@" >/dev/null 2>&1; done
  t1=$(date +%s%N)
  echo $(( (t1 - t0) / runs / 1000000 ))
}
base=$(avg $bin validate $in)
pdf=$(avg $bin render $in --pdf -o "$out/")
docx=$(avg $bin render $in --docx -o "$out/")
both=$(avg $bin render $in -o "$out/")
rss=$(/usr/bin/time -v $bin render $in --pdf -o "$out/" 2>&1 >/dev/null | awk -F: '/Maximum resident/ {gsub(/ /,"",$2); print $2}')
size=$(stat -c %s "$out/zibo-2020.pdf")
dsize=$(stat -c %s "$out/zibo-2020.docx" 2>/dev/null || echo 0)
echo "runs: $runs"
echo "validate (baseline): ${base} ms per process"
echo "render --pdf:  ${pdf} ms per process ($(awk "BEGIN{printf \"%.1f\", $pdf/($base>0?$base:1)}")× baseline)"
echo "render --docx: ${docx} ms per process"
echo "render (both): ${both} ms per process"
echo "PDF size: $((size / 1024)) KB; DOCX size: $((dsize / 1024)) KB; peak RSS (pdf): $((rss / 1024)) MB"
rm -rf "$out"
