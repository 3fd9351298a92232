#!/usr/bin/env bash
# Builds an AppCDS archive (a JDK 17 dynamic archive) for classifier-server, so that later starts
# map the classes of the whole serving path from the archive instead of loading and verifying
# them from the jar (time to SERVING: see docs/BENCHMARKS.md, "Cold start").
#
#   tools/build-cds-archive.sh [SERVER_JAR] [ARCHIVE] [-- extra server args...]
#     SERVER_JAR  default server/target/classifier-server.jar
#     ARCHIVE     default: SERVER_JAR with .jsa instead of .jar
#
# It starts the jar once with -XX:ArchiveClassesAtExit=ARCHIVE on 127.0.0.1 (ephemeral port,
# metrics and JMX off), waits for the ready line (printed once SERVING, i.e. after the serving-path
# warm-up, which loads every class a request touches), then stops it with SIGTERM; the JVM writes
# the archive as it exits. Bounded: gives up after $CDS_TIMEOUT_SECONDS (default 180).
#
# Use the archive with the SAME JDK build and the SAME jar path (the archive records the class
# path and checks the jar's size and time):
#   java -XX:SharedArchiveFile=ARCHIVE -Xshare:auto -jar SERVER_JAR ...
# -Xshare:auto (the default) falls back to normal class loading if the archive does not match.
set -euo pipefail
JAR=${1:-server/target/classifier-server.jar}
ARCHIVE=${2:-${JAR%.jar}.jsa}
shift $(( $# >= 2 ? 2 : $# ))
if [ "${1:-}" = "--" ]; then shift; fi
JAVA=${JAVA:-java}
TIMEOUT=${CDS_TIMEOUT_SECONDS:-180}
[ -f "$JAR" ] || { echo "build-cds-archive: no jar at $JAR" >&2; exit 2; }
rm -f "$ARCHIVE"
LOG=$(mktemp)
PID=""
cleanup() { if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then kill -KILL "$PID" 2>/dev/null || true; fi; rm -f "$LOG"; }
trap cleanup EXIT

# -Xlog:cds=error: the dump warns about every pre-Java-6 class it skips (picocli); not errors
"$JAVA" -XX:ArchiveClassesAtExit="$ARCHIVE" -Xlog:cds=error -Xlog:cds+dynamic=error \
  -jar "$JAR" --host 127.0.0.1 --port 0 --metrics-port -1 --admin-port -1 --no-jmx "$@" >"$LOG" 2>&1 &
PID=$!
deadline=$(( $(date +%s) + TIMEOUT ))
until grep -q "listening on 127.0.0.1:" "$LOG"; do
  if ! kill -0 "$PID" 2>/dev/null; then
    echo "build-cds-archive: the server exited before it was ready:" >&2; cat "$LOG" >&2; exit 1
  fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "build-cds-archive: not ready within ${TIMEOUT}s" >&2; exit 1
  fi
  sleep 0.2
done
grep -m1 "listening on 127.0.0.1:" "$LOG" >&2
kill -TERM "$PID"
until ! kill -0 "$PID" 2>/dev/null; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "build-cds-archive: the server did not exit within ${TIMEOUT}s" >&2; exit 1
  fi
  sleep 0.2
done
wait "$PID" || true
PID=""
[ -s "$ARCHIVE" ] || { echo "build-cds-archive: no archive written" >&2; cat "$LOG" >&2; exit 1; }
echo "AppCDS archive: $ARCHIVE ($(du -h "$ARCHIVE" | cut -f1)); start with:" >&2
echo "  $JAVA -XX:SharedArchiveFile=$ARCHIVE -Xshare:auto -jar $JAR ..." >&2
