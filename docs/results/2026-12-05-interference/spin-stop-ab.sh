#!/bin/bash
# A/B: server with the spinning stop (default) vs without (-Dscratch.noSpinStop=true), MobileNetV2
cd /tmp/p
for pair in 1 2 3; do
 for c in 1 16; do
  for v in stop nostop; do
   if [ $v = nostop ]; then J="-Dscratch.noSpinStop=true"; else J=""; fi
   echo "$(date +%T) load $(cut -d' ' -f1 /proc/loadavg) pair $pair $v: $(SERVER_JAR=/tmp/p/srv-scratch.jar JOPTS="$J" PERF_AT=30 ./diag.sh mobilenet_v2 $c /tmp/p/spin/$pair-$c-$v 2>&1 | tail -1)"
  done
 done
done
