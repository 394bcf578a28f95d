#!/usr/bin/env python3
"""The processor's dashboard over a large ledger: first byte and full load in a real headless Chromium.

    python3 bench/dashboard_load.py [--batches 200] [--per-batch 5000] [--loads 20]

A release `chujing serve` on a fresh SQLite database; one processor with one flow and --batches batches of
--per-batch individuals each, recorded through the API by size (1,000,000 distinct individuals by default). Then:

- first byte of GET /dashboard with curl: the first request after the last batch (the processor's view is read
  from the database and the window's chart worked out) and the median of --loads more (the view is kept);
- full load in Chromium (Debian's chromium and chromedriver, spoken to over WebDriver): the page's
  loadEventEnd - navigationStart, first visit and the median of --loads more.

Targets: first byte under 100 ms and full load under 300 ms. The peer for scale is the ledger itself: the page
reads what the command line's `chujing status` reads.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from service import ROOT, cli, deployment, free_port, release_binary, request, wait_listening

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


def call(url, method="GET", body=None, headers=None):
    return request(url, method, body, headers=headers)


def first_byte(url, cookie):
    out = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{time_starttransfer}",
                          "-H", f"Cookie: {cookie}", url], check=True, capture_output=True, text=True).stdout
    code, t = out.split()
    assert code == "200", out
    return float(t) * 1000


class WebDriver:
    """Just enough WebDriver: a session, a cookie, navigation, a script."""

    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"
        caps = {"capabilities": {"alwaysMatch": {"goog:chromeOptions": {"binary": CHROMIUM, "args": [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"]}}}}
        _, v = call(f"{self.base}/session", "POST", caps)
        self.session = f"{self.base}/session/{v['value']['sessionId']}"

    def go(self, url):
        call(f"{self.session}/url", "POST", {"url": url})

    def cookie(self, name, value):
        call(f"{self.session}/cookie", "POST", {"cookie": {"name": name, "value": value, "path": "/"}})

    def script(self, js):
        return call(f"{self.session}/execute/sync", "POST", {"script": js, "args": []})[1]["value"]

    def quit(self):
        call(self.session, "DELETE")


def full_load(wd, url):
    wd.go(url)
    return wd.script("const t = performance.getEntriesByType('navigation')[0]; return t.loadEventEnd - t.startTime;")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--batches", type=int, default=200)
    ap.add_argument("--per-batch", type=int, default=5000)
    ap.add_argument("--loads", type=int, default=20)
    args = ap.parse_args()
    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        subprocess.run([os.path.join(ROOT, "scripts/test-tools")], check=True)
    binary = release_binary()
    work = tempfile.mkdtemp(prefix="chujing-dash.")
    env = deployment(work)
    run = lambda *a: cli(binary, env, *a)  # noqa: E731
    run("admin", "init", "--email", "admin@cac.example.cn")
    org = run("admin", "org", "add", "--kind", "processor", "--name", "Acme (Shanghai) Co., Ltd.",
              "--province", "310000").strip()
    password = re.search(r"shown once\): (\S+)", run("admin", "user", "add", "--org", org, "--email", "dpo@acme.cn")).group(1)
    token = run("admin", "token", "create", "--user", "dpo@acme.cn").strip()
    port, driver_port = free_port(), free_port()
    server = subprocess.Popen([binary, "serve", "--listen", f"127.0.0.1:{port}"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    driver = None
    try:
        wait_listening(port)
        api = f"http://127.0.0.1:{port}/api/v1"
        auth = {"Authorization": f"Bearer {token}"}
        call(f"{api}/flows/crm", "PUT", {"recipient": "Acme Marketing Cloud Inc.", "country": "SG"}, auth)
        start = time.time()
        for i in range(args.batches):
            call(f"{api}/transfers", "POST", {"batch_id": f"b{i:04d}", "flow": "crm", "individuals": args.per_batch},
                 auth)
        seeded = time.time() - start
        headers, _ = call(f"{api}/session", "POST", {"email": "dpo@acme.cn", "password": password})
        session = headers["Set-Cookie"].split(";")[0]
        page = f"http://127.0.0.1:{port}/dashboard"
        ttfb_first = first_byte(page, session)
        ttfb = statistics.median(first_byte(page, session) for _ in range(args.loads))
        # Where the first visit's time goes: after a change, the gate's check reads the same view without the
        # chart; the dashboard then works out only the chart.
        call(f"{api}/flows/crm", "PUT", {"recipient": "Acme Marketing Cloud Inc.", "country": "SG"}, auth)
        t0 = time.perf_counter()
        call(f"{api}/transfers/check", "POST", {"flow": "crm", "individuals": 1}, auth)
        view_read = (time.perf_counter() - t0) * 1000
        chart_only = first_byte(page, session)
        _, overview = call(f"{api}/overview", headers=auth)
        total = overview["window"]["individuals"]
        assert total == args.batches * args.per_batch, total

        driver = subprocess.Popen([CHROMEDRIVER, f"--port={driver_port}"], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        wait_listening(driver_port)
        wd = WebDriver(driver_port)
        wd.go(f"http://127.0.0.1:{port}/healthz")
        wd.cookie("chujing_session", session.split("=", 1)[1])
        # A browser's very first page (its own start: stylesheet, script and CJK fonts loaded for the first
        # time), reported apart; then something changes, so that the next visit reads the view afresh, as the
        # first byte did: the user who has the dashboard open and reloads it after a batch.
        call(f"{api}/flows/crm", "PUT", {"recipient": "Acme Marketing Cloud Inc.", "country": "SG"}, auth)
        load_cold = full_load(wd, page)
        call(f"{api}/flows/crm", "PUT", {"recipient": "Acme Marketing Cloud Inc.", "country": "SG"}, auth)
        load_first = full_load(wd, page)
        load = statistics.median(full_load(wd, page) for _ in range(args.loads))
        # Where a later visit's time goes in the browser.
        phases = wd.script("const t = performance.getEntriesByType('navigation')[0]; return ["
                           "t.responseStart - t.startTime, t.responseEnd - t.startTime, "
                           "t.domContentLoadedEventEnd - t.startTime, t.loadEventEnd - t.startTime, "
                           "t.decodedBodySize];")
        wd.quit()
    finally:
        server.terminate()
        server.wait()
        if driver:
            driver.terminate()
            driver.wait()
        shutil.rmtree(work, ignore_errors=True)
    print(f"ledger: {args.batches} batches, {total:,} distinct individuals (recorded through the API in {seeded:.1f} s)")
    print(f"first byte of /dashboard: first {ttfb_first:6.1f} ms, then median {ttfb:6.1f} ms of {args.loads}")
    print(f"  of which reading the view {view_read:6.1f} ms (the gate's check after a change), "
          f"the chart {chart_only:6.1f} ms (the dashboard on that view)")
    print(f"full load in Chromium:    first {load_first:6.1f} ms, then median {load:6.1f} ms of {args.loads}")
    print(f"  (a browser's very first page, assets and fonts not yet loaded: {load_cold:.1f} ms)")
    print(f"  a later visit: first byte {phases[0]:.1f} ms, last byte {phases[1]:.1f} ms, DOM ready "
          f"{phases[2]:.1f} ms, loaded {phases[3]:.1f} ms; the page is {phases[4] / 1024:.0f} KiB")
    ok = max(ttfb_first, ttfb) < 100 and max(load_cold, load_first, load) < 300
    print("targets (first byte < 100 ms, full load < 300 ms, first visits and a cold browser included):",
          "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
