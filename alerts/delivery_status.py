"""A page's delivery state from Twilio, whether it came by status callback or by asking Twilio (a page whose
callbacks never arrived: our web was down when Twilio called). One place decides what a new state means."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select

from alerts.escalation import after_page_failed
from triage.cases import record_event
from triage.extensions import db
from triage.models import Case, CaseStatus, Page, PageStatus

log = logging.getLogger(__name__)

# Twilio's statuses can arrive out of order: a later one never goes back to an earlier one.
RANK = {PageStatus.PENDING: 0, PageStatus.QUEUED: 1, PageStatus.SENT: 2, PageStatus.DELIVERED: 3,
        PageStatus.UNDELIVERED: 3, PageStatus.FAILED: 3}
SMS_STATUS = {"queued": PageStatus.QUEUED, "accepted": PageStatus.QUEUED, "sending": PageStatus.QUEUED,
              "sent": PageStatus.SENT, "delivered": PageStatus.DELIVERED, "read": PageStatus.DELIVERED,
              "undelivered": PageStatus.UNDELIVERED, "failed": PageStatus.FAILED}
CALL_STATUS = {"queued": PageStatus.QUEUED, "initiated": PageStatus.QUEUED, "ringing": PageStatus.SENT,
               "in-progress": PageStatus.SENT, "completed": PageStatus.DELIVERED, "busy": PageStatus.UNDELIVERED,
               "no-answer": PageStatus.UNDELIVERED, "canceled": PageStatus.FAILED, "failed": PageStatus.FAILED}
# A page with no final state this long after Twilio took it is asked about.
STUCK_AFTER = timedelta(minutes=5)
Fetcher = Callable[[str, str], tuple[str, int | None] | None]  # (channel, sid) -> (status, error code)


def apply_status(page: Page, status: PageStatus, error_code: str | None, now: datetime) -> int | None:
    """Record a new delivery state (never stepping back); returns a step to fire now after a failure."""
    current = RANK.get(page.status, 3)
    if status == page.status or current >= 3 or RANK[status] < current:
        return None  # a repeat, a late earlier status, or the page is already final
    page.status = status
    page.error_code = error_code or page.error_code
    case = db.session.get(Case, page.case_id)
    assert case is not None
    record_event(case, "page_status", page_id=page.id, responder_id=page.responder_id, channel=page.channel,
                 status=status.value, error_code=error_code)
    if status in (PageStatus.FAILED, PageStatus.UNDELIVERED):
        return after_page_failed(page, now)
    return None


def poll_stuck(fetch: Fetcher, now: datetime, limit: int = 20) -> list[tuple[int, int]]:
    """Ask Twilio about open cases' pages stuck before a final state; returns (case id, step) to fire now."""
    stuck = db.session.execute(
        select(Page).join(Case, Case.id == Page.case_id)
        .where(Page.status.in_((PageStatus.QUEUED, PageStatus.SENT)), Page.twilio_sid.is_not(None),
               Page.sent_at < now - STUCK_AFTER, Case.status == CaseStatus.OPEN)
        .order_by(Page.sent_at).limit(limit)
    ).scalars().all()
    fire: list[tuple[int, int]] = []
    for page in stuck:
        assert page.twilio_sid is not None
        answer = fetch(page.channel, page.twilio_sid)
        if answer is None:
            continue
        raw, code = answer
        status = (CALL_STATUS if page.channel == "voice" else SMS_STATUS).get(raw)
        if status is None:
            continue
        step = apply_status(page, status, str(code) if code else None, now)
        if step is not None:
            fire.append((page.case_id, step))
    db.session.commit()
    if stuck:
        log.info("asked Twilio about %s stuck pages; %s escalate now", len(stuck), len(fire))
    return fire
