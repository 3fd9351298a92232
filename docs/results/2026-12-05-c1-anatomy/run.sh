#!/bin/bash
# One anatomy run: in-process single-image p50 (2 threads, batch 1), then the server with defaults
# at closed-loop c=1 with 4 s of `perf sched record -a` from 32 s into the load, then in-process
# again; prints the load tester's p50 and the per-segment table of c1_anatomy.py.
# usage: run.sh MODEL OUTDIR   (jars from /tmp/p as for diag.sh; run from the repository root)
set -eu
M=$1; D=$2; mkdir -p "$D"
HERE=$(cd "$(dirname "$0")" && pwd)
LT_JAR=${LT_JAR:-/tmp/p/classifier-loadtest.jar}
inproc() {
  java -cp "$LT_JAR" dev.classifier.loadtest.baseline.InProcessSweep \
    --model-file "models/bench/$M/model.onnx" --threads 2 --batch-sizes 1 \
    --spinning server,onnxruntime --warmup-seconds 1 --seconds 4 --out "$D/inprocess-$1.json" \
    >"$D/inprocess-$1.txt" 2>&1
  grep -m1 "single image" "$D/inprocess-$1.txt" | sed "s/.*single image/in-process $1: single image/"
}
inproc before
PERF=1 PERF_AT=32 bash "$HERE/../2026-12-05-dry-warmup/perf-sched/diag.sh" "$M" 1 "$D" | tail -1
inproc after
perf sched timehist -i "$D/sched.data" -w >"$D/timehist.txt" 2>/dev/null
rm -f "$D/sched.data" "$D/sched.data.old"
python3 loadtest/bench/c1_anatomy.py "$D/timehist.txt" "$M" | tee "$D/anatomy.md"
gzip -9f "$D/timehist.txt"
