"""Group commit for the webhook path: concurrent requests in one process share one INSERT and one Redis pipeline.

Leader-based: a request that finds fewer than ``LEADERS`` batches in progress becomes a leader. It takes every
request waiting at that moment (its own included), stores them all with one ``store_messages`` call (on
PostgreSQL one statement and one WAL flush), enqueues the new messages' jobs in one Redis pipeline, answers the
others, and returns its own result: the leader never sleeps on a hand-off. Requests arriving while the leaders
are busy queue up; a leader that finishes hands the whole queue to the first of them, which leads it as the next
batch. A request is still answered only after its messages are committed and queued, exactly as before; what is
shared is the round trips, which were most of the cost of a webhook (see docs/PERFORMANCE.md, "Ingest").

(The first version handed every request to dedicated writer threads and back: two sleeps and two wake-ups per
request, which perf showed as a large share of a worker's CPU in the kernel's task switch.)

If a shared batch fails, each request's messages are stored again on their own, so one bad request cannot fail
its neighbours; each then gets its own outcome (a database outage still reaches the request as the 503 its
platform retries on).
"""

from __future__ import annotations

import logging
import os
import threading
import weakref
from dataclasses import dataclass, field

from flask import Flask, current_app, has_app_context
from sqlalchemy.exc import TimeoutError as PoolTimeout

from triage.channels import InboundMessage
from triage.inbound import Stored, store_messages
from triage.jobqueue import CLASSIFY, CLASSIFY_FUNC, CLASSIFY_TIMEOUT, classify_job_id, jobs

log = logging.getLogger(__name__)
MAX_BATCH_MESSAGES = 200
WAIT_SECONDS = 30.0
# Two concurrent batches: while one waits for its commit's WAL flush, the next is already on its way
# (PostgreSQL flushes concurrent commits together), which keeps latency low at moderate load.
LEADERS = 2


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
    # Set (under the writer's mutex) when a finishing leader hands this request the queue to lead.
    batch: list[_Ticket] | None = None
    # Held until the request is answered or made leader; the request waits by acquiring it. A bare lock, not an
    # Event: Event's Condition (a waiter lock per wait, notify_all in Python) was a measurable share of the handoff.
    _signal: threading.Lock = field(default_factory=_held_lock)

    def answer(self, result: list[Stored] | None = None, error: BaseException | None = None) -> None:
        """Only the batch's leader answers, once."""
        if not self.answered:
            self.result, self.error, self.answered = result, error, True
            self._signal.release()

    def promote(self, batch: list[_Ticket]) -> None:
        """Make this waiting request the leader of ``batch`` (itself first); called under the writer's mutex."""
        self.batch = batch
        self._signal.release()

    def wait(self, timeout: float) -> bool:
        return self._signal.acquire(timeout=timeout)


class GroupWriter:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self._mutex = threading.Lock()
        self._waiting: list[_Ticket] = []
        self._leaders = 0  # batches being written, or handed to a request that is about to write them
        # Reset in a forked child (gunicorn's workers): a lock held by another thread at the fork would stay held.
        # Weak, so that an app dropped (tests build many) is not kept alive by the fork hook.
        ref = weakref.ref(self)
        os.register_at_fork(after_in_child=lambda: _reset(ref()))

    def store(self, items: list[InboundMessage]) -> list[Stored]:
        """Store (committed) and enqueue classification of the new ones; returns one Stored per item."""
        if not items:
            return []
        ticket = _Ticket(items)
        with self._mutex:
            if self._leaders < LEADERS:
                self._leaders += 1
                batch: list[_Ticket] | None = self._take([ticket])  # itself first, then whoever is waiting
            else:
                self._waiting.append(ticket)
                batch = None
        if batch is None:
            if not ticket.wait(WAIT_SECONDS) and not self._still_ours(ticket):
                raise PoolTimeout("the message writer did not answer in time")
            batch = ticket.batch
        if batch is not None and not ticket.answered:
            self._lead(batch)
        if ticket.error is not None:
            raise ticket.error
        assert ticket.result is not None
        return ticket.result

    def _after_fork(self) -> None:
        self._mutex = threading.Lock()
        self._waiting = []
        self._leaders = 0

    def _take(self, batch: list[_Ticket]) -> list[_Ticket]:
        """Move waiting requests into ``batch``, up to MAX_BATCH_MESSAGES (at least one); under the mutex."""
        count = sum(len(ticket.items) for ticket in batch)
        taken = 0
        for ticket in self._waiting:
            if batch and count + len(ticket.items) > MAX_BATCH_MESSAGES:
                break
            batch.append(ticket)
            count += len(ticket.items)
            taken += 1
        del self._waiting[:taken]
        return batch

    def _still_ours(self, ticket: _Ticket) -> bool:
        """After a timed-out wait: give up if the request is still queued (no leader will take it now); if it
        was made leader meanwhile, it must lead (the others in its batch wait on it)."""
        with self._mutex:
            if ticket in self._waiting:
                self._waiting.remove(ticket)
                return False
            if ticket.batch is None:  # in a batch being written: 503 as before (the leader goes on) unless done
                return ticket.answered
        ticket.wait(WAIT_SECONDS)  # released already, or about to be: promote() is called under the mutex
        return True

    def _lead(self, batch: list[_Ticket]) -> None:
        """Write ``batch``, answer every request in it (errors included), then hand the queue on."""
        try:
            with self._mutex:  # a request handed the queue takes whoever arrived while it was waking up
                self._take(batch)
            try:
                if has_app_context():
                    self._write(batch)
                else:
                    with self.app.app_context():
                        self._write(batch)
            except BaseException as exc:  # every request in the batch must be answered, whatever happened
                for ticket in batch:
                    ticket.answer(error=exc)
                raise
        finally:
            with self._mutex:
                if self._waiting:
                    nxt = self._waiting[0]
                    nxt.promote(self._take([]))
                else:
                    self._leaders -= 1

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


def _reset(writer: GroupWriter | None) -> None:
    if writer is not None:
        writer._after_fork()


def init_app(app: Flask) -> None:
    app.extensions["najda.group_writer"] = GroupWriter(app)


def group_writer() -> GroupWriter:
    writer: GroupWriter = current_app.extensions["najda.group_writer"]
    return writer
