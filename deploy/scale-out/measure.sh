#!/usr/bin/env bash
# Scale-out figures on one machine (docs/DEPLOY.md, "Scale-out on one machine: measured").
#
#   ./mvnw -q -DskipTests package && deploy/scale-out/measure.sh
#
# Starts replicas of the packaged server on 127.0.0.1, 127.0.0.2 and 127.0.0.3 (one port) and
# drives them with the load tester (closed loop, client-side round_robin over static:///...):
#   1. throughput with 1 replica
#   2. throughput with 3 replicas
#   3. requests lost when replica 3 gets SIGTERM mid-run, without retries and with
#      --retry-attempts 3 (UNAVAILABLE / RESOURCE_EXHAUSTED only, with backoff)
# Bounded: about 2-3 minutes (each run ~12 s plus replica start-up); every process it starts is
# stopped on exit. Results: deploy/scale-out/results/*.json and a Markdown table on stdout.
# Environment: PORT (50151), METRICS_PORT (9191), CONCURRENCY (32), OUT (deploy/scale-out/results).
set -euo pipefail
cd "$(dirname "$0")/../.."

java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
server_jar=server/target/classifier-server.jar
loadtest_jar=loadtest/target/classifier-loadtest.jar
port="${PORT:-50151}"
metrics_port="${METRICS_PORT:-9191}"
concurrency="${CONCURRENCY:-32}"
out="${OUT:-deploy/scale-out/results}"
# GIT_COMMIT, publish_summary: each run's summary goes to docs/results/<date>-scale-out-NAME.json
# shellcheck source=loadtest/bench/results.sh disable=SC1091
source loadtest/bench/results.sh
hosts=(127.0.0.1 127.0.0.2 127.0.0.3)
pids=("" "" "")

for jar in "$server_jar" "$loadtest_jar"; do
  [ -f "$jar" ] || { echo "missing $jar: run ./mvnw -q -DskipTests package first" >&2; exit 2; }
done
mkdir -p "$out"
config="$out/replica.yaml"
cat > "$config" <<'YAML'
server:
  jmx: false
  shutdownGraceSeconds: 5
  connection:
    maxConnectionAgeSeconds: 30
    maxConnectionAgeGraceSeconds: 10
models:
  - name: fashion-mnist
    batching: {maxBatchSize: 16, maxQueueDelayMicros: 1000, maxQueueSize: 4096}
YAML

stop_all() {
  for i in 0 1 2; do
    if [ -n "${pids[$i]}" ] && kill -0 "${pids[$i]}" 2>/dev/null; then
      kill -TERM "${pids[$i]}" 2>/dev/null || true
      wait "${pids[$i]}" 2>/dev/null || true
    fi
    pids[i]=""
  done
}
trap stop_all EXIT

start_replica() { # index
  local i=$1
  "$java_bin" -jar "$server_jar" --config "$config" --host "${hosts[$i]}" --port "$port" \
    --metrics-port "$metrics_port" --admin-port -1 > "$out/replica-$((i + 1)).log" 2>&1 &
  pids[i]=$!
}

await_ready() { # index; the metrics endpoint says ready=1 (60 s at most)
  local i=$1 deadline=$((SECONDS + 60))
  while [ $SECONDS -lt $deadline ]; do
    if "$java_bin" -jar client-cli/target/classifier-client.jar models --server "${hosts[$i]}:$port" \
        > /dev/null 2>&1; then
      return 0
    fi
    kill -0 "${pids[$i]}" 2>/dev/null || { echo "replica $((i + 1)) exited" >&2; exit 1; }
  done
  echo "replica $((i + 1)) not ready after 60 s" >&2
  exit 1
}

target() { # number of replicas
  local n=$1 list="" i
  for ((i = 0; i < n; i++)); do
    list+="${list:+,}${hosts[$i]}:$port"
  done
  echo "static:///$list"
}

loadtest() { # name target retry-attempts
  "$java_bin" -jar "$loadtest_jar" --server "$2" --lb round_robin --retry-attempts "$3" \
    --scenario closed --concurrency "$concurrency" --warmup-ms 2000 --window-ms 1000 \
    --min-windows 8 --max-windows 8 --stability-windows 3 --git-commit "$GIT_COMMIT" --out "$out" --name "$1" \
    > "$out/$1.out" 2>&1
  publish_summary "$out" "$1" "scale-out-$1"
}

field() { # json-file python-expression over r (the first run)
  python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['runs'][0]; print($2)" "$1"
}

echo "1/4 one replica" >&2
start_replica 0
await_ready 0
loadtest one "$(target 1)" 0

echo "2/4 three replicas" >&2
start_replica 1
start_replica 2
await_ready 1
await_ready 2
loadtest three "$(target 3)" 0

for retries in 0 3; do
  echo "$((3 + retries / 3))/4 SIGTERM of replica 3 mid-run, --retry-attempts $retries" >&2
  loadtest "stop-retry$retries" "$(target 3)" "$retries" &
  lt=$!
  sleep 6
  kill -TERM "${pids[2]}"
  wait "${pids[2]}" 2>/dev/null || true
  wait "$lt" || true
  start_replica 2
  await_ready 2
done

one=$(field "$out/one.json" "round(r['imagesPerSecond'])")
three=$(field "$out/three.json" "round(r['imagesPerSecond'])")
lost0=$(field "$out/stop-retry0.json" "sum(r['errors'].values())")
lost3=$(field "$out/stop-retry3.json" "sum(r['errors'].values())")
codes0=$(field "$out/stop-retry0.json" "r['errors']")
total0=$(field "$out/stop-retry0.json" "r['requests']")
total3=$(field "$out/stop-retry3.json" "r['requests']")

cat <<TABLE
| setup (closed loop, concurrency $concurrency, $(nproc) cores) | images/s | requests | lost |
| --- | ---: | ---: | ---: |
| 1 replica | $one | | |
| 3 replicas, client round_robin | $three | | |
| 3 replicas, replica 3 stopped mid-run, no retries | | $total0 | $lost0 $codes0 |
| 3 replicas, replica 3 stopped mid-run, --retry-attempts 3 | | $total3 | $lost3 |
TABLE
