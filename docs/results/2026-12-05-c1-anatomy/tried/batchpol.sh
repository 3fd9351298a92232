#!/bin/bash
# A/B within one run: windows 1-3 default policy, then SCHED_BATCH for every non-engine thread of server + loadgen (MODE=all) or loadgen only (MODE=lg)
D=$1; mkdir -p $D
java -Xmx2g -jar /tmp/p/classifier-server.jar --host 127.0.0.1 --port 0 --metrics-port 0 --admin-port 0 --model mobilenet_v2=/work/main/models/bench/mobilenet_v2/model.onnx >$D/server.log 2>&1 &
SP=$!
for i in $(seq 1 400); do grep -q "listening on 127.0.0.1:" $D/server.log && break; sleep 0.5; done
PORT=$(grep -m1 -oE 'listening on 127\.0\.0\.1:[0-9]+' $D/server.log | sed 's/.*://')
timeout 300 java -jar /tmp/p/classifier-loadtest.jar --server 127.0.0.1:$PORT --model mobilenet_v2 --scenario closed --concurrency 16 --transport unary --synthetic-count 4 --client-warmup-ms 10000 --warmup-ms 15000 --window-ms 8000 --min-windows 8 --max-windows 8 --stability-tolerance 0.5 --out $D --name lt >$D/lt.txt 2>&1 &
LP=$!
for i in $(seq 1 600); do grep -q "window 4/" $D/lt.txt && break; sleep 0.2; done
LJ=$(pgrep -f classifier-loadtest.jar | head -1)
n=0
for t in /proc/$LJ/task/*; do chrt -b -p 0 $(basename $t) >/dev/null 2>&1 && n=$((n+1)); done
if [ "${MODE:-all}" = all ]; then
for t in /proc/$SP/task/*; do c=$(cat $t/comm); case "$c" in mobilenet_v2-wo*|java) ;; *) chrt -b -p 0 $(basename $t) >/dev/null 2>&1 && n=$((n+1));; esac; done
fi
echo "switched $n threads to SCHED_BATCH after window 4 start" >> $D/lt.txt
wait $LP; kill $SP; wait $SP 2>/dev/null
grep -E "window|switched" $D/lt.txt
