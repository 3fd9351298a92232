#!/bin/bash
# usage: jit.sh JAR MODEL OUTDIR: server start-up line, then closed loop c=16 (10 s client warm-up,
# 15 s warm-up, 2 windows of 10 s); C2/C1 CPU of the server and of the load generator from 25 s to 45 s of load
set -u
JAR=$1; M=$2; D=$3; mkdir -p $D
java -Xmx2g -jar $JAR --host 127.0.0.1 --port 0 --metrics-port 0 --admin-port 0 --model $M=models/bench/$M/model.onnx >$D/server.log 2>&1 &
SP=$!
for i in $(seq 1 400); do grep -q "listening on 127.0.0.1:" $D/server.log && break; sleep 0.5; done
PORT=$(grep -m1 -oE 'listening on 127\.0\.0\.1:[0-9]+' $D/server.log | sed 's/.*://')
MET=$(grep -m1 -oE 'http://127\.0\.0\.1:[0-9]+/metrics' $D/server.log)
timeout 200 java -jar ${LT_JAR:-loadtest/target-lt/classifier-loadtest.jar} --server 127.0.0.1:$PORT --model $M --metrics-url=$MET --scenario closed --concurrency 16 --transport unary --synthetic-count 4 --client-warmup-ms 10000 --warmup-ms 15000 --window-ms 10000 --min-windows 2 --max-windows 2 --out $D --name lt >$D/lt.txt 2>&1 &
LP=$!
jitms() { python3 - "$@" <<'PY'
import glob, os, sys
hz = os.sysconf('SC_CLK_TCK')
for pid in sys.argv[1:]:
    s = 0
    for t in glob.glob(f'/proc/{pid}/task/*'):
        try:
            if open(t + '/comm').read().startswith(('C1', 'C2')):
                f = open(t + '/stat').read().rsplit(')', 1)[1].split()
                s += int(f[11]) + int(f[12])
        except OSError:
            pass
    print(s * 1000 // hz, end=' ')
PY
}
sleep 25
LJ=$(pgrep -P $LP | head -1); [ -z "$LJ" ] && LJ=$LP
a=$(jitms $SP $LJ); sleep 20; b=$(jitms $SP $LJ)
wait $LP
kill $SP; wait $SP 2>/dev/null
python3 - "$D" "$a" "$b" "$(basename $JAR)" <<'PY'
import json, re, sys
d, a, b, jar = sys.argv[1:5]
a, b = [int(x) for x in a.split()], [int(x) for x in b.split()]
r = json.load(open(d + '/lt.json'))['runs'][0]
line = open(d + '/server.log').read()
w = re.search(r'warm-up (\d+) ms \((\d+) requests', line)
print(f"{jar}: warm-up {w.group(1)} ms {w.group(2)} requests; c=16 {r['imagesPerSecond']:.1f} img/s; "
      f"JIT CPU 25-45 s of load: server {b[0]-a[0]} ms, load generator {b[1]-a[1]} ms")
PY
