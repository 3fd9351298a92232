#!/usr/bin/env bash
# One command on a GPU host: build with -Pgpu, export ResNet-50, serve it with TensorRT FP16 on
# gpu:0 and run the load tester (closed loop), printing images/s and p99.
#
#   deploy/gpu/run-resnet50-trt.sh [out-dir]        (from the repository root)
#
# Host requirements (ONNX Runtime GPU 1.29.0, Maven artifact onnxruntime_gpu):
#   - NVIDIA driver with CUDA 12.x support; CUDA 12.x runtime libraries (ONNX Runtime's GPU
#     packages are built for CUDA 12; its requirements table lists 12.0-12.8)
#   - cuDNN 9.x (ONNX Runtime built with cuDNN 9 does not load cuDNN 8)
#   - TensorRT 10.x (10.9 is the version ONNX Runtime's TensorRT table pins for the releases it
#     lists and the one deploy/docker/Dockerfile.gpu installs; check the ONNX Runtime 1.29 release
#     notes for its exact TensorRT minor version before pinning a different one)
#   - JDK 17, python3 with torch + torchvision (for tools/export_torchvision.py)
# The script checks the major versions it can see and prints what it found.
#
# Tunables (environment): BATCH (max batch, = TensorRT profile max; default 32), INSTANCES (per
# GPU; default 2), CONCURRENCY (load tester; default 128), SECONDS_PER_WINDOW (default 5).
# Config: deploy/gpu/resnet50-trt.yaml (engine cache in gpu-results/trt-cache). Bounded: engine
# build (first start only, then cached) plus at most ~2 min of load. The server listens on 127.0.0.1 only and is stopped by its PID on exit.
set -euo pipefail

OUT=${1:-gpu-results}
BATCH=${BATCH:-32}
INSTANCES=${INSTANCES:-2}
CONCURRENCY=${CONCURRENCY:-128}
SECONDS_PER_WINDOW=${SECONDS_PER_WINDOW:-5}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

check_host() {
  command -v nvidia-smi >/dev/null || { echo "nvidia-smi not found: not a GPU host" >&2; exit 1; }
  nvidia-smi --query-gpu=index,name,driver_version,memory.total --format=csv,noheader
  local cuda
  cuda=$(nvidia-smi | grep -oE 'CUDA Version: [0-9]+\.[0-9]+' | awk '{print $3}' || true)
  echo "driver supports CUDA ${cuda:-?}"
  case "${cuda:-}" in
    12.*|13.*) ;;
    *) echo "warning: ONNX Runtime 1.29 GPU needs a driver for CUDA 12.x" >&2 ;;
  esac
  local libs dirs=() dir
  IFS=: read -r -a dirs <<<"${LD_LIBRARY_PATH:-}"
  libs=$( {
      ldconfig -p 2>/dev/null || true
      for dir in "${dirs[@]}"; do [ -d "$dir" ] && ls "$dir"; done
    } | grep -oE 'lib(cudart|cudnn|nvinfer)\.so\.[0-9.]+' | sort -u || true)
  echo "libraries found: $(echo "$libs" | tr '\n' ' ')"
  grep -q 'libcudnn\.so\.9' <<<"$libs" || echo "warning: cuDNN 9 (libcudnn.so.9) not found" >&2
  grep -q 'libnvinfer\.so\.10' <<<"$libs" || echo "warning: TensorRT 10 (libnvinfer.so.10) not found" >&2
}

check_host

echo "== building with -Pgpu"
./mvnw -B -q -DskipTests -Pgpu -pl server,loadtest -am package
SERVER_JAR=server/target/classifier-server.jar
LT_JAR=loadtest/target/classifier-loadtest.jar

MODEL=models/bench/resnet50/model.onnx
if [ ! -f "$MODEL" ]; then
  echo "== exporting ResNet-50"
  python3 tools/export_torchvision.py --models resnet50
fi

CONFIG=deploy/gpu/resnet50-trt.yaml
LOG="$OUT/server.log"
echo "== starting the server (TensorRT FP16; the first start builds the engine, minutes)"
java -Xmx4g -jar "$SERVER_JAR" --config "$CONFIG" --max-batch-size "$BATCH" --instances "$INSTANCES" \
  --admin-port -1 >"$LOG" 2>&1 &
SERVER_PID=$!
trap 'kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true' EXIT
for _ in $(seq 1 1200); do
  grep -q "listening on 127.0.0.1:" "$LOG" && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$LOG" >&2; exit 1; }
  sleep 0.5
done
LINE=$(grep -m1 "listening on 127.0.0.1:" "$LOG") || { echo "server did not start" >&2; tail -50 "$LOG" >&2; exit 1; }
PORT=$(sed -E 's/.*listening on 127\.0\.0\.1:([0-9]+).*/\1/' <<<"$LINE")
grep -E "runs on|session with providers|warm-up of" "$LOG" || true
echo "$LINE"

echo "== load: closed loop, concurrency $CONCURRENCY"
timeout 300 java -jar "$LT_JAR" --server "127.0.0.1:$PORT" --model resnet50 \
  --scenario closed --concurrency "$CONCURRENCY" --transport unary \
  --warmup-ms 10000 --window-ms $((SECONDS_PER_WINDOW * 1000)) --min-windows 3 --max-windows 6 \
  --out "$OUT" --name resnet50-trt-fp16 --title "ResNet-50, TensorRT FP16, gpu:0" \
  | tee "$OUT/loadtest.txt" | grep -E "img/s" || true
echo "== summary (img/s and p99 in ms)"
grep -E "img/s +p50" "$OUT/loadtest.txt" | sed -E 's/.* ([0-9.]+) img\/s.*p99 +([0-9.]+).*/img\/s \1  p99 \2 ms/' | tail -1
