"""The two ways of placing orders, pgbench (the ceiling) and wrk (HTTP), and their figures."""

import json
import re
import selectors
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.processes import PROCESSES, BenchFailed

BENCH = Path(__file__).resolve().parent
CLIENTS = 16
THREADS = 2  # load generator threads (pgbench -j, wrk -t)


@dataclass
class Measure:
    rate: float  # answered requests (or transactions) per second
    p50_ms: float
    p99_ms: float
    answered: int = 0
    statuses: dict = field(default_factory=dict)
    cpu_ms: dict = field(default_factory=dict)  # CPU milliseconds per answer, by process group


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


# Longer than the app may wait for Stripe on one order (two tries of 15 s,
# app/services/payments/stripe.py), and than a busy shared machine's pauses.
STALL_SECONDS = 60


def run_wrk_orders(url: str, buyers_file: Path, stall_seconds: float = STALL_SECONDS) -> Measure:
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
