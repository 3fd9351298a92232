#!/usr/bin/env bash
# The "CPU ceiling" figures of docs/BENCHMARKS.md, measured in ONE run on this machine:
# for each model, first the best in-process ONNX Runtime figure (threads 1 and 2, batch 1 and 8,
# spinning as the server would set it and as ONNX Runtime's default), then the server with DEFAULT
# settings (no thread flags) in a closed loop at concurrency 16 (saturation) and 1 (low load),
# and the ratios the issue asks for:
#   throughput ratio = server img/s at c=16 / best in-process img/s          (target >= 0.90)
#   added p50        = server p50 at c=1 - best in-process single-image p50  (target <= 0.5 ms)
# Run from the repository root after packaging and exporting the bench models:
#   ./mvnw -o -Dbd=target-lt -pl server,loadtest -am package -DskipTests
#   /usr/bin/python3 tools/export_torchvision.py          # models/bench/{mobilenet_v2,resnet50}
#   loadtest/bench/ceiling.sh [all|mobilenet_v2|resnet50|fashion] [out-dir]
# Bounded: about 100 s per model, about 5 minutes for all three (SECONDS_PER_POINT, WINDOW_MS
# shorten or lengthen it). Servers listen on 127.0.0.1 only, ports chosen by the OS; each server
# is stopped by its own PID. Extra server flags (e.g. uint8 input once available) go in
# SERVER_ARGS, extra load-generator flags in LOADGEN_ARGS; both are printed with the results.
set -euo pipefail
WHAT=${1:-all}
OUT=${2:-loadtest-results/ceiling}
BD=${BD:-target-lt}
SERVER_JAR=${SERVER_JAR:-server/$BD/classifier-server.jar}
LT_JAR=${LT_JAR:-loadtest/$BD/classifier-loadtest.jar}
SECONDS_PER_POINT=${SECONDS_PER_POINT:-5}
WINDOW_MS=${WINDOW_MS:-3000}
SERVER_ARGS=${SERVER_ARGS:-}
LOADGEN_ARGS=${LOADGEN_ARGS:-}
mkdir -p "$OUT"
SERVER_PID=""
cleanup() { if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi; }
trap cleanup EXIT

inprocess() { # name model-file
  timeout 180 java -cp "$LT_JAR" dev.classifier.loadtest.baseline.InProcessSweep \
    --model-file "$2" --threads 1,2 --batch-sizes 1,8 --spinning server,onnxruntime \
    --warmup-seconds 1 --seconds "$SECONDS_PER_POINT" --out "$OUT/$1.inprocess.json" \
    | tee "$OUT/$1.inprocess.txt"
}

start_server() { # name server-args...
  local name=$1; shift
  local log="$OUT/$name.server.log"
  # shellcheck disable=SC2086
  java -Xmx2g -jar "$SERVER_JAR" --host 127.0.0.1 --port 0 --metrics-port 0 --admin-port 0 \
    "$@" $SERVER_ARGS >"$log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 180); do
    if grep -q "listening on 127.0.0.1:" "$log"; then break; fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then echo "server $name died: see $log" >&2; exit 1; fi
    sleep 0.5
  done
  local line; line=$(grep -m1 "listening on 127.0.0.1:" "$log")
  PORT=$(sed -E 's/.*listening on 127\.0\.0\.1:([0-9]+).*/\1/' <<<"$line")
  METRICS=$(grep -oE 'http://127\.0\.0\.1:[0-9]+/metrics' <<<"$line" || true)
  echo "$name: $line"
}

stop_server() { cleanup; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""; }

serve_and_load() { # name model-arg(or empty) model-name
  local name=$1 model_arg=$2 model=$3
  if [ -n "$model_arg" ]; then start_server "$name" --model "$model_arg"; else start_server "$name"; fi
  local extra=(); [ -n "$METRICS" ] && extra+=("--metrics-url=$METRICS")
  [ -n "$model" ] && extra+=("--model" "$model")
  # shellcheck disable=SC2086
  timeout 240 java -jar "$LT_JAR" --server "127.0.0.1:$PORT" "${extra[@]}" \
    --scenario sweep --concurrency-range 1,16 --transport unary --synthetic-count 4 \
    --client-warmup-ms 1500 --warmup-ms 3000 --window-ms "$WINDOW_MS" \
    --min-windows 2 --max-windows 3 --stability-tolerance 0.15 $LOADGEN_ARGS \
    --out "$OUT" --name "$name.server" --title "$name, server with default settings" \
    | tail -4
  stop_server
}

ratios() { # name
  /usr/bin/python3 - "$OUT/$1.inprocess.json" "$OUT/$1.server.json" "$1" <<'PY'
import json, sys
inp, srv, name = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
runs = {(r["transport"], r["concurrency"]): r for r in srv["runs"] if r["target"] == "server"}
sat, low = runs[("unary", 16)], runs[("unary", 1)]
best, fast = inp["best"], inp["fastestSingleImage"]
ratio = sat["imagesPerSecond"] / best["imagesPerSecond"]
added = low["latency"]["p50Millis"] - fast["batchP50Millis"]
stable = sat["stable"] and low["stable"]
print(f"| {name} | {best['imagesPerSecond']:.1f} (t{best['threads']} b{best['batchSize']} "
      f"spin {best['spinning']}) | {sat['imagesPerSecond']:.1f} | **{ratio:.2f}** | "
      f"{fast['batchP50Millis']:.3f} | {low['latency']['p50Millis']:.3f} | **{added:.3f}** | "
      f"{'yes' if stable else 'NO'} |")
PY
}

run_model() { # name
  case "$1" in
    fashion)
      inprocess fashion "${FASHION_ONNX:-server/src/main/resources/models/fashion-mnist/model.onnx}"
      serve_and_load fashion "" "" ;;
    mobilenet_v2|resnet50)
      local f=models/bench/$1/model.onnx
      [ -f "$f" ] || { echo "missing $f: run tools/export_torchvision.py" >&2; exit 2; }
      inprocess "$1" "$f"
      serve_and_load "$1" "$1=$f" "$1" ;;
    *) echo "unknown: $1" >&2; exit 2 ;;
  esac
}

case "$WHAT" in
  all) MODELS=(mobilenet_v2 resnet50 fashion) ;;
  *) MODELS=("$WHAT") ;;
esac
for m in "${MODELS[@]}"; do run_model "$m"; done

{
  echo "processors: $(nproc); SERVER_ARGS: '${SERVER_ARGS}'; LOADGEN_ARGS: '${LOADGEN_ARGS}'"
  echo
  echo "| model | best in-process img/s (threads, batch, spinning) | server c=16 img/s | ratio (>= 0.90) | in-process 1-image p50 ms | server c=1 p50 ms | added p50 ms (<= 0.5) | stable |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
  for m in "${MODELS[@]}"; do ratios "$m"; done
} | tee "$OUT/ceiling.md"
