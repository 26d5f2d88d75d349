#!/usr/bin/env bash
# Header parsing, whole system: Isocenter vs pydicom vs DCMTK's dcmdump on the same synthetic CT files, in the same run.
# Then peak memory of parsing a 1 GB multi-frame file with lazy bulk data. See bench/README.md.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: bench/header-parse.sh [--quick] [--no-lazy]
  --quick    200 files and a 100 MB volume (CI); default 2,000 files and a 1 GB volume
  --no-lazy  skip the lazy bulk data memory measurement
Generated data is cached under .dev/bench/ (delete it after changing the generator).
EOF
}

quick=0
lazy=1
while (($#)); do
  case $1 in
    --quick) quick=1 ;;
    --no-lazy) lazy=0 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
  shift
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=3
rss_target_mb=100
if ((quick)); then patients=2 slices=100 frames=200; else patients=10 slices=200 frames=2000; fi
ct_dir=$root/.dev/bench/ct$((patients * slices))
volume=$root/.dev/bench/volume$frames.dcm
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

# Debian packages, installed only when missing.
missing=()
command -v dcmdump >/dev/null || missing+=(dcmtk)
dpkg -s python3-pydicom >/dev/null 2>&1 || /usr/bin/python3 -c 'import pydicom' 2>/dev/null || missing+=(python3-pydicom)
[[ -x /usr/bin/time ]] || missing+=(time)
if ((${#missing[@]})); then
  sudo=()
  ((EUID == 0)) || sudo=(sudo)
  echo "installing ${missing[*]}"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null \
    || { "${sudo[@]}" apt-get update -qq && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; }
fi

echo "building (Release, ReadyToRun as the services ship)"
dotnet build "$root/tools/Isocenter.Cli" -c Release -v quiet -nologo -clp:NoSummary >/dev/null
dotnet publish "$root/bench/Isocenter.Dicom.HeaderParse" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
  -o "$root/.dev/bench/bin" -v quiet -nologo -clp:NoSummary >/dev/null
isocenter=$root/tools/Isocenter.Cli/bin/Release/net10.0/isocenter
headerparse=$root/.dev/bench/bin/Isocenter.Dicom.HeaderParse

if [[ ! -f $ct_dir/.complete ]]; then
  echo "generating $((patients * slices)) CT instances in $ct_dir"
  rm -rf "$ct_dir"
  "$isocenter" demo --out "$ct_dir" --patients "$patients" --slices "$slices" --seed 2000 | tail -n 1
  touch "$ct_dir/.complete"
fi

mapfile -d '' files < <(find "$ct_dir" -name '*.dcm' -print0 | sort -z)
count=${#files[@]}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "warming the file cache ($(du -sh "$ct_dir" | cut -f1))"
cat "${files[@]}" >/dev/null

pydicom_headers() {
  /usr/bin/python3 - "$@" <<'EOF'
import os, sys, time
import pydicom
files = [os.path.join(d, f) for d, _, names in os.walk(sys.argv[1]) for f in names if f.endswith(".dcm")]
passes = int(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[2] == "--passes" else 1
for _ in range(passes):  # with several passes, the last is the steady state
    start = time.perf_counter()
    elements = 0
    for f in files:
        elements += len(pydicom.dcmread(f, stop_before_pixels=True))
    seconds = time.perf_counter() - start
print(f"files={len(files)} seconds={seconds:.3f} files_per_s={len(files) / seconds:.1f} elements={elements}")
EOF
}

dcmdump_headers() {
  # -M: values over 4 KB (pixel data) are skipped, not loaded. dcmdump prints every element, so it also formats text.
  dcmdump -q -M "${files[@]}" >/dev/null
}

# best NAME COMMAND...: runs COMMAND $runs times, keeps the best wall time (process start included) in best[NAME].
declare -A best
measure() {
  local name=$1
  shift
  local i start end seconds
  for ((i = 0; i < runs; i++)); do
    start=$EPOCHREALTIME
    "$@" >/dev/null
    end=$EPOCHREALTIME
    seconds=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')
    if [[ -z ${best[$name]:-} ]] || awk -v s="$seconds" -v b="${best[$name]}" 'BEGIN { exit !(s < b) }'; then
      best[$name]=$seconds
    fi
  done
}

echo "timing $count files, best of $runs runs each"
measure isocenter "$headerparse" headers "$ct_dir"
measure pydicom pydicom_headers "$ct_dir"
measure dcmdump dcmdump_headers
# Steady state: a second pass over the same files inside one process.
warm() { "$@" | sed -n 's/.*files_per_s=\([0-9.]*\).*/\1/p'; }
declare -A steady
steady[isocenter]=$(warm "$headerparse" headers "$ct_dir" --passes 2)
steady[pydicom]=$(warm pydicom_headers "$ct_dir" --passes 2)

ours=$(awk -v n="$count" -v s="${best[isocenter]}" 'BEGIN { print n / s }')
echo
printf '%-34s %6s %8s %9s %10s %13s %10s\n' tool files "wall s" files/s "ours/tool" "warm files/s" "ours/tool"
for name in isocenter pydicom dcmdump; do
  case $name in
    isocenter) label="Isocenter (StopBeforePixelData)" ;;
    pydicom) label="pydicom $(/usr/bin/python3 -c 'import pydicom; print(pydicom.__version__)') (stop_before_pixels)" ;;
    dcmdump) label="DCMTK dcmdump $(dcmdump --version | sed -n 's/.*dcmdump v\([0-9.]*\).*/\1/p') (-M)" ;;
  esac
  awk -v l="$label" -v n="$count" -v s="${best[$name]}" -v o="$ours" -v i="${steady[$name]:-}" -v oi="${steady[isocenter]}" \
    'BEGIN { r = n / s; w = (i == "") ? "-" : sprintf("%.1f", i); x = (i == "") ? "-" : sprintf("%.2fx", oi / i);
             printf "%-34s %6d %8.3f %9.1f %9.2fx %13s %10s\n", l, n, s, r, o / r, w, x }'
done
echo "wall: one process over all files once, start-up included (best of $runs); warm: files/s of a second pass inside"
echo "one process (JIT and interpreter warm), as a server runs; dcmdump has no such mode. ours/tool > 1: Isocenter is faster."

if ((lazy)); then
  echo
  if [[ ! -f $volume ]]; then
    echo "generating a $frames-frame Enhanced CT volume in $volume"
    "$headerparse" volume "$volume" --frames "$frames"
  fi
  /usr/bin/time -v "$headerparse" lazy "${files[0]}" --threshold 65536 >/dev/null 2>"$tmp/baseline.time"
  /usr/bin/time -v "$headerparse" lazy "$volume" --threshold 65536 >"$tmp/lazy.out" 2>"$tmp/lazy.time"
  rss_kb() { awk -F': *' '/Maximum resident set size/ { print $2 }' "$1"; }
  baseline_kb=$(rss_kb "$tmp/baseline.time")
  volume_kb=$(rss_kb "$tmp/lazy.time")
  echo "lazy bulk data (LazyBulkDataThreshold = 64 KiB): $(cat "$tmp/lazy.out")"
  printf 'peak RSS: %.1f MiB for %s (%.0f MiB), %.1f MiB for one %.1f MiB CT slice; target < %d MiB\n' \
    "$(awk -v k="$volume_kb" 'BEGIN { print k / 1024 }')" "$(basename "$volume")" \
    "$(awk -v b="$(stat -c %s "$volume")" 'BEGIN { print b / 1048576 }')" \
    "$(awk -v k="$baseline_kb" 'BEGIN { print k / 1024 }')" \
    "$(awk -v b="$(stat -c %s "${files[0]}")" 'BEGIN { print b / 1048576 }')" "$rss_target_mb"
  if ((volume_kb >= rss_target_mb * 1024)); then
    echo "FAIL: peak RSS is over the $rss_target_mb MB target" >&2
    exit 1
  fi
fi
