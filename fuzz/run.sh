#!/usr/bin/env bash
# Fuzzes the PDU reader and the DIMSE command parser with AFL++ through SharpFuzz (fuzz/Isocenter.Dicom.Network.Fuzz).
# Exits 1 when AFL++ found a crash: the inputs are left in .dev/fuzz/findings/default/crashes/, each replayed here.
set -euo pipefail

usage() {
  cat <<'EOF2'
usage: fuzz/run.sh [--quick] [SECONDS]
  --quick   fuzz for 45 seconds (./dev.sh test); default 600 seconds, or SECONDS
EOF2
}

seconds=600
while (($#)); do
  case $1 in
    --quick) seconds=45 ;;
    -h | --help) usage; exit 0 ;;
    *[!0-9]* | '') usage >&2; exit 2 ;;
    *) seconds=$1 ;;
  esac
  shift
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
project=$root/fuzz/Isocenter.Dicom.Network.Fuzz
state=$root/.dev/fuzz
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

if ! command -v afl-fuzz >/dev/null; then
  sudo=()
  ((EUID == 0)) || sudo=(sudo)
  echo "installing afl++"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends afl++ >/dev/null \
    || { "${sudo[@]}" apt-get update -qq && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends afl++ >/dev/null; }
fi
sharpfuzz=$root/.dev/tools/sharpfuzz
[[ -x $sharpfuzz ]] || dotnet tool install --tool-path "$root/.dev/tools" SharpFuzz.CommandLine --version 2.3.0 >/dev/null

echo "building and instrumenting (SharpFuzz)"
dotnet build "$project" -c Release -o "$state/build" -v quiet -nologo -clp:NoSummary >/dev/null
# Instrumented in a fresh copy: SharpFuzz refuses an assembly instrumented before.
rm -rf "$state/bin" && cp -r "$state/build" "$state/bin"
for assembly in Isocenter.Dicom.Network.dll Isocenter.Dicom.dll; do
  "$sharpfuzz" "$state/bin/$assembly" >/dev/null
done

rm -rf "$state/findings"
echo "fuzzing for $seconds s (AFL++ $(dpkg-query -W -f='${Version}' afl++ 2>/dev/null))"
# The target is a managed program, not an AFL-compiled binary; it reports coverage through SharpFuzz's shared memory.
AFL_SKIP_BIN_CHECK=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1 \
  afl-fuzz -V "$seconds" -i "$project/seeds" -o "$state/findings" -t 5000 -m none -- dotnet "$state/bin/Isocenter.Dicom.Network.Fuzz.dll" \
  >"$state/afl.log" 2>&1 || { tail -n 30 "$state/afl.log" >&2; exit 1; }
stats=$state/findings/default/fuzzer_stats
awk -F' *: *' '$1 ~ /^(execs_done|execs_per_sec|corpus_count|edges_found|saved_crashes|saved_hangs)$/ { printf "%s=%s ", $1, $2 } END { print "" }' "$stats"

mapfile -t crashes < <(find "$state/findings/default/crashes" -type f -name 'id:*' 2>/dev/null)
if ((${#crashes[@]})); then
  echo "FAIL: ${#crashes[@]} crashing input(s) in $state/findings/default/crashes" >&2
  for crash in "${crashes[@]}"; do
    echo "== $crash" >&2
    dotnet "$state/build/Isocenter.Dicom.Network.Fuzz.dll" "$crash" 2>&1 | head -n 20 >&2 || true
  done
  exit 1
fi
