#!/usr/bin/env bash
# The local infrastructure on loopback, with its state under .dev/: PostgreSQL, RabbitMQ and s3rver (an S3-compatible
# server). Idempotent; installs what is missing (Debian packages, npm). Ports and credentials: dev.env.
#   scripts/infra.sh up [postgres|rabbitmq|s3 ...]     install and start (all three by default); waits until each answers
#   scripts/infra.sh down [postgres|rabbitmq|s3 ...]   stop (all three by default)
#   scripts/infra.sh vhost NAME                        create a RabbitMQ virtual host for the isocenter user (tests use one each)
#   scripts/infra.sh env                               print the settings as export lines (eval "$(scripts/infra.sh env)")
# Run as root, the servers run as their Debian service users (postgres, rabbitmq); otherwise as the caller.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STATE=${ISOCENTER_STATE:-$ROOT/.dev} # where the servers keep their data (worktrees of one checkout share it)
set -a
# shellcheck source=../dev.env
. "$ROOT/dev.env"
set +a

PG_BIN=/usr/lib/postgresql/15/bin
PG_DATA=$STATE/postgres
RABBIT_BASE=$STATE/rabbitmq
RABBIT_NODE=isocenter@localhost
S3_DIR=$STATE/s3
S3RVER=$ROOT/scripts/node_modules/.bin/s3rver

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
# Runs a server command as its service user when we are root (PostgreSQL refuses to run as root).
as_service() {
  local user=$1
  shift
  if [ "$(id -u)" -eq 0 ]; then runuser -u "$user" -- "$@"; else "$@"; fi
}
own() { if [ "$(id -u)" -eq 0 ]; then chown -R "$1" "$2"; fi; }

install_debs() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    say "installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    # Their system services are not wanted: we run our own instances on our own ports.
    if command -v systemctl >/dev/null; then
      as_root systemctl disable --now postgresql rabbitmq-server >/dev/null 2>&1 || true
    fi
  fi
}

wait_for() { # what, seconds, command...
  local what=$1 seconds=$2
  shift 2
  for ((i = 0; i < seconds * 4; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.25
  done
  echo "error: $what did not come up within ${seconds}s; see its log under $STATE" >&2
  return 1
}

pg_psql() { as_service postgres "$PG_BIN/../bin/psql" -h 127.0.0.1 -p "$ISOCENTER_PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtAc "$1"; }

postgres_up() {
  install_debs postgresql
  if [ ! -s "$PG_DATA/PG_VERSION" ]; then
    say "creating a PostgreSQL cluster in $PG_DATA"
    mkdir -p "$PG_DATA"
    own postgres "$PG_DATA"
    chmod 700 "$PG_DATA"
    as_service postgres "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    # Benchmark and test settings: durability stays on (fsync), with group commit.
    cat >>"$PG_DATA/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $ISOCENTER_PG_PORT
unix_socket_directories = ''
max_connections = 200
shared_buffers = 256MB
EOF
  fi
  if ! as_service postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    say "starting PostgreSQL on 127.0.0.1:$ISOCENTER_PG_PORT"
    as_service postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -w -t 60 start >/dev/null
  fi
  wait_for PostgreSQL 60 "$PG_BIN/pg_isready" -h 127.0.0.1 -p "$ISOCENTER_PG_PORT"
  if [ "$(pg_psql "SELECT 1 FROM pg_roles WHERE rolname = '$ISOCENTER_PG_USER'")" != 1 ]; then
    pg_psql "CREATE ROLE $ISOCENTER_PG_USER LOGIN CREATEDB PASSWORD '$ISOCENTER_PG_PASSWORD'"
  fi
  if [ "$(pg_psql "SELECT 1 FROM pg_database WHERE datname = '$ISOCENTER_PG_DATABASE'")" != 1 ]; then
    pg_psql "CREATE DATABASE $ISOCENTER_PG_DATABASE OWNER $ISOCENTER_PG_USER"
  fi
}

postgres_down() {
  if [ -s "$PG_DATA/PG_VERSION" ] && as_service postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    say "stopping PostgreSQL"
    as_service postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null
  fi
}

rabbit() { # runs a RabbitMQ command against our node, as the rabbitmq user when root
  local tool=$1
  shift
  as_service rabbitmq env HOME="$RABBIT_BASE" RABBITMQ_NODENAME=$RABBIT_NODE RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
    RABBITMQ_NODE_PORT="$ISOCENTER_RABBITMQ_PORT" RABBITMQ_DIST_PORT="$ISOCENTER_RABBITMQ_DIST_PORT" \
    RABBITMQ_MNESIA_BASE="$RABBIT_BASE/mnesia" RABBITMQ_LOG_BASE="$RABBIT_BASE/log" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$RABBIT_BASE/enabled_plugins" RABBITMQ_CONFIG_FILE="$RABBIT_BASE/rabbitmq" \
    RABBITMQ_ADVANCED_CONFIG_FILE="$RABBIT_BASE/advanced.config" RABBITMQ_PID_FILE="$RABBIT_BASE/pid" \
    ERL_EPMD_ADDRESS=127.0.0.1 "/usr/lib/rabbitmq/bin/$tool" "$@"
}

rabbitmq_up() {
  install_debs rabbitmq-server
  mkdir -p "$RABBIT_BASE/log" "$RABBIT_BASE/mnesia"
  [ -f "$RABBIT_BASE/enabled_plugins" ] || echo '[].' >"$RABBIT_BASE/enabled_plugins"
  # The default guest user is loopback-only anyway; no disk alarm on small dev disks. Persistent messages under 16 KiB
  # (an InstancesReceived of a few instances) are kept in the queue index rather than the message store: a third of the
  # broker's CPU per message (docs/archive.md, "Throughput").
  printf 'disk_free_limit.absolute = 50MB\nloopback_users.guest = true\nqueue_index_embed_msgs_below = 16384\n' >"$RABBIT_BASE/rabbitmq.conf"
  if [ ! -f "$RABBIT_BASE/.erlang.cookie" ]; then
    head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' >"$RABBIT_BASE/.erlang.cookie"
    chmod 400 "$RABBIT_BASE/.erlang.cookie"
  fi
  own rabbitmq "$RABBIT_BASE"
  if ! rabbit rabbitmqctl -q status >/dev/null 2>&1; then
    say "starting RabbitMQ on 127.0.0.1:$ISOCENTER_RABBITMQ_PORT"
    rabbit rabbitmq-server -detached >/dev/null 2>&1
  fi
  wait_for RabbitMQ 90 rabbit rabbitmqctl -q await_startup
  if ! rabbit rabbitmqctl -q list_users | grep -q "^$ISOCENTER_RABBITMQ_USER\b"; then
    rabbit rabbitmqctl -q add_user "$ISOCENTER_RABBITMQ_USER" "$ISOCENTER_RABBITMQ_PASSWORD" >/dev/null
    rabbit rabbitmqctl -q set_user_tags "$ISOCENTER_RABBITMQ_USER" administrator >/dev/null
  fi
  vhost /
}

vhost() {
  rabbit rabbitmqctl -q add_vhost "$1" >/dev/null 2>&1 || true
  rabbit rabbitmqctl -q set_permissions -p "$1" "$ISOCENTER_RABBITMQ_USER" '.*' '.*' '.*' >/dev/null
}

rabbitmq_down() {
  if rabbit rabbitmqctl -q status >/dev/null 2>&1; then
    say "stopping RabbitMQ"
    rabbit rabbitmqctl -q stop >/dev/null 2>&1 || true
  fi
  # rabbitmqctl stop can return before the node has exited (a node with many virtual hosts takes a while), and status
  # fails on a node too busy to answer: wait for our node's process (60 s at most), then kill it, so that the next start
  # finds its ports free.
  local i
  for ((i = 0; i < 300; i++)); do
    pgrep -f -- "-home $RABBIT_BASE " >/dev/null || return 0
    sleep 0.2
  done
  say "RabbitMQ did not stop within 60 s: killing it"
  pkill -KILL -f -- "-home $RABBIT_BASE " || true
}

s3_up() {
  if [ ! -x "$S3RVER" ]; then
    say "installing s3rver (npm)"
    (cd "$ROOT/scripts" && npm ci --silent --no-audit --no-fund >/dev/null)
  fi
  mkdir -p "$S3_DIR/data"
  if ! s3_running; then
    say "starting s3rver on 127.0.0.1:$ISOCENTER_S3_PORT"
    nohup "$S3RVER" --address 127.0.0.1 --port "$ISOCENTER_S3_PORT" --directory "$S3_DIR/data" --silent \
      --configure-bucket "$ISOCENTER_S3_BUCKET" >"$S3_DIR/server.log" 2>&1 &
    echo $! >"$S3_DIR/pid"
  fi
  wait_for s3rver 30 bash -c "exec 3<>/dev/tcp/127.0.0.1/$ISOCENTER_S3_PORT"
}

s3_running() { [ -f "$S3_DIR/pid" ] && kill -0 "$(cat "$S3_DIR/pid")" 2>/dev/null; }

s3_down() {
  if s3_running; then
    say "stopping s3rver"
    kill "$(cat "$S3_DIR/pid")"
    for ((i = 0; i < 40; i++)); do s3_running || break; sleep 0.25; done
  fi
  rm -f "$S3_DIR/pid"
}

print_env() {
  cat <<EOF
export ConnectionStrings__Index='Host=127.0.0.1;Port=$ISOCENTER_PG_PORT;Username=$ISOCENTER_PG_USER;Password=$ISOCENTER_PG_PASSWORD;Database=$ISOCENTER_PG_DATABASE'
export ConnectionStrings__RabbitMq='amqp://$ISOCENTER_RABBITMQ_USER:$ISOCENTER_RABBITMQ_PASSWORD@127.0.0.1:$ISOCENTER_RABBITMQ_PORT/'
export ObjectStore__Endpoint='http://127.0.0.1:$ISOCENTER_S3_PORT' ObjectStore__AccessKey='$ISOCENTER_S3_ACCESS_KEY' ObjectStore__SecretKey='$ISOCENTER_S3_SECRET_KEY' ObjectStore__Bucket='$ISOCENTER_S3_BUCKET'
EOF
}

components() { if (($# == 0)); then echo postgres rabbitmq s3; else echo "$@"; fi; }

command=${1:-}
shift || true
case "$command" in
  up) for c in $(components "$@"); do "${c}_up"; done ;;
  down) for c in $(components "$@"); do "${c}_down"; done ;;
  vhost) vhost "${1:?usage: infra.sh vhost NAME}" ;;
  env) print_env ;;
  *) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
