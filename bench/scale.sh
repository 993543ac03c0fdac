#!/usr/bin/env bash
# Growth with the size of a report: the sample's prose repeated 1×, 10× and 100× (paragraphs
# appended to 一、总体情况), rendered to PDF and DOCX. Prints wall time, peak RSS, pages and
# the ratio of each to the 1× run measured in the same run: linear growth means a ratio near
# the factor. Usage: bench/scale.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
cargo build --release -q
bin=$PWD/target/release/nianbao
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
for k in 1 10 100; do
  python3 - "$k" > "$dir/x$k.json" <<'PY'
import json, sys
k = int(sys.argv[1])
r = json.load(open("examples/huaian-2024.json"))
prose = [b for b in r["sections"]["overview"] if isinstance(b, str)]
r["sections"]["overview"] = r["sections"]["overview"] + prose * (k - 1)
json.dump(r, sys.stdout, ensure_ascii=False)
PY
done
# One 2 MB paragraph that is a single sentence of 20,000 clauses each stating numbers the
# cross-checks read: validate must stay linear (it once took 108 s through a copy per match).
python3 - > "$dir/sentence.json" <<'PY'
import json, subprocess, sys
r = json.load(open("examples/huaian-2024.json"))
r["sections"]["overview"] = ["本年度共收到政府信息公开申请3119件，答复3050件，行政复议351件，其中结果维持72件，" * 20000]
json.dump(r, sys.stdout, ensure_ascii=False)
PY
t0=$(date +%s%N)
"$bin" validate "$dir/sentence.json" >/dev/null 2>&1
echo "validate, one 2 MB sentence: $(( ($(date +%s%N) - t0) / 1000000 )) ms"
printf "%-6s %10s %8s %10s %8s %6s\n" factor "ms" ratio "peak MB" ratio pages
for k in 1 10 100; do
  best=999999999
  for _ in $(seq "$runs"); do
    t0=$(date +%s%N)
    "$bin" render "$dir/x$k.json" -o "$dir/" >/dev/null 2>&1
    t=$(( ($(date +%s%N) - t0) / 1000000 ))
    (( t < best )) && best=$t
  done
  rss=$(/usr/bin/time -v "$bin" render "$dir/x$k.json" -o "$dir/" 2>&1 >/dev/null | awk -F: '/Maximum resident/ {gsub(/ /,"",$2); print $2}')
  pages=$(pdfinfo "$dir/x$k.pdf" 2>/dev/null | awk '/^Pages/ {print $2}')
  [ "$k" = 1 ] && { t1=$best; r1=$rss; }
  printf "%-6s %10d %8.1f %10.1f %8.1f %6s\n" "${k}×" "$best" "$(awk "BEGIN{print $best/$t1}")" "$(awk "BEGIN{print $rss/1024}")" "$(awk "BEGIN{print $rss/$r1}")" "$pages"
done
