#!/usr/bin/env bash
# Times `nianbao batch` on a generated archive against one `nianbao render` process per report,
# measured in the same run on the same machine, and prints a Markdown table.
#
#   bench/batch.sh [N=1000] [BASELINE=100]
#
# 1. builds the release binary; generates N reports (bench/gen_reports.py, seed 1, 5 broken);
# 2. baseline: `nianbao render` once per report, one after another, on the first BASELINE reports
#    (sorted), PDF + DOCX; also the same with `xargs -P <cores>`;
# 3. `nianbao batch` on all N: PDF + DOCX with --jobs 1 and with all cores, then PDF only and DOCX
#    only with all cores; each from an empty output folder after `sync`, peak memory from
#    /usr/bin/time -v (installed with apt-get when missing);
# 4. checks that the batch exits 1 and names exactly the broken reports.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000}
base_n=${2:-100}
target=${CARGO_TARGET_DIR:-target}
cargo build --release -q
bin=$target/release/nianbao
[ -x /usr/bin/time ] || { apt-get install -y -qq time >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }; }
cores=$(nproc)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 bench/gen_reports.py "$work/in" -n "$n" --broken 5 >/dev/null

now() { date +%s%N; }
secs() { awk "BEGIN{printf \"%.2f\", ($2 - $1) / 1e9}"; }
rate() { awk "BEGIN{printf \"%.1f\", $1 / $2}"; }

# timed OUT CMD...: runs CMD under /usr/bin/time; sets t_s (wall seconds), t_cpu (user + system
# seconds, children included), t_rss (peak RSS of the largest process, MB) and t_code.
timed() {
  local out=$1
  shift
  sync
  local t0 t1
  t0=$(now)
  set +e
  /usr/bin/time -v -o "$work/time.txt" "$@" 2>"$out"
  t_code=$?
  set -e
  t1=$(now)
  t_s=$(secs "$t0" "$t1")
  t_cpu=$(awk -F: '/User time|System time/ {s += $2} END {printf "%.2f", s}' "$work/time.txt")
  t_rss=$(awk -F: '/Maximum resident/ {gsub(/ /,"",$2); printf "%.0f", $2/1024}' "$work/time.txt")
}
row() { # row LABEL REPORTS: a table row from the last `timed`
  local r
  r=$(rate "$2" "$t_s")
  [ -n "${base_rate:-}" ] || base_rate=$r
  printf '| %s | %s | %s | %s | %s× | %s | %s |\n' "$1" "$2" "$t_s" "$r" \
    "$(awk "BEGIN{printf \"%.1f\", $r / $base_rate}")" "$(awk "BEGIN{printf \"%.1f\", 1000 * $t_cpu / $2}")" "$t_rss"
}

echo "machine: $cores cores, $(awk '/model name/ {sub(/.*: /,""); print; exit}' /proc/cpuinfo); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "nianbao $("$bin" --version | awk '{print $2}'), $n generated reports ($(du -sh "$work/in" | cut -f1)), 5 of them broken"
echo
echo "| run | reports | seconds | reports/s | vs one process per report | CPU ms per report | peak RSS MB |"
echo "|---|---:|---:|---:|---:|---:|---:|"
# Baseline: one process per report (the first BASELINE reports, sorted).
find "$work/in" -name '*.json' | sort >"$work/all"
head -n "$base_n" "$work/all" >"$work/list"
timed "$work/e" bash -c 'while read -r f; do "$1" render "$f" -o "$2/" >/dev/null 2>&1; done <"$3"; true' _ \
  "$bin" "$work/base" "$work/list"
row "one \`render\` process per report, sequential (baseline)" "$base_n"
timed "$work/e" bash -c 'xargs -P "$4" -I{} "$1" render {} -o "$2/" <"$3" >/dev/null 2>&1; true' _ \
  "$bin" "$work/basep" "$work/list" "$cores"
row "one \`render\` process per report, \`xargs -P $cores\`" "$base_n"

# batch LABEL ARGS...: `nianbao batch` on all reports into an empty folder, and its table row.
batch() {
  local label=$1
  shift
  rm -rf "$work/out"
  timed "$work/stderr.txt" "$bin" batch "$work/in" -o "$work/out" "$@"
  row "$label" "$n"
}

batch "\`batch --jobs 1\` (PDF + DOCX)" --jobs 1
batch "\`batch --jobs $cores\` (PDF + DOCX)" --jobs "$cores"
code=$t_code
cp "$work/stderr.txt" "$work/stderr-all.txt"
pdfs=$(find "$work/out" -name '*.pdf' | wc -l)
docxs=$(find "$work/out" -name '*.docx' | wc -l)
batch "\`batch --jobs $cores --pdf\`" --jobs "$cores" --pdf
batch "\`batch --jobs $cores --docx\`" --jobs "$cores" --docx
echo
named=$(grep -o '^[^ ]*\.json: error\[' "$work/stderr-all.txt" | sed 's/: error\[$//' | sort -u | sed "s|^$work/in/||")
expected=$(sort "$work/in/broken.txt")
good=$((n - $(wc -l <"$work/in/broken.txt")))
if [ "$code" = 1 ] && [ "$named" = "$expected" ] && [ "$pdfs" = "$good" ] && [ "$docxs" = "$good" ]; then
  echo "check: exit status 1, the $((n - good)) broken reports named, the other $good written ($pdfs PDF, $docxs DOCX)"
else
  echo "check FAILED: exit status $code; $pdfs PDF, $docxs DOCX; named: $named; expected: $expected"
  exit 1
fi
grep '^batch:' "$work/stderr-all.txt"
