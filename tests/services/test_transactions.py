"""A unit of work is run again when the database asks for it, and only then."""

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from app.services import transactions
from app.services.errors import EmptyCart
from app.services.transactions import MAX_ATTEMPTS, run_with_retries


class DriverError(Exception):
    def __init__(self, message: str, sqlstate: str | None = None):
        super().__init__(message)
        self.sqlstate = sqlstate


def failing(times: int, error: Exception):
    """A unit of work that raises `error` its first `times` runs, then returns its run count."""
    runs = []

    def unit_of_work():
        runs.append(1)
        if len(runs) <= times:
            raise error
        return len(runs)

    return unit_of_work, runs


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    monkeypatch.setattr(transactions.time, "sleep", lambda seconds: None)


@pytest.mark.parametrize(
    "orig",
    [
        DriverError("deadlock detected", "40P01"),
        DriverError("could not serialize access", "40001"),
        DriverError("database is locked"),
    ],
)
def test_deadlocks_serialization_failures_and_a_busy_sqlite_are_retried(app, orig):
    unit_of_work, runs = failing(2, OperationalError("UPDATE ...", {}, orig))
    assert run_with_retries(unit_of_work) == 3


def test_retries_give_up_after_the_last_attempt(app):
    error = OperationalError("UPDATE ...", {}, DriverError("deadlock detected", "40P01"))
    unit_of_work, runs = failing(MAX_ATTEMPTS, error)
    with pytest.raises(OperationalError):
        run_with_retries(unit_of_work)
    assert len(runs) == MAX_ATTEMPTS


def test_other_database_errors_are_not_retried(app):
    error = IntegrityError("INSERT ...", {}, DriverError("duplicate key", "23505"))
    unit_of_work, runs = failing(1, error)
    with pytest.raises(IntegrityError):
        run_with_retries(unit_of_work)
    assert len(runs) == 1


def test_refusals_are_not_retried(app):
    unit_of_work, runs = failing(1, EmptyCart())
    with pytest.raises(EmptyCart):
        run_with_retries(unit_of_work)
    assert len(runs) == 1
