#!/usr/bin/env bash
# A/B of two server jars (e.g. before/after a change) under the SAME load-tester jar, alternating,
# Poisson open loop, unary, Fashion-MNIST embedded model. Bounded: ~25 s per run.
#   OLD_JAR=/path/old/classifier-server.jar NEW_JAR=server/target/classifier-server.jar \
#   RATE=4000 RUNS=2 loadtest/bench/ab.sh
# Build the old jar in a worktree: git worktree add /tmp/old <commit> && (cd /tmp/old && ./mvnw -q -DskipTests -pl server -am package)
set -u
LT=${LT_JAR:-loadtest/target/classifier-loadtest.jar}
RATE=${RATE:-4000}
RUNS=${RUNS:-2}
OUT=${OUT:-$(mktemp -d)}
run() { # label jar extra-server-args...
  local label=$1 jar=$2; shift 2
  local log="$OUT/ab-$label.log"
  java -Xmx2g -jar "$jar" --host 127.0.0.1 --port 0 --metrics-port -1 --intra-op-threads 1 --max-batch-size 8 "$@" >"$log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 300); do grep -q "models:" "$log" && break; sleep 0.2; done
  local port; port=$(grep -o "listening on 127.0.0.1:[0-9]*" "$log" | head -1 | cut -d: -f2)
  timeout 120 java -jar "$LT" --server "127.0.0.1:$port" --scenario open --transport unary --rate "$RATE" \
    --arrival poisson --warmup-ms 5000 --window-ms 3000 --min-windows 3 --max-windows 3 \
    --out "$OUT" --name "$label" 2>&1 | grep -E "unary +[0-9]+ img/s" | tail -1 | sed "s/^/$label: /"
  kill "$pid"; wait "$pid" 2>/dev/null
}
for i in $(seq 1 "$RUNS"); do
  run "old$i" "$OLD_JAR"
  run "new$i" "$NEW_JAR" --admin-port -1
done
