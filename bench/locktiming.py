"""How long each order transaction holds its products' row locks, timed in the app's workers.

gunicorn serves `bench.locktiming:app` in the benchmark: the app named by BENCH_APP
(`wsgi:app` by default), unchanged, with three SQLAlchemy listeners added from outside
app/. In every worker thread:

- the statement that locks a cart's products (`SELECT products.id ... FOR NO KEY UPDATE`,
  app/services/ordering/stock.py) starts the clock when it returns: the rows are locked;
- the session's commit or rollback stops it when it returns: PostgreSQL has released them.

Each order transaction appends one line, "held_us waited_us" (waited: how long the lock
statement itself took, mostly queueing behind other buyers' locks), to
BENCH_LOCK_DIR/locks-<pid>.txt. Anything the worker does after the commit, such as
opening a Stripe PaymentIntent, is outside the window by construction: if it ran
inside the transaction, it would show here as a longer hold.
"""

import os
import threading
import time
from importlib import import_module
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bench.loadgen import percentile

LOCK_STATEMENT_START = "SELECT products.id"
LOCK_STATEMENT_END = "FOR NO KEY UPDATE"


class LockClock(threading.local):
    asked_ns: int = 0  # the lock statement was sent
    locked_ns: int = 0  # it returned: the rows are locked until the transaction ends


def install(directory: Path) -> None:
    """Time every order transaction's product locks from now on, into `directory`."""
    clock = LockClock()
    path = str(directory / f"locks-{os.getpid()}.txt")

    def is_lock(statement: str) -> bool:
        return statement.startswith(LOCK_STATEMENT_START) and statement.endswith(LOCK_STATEMENT_END)

    def before_execute(conn, cursor, statement, parameters, context, executemany):
        if clock.locked_ns == 0 and is_lock(statement):
            clock.asked_ns = time.perf_counter_ns()

    def after_execute(conn, cursor, statement, parameters, context, executemany):
        if clock.locked_ns == 0 and clock.asked_ns and is_lock(statement):
            clock.locked_ns = time.perf_counter_ns()

    def transaction_ended(session):
        if clock.locked_ns:
            held_us = (time.perf_counter_ns() - clock.locked_ns) // 1000
            waited_us = (clock.locked_ns - clock.asked_ns) // 1000
            clock.asked_ns = clock.locked_ns = 0
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            try:
                os.write(descriptor, f"{held_us} {waited_us}\n".encode())
            finally:
                os.close(descriptor)

    def transaction_began(session, transaction, connection):
        clock.asked_ns = clock.locked_ns = 0  # a transaction that ended unseen is not counted

    event.listen(Engine, "before_cursor_execute", before_execute)
    event.listen(Engine, "after_cursor_execute", after_execute)
    event.listen(Session, "after_commit", transaction_ended)
    event.listen(Session, "after_rollback", transaction_ended)
    event.listen(Session, "after_begin", transaction_began)


def clear(directory: Path) -> None:
    """Forget the transactions timed so far (the warm-up, an earlier phase)."""
    for log in directory.glob("locks-*.txt"):
        log.unlink()


def summary(directory: Path) -> dict:
    """The lock times logged since `clear`, in milliseconds: p50, p95 and max held, p50 and p95 waited."""
    held, waited = [], []
    for log in directory.glob("locks-*.txt"):
        for line in log.read_text().splitlines():
            held_us, waited_us = line.split()
            held.append(int(held_us) / 1000)
            waited.append(int(waited_us) / 1000)
    return {
        "transactions": len(held),
        "held_p50_ms": percentile(held, 50),
        "held_p95_ms": percentile(held, 95),
        "held_max_ms": max(held, default=0.0),
        "waited_p50_ms": percentile(waited, 50),
        "waited_p95_ms": percentile(waited, 95),
    }


def _served_app():
    module, _, name = os.environ.get("BENCH_APP", "wsgi:app").partition(":")
    install(Path(os.environ["BENCH_LOCK_DIR"]))
    return getattr(import_module(module), name)


if "BENCH_LOCK_DIR" in os.environ:  # gunicorn's worker, given the directory by bench/processes.py
    app = _served_app()
