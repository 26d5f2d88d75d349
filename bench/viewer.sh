#!/usr/bin/env bash
# The web viewer in headless Chromium on loopback (tests/e2e/viewer-bench.js): time from clicking a 300-slice CT study in
# the worklist to its first image and to its whole series loaded (cold: a fresh browser context each time), the scrolling
# rate once loaded; and the same series in Orthanc's Web Viewer plugin, same data, same run. See bench/README.md.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: bench/viewer.sh [--quick]
  --quick   a 60-slice series of 256x256, one repetition, no Orthanc (CI); default 300 slices of 512x512, 5 repetitions
            each, against Orthanc's Web Viewer too
Needs the solution and the web viewer built (./dev.sh bench does it), tests/e2e's Node packages, Debian's chromium and
orthanc-webviewer, and root (or sudo) for Orthanc's network namespace.
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
if ((quick)); then slices=60 size=256 repetitions=1; else slices=300 size=512 repetitions=5; fi
# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"
gateway_dll=$root/gateway/Isocenter.Gateway/bin/Release/net10.0/Isocenter.Gateway.dll
require "$gateway_dll" "$root/web-viewer/dist/index.html" "$root/tests/e2e/node_modules/playwright-core" \
  "$services/dicomweb/Isocenter.DicomWeb/bin/Release/net10.0/Isocenter.DicomWeb.dll" \
  "$services/ingest/Isocenter.Ingest/bin/Release/net10.0/Isocenter.Ingest.dll" "$services/storage/Isocenter.Storage/bin/Release/net10.0/Isocenter.Storage.dll" \
  "$services/thumbnails/Isocenter.Thumbnails/bin/Release/net10.0/Isocenter.Thumbnails.dll" \
  "$services/pacs/Isocenter.Pacs/bin/Release/net10.0/Isocenter.Pacs.dll" "$services/review/Isocenter.Review/bin/Release/net10.0/Isocenter.Review.dll"
"$root/scripts/infra.sh" up postgres rabbitmq

ct_dir=$root/.dev/bench/viewer${slices}x$size
demo_ct "$ct_dir" "$slices" 800 "$size"
mapfile -d '' files < <(find "$ct_dir" -name '*.dcm' -print0 | sort -z)
count=${#files[@]}
read -r study series <<<"$(dcmdump +P StudyInstanceUID +P SeriesInstanceUID "${files[0]}" | sed -E 's/.*\[([^]]*)\].*/\1/' | tr '\n' ' ')"

# Isocenter: storage, ingest, thumbnails, DICOMweb, pacs and review (the worklist asks both) and the gateway serving the
# viewer, on a database, virtual host and object store of their own.
db=bench_$$_$RANDOM vhost=bench-$$-$RANDOM dimse=$(free_port) gw=$(free_port) dicomweb=$(free_port) pacs=$(free_port) review=$(free_port)
psql_index -d "$ISOCENTER_PG_DATABASE" -c "CREATE DATABASE $db" >/dev/null
trap 'cleanup; psql_index -d "$ISOCENTER_PG_DATABASE" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null' EXIT
"$root/scripts/infra.sh" vhost "$vhost"
mapfile -t settings < <(isocenter_settings "$db" "$vhost" "$tmp/objects" "$dimse")
key=$(head -c 48 /dev/urandom | base64 -w0)
gateway=(Gateway__Auth__SigningKey="$key" Gateway__WebRoot="$root/web-viewer/dist" Gateway__RateLimit__PermitLimit=1000000
  ReverseProxy__Clusters__dicomweb__Destinations__dicomweb__Address="http://127.0.0.1:$dicomweb/"
  ReverseProxy__Clusters__pacs__Destinations__pacs__Address="http://127.0.0.1:$pacs/"
  ReverseProxy__Clusters__review__Destinations__review__Address="http://127.0.0.1:$review/")
start_dotnet storage "$(free_port)" "${settings[@]}"
start_dotnet ingest "$(free_port)" "${settings[@]}"
start_dotnet thumbnails "$(free_port)" "${settings[@]}"
start_dotnet dicomweb "$dicomweb" "${settings[@]}"
start_dotnet pacs "$pacs" "${settings[@]}"
start_dotnet review "$review" "${settings[@]}" "Review__ShareLinkKey=$(head -c 48 /dev/urandom | base64 -w0)"
start_dotnet gateway "$gw" "${gateway[@]}"
token=$(env "${gateway[@]}" dotnet "$gateway_dll" token --user bench --minutes 60)
storescu -aec ISOCENTER -aet BENCHSCU 127.0.0.1 "$dimse" "${files[@]}" >"$tmp/storescu.log" 2>&1 || fail "storescu failed against Isocenter" "$tmp/storescu.log"
for ((i = 0; i < 600; i++)); do
  [[ $(psql_index -d "$db" -c "SELECT count(*) FROM instance") == "$count" ]] && break
  sleep 0.1
done

bench=(node "$root/tests/e2e/viewer-bench.js")
read -r i_first50 i_first95 i_loaded50 i_loaded95 i_wheel i_keys < <(ISOCENTER_GATEWAY_HTTP_PORT=$gw ISOCENTER_TOKEN=$token \
  "${bench[@]}" isocenter "$study" "$repetitions") || fail "the viewer benchmark failed" "$tmp/gateway.log"

echo
echo "one CT series, $count slices of ${size}x$size; headless Chromium on loopback, a fresh browser context each of $repetitions repetitions"
printf '%-44s %18s %20s %18s %18s\n' viewer "first image p50/95" "series loaded p50/95" "scroll wheel /s" "scroll keys /s"
printf '%-44s %8s/%6s ms %10s/%6s ms %18s %18s\n' "Isocenter (gateway, DICOMweb frames)" "$i_first50" "$i_first95" "$i_loaded50" "$i_loaded95" "$i_wheel" "$i_keys"

if ((!quick)); then
  # Orthanc with its Web Viewer plugin, in its network namespace (Chromium there too), the same files stored.
  mkdir -p "$tmp/orthanc"
  oport=$(free_port) ohttp=$(free_port)
  orthanc_json "$tmp/orthanc" "$oport" "$ohttp" /usr/share/orthanc/plugins/libOrthancWebViewer.so
  "${in_ns[@]}" Orthanc "$tmp/orthanc/orthanc.json" >"$tmp/orthanc.log" 2>&1 &
  pids+=($!)
  wait_echo "$oport" ORTHANC "${in_ns[@]}"
  "${in_ns[@]}" storescu -aec ORTHANC -aet BENCHSCU 127.0.0.1 "$oport" "${files[@]}" >"$tmp/storescu.log" 2>&1 || fail "storescu failed against Orthanc" "$tmp/storescu.log"
  oseries=$("${in_ns[@]}" curl -fs -X POST -d "$series" "http://127.0.0.1:$ohttp/tools/lookup" | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["ID"])')
  read -r o_first50 o_first95 o_loaded50 o_loaded95 o_wheel _ < <("${in_ns[@]}" "${bench[@]}" orthanc \
    "http://127.0.0.1:$ohttp/web-viewer/app/viewer.html?series=$oseries" "$repetitions") || fail "the Orthanc viewer benchmark failed" "$tmp/orthanc.log"
  orthanc_version=$( (Orthanc --version 2>/dev/null || true) | awk 'NR == 1 { print $NF }')
  printf '%-44s %8s/%6s ms %10s/%6s ms %18s %18s\n' "Orthanc $orthanc_version + Web Viewer 2.8 (jpeg95)" "$o_first50" "$o_first95" "$o_loaded50" "$o_loaded95" "$o_wheel" -
  awk -v of="$o_first50" -v if_="$i_first50" -v ol="$o_loaded50" -v il="$i_loaded50" -v ow="$o_wheel" -v iw="$i_wheel" 'BEGIN {
    printf "Orthanc/Isocenter (median): first image %.2fx, series loaded %.2fx; Isocenter/Orthanc scrolling %.2fx\n", of / if_, ol / il, iw / ow }'
fi
awk -v f="$i_first50" -v w="$i_wheel" -v k="$i_keys" 'BEGIN {
  printf "targets: first image < 500 ms (%s), scrolling >= 30 slices/s (%s)\n", (f < 500) ? "met" : "MISSED", (w >= 30 && k >= 30) ? "met" : "MISSED" }'
stop_all
