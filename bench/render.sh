#!/usr/bin/env bash
# The render service measured end to end (bench/Isocenter.Render.Load): a demo CT series put into the archive's index and a
# filesystem object store, then the first 3D image, request → JPEG latency per frame type and concurrent interacting
# WebSocket sessions, with CUDA when there is a device (else the CPU renderer) and with the SIMD CPU renderer, in one run.
#   bench/render.sh [--quick | LOAD OPTIONS]   here, against ./dev.sh's PostgreSQL (a database of its own), from the
#                              Release build; --quick is the small run of ./dev.sh test
#   bench/render.sh pack       here: publishes the load tool self-contained and bundles PostgreSQL's server (with the
#                              libraries it and libturbojpeg need) into .dev/render-gpu-svc/ (about 60 MB, xz), for a GPU
#                              machine that has neither .NET nor PostgreSQL (the `device` tool's)
#   bench/render.sh gpu [LOAD OPTIONS]   there, from the checkout's root with .dev/render-gpu-svc carried: starts that
#                              PostgreSQL on loopback as an unprivileged user, runs the measurements and stops it
# LOAD OPTIONS: --slices N --size N --image N --frames N --sessions N --seconds S --cpu-frames N --cpu-sessions N
# (defaults: the issue's 512³ volume, 1024² images, 100 requests per frame type, 24 sessions for 10 s).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/.dev/render-gpu-svc

pack() {
  # The server's folders keep Debian's layout below pg/ (usr/lib/postgresql/15/{bin,lib}, usr/share/postgresql/15): PostgreSQL
  # finds its share and library folders relative to its binaries.
  local pg=/usr/lib/postgresql/15 bundle=/tmp/render-gpu-svc/pg
  rm -rf "$out" /tmp/render-gpu-svc && mkdir -p "$out" "$bundle$pg"/{bin,lib} "$bundle/usr/share/postgresql/15" "$bundle/libs"
  dotnet publish "$root/bench/Isocenter.Render.Load/Isocenter.Render.Load.csproj" -c Release -r linux-x64 --self-contained \
    -p:PublishTrimmed=false -o /tmp/render-gpu-svc/app >/dev/null
  cp "$pg"/bin/{postgres,initdb,pg_ctl} "$bundle$pg/bin/"
  cp "$pg"/lib/{plpgsql,dict_snowball}.so "$bundle$pg/lib/"
  cp -r /usr/share/postgresql/15/. "$bundle/usr/share/postgresql/15/"
  # Every library they (and libturbojpeg) link but the C library itself, which the GPU machine's newer glibc provides.
  ldd "$pg"/bin/{postgres,initdb,pg_ctl} /usr/lib/x86_64-linux-gnu/libturbojpeg.so.0 | awk '/=> \//{print $3}' | sort -u |
    grep -Ev '/(libc|libm|libresolv|libpthread|libdl|ld-linux[^/]*)\.so' | xargs -I{} cp -L {} "$bundle/libs/"
  cp -L /usr/lib/x86_64-linux-gnu/libturbojpeg.so.0 "$bundle/libs/"
  tar -cf - -C /tmp render-gpu-svc | xz -T2 -6 >"$out/bundle.tar.xz"
  rm -rf /tmp/render-gpu-svc
  ls -l "$out"
}

# Against ./dev.sh's PostgreSQL (dev.env), on a database of its own.
here() {
  set -a && . "$root/dev.env" && set +a
  db=render_bench_$$ objects=$(mktemp -d)
  psql=(psql -h 127.0.0.1 -p "$ISOCENTER_PG_PORT" -U "$ISOCENTER_PG_USER" -d "$ISOCENTER_PG_DATABASE" -qtAX)
  PGPASSWORD=$ISOCENTER_PG_PASSWORD "${psql[@]}" -c "CREATE DATABASE $db"
  trap 'PGPASSWORD=$ISOCENTER_PG_PASSWORD "${psql[@]}" -c "DROP DATABASE IF EXISTS $db" >/dev/null; rm -rf "$objects"' EXIT
  dotnet "$root/bench/Isocenter.Render.Load/bin/Release/net10.0/Isocenter.Render.Load.dll" \
    --index "Host=127.0.0.1;Port=$ISOCENTER_PG_PORT;Username=$ISOCENTER_PG_USER;Password=$ISOCENTER_PG_PASSWORD;Database=$db" \
    --objects "$objects" "$@"
}

gpu() {
  dir=/tmp/render-gpu-svc data=/tmp/render-gpu-pgdata port=55439
  rm -rf "$dir" "$data" && tar -xJf "$root/.dev/render-gpu-svc/bundle.tar.xz" -C /tmp
  export LD_LIBRARY_PATH=$dir/pg/libs
  # PostgreSQL refuses to run as root: a data folder owned by nobody, run through setpriv when we are root.
  as=()
  if [ "$(id -u)" = 0 ]; then
    as=(setpriv --reuid=nobody --regid=nogroup --clear-groups --)
    mkdir -p "$data" && chown nobody:nogroup "$data" && chmod -R a+rX "$dir"
  fi
  bin=$dir/pg/usr/lib/postgresql/15/bin
  env LD_LIBRARY_PATH="$LD_LIBRARY_PATH" "${as[@]}" "$bin/initdb" -D "$data" -U isocenter -A trust -E UTF8 --locale=C >/dev/null
  env LD_LIBRARY_PATH="$LD_LIBRARY_PATH" "${as[@]}" "$bin/pg_ctl" -D "$data" -l "$data/log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k /tmp -c shared_buffers=1GB -c fsync=off" start >/dev/null
  trap 'env LD_LIBRARY_PATH="$LD_LIBRARY_PATH" "${as[@]}" "$bin/pg_ctl" -D "$data" -m fast stop >/dev/null' EXIT
  rm -rf /tmp/render-gpu-objects
  "$dir/app/Isocenter.Render.Load" --index "Host=127.0.0.1;Port=$port;Username=isocenter;Database=postgres" \
    --objects /tmp/render-gpu-objects "$@"
}

case "${1:-}" in
  pack) pack ;;
  gpu) shift && gpu "$@" ;;
  --quick) here --slices 32 --size 64 --image 128 --frames 5 --sessions 2 --seconds 2 --cpu-frames 2 --cpu-sessions 1 ;;
  *) here "$@" ;;
esac
