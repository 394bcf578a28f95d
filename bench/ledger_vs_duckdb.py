#!/usr/bin/env python3
"""Ledger ingest vs DuckDB, in the same run, on the same file.

Ingesting a CSV into the ledger (parse, normalise, keyed hash, exact distinct count, persist to SQLite) must
take no longer than DuckDB's `SELECT count(DISTINCT subject) FROM read_csv(...)` on the same file.

    python3 bench/ledger_vs_duckdb.py [ROWS]        # default 3,000,000

Installs DuckDB from PyPI if absent, builds chujing in release mode, generates the file, runs each side five
times (best time wins; the ledger starts from an empty database each time) and prints the ratio.
"""
import json
import os
import random
import subprocess
import sys
import tempfile
import time

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 3_000_000
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

try:
    import duckdb
except ImportError:
    subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", "duckdb"])
    import duckdb

subprocess.check_call(["cargo", "build", "--release", "-q", "-p", "chujing"], cwd=ROOT)
target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
binary = os.path.join(target, "release", "chujing")

tmp = tempfile.mkdtemp(prefix="chujing-bench-")
path = os.path.join(tmp, "transfers.csv")
rng = random.Random(42)
distinct = int(ROWS * 0.9)  # about 10% of rows repeat someone
with open(path, "w") as f:
    f.write("record,subject,sensitive\n")
    for i in range(ROWS):
        person = rng.randrange(distinct)
        f.write(f"r{i},{110105196001010000 + person * 7},{'yes' if person % 20 == 0 else 'no'}\n")
size_mb = os.path.getsize(path) / 1e6


def best(runs):
    return min(runs)


duck_times, duck_count = [], None
for _ in range(5):
    con = duckdb.connect()
    t0 = time.perf_counter()
    duck_count = con.execute(f"SELECT count(DISTINCT subject) FROM read_csv('{path}')").fetchone()[0]
    duck_times.append(time.perf_counter() - t0)
    con.close()

env = dict(os.environ, CHUJING_LEDGER_KEY="00112233445566778899aabbccddeeff")
ledger_times, ledger_count = [], None
for i in range(5):
    db = os.path.join(tmp, f"ledger{i}.db")
    t0 = time.perf_counter()
    out = subprocess.run(
        [binary, "--db", f"sqlite://{db}", "ledger", "ingest", path, "--subject-column", "subject",
         "--sensitive-column", "sensitive", "--flow", "bench", "--date", "2026-11-01", "--json"],
        env=env, check=True, capture_output=True, text=True).stdout
    ledger_times.append(time.perf_counter() - t0)
    ledger_count = json.loads(out)["individuals"]

if ledger_count != duck_count:
    sys.exit(f"the counts differ: chujing {ledger_count}, DuckDB {duck_count}")
d, c = best(duck_times), best(ledger_times)
print(f"file: {ROWS:,} rows, {size_mb:.0f} MB, {duck_count:,} distinct subjects (both agree)")
print(f"DuckDB {duckdb.__version__} count(DISTINCT):  {d:.3f} s  (runs: {', '.join(f'{t:.3f}' for t in duck_times)})")
print(f"chujing ledger ingest (to SQLite):   {c:.3f} s  (runs: {', '.join(f'{t:.3f}' for t in ledger_times)})")
print(f"ratio chujing / DuckDB: {c / d:.2f}  ({'meets' if c <= d else 'misses'} the target of ≤ 1.00)")
