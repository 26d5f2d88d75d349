#!/usr/bin/env bash
# Retrieving a study from a PACS, whole system, in the same run: Orthanc (Debian package) plays the hospital PACS holding a
# synthetic CT study; Isocenter retrieves it through its API (`POST /api/retrievals`, the pacs service) by C-MOVE (Orthanc
# sends to ingest) and by C-GET (the pacs service receives), into the archive (object store + PostgreSQL index); DCMTK's
# movescu (receiving itself) and getscu retrieve the same study into a folder. Reports instances/s and the ratios.
# See bench/README.md.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: bench/pacs-retrieve.sh [--quick] [--runs N]
  --quick   100 instances, 1 run per case (CI); default 500 instances, 3 runs per case (median reported)
  --runs N  runs per case
Needs the solution built in Release (./dev.sh bench does it).
EOF
}

quick=0
runs=
while (($#)); do
  case $1 in
    --quick) quick=1 ;;
    --runs) runs=$2; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
  shift
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if ((quick)); then slices=100 runs=${runs:-1}; else slices=500 runs=${runs:-3}; fi
# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"
require "$services/ingest/Isocenter.Ingest/bin/Release/net10.0/Isocenter.Ingest.dll" "$services/storage/Isocenter.Storage/bin/Release/net10.0/Isocenter.Storage.dll" \
  "$services/pacs/Isocenter.Pacs/bin/Release/net10.0/Isocenter.Pacs.dll"
"$root/scripts/infra.sh" up postgres rabbitmq

ct_dir=$root/.dev/bench/store$slices
demo_ct "$ct_dir" "$slices" 500
mapfile -d '' files < <(find "$ct_dir" -name '*.dcm' -print0 | sort -z)
count=${#files[@]}
megabytes=$(du -cb "${files[@]}" | awk 'END { printf "%.1f", $1 / 1e6 }')
study=$(dcmdump +P StudyInstanceUID "${files[0]}" | sed -E 's/.*\[(.*)\].*/\1/')

# Orthanc must reach the C-MOVE destinations on this machine's loopback, so it runs outside a network namespace here (its
# DICOM port listens on every interface for the duration of the run; its HTTP server accepts loopback only).
ingest_port=$(free_port) movescu_port=$(free_port) orthanc_port=$(free_port) orthanc_http=$(free_port)
mkdir -p "$tmp/orthanc"
orthanc_json "$tmp/orthanc" "$orthanc_port" "$orthanc_http"
python3 - "$tmp/orthanc/orthanc.json" "$ingest_port" "$movescu_port" <<'EOF'
import json, sys
path, ingest, movescu = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
config = json.load(open(path))
config.update(DicomAlwaysAllowFind=True, DicomAlwaysAllowMove=True, DicomAlwaysAllowGet=True,
              DicomModalities={"isocenter": ["ISOCENTER", "127.0.0.1", ingest], "movescu": ["MOVESCU", "127.0.0.1", movescu]})
json.dump(config, open(path, "w"))
EOF
Orthanc "$tmp/orthanc/orthanc.json" >"$tmp/orthanc.log" 2>&1 &
pids+=($!)
orthanc_pid=$!
wait_echo "$orthanc_port" ORTHANC
echo "loading the PACS: $count CT instances ($megabytes MB) into Orthanc"
storescu -aec ORTHANC -aet BENCHSCU 127.0.0.1 "$orthanc_port" "${files[@]}" >"$tmp/storescu.log" 2>&1 || fail "storescu into Orthanc failed" "$tmp/storescu.log"

# Isocenter: storage, ingest (the C-MOVE destination) and the pacs service on a database, queues and object store of their own.
db=bench_$$_$RANDOM vhost=bench-$$-$RANDOM objects=$tmp/objects
psql_index -d "$ISOCENTER_PG_DATABASE" -c "CREATE DATABASE $db" >/dev/null
"$root/scripts/infra.sh" vhost "$vhost"
mapfile -t settings < <(isocenter_settings "$db" "$vhost" "$objects" "$ingest_port")
pacs_http=$(free_port)
start_dotnet storage "$(free_port)" "${settings[@]}"
start_dotnet ingest "$(free_port)" "${settings[@]}"
start_dotnet pacs "$pacs_http" "${settings[@]}"
api=http://127.0.0.1:$pacs_http/api
curl -fsS -X PUT "$api/dicom-nodes/orthanc" -H 'Content-Type: application/json' \
  -d "{\"aeTitle\":\"ORTHANC\",\"host\":\"127.0.0.1\",\"port\":$orthanc_port,\"query\":true,\"retrieveMethod\":\"C-MOVE\"}" >/dev/null

instances() { psql_index -d "$db" -c "SELECT count(*) FROM instance"; }

# run_isocenter METHOD: retrieves the study through the API, prints "TRANSFER_SECONDS INDEXED_SECONDS" (until the job is
# completed; from then until the index holds every instance). The archive is emptied first.
run_isocenter() {
  local method=$1 start end indexed id state
  psql_index -d "$db" -c "TRUNCATE instance, series, study, patient CASCADE" >/dev/null
  rm -rf "$objects"
  start=$(now)
  id=$(curl -fsS -X POST "$api/retrievals" -H 'Content-Type: application/json' \
    -d "{\"node\":\"orthanc\",\"studyInstanceUid\":\"$study\",\"method\":\"$method\"}" | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
  for ((i = 0; i < 6000; i++)); do
    state=$(curl -fsS "$api/retrievals/$id" | python3 -c 'import json, sys; print(json.load(sys.stdin)["state"])')
    [[ $state == completed || $state == partial || $state == failed ]] && break
    sleep 0.05
  done
  end=$(now)
  [[ $state == completed ]] || fail "the $method retrieval ended $state: $(curl -fsS "$api/retrievals/$id")" "$tmp/pacs.log"
  for ((i = 0; i < 1200; i++)); do
    [[ $(instances) == "$count" ]] && break
    sleep 0.05
  done
  indexed=$(now)
  [[ $(instances) == "$count" ]] || fail "the index holds $(instances) of $count instances after the $method retrieval" "$tmp/storage.log"
  python3 "$root/bench/same-datasets.py" "$objects" "${files[@]}" || fail "a retrieved dataset differs from the file Orthanc was sent"
  echo "$(seconds "$start" "$end") $(seconds "$end" "$indexed")"
}

# run_dcmtk METHOD: movescu (receiving on its own port) or getscu into an empty folder; prints "SECONDS 0".
run_dcmtk() {
  local method=$1 out=$tmp/dcmtk start end
  rm -rf "$out" && mkdir -p "$out"
  start=$(now)
  case $method in
    C-MOVE) movescu -S -aet MOVESCU -aec ORTHANC -aem MOVESCU --port "$movescu_port" -od "$out" \
      -k QueryRetrieveLevel=STUDY -k "StudyInstanceUID=$study" 127.0.0.1 "$orthanc_port" >"$tmp/dcmtk.log" 2>&1 ;;
    C-GET) getscu -S -aet GETSCU -aec ORTHANC -od "$out" -k QueryRetrieveLevel=STUDY -k "StudyInstanceUID=$study" \
      127.0.0.1 "$orthanc_port" >"$tmp/dcmtk.log" 2>&1 ;;
  esac
  end=$(now)
  [[ $(find "$out" -type f | wc -l) -eq $count ]] || fail "DCMTK's $method wrote $(find "$out" -type f | wc -l) of $count files" "$tmp/dcmtk.log"
  echo "$(seconds "$start" "$end") 0"
}

# Warm-up, untimed: one retrieval each way (JIT, first connections, Orthanc's cache).
run_isocenter C-MOVE >/dev/null
run_dcmtk C-MOVE >/dev/null
declare -A wall indexed
for ((r = 0; r < runs; r++)); do
  for method in C-MOVE C-GET; do
    for name in dcmtk isocenter; do
      read -r s x <<<"$("run_$name" "$method")"
      wall[$name-$method]+=" $s"
      indexed[$name-$method]+=" $x"
      echo "run $((r + 1)): $name, $method: $s s, +$x s to index"
    done
  done
done
kill "$orthanc_pid" 2>/dev/null || true
stop_all
psql_index -d "$ISOCENTER_PG_DATABASE" -c "DROP DATABASE $db" >/dev/null

echo
printf '%-52s %8s %11s %7s %12s %16s\n' "retrieve $count instances from Orthanc" "wall s" instances/s MB/s "+s to index" "Isocenter/DCMTK"
declare -A median_wall
for method in C-MOVE C-GET; do
  for name in dcmtk isocenter; do
    # shellcheck disable=SC2086 # the list of times is split on purpose
    s=$(median ${wall[$name-$method]})
    # shellcheck disable=SC2086
    x=$(median ${indexed[$name-$method]})
    median_wall[$name-$method]=$s
    case $name in
      dcmtk) label="DCMTK $( [[ $method == C-MOVE ]] && echo movescu || echo getscu) ($method, into a folder)" ratio=- ;;
      isocenter) label="Isocenter /api/retrievals ($method, into the archive)" ratio=$(awk -v d="${median_wall[dcmtk-$method]}" -v s="$s" 'BEGIN { printf "%.2fx", d / s }') ;;
    esac
    printf '%-52s %8.3f %11.1f %7.1f %12.3f %16s\n' "$label" "$s" "$(awk -v n="$count" -v s="$s" 'BEGIN { print n / s }')" \
      "$(awk -v m="$megabytes" -v s="$s" 'BEGIN { print m / s }')" "$x" "$ratio"
  done
done
echo "Orthanc $( (Orthanc --version 2>/dev/null || true) | awk 'NR == 1 { print $NF }') holds one study of $count CT instances ($megabytes MB); TCP_NODELAY=1 for DCMTK."
echo "Isocenter: from POST /api/retrievals until the job is completed (every sub-operation reported done: stored in the object"
echo "store and announced), then +s until the index holds every instance; each retrieved dataset is checked byte-identical."
echo "DCMTK: the process's wall time, writing one file per instance. Median of $runs run(s) after an untimed warm-up."
