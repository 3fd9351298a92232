#!/usr/bin/env bash
# Soak: MINUTES (default 10) of Poisson load at FRACTION (default 0.8) of the max rate,
# with bad input and cancels mixed in (SoakChaos.java, every 500 ms: garbage and truncated
# messages, cancelled calls and streams, an expired stream item, a 100 KB model name), and one line
# per minute: throughput, p99, heap after GC, errors by code (client side) and the server's calls
# by code. Ends with the server's accounting (received vs answered, gauges at zero).
#
#   MAXRATE=12000 MINUTES=10 loadtest/bench/soak.sh OUTDIR
#
# Run from the repository root after packaging:
#   ./mvnw -B -o -Dbd=target-lt -pl server,loadtest -am package -DskipTests
# Without MAXRATE the script first measures it (find-max-rate, p99 <= 10 ms, about 2 minutes).
# The server listens on 127.0.0.1 only, on ports chosen by the OS, and is stopped by its PID.
set -euo pipefail
OUT=${1:-soak-results}
MINUTES=${MINUTES:-10}
FRACTION=${FRACTION:-0.8}
BD=${BD:-target-lt}
SERVER_JAR=${SERVER_JAR:-server/$BD/classifier-server.jar}
LT_JAR=${LT_JAR:-loadtest/$BD/classifier-loadtest.jar}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT"
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

log="$OUT/server.log"
java -Xmx2g -jar "$SERVER_JAR" --host 127.0.0.1 --port 0 --metrics-port 0 --admin-port -1 \
  --intra-op-threads 1 --max-batch-size 8 >"$log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 120); do
  if grep -q "listening on 127.0.0.1:" "$log"; then break; fi
  sleep 0.5
done
line=$(grep -m1 "listening on 127.0.0.1:" "$log")
PORT=$(sed -E 's/.*listening on 127\.0\.0\.1:([0-9]+).*/\1/' <<<"$line")
METRICS=$(grep -oE 'http://127\.0\.0\.1:[0-9]+/metrics' <<<"$line")
echo "server: $line"

scrape() { curl -s --max-time 10 "$METRICS"; }
# sum of a family's series, optionally filtered by a label fragment
metric() { scrape | awk -v f="$1" -v l="${2:-}" 'index($0, f) == 1 && index($0, l) { s += $NF } END { printf "%.0f", s }'; }
by_code() {
  scrape | awk 'index($0, "classifier_grpc_requests_total{") == 1 {
      i = index($0, "code=\""); c = substr($0, i + 6); c = substr(c, 1, index(c, "\"") - 1)
      s[c] += $NF }
    END { for (c in s) printf "%s=%.0f ", c, s[c] }'
}

if [ -z "${MAXRATE:-}" ]; then
  java -jar "$LT_JAR" --server 127.0.0.1:$PORT --metrics-url="$METRICS" --scenario find-max-rate \
    --transport unary --rate-low 2000 --rate-high 24000 --p99-bound-ms 10 --search-steps 4 \
    --warmup-ms 5000 --window-ms 2000 --max-windows 3 --stability-tolerance 0.15 \
    --out "$OUT" --name maxrate >"$OUT/maxrate.log" 2>&1
  MAXRATE=$(/usr/bin/python3 -c "import json,sys; print(int(json.load(open(sys.argv[1]))['maxRate']['bestRatePerSecond']))" "$OUT/maxrate.json")
fi
RATE=$(/usr/bin/python3 -c "print(int($MAXRATE * $FRACTION))")
echo "max rate $MAXRATE/s; soaking at $RATE/s for $MINUTES minute(s)"

java -cp "$LT_JAR" "$HERE/SoakChaos.java" "127.0.0.1:$PORT" $((MINUTES * 60)) 500 \
  >"$OUT/chaos.log" 2>&1 &
CHAOS=$!
PIDS+=($CHAOS)

printf '%-6s %10s %9s %14s  %-28s %s\n' minute images/s p99_ms heap_after_gc client_errors server_calls_by_code
for m in $(seq 1 "$MINUTES"); do
  java -jar "$LT_JAR" --server 127.0.0.1:$PORT --scenario open --transport unary \
    --rate "$RATE" --arrival poisson --seed "$m" \
    --warmup-ms 0 --window-ms 60000 --min-windows 1 --max-windows 1 \
    --out "$OUT/minute-$m" --name soak >"$OUT/minute-$m.log" 2>&1 || true
  row=$(tail -n 1 "$OUT/minute-$m/soak.csv" 2>/dev/null || echo "")
  ips=$(/usr/bin/python3 -c "import csv,sys; r=list(csv.DictReader(open(sys.argv[1]))); print(r[-1]['images_per_s'], r[-1]['p99_ms'], r[-1]['errors'] + ':' + (r[-1]['error_codes'] or '-'))" "$OUT/minute-$m/soak.csv" 2>/dev/null || echo "? ? ?")
  read -r tput p99 errs <<<"$ips"
  heap=$(metric classifier_jvm_heap_after_gc_bytes)
  printf '%-6s %10s %9s %11s MB  %-28s %s\n' "$m" "$tput" "$p99" "$((heap / 1048576))" "$errs" "$(by_code)"
done

wait "$CHAOS" && chaos_rc=0 || chaos_rc=$?
echo "chaos client (codes seen; rc=$chaos_rc, 1 = an UNKNOWN or INTERNAL answer):"
sed 's/^/  /' "$OUT/chaos.log"
sleep 2
echo "accounting: received $(metric classifier_grpc_received_total) calls, answered $(metric classifier_grpc_requests_total)," \
  "streams open $(metric classifier_streams_open), stream items in flight $(metric classifier_streams_in_flight)," \
  "queued $(metric classifier_queue_depth 'priority="all"'), decoding $(metric classifier_decode_pending_images)"
