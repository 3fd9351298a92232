#!/bin/bash
# in-run A/B: MODE=pin-later (windows 1-4 free, 5-8 batch workers pinned one per CPU) or
# MODE=unpin-later (pinned from the start of the load, unpinned after window 4)
D=$1; mkdir -p $D
java -Xmx2g -jar /tmp/p/classifier-server.jar --host 127.0.0.1 --port 0 --metrics-port 0 --admin-port 0 --model mobilenet_v2=/work/main/models/bench/mobilenet_v2/model.onnx >$D/server.log 2>&1 &
SP=$!
for i in $(seq 1 400); do grep -q "listening on 127.0.0.1:" $D/server.log && break; sleep 0.5; done
PORT=$(grep -m1 -oE 'listening on 127\.0\.0\.1:[0-9]+' $D/server.log | sed 's/.*://')
pin() { n=0; for t in /proc/$SP/task/*; do c=$(cat $t/comm); case "$c" in mobilenet_v2-wo*) taskset -p -c $n $(basename $t) >/dev/null; echo "pinned $c $(basename $t) to $n" >> $D/pins.txt; n=$((n+1));; esac; done; }
unpin() { for t in /proc/$SP/task/*; do c=$(cat $t/comm); case "$c" in mobilenet_v2-wo*) taskset -p -c 0,1 $(basename $t) >/dev/null; echo "unpinned $c" >> $D/pins.txt;; esac; done; }
timeout 300 java -jar /tmp/p/classifier-loadtest.jar --server 127.0.0.1:$PORT --model mobilenet_v2 --scenario closed --concurrency 16 --transport unary --synthetic-count 4 --client-warmup-ms 10000 --warmup-ms 15000 --window-ms 8000 --min-windows 8 --max-windows 8 --stability-tolerance 0.5 --out $D --name lt >$D/lt.txt 2>&1 &
LP=$!
[ "$MODE" = unpin-later ] && pin
for i in $(seq 1 900); do grep -q "window 4/" $D/lt.txt && break; sleep 0.2; done
echo "switch at $(date +%T.%N)" >> $D/pins.txt
if [ "$MODE" = unpin-later ]; then unpin; else pin; fi
wait $LP; kill $SP; wait $SP 2>/dev/null
grep -E "window" $D/lt.txt | awk '{print $4, $5}' | tr '\n' ' '; echo; cat $D/pins.txt | tr '\n' ';'; echo
