# Sourced by the bench scripts: where the committed result summaries come from.
#   GIT_COMMIT             the commit recorded in every report (default: git rev-parse HEAD, with
#                          "-dirty" when the work tree has uncommitted changes); passed to the load
#                          tester as --git-commit
#   RESULTS_DIR            where publish_summary copies summaries (default docs/results; empty: no copy)
# publish_summary OUT NAME [AS] copies OUT/NAME.summary.json (written by the load tester next to
# NAME.json) to $RESULTS_DIR/<UTC date>-AS.json (AS defaults to NAME), the file that README and
# docs/ quote figures from.
if [ -z "${GIT_COMMIT:-}" ]; then
  GIT_COMMIT=$(git rev-parse HEAD 2>/dev/null || echo unknown)
  if [ "$GIT_COMMIT" != unknown ] && ! git diff --quiet HEAD -- 2>/dev/null; then
    GIT_COMMIT="$GIT_COMMIT-dirty"
  fi
fi
export GIT_COMMIT
RESULTS_DIR=${RESULTS_DIR-docs/results}

publish_summary() {
  local out=$1 name=$2 as=${3:-$2}
  local src="$out/$name.summary.json"
  [ -n "$RESULTS_DIR" ] || return 0
  if [ ! -f "$src" ]; then
    echo "publish_summary: $src is missing (the run failed?)" >&2
    return 0
  fi
  mkdir -p "$RESULTS_DIR"
  local dst
  dst="$RESULTS_DIR/$(date -u +%F)-$as.json"
  cp "$src" "$dst"
  echo "summary: $dst" >&2
}
