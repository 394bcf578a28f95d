#!/usr/bin/env python3
"""The scan at scale, in one run, on the same Parquet data: chujing's native scanner (one file), the same
scanner on DataFusion (one node, every core) and on Ballista (a scheduler and two executors on this machine),
and, as a reference for a lighter task, DuckDB matching the same columns with regular expressions.

    python3 bench/engine_scan.py [ROWS] [FILES]      # default 20,000,000 rows in 8 files

Generates the rows with DuckDB into FILES Parquet files and the same rows as one file, builds chujing in
release with `--features ballista`, runs each side once and prints wall time, peak memory (for Ballista the
client, the scheduler and both executors, summed) and what each found. chujing's three runs must agree
exactly — per column the same findings, counts and distinct values, and the same individuals (the masked
samples may be other rows') — or the script exits 1. DuckDB's figures are pattern matches without the
validators (no number blocks, no header hints, no individuals): a floor for the work, not the same answer.
"""
import json
import os
import shutil
import sys
import tempfile
import time

import duckdb

from engine_common import ENV, Cluster, measured, release_binary

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000_000
FILES = int(sys.argv[2]) if len(sys.argv) > 2 else 8
PEOPLE = ROWS // 2
binary = release_binary()

tmp = tempfile.mkdtemp(prefix="chujing-scan-scale-")
parts = os.path.join(tmp, "parts")
os.makedirs(parts)
whole = os.path.join(tmp, "all.parquet")
# A customer table: the subject, a mobile number, an e-mail, a diagnosis column (sensitive by its header) for
# one row in twenty, and a note of free text with an order number that is not PI.
rows_sql = ("SELECT 'u' || (hash(i) % {p})::VARCHAR AS id, "
            "'138' || lpad((hash(i * 7) % 100000000)::VARCHAR, 8, '0') AS 手机号码, "
            "'p' || (hash(i) % {p})::VARCHAR || '@example.cn' AS email, "
            "CASE WHEN i % 20 = 0 THEN '高血压' END AS 诊断, "
            "'order ' || lpad(i::VARCHAR, 12, '0') || ' shipped' AS note "
            "FROM range({a}, {b}) t(i)")
t0 = time.perf_counter()
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
per = ROWS // FILES
for f in range(FILES):
    a, b = f * per, (ROWS if f == FILES - 1 else (f + 1) * per)
    con.execute(f"COPY ({rows_sql.format(p=PEOPLE, a=a, b=b)}) TO '{parts}/part-{f:03}.parquet' (FORMAT parquet)")
con.execute(f"COPY (SELECT * FROM read_parquet('{parts}/*.parquet')) TO '{whole}' (FORMAT parquet)")
con.close()
size = sum(os.path.getsize(os.path.join(parts, p)) for p in os.listdir(parts))
print(f"generated {ROWS:,} rows in {FILES} Parquet files ({size / 1e9:.2f} GB) in {time.perf_counter() - t0:.0f} s; "
      f"{os.cpu_count()} cores", flush=True)


def comparable(out):
    """The first file's columns (by name, without samples) and individuals."""
    report = json.loads(out)
    file = report["files"][0]
    columns = sorted(file["columns"], key=lambda c: c["name"])
    for c in columns:
        for f in c["findings"]:
            f.pop("samples", None)
    return {"rows": file["rows"], "columns": columns, "individuals": file.get("individuals")}


results = {}
answers = {}


def scan(name, dataset, engine, extra_rss=0):
    seconds, rss, out = measured(
        [binary, "scan", dataset, "--engine", engine, "--subject-column", "id", "--as-of", "2026-12-07",
         "--json"], ENV)
    answers[name] = comparable(out)
    people = answers[name]["individuals"]
    results[name] = [seconds, rss + extra_rss, people["with_personal_information"],
                     people["with_sensitive_information"]]
    print(f"{name}: {seconds:.1f} s, {(rss + extra_rss) / 2**20:.0f} MB, "
          f"{people['with_personal_information']:,} individuals", flush=True)


scan("chujing native (one file)", whole, "native")
scan("chujing DataFusion (one node)", parts, "datafusion")


cluster = Cluster(binary, tmp)
name = "chujing Ballista (2 executors)"
scan(name, parts, f"ballista://{cluster.scheduler}")
results[name][1] += cluster.stop()

duck = ("import duckdb; c = duckdb.connect(); c.execute('SET enable_progress_bar = false'); print(*c.execute(\""
        "SELECT count(*) FILTER (WHERE regexp_full_match(手机号码, '1[3-9][0-9]{9}')), "
        "count(*) FILTER (WHERE regexp_full_match(email, '[^@ ]+@[^@ ]+[.][a-z]+')), "
        f"count(诊断) FROM read_parquet('{parts}/*.parquet')\").fetchone())")
seconds, rss, out = measured([sys.executable, "-c", duck])
phones, emails, diagnoses = (int(x) for x in out.split()[-3:])
duck_name = f"DuckDB {duckdb.__version__} regexp (lighter)"
results[duck_name] = [seconds, rss, None, None]
print(f"{duck_name}: {seconds:.1f} s; {phones:,} phone, {emails:,} e-mail, {diagnoses:,} diagnosis cells")

print(f"{'':34} {'wall':>9} {'peak memory':>12} {'individuals':>13} {'sensitive':>11}")
for name, (s, r, a, b) in results.items():
    a = f"{a:,}" if a is not None else "—"
    b = f"{b:,}" if b is not None else "—"
    print(f"{name:34} {s:8.1f}s {r / 2**20:9.0f} MB {a:>13} {b:>11}")
native_s = results["chujing native (one file)"][0]
for name, (s, _, _, _) in results.items():
    if name != "chujing native (one file)":
        print(f"ratio {name} / native: {s / native_s:.2f}")
shutil.rmtree(tmp, ignore_errors=True)
first = answers["chujing native (one file)"]
differ = [n for n, a in answers.items() if a != first]
if differ:
    sys.exit(f"the scans differ from the native one: {differ}")
print("chujing's three scans agree exactly (findings per column and individuals)")
