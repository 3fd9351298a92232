#!/usr/bin/env bash
# uint8 vs float32 on the wire (docs/BENCHMARKS.md, "uint8 vs float32 on the wire"): request bytes
# per image and images/s, closed loop, for Fashion-MNIST (embedded) and MobileNetV2, over
# classifier.v1 unary and KServe ModelInfer (raw contents). One server per model; the load tester
# runs once with --input-dtype float32 and once with uint8 against it. Bounded: each run is
# 2 s warm-up + at most 4 windows of 3 s per transport (about 1 minute per model and dtype).
# Run from the repository root after packaging (as for run-benchmarks.sh):
#   ./mvnw -Dbd=target-lt -pl server,loadtest -am package -DskipTests
#   [THREADS=2] [CONCURRENCY=16] loadtest/bench/uint8.sh [fashion|mobilenet_v2|all] [out-dir]
# MobileNetV2 needs models/bench/mobilenet_v2/model.onnx (tools/export_torchvision.py).
# Prints one line per run: model, dtype, transport, tensor bytes per image, images/s, p50, p99.
# Servers listen on 127.0.0.1 only, ports chosen by the OS; each is stopped by its own PID.
set -euo pipefail
WHAT=${1:-all}
OUT=${2:-loadtest-results/uint8}
BD=${BD:-target-lt}
SERVER_JAR=${SERVER_JAR:-server/$BD/classifier-server.jar}
LT_JAR=${LT_JAR:-loadtest/$BD/classifier-loadtest.jar}
THREADS=${THREADS:-2}
CONCURRENCY=${CONCURRENCY:-16}
mkdir -p "$OUT"
PID=""
cleanup() { if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; PID=""; fi; }
trap cleanup EXIT

start_server() {
  local name=$1; shift
  local log="$OUT/$name.server.log"
  java -Xmx2g -jar "$SERVER_JAR" --host 127.0.0.1 --port 0 --metrics-port 0 --admin-port 0 "$@" >"$log" 2>&1 &
  PID=$!
  for _ in $(seq 1 120); do
    if grep -q "listening on 127.0.0.1:" "$log"; then break; fi
    sleep 0.5
  done
  PORT=$(grep -m1 "listening on 127.0.0.1:" "$log" | sed -E 's/.*listening on 127\.0\.0\.1:([0-9]+).*/\1/')
}

summary() {
  python3 - "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
dtype = r["environment"].get("input dtype", "?")
for run in r["runs"]:
    lat = run["latency"]
    print(f'{run["label"]:<36} {dtype:<55} {run["imagesPerSecond"]:8.1f} img/s'
          f'  p50 {lat["p50Millis"]:.3f} ms  p99 {lat["p99Millis"]:.3f} ms')
PY
}

run_model() {
  local name=$1 model_args=$2 model=$3
  # shellcheck disable=SC2086
  start_server "$name" $model_args --intra-op-threads "$THREADS" --max-batch-size 8
  for dtype in float32 uint8; do
    java -jar "$LT_JAR" --server 127.0.0.1:$PORT ${model:+--model "$model"} \
      --scenario closed --concurrency "$CONCURRENCY" --transport unary --protocol both \
      --kserve-contents raw --input-dtype "$dtype" --synthetic-count 4 \
      --warmup-ms 2000 --window-ms 3000 --min-windows 3 --max-windows 4 --stability-tolerance 0.15 \
      --out "$OUT" --name "$name-$dtype" --title "$name, --input-dtype $dtype, c=$CONCURRENCY"
    summary "$OUT/$name-$dtype.json"
  done
  cleanup
}

case "$WHAT" in
  fashion) run_model fashion-mnist "" "" ;;
  mobilenet_v2) run_model mobilenet_v2 "--model mobilenet_v2=models/bench/mobilenet_v2/model.onnx" mobilenet_v2 ;;
  all)
    run_model fashion-mnist "" ""
    run_model mobilenet_v2 "--model mobilenet_v2=models/bench/mobilenet_v2/model.onnx" mobilenet_v2 ;;
  *) echo "unknown: $WHAT" >&2; exit 2 ;;
esac
