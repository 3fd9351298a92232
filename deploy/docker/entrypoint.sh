#!/bin/sh
# Entrypoint of the classifier-server images (deploy/docker/Dockerfile, Dockerfile.gpu).
#
#   entrypoint.sh [server flags...]      e.g. --config /etc/classifier/server.yaml, --print-config
#
# Environment:
#   CLASSIFIER_HOME    install folder (default /opt/classifier); the jar is $CLASSIFIER_HOME/classifier-server.jar
#   CLASSIFIER_JAR     the server jar, overriding the above
#   CLASSIFIER_CONFIG  config file used when no --config flag is given and the file exists
#                      (default /etc/classifier/server.yaml, the ConfigMap mount in Kubernetes)
#   JAVA_OPTS          extra JVM flags, appended after the container-aware defaults below
#   JAVA_HOME          JVM to use (default: java on the PATH)
#
# The JVM sizes its heap from the container's memory limit (-XX:MaxRAMPercentage), leaving the
# rest for ONNX Runtime's native memory, direct buffers and thread stacks; it exits on
# OutOfMemoryError so that the orchestrator restarts it, and writes temporary files (ONNX
# Runtime's unpacked native libraries) to $TMPDIR, the one writable path with a read-only root.
set -eu

home="${CLASSIFIER_HOME:-/opt/classifier}"
jar="${CLASSIFIER_JAR:-$home/classifier-server.jar}"
config="${CLASSIFIER_CONFIG:-/etc/classifier/server.yaml}"
tmp="${TMPDIR:-/tmp}"
if [ -n "${JAVA_HOME:-}" ]; then
  java="$JAVA_HOME/bin/java"
else
  java=java
fi

if [ ! -r "$jar" ]; then
  echo "entrypoint: server jar not found: $jar (set CLASSIFIER_HOME or CLASSIFIER_JAR)" >&2
  exit 2
fi

has_config=false
for arg in "$@"; do
  case "$arg" in
    --config|--config=*) has_config=true ;;
  esac
done
if [ "$has_config" = false ] && [ -r "$config" ]; then
  set -- --config "$config" "$@"
fi

# --- AppCDS hook (owned by the cold-start work; see tools/ for the archive script) ---------------
# When the image build creates a class-data-sharing archive, its JVM flag goes here, e.g. through
# CLASSIFIER_CDS_OPTS set in the Dockerfile. Empty by default.
cds_opts="${CLASSIFIER_CDS_OPTS:-}"
# ------------------------------------------------------------------------------------------------

# JAVA_OPTS and cds_opts are lists of flags: word splitting is intended.
# shellcheck disable=SC2086
exec "$java" \
  -XX:+UseContainerSupport \
  -XX:MaxRAMPercentage=50 \
  -XX:+ExitOnOutOfMemoryError \
  -Djava.io.tmpdir="$tmp" \
  $cds_opts \
  ${JAVA_OPTS:-} \
  -jar "$jar" "$@"
