#!/bin/bash
C=${1:-16}
for r in 1 2 3; do
  SENV= bash "$(dirname "$0")/../../2026-12-05-dry-warmup/perf-sched/diag.sh" mobilenet_v2 $C /tmp/an/ab-off-$C-$r | sed "s/^/off $r /"
  SENV=GLIBC_TUNABLES=glibc.malloc.hugetlb=1 bash "$(dirname "$0")/../../2026-12-05-dry-warmup/perf-sched/diag.sh" mobilenet_v2 $C /tmp/an/ab-on-$C-$r | sed "s/^/on  $r /"
done
