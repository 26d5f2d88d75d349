#!/usr/bin/env bash
# DICOMweb through the gateway against Orthanc's DICOMweb plugin, same data, same run: QIDO-RS study search latency
# (p50/p95 of one request at a time) and WADO-RS series retrieval throughput (MB/s); then QIDO-RS latency with the index
# grown to 1,000,000 instances by bulk rows (bench/dicomweb-bulk.sql). See bench/README.md.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: bench/dicomweb.sh [--quick]
  --quick   a 40-slice series, 100 searches, 3 retrievals, 100,000 bulk instances (CI);
            default a 200-slice series (512x512), 500 searches, 5 retrievals, 1,000,000 bulk instances
Needs the solution built in Release (./dev.sh bench does it) and root (or sudo) for Orthanc's network namespace.
USAGE
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
if ((quick)); then slices=40 searches=100 retrievals=3 bulk_studies=1000; else slices=200 searches=500 retrievals=5 bulk_studies=10000; fi
# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"
load=$root/bench/Isocenter.DicomWeb.Load/bin/Release/net10.0/Isocenter.DicomWeb.Load.dll
gateway_dll=$root/gateway/Isocenter.Gateway/bin/Release/net10.0/Isocenter.Gateway.dll
require "$load" "$gateway_dll" "$services/dicomweb/Isocenter.DicomWeb/bin/Release/net10.0/Isocenter.DicomWeb.dll" \
  "$services/ingest/Isocenter.Ingest/bin/Release/net10.0/Isocenter.Ingest.dll" "$services/storage/Isocenter.Storage/bin/Release/net10.0/Isocenter.Storage.dll"
"$root/scripts/infra.sh" up postgres rabbitmq

ct_dir=$root/.dev/bench/dicomweb$slices
demo_ct "$ct_dir" "$slices" 600
mapfile -d '' files < <(find "$ct_dir" -name '*.dcm' -print0 | sort -z)
count=${#files[@]}
megabytes=$(du -cb "${files[@]}" | awk 'END { printf "%.1f", $1 / 1e6 }')
first=$(dcmdump +P PatientID +P StudyInstanceUID +P SeriesInstanceUID "${files[0]}" | sed -E 's/.*\[([^]]*)\].*/\1/')
read -r patient study series <<<"$(echo "$first" | tr '\n' ' ')"
series_accept='Accept: multipart/related; type="application/dicom"'

# Isocenter: storage, ingest, DICOMweb and the gateway on a database, virtual host and object store of their own.
db=bench_$$_$RANDOM vhost=bench-$$-$RANDOM dimse=$(free_port) gw=$(free_port) dicomweb=$(free_port)
psql_index -d "$ISOCENTER_PG_DATABASE" -c "CREATE DATABASE $db" >/dev/null
"$root/scripts/infra.sh" vhost "$vhost"
mapfile -t settings < <(isocenter_settings "$db" "$vhost" "$tmp/objects" "$dimse")
key=$(head -c 48 /dev/urandom | base64 -w0)
gateway=(Gateway__Auth__SigningKey="$key" ReverseProxy__Clusters__dicomweb__Destinations__dicomweb__Address="http://127.0.0.1:$dicomweb/"
  Gateway__RateLimit__PermitLimit=1000000)
start_dotnet storage "$(free_port)" "${settings[@]}"
start_dotnet ingest "$(free_port)" "${settings[@]}"
start_dotnet dicomweb "$dicomweb" "${settings[@]}"
start_dotnet gateway "$gw" "${gateway[@]}"
token=$(env "${gateway[@]}" dotnet "$gateway_dll" token --user bench --minutes 60)
auth="Authorization: Bearer $token"
storescu -aec ISOCENTER -aet BENCHSCU 127.0.0.1 "$dimse" "${files[@]}" >"$tmp/storescu.log" 2>&1 || fail "storescu failed against Isocenter" "$tmp/storescu.log"
for ((i = 0; i < 600; i++)); do
  [[ $(psql_index -d "$db" -c "SELECT count(*) FROM instance") == "$count" ]] && break
  sleep 0.1
done
isocenter=http://127.0.0.1:$gw/dicomweb
service=http://127.0.0.1:$dicomweb/dicomweb # the DICOMweb service itself, for what the gateway's hop costs

# Orthanc with its DICOMweb plugin, in its network namespace, the same files stored.
mkdir -p "$tmp/orthanc"
oport=$(free_port) ohttp=$(free_port)
orthanc_json "$tmp/orthanc" "$oport" "$ohttp" /usr/share/orthanc/plugins/libOrthancDicomWeb.so
"${in_ns[@]}" Orthanc "$tmp/orthanc/orthanc.json" >"$tmp/orthanc.log" 2>&1 &
pids+=($!)
wait_echo "$oport" ORTHANC "${in_ns[@]}"
"${in_ns[@]}" storescu -aec ORTHANC -aet BENCHSCU 127.0.0.1 "$oport" "${files[@]}" >"$tmp/storescu.log" 2>&1 || fail "storescu failed against Orthanc" "$tmp/storescu.log"
orthanc=http://127.0.0.1:$ohttp/dicom-web

measure() { # NAME latency|throughput URL COUNT HEADER...: runs the load tool (in Orthanc's namespace for Orthanc)
  local name=$1
  shift
  if [[ $name == orthanc ]]; then "${in_ns[@]}" dotnet "$load" "$@"; else dotnet "$load" "$@"; fi
}

read -r o50 o95 _ <<<"$(measure orthanc latency "$orthanc/studies?PatientID=$patient" "$searches")"
read -r i50 i95 _ <<<"$(measure isocenter latency "$isocenter/studies?PatientID=$patient" "$searches" "$auth")"
read -r ombs obytes <<<"$(measure orthanc throughput "$orthanc/studies/$study/series/$series" "$retrievals" "$series_accept")"
read -r imbs ibytes <<<"$(measure isocenter throughput "$isocenter/studies/$study/series/$series" "$retrievals" "$series_accept" "$auth")"
read -r s50 s95 _ <<<"$(measure isocenter latency "$service/studies?PatientID=$patient" "$searches")"
read -r smbs sbytes <<<"$(measure isocenter throughput "$service/studies/$study/series/$series" "$retrievals" "$series_accept")"
orthanc_version=$( (Orthanc --version 2>/dev/null || true) | awk 'NR == 1 { print $NF }')

echo
echo "same data: one CT series, $count instances, $megabytes MB; one request at a time; Isocenter through its gateway (bearer token)"
printf '%-52s %10s %10s %16s %18s\n' server "QIDO p50" "QIDO p95" "WADO series MB/s" "bytes per series"
printf '%-52s %8.2fms %8.2fms %16.1f %18d\n' "Orthanc $orthanc_version + DICOMweb plugin (SQLite)" "$o50" "$o95" "$ombs" "$obytes"
printf '%-52s %8.2fms %8.2fms %16.1f %18d\n' "Isocenter (gateway + DICOMweb + PostgreSQL)" "$i50" "$i95" "$imbs" "$ibytes"
printf '%-52s %8.2fms %8.2fms %16.1f %18d\n' "  the DICOMweb service alone (no gateway, no token)" "$s50" "$s95" "$smbs" "$sbytes"
awk -v o50="$o50" -v i50="$i50" -v o95="$o95" -v i95="$i95" -v om="$ombs" -v im="$imbs" \
  -v s50="$s50" -v s95="$s95" -v sm="$smbs" 'BEGIN {
  printf "Isocenter/Orthanc: QIDO p50 %.2fx faster, p95 %.2fx faster; WADO %.2fx the throughput (target >= 2x)\n", o50 / i50, o95 / i95, im / om
  printf "the service alone/Orthanc: QIDO p50 %.2fx faster, p95 %.2fx faster; WADO %.2fx the throughput\n", o50 / s50, o95 / s95, sm / om }'

# The index grown to (about) 1,000,000 instances by bulk rows; the same searches and a few more through the gateway.
echo
echo "bulk rows: $bulk_studies studies x 2 series x 50 instances ..."
start=$(now)
psql_index -d "$db" -v studies="$bulk_studies" -v series=2 -v instances=50 -v seed="$RANDOM" -f "$root/bench/dicomweb-bulk.sql" >/dev/null
instances=$(psql_index -d "$db" -c "SELECT count(*) FROM instance")
echo "index: $instances instances ($(psql_index -d "$db" -c "SELECT count(*) FROM study") studies), rows written in $(seconds "$start" "$(now)") s"
bulk_study=$(psql_index -d "$db" -c "SELECT study_instance_uid FROM study ORDER BY id DESC LIMIT 1")
bulk_series=$(psql_index -d "$db" -c "SELECT series_instance_uid FROM series ORDER BY id DESC LIMIT 1")
bulk_patient=$(psql_index -d "$db" -c "SELECT patient_id FROM patient ORDER BY id DESC LIMIT 1")
printf '%-64s %10s %10s %10s\n' "QIDO-RS through the gateway, $instances instances" p50 p95 p99
worst=0
for query in "studies?PatientID=$bulk_patient" "studies?PatientID=$patient" "studies?PatientName=FAMILY042*&limit=100" \
  "studies?StudyDate=20200101-20200131&limit=100" "studies?ModalitiesInStudy=MR&limit=100" "studies?AccessionNumber=ACC*&limit=25" \
  "studies/$bulk_study/series" "studies/$bulk_study/series/$bulk_series/instances"; do
  read -r p50 p95 p99 <<<"$(measure isocenter latency "$isocenter/$query" "$searches" "$auth")"
  printf '%-64s %8.2fms %8.2fms %8.2fms\n' "${query:0:64}" "$p50" "$p95" "$p99"
  worst=$(awk -v a="$worst" -v b="$p95" 'BEGIN { print (b > a) ? b : a }')
done
echo "worst p95: ${worst} ms (target < 20 ms)"
stop_all
psql_index -d "$ISOCENTER_PG_DATABASE" -c "DROP DATABASE $db" >/dev/null
