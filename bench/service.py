"""What the service benchmarks share: a release `chujing` built once, a fresh deployment on SQLite, a free
loopback port, waiting for a server to listen, and JSON over HTTP."""

import json
import os
import socket
import subprocess
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def release_binary():
    """Builds the release `chujing` (incrementally) and returns its path."""
    subprocess.run(["cargo", "build", "--release", "--locked", "-q", "-p", "chujing"], cwd=ROOT, check=True)
    return os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "chujing")


def deployment(work):
    """The environment of a fresh deployment whose SQLite database is `work`/bench.db."""
    return dict(os.environ, CHUJING_DATABASE_URL=f"sqlite://{work}/bench.db", CHUJING_LOG="warn",
                CHUJING_LEDGER_KEY="00112233445566778899aabbccddeeff", CHUJING_MASTER_KEY="42" * 32)


def cli(binary, env, *args):
    """Runs `chujing ARGS`; returns what it printed."""
    return subprocess.run([binary, *args], env=env, check=True, capture_output=True, text=True).stdout.strip()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port):
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"nothing listens on {port}")


def request(url, method="GET", body=None, raw=None, headers=None):
    """One call; returns the answer's headers and its JSON body (None when empty)."""
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    with urllib.request.urlopen(req, timeout=120) as r:
        return r.headers, json.loads(r.read() or b"null")
