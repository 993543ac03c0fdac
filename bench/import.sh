#!/usr/bin/env bash
# Times `nianbao import` over a folder of N copies of the published HTML samples and of N
# Word files (the examples rendered to DOCX), against a baseline measured in the same run:
# `nianbao validate` of the same reports (the imported JSON), one process for the folder.
# Also records peak memory for N and 5×N files (memory must stay flat).
# Usage: bench/import.sh [N]   (default 600; targets: ≥ 200 HTML/s and ≥ 100 DOCX/s on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-600}
cargo build --release -q
bin=$PWD/target/release/nianbao
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
command -v /usr/bin/time >/dev/null || { apt-get install -y -qq time >/dev/null; }
samples=(tests/fixtures/import/html/2019_pingtan-caizhengjinrongju.html
         tests/fixtures/import/html/2019_pingtan-zongheshiyanqu.html
         tests/fixtures/import/html/2020_pingtan-jingjifazhanju.html
         tests/fixtures/import/html/2024_pingtan-zongheshiyanqu.html)
fill() { # fill DIR COUNT FILE...: COUNT copies, round robin, 100 to a folder
  local dir=$1 count=$2; shift 2
  local files=("$@") i
  for ((i = 0; i < count; i++)); do
    mkdir -p "$dir/$((i / 100))"
    cp "${files[i % ${#files[@]}]}" "$dir/$((i / 100))/r$i.${files[i % ${#files[@]}]##*.}"
  done
}
for ex in examples/*.json; do $bin render "$ex" --docx -o "$work/docx-src/" 2>/dev/null; done
fill "$work/html" "$n" "${samples[@]}"
fill "$work/docx" "$n" "$work"/docx-src/*.docx
ms() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s%N); echo $(( (t1 - t0) / 1000000 )); }
cpu() { # cpu CMD...: user + system CPU ms (the machine may be shared: wall time depends on load)
  /usr/bin/time -f "%U %S" "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%d", ($1 + $2) * 1000}'
}
html_ms=$(ms $bin import "$work/html" -o "$work/html-out")
docx_ms=$(ms $bin import "$work/docx" -o "$work/docx-out")
html_cpu=$(cpu $bin import "$work/html" -o "$work/html-cpu")
docx_cpu=$(cpu $bin import "$work/docx" -o "$work/docx-cpu")
base_ms=$(ms $bin validate --as-published $(find "$work/html-out" -name '*.json'))
got=$(find "$work/html-out" -name '*.json' | wc -l)
gotd=$(find "$work/docx-out" -name '*.json' | wc -l)
rate() { awk "BEGIN{printf \"%.0f\", $1 * 1000 / ($2 > 0 ? $2 : 1)}"; }
echo "files: $n HTML ($got imported), $n DOCX ($gotd imported); cores: $(nproc)"
echo "import HTML: ${html_ms} ms = $(rate "$n" "$html_ms") pages/s"
echo "import DOCX: ${docx_ms} ms = $(rate "$n" "$docx_ms") files/s"
echo "validate (baseline, same reports, one process): ${base_ms} ms = $(rate "$n" "$base_ms") reports/s"
echo "CPU: HTML ${html_cpu} ms = $(rate "$n" "$((html_cpu / 2))") pages/s on 2 idle cores; DOCX ${docx_cpu} ms = $(rate "$n" "$((docx_cpu / 2))") files/s"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "ratio import HTML / validate: $(awk "BEGIN{printf \"%.1f\", $html_ms / ($base_ms > 0 ? $base_ms : 1)}")×"
rss() { /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F: '/Maximum resident/ {gsub(/ /,"",$2); print int($2 / 1024)}'; }
rm -rf "$work/html-out"
r1=$(rss $bin import "$work/html" -o "$work/html-out")
fill "$work/html5" "$((5 * n))" "${samples[@]}"
r5=$(rss $bin import "$work/html5" -o "$work/html5-out")
echo "peak RSS: ${r1} MB for $n pages, ${r5} MB for $((5 * n)) pages"
