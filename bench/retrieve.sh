#!/usr/bin/env bash
# C-GET, whole system: `isocenter get` vs DCMTK's getscu retrieving the same patient from dcmqrscp into a folder, in the
# same run (both write one Part 10 file per instance). See bench/README.md.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=3
patients=2 slices=100 # 100 instances (about 50 MB) per patient, the header-parse --quick data set
ct_dir=$root/.dev/bench/ct$((patients * slices))
work=$(mktemp -d)
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 TCP_NODELAY=1
command -v dcmqrscp >/dev/null || { echo "dcmqrscp is missing: ./dev.sh test installs dcmtk" >&2; exit 1; }

echo "building (Release)"
dotnet build "$root/tools/Isocenter.Cli" -c Release -v quiet -nologo -clp:NoSummary >/dev/null
isocenter=$root/tools/Isocenter.Cli/bin/Release/net10.0/isocenter
if [[ ! -f $ct_dir/.complete ]]; then
  echo "generating $((patients * slices)) CT instances in $ct_dir"
  rm -rf "$ct_dir"
  "$isocenter" demo --out "$ct_dir" --patients "$patients" --slices "$slices" --seed 2000 | tail -n 1
  touch "$ct_dir/.complete"
fi

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$work/archive"
cat >"$work/dcmqrscp.cfg" <<CFG
NetworkTCPPort = $port
MaxPDUSize = 131072
MaxAssociations = 4
HostTable BEGIN
HostTable END
VendorTable BEGIN
VendorTable END
AETable BEGIN
QRSCP $work/archive RW (10, 1024mb) ANY
AETable END
CFG
dcmqrscp -c "$work/dcmqrscp.cfg" >/dev/null 2>&1 &
qrscp=$!
trap 'kill $qrscp 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do "$isocenter" echo --called QRSCP 127.0.0.1 "$port" >/dev/null 2>&1 && break; sleep 0.1; done
"$isocenter" send --called QRSCP 127.0.0.1 "$port" "$ct_dir"/*/ >/dev/null
patient=$(dcmdump +P PatientID "$(find "$ct_dir" -name '*.dcm' | sort | head -n 1)" | sed -E 's/.*\[(.*)\].*/\1/')
count=$(find "$ct_dir" -name '*.dcm' -path "*$patient*" | wc -l)

best() { # best wall time in seconds of $runs runs of "$@", the output folder emptied before each
  local best=""
  for _ in $(seq $runs); do
    rm -rf "$work/out" && mkdir -p "$work/out"
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null 2>&1
    end=$(date +%s.%N)
    [[ $(find "$work/out" -type f | wc -l) -eq $count ]] || { echo "$1 wrote $(find "$work/out" -type f | wc -l) of $count files" >&2; exit 1; }
    best=$(echo "$start $end $best" | awk '{ t = $2 - $1; if ($3 == "" || t < $3) print t; else print $3 }')
  done
  echo "$best"
}

echo "C-GET of patient $patient ($count instances) from dcmqrscp, best of $runs (wall time, start-up included):"
ours=$(best "$isocenter" get --patient --called QRSCP --out "$work/out" 127.0.0.1 "$port" -k QueryRetrieveLevel=PATIENT -k "PatientID=$patient")
dcmtk=$(best getscu -P -aec QRSCP -od "$work/out" -k QueryRetrieveLevel=PATIENT -k "PatientID=$patient" 127.0.0.1 "$port")
printf '  isocenter get  %6.2f s\n  getscu         %6.2f s\n  ratio (isocenter / getscu) %.2f\n' "$ours" "$dcmtk" "$(echo "$ours $dcmtk" | awk '{ print $1 / $2 }')"
