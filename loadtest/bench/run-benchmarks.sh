#!/usr/bin/env bash
# The benchmark runs quoted in docs/BENCHMARKS.md, as run on the 2-core development machine.
# Run from the repository root after packaging (e.g. mvn -Dbd=target-lt -pl server,loadtest -am
# package -DskipTests) and exporting the bench models (/usr/bin/python3 tools/export_torchvision.py).
#   [THREADS=1|2] loadtest/bench/run-benchmarks.sh [fashion|maxrate|resnet50|mobilenet_v2|all] [out-dir]
# Servers listen on 127.0.0.1 only, ports chosen by the OS; each is stopped by its own PID.
# Each run's NAME.summary.json is copied to docs/results/<UTC date>-NAME.json (RESULTS_DIR= to skip);
# the commit recorded is git rev-parse HEAD (+ -dirty), or GIT_COMMIT.
set -euo pipefail
WHAT=${1:-all}
OUT=${2:-loadtest-results}
BD=${BD:-target-lt}
SERVER_JAR=${SERVER_JAR:-server/$BD/classifier-server.jar}
LT_JAR=${LT_JAR:-loadtest/$BD/classifier-loadtest.jar}
mkdir -p "$OUT"
# GIT_COMMIT, RESULTS_DIR and publish_summary (each summary goes to docs/results/<date>-<name>.json)
source "$(dirname "$0")/results.sh"
# LOADGEN_CPUS=1 pins the load generator (and its in-process baseline) to that CPU list with
# taskset, so that it does not preempt the server's ONNX Runtime thread on the other core.
LOADGEN=""
if [ -n "${LOADGEN_CPUS:-}" ]; then LOADGEN="taskset -c $LOADGEN_CPUS"; fi
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# start_server NAME ARGS... -> sets PORT and METRICS (may be empty)
start_server() {
  local name=$1; shift
  local log="$OUT/$name.server.log"
  java -Xmx2g -jar "$SERVER_JAR" --host 127.0.0.1 --port 0 --metrics-port 0 --admin-port 0 "$@" >"$log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 120); do
    if grep -q "listening on 127.0.0.1:" "$log"; then break; fi
    sleep 0.5
  done
  local line; line=$(grep -m1 "listening on 127.0.0.1:" "$log")
  PORT=$(sed -E 's/.*listening on 127\.0\.0\.1:([0-9]+).*/\1/' <<<"$line")
  METRICS=$(grep -oE 'http://127\.0\.0\.1:[0-9]+/metrics' <<<"$line" || true)
  echo "$name: $line" >&2
}

stop_servers() { cleanup; PIDS=(); sleep 1; }

metrics_arg() { [ -n "$METRICS" ] && echo "--metrics-url=$METRICS" || true; }

fashion() {
  # Server: 1 ONNX Runtime thread (the other core runs gRPC and the load generator).
  start_server fashion --intra-op-threads 1 --max-batch-size 8
  local on=$PORT m; m=$(metrics_arg)
  start_server fashion-nobatch --intra-op-threads 1 --max-batch-size 1
  local off=$PORT
  $LOADGEN java -jar "$LT_JAR" --server 127.0.0.1:$on $m --batching-off-server 127.0.0.1:$off \
    --scenario sweep --concurrency-range 1,8,32 --transport both --echo \
    --inprocess --model-file server/src/main/resources/models/fashion-mnist/model.onnx --inprocess-threads 1 --inprocess-batch-sizes 1,8 \
    --warmup-ms 2000 --window-ms 2000 --max-windows 5 --stability-tolerance 0.15 \
    --git-commit "$GIT_COMMIT" --out "$OUT" --name fashion-mnist \
    --title "Fashion-MNIST (embedded), CPU, 2 shared cores"
  publish_summary "$OUT" fashion-mnist
  stop_servers
}

maxrate() {
  start_server fashion-maxrate --intra-op-threads 1 --max-batch-size 8
  local m; m=$(metrics_arg)
  $LOADGEN java -jar "$LT_JAR" --server 127.0.0.1:$PORT $m --scenario find-max-rate --transport unary \
    --rate-low 2000 --rate-high 24000 --p99-bound-ms 10 --search-steps 4 \
    --warmup-ms 5000 --window-ms 2000 --max-windows 3 --stability-tolerance 0.15 \
    --git-commit "$GIT_COMMIT" --out "$OUT" --name fashion-mnist-maxrate \
    --title "Fashion-MNIST max Poisson rate, p99 <= 10 ms"
  publish_summary "$OUT" fashion-mnist-maxrate
  stop_servers
}

bench_model() {
  local model=$1
  local threads=${THREADS:-2}
  local file=models/bench/$model/model.onnx
  local name=$model-t$threads
  # Compute-bound: ONNX Runtime gets THREADS (default 2) intra-op threads, in the server and
  # in-process alike.
  start_server "$name" --model "$model=$file" --intra-op-threads "$threads" --max-batch-size 8
  local m; m=$(metrics_arg)
  $LOADGEN java -jar "$LT_JAR" --server 127.0.0.1:$PORT --model "$model" $m \
    --scenario sweep --concurrency-range 1,16 --transport unary --echo \
    --inprocess --model-file "$file" --inprocess-threads "$threads" --inprocess-batch-sizes 1,8 \
    --inprocess-seconds 8 --synthetic-count 4 \
    --warmup-ms 3000 --window-ms 4000 --min-windows 3 --max-windows 4 --stability-tolerance 0.15 \
    --git-commit "$GIT_COMMIT" --out "$OUT" --name "$name" \
    --title "$model, CPU, 2 shared cores, $threads ONNX Runtime threads"
  publish_summary "$OUT" "$name"
  stop_servers
}

case "$WHAT" in
  fashion) fashion ;;
  maxrate) maxrate ;;
  resnet50|mobilenet_v2) bench_model "$WHAT" ;;
  all) fashion; maxrate; bench_model mobilenet_v2; bench_model resnet50 ;;
  *) echo "unknown: $WHAT" >&2; exit 2 ;;
esac
