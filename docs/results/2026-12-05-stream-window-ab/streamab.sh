#!/bin/bash
# usage: streamab.sh LABEL SERVER_JAR DIR: Fashion-MNIST (embedded default model), server with defaults,
# closed loop c=16 over one bidirectional stream (ClassifyStream), 10 s + 15 s warm-up, 2 windows of 10 s
set -u
L=$1; J=$2; D=$3; mkdir -p $D
java -Xmx2g -jar $J --host 127.0.0.1 --port 0 --metrics-port 0 --admin-port 0 >$D/server.log 2>&1 &
SP=$!
for i in $(seq 1 400); do grep -q "listening on 127.0.0.1:" $D/server.log && break; sleep 0.5; done
PORT=$(grep -m1 -oE 'listening on 127\.0\.0\.1:[0-9]+' $D/server.log | sed 's/.*://')
timeout 200 java -jar /tmp/p/classifier-loadtest.jar --server 127.0.0.1:$PORT --scenario closed --concurrency 16 --transport stream --synthetic-count 4 --client-warmup-ms 10000 --warmup-ms 15000 --window-ms 10000 --min-windows 2 --max-windows 2 --out $D --name lt >$D/lt.txt 2>&1
kill $SP; wait $SP 2>/dev/null
python3 -c "import json;r=json.load(open(\"$D/lt.json\"))[\"runs\"][0];print(\"$L:\", round(r[\"imagesPerSecond\"],1), \"img/s p50\", round(r[\"latency\"][\"p50Millis\"],3), \"p99\", round(r[\"latency\"][\"p99Millis\"],3))"
