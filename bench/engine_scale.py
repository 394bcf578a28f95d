#!/usr/bin/env python3
"""The ledger's count at scale, in one run, on the same Parquet data: chujing's native reader, DataFusion on
one node (every core), Ballista (a scheduler and two executors on this machine) and DuckDB's COUNT(DISTINCT).

    python3 bench/engine_scale.py [ROWS] [FILES]      # default 100,000,000 rows in 16 files

Generates the rows with DuckDB into FILES Parquet files (and the same rows as one file for the native reader,
which reads one file per batch), builds chujing in release with `--features ballista`, runs each side once
and prints wall time, peak memory (the largest resident set of each process: for Ballista the client, the
scheduler and both executors, summed), and the distinct individuals and sensitive individuals each found. All
four must agree exactly; the script exits 1 if they do not. Also prints the ledger's bytes per individual
(the SQLite file after the native ingest, and the native ingest's peak memory, divided by the individuals).

Keys are generated already normalised (11-digit mobile numbers), so that DuckDB's count of distinct strings is
the count of distinct people; chujing still normalises and hashes every one of them.
"""
import json
import os
import shutil
import sys
import tempfile
import time

import duckdb

from engine_common import ENV, Cluster, measured, release_binary

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000_000
FILES = int(sys.argv[2]) if len(sys.argv) > 2 else 16
DISTINCT = ROWS * 3 // 5  # about 60% of rows are distinct people
binary = release_binary()

tmp = tempfile.mkdtemp(prefix="chujing-scale-")
parts = os.path.join(tmp, "parts")
os.makedirs(parts)
whole = os.path.join(tmp, "all.parquet")
rows_sql = ("SELECT '1' || lpad((hash(i) % {d})::VARCHAR, 10, '0') AS subject, "
            "CASE WHEN hash(i) % {d} % 20 = 0 THEN 'yes' ELSE 'no' END AS sensitive "
            "FROM range({a}, {b}) t(i)")
t0 = time.perf_counter()
con = duckdb.connect()
per = ROWS // FILES
for f in range(FILES):
    a, b = f * per, (ROWS if f == FILES - 1 else (f + 1) * per)
    con.execute(f"COPY ({rows_sql.format(d=DISTINCT, a=a, b=b)}) TO '{parts}/part-{f:03}.parquet' (FORMAT parquet)")
con.execute(f"COPY (SELECT * FROM read_parquet('{parts}/*.parquet')) TO '{whole}' (FORMAT parquet)")
con.close()
size = sum(os.path.getsize(os.path.join(parts, p)) for p in os.listdir(parts))
print(flush=True)
print(f"generated {ROWS:,} rows in {FILES} Parquet files ({size / 1e9:.2f} GB) in {time.perf_counter() - t0:.0f} s; "
      f"{os.cpu_count()} cores")


results = {}


def ingest(name, dataset, engine, extra_rss=0):
    db = os.path.join(tmp, f"{name}.db")
    seconds, rss, out = measured(
        [binary, "--db", f"sqlite://{db}", "ledger", "ingest", dataset, "--engine", engine,
         "--subject-column", "subject", "--sensitive-column", "sensitive", "--flow", "bench",
         "--date", "2026-11-01", "--json"], ENV)
    answer = json.loads(out)
    results[name] = (seconds, rss + extra_rss, answer["individuals"], answer["sensitive_individuals"])
    print(f"{name}: {seconds:.1f} s, {(rss + extra_rss) / 2**20:.0f} MB, {answer['individuals']:,} individuals",
          flush=True)
    return db, answer


native_db, native = ingest("chujing native (one file)", whole, "native")
ingest("chujing DataFusion (one node)", parts, "datafusion")


cluster = Cluster(binary, tmp)
name = "chujing Ballista (2 executors)"
ingest(name, parts, f"ballista://{cluster.scheduler}")
s, r, a, b = results[name]
results[name] = (s, r + cluster.stop(), a, b)

duck = (f"import duckdb; c = duckdb.connect(); c.execute('SET enable_progress_bar = false'); print(*c.execute(\"SELECT count(DISTINCT subject), "
        f"count(DISTINCT subject) FILTER (WHERE sensitive = 'yes') FROM read_parquet('{parts}/*.parquet')\").fetchone())")
seconds, rss, out = measured([sys.executable, "-c", duck])
all_, sensitive = (int(x) for x in out.split()[-2:])
results[f"DuckDB {duckdb.__version__} COUNT(DISTINCT)"] = (seconds, rss, all_, sensitive)

print(f"{'':34} {'wall':>9} {'peak memory':>12} {'individuals':>13} {'sensitive':>11}")
for name, (s, r, a, b) in results.items():
    print(f"{name:34} {s:8.1f}s {r / 2**20:9.0f} MB {a:13,} {b:11,}")
counts = {(a, b) for (_, _, a, b) in results.values()}
individuals = native["individuals"]
db_bytes = os.path.getsize(native_db)
print(f"ledger at this size: {db_bytes / individuals:.1f} bytes per individual in the SQLite file "
      f"({db_bytes / 1e9:.2f} GB for {individuals:,} individuals and {native['sensitive_individuals']:,} sensitive); "
      f"native ingest peak {results['chujing native (one file)'][1] / individuals:.1f} bytes per individual")
duck_s = results[f"DuckDB {duckdb.__version__} COUNT(DISTINCT)"][0]
for name, (s, _, _, _) in results.items():
    if not name.startswith("DuckDB"):
        print(f"ratio {name} / DuckDB: {s / duck_s:.2f}")
shutil.rmtree(tmp, ignore_errors=True)
if len(counts) != 1:
    sys.exit(f"the counts differ: {counts}")
print("all four agree exactly")
