"""Handing owed emails to the broker after the response, many per message.

Building and publishing one Celery message per email inside the request is costly
(bench/README.md has the figure). Instead the request gives
the outbox ids to this publisher and returns; a thread of the process waits a
moment (the linger, a quarter of a second: nothing a shopper waiting for an
email notices), then publishes every id gathered meanwhile as one task, which
the worker fans out into one delivery per email. During a flash sale one
message carries the emails of every order the process took in that time.

Nothing is lost if the process dies with ids in hand or the broker is down: the
rows are in the outbox, and the periodic relay queues them (app/tasks.py relay_outbox).
"""

import atexit
import logging
import os
import queue
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

STOP = object()


class OutboxPublisher:
    """A queue of outbox ids and the thread that publishes them in batches."""

    def __init__(
        self, publish: Callable[[list[int]], None], *, linger: float = 0.25, max_batch: int = 500
    ) -> None:
        self._publish = publish
        self._linger = linger
        self._max_batch = max_batch
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._pid: int | None = None
        self._lock = threading.Lock()
        atexit.register(self.flush)  # a stopping process publishes what it holds (a no-op if idle)

    def submit(self, message_ids: list[int]) -> None:
        """Hand ids over for publishing; returns at once."""
        self._ensure_running()
        for message_id in message_ids:
            self._queue.put(message_id)

    def flush(self, timeout: float = 5.0) -> None:
        """Publish what is queued and stop the thread (at exit; a later submit starts it again)."""
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None and thread.is_alive():
            self._queue.put(STOP)
            thread.join(timeout)

    def _ensure_running(self) -> None:
        # A forked worker process inherits the object but not the thread: start its own.
        if self._thread is not None and self._pid == os.getpid():
            return
        with self._lock:
            if self._thread is None or self._pid != os.getpid():
                self._queue = queue.SimpleQueue()
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._run, name="outbox-publisher", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        inbox = self._queue
        while True:
            batch, stopping = self._next_batch(inbox)
            if batch:
                try:
                    self._publish(batch)
                except Exception:  # the broker is down: the periodic relay will queue them
                    log.warning("could not queue outbox messages %s; the relay will", batch, exc_info=True)
            if stopping:
                return

    def _next_batch(self, inbox: queue.SimpleQueue) -> tuple[list[int], bool]:
        """Wait for one id, linger a moment for the ids of concurrent orders, take them all."""
        first = inbox.get()
        if first is STOP:
            return [], True
        time.sleep(self._linger)
        batch = [first]
        while len(batch) < self._max_batch:
            try:
                item = inbox.get_nowait()
            except queue.Empty:
                break
            if item is STOP:
                return batch, True
            batch.append(item)
        return batch, False
