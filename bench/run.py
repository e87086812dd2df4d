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
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT))

from bench import data, locktiming  # noqa: E402
from bench.data import prepare, scratch_database  # noqa: E402
from bench.loadgen import CLIENTS, combined, run_pgbench, run_wrk_get, run_wrk_orders  # noqa: E402
from bench.processes import (  # noqa: E402
    PROCESSES,
    BenchFailed,
    CpuMeter,
    clear_localstripe,
    clear_redis,
    gunicorn,
    localstripe,
    raise_on_signal,
    worker_pids,
)
from bench.report import PhaseResult, machine, median_result, print_phase, print_table  # noqa: E402

WARM_UP_BUYERS = 16 * 20  # per phase and per side, not measured: prepared statements, caches, pools


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
        ceiling, http = self.place_orders_both_ways(base, first, count, flash=False)
        return PhaseResult("checkout", "pgbench", ceiling, http, locks=self.locks, notes=self.payment_notes)

    def flash_phase(self, base: str) -> PhaseResult:
        """Every buyer's cart holds the flash product (1 unit) and two others; stock < buyers."""
        count, stock = self.options.flash_buyers, self.options.flash_stock
        first = 1 + WARM_UP_BUYERS + self.options.buyers
        ceiling, http = self.place_orders_both_ways(base, first, count, flash=True, flash_stock=stock)
        result = PhaseResult("flash sale", "pgbench", ceiling, http, locks=self.locks)
        result.correct = all(self.flash_outcomes)
        result.notes = self.flash_notes + self.payment_notes
        return result

    def place_orders_both_ways(self, base, first, count, *, flash, flash_stock=0):
        self.flash_outcomes, self.flash_notes, self.payment_notes = [], [], []
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
                if self.stripe_url:
                    clear_localstripe(self.stripe_url)
                run_wrk_orders(base, self.buyers_file(1, WARM_UP_BUYERS, "warm.txt"))
                locktiming.clear(self.options.lock_dir)
                self.profile_start(flash)
                meter = CpuMeter(self.master, self.stripe_process)
                measure = run_wrk_orders(base, self.buyers_file(first, count, "buyers.txt"))
                self.profile_stop()
                self.locks = locktiming.summary(self.options.lock_dir)
            measure.cpu_ms = meter.per_answer(measure.answered)
            outcome = data.outcome(self.url, self.volumes, self.volumes.hot_product)
            self.check(side, measure, outcome, count, flash, flash_stock)
            if side == "http":
                self.check_lock_timing(outcome)
            if side == "http" and self.stripe_url:
                self.check_intents(outcome)
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

    def check_lock_timing(self, outcome: dict) -> None:
        """Every measured order's transaction was timed (bench/locktiming.py still finds the lock)."""
        orders, timed = outcome["orders"] - WARM_UP_BUYERS, self.locks["transactions"]
        if timed < orders:
            raise BenchFailed(
                f"row locks timed for {timed} transactions but {orders} orders were placed: "
                "does bench/locktiming.py still recognise the statement locking the products?"
            )

    def check_intents(self, outcome: dict) -> None:
        """With stripe, every order placed over HTTP has its PaymentIntent, made after its commit."""
        orders, with_intent = outcome["orders"], outcome["orders_with_intent"]
        if with_intent != orders:
            raise BenchFailed(f"{orders - with_intent} of {orders} orders have no PaymentIntent")
        self.payment_notes.append(
            f"http: each of the {orders} orders (warm-up included) has its PaymentIntent"
        )

    def product_list_phase(self, base: str) -> PhaseResult:
        """GET / against GET /healthz, in alternating rounds, so a slower spell of the machine hits both."""
        rounds = 4
        seconds = max(1, self.options.list_seconds // (rounds // 2))
        page_path = self.options.list_path
        run_wrk_get(f"{base}{page_path}", 2)  # warm-up
        measures = {"/healthz": [], page_path: []}
        for path in ["/healthz", page_path] * (rounds // 2):
            meter = CpuMeter(self.master)
            measure = run_wrk_get(f"{base}{path}", seconds)
            measure.cpu_ms = meter.per_answer(measure.answered)
            if measure.statuses:
                raise BenchFailed(f"GET {path} answered errors: {measure.statuses}")
            measures[path].append(measure)
        trivial, page = combined(measures["/healthz"]), combined(measures[page_path])
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
    with (
        stripe_server(bench) as stripe_url,
        gunicorn(bench.url, bench.options, bench.options.redis, stripe_url) as (base, master),
    ):
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


@contextmanager
def working_directory(keep: bool):
    """The run's files (buyers, logs of gunicorn and localstripe, lock times); kept with --keep."""
    workdir = tempfile.mkdtemp(prefix="bench-")
    try:
        yield workdir
    finally:
        if keep:
            print(f"kept files in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


@contextmanager
def stripe_server(bench: Bench):
    """localstripe for `--payment-provider stripe` (its URL), nothing for manual (None)."""
    bench.stripe_url = bench.stripe_process = None
    if bench.options.payment_provider != "stripe":
        yield None
        return
    with localstripe(bench.options.workdir) as (url, process):
        bench.stripe_url, bench.stripe_process = url, process
        try:
            yield url
        finally:
            bench.stripe_url = bench.stripe_process = None


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
    parser.add_argument(
        "--list-path",
        default="/c/garden?q=kettle&sort=price",
        help="the product list page measured: a category with a search term and a sort by default",
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    parser.add_argument("--worker-class", default="gthread")
    parser.add_argument("--app", default="wsgi:app", help="the WSGI app gunicorn serves")
    parser.add_argument(
        "--payment-provider",
        choices=("manual", "stripe"),
        default="manual",
        help="stripe: every order opens a PaymentIntent at a localstripe started here",
    )
    parser.add_argument("--phases", default="checkout,flash,list", help="which phases, in order")
    parser.add_argument("--profile", type=Path, help="write py-spy profiles of the HTTP checkout here")
    parser.add_argument("--json", type=Path, help="write every figure here")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database and the run's files")
    options = parser.parse_args(argv)
    for name in ("buyers", "flash_buyers"):
        setattr(options, name, getattr(options, name) // CLIENTS * CLIENTS)  # pgbench -t is per client
    return options


PY_SPY = shutil.which("py-spy") or str(ROOT / ".venv/bin/py-spy")
INSTALL = {  # Debian's packages
    "pgbench": "apt-get install -y postgresql (Debian ships pgbench with the server; see bench/README.md)",
    "wrk": "apt-get install -y wrk (see bench/README.md)",
}


def main(argv: list[str]) -> int:
    options = parse_options(argv)
    for tool in ("pgbench", "wrk") + ((PY_SPY,) if options.profile else ()):
        if not shutil.which(tool):
            how = INSTALL.get(tool, "see bench/README.md")
            print(f"{tool} is not installed: {how}", file=sys.stderr)
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
            working_directory(options.keep) as workdir,
            scratch_database(options.pg, options.keep) as dbname,
        ):
            options.workdir = Path(workdir)
            options.lock_dir = options.workdir / "locks"
            options.lock_dir.mkdir()
            url = f"{options.pg}/{dbname}"
            dsn = psycopg.conninfo.conninfo_to_dict(url)
            dsn.setdefault("port", 5432)
            prepare(url, volumes, tag)
            bench = Bench(options, url, dsn, volumes, tag)
            for number in range(1, options.repeat + 1):
                print(
                    f"run {number} of {options.repeat} (gunicorn -w {options.workers} -k "
                    f"{options.worker_class} --threads {options.threads}, {CLIENTS} clients, "
                    f"PAYMENT_PROVIDER={options.payment_provider})"
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
