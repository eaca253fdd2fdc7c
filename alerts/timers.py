"""Durable timers: the database holds every due time (CaseEscalation.next_due_at, Page.send_after); Redis holds
a scheduled RQ job that fires it. ``reconcile`` re-arms from the database whatever Redis lost or never fired.

Firing twice is harmless: the step and send jobs re-check the case and the step number before doing anything.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from redis.exceptions import RedisError
from rq import Retry
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus, get_current_job
from sqlalchemy import select

from alerts.models import CaseEscalation
from triage.extensions import db
from triage.jobqueue import PAGES, JobQueues
from triage.models import Case, CaseStatus, Page, PageStatus

log = logging.getLogger(__name__)

STEP_JOB = "workers.jobs.escalation_step"
SEND_JOB = "workers.jobs.send_page"
# Twilio down or throttling: try again after 5 s, 15 s, 30 s, 1 min, 2 min, then every 5 min for half an hour.
PAGE_RETRY = Retry(max=11, interval=[5, 15, 30, 60, 120, 300])
# A page written by a step job is sent by that same job; the reconciler leaves it this long before taking over.
INLINE_GRACE = timedelta(seconds=10)
_DONE = {JobStatus.FINISHED, JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED}


def step_job_id(case_id: int, step: int) -> str:
    return f"esc-{case_id}-{step}"


def send_job_id(page_id: int) -> str:
    return f"send-{page_id}"


def again_id(job_id: str) -> str:
    return f"{job_id}-again"


def _job_status(q: JobQueues, job_id: str, stale_after: float | None = None) -> JobStatus | None:
    """The job's status; None when Redis has no such job or it is a *started* job whose worker died."""
    try:
        job = Job.fetch(job_id, connection=q.redis)
    except NoSuchJobError:
        return None
    status = job.get_status(refresh=False)
    if status == JobStatus.STARTED and stale_after is not None and job.started_at is not None:
        if (datetime.now(UTC) - job.started_at.replace(tzinfo=UTC)).total_seconds() >= stale_after:
            return None
    return status


def cancel(q: JobQueues, job_id: str, stale_after: float | None = None) -> None:
    """Drop a waiting or scheduled job (best effort: a job that fires anyway re-checks and does nothing)."""
    try:
        job = Job.fetch(job_id, connection=q.redis)
        if _job_status(q, job_id, stale_after) != JobStatus.STARTED:
            job.delete()
    except NoSuchJobError:
        pass
    except (RedisError, OSError) as exc:
        log.warning("cancel %s failed: %s", job_id, type(exc).__name__)


def _arm(q: JobQueues, job_id: str, func: str, args: tuple[int, ...], due: datetime, now: datetime,
         replace: bool, retry: Retry | None = None, stale_after: float | None = None) -> bool:
    current = get_current_job()
    if current is not None and current.id == job_id:
        # A job re-arming itself (a step not yet due, or held by maintenance) cannot reuse its own running id.
        job_id = again_id(job_id)
    if replace:
        cancel(q, job_id, stale_after)
    options: dict[str, Any] = {"retry": retry} if retry is not None else {}
    delay = (due - now).total_seconds()
    if delay <= 0:
        return q.enqueue(PAGES, func, *args, job_id=job_id, **options)
    return q.enqueue_in(PAGES, delay, func, *args, job_id=job_id, **options)


def arm_step(q: JobQueues, case_id: int, step: int, due: datetime, now: datetime, replace: bool = False,
             stale_after: float | None = None) -> bool:
    return _arm(q, step_job_id(case_id, step), STEP_JOB, (case_id, step), due, now, replace,
                stale_after=stale_after)


def arm_send(q: JobQueues, page_id: int, due: datetime, now: datetime, replace: bool = False,
             stale_after: float | None = None) -> bool:
    return _arm(q, send_job_id(page_id), SEND_JOB, (page_id,), due, now, replace, retry=PAGE_RETRY,
                stale_after=stale_after)


@dataclass(frozen=True)
class Reconciled:
    steps: int
    sends: int
    closed: int


def reconcile(q: JobQueues, now: datetime, stale_after: float | None = None) -> Reconciled:
    """Re-arm every due or lost timer from the database (after FLUSHALL, a worker crash, a dead scheduler).
    A job still *started* after ``stale_after`` seconds lost its worker and counts as lost."""
    steps = sends = closed = 0
    rows = db.session.execute(
        select(CaseEscalation, Case.status)
        .join(Case, Case.id == CaseEscalation.case_id)
        .where(CaseEscalation.state == "active", CaseEscalation.next_due_at.is_not(None))
    ).all()
    for escalation, status in rows:
        if status != CaseStatus.OPEN:
            escalation.state, escalation.next_due_at = status.value, None  # acked/resolved elsewhere
            closed += 1
            continue
        due = escalation.next_due_at
        assert due is not None
        job_id = step_job_id(escalation.case_id, escalation.next_step)
        state = _job_status(q, job_id, stale_after)
        if state is None or state in _DONE:
            state = _job_status(q, again_id(job_id), stale_after) or state
        lost = state is None or state in _DONE
        overdue = due <= now and state == JobStatus.SCHEDULED  # the scheduler is late or gone
        if lost or overdue:
            arm_step(q, escalation.case_id, escalation.next_step, due, now, replace=True, stale_after=stale_after)
            steps += 1
    pending = db.session.execute(
        select(Page.id, Page.send_after)
        .join(Case, Case.id == Page.case_id)
        .where(Page.status == PageStatus.PENDING, Page.twilio_sid.is_(None), Case.status == CaseStatus.OPEN,
               Page.created_at < now - INLINE_GRACE)
    ).all()
    for page_id, send_after in pending:
        state = _job_status(q, send_job_id(page_id), stale_after)
        if state is None or state in _DONE:
            state = _job_status(q, again_id(send_job_id(page_id)), stale_after) or state
        # Only lost jobs: a scheduled one may be RQ's retry backoff, which must not be cut short.
        if state is None or state in _DONE:
            arm_send(q, page_id, send_after or now, now, replace=True, stale_after=stale_after)
            sends += 1
    db.session.commit()
    return Reconciled(steps, sends, closed)
