#!/usr/bin/env bash
# What TLS costs: Fashion-MNIST images/s and latency over one ClassifyStream and over unary
# Classify, plaintext vs TLS (server-only TLS, BoringSSL) vs mutual TLS with a bearer token, in
# the same run on the same machine. Fills the table in docs/SECURITY.md ("What TLS costs").
# Bounded: 3 servers x 2 transports x (warm-up + at most MAX_WINDOWS windows) ~ 2-3 minutes.
# Run from the repository root after packaging:
#   ./mvnw -q -pl server,loadtest -am package -DskipTests
#   loadtest/bench/tls-cost.sh [out-dir]
# Servers listen on 127.0.0.1 only, ports chosen by the OS; each is stopped by its own PID.
set -euo pipefail
OUT=${1:-loadtest-results/tls-cost}
BD=${BD:-target}
SERVER_JAR=${SERVER_JAR:-server/$BD/classifier-server.jar}
LT_JAR=${LT_JAR:-loadtest/$BD/classifier-loadtest.jar}
CONCURRENCY=${CONCURRENCY:-32}      # calls (unary) or images (stream window) in flight
WARMUP_MS=${WARMUP_MS:-3000}
WINDOW_MS=${WINDOW_MS:-3000}
MAX_WINDOWS=${MAX_WINDOWS:-5}
mkdir -p "$OUT"
source "$(dirname "$0")/results.sh"   # GIT_COMMIT, publish_summary -> docs/results/
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

CERTS="$OUT/certs"
rm -rf "$CERTS"
tools/make-dev-certs.sh "$CERTS" >/dev/null
rm -f "$CERTS/tokens.txt"
java -jar "$SERVER_JAR" hash-token --name bench --models '*' --append "$CERTS/tokens.txt" 2>/dev/null \
  | sed -n 's/^token: //p' >"$CERTS/token"

# start_server NAME ARGS... -> sets PORT
start_server() {
  local name=$1; shift
  local log="$OUT/$name.server.log"
  java -Xmx2g -jar "$SERVER_JAR" --host 127.0.0.1 --port 0 --metrics-port -1 --admin-port -1 \
    --intra-op-threads 1 --max-batch-size 8 "$@" >"$log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 120); do
    if grep -q "listening on 127.0.0.1:" "$log"; then break; fi
    sleep 0.5
  done
  local line; line=$(grep -m1 "listening on 127.0.0.1:" "$log")
  PORT=$(sed -E 's/.*listening on 127\.0\.0\.1:([0-9]+).*/\1/' <<<"$line")
  echo "$name: $line" >&2
}

# run NAME PORT CLIENT-FLAGS...
run() {
  local name=$1 port=$2; shift 2
  java -jar "$LT_JAR" --server 127.0.0.1:"$port" "$@" \
    --scenario closed --concurrency "$CONCURRENCY" --transport both \
    --warmup-ms "$WARMUP_MS" --window-ms "$WINDOW_MS" --max-windows "$MAX_WINDOWS" \
    --git-commit "$GIT_COMMIT" --out "$OUT" --name "tls-cost-$name" \
    --title "TLS cost: $name, Fashion-MNIST, c=$CONCURRENCY" | tee "$OUT/$name.txt"
  publish_summary "$OUT" "tls-cost-$name"
}

start_server plaintext
run plaintext "$PORT"
cleanup; PIDS=()

start_server tls --tls-cert "$CERTS/server.pem" --tls-key "$CERTS/server.key"
run tls "$PORT" --ca "$CERTS/ca.pem"
cleanup; PIDS=()

start_server mtls-token --tls-cert "$CERTS/server.pem" --tls-key "$CERTS/server.key" \
  --tls-client-ca "$CERTS/ca.pem" --tokens-file "$CERTS/tokens.txt"
run mtls-token "$PORT" --ca "$CERTS/ca.pem" --cert "$CERTS/client.pem" --key "$CERTS/client.key" \
  --token-file "$CERTS/token"
cleanup; PIDS=()

echo
echo "== summary (images/s and latency per run; reports in $OUT) =="
for n in plaintext tls mtls-token; do
  echo "-- $n"; grep -E "^closed c=[0-9]+ (unary|stream) +[0-9.]+ img/s" "$OUT/$n.txt" || true
done
