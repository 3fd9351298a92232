#!/usr/bin/env bash
# The "CPU ceiling" figures of docs/BENCHMARKS.md, measured in ONE run on this machine:
# for each model, the best in-process ONNX Runtime figure (threads 1 and 2, batch 1, 2, 4 and 8,
# spinning as the server would set it and as ONNX Runtime's default, and two one-thread sessions
# side by side as the server's adaptive width runs under load) measured BEFORE and AFTER the
# server, then the server with DEFAULT settings (no thread flags) in a closed loop at concurrency 1
# (low load) and 16 (saturation), and the ratios the issue asks for, against the better of the two
# in-process measurements (the machine's speed drifts by several per cent within minutes):
#   throughput ratio = server img/s at c=16 / best in-process img/s          (target >= 0.90)
#   added p50        = server p50 at c=1 - best in-process single-image p50  (target <= 0.5 ms)
# It also shows where the time goes: at c=1 the server's own mean time per request and per batch
# run (from /metrics), and at c=16 how the machine's CPU was shared between ONNX Runtime's
# threads, the server's other threads and the load generator (from /proc, over 3 s mid-window).
# With PAIRS=N (interleaved) one server stays up per model and the in-process sweep and the load
# generator alternate, N server runs each between two sweeps; every run's ratio is against the
# sweeps right before and after it, and the median and range over the N runs are reported
# (ceiling-interleaved.md): one warm server serves all N runs and N + 1 sweeps serve N ratios.
# The idle server's CPU during each sweep is recorded (<model>.idle-server-cpu.txt).
# Run from the repository root after packaging and exporting the bench models:
#   ./mvnw -o -Dbd=target-lt -pl server,loadtest -am package -DskipTests
#   /usr/bin/python3 tools/export_torchvision.py          # models/bench/{mobilenet_v2,resnet50}
#   loadtest/bench/ceiling.sh [all|mobilenet_v2|resnet50|fashion] [out-dir]
# Both JVMs warm up long enough for the JIT to settle (CLIENT_WARMUP_MS of the load generator's
# own path, WARMUP_MS per concurrency point): with 1.5 s and 3 s the compilers still used 8-15 %
# of a core during the measurement, which ONNX Runtime's two threads pay for twice.
# Bounded: about 5 minutes per model, about 15 minutes for all three (SECONDS_PER_POINT,
# WINDOW_MS, the warm-ups shorten or lengthen it). Servers listen on 127.0.0.1 only, ports chosen
# by the OS; each server is stopped by its own PID. Extra server flags go in SERVER_ARGS, extra
# load-generator flags in LOADGEN_ARGS; both are printed with the results.
set -euo pipefail
WHAT=${1:-all}
OUT=${2:-loadtest-results/ceiling}
BD=${BD:-target-lt}
SERVER_JAR=${SERVER_JAR:-server/$BD/classifier-server.jar}
LT_JAR=${LT_JAR:-loadtest/$BD/classifier-loadtest.jar}
SECONDS_PER_POINT=${SECONDS_PER_POINT:-5}
WINDOW_MS=${WINDOW_MS:-3000}
CLIENT_WARMUP_MS=${CLIENT_WARMUP_MS:-10000}
WARMUP_MS=${WARMUP_MS:-15000}
COMMIT=$(git rev-parse HEAD 2>/dev/null || echo unknown)
SERVER_ARGS=${SERVER_ARGS:-}
LOADGEN_ARGS=${LOADGEN_ARGS:-}
PAIRS=${PAIRS:-0}
mkdir -p "$OUT"
SERVER_PID=""
LOADGEN_PID=""
LOADGEN_JVM=""
cleanup() {
  if [ -n "$LOADGEN_PID" ]; then kill "$LOADGEN_PID" 2>/dev/null || true; fi
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi
}
trap cleanup EXIT

inprocess() { # name model-file when(before|after)
  timeout 400 java -cp "$LT_JAR" dev.classifier.loadtest.baseline.InProcessSweep \
    --model-file "$2" --threads 1,2 --batch-sizes 1,2,4,8 --spinning server,onnxruntime \
    --side-by-side 2 \
    --warmup-seconds 1 --seconds "$SECONDS_PER_POINT" --out "$OUT/$1.inprocess-$3.json" \
    | tee "$OUT/$1.inprocess-$3.txt"
}

# Per-thread CPU (utime+stime ticks) of the server and the load generator, one line per thread.
# One process reads every thread (tens of milliseconds): a tool spawned per thread took seconds,
# which stretched the sample past the end of the load and inflated the shares.
threads_cpu() {
  /usr/bin/python3 - "$SERVER_PID" "$LOADGEN_JVM" <<'PY'
import glob, sys
for pid in sys.argv[1:]:
    for t in glob.glob(f"/proc/{pid}/task/*"):
        try:
            comm = open(t + "/comm").read().strip().replace(" ", "_")
            f = open(t + "/stat").read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        print(pid, comm, int(f[11]) + int(f[12]))
PY
}

# Once the load generator reports its first c=16 window, samples both processes for 3 s.
sample_cpu_at_saturation() { # name load-generator-log
  local log=$2
  for _ in $(seq 1 600); do
    if grep -q "c=16 unary: window 1/" "$log" 2>/dev/null; then break; fi
    if ! kill -0 "$LOADGEN_PID" 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  # the load generator runs under timeout(1): its JVM is the child
  LOADGEN_JVM=$(pgrep -P "$LOADGEN_PID" | head -1)
  threads_cpu >"$OUT/$1.cpu-before.txt"
  local t0; t0=$(date +%s.%N)
  sleep 3
  threads_cpu >"$OUT/$1.cpu-after.txt"
  local t1; t1=$(date +%s.%N)
  if ! kill -0 "$LOADGEN_PID" 2>/dev/null; then
    echo "note: the load generator ended within the CPU sample; no CPU shares for $1" >&2
    return 0
  fi
  /usr/bin/python3 - "$OUT/$1.cpu-before.txt" "$OUT/$1.cpu-after.txt" "$t0" "$t1" \
    "$SERVER_PID" "$(getconf CLK_TCK)" "$(nproc)" >"$OUT/$1.cpu.json" <<'PY'
import json, re, sys
before, after, t0, t1, server, hz, cpus = sys.argv[1:8]
elapsed, hz, cpus = float(t1) - float(t0), float(hz), int(cpus)
def read(f):
    out = {}
    for line in open(f):
        pid, comm, ticks = line.split()
        out.setdefault((pid, comm), []).append(int(ticks))
    return out
a, b = read(before), read(after)
def group(pid, comm):
    if pid != server:
        return "load generator"
    # Linux keeps 15 characters of "<model>-worker-N"; ONNX Runtime's intra-op threads inherit
    # the name of the thread that created the session ("java")
    if comm == "java" or re.search(r"-w(o(r(k(e(r(-\d+)?)?)?)?)?)?$", comm):
        return "engine (batch worker + ONNX Runtime intra-op)"
    if comm.startswith(("multiThreadIo", "grpc", "epoll")) or re.search(
            r"-c(o(m(p(l(e(t(e(-\d+)?)?)?)?)?)?)?)?$", comm):
        return "server gRPC + answers"
    if comm.startswith(("C1_", "C2_")):
        return "server JIT"
    if comm.startswith(("GC_", "G1_", "VM_")):
        return "server GC/VM"
    return "server other"
shares, threads = {}, []
for key, ticks in b.items():
    d = sum(ticks) - sum(a.get(key, [0] * len(ticks)))
    pct = 100.0 * d / hz / elapsed / cpus  # share of the whole machine
    g = group(*key)
    shares[g] = shares.get(g, 0) + pct
    if pct >= 0.5:
        threads.append({"process": "server" if key[0] == server else "load generator",
                        "thread": key[1], "machinePercent": round(pct, 1)})
threads.sort(key=lambda t: -t["machinePercent"])
json.dump({"seconds": round(elapsed, 2), "processors": cpus,
           "machinePercentByGroup": {k: round(v, 1) for k, v in sorted(shares.items(), key=lambda x: -x[1])},
           "threads": threads}, sys.stdout, indent=1)
PY
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

start_model_server() { # name model-arg(or empty)
  if [ -n "$2" ]; then start_server "$1" --model "$2"; else start_server "$1"; fi
}

# The load generator against the running server, closed loop at c=1 then c=16; results in
# $OUT/<stem>.json. With SAMPLE_CPU=1 it also samples both processes' CPU at c=16 (<name>.cpu.json).
load_server() { # name model-name(or empty) stem
  local name=$1 model=$2 stem=$3
  local extra=(); [ -n "$METRICS" ] && extra+=("--metrics-url=$METRICS")
  [ -n "$model" ] && extra+=("--model" "$model")
  # shellcheck disable=SC2086
  timeout 300 java -jar "$LT_JAR" --server "127.0.0.1:$PORT" "${extra[@]}" \
    --scenario sweep --concurrency-range 1,16 --transport unary --synthetic-count 4 \
    --client-warmup-ms "$CLIENT_WARMUP_MS" --warmup-ms "$WARMUP_MS" --window-ms "$WINDOW_MS" \
    --min-windows 2 --max-windows 3 --stability-tolerance 0.15 --git-commit "$COMMIT" \
    $LOADGEN_ARGS --out "$OUT" --name "$stem" \
    --title "$name, server with default settings" >"$OUT/$stem.loadgen.txt" 2>&1 &
  LOADGEN_PID=$!
  if [ "${SAMPLE_CPU:-0}" = 1 ]; then sample_cpu_at_saturation "$name" "$OUT/$stem.loadgen.txt"; fi
  wait "$LOADGEN_PID" || { tail -20 "$OUT/$stem.loadgen.txt" >&2; LOADGEN_PID=""; exit 1; }
  LOADGEN_PID=""
  tail -4 "$OUT/$stem.loadgen.txt"
}

serve_and_load() { # name model-arg(or empty) model-name
  start_model_server "$1" "$2"
  SAMPLE_CPU=1 load_server "$1" "$3" "$1.server"
  stop_server
}

# Interleaved (PAIRS=N): one server for the whole model; the in-process sweep and the load
# generator alternate, in-process first and last (N loads between N+1 sweeps), so every server
# measurement has an in-process measurement right before and right after it.
serve_interleaved() { # name model-file model-arg(or empty) model-name
  local i
  inprocess "$1" "$2" "p1"
  start_model_server "$1" "$3"
  for i in $(seq 1 "$PAIRS"); do
    load_server "$1" "$4" "$1.server-p$i"
    local t0; t0=$(server_cpu_ms)
    inprocess "$1" "$2" "p$((i + 1))"
    echo "the idle server used $(( $(server_cpu_ms) - t0 )) ms of CPU during sweep p$((i + 1))" \
      | tee -a "$OUT/$1.idle-server-cpu.txt"
  done
  stop_server
}

server_cpu_ms() { # the server process's user + system CPU so far, in milliseconds
  awk -v hz="$(getconf CLK_TCK)" '{ print int(($14 + $15) * 1000 / hz) }' "/proc/$SERVER_PID/stat"
}

# One row per server run, against the better of the in-process sweeps right before and after it
# (normal mode: the "before" and "after" sweeps; PAIRS=N: sweeps p<i> and p<i+1>), then, with
# PAIRS=N, the median and range of the ratio and the added p50 over the N runs.
ratios() { # name
  /usr/bin/python3 - "$OUT" "$1" "$PAIRS" <<'PY'
import json, os, statistics, sys
out, name, pairs = sys.argv[1], sys.argv[2], int(sys.argv[3])
load = lambda f: json.load(open(os.path.join(out, f"{name}.{f}.json")))
runs_of = ([("", "inprocess-before", "inprocess-after", "server")] if pairs == 0 else
           [(f" ({i})", f"inprocess-p{i}", f"inprocess-p{i + 1}", f"server-p{i}")
            for i in range(1, pairs + 1)])
fmt = lambda v: "n/a" if v is None or v != v else f"{v:.3f}"
ratios, added = [], []
for label, b, a, s in runs_of:
    before, after, srv = load(b), load(a), load(s)
    runs = {(r["transport"], r["concurrency"]): r for r in srv["runs"] if r["target"] == "server"}
    sat, low = runs[("unary", 16)], runs[("unary", 1)]
    # against the better in-process measurement: the higher img/s, the lower single-image p50
    best = max((before["best"], after["best"]), key=lambda p: p["imagesPerSecond"])
    fast = min((before["fastestSingleImage"], after["fastestSingleImage"]),
               key=lambda p: p["batchP50Millis"])
    ratios.append(sat["imagesPerSecond"] / best["imagesPerSecond"])
    added.append(low["latency"]["p50Millis"] - fast["batchP50Millis"])
    srv_low = low.get("server") or {}
    print(f"| {name}{label} | {before['best']['imagesPerSecond']:.1f} / "
          f"{after['best']['imagesPerSecond']:.1f} (best {best.get('sessions', 1)}x "
          f"t{best['threads']} b{best['batchSize']} spin {best['spinning']}) | "
          f"{sat['imagesPerSecond']:.1f} | **{ratios[-1]:.2f}** | "
          f"{before['fastestSingleImage']['batchP50Millis']:.3f} / "
          f"{after['fastestSingleImage']['batchP50Millis']:.3f} | {low['latency']['p50Millis']:.3f} | "
          f"**{added[-1]:.3f}** | {fmt(srv_low.get('meanRequestMillis'))} / "
          f"{fmt(srv_low.get('meanComputeMillisPerBatch'))} | "
          f"{'yes' if sat['stable'] and low['stable'] else 'NO'} |")
if pairs > 0:
    print(f"| {name}: median (range) of {pairs} | | | **{statistics.median(ratios):.2f}** "
          f"({min(ratios):.2f}-{max(ratios):.2f}) | | | **{statistics.median(added):.3f}** "
          f"({min(added):.3f}-{max(added):.3f}) | | |")
PY
}

table_header() {
  echo "| model (run) | in-process img/s before / after (best of both) | server c=16 img/s | ratio (>= 0.90) | in-process 1-image p50 ms before / after | server c=1 p50 ms | added p50 ms (<= 0.5) | server at c=1: mean ms per request / per batch run | stable |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
}

cpu_shares() { # name
  /usr/bin/python3 - "$OUT/$1.cpu.json" "$1" <<'PY'
import json, os, sys
if not os.path.exists(sys.argv[1]):
    sys.exit(0)
c = json.load(open(sys.argv[1]))
g = c["machinePercentByGroup"]
print(f"| {sys.argv[2]} | " + "; ".join(f"{k} {v:.1f} %" for k, v in g.items())
      + f" | {sum(g.values()):.1f} % |")
PY
}

run_model() { # name
  local f arg model
  case "$1" in
    fashion)
      f=${FASHION_ONNX:-server/src/main/resources/models/fashion-mnist/model.onnx}; arg=""; model="" ;;
    mobilenet_v2|resnet50)
      f=models/bench/$1/model.onnx; arg="$1=$f"; model=$1
      [ -f "$f" ] || { echo "missing $f: run tools/export_torchvision.py" >&2; exit 2; } ;;
    *) echo "unknown: $1" >&2; exit 2 ;;
  esac
  if [ "$PAIRS" -gt 0 ]; then
    serve_interleaved "$1" "$f" "$arg" "$model"
  else
    inprocess "$1" "$f" before
    serve_and_load "$1" "$arg" "$model"
    inprocess "$1" "$f" after
  fi
}

case "$WHAT" in
  all) MODELS=(mobilenet_v2 resnet50 fashion) ;;
  *) MODELS=("$WHAT") ;;
esac
for m in "${MODELS[@]}"; do run_model "$m"; done

if [ "$PAIRS" -gt 0 ]; then
  {
    echo "processors: $(nproc); commit: $COMMIT; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "interleaved: $PAIRS server runs, each between two in-process sweeps; SERVER_ARGS: '${SERVER_ARGS}'; LOADGEN_ARGS: '${LOADGEN_ARGS}'; warm-ups: client ${CLIENT_WARMUP_MS} ms, per point ${WARMUP_MS} ms"
    echo
    table_header
    for m in "${MODELS[@]}"; do ratios "$m"; done
  } | tee "$OUT/ceiling-interleaved.md"
  exit 0
fi
{
  echo "processors: $(nproc); commit: $COMMIT; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "SERVER_ARGS: '${SERVER_ARGS}'; LOADGEN_ARGS: '${LOADGEN_ARGS}'; warm-ups: client ${CLIENT_WARMUP_MS} ms, per point ${WARMUP_MS} ms"
  echo
  table_header
  for m in "${MODELS[@]}"; do ratios "$m"; done
  echo
  echo "Where the machine's CPU went at c=16 (per cent of all $(nproc) processors, 3 s mid-window):"
  echo
  echo "| model | by group | total |"
  echo "| --- | --- | --- |"
  for m in "${MODELS[@]}"; do cpu_shares "$m"; done
} | tee "$OUT/ceiling.md"
