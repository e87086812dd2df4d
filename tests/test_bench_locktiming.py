"""The benchmark's row-lock timing (bench/locktiming.py): what it recognises, how it counts."""

import os

import pytest
from sqlalchemy.dialects import postgresql

from app.services.ordering.placing import place_order
from app.services.ordering.stock import _lock_products_statement, _take_stock_statement
from bench import locktiming
from tests.factories import AddressFactory, ProductFactory, fill_cart


def rendered(statement) -> str:
    return str(statement.compile(dialect=postgresql.psycopg.dialect()))


@pytest.mark.parametrize("lines", [1, 3])
def test_the_statement_locking_a_carts_products_is_recognised(lines):
    assert locktiming.is_lock(rendered(_lock_products_statement(lines)))


def test_the_guarded_stock_update_and_a_plain_read_are_not_the_lock():
    assert not locktiming.is_lock(rendered(_take_stock_statement(3)))
    assert not locktiming.is_lock("SELECT products.id \nFROM products \nWHERE products.id = %(id)s")


class FakeTime:
    def __init__(self):
        self.ns = 0

    def __call__(self) -> int:
        return self.ns

    def at_ms(self, ms: float) -> None:
        self.ns = int(ms * 1_000_000)


LOCK = rendered(_lock_products_statement(3))
UPDATE = rendered(_take_stock_statement(3))


def test_held_runs_from_the_lock_returning_to_the_transaction_ending():
    time = FakeTime()
    clock = locktiming.LockClock(now=time)
    clock.transaction_began()
    time.at_ms(1)
    clock.statement_sent(LOCK)
    time.at_ms(3)  # queued 2 ms behind another buyer's lock
    clock.statement_returned(LOCK)
    time.at_ms(4)
    clock.statement_sent(UPDATE)
    clock.statement_returned(UPDATE)
    time.at_ms(10)
    assert clock.transaction_ended() == (7000, 2000)


def test_a_transaction_that_locks_nothing_is_not_counted():
    time = FakeTime()
    clock = locktiming.LockClock(now=time)
    clock.transaction_began()
    clock.statement_sent(UPDATE)
    clock.statement_returned(UPDATE)
    time.at_ms(5)
    assert clock.transaction_ended() is None


def test_a_second_lock_in_the_same_transaction_does_not_restart_the_clock():
    time = FakeTime()
    clock = locktiming.LockClock(now=time)
    clock.transaction_began()
    clock.statement_sent(LOCK)
    time.at_ms(1)
    clock.statement_returned(LOCK)
    time.at_ms(2)
    clock.statement_sent(LOCK)
    time.at_ms(3)
    clock.statement_returned(LOCK)
    time.at_ms(6)
    assert clock.transaction_ended() == (5000, 1000)


def test_a_lock_whose_transaction_ended_unseen_is_dropped_at_the_next_begin():
    time = FakeTime()
    clock = locktiming.LockClock(now=time)
    clock.statement_sent(LOCK)
    clock.statement_returned(LOCK)
    time.at_ms(50)
    clock.transaction_began()
    assert clock.transaction_ended() is None


def test_the_summary_reads_every_workers_file_and_clear_forgets_them(tmp_path):
    (tmp_path / "locks-1.txt").write_text("1000 0\n2000 500\n")
    (tmp_path / "locks-2.txt").write_text("3000 100\n40000 9000\n")
    figures = locktiming.summary(tmp_path)
    assert figures["transactions"] == 4
    assert figures["held_max_ms"] == 40.0
    assert 2.0 <= figures["held_p50_ms"] <= 3.0
    assert figures["held_p95_ms"] == 40.0
    locktiming.clear(tmp_path)
    assert locktiming.summary(tmp_path)["transactions"] == 0


def test_an_order_placed_in_the_app_is_timed_once(app, shopper, is_postgres, tmp_path):
    """On PostgreSQL the real checkout's lock is seen; on SQLite (no FOR NO KEY UPDATE) nothing is."""
    address = AddressFactory(user=shopper)
    teapot = ProductFactory(stock=5)
    fill_cart(shopper, (teapot, 1))
    remove = locktiming.install(tmp_path)
    try:
        place_order(shopper.id, address.id)
    finally:
        remove()
    figures = locktiming.summary(tmp_path)
    assert figures["transactions"] == (1 if is_postgres else 0)
    if is_postgres:
        assert (tmp_path / f"locks-{os.getpid()}.txt").exists()
        assert 0 <= figures["held_max_ms"] < 5000
