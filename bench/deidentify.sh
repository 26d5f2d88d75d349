#!/usr/bin/env bash
# De-identifying a CT study, in the same run on the same files: through the system (a reading set created with the review
# service's POST /api/reading-sets, the storage service's DeidentifyStudy job copying, de-identifying and indexing each
# instance), reporting instances/s and the storage service's CPU share; the toolkit alone (`isocenter anonymize` folder to
# folder); GDCM's gdcmanon (PS3.15 E.1.1 Basic Profile, with a throwaway certificate for its encrypted original attributes);
# pydicom applying the same Table E.1-1. See docs/deidentification.md.
set -euo pipefail

usage() {
  cat <<'EOF2'
usage: bench/deidentify.sh [--quick]
  --quick   50 instances of 256x256 (CI); default 500 instances of 512x512
Needs the solution built in Release (./dev.sh bench does it).
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
if ((quick)); then slices=50 size=256; else slices=500 size=512; fi
# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"
cli=$root/tools/Isocenter.Cli/bin/Release/net10.0/isocenter
require "$services/ingest/Isocenter.Ingest/bin/Release/net10.0/Isocenter.Ingest.dll" "$services/storage/Isocenter.Storage/bin/Release/net10.0/Isocenter.Storage.dll" \
  "$services/review/Isocenter.Review/bin/Release/net10.0/Isocenter.Review.dll" "$cli"
# Servers already running (a developer's, shared) are used as they are.
if ! pg_isready -q -h 127.0.0.1 -p "$ISOCENTER_PG_PORT" || ! (: </dev/tcp/127.0.0.1/"$ISOCENTER_RABBITMQ_PORT") 2>/dev/null; then
  "$root/scripts/infra.sh" up postgres rabbitmq
fi

ct_dir=$root/.dev/bench/deid$slices-$size warm_dir=$root/.dev/bench/deid-warm
demo_ct "$ct_dir" "$slices" 700 "$size"
demo_ct "$warm_dir" 10 701 64
mapfile -d '' files < <(find "$ct_dir" -name '*.dcm' -print0 | sort -z)
mapfile -d '' warm < <(find "$warm_dir" -name '*.dcm' -print0 | sort -z)
count=${#files[@]}
cores=$(nproc)
ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; } # utime + stime

# The archive: storage + ingest + review on a database, virtual host and object store of their own; the study stored by C-STORE.
db=bench_$$_$RANDOM vhost=bench-$$-$RANDOM objects=$tmp/objects
psql_index -d "$ISOCENTER_PG_DATABASE" -c "CREATE DATABASE $db" >/dev/null
"$root/scripts/infra.sh" vhost "$vhost"
dimse=$(free_port) review=$(free_port)
mapfile -t settings < <(isocenter_settings "$db" "$vhost" "$objects" "$dimse")
start_dotnet storage "$(free_port)" "${settings[@]}"
storage_pid=${pids[-1]}
start_dotnet ingest "$(free_port)" "${settings[@]}"
start_dotnet review "$review" "${settings[@]}" "Review__ShareLinkKey=$(head -c 48 /dev/urandom | base64 -w0)"
storescu -aec ISOCENTER -aet BENCHSCU 127.0.0.1 "$dimse" "${warm[@]}" "${files[@]}" >"$tmp/storescu.log" 2>&1 || fail "storescu failed" "$tmp/storescu.log"
expected=$((count + ${#warm[@]}))
for ((i = 0; i < 1200; i++)); do
  [[ $(psql_index -d "$db" -c "SELECT count(*) FROM instance") == "$expected" ]] && break
  sleep 0.05
done
[[ $(psql_index -d "$db" -c "SELECT count(*) FROM instance") == "$expected" ]] || fail "the index did not reach $expected instances" "$tmp/storage.log"
study_of() { /usr/bin/python3 -c 'import sys, pydicom; print(pydicom.dcmread(sys.argv[1], stop_before_pixels=True).StudyInstanceUID)' "$1"; }

# reading_set STUDY INSTANCES: creates a reading set of STUDY through the review service and waits until it is no longer preparing.
reading_set() {
  local json id state done_instances
  json=$(curl -fsS -H 'X-Isocenter-User: bench' -H 'Content-Type: application/json' "http://127.0.0.1:$review/api/reading-sets" \
    -d "{\"name\":\"bench\",\"studyInstanceUids\":[\"$1\"],\"blinded\":false,\"order\":\"fixed\"}") || fail "POST /api/reading-sets failed" "$tmp/review.log"
  id=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["id"])' "$json")
  for ((i = 0; ; i++)); do
    read -r state done_instances < <(curl -fsS -H 'X-Isocenter-User: bench' "http://127.0.0.1:$review/api/reading-sets/$id" |
      python3 -c 'import json, sys; s = json.load(sys.stdin); print(s["state"], s["progress"]["instancesDone"])')
    [[ $state != preparing ]] && break
    ((i < 12000)) || fail "the reading set is still preparing after 10 minutes" "$tmp/storage.log"
    sleep 0.05
  done
  [[ $state == ready && $done_instances == "$2" ]] || fail "the reading set ended $state with $done_instances of $2 instances" "$tmp/storage.log"
}

# Warm-up, untimed: a reading set of another, small study (the services run all day; JIT and first connections are not measured).
reading_set "$(study_of "${warm[0]}")" "${#warm[@]}"
study=$(study_of "${files[0]}")
before=$(cpu_ticks "$storage_pid")
start=$(now)
reading_set "$study" "$count"
end=$(now)
after=$(cpu_ticks "$storage_pid")
system_s=$(seconds "$start" "$end")
cpu_share=$(awk -v t=$((after - before)) -v hz="$ticks" -v w="$system_s" -v c="$cores" 'BEGIN { printf "%.0f%%", 100 * t / hz / w / c }')
stop_all
psql_index -d "$ISOCENTER_PG_DATABASE" -c "DROP DATABASE $db" >/dev/null

# The toolkit alone and the peers, folder to folder on the same files (file cache warm).
cat "${files[@]}" >/dev/null
timed() { local s; s=$(now); "$@" >"$tmp/timed.log" 2>&1 || fail "$* failed" "$tmp/timed.log"; seconds "$s" "$(now)"; }
toolkit_s=$(timed "$cli" anonymize "$ct_dir" "$tmp/toolkit")
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/key.pem" -out "$tmp/cert.pem" -subj /CN=isocenter-bench -days 1 >/dev/null 2>&1
gdcm_s=$(timed gdcmanon -e -c "$tmp/cert.pem" -r --continue -i "$ct_dir" -o "$tmp/gdcm")
pydicom_s=$(timed /usr/bin/python3 "$root/bench/deidentify-pydicom.py" "$root/platform/Isocenter.Dicom/Deidentification/ConfidentialityProfile.txt" "$ct_dir" "$tmp/pydicom")
for out in toolkit gdcm pydicom; do
  n=$(find "$tmp/$out" -name '*.dcm' | wc -l)
  ((n == count)) || fail "$out wrote $n files, not $count"
done

rate() { awk -v n="$count" -v s="$1" 'BEGIN { printf "%.1f", n / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", b / a }'; }
megabytes=$(du -cb "${files[@]}" | awk 'END { printf "%.1f", $1 / 1e6 }')
echo
printf '%-62s %8s %11s %10s\n' "de-identifying $count CT instances ($megabytes MB)" "wall s" instances/s "vs gdcmanon"
printf '%-62s %8.3f %11s %10s\n' "Isocenter reading set (review + storage job, copies indexed)" "$system_s" "$(rate "$system_s")" "$(ratio "$system_s" "$gdcm_s")"
printf '%-62s %8.3f %11s %10s\n' "isocenter anonymize (toolkit, folder to folder)" "$toolkit_s" "$(rate "$toolkit_s")" "$(ratio "$toolkit_s" "$gdcm_s")"
printf '%-62s %8.3f %11s %10s\n' "GDCM $(gdcmanon --version 2>&1 | awk '{ print $3; exit }') gdcmanon -e (Basic Profile, encrypted originals)" "$gdcm_s" "$(rate "$gdcm_s")" "1.00x"
printf '%-62s %8.3f %11s %10s\n' "pydicom $(/usr/bin/python3 -c 'import pydicom; print(pydicom.__version__)') (same Table E.1-1, bench/deidentify-pydicom.py)" "$pydicom_s" "$(rate "$pydicom_s")" "$(ratio "$pydicom_s" "$gdcm_s")"
echo "storage service CPU during the reading set: $cpu_share of $cores core(s) (utime+stime of its process / wall / cores)"
echo "the reading set's time runs from POST /api/reading-sets to the set reading 'ready' (every copy indexed, polled every 50 ms);"
echo "vs gdcmanon: gdcmanon's wall time / this row's (above 1: faster than gdcmanon). One run; the services warmed up with a 10-instance reading set first."
