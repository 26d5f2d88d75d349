#!/usr/bin/env bash
# Volume assembly, whole system: `isocenter volume` vs pydicom + numpy on the same synthetic CT series, in the same run.
# Both read every slice, sort along the normal, apply the rescale and write the int16 volume; the outputs must be equal.
set -euo pipefail

usage() {
  cat <<'EOF2'
usage: bench/volume-load.sh [--quick]
  --quick    one series of 50 slices (CI); default 300 slices (512×512, ~160 MB)
Generated data is cached under .dev/bench/ (delete it after changing the generator).
EOF2
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
runs=3
if ((quick)); then slices=50; else slices=300; fi
series=$root/.dev/bench/series$slices
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
/usr/bin/python3 -c 'import pydicom, numpy' 2>/dev/null && [[ -x /usr/bin/time ]] \
  || { echo "needs python3-pydicom, python3-numpy and time (./dev.sh test installs them)" >&2; exit 1; }

echo "building (Release)"
dotnet build "$root/tools/Isocenter.Cli" -c Release -v quiet -nologo -clp:NoSummary >/dev/null
isocenter=$root/tools/Isocenter.Cli/bin/Release/net10.0/isocenter

if [[ ! -f $series/.complete ]]; then
  echo "generating $slices CT slices in $series"
  rm -rf "$series"
  "$isocenter" demo --out "$series" --patients 1 --slices "$slices" --seed 300 | tail -n 1
  touch "$series/.complete"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/volume.py" <<'EOF2'
import glob, sys, numpy as np, pydicom
paths = sorted(glob.glob(sys.argv[1] + "/**/*.dcm", recursive=True))
ds = [pydicom.dcmread(p) for p in paths]
o = np.array(ds[0].ImageOrientationPatient, dtype=float)
n = np.cross(o[:3], o[3:])
ds.sort(key=lambda d: float(np.dot(np.array(d.ImagePositionPatient, dtype=float), n)))
v = np.stack([d.pixel_array * int(d.RescaleSlope) + int(d.RescaleIntercept) for d in ds]).astype("<i2")
v.tofile(sys.argv[2])
EOF2
echo "warming the file cache ($(du -sh "$series" | cut -f1))"
find "$series" -name '*.dcm' -exec cat {} + >/dev/null

# Best of $runs: wall seconds, user+system CPU seconds, peak RSS in MB.
measure() {
  local name=$1 best="" line
  shift
  for _ in $(seq "$runs"); do
    line=$(/usr/bin/time -f '%e %U %S %M' "$@" 2>&1 >/dev/null | tail -n 1)
    best=$(awk -v best="$best" '{ cpu = $2 + $3; split(best, b, " ")
      if (best == "" || cpu < b[2]) printf "%s %.2f %d", $1, cpu, $4 / 1024; else print best }' <<<"$line")
  done
  echo "$name $best"
}
ours=$(measure isocenter "$isocenter" volume "$series" --raw "$tmp/ours.raw")
theirs=$(measure pydicom /usr/bin/python3 "$tmp/volume.py" "$series" "$tmp/pydicom.raw")
cmp -s "$tmp/ours.raw" "$tmp/pydicom.raw" || { echo "error: the volumes differ" >&2; exit 1; }
read -r _ ow oc om <<<"$ours"
read -r _ pw pc pm <<<"$theirs"
printf '%s slices of 512×512, best of %s runs (process start included); volumes identical\n' "$slices" "$runs"
printf '%-10s %8s %8s %8s\n' tool wall_s cpu_s rss_mb isocenter "$ow" "$oc" "$om" pydicom "$pw" "$pc" "$pm"
awk -v oc="$oc" -v pc="$pc" -v om="$om" -v pm="$pm" 'BEGIN { printf "CPU ratio pydicom/isocenter %.2f, peak RSS ratio %.2f\n", pc / oc, pm / om }'
