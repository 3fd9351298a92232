#!/usr/bin/env bash
# Cold-start benchmark (docs/BENCHMARKS.md, "Cold start"). Run from the repository root
# after packaging (./mvnw -q -DskipTests package). Each invocation takes at most ~4 minutes.
#
#   loadtest/bench/cold-start.sh serving [out-dir]
#       Time from process start to SERVING, 3 runs without and 3 with the AppCDS archive (built
#       first with tools/build-cds-archive.sh if missing). Prints the ready line's "SERVING N ms
#       after JVM start" and the script's own launch-to-ready wall time.
#   loadtest/bench/cold-start.sh load RATE [after|before] [out-dir]
#       First 30 s of a freshly started server under a warm client's Poisson open loop at RATE
#       requests/s, 3 runs: reject (error) count and p99 from scheduled send times. The client is
#       the load tester, warmed 10 s against a separate warm server (--warmup-target), then waiting
#       for the fresh server's readiness (--await-ready-seconds) and measuring at once.
#       after = default serving-path warm-up; before = --no-warmup (model warm-up only, as before).
#
# Environment: SERVER_JAR, LT_JAR, SERVER_ARGS (default "--intra-op-threads 1"), CDS_ARCHIVE,
# USE_CDS=1 (load mode: start the fresh server with the archive). Servers listen on 127.0.0.1,
# each stopped by its own PID.
set -euo pipefail
MODE=${1:?usage: cold-start.sh serving|load RATE [after|before] [out-dir]}
SERVER_JAR=${SERVER_JAR:-server/target/classifier-server.jar}
LT_JAR=${LT_JAR:-loadtest/target/classifier-loadtest.jar}
CDS_ARCHIVE=${CDS_ARCHIVE:-${SERVER_JAR%.jar}.jsa}
read -r -a SARGS <<<"${SERVER_ARGS:---intra-op-threads 1}"
RUNS=${RUNS:-3}
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_server LOG PORT JAVA_OPTS... -- SERVER_ARGS... ; sets SPID
start_server() {
  local log=$1 port=$2; shift 2
  local jopts=()
  while [ "$1" != "--" ]; do jopts+=("$1"); shift; done; shift
  java -Xmx1g "${jopts[@]}" -jar "$SERVER_JAR" --host 127.0.0.1 --port "$port" --metrics-port -1 --admin-port -1 \
    --no-jmx "$@" >"$log" 2>&1 &
  SPID=$!
  PIDS+=("$SPID")
}

# wait_ready LOG SECONDS -> prints the ready line
wait_ready() {
  local log=$1 limit=$(( $(date +%s) + $2 ))
  until grep -q "listening on 127.0.0.1:" "$log"; do
    if [ "$(date +%s)" -ge "$limit" ]; then echo "not ready in $2 s: $(tail -3 "$log")" >&2; return 1; fi
    sleep 0.05
  done
  grep -m1 "listening on 127.0.0.1:" "$log"
}

stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

serving() {
  local out=${1:-cold-start-results}; mkdir -p "$out"
  [ -s "$CDS_ARCHIVE" ] || tools/build-cds-archive.sh "$SERVER_JAR" "$CDS_ARCHIVE" -- "${SARGS[@]}"
  for cds in off on; do
    local opts=(-Xshare:auto)
    [ "$cds" = on ] && opts+=(-XX:SharedArchiveFile="$CDS_ARCHIVE")
    for run in $(seq 1 $RUNS); do
      local log="$out/serving-cds-$cds-$run.log" t0 line
      t0=$(date +%s%N)
      start_server "$log" 0 "${opts[@]}" -- "${SARGS[@]}"
      line=$(wait_ready "$log" 60)
      local wall=$(( ($(date +%s%N) - t0) / 1000000 ))
      stop "$SPID"
      printf 'cds=%s run=%d launch-to-ready=%d ms | %s\n' "$cds" "$run" "$wall" \
        "$(grep -oE 'warm-up[^;]*' <<<"$line")"
    done
  done
}

load() {
  local rate=${1:?load needs RATE} which=${2:-after} out=${3:-cold-start-results}; mkdir -p "$out"
  local fresh_args=("${SARGS[@]}")
  [ "$which" = before ] && fresh_args+=(--no-warmup)
  local fresh_opts=(-Xshare:auto)
  [ "${USE_CDS:-0}" = 1 ] && fresh_opts+=(-XX:SharedArchiveFile="$CDS_ARCHIVE")
  local wport; wport=$(free_port)
  start_server "$out/warm.log" "$wport" -Xshare:auto -- "${SARGS[@]}"
  local warm=$SPID
  wait_ready "$out/warm.log" 90 >/dev/null
  for run in $(seq 1 $RUNS); do
    local port; port=$(free_port)
    local name="load-$which-$rate-$run"
    java -Xmx1g -jar "$LT_JAR" --server "127.0.0.1:$port" --warmup-target "127.0.0.1:$wport" \
      --client-warmup-ms 10000 --await-ready-seconds 120 --scenario open --arrival poisson \
      --rate "$rate" --seed "$run" --transport unary --warmup-ms 0 --window-ms 5000 \
      --min-windows 6 --max-windows 6 --stability-windows 2 --out "$out" --name "$name" \
      2>"$out/$name.loadtest.log" &
    local lt=$!
    PIDS+=("$lt")
    # start the fresh server only once the client is warm and waiting for it
    local limit=$(( $(date +%s) + 60 ))
    until grep -q "to be ready" "$out/$name.loadtest.log" 2>/dev/null; do
      if [ "$(date +%s)" -ge "$limit" ] || ! kill -0 "$lt" 2>/dev/null; then
        echo "run $run: the load tester did not get ready: $(tail -3 "$out/$name.loadtest.log")" >&2
        break
      fi
      sleep 0.05
    done
    start_server "$out/$name.server.log" "$port" "${fresh_opts[@]}" -- "${fresh_args[@]}"
    local fresh=$SPID
    wait "$lt" || echo "run $run: loadtest failed: $(tail -3 "$out/$name.loadtest.log")" >&2
    stop "$fresh"
    python3 - "$out/$name.json" "$run" "$which" "$rate" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["runs"][0]
errors = sum(r["errors"].values())
print(f"{sys.argv[3]} rate={sys.argv[4]}/s run={sys.argv[2]}: first 30 s answered={r['requests']} "
      f"rejected/failed={errors} {dict(r['errors'])} p99={r['latency']['p99Millis']:.1f} ms "
      f"p50={r['latency']['p50Millis']:.1f} ms max={r['latency']['maxMillis']:.1f} ms")
PY
  done
  stop "$warm"
}

case "$MODE" in
  serving) serving "${2:-}" ;;
  load) shift; load "$@" ;;
  *) echo "usage: cold-start.sh serving|load RATE [after|before] [out-dir]" >&2; exit 2 ;;
esac
