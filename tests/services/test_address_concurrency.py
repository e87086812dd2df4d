"""The same new address saved by two requests at once (a double-clicked checkout form).

As in test_concurrency.py: each request runs in its own thread with its own app context,
session and connection, released together by a barrier; on PostgreSQL they truly run in
parallel, SQLite serializes the writers.
"""

from collections import Counter

from app.models import Address
from app.services.accounts.addresses import find_or_create_address
from tests.services.helpers import count_rows
from tests.services.test_concurrency import kinds, run_together

NEW_ADDRESS = {
    "full_name": "Ada Lovelace",
    "line1": "12 St James's Square",
    "city": "London",
    "postal_code": "SW1Y 4JH",
    "country": "gb",
}


def test_the_same_new_address_posted_twice_at_once_is_saved_once(app, shopper):
    user_id = shopper.id

    def save(i: int) -> tuple[int, bool]:
        address, created = find_or_create_address(user_id, NEW_ADDRESS)
        return address.id, created

    outcomes = run_together(app, 2, save)

    assert kinds(outcomes) == Counter({"ok": 2}), outcomes
    assert len({address_id for address_id, _ in outcomes}) == 1, outcomes
    assert sorted(created for _, created in outcomes) == [False, True]
    assert count_rows(Address) == 1
