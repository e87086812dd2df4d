"""The checkout in-process: CPU and Python calls per order, without HTTP and its noise.

    .venv/bin/python bench/inprocess.py                  # CPU per order: 3 rounds of 1,000 orders, 4 threads
    .venv/bin/python bench/inprocess.py --calls --top 40  # also calls per order, and where they go
    .venv/bin/python bench/inprocess.py --calls --payment-provider stripe  # each order opens a PaymentIntent

Over HTTP two runs of the same code differ by about 15% on this machine, more than
most single changes to the checkout are worth. This measures the same request
without gunicorn and wrk. It uses bench/run.py's scratch database and volumes, and
builds the app as gunicorn does (wsgi.py, STORE_ENV=production, Redis as broker and
rate-limit storage). Each order is a real `POST /api/v1/orders/` with a buyer's own
token and Idempotency-Key, called on the WSGI app directly.

- **CPU ms per order**: the process's CPU time (every thread, the email publisher
  included) over a round of orders from `--threads` threads, each round on freshly
  reset data. PostgreSQL's CPU is not in it.
- **Python calls per order** (`--calls`): every function call the request makes on
  one thread, counted with `sys.setprofile`. The count does not depend on the
  machine's speed, so it is the figure to compare two commits by. `--top K` lists the
  K functions with the most calls made under them (their own call included).

With `--payment-provider stripe` a localstripe started here (bench/localstripe_server.py)
answers every order's PaymentIntent, made after the order's commit as in production;
localstripe's own CPU is not counted, the app's side of the call is.
"""

import argparse
import collections
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import data  # noqa: E402
from bench.data import prepare, scratch_database  # noqa: E402
from bench.processes import app_environment, clear_localstripe, clear_redis, localstripe  # noqa: E402

WARM_UP_ORDERS = 100  # per round, not measured: prepared statements, pools, caches


def main(argv: list[str]) -> int:
    options = parse_options(argv)
    rounds_needed = options.rounds + (1 if options.calls else 0)
    volumes = data.Volumes(shoppers=rounds_needed * (WARM_UP_ORDERS + options.orders) + 1000)
    tag = os.urandom(6).hex()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    print(
        f"checkout in-process, at {commit.stdout.strip() or 'an unknown commit'}, "
        f"PAYMENT_PROVIDER={options.payment_provider}"
    )
    with ExitStack() as stack:
        dbname = stack.enter_context(scratch_database(options.pg, options.keep))
        stripe_url = None
        if options.payment_provider == "stripe":
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-")))
            stripe_url, _ = stack.enter_context(localstripe(workdir))
        url = f"{options.pg}/{dbname}"
        prepare(url, volumes, tag)
        app = make_app(url, options.redis, stripe_url)
        buyers = Buyers(app, url, volumes, tag, options.redis, stripe_url)
        cpu = [buyers.cpu_ms_per_order(options.orders, options.threads) for _ in range(options.rounds)]
        print(f"CPU ms per order ({options.threads} threads, {options.orders} orders a round): "
              + ", ".join(f"{ms:.2f}" for ms in cpu) + f"; median {statistics.median(cpu):.2f}")  # fmt: skip
        if options.calls:
            calls, top = buyers.calls_per_order(min(options.orders, 200), options.top)
            print(f"Python calls per order (one thread): {calls:.0f}")
            for share, per_order, name in top:
                print(f"  {share:5.1f}%  {per_order:7.1f}  {name}")
    return 0


def make_app(url: str, redis_url: str, stripe_url: str | None = None):
    """The app as gunicorn serves it in the benchmark (bench/run.py's environment)."""
    environment = app_environment(url, redis_url, stripe_url)
    os.environ.clear()
    os.environ.update(environment)
    from app import create_app

    return create_app()


class Buyers:
    """Shoppers placing one order each through the WSGI app; every round takes new ones."""

    def __init__(
        self, app, url: str, volumes: data.Volumes, tag: str, redis_url: str, stripe_url: str | None
    ):
        self.app, self.url, self.volumes, self.tag, self.redis_url = app, url, volumes, tag, redis_url
        self.stripe_url = stripe_url
        self.next_shopper = 1
        self.refused: list[str] = []

    def cpu_ms_per_order(self, count: int, threads: int) -> float:
        requests = self.ready_round(count)
        chunks = [requests[i::threads] for i in range(threads)]
        workers = [threading.Thread(target=self.place_all, args=(chunk,)) for chunk in chunks]
        started = time.process_time()
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        spent = time.process_time() - started
        self.check_all_placed()
        return 1000 * spent / count

    def calls_per_order(self, count: int, top: int) -> tuple[float, list[tuple[float, float, str]]]:
        requests = self.ready_round(count)
        counter = CallCounter(keep_stacks=top > 0)
        sys.setprofile(counter)
        try:
            self.place_all(requests)
        finally:
            sys.setprofile(None)
        self.check_all_placed()
        ranked = [(100 * n / counter.calls, n / count, name) for name, n in counter.under.most_common(top)]
        return counter.calls / count, ranked

    def ready_round(self, count: int) -> list[dict]:
        """Fresh carts for this round's buyers, the warm-up placed, the measured requests built."""
        first = self.next_shopper
        self.next_shopper += WARM_UP_ORDERS + count
        data.reset(self.url, self.volumes, [(first, WARM_UP_ORDERS + count, False)])
        clear_redis(self.redis_url)
        if self.stripe_url:
            clear_localstripe(self.stripe_url)
        self.place_all([self.request(u) for u in range(first, first + WARM_UP_ORDERS)])
        self.check_all_placed()
        return [self.request(u) for u in range(first + WARM_UP_ORDERS, first + WARM_UP_ORDERS + count)]

    def request(self, shopper: int) -> dict:
        """A buyer's POST /api/v1/orders/ as a WSGI environ (shopper u has address u)."""
        from werkzeug.test import EnvironBuilder

        builder = EnvironBuilder(
            path="/api/v1/orders/",
            method="POST",
            base_url="https://shop.test",
            headers={
                "Authorization": f"Bearer {data.token_for(self.tag, shopper)}",
                "Idempotency-Key": f"inprocess-{shopper}",
            },
            json={"address_id": shopper},
        )
        return builder.get_environ()

    def place_all(self, requests: list[dict]) -> None:
        for environ in requests:
            status, body = self.answer(environ)
            if not status.startswith("201"):
                self.refused.append(f"{status} {body[:300]!r}")

    def answer(self, environ: dict) -> tuple[str, bytes]:
        statuses = []

        def start_response(status, headers, exc_info=None):
            statuses.append(status)

        body = b"".join(self.app(environ, start_response))
        return statuses[0], body

    def check_all_placed(self) -> None:
        """Every buyer got 201: a refusal costs less than an order and would flatter the figures."""
        if self.refused:
            raise SystemExit(f"{len(self.refused)} orders refused, the first: {self.refused[0]}")
        if self.stripe_url:  # and with stripe, every order has its PaymentIntent
            outcome = data.outcome(self.url, self.volumes, self.volumes.hot_product)
            if outcome["orders_with_intent"] != outcome["orders"]:
                raise SystemExit(f"orders without a PaymentIntent: {outcome}")


class CallCounter:
    """A sys.setprofile hook: counts calls, and per function the calls made under it."""

    def __init__(self, keep_stacks: bool):
        self.calls, self.keep_stacks = 0, keep_stacks
        self.under = collections.Counter()

    def __call__(self, frame, event, arg):
        if event not in ("call", "c_call"):
            return
        self.calls += 1
        if not self.keep_stacks:
            return
        if event == "c_call":
            self.under[f"{getattr(arg, '__qualname__', arg)} (builtin)"] += 1
        seen = set()
        while frame is not None:
            code = frame.f_code
            if code.co_filename == __file__:
                break  # this script's own frames: every call is under them
            if code not in seen:
                seen.add(code)
                self.under[f"{code.co_qualname} ({short_path(code.co_filename)})"] += 1
            frame = frame.f_back


def short_path(filename: str) -> str:
    return filename.split("site-packages/")[-1].replace(str(ROOT) + "/", "")


def parse_options(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orders", type=int, default=1000, help="measured orders per round")
    parser.add_argument("--rounds", type=int, default=3, help="CPU rounds; their median is printed")
    parser.add_argument("--threads", type=int, default=4, help="threads placing orders (as gunicorn's 4)")
    parser.add_argument("--calls", action="store_true", help="also count calls per order (one thread)")
    parser.add_argument("--top", type=int, default=0, help="with --calls: the K busiest functions")
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432", help="PostgreSQL server")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15", help="broker and rate-limit storage")
    parser.add_argument("--payment-provider", choices=("manual", "stripe"), default="manual")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
