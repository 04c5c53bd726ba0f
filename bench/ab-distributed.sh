#!/bin/bash
# A/B of bivalent binaries (e.g. built from two commits) on one spec, in
# alternating runs: a distributed check on 2 local processes x 1 thread, then
# the shared-memory check on 2 threads, three rounds; prints wall seconds and
# their ratio. Needs /tmp/h2, a hostfile of two free local ports.
# usage: bench/ab-distributed.sh SPEC BINARY...
set -u
S=$1; shift
for round in 1 2 3; do
for B in "$@"; do
  s=$(date +%s.%N)
  $B check $S --quiet --no-report --threads 1 --processes 2 --process 0 --hostfile /tmp/h2 >/dev/null 2>&1 & $B check $S --quiet --no-report --threads 1 --processes 2 --process 1 --hostfile /tmp/h2 >/dev/null 2>&1; wait
  e=$(date +%s.%N); d2=$(echo "$e - $s" | bc)
  s=$(date +%s.%N); $B check $S --quiet --no-report --threads 2 >/dev/null 2>&1; e=$(date +%s.%N); d1=$(echo "$e - $s" | bc)
  echo "$B 2x1 $d2 shared $d1 ratio $(echo "scale=2; $d2 / $d1" | bc)"
done; done
