#!/usr/bin/env bash
# Transcoding, whole system: `isocenter transcode` vs DCMTK (dcmcrle, dcmcjpeg, dcmcjpls) and GDCM (gdcmconv) encoding the
# same multi-frame synthetic CT (512×512, 16-bit signed, Bits Stored 12), in the same run. Each tool reads the native file
# and writes the compressed one; the best CPU time (user + system) of 3 runs is kept. See bench/README.md.
set -euo pipefail

frames=${1:-50}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$root/.dev/bench/transcode
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
for tool in dcmcrle dcmcjpeg dcmcjpls gdcmconv /usr/bin/python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool (Debian packages dcmtk, libgdcm-tools, python3-pydicom)" >&2; exit 1; }
done

dotnet build "$root/tools/Isocenter.Cli" -c Release -v quiet -nologo -clp:NoSummary >/dev/null
isocenter=$root/tools/Isocenter.Cli/bin/Release/net10.0/isocenter
mkdir -p "$work"
native=$work/ct$frames.dcm
if [[ ! -f $native ]]; then
  rm -rf "$work/slices"
  "$isocenter" demo --out "$work/slices" --slices "$frames" --seed 7 >/dev/null
  # One multi-frame CT from the slices, so that process start-up is spread over many frames.
  /usr/bin/python3 - "$work/slices" "$native" <<'PY'
import sys, glob, pydicom
paths = sorted(glob.glob(sys.argv[1] + '/**/*.dcm', recursive=True))
first = pydicom.dcmread(paths[0])
first.PixelData = b''.join(pydicom.dcmread(p).PixelData for p in paths)
first.NumberOfFrames = len(paths)
first.save_as(sys.argv[2])
PY
fi

best() { # best CPU time (user + system) of 3 runs, in seconds: on shared cores wall time mostly measures the neighbours
  local t b=
  for _ in 1 2 3; do
    /usr/bin/time -f '%U %S' -o "$work/time" "$@" >/dev/null 2>&1
    t=$(tail -n 1 "$work/time" | awk '{ printf "%.2f", $1 + $2 }')
    if [[ -z $b ]] || awk -v t="$t" -v b="$b" 'BEGIN { exit !(t < b) }'; then b=$t; fi
  done
  echo "$b"
}

out=$work/out.dcm
printf '%-22s %10s %10s %s\n' "syntax ($frames frames)" isocenter peer "peer tool (ratio peer/isocenter)"
row() { # label, isocenter keyword, peer command...
  local label=$1 keyword=$2; shift 2
  local ours peer
  ours=$(best "$isocenter" transcode "$native" --ts "$keyword" --out "$out")
  peer=$(best "$@")
  printf '%-22s %9ss %9ss %s (%.2f)\n' "$label" "$ours" "$peer" "$1" "$(awk -v p="$peer" -v o="$ours" 'BEGIN { print p / o }')"
}
row "(read + write only)" implicit dcmconv +ti "$native" "$out"
row "RLE" rle dcmcrle "$native" "$out"
row "JPEG Lossless SV1" jpeg-lossless dcmcjpeg "$native" "$out"
row "JPEG-LS lossless" jpeg-ls dcmcjpls "$native" "$out"
row "JPEG 2000 lossless" j2k-lossless gdcmconv --j2k "$native" "$out"
row "JPEG-LS (GDCM)" jpeg-ls gdcmconv --jpegls "$native" "$out"
rm -f "$out"
