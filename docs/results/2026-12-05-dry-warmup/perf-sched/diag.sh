#!/bin/bash
# usage: diag.sh MODEL CONC OUTDIR [server args...]: closed loop, perf sched sample mid-window
# (PERF=1: 4 s of perf sched record; PERF=record: 8 s of perf record -e cpu-clock, at PERF_AT s;
#  SENV: environment for the server only, e.g. GLIBC_TUNABLES=...; JOPTS / LJOPTS: server / load-generator JVM flags;
#  TR: the transport, unary (default) or stream; LARGS: more load-generator arguments)
set -u
M=$1; C=$2; D=$3; shift 3
mkdir -p $D
env ${SENV:-} java -Xmx2g ${JOPTS:-} -jar ${SERVER_JAR:-/tmp/p/classifier-server.jar} --host 127.0.0.1 --port 0 --metrics-port 0 --admin-port 0 --model $M=/work/main/models/bench/$M/model.onnx "$@" >$D/server.log 2>&1 &
SP=$!
for i in $(seq 1 400); do grep -q "listening on 127.0.0.1:" $D/server.log && break; sleep 0.5; done
PORT=$(grep -m1 -oE 'listening on 127\.0\.0\.1:[0-9]+' $D/server.log | sed 's/.*://')
MET=$(grep -m1 -oE 'http://127\.0\.0\.1:[0-9]+/metrics' $D/server.log)
timeout 200 java ${LJOPTS:-} -jar ${LT_JAR:-/tmp/p/classifier-loadtest.jar} --server 127.0.0.1:$PORT --model $M --metrics-url=$MET --scenario closed --concurrency $C --transport ${TR:-unary} --synthetic-count 4 --client-warmup-ms ${CW:-10000} --warmup-ms ${WU:-15000} --window-ms 10000 --min-windows 2 --max-windows 2 --out $D --name lt ${LARGS:-} >$D/lt.txt 2>&1 &
LP=$!
sleep ${PERF_AT:-32}
if [ "${PERF:-}" = record ]; then perf record -e cpu-clock -F 2000 -a -o $D/perf.data -- sleep 8 >/dev/null 2>&1
elif [ -n "${PERF:-}" ]; then perf sched record -a -o $D/sched.data -- sleep 4 >/dev/null 2>&1; fi
curl -s $MET > $D/metrics-mid.txt
wait $LP
curl -s $MET > $D/metrics-end.txt
kill $SP; wait $SP 2>/dev/null
python3 -c "import json;r=json.load(open(\"$D/lt.json\"))[\"runs\"][0];s=r[\"server\"];print(\"$M c=$C args=$*:\", round(r[\"imagesPerSecond\"],1), \"img/s p50\", round(r[\"latency\"][\"p50Millis\"],3), \"batch run\", round(s[\"meanComputeMillisPerBatch\"],2), \"mean batch\", round(s[\"meanBatchSize\"],2))"
