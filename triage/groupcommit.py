"""Group commit for the webhook path: concurrent requests in one process share one INSERT and one Redis pipeline.

Each webhook request hands its messages to this process's writer thread and waits. The writer takes whatever
requests are waiting (one, or dozens under load), stores them all with one ``store_messages`` call (on PostgreSQL
one statement and one WAL flush), enqueues the new messages' jobs in one Redis pipeline, then wakes every
request. A request is still answered only after its messages are committed and queued, exactly as before; what
is shared is the round trips, which were most of the cost of a webhook (see docs/PERFORMANCE.md, "Ingest").

If a shared batch fails, each request's messages are stored again on their own, so one bad request cannot fail
its neighbours; each then gets its own outcome (a database outage still reaches the request as the 503 its
platform retries on).
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from dataclasses import dataclass, field

from flask import Flask, current_app
from sqlalchemy.exc import TimeoutError as PoolTimeout

from triage.channels import InboundMessage
from triage.inbound import Stored, store_messages
from triage.jobqueue import CLASSIFY, CLASSIFY_FUNC, CLASSIFY_TIMEOUT, classify_job_id, jobs

log = logging.getLogger(__name__)
MAX_BATCH_MESSAGES = 200
WAIT_SECONDS = 30.0
# One writer per process: while it waits on PostgreSQL and Redis, the next requests queue up, and it takes them
# all as one batch. A second writer took those half-formed batches instead: 2.3 requests per statement against
# 5.6 with one, and ~25% more CPU per request (docs/PERFORMANCE.md, "Ingest").
WRITERS = 1


def _held_lock() -> threading.Lock:
    lock = threading.Lock()
    lock.acquire()
    return lock


@dataclass
class _Ticket:
    items: list[InboundMessage]
    result: list[Stored] | None = None
    error: BaseException | None = None
    answered: bool = False
    # Held until the writer answers; the request waits by acquiring it. A bare lock, not an Event: Event's
    # Condition (a waiter lock per wait, notify_all in Python) was a measurable share of the handoff.
    _signal: threading.Lock = field(default_factory=_held_lock)

    def answer(self, result: list[Stored] | None = None, error: BaseException | None = None) -> None:
        """Only the writer thread answers, once."""
        if not self.answered:
            self.result, self.error, self.answered = result, error, True
            self._signal.release()

    def wait(self, timeout: float) -> bool:
        return self._signal.acquire(timeout=timeout)


class GroupWriter:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self._queue: queue.SimpleQueue[_Ticket] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._pid = 0

    def store(self, items: list[InboundMessage]) -> list[Stored]:
        """Store (committed) and enqueue classification of the new ones; returns one Stored per item."""
        if not items:
            return []
        self._ensure_thread()
        ticket = _Ticket(items)
        self._queue.put(ticket)
        if not ticket.wait(WAIT_SECONDS):
            raise PoolTimeout("the message writer did not answer in time")
        if ticket.error is not None:
            raise ticket.error
        assert ticket.result is not None
        return ticket.result

    def _ensure_thread(self) -> None:
        # Started on first use in each process: a thread does not survive gunicorn's fork.
        if self._threads and self._pid == os.getpid():
            return
        with self._lock:
            if not self._threads or self._pid != os.getpid():
                self._queue = queue.SimpleQueue()
                self._pid = os.getpid()
                self._threads = [threading.Thread(target=self._run, name=f"najda-group-writer-{n}", daemon=True)
                                 for n in range(WRITERS)]
                for thread in self._threads:
                    thread.start()

    def _run(self) -> None:
        while True:
            tickets = [self._queue.get()]
            count = len(tickets[0].items)
            while count < MAX_BATCH_MESSAGES:
                try:
                    ticket = self._queue.get_nowait()
                except queue.Empty:
                    break
                tickets.append(ticket)
                count += len(ticket.items)
            try:
                with self.app.app_context():
                    self._write(tickets)
            except BaseException as exc:  # never let the writer die: every waiting request must be answered
                for ticket in tickets:
                    ticket.answer(error=exc)

    def _write(self, tickets: list[_Ticket]) -> None:
        try:
            stored = store_messages([item for ticket in tickets for item in ticket.items])
        except Exception:
            if len(tickets) == 1:
                raise
            for ticket in tickets:  # on their own, so that each request gets its own outcome
                try:
                    self._write([ticket])
                except Exception as exc:
                    ticket.answer(error=exc)
            return
        fresh = [(row.message_id, classify_job_id(row.message_id)) for row in stored
                 if row.created and row.needs_classification]
        if fresh:
            jobs().enqueue_fresh(CLASSIFY, CLASSIFY_FUNC, fresh, job_timeout=CLASSIFY_TIMEOUT)
        start = 0
        for ticket in tickets:
            ticket.answer(stored[start:start + len(ticket.items)])
            start += len(ticket.items)


def init_app(app: Flask) -> None:
    app.extensions["najda.group_writer"] = GroupWriter(app)


def group_writer() -> GroupWriter:
    writer: GroupWriter = current_app.extensions["najda.group_writer"]
    return writer
