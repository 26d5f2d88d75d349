#!/usr/bin/env bash
# Frame decoding, whole system: Isocenter vs DCMTK (dcmdjpeg, dcmdrle, dcmdjpls) vs GDCM (gdcmconv --raw) on the same
# multi-frame CT files, in the same run: JPEG Lossless SV1, RLE, JPEG-LS and JPEG 2000. See bench/README.md.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: bench/decode.sh [--quick]
  --quick    a 20-frame volume, 3 runs (CI); default 100 frames of 512 x 512 x 16 bits (52 MB), 5 runs
Generated data is cached under .dev/bench/decode/ (delete it after changing the generator).
EOF
}

quick=0
while (($#)); do
  case $1 in
    --quick) quick=1 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
  shift
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if ((quick)); then frames=20 runs=3; else frames=100 runs=5; fi
data=$root/.dev/bench/decode/ct$frames
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

# Debian packages (dev.sh installs them with the rest of DEB_PACKAGES).
for tool in dcmdjpeg gdcmconv /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "error: $tool is missing: apt-get install dcmtk libgdcm-tools time (or run ./dev.sh test)" >&2; exit 1; }
done

echo "building (Release, ReadyToRun as the services ship)"
for project in Isocenter.Dicom.Decode Isocenter.Dicom.HeaderParse; do
  dotnet publish "$root/bench/$project" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
    -o "$root/.dev/bench/$project" -v quiet -nologo -clp:NoSummary >/dev/null
done
decode=$root/.dev/bench/Isocenter.Dicom.Decode/Isocenter.Dicom.Decode

if [[ ! -f $data/.complete ]]; then
  echo "generating a $frames-frame Enhanced CT volume and compressing it with DCMTK and GDCM in $data"
  rm -rf "$data" && mkdir -p "$data"
  "$root/.dev/bench/Isocenter.Dicom.HeaderParse/Isocenter.Dicom.HeaderParse" volume "$data/native.dcm" --frames "$frames" --size 512 >/dev/null
  dcmcjpeg +e1 "$data/native.dcm" "$data/jpeg-lossless-sv1.dcm"
  dcmcrle "$data/native.dcm" "$data/rle.dcm"
  dcmcjpls "$data/native.dcm" "$data/jpeg-ls.dcm"
  gdcmconv --j2k "$data/native.dcm" "$data/jpeg2000.dcm"
  touch "$data/.complete"
fi
bytes=$((frames * 512 * 512 * 2))
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat "$data"/*.dcm >/dev/null # warm the page cache

# measure NAME COMMAND...: runs COMMAND $runs times; keeps the best wall time and the best CPU time (user + sys) in
# wall[NAME] and cpu[NAME]. CPU time is the steadier figure on a shared machine.
declare -A wall cpu
measure() {
  local name=$1 i w c
  shift
  for ((i = 0; i < runs; i++)); do
    /usr/bin/time -f '%e %U %S' -o "$tmp/time" "$@" >/dev/null 2>&1
    read -r w c < <(awk '{ printf "%s %.2f\n", $1, $2 + $3 }' "$tmp/time")
    if [[ -z ${wall[$name]:-} ]] || awk -v a="$w" -v b="${wall[$name]}" 'BEGIN { exit !(a < b) }'; then wall[$name]=$w; fi
    if [[ -z ${cpu[$name]:-} ]] || awk -v a="$c" -v b="${cpu[$name]}" 'BEGIN { exit !(a < b) }'; then cpu[$name]=$c; fi
  done
}

echo "timing $frames frames of 512 x 512 x 16 bits ($((bytes / 1000000)) MB decoded per file), best of $runs runs"
measure startup-ours "$decode" noop
measure startup-dcmtk dcmconv "$data/native.dcm" "$tmp/out.dcm"
declare -A inproc inproc_cpu
for codec in jpeg-lossless-sv1 rle jpeg-ls jpeg2000; do
  file=$data/$codec.dcm
  measure "$codec/ours" "$decode" convert "$file" "$tmp/out.dcm"
  case $codec in
    jpeg-lossless-sv1) measure "$codec/dcmtk" dcmdjpeg "$file" "$tmp/out.dcm" ;;
    rle) measure "$codec/dcmtk" dcmdrle "$file" "$tmp/out.dcm" ;;
    jpeg-ls) measure "$codec/dcmtk" dcmdjpls "$file" "$tmp/out.dcm" ;;
  esac
  measure "$codec/gdcm" gdcmconv --raw "$file" "$tmp/out.dcm"
  line=$("$decode" decode "$file" --passes "$runs")
  inproc[$codec]=$(sed -n 's/.* seconds=\([0-9.]*\).*/\1/p' <<<"$line")
  inproc_cpu[$codec]=$(sed -n 's/.*cpu_seconds=\([0-9.]*\).*/\1/p' <<<"$line")
done

mbs() { awk -v b="$bytes" -v s="$1" 'BEGIN { if (s == "" || s <= 0) print "-"; else printf "%.0f", b / 1e6 / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || a <= 0 || b <= 0) print "-"; else printf "%.2fx", b / a }'; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "") print ""; else printf "%.3f", a - b }'; }
echo
echo "MB/s of decoded output, wall | CPU (user + sys); ratios are tool time / Isocenter time: > 1, Isocenter is faster"
printf '%-18s %13s %15s %15s %15s %15s %15s %10s\n' codec "in-process" "Isocenter tool" "DCMTK tool" "GDCM tool" "tool/DCMTK" "tool/GDCM" "codec/DCMTK"
for codec in jpeg-lossless-sv1 rle jpeg-ls jpeg2000; do
  dcmtk_decode=$(minus "${cpu[$codec/dcmtk]:-}" "${cpu[startup-dcmtk]}")
  printf '%-18s %5s |%6s %6s |%6s %6s |%6s %6s |%6s %6s |%6s %6s |%6s %10s\n' "$codec" \
    "$(mbs "${inproc[$codec]}")" "$(mbs "${inproc_cpu[$codec]}")" \
    "$(mbs "${wall[$codec/ours]}")" "$(mbs "${cpu[$codec/ours]}")" \
    "$(mbs "${wall[$codec/dcmtk]:-}")" "$(mbs "${cpu[$codec/dcmtk]:-}")" \
    "$(mbs "${wall[$codec/gdcm]}")" "$(mbs "${cpu[$codec/gdcm]}")" \
    "$(ratio "${wall[$codec/ours]}" "${wall[$codec/dcmtk]:-}")" "$(ratio "${cpu[$codec/ours]}" "${cpu[$codec/dcmtk]:-}")" \
    "$(ratio "${wall[$codec/ours]}" "${wall[$codec/gdcm]}")" "$(ratio "${cpu[$codec/ours]}" "${cpu[$codec/gdcm]}")" \
    "$(ratio "${inproc_cpu[$codec]}" "$dcmtk_decode")"
done
echo "in-process: Isocenter.Dicom.Decode decode FILE, every frame decoded from memory (best pass, JIT warm)."
echo "tool: one process reads the file, decodes every frame and writes a native file (Isocenter.Dicom.Decode convert,"
echo "dcmdjpeg/dcmdrle/dcmdjpls, gdcmconv --raw); DCMTK has no JPEG 2000 decoder. codec/DCMTK: the DCMTK tool's CPU time"
echo "minus that of dcmconv copying the native file (its start-up and I/O), against our in-process CPU time."
printf 'start-up and I/O floor, wall | CPU seconds: Isocenter (noop) %s | %s; DCMTK (dcmconv of the native file) %s | %s\n' \
  "${wall[startup-ours]}" "${cpu[startup-ours]}" "${wall[startup-dcmtk]}" "${cpu[startup-dcmtk]}"
