"""Checkout benchmark: the order transaction over HTTP against the database's own ceiling.

    .venv/bin/python bench/run.py              # one run, about 2-4 minutes
    .venv/bin/python bench/run.py --repeat 3   # three runs on one load, and their median

One run, on PostgreSQL: a scratch database, migrations, realistic volumes loaded
in SQL, then four phases, each on freshly reset data (bench/README.md):

1. checkout ceiling   pgbench runs orders.py's transaction as plain SQL (bench/checkout.pgbench)
2. checkout HTTP      POST /api/v1/orders/ through gunicorn, wrk with one token per buyer
3. flash sale         1 and 2 again with every buyer wanting the same product, stock < buyers
4. product list       GET / against GET /healthz

Every server and load generator is started here on a free port and stopped on
exit, failure or Ctrl+C; the scratch database is dropped unless --keep.
"""

import argparse
import json
import os
import platform
import re
import resource
import selectors
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import redis
from werkzeug.security import generate_password_hash

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT))

from bench import data  # noqa: E402

CLIENTS = 16
THREADS = 2  # load generator threads (pgbench -j, wrk -t)
WARM_UP_BUYERS = 16 * 20  # per phase and per side, not measured: prepared statements, caches, pools

TARGETS = {
    "checkout": ("ratio >= 0.35 and p99 <= 50 ms", lambda r: r.ratio >= 0.35 and r.http.p99_ms <= 50),
    "flash sale": ("ratio >= 0.40, zero oversell", lambda r: r.ratio >= 0.40 and r.correct),
    "product list": ("ratio >= 0.5 of /healthz", lambda r: r.ratio >= 0.5),
}


@dataclass
class Measure:
    rate: float  # answered requests (or transactions) per second
    p50_ms: float
    p99_ms: float
    answered: int = 0
    statuses: dict = field(default_factory=dict)
    cpu_ms: dict = field(default_factory=dict)  # CPU milliseconds per answer, by process group


@dataclass
class PhaseResult:
    name: str
    ceiling_label: str
    ceiling: Measure
    http: Measure
    correct: bool = True
    notes: list[str] = field(default_factory=list)
    median_ratio: float | None = None  # set on the median of several runs

    @property
    def ratio(self) -> float:
        if self.median_ratio is not None:
            return self.median_ratio
        return self.http.rate / self.ceiling.rate if self.ceiling.rate else 0.0


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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def raise_on_signal(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")


# --- the database


@contextmanager
def scratch_database(server: str, keep: bool):
    name = f"storefront_bench_{os.getpid()}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield name
    finally:
        if keep:
            print(f"kept database {name}")
        else:
            with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def prepare(url: str, volumes: data.Volumes, tag: str) -> None:
    """Migrate with the app's own command, load the volumes in SQL, then VACUUM ANALYZE."""
    started = time.monotonic()
    env = {**os.environ, "DATABASE_URL": url.replace("postgresql://", "postgresql+psycopg://", 1)}
    subprocess.run(
        [str(ROOT / ".venv/bin/flask"), "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    with psycopg.connect(url) as conn:
        data.load(conn, volumes, tag, generate_password_hash(data.BENCH_PASSWORD))
        data.create_shopper_sequence(conn)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
        counts = {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("products", "users", "orders", "order_items")
        }
    print(
        f"loaded in {time.monotonic() - started:.1f} s: " + ", ".join(f"{n} {t}" for t, n in counts.items())
    )


# --- the two ways of placing orders


def run_pgbench(dsn: dict, script: Path, transactions: int, log_dir: Path, label: str) -> Measure:
    """`transactions` checkouts by 16 pgbench clients; latency percentiles from the per-transaction log."""
    prefix = log_dir / label
    command = [
        "pgbench", "-h", dsn["host"], "-p", str(dsn["port"]), "-U", dsn["user"], "-n", "-M", "prepared",
        "-c", str(CLIENTS), "-j", str(THREADS), "-t", str(transactions // CLIENTS), "--max-tries=5",
        "-f", str(script), "-l", f"--log-prefix={prefix}", dsn["dbname"],
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    if result.returncode != 0 or "aborted" in result.stderr:
        raise BenchFailed(f"pgbench failed:\n{result.stdout}\n{result.stderr}")
    tps = float(re.search(r"tps = ([\d.]+) \(without initial connection time\)", result.stdout).group(1))
    failed = int(re.search(r"number of failed transactions: (\d+)", result.stdout).group(1))
    latencies = []
    for log in log_dir.glob(f"{label}.*"):
        for line in log.read_text().splitlines():
            fields = line.split()
            if len(fields) > 2 and fields[2].isdigit():
                latencies.append(int(fields[2]) / 1000)
        log.unlink()
    return Measure(
        tps, percentile(latencies, 50), percentile(latencies, 99), len(latencies), {"failed": failed}
    )


def run_wrk_orders(url: str, buyers_file: Path, stall_seconds: float = 20) -> Measure:
    """Each buyer in the file places one order; wrk is interrupted when every thread has finished.

    A request lost with its connection (the server closed it as the request went out)
    is never answered: after `stall_seconds` without an answer the run ends anyway, and
    the loss is reported with the result.
    """
    command = [
        "wrk", f"-t{THREADS}", f"-c{CLIENTS}", "-d600s", "--timeout", "10s", "-s", str(BENCH / "orders.lua"),
        "-H", "X-Forwarded-Proto: https", f"{url}/api/v1/orders/", "--", str(buyers_file), str(THREADS),
    ]  # fmt: skip
    process = PROCESSES.start(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines, finished = [], 0
    last_progress = time.monotonic()
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while finished < THREADS and time.monotonic() - last_progress < stall_seconds:
            if selector.select(timeout=1):
                line = process.stdout.readline()
                if not line:  # wrk exited
                    break
                lines.append(line)
                last_progress = time.monotonic()
                finished += line.startswith("BENCH-THREAD-DONE")
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=30)
    PROCESSES.running.remove(process)
    output = "".join(lines) + output
    measure = parse_wrk(output)
    unexpected = re.findall(r"^BENCH-UNEXPECTED .*$", output, re.MULTILINE)
    if unexpected:
        raise BenchFailed("unexpected answers: " + "; ".join(unexpected))
    buyers = sum(1 for _ in buyers_file.open())
    if measure.answered < buyers:
        measure.statuses["lost"] = buyers - measure.answered
    return measure


def run_wrk_get(url: str, seconds: int) -> Measure:
    command = [
        "wrk", f"-t{THREADS}", f"-c{CLIENTS}", f"-d{seconds}s", "--timeout", "10s",
        "-s", str(BENCH / "report.lua"), "-H", "X-Forwarded-Proto: https", url,
    ]  # fmt: skip
    process = PROCESSES.start(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output, _ = process.communicate(timeout=seconds + 60)
    PROCESSES.running.remove(process)
    return parse_wrk(output)


def parse_wrk(output: str) -> Measure:
    found = re.search(r"^BENCH-RESULT (.*)$", output, re.MULTILINE)
    if not found:
        raise BenchFailed(f"wrk gave no result:\n{output}")
    result = json.loads(found.group(1))
    statuses = {code: count for code, count in result["statuses"].items() if count}
    if result["socket_errors"]:
        statuses["socket_errors"] = result["socket_errors"]
    rate = result["answered"] / result["seconds"]
    return Measure(rate, result["p50_ms"], result["p99_ms"], result["answered"], statuses)


def combined(rounds: list[Measure]) -> Measure:
    """Rounds of one measurement as one: the rate over all of them, latencies weighted by answers."""
    answered = sum(r.answered for r in rounds)
    seconds = sum(r.answered / r.rate for r in rounds)

    def weighted(name):
        return sum(getattr(r, name) * r.answered for r in rounds) / answered

    cpu = dict.fromkeys(rounds[0].cpu_ms, 0.0)
    for r in rounds:
        for name, ms in r.cpu_ms.items():
            cpu[name] += ms * r.answered / answered
    return Measure(answered / seconds, weighted("p50_ms"), weighted("p99_ms"), answered, {}, cpu)


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


# --- gunicorn and Redis


def app_environment(url: str, redis_url: str) -> dict[str, str]:
    """The app's environment in the benchmark: production settings, Redis as broker and rate-limit storage."""
    env = {
        **os.environ,
        "DATABASE_URL": url.replace("postgresql://", "postgresql+psycopg://", 1),
        "CELERY_BROKER_URL": redis_url,
        "STORE_ENV": "production",
        "SECRET_KEY": "bench-not-secret",
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("MAIL_SERVER", "REDIS_URL"):
        env.pop(name, None)
    return env


@contextmanager
def gunicorn(url: str, options: argparse.Namespace, redis_url: str):
    port = free_port()
    env = app_environment(url, redis_url)
    command = [
        str(ROOT / ".venv/bin/gunicorn"), "-b", f"127.0.0.1:{port}", "-w", str(options.workers),
        "-k", options.worker_class, "--threads", str(options.threads), "--backlog", "1024",
        "--keep-alive", "30", "--log-level", "warning", options.app,
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


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchFailed("gunicorn exited at start; see gunicorn.log")
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
    """CPU time spent by the app server, PostgreSQL, Redis, the load generator and everything else.

    PostgreSQL counts its live processes plus what the postmaster has reaped (backends
    that ended meanwhile); the load generator is this script's reaped children. "other"
    is the rest of the machine: other work running on it skews the run.
    """

    def __init__(self, master: subprocess.Popen | None):
        self.master = master
        self.start = self.snapshot()

    def snapshot(self) -> dict[str, float]:
        groups = {"app": 0.0, "postgres": 0.0, "redis": 0.0}
        app_pids = set()
        if self.master is not None and self.master.poll() is None:
            app_pids = {self.master.pid, *worker_pids(self.master)}
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


# --- the phases


class Bench:
    def __init__(self, options: argparse.Namespace, url: str, dsn: dict, volumes: data.Volumes, tag: str):
        self.options, self.url, self.dsn, self.volumes, self.tag = options, url, dsn, volumes, tag

    def buyers_file(self, first: int, count: int, name: str) -> Path:
        path = self.options.workdir / name
        path.write_text("".join(f"{data.token_for(self.tag, u)} {u}\n" for u in range(first, first + count)))
        return path

    def checkout_phase(self, base: str) -> PhaseResult:
        """Every buyer orders a 3-line cart of ordinary products: the everyday checkout."""
        count, first = self.options.buyers, 1 + WARM_UP_BUYERS
        ceiling = self.place_orders_both_ways(base, first, count, flash=False)
        return PhaseResult("checkout", "pgbench", *ceiling)

    def flash_phase(self, base: str) -> PhaseResult:
        """Every buyer's cart holds the flash product (1 unit) and two others; stock < buyers."""
        count, stock = self.options.flash_buyers, self.options.flash_stock
        first = 1 + WARM_UP_BUYERS + self.options.buyers
        ceiling, http = self.place_orders_both_ways(base, first, count, flash=True, flash_stock=stock)
        result = PhaseResult("flash sale", "pgbench", ceiling, http)
        result.correct = all(self.flash_outcomes)
        result.notes = self.flash_notes
        return result

    def place_orders_both_ways(self, base, first, count, *, flash, flash_stock=0):
        self.flash_outcomes, self.flash_notes = [], []
        measures = []
        for side in ("ceiling", "http"):
            data.reset(
                self.url,
                self.volumes,
                [(1, WARM_UP_BUYERS, False), (first, count, flash)],
                flash_stock=flash_stock,
            )
            clear_redis(self.options.redis)
            if side == "ceiling":
                script, workdir = BENCH / "checkout.pgbench", self.options.workdir
                run_pgbench(self.dsn, script, WARM_UP_BUYERS, workdir, "warm")
                self.set_next_shopper(first)
                meter = CpuMeter(None)
                measure = run_pgbench(self.dsn, script, count, workdir, "measure")
            else:
                run_wrk_orders(base, self.buyers_file(1, WARM_UP_BUYERS, "warm.txt"))
                self.profile_start(flash)
                meter = CpuMeter(self.master)
                measure = run_wrk_orders(base, self.buyers_file(first, count, "buyers.txt"))
                self.profile_stop()
            measure.cpu_ms = meter.per_answer(measure.answered)
            outcome = data.outcome(self.url, self.volumes, self.volumes.hot_product)
            self.check(side, measure, outcome, count, flash, flash_stock)
            measures.append(measure)
        return measures

    def set_next_shopper(self, first: int) -> None:
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute("SELECT setval('bench_next_shopper', %s, false)", (first,))

    def check(self, side, measure, outcome, count, flash, flash_stock) -> None:
        """Every buyer answered, every order whole; in the flash sale, not one unit oversold."""
        orders = outcome["orders"] - WARM_UP_BUYERS
        lost = measure.statuses.get("lost", 0)
        if lost > max(2, count // 500):
            raise BenchFailed(f"{side}: {lost} of {count} buyers got no answer: {measure}")
        if not flash:
            if orders + outcome["carts_left"] != count or outcome["carts_left"] > lost:
                raise BenchFailed(
                    f"checkout {side}: {orders} orders for {count} buyers; {outcome}, {measure}"
                )
            if side == "http" and set(measure.statuses) - {"201", "lost"}:
                raise BenchFailed(f"checkout over HTTP answered {measure.statuses}")
            return
        sold, left = outcome["units_sold"], outcome["stock"]
        correct = left >= 0 and sold == flash_stock - left and orders == sold
        sold_out = left == 0 and sold == min(flash_stock, count)
        self.flash_outcomes.append(correct)
        self.flash_notes.append(
            f"{side}: {orders} orders, {sold} units sold of {flash_stock}, stock left {left}"
            + ("" if correct else " OVERSOLD OR MISCOUNTED")
            + ("" if sold_out else " (not sold out)")
        )
        if side == "http" and set(measure.statuses) - {"201", "409", "lost"}:
            raise BenchFailed(f"flash sale over HTTP answered {measure.statuses}")

    def product_list_phase(self, base: str) -> PhaseResult:
        """GET / against GET /healthz, in alternating rounds, so a slower spell of the machine hits both."""
        rounds = 4
        seconds = max(1, self.options.list_seconds // (rounds // 2))
        run_wrk_get(f"{base}/", 2)  # warm-up
        measures = {"/healthz": [], "/": []}
        for path in ["/healthz", "/"] * (rounds // 2):
            meter = CpuMeter(self.master)
            measure = run_wrk_get(f"{base}{path}", seconds)
            measure.cpu_ms = meter.per_answer(measure.answered)
            if measure.statuses:
                raise BenchFailed(f"GET {path} answered errors: {measure.statuses}")
            measures[path].append(measure)
        trivial, page = combined(measures["/healthz"]), combined(measures["/"])
        return PhaseResult("product list", "/healthz", trivial, page)

    # py-spy on every gunicorn worker during the measured HTTP checkout (--profile)
    def profile_start(self, flash: bool) -> None:
        self.profilers = []
        if not self.options.profile or flash:
            return
        for pid in worker_pids(self.master):
            out = self.options.profile / f"worker-{pid}.txt"
            self.profilers.append(
                PROCESSES.start(
                    [PY_SPY, "record", "--pid", str(pid), "--format", "raw", "--rate", "200",
                     "--output", str(out), "--nonblocking", "--gil"],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                )
            )  # fmt: skip

    def profile_stop(self) -> None:
        for profiler in self.profilers:
            PROCESSES.stop(profiler, sig=signal.SIGINT, timeout=30)


def run_once(bench: Bench) -> list[PhaseResult]:
    results = []
    with gunicorn(bench.url, bench.options, bench.options.redis) as (base, master):
        bench.master = master
        phases = {
            "checkout": bench.checkout_phase,
            "flash": bench.flash_phase,
            "list": bench.product_list_phase,
        }
        for phase in (phases[name] for name in bench.options.phases.split(",")):
            started = time.monotonic()
            result = phase(base)
            print_phase(result, time.monotonic() - started)
            results.append(result)
    clear_redis(bench.options.redis)
    return results


# --- reporting


def print_phase(result: PhaseResult, seconds: float) -> None:
    c, h = result.ceiling, result.http
    print(
        f"  {result.name:<13} ceiling {c.rate:8.1f}/s p50 {c.p50_ms:6.1f} ms p99 {c.p99_ms:6.1f} ms | "
        f"HTTP {h.rate:8.1f}/s p50 {h.p50_ms:6.1f} ms p99 {h.p99_ms:6.1f} ms | ratio {result.ratio:.2f} "
        f"({seconds:.0f} s)"
    )
    for label, measure in ((result.ceiling_label, c), ("HTTP", h)):
        spent = ", ".join(f"{name} {ms:.2f}" for name, ms in measure.cpu_ms.items())
        print(f"    CPU ms per answer, {label}: {spent}")
    for note in result.notes:
        print(f"    {note}")


def median_result(runs: list[list[PhaseResult]]) -> list[PhaseResult]:
    """Per phase, the median of each figure over the runs."""
    merged = []
    for phase_runs in zip(*runs, strict=True):

        def med(side, name, phase_runs=phase_runs):
            return statistics.median(getattr(getattr(r, side), name) for r in phase_runs)

        first = phase_runs[0]
        ceiling = Measure(med("ceiling", "rate"), med("ceiling", "p50_ms"), med("ceiling", "p99_ms"))
        http = Measure(med("http", "rate"), med("http", "p50_ms"), med("http", "p99_ms"))
        result = PhaseResult(
            first.name, first.ceiling_label, ceiling, http, all(r.correct for r in phase_runs)
        )
        result.median_ratio = statistics.median(r.ratio for r in phase_runs)
        merged.append(result)
    return merged


def print_table(results: list[PhaseResult], title: str) -> None:
    print(f"\n{title}")
    print(
        "| phase | ceiling /s | ceiling p50 / p99 ms | HTTP /s | HTTP p50 / p99 ms | ratio | target | met |"
    )
    print("|" + "---|" * 8)
    for r in results:
        description, met = TARGETS[r.name]
        ratio = f"{r.ratio:.2f}"
        print(
            f"| {r.name} | {r.ceiling.rate:.0f} ({r.ceiling_label}) "
            f"| {r.ceiling.p50_ms:.1f} / {r.ceiling.p99_ms:.1f} "
            f"| {r.http.rate:.0f} | {r.http.p50_ms:.1f} / {r.http.p99_ms:.1f} | {ratio} | {description} "
            f"| {'yes' if met(r) else 'NO'} |"
        )


def machine() -> str:
    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}"


def parse_options(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs on one load; prints their median")
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432", help="PostgreSQL server")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15", help="broker and rate-limit storage")
    parser.add_argument("--buyers", type=int, default=6400, help="checkout phase: buyers per side")
    parser.add_argument("--flash-buyers", type=int, default=2000)
    parser.add_argument("--flash-stock", type=int, default=1200)
    parser.add_argument("--list-seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    parser.add_argument("--worker-class", default="gthread")
    parser.add_argument("--app", default="wsgi:app", help="the WSGI app gunicorn serves")
    parser.add_argument("--phases", default="checkout,flash,list", help="which phases, in order")
    parser.add_argument("--profile", type=Path, help="write py-spy profiles of the HTTP checkout here")
    parser.add_argument("--json", type=Path, help="write every figure here")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    options = parser.parse_args(argv)
    for name in ("buyers", "flash_buyers"):
        setattr(options, name, getattr(options, name) // CLIENTS * CLIENTS)  # pgbench -t is per client
    return options


PROCESSES = Processes()
PY_SPY = shutil.which("py-spy") or str(ROOT / ".venv/bin/py-spy")


def main(argv: list[str]) -> int:
    options = parse_options(argv)
    for tool in ("pgbench", "wrk") + ((PY_SPY,) if options.profile else ()):
        if not shutil.which(tool):
            print(f"{tool} is not installed (see bench/README.md)", file=sys.stderr)
            return 2
    if options.profile:
        options.profile.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGTERM, raise_on_signal)
    volumes = data.Volumes(shoppers=WARM_UP_BUYERS + options.buyers + options.flash_buyers + 1000)
    tag = os.urandom(6).hex()
    started = time.monotonic()
    print(f"checkout benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {machine()}")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    runs = []
    try:
        with (
            tempfile.TemporaryDirectory(prefix="bench-") as workdir,
            scratch_database(options.pg, options.keep) as dbname,
        ):
            options.workdir = Path(workdir)
            url = f"{options.pg}/{dbname}"
            dsn = psycopg.conninfo.conninfo_to_dict(url)
            dsn.setdefault("port", 5432)
            prepare(url, volumes, tag)
            bench = Bench(options, url, dsn, volumes, tag)
            for number in range(1, options.repeat + 1):
                print(
                    f"run {number} of {options.repeat} (gunicorn -w {options.workers} -k "
                    f"{options.worker_class} --threads {options.threads}, {CLIENTS} clients)"
                )
                runs.append(run_once(bench))
    except BenchFailed as failure:
        print(f"BENCH FAILED: {failure}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        PROCESSES.stop_all()
    for number, results in enumerate(runs, 1):
        print_table(results, f"run {number}")
    if len(runs) > 1:
        print_table(median_result(runs), f"median of {len(runs)} runs")
    print(
        f"\nload average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
        f"total {time.monotonic() - started:.0f} s"
    )
    if options.json:
        options.json.write_text(
            json.dumps([[asdict(r) | {"ratio": r.ratio} for r in run] for run in runs], indent=2)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
