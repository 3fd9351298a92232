#!/bin/bash
# usage: schedab.sh ARM MODEL CONC DIR ; ARM = base | lgb (load generator SCHED_BATCH) | allb (+ server non-engine threads)
set -u
A=$1; M=$2; C=$3; D=$4; mkdir -p $D
java -Xmx2g -jar /tmp/p/classifier-server.jar --host 127.0.0.1 --port 0 --metrics-port 0 --admin-port 0 --model $M=/work/main/models/bench/$M/model.onnx >$D/server.log 2>&1 &
SP=$!
for i in $(seq 1 400); do grep -q "listening on 127.0.0.1:" $D/server.log && break; sleep 0.5; done
PORT=$(grep -m1 -oE 'listening on 127\.0\.0\.1:[0-9]+' $D/server.log | sed 's/.*://')
MET=$(grep -m1 -oE 'http://127\.0\.0\.1:[0-9]+/metrics' $D/server.log)
PRE=""; [ $A != base ] && PRE="chrt -b 0"
timeout 200 $PRE java -jar /tmp/p/classifier-loadtest.jar --server 127.0.0.1:$PORT --model $M --metrics-url=$MET --scenario closed --concurrency $C --transport unary --synthetic-count 4 --client-warmup-ms 10000 --warmup-ms 15000 --window-ms 10000 --min-windows 2 --max-windows 2 --out $D --name lt >$D/lt.txt 2>&1 &
LP=$!
sleep 12
if [ $A = allb ]; then
  n=0; for t in /proc/$SP/task/*; do tid=${t##*/}; c=$(cat $t/comm); case "$c" in *-wo*|java) ;; *) chrt -b -p 0 $tid >/dev/null && n=$((n+1));; esac; done; echo "switched $n" > $D/switched.txt
fi
wait $LP
kill $SP; wait $SP 2>/dev/null
python3 -c "import json;r=json.load(open(\"$D/lt.json\"))[\"runs\"][0];s=r[\"server\"];print(\"$A $M c=$C:\", round(r[\"imagesPerSecond\"],1), \"img/s p50\", round(r[\"latency\"][\"p50Millis\"],3), \"batch run\", round(s[\"meanComputeMillisPerBatch\"],2), \"mean batch\", round(s[\"meanBatchSize\"],2))"
