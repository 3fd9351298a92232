#!/bin/bash
# usage: fab.sh JAR DIR: embedded Fashion-MNIST, defaults, closed loop c=16 unary
set -u
JAR=$1; D=$2; mkdir -p $D
java -Xmx2g -jar $JAR --host 127.0.0.1 --port 0 --metrics-port 0 --admin-port 0 >$D/server.log 2>&1 &
SP=$!
for i in $(seq 1 400); do grep -q "listening on 127.0.0.1:" $D/server.log && break; sleep 0.5; done
PORT=$(grep -m1 -oE 'listening on 127\.0\.0\.1:[0-9]+' $D/server.log | sed 's/.*://')
MET=$(grep -m1 -oE 'http://127\.0\.0\.1:[0-9]+/metrics' $D/server.log)
timeout 200 java -jar ${LT_JAR:-/tmp/p/lt2.jar} --server 127.0.0.1:$PORT --metrics-url=$MET --scenario closed --concurrency 16 --transport unary --synthetic-count 4 --client-warmup-ms 10000 --warmup-ms 15000 --window-ms 10000 --min-windows 2 --max-windows 2 --out $D --name lt >$D/lt.txt 2>&1
kill $SP; wait $SP 2>/dev/null
python3 -c "
import json;r=json.load(open('$D/lt.json'))['runs'][0];s=r.get('server') or {}
print('$(basename $JAR)', round(r['imagesPerSecond'],1),'img/s p50',round(r['latency']['p50Millis'],3),'batch',round(s.get('meanBatchSize',0),2))"
