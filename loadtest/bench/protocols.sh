#!/usr/bin/env bash
# classifier.v1 against the Open Inference Protocol (KServe v2 / Triton gRPC) on ONE server, in ONE
# harness run: images/s and p50 at c=1 and c=32 for Classify, ClassifyStream, ModelInfer and
# ModelStreamInfer, the latter two with raw_input_contents and with typed contents (fp32_contents).
# Fills the "classifier.v1 vs the Open Inference Protocol" table of docs/BENCHMARKS.md.
#
# Run from the repository root after packaging:
#   mvn -q -Dbd=target-lt -pl server,loadtest -am package -DskipTests
#   loadtest/bench/protocols.sh [out-dir]
# Bounded: 12 runs of at most 1 s warm-up + 3 x 2 s windows (about 90 s), the whole script is
# killed after 4 minutes. The server listens on 127.0.0.1 with an OS-chosen port and is stopped by
# its own PID.
set -euo pipefail
OUT=${1:-loadtest-results}
BD=${BD:-target-lt}
SERVER_JAR=${SERVER_JAR:-server/$BD/classifier-server.jar}
LT_JAR=${LT_JAR:-loadtest/$BD/classifier-loadtest.jar}
mkdir -p "$OUT"
source "$(dirname "$0")/results.sh"   # GIT_COMMIT, publish_summary -> docs/results/
LOADGEN=""
if [ -n "${LOADGEN_CPUS:-}" ]; then LOADGEN="taskset -c $LOADGEN_CPUS"; fi
SERVER_PID=""
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true; }
trap cleanup EXIT

log="$OUT/protocols.server.log"
java -Xmx2g -jar "$SERVER_JAR" --host 127.0.0.1 --port 0 --metrics-port 0 --admin-port -1 \
  --intra-op-threads 1 --max-batch-size 8 >"$log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 120); do
  if grep -q "listening on 127.0.0.1:" "$log"; then break; fi
  sleep 0.5
done
line=$(grep -m1 "listening on 127.0.0.1:" "$log")
PORT=$(sed -E 's/.*listening on 127\.0\.0\.1:([0-9]+).*/\1/' <<<"$line")
METRICS=$(grep -oE 'http://127\.0\.0\.1:[0-9]+/metrics' <<<"$line" || true)
echo "server: $line" >&2

timeout 240 $LOADGEN java -jar "$LT_JAR" --server 127.0.0.1:$PORT \
  ${METRICS:+--metrics-url=$METRICS} \
  --scenario sweep --concurrency-range 1,32 \
  --protocol both --transport both --kserve-contents both \
  --warmup-ms 1000 --window-ms 2000 --min-windows 3 --max-windows 3 --stability-tolerance 0.15 \
  --git-commit "$GIT_COMMIT" --out "$OUT" --name protocols --title "classifier.v1 vs Open Inference Protocol, Fashion-MNIST, one server"
publish_summary "$OUT" protocols

# The table rows: transport, concurrency, images/s, p50 ms (from the harness CSV).
echo
echo "| transport | c | images/s | p50 ms |"
echo "|---|---:|---:|---:|"
python3 - "$OUT/protocols.csv" <<'PY'
import csv, sys
for r in csv.DictReader(open(sys.argv[1])):
    print(f"| {r['transport']} | {r['concurrency']} | {float(r['images_per_s']):.0f} | {float(r['p50_ms']):.2f} |")
PY
