# Shared by the whole-system benchmarks (archive-throughput.sh, dicomweb.sh): sourced after `root` is set.
# Provides: tmp (a scratch folder removed at exit), in_ns (the prefix that runs a command in a network namespace of its
# own, for Orthanc, which cannot bind to loopback only), pids (background services, stopped at exit) and the functions below.
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 TCP_NODELAY=1
services=$root/services
set -a
. "$root/dev.env"
set +a

tmp=$(mktemp -d)
pids=()
netns=isocenter-bench-$$
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  ip netns del "$netns" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

in_ns=()
if ip netns add "$netns" 2>/dev/null; then
  ip netns exec "$netns" ip link set lo up
  in_ns=(ip netns exec "$netns")
else
  echo "warning: no network namespace (needs root): Orthanc listens on every interface during the run" >&2
fi

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
psql_index() { PGPASSWORD=$ISOCENTER_PG_PASSWORD psql -h 127.0.0.1 -p "$ISOCENTER_PG_PORT" -U "$ISOCENTER_PG_USER" -qtAX "$@"; }
now() { echo "$EPOCHREALTIME"; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# require FILE...: each must exist (built in Release).
require() {
  for f in "$@"; do
    [[ -e $f ]] || { echo "error: $f is not built: run ./dev.sh bench (or dotnet build Isocenter.slnx -c Release)" >&2; exit 1; }
  done
}

# demo_ct DIR SLICES SEED [SIZE]: a synthetic CT series (isocenter demo), made once and kept.
demo_ct() {
  local dir=$1 slices=$2 seed=$3 size=${4:-512}
  if [[ ! -f $dir/.complete ]]; then
    rm -rf "$dir" && "$root/tools/Isocenter.Cli/bin/Release/net10.0/isocenter" demo --out "$dir" --patients 1 --slices "$slices" --size "$size" --seed "$seed" | tail -n 1
    touch "$dir/.complete"
  fi
}

# isocenter_settings DB VHOST OBJECTS DIMSE_PORT: the .NET settings (one per line) of services on a database, virtual host
# and object store folder of their own.
isocenter_settings() {
  printf '%s\n' "ConnectionStrings__Index=Host=127.0.0.1;Port=$ISOCENTER_PG_PORT;Username=$ISOCENTER_PG_USER;Password=$ISOCENTER_PG_PASSWORD;Database=$1" \
    "ConnectionStrings__RabbitMq=amqp://$ISOCENTER_RABBITMQ_USER:$ISOCENTER_RABBITMQ_PASSWORD@127.0.0.1:$ISOCENTER_RABBITMQ_PORT/$2" \
    "ObjectStore__Root=$3" "Dicom__Port=$4" "Dicom__AETitle=ISOCENTER" "Dicom__AllowAnyPeerFromLoopback=true" "Logging__LogLevel__Default=Warning"
}

# start_dotnet NAME PORT SETTING=VALUE...: an Isocenter service (services/*/Isocenter.NAME or the gateway) in the
# background on PORT, its log in $tmp/NAME.log; waits for /health.
start_dotnet() {
  local name=$1 port=$2 dll
  shift 2
  dll=$(find "$services" "$root/gateway" -ipath "*/bin/Release/net10.0/Isocenter.$name.dll" | head -n 1)
  env "$@" DOTNET_ENVIRONMENT=Production dotnet "$dll" --urls "http://127.0.0.1:$port" >"$tmp/$name.log" 2>&1 &
  pids+=($!)
  for ((i = 0; i < 240; i++)); do
    [[ $(curl -fs "http://127.0.0.1:$port/health" 2>/dev/null) == Healthy ]] && return
    sleep 0.25
  done
  fail "$name did not become healthy" "$tmp/$name.log"
}

stop_all() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
}

# fail MESSAGE [LOG]: stop what was started, show the log, exit (runs in subshells have no EXIT trap).
fail() {
  echo "error: $1" >&2
  [[ -n ${2:-} ]] && tail -n 40 "$2" >&2
  stop_all
  exit 1
}

# orthanc_json DIR DICOM_PORT HTTP_PORT [PLUGIN...]: an Orthanc configuration in DIR (SQLite index, no compression; the
# DICOMweb plugin at /dicom-web/ when it is among the plugins).
orthanc_json() {
  local dir=$1 port=$2 http=$3 plugins
  shift 3
  plugins=$(printf '"%s",' "$@")
  cat >"$dir/orthanc.json" <<EOF
{ "Name": "bench", "StorageDirectory": "$dir/storage", "IndexDirectory": "$dir/index", "StorageCompression": false,
  "HttpServerEnabled": true, "HttpPort": $http, "RemoteAccessAllowed": false, "AuthenticationEnabled": false,
  "DicomServerEnabled": true, "DicomAet": "ORTHANC", "DicomPort": $port, "DicomCheckCalledAet": false,
  "DicomAlwaysAllowStore": true, "DefaultEncoding": "Utf8", "SaveJobs": false, "Plugins": [${plugins%,}],
  "DicomWeb": { "Enable": true, "Root": "/dicom-web/" } }
EOF
}

# wait_echo PORT AET [PREFIX...]: until a DICOM server answers C-ECHO (20 s at most).
wait_echo() {
  local port=$1 aet=$2
  shift 2
  for ((i = 0; i < 200; i++)); do "$@" echoscu -aec "$aet" 127.0.0.1 "$port" >/dev/null 2>&1 && return; sleep 0.1; done
  fail "no C-ECHO answer from $aet on port $port"
}
