# Sourced by the C-STORE benchmarks (store-throughput.sh, archive-throughput.sh).
# warm_up ROUNDS ASSOCIATIONS COMMAND...: runs COMMAND (a storescu of the warm-up files, with any prefix) ASSOCIATIONS
# times at once, ROUNDS times over, writes back what waits in the page cache (sync), then pauses a second. Untimed: a
# service receives all day, so what is measured is its steady state, not its JIT compiling and re-compiling its hot
# paths in the background; and the paths of several concurrent associations (and of the larger index batches they make)
# are not those of one. With 20 instances over one association, the timed run still spent 44 % of the storage service's
# time on its tiered-compilation thread; with 10 rounds over four associations, half (archive-throughput.sh sends 30).
# Without the sync a run shares the disk with the write-back of the runs before it (up to 520 MB): runs of one code
# took 0.74-1.07 s, the slow ones with a third of the CPU idle (docs/archive.md, "Throughput").
warm_up() {
  local rounds=$1 associations=$2 w i senders
  shift 2
  for ((w = 0; w < rounds; w++)); do
    senders=()
    for ((i = 0; i < associations; i++)); do
      "$@" >/dev/null 2>&1 &
      senders+=($!)
    done
    wait "${senders[@]}"
  done
  sync
  sleep 1
}
