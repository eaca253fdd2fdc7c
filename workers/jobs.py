"""RQ jobs. Each takes ids, loads rows, calls domain code, commits. Each is safe to run twice.

Enqueued by dotted name (``"workers.jobs.classify_message"``) so the web app never imports this module.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from rq import Retry
from sqlalchemy import select

from alerts.paging import RetryablePageFailure, page_case
from alerts.twilio_client import SendOutcome, build_client, send_sms
from triage.cases import apply_classification, is_urgent
from triage.extensions import db
from triage.jobqueue import CLASSIFY, PAGES, JobQueues
from triage.live import publish_case_change
from triage.models import (
    Case,
    CaseEvent,
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
# Twilio down or throttling: try again after 5 s, 15 s, 30 s, 1 min, 2 min, then every 5 min for half an hour.
PAGE_RETRY = Retry(max=11, interval=[5, 15, 30, 60, 120, 300])


def queues() -> JobQueues:
    from triage.jobqueue import jobs

    return jobs()


# A job still "started" after this long lost its worker (killed, OOM): the sweeper replaces it.
CLASSIFY_TIMEOUT = 60
PAGE_TIMEOUT = 60
STALE_AFTER = 2 * CLASSIFY_TIMEOUT


def enqueue_classify(message_id: int, stale_after: float | None = None) -> bool:
    return queues().enqueue(
        CLASSIFY, "workers.jobs.classify_message", message_id, job_id=f"classify-{message_id}",
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
            if case is not None and is_urgent(case.priority) and not _has_page(case.id):
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
    with app_context():
        case = db.session.get(Case, case_id)
        if case is None:
            return "missing"
        config = settings()
        client = build_client(
            config.twilio_account_sid, config.twilio_auth_token, config.twilio_api_base_url or None, timeout=10.0
        )

        def sender(to: str, body: str, callback: str | None) -> SendOutcome:
            return send_sms(client, to, config.twilio_from, body, callback)

        try:
            result = page_case(case, config, sender)
        except RetryablePageFailure:
            db.session.rollback()
            raise
        publish_case_change(case_id, "paged")
        return result.skipped_reason or f"sent {result.sent}"


def sweep(stale_after: float = STALE_AFTER) -> dict[str, int]:
    """Re-enqueue what the database says is unfinished: after Redis lost its memory, was down at ingest, or a
    worker died holding a job."""
    with app_context():
        cutoff = utcnow() - timedelta(seconds=5)
        recent = utcnow() - timedelta(seconds=60)
        waiting = db.session.execute(
            select(Message.id).where(Message.status == MessageStatus.RECEIVED, Message.received_at < cutoff)
        ).scalars().all()
        unpaged = db.session.execute(
            select(Case.id).where(
                Case.status == CaseStatus.OPEN,
                Case.priority.in_(("P1", "P2")),
                Case.opened_at < cutoff,
                ~select(Page.id).where(Page.case_id == Case.id, Page.twilio_sid.is_not(None)).exists(),
                # A case nobody could be paged for is retried once a minute, not on every sweep.
                ~select(CaseEvent.id)
                .where(CaseEvent.case_id == Case.id, CaseEvent.kind == "page_failed", CaseEvent.at > recent)
                .exists(),
            )
        ).scalars().all()
        db.session.commit()
        for message_id in waiting:
            enqueue_classify(message_id, stale_after)
        for case_id in unpaged:
            enqueue_page(case_id, stale_after)
        return {"messages": len(waiting), "cases": len(unpaged)}


def _has_page(case_id: int) -> bool:
    return db.session.execute(select(Page.id).where(Page.case_id == case_id).limit(1)).first() is not None
