"""What the engine benchmarks share: DuckDB (installed from PyPI if missing), chujing built in release with
`--features ballista`, processes timed with their peak memory, and a Ballista cluster of `chujing engine`
processes on this machine."""
import os
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KEY = "00112233445566778899aabbccddeeff"
ENV = dict(os.environ, CHUJING_LEDGER_KEY=KEY)

try:
    import duckdb  # noqa: F401
except ImportError:
    subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", "duckdb"])
    import duckdb  # noqa: F401


def release_binary():
    """chujing built in release with the Ballista cluster; its path."""
    subprocess.check_call(["cargo", "build", "--release", "-q", "-p", "chujing", "--features", "ballista"],
                          cwd=ROOT)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    return os.path.join(target, "release", "chujing")


def run(args, env=None):
    """Runs a process to its end; returns (seconds, stdout, stderr); exits the benchmark if it fails."""
    t = time.perf_counter()
    p = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = p.communicate()
    seconds = time.perf_counter() - t
    if p.returncode != 0:
        sys.exit(f"{args[0]} {' '.join(args[1:4])}… failed: {err.strip()[-2000:]}")
    return seconds, out, err


def measured(args, env=None):
    """`run` under GNU time; returns (seconds, peak resident set in bytes, stdout)."""
    seconds, out, err = run(["/usr/bin/time", "-f", "MAXRSS %M"] + args, env)
    rss = next(int(l.split()[1]) * 1024 for l in err.splitlines() if l.startswith("MAXRSS"))
    return seconds, rss, out


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def peak_rss(pid):
    """The process's peak resident set (VmHWM) so far, in bytes."""
    with open(f"/proc/{pid}/status") as f:
        return next(int(l.split()[1]) * 1024 for l in f if l.startswith("VmHWM"))


class Cluster:
    """A scheduler and two executors (half the cores each) of `binary` on loopback, with the ledger key."""

    def __init__(self, binary, work):
        port = free_port()
        self.scheduler = f"127.0.0.1:{port}"
        self.procs = [subprocess.Popen([binary, "engine", "scheduler", "--bind", self.scheduler], env=ENV,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
        time.sleep(1)
        for i in range(2):
            self.procs.append(subprocess.Popen(
                [binary, "engine", "executor", "--scheduler", self.scheduler, "--bind",
                 f"127.0.0.1:{free_port()}", "--grpc-port", str(free_port()), "--work-dir",
                 os.path.join(work, f"executor-{i}"), "--concurrency", str(max(1, (os.cpu_count() or 2) // 2))],
                env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        time.sleep(3)

    def stop(self):
        """Kills the processes; returns their peak memory summed, in bytes."""
        rss = sum(peak_rss(p.pid) for p in self.procs)
        for p in self.procs:
            p.kill()
            p.wait()
        return rss
