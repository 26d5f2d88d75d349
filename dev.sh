#!/usr/bin/env bash
# Isocenter developer entry point. Idempotent: installs what is missing, then does the job.
#   ./dev.sh up        set up, build, start the servers and the archive's services, and store a demo CT study into it
#   ./dev.sh test      set up and run every test suite (what CI runs), the viewer's in a browser against the started stack
#   ./dev.sh down      stop what `up` started
#   ./dev.sh bench     run the benchmarks in full (long; CI runs them in --quick mode inside `test`)
#   ./dev.sh generate  regenerate the DICOM dictionary and UID registry from the Debian-packaged tables
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
STATE=$ROOT/.dev
CLI="$ROOT/tools/Isocenter.Cli/bin/Release/net10.0/isocenter"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export TCP_NODELAY=1 # DCMTK tools leave Nagle on without it
# Ports and credentials of the local servers (dev.env), as the .NET settings services and tests read.
eval "$(scripts/infra.sh env)"

log() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# Debian packages the tests and benchmarks use as real peers and references, and the native codec libraries.
# chromium runs the viewer's end-to-end tests and benchmark (headless, driven by playwright-core); orthanc-webviewer is the
# viewer the benchmark compares with. python3-pil decodes the rendered images in the DICOMweb tests.
# The deployment checks (tests/deploy/check.sh) render the Helm chart with Go's text/template and sprig (as helm does),
# validate the manifests with python3-kubernetes's API models and the values with python3-jsonschema, and the Compose file
# with docker-compose.
DEB_PACKAGES=(curl dcmtk libgdcm-tools python3-pydicom python3-numpy python3-pil time libturbojpeg0 libcharls2 libopenjp2-7 libjpeg-turbo-progs orthanc orthanc-dicomweb orthanc-webviewer openjph-tools afl++ chromium
  golang-go golang-github-masterminds-sprig-dev golang-gopkg-yaml.v3-dev python3-kubernetes python3-jsonschema python3-yaml docker-compose)

# npm_ci DIR: npm ci in DIR unless its node_modules is already what its package-lock.json says (npm writes
# node_modules/.package-lock.json at each install).
npm_ci() {
  [ "$1/node_modules/.package-lock.json" -nt "$1/package-lock.json" ] && return
  log "installing $1's Node packages (npm ci)"
  (cd "$1" && npm ci --silent --no-audit --no-fund >/dev/null)
}

deps() {
  local missing=()
  for p in "${DEB_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    log "installing Debian packages: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    # The network tests start their own Orthanc from a generated configuration: the package's system service is not wanted.
    if [[ " ${missing[*]} " == *" orthanc "* ]] && command -v systemctl >/dev/null; then
      $sudo systemctl disable --now orthanc >/dev/null 2>&1 || true
    fi
  fi
  # Node packages, pinned by their lock files: dicomweb-client (the DICOMweb client OHIF uses) for the interoperability
  # test, the web viewer's build and test tools, playwright-core for the end-to-end tests.
  npm_ci tests/interop/dicomweb-client
  npm_ci web-viewer
  npm_ci tests/e2e
  command -v dotnet >/dev/null || { echo "error: the .NET SDK (10.0) is required: https://learn.microsoft.com/dotnet/core/install/linux-debian" >&2; exit 1; }
}

# start_service NAME HTTP_PORT [SETTING=VALUE...]: runs services/NAME from its Release build in the background (pid in
# .dev/pids, log in .dev/logs/NAME.log) and waits until /health answers Healthy.
start_service() {
  local name=$1 port=$2
  shift 2
  local dll
  dll=$(find services gateway -ipath "*/bin/Release/net10.0/Isocenter.${name}.dll" | head -n 1)
  if curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1; then
    log "$name already runs on :$port"
    return
  fi
  log "starting $name (http://127.0.0.1:$port)"
  env "$@" nohup dotnet "$dll" --urls "http://127.0.0.1:$port" >"$STATE/logs/$name.log" 2>&1 &
  echo $! >>"$STATE/pids"
  for ((i = 0; i < 240; i++)); do
    if [ "$(curl -fs "http://127.0.0.1:$port/health" 2>/dev/null)" = Healthy ]; then return; fi
    kill -0 "$(tail -n 1 "$STATE/pids")" 2>/dev/null || break
    sleep 0.25
  done
  echo "error: $name did not become healthy; its log (.dev/logs/$name.log) ends with:" >&2
  tail -n 30 "$STATE/logs/$name.log" >&2
  exit 1
}

build() {
  log "building (Release)"
  dotnet build Isocenter.slnx -c Release --nologo -v quiet -clp:ErrorsOnly
  log "building the web viewer (web-viewer/dist, served by the gateway)"
  (cd web-viewer && npm run --silent build >/dev/null)
}

# start_stack [SETTING=VALUE...]: the servers, the archive's services and the gateway (serving the web viewer) on the
# ports of dev.env, as `up` and `test` run them; the settings go to the render service. Sets `token` (a development token
# of the gateway, 8 hours, also written to .dev/token).
start_stack() {
  mkdir -p "$STATE/logs"
  scripts/infra.sh up
  set -a
  . ./dev.env
  set +a
  export ObjectStore__Root="$STATE/objects" DOTNET_ENVIRONMENT=Development
  start_service storage "$ISOCENTER_STORAGE_HTTP_PORT"
  start_service ingest "$ISOCENTER_INGEST_HTTP_PORT" Dicom__Port="$ISOCENTER_DIMSE_PORT" Dicom__AETitle="$ISOCENTER_DIMSE_AE"
  start_service thumbnails "$ISOCENTER_THUMBNAILS_HTTP_PORT"
  start_service dicomweb "$ISOCENTER_DICOMWEB_HTTP_PORT"
  start_service render "$ISOCENTER_RENDER_HTTP_PORT" "$@"
  start_service pacs "$ISOCENTER_PACS_HTTP_PORT" Pacs__AETitle="$ISOCENTER_DIMSE_AE" Pacs__MoveDestination="$ISOCENTER_DIMSE_AE"
  # The review service signs share links, and the gateway development tokens, with keys made once per checkout (never committed).
  [ -s "$STATE/review.key" ] || (umask 077 && head -c 48 /dev/urandom | base64 -w0 >"$STATE/review.key")
  start_service review "$ISOCENTER_REVIEW_HTTP_PORT" Review__ShareLinkKey="$(cat "$STATE/review.key")"
  [ -s "$STATE/gateway.key" ] || (umask 077 && head -c 48 /dev/urandom | base64 -w0 >"$STATE/gateway.key")
  local gateway=(Gateway__Auth__SigningKey="$(cat "$STATE/gateway.key")" Gateway__WebRoot="$ROOT/web-viewer/dist"
    Gateway__Admins__0=dev Gateway__ReviewService="http://127.0.0.1:${ISOCENTER_REVIEW_HTTP_PORT:-8087}/"
    ReverseProxy__Clusters__dicomweb__Destinations__dicomweb__Address="http://127.0.0.1:$ISOCENTER_DICOMWEB_HTTP_PORT/"
    ReverseProxy__Clusters__render__Destinations__render__Address="http://127.0.0.1:$ISOCENTER_RENDER_HTTP_PORT/"
    ReverseProxy__Clusters__pacs__Destinations__pacs__Address="http://127.0.0.1:$ISOCENTER_PACS_HTTP_PORT/"
    ReverseProxy__Clusters__review__Destinations__review__Address="http://127.0.0.1:$ISOCENTER_REVIEW_HTTP_PORT/")
  start_service gateway "$ISOCENTER_GATEWAY_HTTP_PORT" "${gateway[@]}"
  token=$(env "${gateway[@]}" dotnet gateway/Isocenter.Gateway/bin/Release/net10.0/Isocenter.Gateway.dll token --user dev --minutes 480)
  (umask 077 && printf '%s\n' "$token" >"$STATE/token")
}

# stop_started N: stops the services started after the first N lines of .dev/pids (what this run started, not what a
# running `up` had).
stop_started() {
  [ -f "$STATE/pids" ] || return 0
  tail -n +"$(($1 + 1))" "$STATE/pids" | xargs -r kill 2>/dev/null || true
  head -n "$1" "$STATE/pids" >"$STATE/pids.kept" && mv "$STATE/pids.kept" "$STATE/pids"
}

# load_demo: stores the demo CT study (120 slices of 512², written once to .dev/demo) into the running archive over
# C-STORE and waits until the index holds it.
load_demo() {
  if [ ! -f "$STATE/demo.complete" ]; then
    log "writing a synthetic CT study to .dev/demo"
    rm -rf "$STATE/demo"
    "$CLI" demo --out "$STATE/demo" --patients 1 --slices 120 --size 512 | tail -n 1
    touch "$STATE/demo.complete"
  fi
  log "storing it through C-STORE into ingest (127.0.0.1:$ISOCENTER_DIMSE_PORT, AE $ISOCENTER_DIMSE_AE)"
  "$CLI" send --called "$ISOCENTER_DIMSE_AE" 127.0.0.1 "$ISOCENTER_DIMSE_PORT" "$STATE/demo" | tail -n 2
  # Indexing is asynchronous (the storage service, in batches): wait until the index holds what was sent.
  local sent indexed
  sent=$(find "$STATE/demo" -name '*.dcm' | wc -l)
  for ((i = 0; i < 80; i++)); do
    indexed=$(PGPASSWORD=$ISOCENTER_PG_PASSWORD psql -h 127.0.0.1 -p "$ISOCENTER_PG_PORT" -U "$ISOCENTER_PG_USER" -d "$ISOCENTER_PG_DATABASE" -qtAX \
      -c "SELECT count(*) FROM instance" 2>/dev/null || echo 0)
    ((indexed >= sent)) && break
    sleep 0.25
  done
}

# e2e: the web viewer in a browser (tests/e2e, headless Chromium) against the whole stack started here with demo data, the
# render service on the CPU; stops what it started.
e2e() {
  local before status=0
  before=$( (cat "$STATE/pids" 2>/dev/null || true) | wc -l)
  trap 'stop_started '"$before" EXIT
  start_stack Render__Accelerator=Cpu
  load_demo
  log "end-to-end tests of the web viewer (tests/e2e; screenshots in .dev/e2e/screenshots)"
  rm -rf "$STATE/e2e/screenshots"
  (cd tests/e2e && ISOCENTER_TOKEN=$token npm test) || status=1
  stop_started "$before"
  trap - EXIT
  return "$status"
}

case "${1:-help}" in
  up)
    deps
    build
    start_stack
    load_demo
    log "the archive holds (C-FIND, study level):"
    "$CLI" find --called "$ISOCENTER_DIMSE_AE" 127.0.0.1 "$ISOCENTER_DIMSE_PORT" -k QueryRetrieveLevel=STUDY -k PatientName -k StudyDate \
      -k StudyDescription -k NumberOfStudyRelatedInstances -k StudyInstanceUID
    cat <<EOF
Isocenter is running (logs in .dev/logs, state in .dev; ./dev.sh down stops it):
  DICOM (C-ECHO, C-STORE, C-FIND, C-MOVE, C-GET)  127.0.0.1:$ISOCENTER_DIMSE_PORT  AE title $ISOCENTER_DIMSE_AE
  ingest      http://127.0.0.1:$ISOCENTER_INGEST_HTTP_PORT/health   /metrics
  storage     http://127.0.0.1:$ISOCENTER_STORAGE_HTTP_PORT/health   /metrics
  thumbnails  http://127.0.0.1:$ISOCENTER_THUMBNAILS_HTTP_PORT/health   /metrics   (written to .dev/objects/thumbnails/)
  dicomweb    http://127.0.0.1:$ISOCENTER_DICOMWEB_HTTP_PORT/health   /metrics   (reached through the gateway)
  render      http://127.0.0.1:$ISOCENTER_RENDER_HTTP_PORT/health   /metrics   (reached through the gateway; which GPU: curl -H 'Accept: application/json' …/health)
  pacs        http://127.0.0.1:$ISOCENTER_PACS_HTTP_PORT/health   /metrics   (reached through the gateway: /api/dicom-nodes, /api/retrievals; docs/pacs.md)
  review      http://127.0.0.1:$ISOCENTER_REVIEW_HTTP_PORT/health   /metrics   (reached through the gateway: /api/reading-sets, /api/share-links, /api/review; docs/review.md)
  gateway     http://127.0.0.1:$ISOCENTER_GATEWAY_HTTP_PORT   DICOMweb base URL: http://127.0.0.1:$ISOCENTER_GATEWAY_HTTP_PORT/dicomweb
The viewer: http://127.0.0.1:$ISOCENTER_GATEWAY_HTTP_PORT/   (sign in at /login by pasting the token below, also in .dev/token)
A development token for the gateway (8 hours, in .dev/token), and a search for the studies with it:
  $token
  curl -H "Authorization: Bearer $token" http://127.0.0.1:$ISOCENTER_GATEWAY_HTTP_PORT/dicomweb/studies
and a 3D view of its first series (STUDY and SERIES from that answer; docs/render.md lists the parameters):
  curl -H "Authorization: Bearer $token" -o ct.jpg 'http://127.0.0.1:$ISOCENTER_GATEWAY_HTTP_PORT/render/studies/STUDY/series/SERIES/volume?preset=ct-bone&size=768x768'
Try: $CLI send 127.0.0.1 $ISOCENTER_DIMSE_PORT FILES...   or   storescu -aec $ISOCENTER_DIMSE_AE 127.0.0.1 $ISOCENTER_DIMSE_PORT FILES...
EOF
    ;;
  down)
    if [ -f "$STATE/pids" ]; then
      xargs -r kill <"$STATE/pids" 2>/dev/null || true
      rm -f "$STATE/pids"
    fi
    scripts/infra.sh down
    log "stopped"
    ;;
  test)
    deps
    build
    mkdir -p "$STATE"
    scripts/infra.sh up
    log "checking that the generated dictionary matches the Debian-packaged tables"
    rm -rf "$STATE/generated" && mkdir -p "$STATE/generated"
    dotnet tools/Isocenter.Dicom.Generator/bin/Release/net10.0/Isocenter.Dicom.Generator.dll "$STATE/generated" >/dev/null
    diff -r -q "$STATE/generated" platform/Isocenter.Dicom/Generated >/dev/null ||
      { echo "error: platform/Isocenter.Dicom/Generated is stale: run ./dev.sh generate and commit the result" >&2; exit 1; }
    log "running tests"
    set +e
    # A test that runs 10 minutes is hung: its host is stopped and the test named (blame), rather than CI timing out.
    hang=(--blame-hang --blame-hang-timeout 10min --blame-hang-dump-type none)
    dotnet test Isocenter.slnx -c Release --no-build --nologo --filter "Category!=Outage" "${hang[@]}" 2>&1 | tee "$STATE/test.log"
    status=${PIPESTATUS[0]}
    # The outage tests stop and restart the shared servers: alone, after every other test.
    log "running the outage tests (PostgreSQL, RabbitMQ and the S3 server stopped in turn)"
    dotnet test tests/Isocenter.Archive.Tests -c Release --no-build --nologo --filter "Category=Outage" "${hang[@]}" 2>&1 | tee -a "$STATE/test.log"
    ((PIPESTATUS[0] == 0)) || status=1
    log "deployment checks (tests/deploy/check.sh: the Helm chart rendered and validated, docker-compose.yml, workflows, docs)"
    tests/deploy/check.sh || status=1
    log "unit tests of the web viewer (Vitest)"
    (cd web-viewer && npm test) || status=1
    e2e || status=1
    set -e
    passed=$(grep -Eo 'Passed: +[0-9]+' "$STATE/test.log" | awk '{s+=$2} END {print s+0}')
    failed=$(grep -Eo 'Failed: +[0-9]+' "$STATE/test.log" | awk '{s+=$2} END {print s+0}')
    skipped=$(grep -Eo 'Skipped: +[0-9]+' "$STATE/test.log" | awk '{s+=$2} END {print s+0}')
    # Then the benchmarks and the fuzzer in their short modes (full: ./dev.sh bench, fuzz/run.sh), while all is green.
    for smoke in bench/header-parse.sh bench/decode.sh fuzz/run.sh bench/store-throughput.sh bench/archive-throughput.sh \
      bench/dicomweb.sh bench/pacs-retrieve.sh bench/deidentify.sh bench/render.sh bench/viewer.sh; do
      [ "$status" -eq 0 ] || break
      log "smoke run ($smoke --quick)"
      "$smoke" --quick || status=1
    done
    echo "tests: $passed passed, $failed failed, $skipped skipped"
    exit "$status"
    ;;
  bench)
    deps
    build
    bench/header-parse.sh
    bench/decode.sh
    bench/store-throughput.sh
    bench/archive-throughput.sh
    bench/dicomweb.sh
    bench/pacs-retrieve.sh
    bench/deidentify.sh
    bench/render.sh
    bench/viewer.sh
    ;;
  generate)
    deps
    dotnet run --project tools/Isocenter.Dicom.Generator -c Release
    ;;
  *)
    sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
    ;;
esac
