#!/usr/bin/env python3
"""Load on the certification service over loopback, with wrk (Debian's package), next to a trivial endpoint of
the same server as the ceiling.

    python3 bench/service_load.py [--certificates 10000] [--seconds 10] [--rounds 3] [--connections 16]

A release `chujing serve` on a fresh SQLite database: one processor with a flow and 100,000 individuals in its
ledger (20 batches), one certificate granted through the API's whole application flow, cloned in the database
to reach --certificates (the clones are benchmark data only: they bypass the audit log). Then wrk measures:

- GET /metrics — the ceiling: a handler that touches no database (with the operator's metrics token);
- POST /api/v1/transfers/check — the gate's what-if for a batch of 1,000 on the flow, as the processor;
- GET /api/v1/registry?q=PIC-2026-00500 — a public registry query matching 10 of the certificates;
- GET /registry?q=PIC-2026-00500 — the same query as the public web page (HTML, templates, headers).

Each is run --rounds times, the endpoints interleaved; it prints each one's median requests/s with that round's
p99 latency, the ratio to the ceiling, and every round's figure. The server's resident memory is read from
/proc after seeding and after every round: a soak (--soak MINUTES repeats the rounds for that long) shows
whether it grows. Targets: gate >= 20,000 requests/s with p99 < 5 ms, registry >= 5,000 requests/s, no non-2xx
answer, and resident memory after the last round within 64 MB of that after the first. wrk is installed from
Debian's packages when it is missing.
"""

import argparse
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

from service import ROOT, cli, deployment, free_port, release_binary, request, wait_listening

CHECKLIST = ["legality-necessity", "scale-sensitivity", "destination-law", "recipient-capacity",
             "basic-principles", "basic-requirements", "individuals-rights"]
MATERIALS = ["agreement", "officer", "processing_rules", "pipia", "risk_plan", "compliance_strategy"]
PROFILE = ("[processor]\nname = \"Acme (Shanghai) Co., Ltd.\"\nciio = false\nlocated_in_china = true\n"
           "[[flows]]\nid = \"crm\"\nrecipient = \"Acme Marketing Cloud Inc.\"\ncountry = \"SG\"\n"
           "purposes = [\"loyalty_programme\"]\ncategories = [\"identity\", \"contact\"]\nindividuals = 150000\n")


def call(port, method, path, token=None, body=None, raw=None):
    headers = {"Authorization": f"Bearer {token}"} if token else None
    return request(f"http://127.0.0.1:{port}{path}", method, body, raw, headers)[1]


def rss_mb(pid):
    """The process's resident memory in MB, from /proc."""
    with open(f"/proc/{pid}/status") as f:
        kb = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
    return kb / 1024


def lua(path, method="GET", headers=None, body=None):
    """A wrk script sending `method` with `headers` and `body`."""
    with open(path, "w") as f:
        f.write(f'wrk.method = "{method}"\n')
        for k, v in (headers or {}).items():
            f.write(f'wrk.headers["{k}"] = "{v}"\n')
        if body is not None:
            f.write(f"wrk.body = '{body}'\n")
    return path


def wrk(url, seconds, connections, script=None):
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if script:
        cmd[1:1] = ["-s", script]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p99_ms": float(p99.group(1)) * scale, "non_2xx": int(non2xx.group(1)) if non2xx else 0}


def median(rounds):
    """The round of median requests/s; its p99 with it, and every round's non-2xx answers."""
    ranked = sorted(rounds, key=lambda r: r["rps"])
    mid = dict(ranked[len(ranked) // 2])
    mid["non_2xx"] = sum(r["non_2xx"] for r in rounds)
    mid["all_rps"] = [round(r["rps"]) for r in rounds]
    return mid


def seed(binary, env, port, db, certificates):
    cli(binary, env, "admin", "init", "--email", "admin@cac.example.cn")
    org = lambda kind, name, *p: cli(binary, env, "admin", "org", "add", "--kind", kind, "--name", name, *p)
    def token(org_id, email):
        cli(binary, env, "admin", "user", "add", "--org", org_id, "--email", email)
        return cli(binary, env, "admin", "token", "create", "--user", email)
    body_id = org("certification_body", "Bench Body")
    body = token(body_id, "b@bench.cn")
    processor = token(org("processor", "Acme (Shanghai) Co., Ltd.", "--province", "310000"), "p@bench.cn")
    app = call(port, "POST", "/api/v1/applications", processor, {"body": body_id, "profile": PROFILE})
    base = f"/api/v1/applications/{app['id']}"
    agreement = open(os.path.join(ROOT, "examples/data/agreement.md"), "rb").read()
    for kind in MATERIALS:
        call(port, "PUT", f"{base}/materials/{kind}", processor, raw=agreement if kind == "agreement" else kind.encode())
    call(port, "POST", f"{base}/actions/submit", processor, {})
    for step in ["accept", "start_verification"]:
        call(port, "POST", f"{base}/actions/{step}", body, {})
    for item in CHECKLIST:
        call(port, "PUT", f"{base}/review/{item}", body, {"passed": True, "evidence": "seen"})
    call(port, "POST", f"{base}/actions/start_audit", body, {})
    number = call(port, "POST", f"{base}/actions/grant", body, {})["certificate"]
    call(port, "PUT", "/api/v1/processor", processor, {"ciio": False, "located_in_china": True})
    call(port, "PUT", "/api/v1/flows/crm", processor, {
        "recipient": "Acme Marketing Cloud Inc.", "country": "SG", "purposes": ["loyalty_programme"],
        "categories": ["identity", "contact"], "mechanism": {"kind": "certification", "certificate": number}})
    for i in range(20):
        call(port, "POST", "/api/v1/transfers", processor, {"batch_id": f"b{i}", "flow": "crm", "individuals": 5000})
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT kind, org, party, state, search, body, version, updated_at FROM records "
                           "WHERE kind = 'certificate' AND id = ?", (number,)).fetchone()
        clones = []
        for n in range(2, certificates + 1):
            new = f"PIC-2026-{n:06d}"
            clones.append((row[0], new, row[1], row[2], row[3], row[4].replace(number.lower(), new.lower()),
                           row[5].replace(number, new), row[6], row[7]))
        conn.executemany("INSERT INTO records (kind, id, org, party, state, search, body, version, updated_at) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", clones)
    return processor


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--certificates", type=int, default=10000)
    ap.add_argument("--seconds", type=int, default=10, help="each wrk run")
    ap.add_argument("--rounds", type=int, default=3, help="runs of each endpoint, interleaved; the median counts")
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--soak", type=float, default=0, metavar="MINUTES",
                    help="repeat the rounds until this many minutes have passed (memory growth over time)")
    ap.add_argument("--staleness-ms", type=int, default=None,
                    help="the server's --staleness-ms (its default unless given; 0 reads the change number on "
                         "every request)")
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        print("installing wrk (Debian's package)", file=sys.stderr)
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        if subprocess.run(sudo + ["apt-get", "install", "-y", "-q", "wrk"], capture_output=True).returncode != 0:
            subprocess.run(sudo + ["apt-get", "update", "-q"], capture_output=True)
            subprocess.run(sudo + ["apt-get", "install", "-y", "-q", "wrk"], check=True, capture_output=True)
    binary = release_binary()
    work = tempfile.mkdtemp(prefix="chujing-load.")
    db = os.path.join(work, "bench.db")
    env = deployment(work)
    port = free_port()
    staleness = [] if args.staleness_ms is None else ["--staleness-ms", str(args.staleness_ms)]
    metrics_token = "bench-operator-token-0123456789"
    with open(os.path.join(work, "metrics-token"), "w") as f:
        f.write(metrics_token + "\n")
    server = subprocess.Popen([binary, "serve", "--listen", f"127.0.0.1:{port}", *staleness,
                               "--metrics-token-file", os.path.join(work, "metrics-token")], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_listening(port)
        processor = seed(binary, env, port, db, args.certificates)
        answer = call(port, "POST", "/api/v1/transfers/check", processor, {"flow": "crm", "individuals": 1000})
        assert answer["decision"] == "allow" and answer["window"]["individuals_before"] == 100000, answer
        found = call(port, "GET", "/api/v1/registry?q=PIC-2026-00500")
        assert len(found["items"]) == 10 and found["total"] == 10, found
        check = lua(os.path.join(work, "check.lua"), "POST",
                    {"Content-Type": "application/json", "Authorization": f"Bearer {processor}"},
                    '{"flow": "crm", "individuals": 1000}')
        operator = lua(os.path.join(work, "metrics.lua"), headers={"Authorization": f"Bearer {metrics_token}"})
        url = f"http://127.0.0.1:{port}"
        runs = {
            "trivial (GET /metrics)": (f"{url}/metrics", operator),
            "gate check (POST /api/v1/transfers/check)": (f"{url}/api/v1/transfers/check", check),
            f"registry (GET /api/v1/registry?q=…, {args.certificates} certificates)":
                (f"{url}/api/v1/registry?q=PIC-2026-00500", None),
            "registry page (GET /registry?q=…, HTML)": (f"{url}/registry?q=PIC-2026-00500", None),
        }
        # Rounds interleave the endpoints, so that a noisy neighbour on the machine weighs on all of them alike;
        # each endpoint's figure is its median round.
        rounds = {name: [] for name in runs}
        memory = [rss_mb(server.pid)]
        started = time.monotonic()
        while True:
            for name, (target, script) in runs.items():
                rounds[name].append(wrk(target, args.seconds, args.connections, script))
            memory.append(rss_mb(server.pid))
            done = len(memory) - 1
            if done >= args.rounds and time.monotonic() - started >= args.soak * 60:
                break
        results = {name: median(rs) for name, rs in rounds.items()}
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(work, ignore_errors=True)
    ceiling = results["trivial (GET /metrics)"]["rps"]
    print(f"wrk -t1 -c{args.connections} -d{args.seconds}s × {len(memory) - 1} rounds (median) over loopback, {os.cpu_count()} cores shared by server and wrk; "
          f"server --staleness-ms {'default' if args.staleness_ms is None else args.staleness_ms}")
    for name, r in results.items():
        print(f"{name:62} {r['rps']:10.0f} req/s  p99 {r['p99_ms']:6.2f} ms  "
              f"{r['rps'] / ceiling:5.2f}× the trivial endpoint  non-2xx: {r['non_2xx']}  rounds: {r['all_rps']}")
    growth = memory[-1] - memory[1]
    print(f"server memory (RSS): {memory[0]:.0f} MB after seeding, {memory[1]:.0f} MB after round 1, "
          f"{memory[-1]:.0f} MB after round {len(memory) - 1} ({time.monotonic() - started:.0f} s of load); "
          f"growth after round 1: {growth:+.0f} MB; every round: {[round(m) for m in memory]}")
    gate = results["gate check (POST /api/v1/transfers/check)"]
    registry = list(results.values())[2]
    ok = gate["rps"] >= 20000 and gate["p99_ms"] < 5 and registry["rps"] >= 5000 and \
        all(r["non_2xx"] == 0 for r in results.values()) and growth <= 64
    print("targets (gate >= 20,000 req/s, p99 < 5 ms; registry >= 5,000 req/s; no non-2xx; memory growth <= 64 MB):",
          "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
