#!/bin/bash
C=${1:-1}; M=${2:-mobilenet_v2}
for r in 1 2 3; do
  LT_JAR=/tmp/p/scr-loadtest.jar LJOPTS= bash "$(dirname "$0")/../../2026-12-05-dry-warmup/perf-sched/diag.sh" $M $C /tmp/an/da-exec-$M-$C-$r | sed "s/^/executor $r /"
  LT_JAR=/tmp/p/scr-loadtest.jar LJOPTS=-Dscratch.direct=true bash "$(dirname "$0")/../../2026-12-05-dry-warmup/perf-sched/diag.sh" $M $C /tmp/an/da-direct-$M-$C-$r | sed "s/^/direct   $r /"
done
