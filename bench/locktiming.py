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


def is_lock(statement: str) -> bool:
    """Is this the statement that locks a cart's products (as SQLAlchemy renders it for PostgreSQL)?"""
    return statement.startswith(LOCK_STATEMENT_START) and statement.endswith(LOCK_STATEMENT_END)


class LockClock(threading.local):
    """One thread's order transaction: when its lock statement was sent, and when it returned."""

    asked_ns: int | None = None  # the lock statement was sent
    locked_ns: int | None = None  # it returned: the rows are locked until the transaction ends

    def __init__(self, now=time.perf_counter_ns):
        self.now = now

    def statement_sent(self, statement: str) -> None:
        if self.locked_ns is None and is_lock(statement):
            self.asked_ns = self.now()

    def statement_returned(self, statement: str) -> None:
        if self.locked_ns is None and self.asked_ns is not None and is_lock(statement):
            self.locked_ns = self.now()

    def transaction_began(self) -> None:
        self.asked_ns = self.locked_ns = None  # a transaction that ended unseen is not counted

    def transaction_ended(self) -> tuple[int, int] | None:
        """(held, waited) in microseconds if this transaction locked products, else None."""
        if self.locked_ns is None:
            return None
        held_us = (self.now() - self.locked_ns) // 1000
        waited_us = (self.locked_ns - self.asked_ns) // 1000
        self.asked_ns = self.locked_ns = None
        return held_us, waited_us


def install(directory: Path):
    """Time every order transaction's product locks from now on, into `directory`; returns `remove`."""
    clock = LockClock()
    path = str(directory / f"locks-{os.getpid()}.txt")

    def before_execute(conn, cursor, statement, parameters, context, executemany):
        clock.statement_sent(statement)

    def after_execute(conn, cursor, statement, parameters, context, executemany):
        clock.statement_returned(statement)

    def transaction_began(session, transaction, connection):
        clock.transaction_began()

    def transaction_ended(session):
        timed = clock.transaction_ended()
        if timed is not None:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            try:
                os.write(descriptor, f"{timed[0]} {timed[1]}\n".encode())
            finally:
                os.close(descriptor)

    listeners = [
        (Engine, "before_cursor_execute", before_execute),
        (Engine, "after_cursor_execute", after_execute),
        (Session, "after_begin", transaction_began),
        (Session, "after_commit", transaction_ended),
        (Session, "after_rollback", transaction_ended),
    ]
    for target, name, listener in listeners:
        event.listen(target, name, listener)

    def remove() -> None:
        for target, name, listener in listeners:
            event.remove(target, name, listener)

    return remove


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
