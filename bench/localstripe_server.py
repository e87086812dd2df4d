"""localstripe for the benchmark: the PyPI server, with its state kept in memory only.

    python bench/localstripe_server.py --port N --from-scratch

localstripe pickles its whole store to /tmp/localstripe.pickle after every write, so
the thousands of intents of one run would make each new intent slower than the last
(pickling 5,000 intents takes about 30 ms, twice per request), and Stripe's share of
the CPU would grow through the run. The benchmark starts it with --from-scratch and
never reads that file back, so here the dump does nothing; everything else is
localstripe as the test suite runs it (tests/localstripe.py).
"""

from localstripe.resources import Store
from localstripe.server import start


def keep_in_memory(store: Store) -> None:
    """In place of Store.dump_to_disk."""


if __name__ == "__main__":
    Store.dump_to_disk = keep_in_memory
    start()
