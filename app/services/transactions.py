"""Running a unit of work again when the database asks for it."""

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, OperationalError

from app.extensions import db

log = logging.getLogger(__name__)
T = TypeVar("T")

# PostgreSQL's deadlock_detected and serialization_failure: safe to retry whole.
RETRYABLE_SQLSTATES = {"40P01", "40001"}
MAX_ATTEMPTS = 5


def is_retryable(exc: DBAPIError) -> bool:
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if sqlstate in RETRYABLE_SQLSTATES:
        return True
    # SQLite reports a busy database instead of waiting forever.
    return isinstance(exc, OperationalError) and "database is locked" in str(exc.orig)


def run_with_retries(unit_of_work: Callable[[], T]) -> T:
    """Run `unit_of_work` (which commits), retrying deadlocks and serialization failures."""
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            return unit_of_work()
        except DBAPIError as exc:
            db.session.rollback()
            if not is_retryable(exc) or attempt == MAX_ATTEMPTS:
                raise
            log.warning("retrying after %s (attempt %d)", type(exc.orig).__name__, attempt)
            time.sleep(random.uniform(0, 0.02 * attempt))
        except BaseException:
            db.session.rollback()
            raise
    raise AssertionError("unreachable")
