#!/usr/bin/env python3
"""Scan throughput of `chujing scan` against ripgrep and Microsoft Presidio, in the same run, on the same data.

    python3 bench/scan_vs_peers.py [SIZE_MB]      # default 1000 (a 1 GB CSV of mixed PI)

- chujing: `chujing scan FILE --json` on all cores, and on one core (RAYON_NUM_THREADS=1); peak RSS of both.
- ripgrep (Debian's package, installed with apt-get if absent): the same patterns without validation —
  resident ID, mobile, card number, e-mail, IPv4 — counting every match (`--count-matches`). `rg -c`, which
  counts lines and stops at each line's first match, is printed too for reference.
- Presidio (PyPI `presidio-analyzer`, its pattern recognizers on a blank spaCy pipeline, as no spaCy model is
  on PyPI): `AnalyzerEngine.analyze` on a sample of records, one core, records per second.

Targets (issue "Discover"): at least 100x Presidio's speed per record per core; within 2x of ripgrep.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

SIZE_MB = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
PRESIDIO_SAMPLE = 2000

if shutil.which("rg") is None:
    subprocess.check_call(["apt-get", "install", "-y", "-q", "ripgrep"], stdout=subprocess.DEVNULL)
try:
    import presidio_analyzer  # noqa: F401
    import stdnum  # noqa: F401
except ImportError:
    subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", "presidio-analyzer", "python-stdnum"])

subprocess.check_call(["cargo", "build", "--release", "-q", "-p", "chujing"], cwd=ROOT)
chujing = os.path.join(TARGET, "release", "chujing")

tmp = tempfile.mkdtemp(prefix="chujing-scan-bench-")
path = os.path.join(tmp, "mixed.csv")
subprocess.check_call([sys.executable, os.path.join(ROOT, "bench", "gen_mixed_pi.py"), str(SIZE_MB), path])
size = os.path.getsize(path)
rows = sum(1 for _ in open(path, "rb")) - 1


def timed(cmd, env=None, runs=3):
    """Best wall time of `runs` runs, and the peak RSS (KiB) of the best one."""
    best = None
    for _ in range(runs):
        t0 = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, env=env, capture_output=True, text=True,
                           check=True)
        dt = time.perf_counter() - t0
        rss = int(p.stderr.strip().split("\n")[-1])
        if best is None or dt < best[0]:
            best = (dt, rss)
    return best


all_cores, rss_all = timed([chujing, "scan", path, "--json"])
one_core, rss_one = timed([chujing, "scan", path, "--json"], env=dict(os.environ, RAYON_NUM_THREADS="1"))

patterns = [
    r"[1-9][0-9]{5}(19|20)[0-9]{2}[01][0-9][0-3][0-9]{4}[0-9Xx]",  # resident ID
    r"1[3-9][0-9]{9}",  # mobile
    r"[2-6][0-9]{15,18}",  # card number
    r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}",  # e-mail
    r"([0-9]{1,3}\.){3}[0-9]{1,3}",  # IPv4
]
rg_args = [a for p in patterns for a in ("-e", p)]
rg_all, _ = timed(["rg", "--count-matches"] + rg_args + [path])
rg_lines, _ = timed(["rg", "-c"] + rg_args + [path])

# Presidio, one core, on the first records of the same file.
os.environ.setdefault("TLDEXTRACT_CACHE", tmp)
import logging  # noqa: E402

logging.disable(logging.WARNING)
import spacy  # noqa: E402
from presidio_analyzer import AnalyzerEngine  # noqa: E402
from presidio_analyzer.nlp_engine import NlpEngineProvider  # noqa: E402

blank = os.path.join(tmp, "blank_en")
spacy.blank("en").to_disk(blank)
engine = NlpEngineProvider(nlp_configuration={
    "nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": blank}]}).create_engine()
analyzer = AnalyzerEngine(nlp_engine=engine, supported_languages=["en"])
with open(path) as f:
    next(f)
    sample = [next(f).rstrip("\n") for _ in range(PRESIDIO_SAMPLE)]
analyzer.analyze(text=sample[0], language="en")  # warm-up
t0 = time.perf_counter()
for record in sample:
    analyzer.analyze(text=record, language="en")
presidio_rate = PRESIDIO_SAMPLE / (time.perf_counter() - t0)

chujing_rate_one = rows / one_core
mb = size / 1e6
print(f"file: {mb:,.0f} MB, {rows:,} records of mixed PI (9 columns)")
print(f"chujing scan, all cores ({os.cpu_count()}):  {all_cores:6.2f} s  {mb / all_cores:6.0f} MB/s  "
      f"{rows / all_cores:10,.0f} records/s  peak RSS {rss_all / 1024:,.0f} MiB")
print(f"chujing scan, one core:          {one_core:6.2f} s  {mb / one_core:6.0f} MB/s  "
      f"{chujing_rate_one:10,.0f} records/s  peak RSS {rss_one / 1024:,.0f} MiB")
print(f"ripgrep --count-matches (same 5 patterns, no validation): {rg_all:6.2f} s")
print(f"ripgrep -c (lines, first match per line only):           {rg_lines:6.2f} s")
print(f"Presidio analyzer, one core, {PRESIDIO_SAMPLE:,} records:  {presidio_rate:10,.0f} records/s")
print(f"ratio chujing / Presidio per record per core: {chujing_rate_one / presidio_rate:,.0f}x "
      f"({'meets' if chujing_rate_one >= 100 * presidio_rate else 'misses'} the target of >= 100x)")
print(f"ratio chujing (all cores) / ripgrep --count-matches time: {all_cores / rg_all:.2f} "
      f"({'meets' if all_cores <= 2 * rg_all else 'misses'} the target of <= 2)")
print(f"ratio chujing (all cores) / ripgrep -c time: {all_cores / rg_lines:.2f} (for reference)")
shutil.rmtree(tmp)
