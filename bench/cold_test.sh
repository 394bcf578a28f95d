#!/usr/bin/env bash
# The README's test command from nothing: an empty CARGO_HOME (every crate downloaded), an empty target
# directory and empty caches of the tools the suite builds for itself (cargo-deny, cargo-deb, the fuzz
# targets and their corpus), then `scripts/test` with CI set. Debian packages the suite installs (poppler,
# fonts, Chromium, PostgreSQL) stay installed: apt's cache is the machine's, not the project's. Prints the wall
# time of the whole run and of each of its steps.
#
# Usage: bench/cold_test.sh          Target: ≤ 20 minutes on the reference machine (2 cores).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/chujing-cold-test.XXXXXX")
export CARGO_HOME=$work/home CARGO_TARGET_DIR=$work/target CHUJING_TOOLS=$work/tools CHUJING_FUZZ_DIR=$work/fuzz
export CI=true CARGO_TERM_COLOR=never
echo "cold test run in $work (CARGO_HOME, target and tool caches empty), $(nproc) cores"
cd "$root"
start=$(date +%s)
set +e
scripts/test 2>&1 | while IFS= read -r line; do
  case $line in "== "*) echo "$(( $(date +%s) - start )) s  $line" ;; esac
  case $line in summary:*|*passed*|*FAILED*|SKIPPED*) echo "        $line" ;; esac
  echo "$line" >> "$work/test.log"
done
status=${PIPESTATUS[0]}
set -e
wall=$(( $(date +%s) - start ))
echo "wall $wall s ($(( wall / 60 )) min $(( wall % 60 )) s); scripts/test exit $status; log: $work/test.log"
