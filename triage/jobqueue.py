"""Redis connection and RQ queues: transport only, never the truth.

Every job is named by a deterministic id (``classify-42``), so a job that is already waiting is not queued twice,
and the sweeper can re-enqueue anything the database says is unfinished after Redis lost its memory.
"""

from __future__ import annotations

import itertools
import logging
import zlib
from datetime import UTC, datetime, timedelta
from typing import Any

import hiredis
from flask import Flask, current_app
from redis import Redis
from redis.exceptions import RedisError
from redis.typing import EncodableT
from rq import Queue
from rq.exceptions import DuplicateJobError, NoSuchJobError
from rq.job import Job, JobStatus
from rq.utils import get_call_string, utcformat
from rq.utils import now as rq_now

log = logging.getLogger(__name__)

# Paging jobs drain before classification jobs: a worker takes queues in this order.
QUEUE_NAMES: tuple[str, ...] = ("najda-pages", "najda-classify")
PAGES, CLASSIFY = QUEUE_NAMES
CLASSIFY_FUNC = "workers.jobs.classify_message"
# Classification takes well under a second; the sweeper takes a job still "started" after twice this for lost.
CLASSIFY_TIMEOUT = 60


def classify_job_id(message_id: int) -> str:
    """One id per message, whoever queues it (webhook, group commit, sweeper): a waiting job is never doubled."""
    return f"classify-{message_id}"
_DONE = {JobStatus.FINISHED, JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED}


class JobQueues:
    def __init__(self, redis_url: str) -> None:
        # Short timeouts: a webhook must answer fast even when Redis is gone (the sweeper catches up).
        self.redis = Redis.from_url(redis_url, socket_connect_timeout=1.0, socket_timeout=2.0)
        self.queues = {name: Queue(name, connection=self.redis) for name in QUEUE_NAMES}

    def enqueue(
        self, queue: str, func: str, *args: Any, job_id: str, stale_after: float | None = None, **options: Any
    ) -> bool:
        """Queue ``func(*args)`` once under ``job_id``; True if it is (now) waiting, False if Redis is down.

        ``stale_after``: a job of that id still marked *started* for longer than this many seconds is taken
        for one whose worker was killed, and replaced (jobs are idempotent, so a rare double run is harmless).
        """
        q = self.queues[queue]
        try:
            try:
                q.enqueue(func, *args, job_id=job_id, unique=True, **options)
            except DuplicateJobError:
                if not self._replace_finished(job_id, stale_after):
                    return True  # already waiting or running: nothing to do
                q.enqueue(func, *args, job_id=job_id, unique=True, **options)
            return True
        except (RedisError, OSError) as exc:
            log.warning("enqueue %s failed, the sweeper will retry: %s", job_id, type(exc).__name__)
            return False

    def enqueue_fresh(self, queue: str, func: str, calls: list[tuple[int, str]], *, job_timeout: int) -> bool:
        """Queue ``func(arg)`` under ``job_id`` for each ``(arg, job_id)``, in one round trip.

        Only for rows the caller has just inserted: their job ids cannot be waiting yet, so the duplicate check
        of ``enqueue`` (a second round trip) is skipped. Should the sweeper queue one too, the job is idempotent.
        The jobs are written as RQ itself writes them (``fresh_job_commands``) but without building an RQ Job per
        message, which was the largest share of the writer thread's time (docs/PERFORMANCE.md, "Ingest").
        """
        q = self.queues[queue]
        try:
            # Every job's hash is written before the one RPUSH that makes the ids visible to workers: commands on
            # one connection run in order (no MULTI/EXEC needed). Should the connection drop half way, a job left
            # written but not pushed is "queued in no queue", which the sweeper replaces (_abandoned).
            commands: list[Command] = [("SADD", Queue.redis_queues_keys, q.key)]
            commands += fresh_job_commands(q, func, calls, job_timeout)
            commands.append(("RPUSH", q.key, *[job_id for _, job_id in calls]))
            self._send_all(commands)
            return True
        except (RedisError, OSError) as exc:
            log.warning("enqueue of %d jobs failed, the sweeper will retry: %s", len(calls), type(exc).__name__)
            return False

    def _send_all(self, commands: list[Command]) -> None:
        """What ``pipeline(transaction=False).execute()`` does, without its per-command Python bookkeeping:
        the commands packed by hiredis in C, sent at once, every reply read (an error reply raises). redis-py's
        pipeline machinery was about a third of the enqueue's CPU (docs/PERFORMANCE.md, "Ingest")."""
        # hiredis's stub types its argument as a 1-tuple; redis-py's Connection methods are untyped.
        packed = b"".join(hiredis.pack_command(c) for c in commands)  # type: ignore[arg-type]
        pool = self.redis.connection_pool
        conn: Any = pool.get_connection()  # the pool replaces a connection a Redis restart closed
        try:
            conn.send_packed_command([packed])
            for _ in commands:
                conn.read_response()
        except BaseException:
            conn.disconnect()  # replies may be left unread: the connection must not be reused
            raise
        finally:
            pool.release(conn)

    def enqueue_in(self, queue: str, seconds: float, func: str, *args: Any, job_id: str, **options: Any) -> bool:
        """Schedule ``func(*args)`` in ``seconds`` under ``job_id`` unless a job of that id is still pending."""
        q = self.queues[queue]
        try:
            if not self._replace_finished(job_id):
                return True  # already scheduled, waiting or running: the database holds the due time
            q.enqueue_in(timedelta(seconds=seconds), func, *args, job_id=job_id, **options)
            return True
        except (RedisError, OSError) as exc:
            log.warning("schedule %s failed, the reconciler will retry: %s", job_id, type(exc).__name__)
            return False

    def _replace_finished(self, job_id: str, stale_after: float | None = None) -> bool:
        """Delete a finished, failed or abandoned job of that id so a new run can take its place."""
        try:
            job = Job.fetch(job_id, connection=self.redis)
        except NoSuchJobError:
            return True
        status = job.get_status(refresh=False)
        if status in _DONE or (stale_after is not None and self._abandoned(job, status, stale_after)):
            job.delete()
            return True
        return False

    def _abandoned(self, job: Job, status: JobStatus | None, stale_after: float) -> bool:
        """A job whose worker died: still *started* long after it began, or *queued* yet in no queue (popped by
        a worker killed before it could mark the job started)."""
        if status == JobStatus.STARTED:
            started = job.started_at
            return started is not None and (
                datetime.now(UTC) - started.replace(tzinfo=UTC)
            ).total_seconds() >= stale_after
        if status == JobStatus.QUEUED:
            queue_key = Queue(job.origin, connection=self.redis).key
            return self.redis.lpos(queue_key, job.id) is None
        return False

    def ping(self) -> bool:
        try:
            return bool(self.redis.ping())
        except (RedisError, OSError):
            return False


Command = tuple[EncodableT, ...]
# Job hash fields that are the same for every job of one (queue, function, timeout), as RQ's Job.to_dict writes
# them, flattened to HSET arguments; filled once per process from a real RQ Job.
_TEMPLATES: dict[tuple[str, str, int], Command] = {}


def fresh_job_commands(q: Queue, func: str, calls: list[tuple[int, str]], job_timeout: int) -> list[Command]:
    """The HSET of the job hash RQ's ``Queue.enqueue(func, arg, job_id=…, job_timeout=…)`` would write, for
    each ``(arg, job_id)``.

    The constant fields come from RQ's own ``Job.to_dict``; per job only what depends on the argument is made,
    with RQ's own serializer and call-string helper: ``data`` (the compressed pickled call) and
    ``description``. ``created_at`` and ``enqueued_at`` are the batch's time. tests/test_jobqueue.py compares
    the result with what ``Queue.enqueue`` writes, field by field, and runs the jobs with a SimpleWorker.
    """
    key = (q.name, func, job_timeout)
    template = _TEMPLATES.get(key)
    if template is None:
        job = q.create_job(func, args=(0,), job_id="template", timeout=job_timeout, status=JobStatus.QUEUED)
        job.origin, job.enqueued_at = q.name, rq_now()
        fields = {field: value for field, value in job.to_dict().items() if field not in _PER_JOB}
        template = _TEMPLATES[key] = tuple(itertools.chain.from_iterable(fields.items()))
    stamp = utcformat(rq_now())
    dumps = q.serializer.dumps
    commands: list[Command] = []
    for arg, job_id in calls:
        description = get_call_string(func, (arg,), {}, max_length=75)
        assert description is not None  # None only without a function name
        commands.append(("HSET", Job.key_for(job_id), *template, "created_at", stamp, "enqueued_at", stamp,
                         "data", zlib.compress(dumps((func, None, (arg,), {}))), "description", description))
    return commands


_PER_JOB = frozenset({"created_at", "enqueued_at", "data", "description"})


def init_app(app: Flask, redis_url: str) -> None:
    app.extensions["najda.jobs"] = JobQueues(redis_url)


def jobs() -> JobQueues:
    queues: JobQueues = current_app.extensions["najda.jobs"]
    return queues
