#!/usr/bin/env bash
# Memory and on-disk bytes per distinct individual, at N individuals (default 10,000,000).
#
#   bench/ledger_memory.sh [N]
#
# Generates N distinct 18-digit keys, ingests them into a fresh SQLite ledger, then runs `ledger status`, which
# loads the window's subject sets into memory. Prints peak RSS of both commands and the database size, each
# divided by N. The sets themselves are 16 bytes per individual; the rest is the process and transient buffers.
set -euo pipefail
N=${1:-10000000}
root=$(cd "$(dirname "$0")/.." && pwd)
(cd "$root" && cargo build --release -q -p chujing)
bin=${CARGO_TARGET_DIR:-$root/target}/release/chujing
dir=$(mktemp -d /tmp/chujing-mem.XXXXXX)
trap 'rm -rf "$dir"' EXIT
export CHUJING_LEDGER_KEY=00112233445566778899aabbccddeeff
{ echo subject; seq 1 "$N" | awk '{ printf "110105%012d\n", $1 * 7 }'; } > "$dir/keys.csv"
measure() { /usr/bin/time -f "%M %e" "$@" 2>&1 >/dev/null | tail -n 1; }
read -r ingest_kb ingest_s < <(measure "$bin" --db "sqlite://$dir/l.db" ledger ingest "$dir/keys.csv" --subject-column subject --flow f --date 2026-06-01 --batch-id b)
read -r status_kb status_s < <(measure "$bin" --db "sqlite://$dir/l.db" ledger status --as-of 2026-11-22)
counted=$("$bin" --db "sqlite://$dir/l.db" ledger status --as-of 2026-11-22 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["windows"][0]["individuals"])')
[ "$counted" = "$N" ] || { echo "the ledger counts $counted individuals, expected $N" >&2; exit 1; }
db_bytes=$(du -cb "$dir"/l.db* | tail -n 1 | cut -f1)
csv_bytes=$(stat -c %s "$dir/keys.csv")
awk -v n="$N" -v ik="$ingest_kb" -v is="$ingest_s" -v sk="$status_kb" -v ss="$status_s" -v db="$db_bytes" -v csv="$csv_bytes" 'BEGIN {
  printf "individuals: %d (input file %.0f MB)\n", n, csv / 1e6
  printf "on disk (SQLite, all files):   %6.1f bytes per individual (%.0f MB)\n", db / n, db / 1e6
  printf "ledger status, peak RSS:       %6.1f bytes per individual (%.0f MB, %.1f s)\n", sk * 1024 / n, sk / 1024, ss
  printf "ledger ingest, peak RSS:       %6.1f bytes per individual (%.0f MB, %.1f s)\n", ik * 1024 / n, ik / 1024, is
}'
