#!/usr/bin/env bash
# The README's main command from nothing: an empty CARGO_HOME (so every crate is downloaded) and an empty
# target directory, `cargo build --release --timings` of the default members (the lean `chujing`), as
# `cargo run --release -- demo` does before it prints anything. Prints the wall time, the peak memory and the
# units that took longest; the HTML timing report is kept (its path is printed).
#
# Usage: bench/cold_build.sh [EXTRA CARGO ARGS]   e.g. bench/cold_build.sh --features full
# Target: ≤ 6 minutes on the reference machine (2 cores) for the default build.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/chujing-cold.XXXXXX")
export CARGO_HOME=$work/home CARGO_TARGET_DIR=$work/target
echo "cold build in $work (CARGO_HOME and target empty), $(nproc) cores"
cd "$root"
start=$(date +%s.%N)
/usr/bin/time -f "peak memory %M KiB" -o "$work/time.txt" cargo build --release --locked --timings "$@" 2> "$work/build.log"
end=$(date +%s.%N)
python3 - "$CARGO_TARGET_DIR/cargo-timings/cargo-timing.html" "$start" "$end" "$work/time.txt" <<'PY'
import json, re, sys
html, start, end, mem = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
units = json.loads(re.search(r"const UNIT_DATA = (\[.*?\]);\n", open(html).read(), re.S).group(1))
wall = end - start
print(f"wall {wall:.0f} s ({int(wall // 60)} min {wall % 60:.0f} s); {open(mem).read().strip()}")
print(f"{len(units)} units, {sum(u['duration'] for u in units):.0f} s of compilation in all")
print("longest units (s):")
for u in sorted(units, key=lambda u: -u["duration"])[:12]:
    print(f"  {u['duration']:6.1f}  {u['name']} {u['version']} {u.get('target', '').strip()}")
print(f"timing report: {html}")
PY
