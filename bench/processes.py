"""Everything the benchmark starts (gunicorn, wrk, pgbench, py-spy), stopped on the way
out, and where the machine's two cores go while it runs."""

import argparse
import os
import resource
import signal
import socket
import subprocess
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parent.parent


class BenchFailed(RuntimeError):
    """A phase could not run or its outcome is wrong; the run stops with this message."""


# --- processes: everything started here is stopped on the way out


class Processes:
    def __init__(self):
        self.running: list[subprocess.Popen] = []

    def start(self, command: list[str], **kwargs) -> subprocess.Popen:
        process = subprocess.Popen(command, start_new_session=True, **kwargs)
        self.running.append(process)
        return process

    def stop(self, process: subprocess.Popen, sig=signal.SIGTERM, timeout: float = 10) -> None:
        if process.poll() is None:
            try:
                os.killpg(process.pid, sig)
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            except ProcessLookupError:
                pass
        if process in self.running:
            self.running.remove(process)

    def stop_all(self) -> None:
        for process in list(self.running):
            self.stop(process)


PROCESSES = Processes()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def raise_on_signal(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")


# --- gunicorn and Redis


# The test keys of tests/localstripe.py: localstripe takes any sk_test_ key.
STRIPE_TEST_KEYS = {
    "STRIPE_SECRET_KEY": "sk_test_storefront",
    "STRIPE_PUBLISHABLE_KEY": "pk_test_storefront",
    "STRIPE_WEBHOOK_SECRET": "whsec_storefront_tests",
}


def app_environment(url: str, redis_url: str, stripe_url: str | None = None) -> dict[str, str]:
    """The app's environment in the benchmark: production settings, Redis as broker and rate-limit
    storage, and the payment provider: `manual`, or `stripe` at `stripe_url` (localstripe)."""
    env = {
        **os.environ,
        "DATABASE_URL": url.replace("postgresql://", "postgresql+psycopg://", 1),
        "CELERY_BROKER_URL": redis_url,
        "STORE_ENV": "production",
        "SECRET_KEY": "bench-not-secret",
        "PYTHONUNBUFFERED": "1",
        "PAYMENT_PROVIDER": "manual",
    }
    for name in ("MAIL_SERVER", "REDIS_URL", "STRIPE_API_BASE", "STRIPE_JS_URL", *STRIPE_TEST_KEYS):
        env.pop(name, None)
    if stripe_url is not None:
        env |= STRIPE_TEST_KEYS | {
            "PAYMENT_PROVIDER": "stripe",
            "STRIPE_API_BASE": stripe_url,
            "STRIPE_JS_URL": f"{stripe_url}/js.stripe.com/v3/",
        }
    return env


@contextmanager
def gunicorn(url: str, options: argparse.Namespace, redis_url: str, stripe_url: str | None = None):
    """gunicorn serving `options.app` through bench/locktiming.py, which times the row locks."""
    port = free_port()
    env = app_environment(url, redis_url, stripe_url) | {
        "BENCH_APP": options.app,
        "BENCH_LOCK_DIR": str(options.lock_dir),
    }
    command = [
        str(ROOT / ".venv/bin/gunicorn"), "-b", f"127.0.0.1:{port}", "-w", str(options.workers),
        "-k", options.worker_class, "--threads", str(options.threads), "--backlog", "1024",
        "--keep-alive", "30", "--log-level", "warning", "bench.locktiming:app",
    ]  # fmt: skip
    log = open(options.workdir / "gunicorn.log", "a")  # noqa: SIM115  (closed below)
    process = PROCESSES.start(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/healthz", process)
        yield base, process
    finally:
        PROCESSES.stop(process)
        log.close()


@contextmanager
def localstripe(workdir: Path):
    """localstripe (bench/localstripe_server.py) on a free port, from scratch; yields (its URL, process)."""
    port = free_port()
    command = [str(ROOT / ".venv/bin/python"), "bench/localstripe_server.py", "--port", str(port)]
    command.append("--from-scratch")
    log = open(workdir / "localstripe.log", "a")  # noqa: SIM115  (closed below)
    process = PROCESSES.start(command, cwd=ROOT, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{url}/js.stripe.com/v3/", process, name="localstripe")
        yield url, process
    finally:
        PROCESSES.stop(process)
        log.close()


def clear_localstripe(url: str) -> None:
    """Forget every intent made so far, so each phase starts with an empty Stripe."""
    request = urllib.request.Request(f"{url}/_config/data", method="DELETE")
    with urllib.request.urlopen(request, timeout=10):
        pass


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 60, name: str = "gunicorn") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchFailed(f"{name} exited at start; see {name}.log")
        try:
            request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
            with urllib.request.urlopen(request, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise BenchFailed(f"{url} did not answer within {timeout:.0f} s")


def worker_pids(master: subprocess.Popen) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(master.pid)], capture_output=True, text=True)
    return [int(pid) for pid in found.stdout.split()]


def clear_redis(redis_url: str) -> None:
    """Drop what the bench leaves in its Redis database: queued email tasks and rate-limit counters.

    No worker runs during the bench: the confirmation email is sent after the request
    by design, and a worker on these 2 cores would measure SMTP, not checkout.
    """
    client = redis.Redis.from_url(redis_url)
    for pattern in ("celery", "_kombu.*", "LIMITS:*", "LIMITER*", "unacked*"):
        keys = list(client.scan_iter(match=pattern, count=1000))
        if keys:
            client.delete(*keys)
    client.close()


# --- where the two cores go


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU time spent by the app server, PostgreSQL, Redis, localstripe (if given), the load
    generator and everything else.

    PostgreSQL counts its live processes plus what the postmaster has reaped (backends
    that ended meanwhile); the load generator is this script's reaped children. "other"
    is the rest of the machine: other work running on it skews the run.
    """

    def __init__(self, master: subprocess.Popen | None, stripe: subprocess.Popen | None = None):
        self.master, self.stripe = master, stripe
        self.start = self.snapshot()

    def snapshot(self) -> dict[str, float]:
        groups = {"app": 0.0, "postgres": 0.0, "redis": 0.0}
        app_pids = set()
        if self.master is not None and self.master.poll() is None:
            app_pids = {self.master.pid, *worker_pids(self.master)}
        stripe_pid = None
        if self.stripe is not None:
            groups["localstripe"], stripe_pid = 0.0, self.stripe.pid
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat") as stat:
                    raw = stat.read()
            except OSError:
                continue
            name = raw[raw.index("(") + 1 : raw.rindex(")")]
            fields = raw[raw.rindex(")") + 2 :].split()
            own = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
            if int(entry.name) in app_pids:
                groups["app"] += own
            elif int(entry.name) == stripe_pid:
                groups["localstripe"] += own
            elif name == "postgres":
                groups["postgres"] += own
                if fields[1] == "1":  # the postmaster: add its reaped backends
                    groups["postgres"] += (int(fields[13]) + int(fields[14])) / CLOCK_TICKS
            elif name.startswith("redis-server"):
                groups["redis"] += own
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        groups["load generator"] = children.ru_utime + children.ru_stime
        with open("/proc/stat") as stat:
            cpu = [int(x) for x in stat.readline().split()[1:]]
        groups["machine"] = (sum(cpu) - cpu[3] - cpu[4]) / CLOCK_TICKS  # all but idle and iowait
        return groups

    def per_answer(self, answered: int) -> dict[str, float]:
        end = self.snapshot()
        spent = {name: end[name] - self.start[name] for name in end}
        spent["other"] = spent.pop("machine") - sum(spent.values())
        return {name: round(seconds * 1000 / max(answered, 1), 3) for name, seconds in spent.items()}
