#!/bin/bash
# interleaved A/B: default (adaptive) vs --no-adaptive-width, c=16 then c=1, per model, 3 pairs
export SERVER_JAR=/tmp/p/server-fin.jar
cd /tmp/p
for pair in 1 2 3; do
  for m in mobilenet_v2 resnet50; do
    ./srv.sh $m 16
    ./srv.sh $m 16 --no-adaptive-width
  done
done
for pair in 1 2 3; do
  WU=8000 ./srv.sh mobilenet_v2 1
  WU=8000 ./srv.sh mobilenet_v2 1 --no-adaptive-width
done
echo ABDONE
