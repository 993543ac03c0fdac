#!/usr/bin/env bash
# Times `nianbao batch --html` on a generated archive against `batch` of PDF + DOCX in the same
# run, and compares each example's HTML size with the published Word-pasted pages.
#
#   bench/html.sh [N=1000]
#
# 1. builds the release binary; generates N reports (bench/gen_reports.py, seed 1, none broken);
# 2. `nianbao batch --html` (all cores, then --jobs 1), `--html-fragment`, `--html` into tmpfs
#    (/dev/shm, where it exists), and PDF + DOCX, each from an empty output folder after `sync`,
#    with peak memory from /usr/bin/time -v;
# 3. the size of each example's HTML page and fragment, against the published page of the same
#    report where the import samples (tests/fixtures/import/html, as crawled from the portal)
#    have it, and the sizes of all published samples.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000}
samples=tests/fixtures/import/html
target=${CARGO_TARGET_DIR:-target}
cargo build --release -q
bin=$target/release/nianbao
[ -x /usr/bin/time ] || { apt-get install -y -qq time >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }; }
cores=$(nproc)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 bench/gen_reports.py "$work/in" -n "$n" --broken 0 >/dev/null

now() { date +%s%N; }
timed() { # timed CMD...: sets t_s, t_cpu, t_rss, t_code
  sync
  local t0 t1
  t0=$(now)
  set +e
  /usr/bin/time -v -o "$work/time.txt" "$@" 2>"$work/stderr.txt"
  t_code=$?
  set -e
  t1=$(now)
  t_s=$(awk "BEGIN{printf \"%.2f\", ($t1 - $t0) / 1e9}")
  t_cpu=$(awk -F: '/User time|System time/ {s += $2} END {printf "%.2f", s}' "$work/time.txt")
  t_rss=$(awk -F: '/Maximum resident/ {gsub(/ /,"",$2); printf "%.0f", $2/1024}' "$work/time.txt")
}
batch() { # batch LABEL ARGS... (OUT=folder to write into; default under the work folder)
  local label=$1 out=${OUT:-$work/out}
  shift
  rm -rf "$out"
  timed "$bin" batch "$work/in" -o "$out" --quiet "$@"
  [ "$t_code" -eq 0 ] || { echo "batch $* exited $t_code:" >&2; cat "$work/stderr.txt" >&2; exit 1; }
  local files bytes
  files=$(find "$out" -type f ! -name '.nianbao-*' | wc -l)
  bytes=$(find "$out" -type f ! -name '.nianbao-*' -printf '%s\n' | awk '{s += $1} END {print s}')
  printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$label" "$n" "$t_s" \
    "$(awk "BEGIN{printf \"%.0f\", $n / $t_s}")" "$(awk "BEGIN{printf \"%.2f\", 1000 * $t_cpu / $n}")" "$t_rss" \
    "$(awk "BEGIN{printf \"%.1f\", $bytes / $files / 1024}")"
}

echo "machine: $cores cores, $(awk '/model name/ {sub(/.*: /,""); print; exit}' /proc/cpuinfo); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "nianbao $("$bin" --version | awk '{print $2}'), $n generated reports ($(du -sh "$work/in" | cut -f1))"
echo
echo "| run | reports | seconds | reports/s | CPU ms per report | peak RSS MB | KB per file |"
echo "|---|---:|---:|---:|---:|---:|---:|"
batch "\`batch --html\` (--jobs $cores)"  --html
batch "\`batch --html --jobs 1\`" --html --jobs 1
batch "\`batch --html-fragment\` (--jobs $cores)" --html-fragment
# The same into memory: every file is fsync'ed before its rename, so on a disk the batch waits
# for the disk; written to tmpfs it shows the CPU's rate.
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
  shm=$(mktemp -d /dev/shm/nianbao-bench.XXXXXX)
  OUT=$shm/out batch "\`batch --html\` (--jobs $cores) into tmpfs" --html
  rm -rf "$shm"
fi
batch "\`batch\` PDF + DOCX (--jobs $cores), same run" --pdf --docx

echo
echo "| example | HTML page KB | fragment KB | published page(s) of the same report, KB |"
echo "|---|---:|---:|---|"
for ex in examples/*.json; do
  stem=$(basename "$ex" .json)
  page=$("$bin" render "$ex" --html -o - --as-published 2>/dev/null | wc -c)
  frag=$("$bin" render "$ex" --html-fragment -o - --as-published 2>/dev/null | wc -c)
  # The published page of the same report (examples/README.md says which sample each came from).
  published=""
  case $stem in
    pingtan-2019) f="$samples/2019_pingtan-zongheshiyanqu.html" ;;
    *) f="" ;;
  esac
  if [ -n "$f" ] && [ -e "$f" ]; then
    published="$(basename "$f") $(awk "BEGIN{printf \"%.1f\", $(wc -c <"$f") / 1024}")"
  fi
  printf '| %s | %.1f | %.1f | %s |\n' "$stem" "$(awk "BEGIN{print $page / 1024}")" \
    "$(awk "BEGIN{print $frag / 1024}")" "${published:-none in the samples}"
done
echo
echo "all published samples (KB): $(for f in "$samples"/*.html; do printf '%s ' "$(awk "BEGIN{printf \"%.0f\", $(wc -c <"$f") / 1024}")"; done)"
