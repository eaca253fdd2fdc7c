"""RQ jobs. Each takes ids, loads rows, calls domain code, commits. Each is safe to run twice.

Enqueued by dotted name (``"workers.jobs.classify_message"``) so the web app never imports this module.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select

from alerts import timers
from alerts.delivery_status import poll_stuck
from alerts.escalation import ensure_escalation, fire_step, on_priority_raised
from alerts.models import CaseEscalation
from alerts.paging import Delivery, RetryablePageFailure, deliver_page, status_callback_url
from alerts.templates import voice_prompts
from alerts.twilio_client import SendOutcome, build_client, fetch_status, gather_twiml, place_call, send_sms
from triage.cases import apply_classification, is_urgent
from triage.extensions import db
from triage.jobqueue import CLASSIFY, CLASSIFY_FUNC, CLASSIFY_TIMEOUT, PAGES, JobQueues, classify_job_id
from triage.live import publish_case_change
from triage.models import (
    Case,
    CaseStatus,
    Classification,
    Contact,
    Message,
    MessageStatus,
    Page,
    utcnow,
)
from workers.runtime import app_context, classifier, settings

log = logging.getLogger(__name__)
PAGE_RETRY = timers.PAGE_RETRY


def queues() -> JobQueues:
    from triage.jobqueue import jobs

    return jobs()


# A job still "started" after this long lost its worker (killed, OOM): the sweeper replaces it.
PAGE_TIMEOUT = 60
STALE_AFTER = 2 * CLASSIFY_TIMEOUT


def enqueue_classify(message_id: int, stale_after: float | None = None) -> bool:
    return queues().enqueue(
        CLASSIFY, CLASSIFY_FUNC, message_id, job_id=classify_job_id(message_id),
        job_timeout=CLASSIFY_TIMEOUT, stale_after=stale_after,
    )


def enqueue_page(case_id: int, stale_after: float | None = None) -> bool:
    return queues().enqueue(
        PAGES, "workers.jobs.page_on_call", case_id, job_id=f"page-{case_id}", retry=PAGE_RETRY,
        job_timeout=PAGE_TIMEOUT, stale_after=stale_after,
    )


def classify_message(message_id: int) -> str:
    with app_context():
        message = db.session.get(Message, message_id)
        if message is None:
            return "missing"
        if message.contact_id is not None:
            # Serialise cases per contact (PostgreSQL): two workers must not open two cases for one person.
            db.session.execute(select(Contact.id).where(Contact.id == message.contact_id).with_for_update())
        if message.status != MessageStatus.RECEIVED:
            # Already done by an earlier run; make sure an urgent case did get its page job.
            case = db.session.get(Case, message.case_id) if message.case_id else None
            db.session.commit()
            if case is not None and is_urgent(case.priority) and not _has_escalation(case.id):
                enqueue_page(case.id)
            return "already classified"
        result = classifier().classify(message.text)
        db.session.add(
            Classification(
                message_id=message.id,
                labels=list(result.labels),
                scores=result.scores,
                urgency=result.urgency,
                evidence=[e.__dict__ for e in result.evidence],
                lang=result.lang,
                model_version=result.model_version,
                degraded=result.degraded,
            )
        )
        window = timedelta(hours=settings().case_join_window_hours)
        update = apply_classification(message, result, window)
        message.status = MessageStatus.CLASSIFIED
        db.session.commit()
        if update.case is not None:
            publish_case_change(update.case.id, "opened" if update.opened else "changed")
        if update.case is not None and update.page:
            enqueue_page(update.case.id)
        log.info("message %s classified %s", message_id, result.urgency)
        return result.urgency


def page_on_call(case_id: int) -> str:
    """Start the case's escalation (snapshot its team's policy) and take step 0 right here."""
    with app_context():
        case = db.session.get(Case, case_id)
        if case is None:
            return "missing"
        if case.status != CaseStatus.OPEN or not is_urgent(case.priority):
            db.session.commit()
            return f"case is {case.status.value} {case.priority}"
        now = utcnow()
        escalation = ensure_escalation(case, now)
        on_priority_raised(case, escalation, now)
        step = escalation.next_step
        db.session.commit()
        return _run_step(case_id, step)


def escalation_step(case_id: int, step: int) -> str:
    """A durable timer fired: take the step if it is still due (the step re-checks the case first)."""
    with app_context():
        return _run_step(case_id, step)


def send_page(page_id: int) -> str:
    """Send one page (a held SMS, a voice fallback, or a retry after a Twilio error)."""
    with app_context():
        delivery = _deliver(page_id, raise_retryable=True)
        db.session.commit()
        return delivery.outcome


def _run_step(case_id: int, step: int) -> str:
    now = utcnow()
    result = fire_step(case_id, step, now, settings().public_url)
    q = queues()
    outcomes = [_deliver(page_id, raise_retryable=False).outcome for page_id in result.page_ids]
    for page_id in result.voice_page_ids:
        page = db.session.get(Page, page_id)
        if page is not None and page.send_after is not None:
            timers.arm_send(q, page_id, page.send_after, now)
    _arm_next(case_id)
    db.session.commit()
    publish_case_change(case_id, "paged")
    return f"{result.outcome} step {step}: " + (", ".join(outcomes) or "no pages")


def _arm_next(case_id: int) -> None:
    """Arm the escalation's next step from the database: the step just taken moved it, a failed page may have
    brought it forward to now, a step not yet due or held by maintenance re-arms itself."""
    escalation = db.session.execute(
        select(CaseEscalation).where(CaseEscalation.case_id == case_id)
    ).scalar_one_or_none()
    if escalation is not None and escalation.state == "active" and escalation.next_due_at is not None:
        now = utcnow()
        timers.arm_step(queues(), case_id, escalation.next_step, escalation.next_due_at, now,
                        replace=escalation.next_due_at <= now)


def _deliver(page_id: int, raise_retryable: bool) -> Delivery:
    config = settings()
    client = build_client(
        config.twilio_account_sid, config.twilio_auth_token, config.twilio_api_base_url or None, timeout=10.0
    )

    def sender(to: str, body: str, callback: str | None) -> SendOutcome:
        return send_sms(client, to, config.twilio_from, body, callback)

    def caller(to: str, page: Page, public_url: str) -> SendOutcome:
        case = db.session.get(Case, page.case_id)
        assert case is not None
        twiml = gather_twiml(voice_prompts(case.code, case.priority),
                             f"{public_url}/webhooks/twilio/voice/gather?page={page.id}")
        return place_call(client, to, config.twilio_from, twiml, status_callback_url(public_url, page))

    now = utcnow()
    try:
        delivery = deliver_page(page_id, now, config, sender, caller)
    except RetryablePageFailure:
        db.session.rollback()
        if raise_retryable:
            raise  # RQ's Retry on the send job backs off
        # Inside a step job: hand this page to its own send job, which retries with backoff.
        timers.arm_send(queues(), page_id, now + timedelta(seconds=PAGE_RETRY.intervals[0]), now)
        return Delivery("retrying")
    if delivery.arm_at is not None:
        timers.arm_send(queues(), page_id, delivery.arm_at, now, replace=True)
    if delivery.escalate_step is not None:
        page = db.session.get(Page, page_id)
        assert page is not None
        timers.arm_step(queues(), page.case_id, delivery.escalate_step, now, now, replace=True)
    return delivery


def sweep(stale_after: float = STALE_AFTER) -> dict[str, int]:
    """Re-enqueue what the database says is unfinished: after Redis lost its memory, was down at ingest, or a
    worker died holding a job. Also the escalation reconciler: every due or lost timer is re-armed."""
    with app_context():
        now = utcnow()
        cutoff = now - timedelta(seconds=5)
        waiting = db.session.execute(
            select(Message.id).where(Message.status == MessageStatus.RECEIVED, Message.received_at < cutoff)
        ).scalars().all()
        unstarted = db.session.execute(
            select(Case.id).where(
                Case.status == CaseStatus.OPEN,
                Case.priority.in_(("P1", "P2")),
                Case.opened_at < cutoff,
                ~select(CaseEscalation.id).where(CaseEscalation.case_id == Case.id).exists(),
            )
        ).scalars().all()
        db.session.commit()
        for message_id in waiting:
            enqueue_classify(message_id, stale_after)
        for case_id in unstarted:
            enqueue_page(case_id, stale_after)
        reconciled = timers.reconcile(queues(), now, stale_after)
        config = settings()
        client = build_client(config.twilio_account_sid, config.twilio_auth_token,
                              config.twilio_api_base_url or None, timeout=10.0)
        for case_id, step in poll_stuck(lambda channel, sid: fetch_status(client, channel, sid), now):
            timers.arm_step(queues(), case_id, step, now, now, replace=True)
        return {"messages": len(waiting), "cases": len(unstarted), "steps": reconciled.steps,
                "sends": reconciled.sends}


def _has_escalation(case_id: int) -> bool:
    stmt = select(CaseEscalation.id).where(CaseEscalation.case_id == case_id)
    return db.session.execute(stmt).first() is not None
