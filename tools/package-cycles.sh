#!/usr/bin/env bash
# Lists package cycles inside each Java module's compiled classes (run after `./mvnw compile`).
# jdeps gives the package-level edges; tsort reports any loop among them. Exit status 1 on a cycle.
# jdeps reads bytecode: a reference to a compile-time constant alone is inlined and not seen.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
for module in batching imaging server client loadtest; do
  classes="$module/${BD:-target}/classes"
  [ -d "$classes" ] || { echo "$module: $classes missing (compile first)"; status=1; continue; }
  edges=$(jdeps -verbose:package -e 'dev\.classifier\..*' "$classes" \
    | awk '$2 == "->" && $1 != $3 && $3 ~ /^dev\.classifier\./ {print $1, $3}' | sort -u)
  if loop=$(printf '%s\n' "$edges" | tsort 2>&1 >/dev/null) && [ -z "$loop" ]; then
    echo "$module: $(printf '%s\n' "$edges" | grep -c .) package edges, no cycle"
  else
    echo "$module: package cycle"; printf '%s\n' "$loop"; status=1
  fi
done
exit $status
