#!/bin/bash
# alternate: in-process sweep (1-thread x2 side by side + 2-thread) with and without THP via glibc tunable
for r in 1 2 3; do
 for mode in off on; do
  if [ $mode = on ]; then export GLIBC_TUNABLES=glibc.malloc.hugetlb=1; else unset GLIBC_TUNABLES; fi
  java -cp /tmp/p/classifier-loadtest.jar dev.classifier.loadtest.baseline.InProcessSweep \
    --model-file models/bench/mobilenet_v2/model.onnx --threads 2 --batch-sizes 1,4 --spinning server \
    --side-by-side 2 --warmup-seconds 1 --seconds 4 --out /tmp/an/thp-$mode-$r.json 2>&1 | sed "s/^/$mode $r: /" | grep -v "^$mode $r: best"
 done
done
