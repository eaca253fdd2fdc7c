"""Send one Page through Twilio: an SMS (bundling this responder's held pages into it) or a P1 voice call.

The Page row exists before Twilio is called (written by the escalation step), so a crash after the call leaves a
trace and a re-run finds the Twilio SID and sends nothing twice. Twilio errors decide what happens next:
retryable (5xx, 429, timeout) → raise so RQ retries with backoff; permanent (invalid, opted out) → mark, and
move to the next contact or level at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from alerts.escalation import EARLY_TOLERANCE, after_page_failed
from alerts.templates import case_link, render_bundle, render_page
from alerts.throttle import CAP_WINDOW, hold_until
from alerts.twilio_client import SendOutcome
from triage.cases import PRIORITY_ORDER, record_event
from triage.config import Settings
from triage.extensions import db
from triage.models import Case, CaseStatus, Page, PageStatus, Responder

log = logging.getLogger(__name__)

Sender = Callable[[str, str, str | None], SendOutcome]  # (to, body, status_callback) -> outcome
Caller = Callable[[str, Page, str], SendOutcome]  # (to, page, public_url) -> outcome


class RetryablePageFailure(Exception):
    """Twilio was unreachable or throttled us: the job raises this so RQ retries it with backoff."""


@dataclass(frozen=True)
class Delivery:
    outcome: str  # sent | held | not_due | done | cancelled | failed
    arm_at: datetime | None = None  # held / not due: send again then
    escalate_step: int | None = None  # a permanent failure brought this step forward to now


def status_callback_url(public_url: str, page: Page) -> str:
    """Where Twilio reports this page's delivery. The page id rides along: Twilio may call back before the
    sending job has stored the sid (the fake does after 50 ms), and the callback must still find its page."""
    path = "voice/status" if page.channel == "voice" else "status"
    return f"{public_url}/webhooks/twilio/{path}?page={page.id}"


def deliver_page(page_id: int, now: datetime, settings: Settings, sender: Sender, caller: Caller) -> Delivery:
    page = db.session.execute(select(Page).where(Page.id == page_id).with_for_update()).scalar_one_or_none()
    if page is None or page.twilio_sid or page.status != PageStatus.PENDING:
        db.session.commit()
        return Delivery("done")
    case = db.session.get(Case, page.case_id)
    responder = db.session.get(Responder, page.responder_id) if page.responder_id else None
    assert case is not None
    if case.status != CaseStatus.OPEN or responder is None:
        page.status = PageStatus.CANCELLED
        record_event(case, "page_cancelled", page_id=page.id, reason=f"case {case.status.value}")
        db.session.commit()
        return Delivery("cancelled")
    if page.send_after is not None and page.send_after > now + EARLY_TOLERANCE:
        db.session.commit()
        return Delivery("not_due", arm_at=page.send_after)
    bundle: list[Page] = []
    if page.channel == "sms":
        held = hold_until(case.priority, recent_sends(responder.id, now), now)
        if held is not None:
            page.send_after = held
            record_event(case, "page_held", page_id=page.id, responder_id=responder.id, until=held.isoformat())
            db.session.commit()
            return Delivery("held", arm_at=held)
        bundle = held_pages(responder.id, page.id)
        page.body = _body(case, bundle, responder, settings.public_url)
    page.attempts += 1
    db.session.commit()
    if page.channel == "voice":
        outcome = caller(page.to_phone, page, settings.public_url)
    else:
        outcome = sender(page.to_phone, page.body, status_callback_url(settings.public_url, page))
    return _record(page, case, responder, bundle, outcome, now)


def recent_sends(responder_id: int, now: datetime) -> list[datetime]:
    rows = db.session.execute(
        select(Page.sent_at).where(Page.responder_id == responder_id, Page.channel == "sms",
                                   Page.sent_at.is_not(None), Page.sent_at > now - CAP_WINDOW)
    ).scalars().all()
    return [t for t in rows if t is not None]


def held_pages(responder_id: int, page_id: int) -> list[Page]:
    """This responder's other unsent SMS pages for open cases: they ride along in this SMS."""
    return list(db.session.execute(
        select(Page).join(Case, Case.id == Page.case_id)
        .where(Page.responder_id == responder_id, Page.id != page_id, Page.channel == "sms",
               Page.status == PageStatus.PENDING, Page.twilio_sid.is_(None), Case.status == CaseStatus.OPEN)
        .order_by(Page.id)
    ).scalars())


def _body(case: Case, bundle: list[Page], responder: Responder, public_url: str) -> str:
    link = case_link(public_url, case.code)
    if not bundle:
        return render_page(case.code, case.labels, case.priority, link, responder.language)
    cases = [case] + [c for c in (db.session.get(Case, p.case_id) for p in bundle) if c is not None]
    codes = list(dict.fromkeys(c.code for c in cases))
    top = min((c.priority for c in cases), key=lambda p: PRIORITY_ORDER.get(p, 3))
    return render_bundle(codes, top, link, responder.language)


def _record(page: Page, case: Case, responder: Responder, bundle: list[Page], outcome: SendOutcome,
            now: datetime) -> Delivery:
    if outcome.sid:
        # A status callback may have beaten us here (it finds the page by id): never step back from its state.
        db.session.refresh(page, with_for_update=True)
        page.twilio_sid, page.sent_at = outcome.sid, now
        if page.status == PageStatus.PENDING:
            page.status = PageStatus.QUEUED
        record_event(case, "paged", page_id=page.id, responder_id=page.responder_id, channel=page.channel,
                     step=page.step, attempt=page.attempts, bundled=[p.id for p in bundle])
        for other in bundle:
            other.status, other.bundled_into_id, other.sent_at = PageStatus.BUNDLED, page.id, now
            other_case = db.session.get(Case, other.case_id)
            assert other_case is not None
            record_event(other_case, "paged", page_id=other.id, responder_id=other.responder_id, channel="sms",
                         step=other.step, bundled_into=page.id)
        db.session.commit()
        log.info("page %s for case %s sent (%s)", page.id, case.code, page.channel)
        return Delivery("sent")
    page.error_code = str(outcome.error_code) if outcome.error_code else None
    reason = "opted_out" if outcome.opted_out else "number_invalid" if outcome.invalid_number else None
    record_event(case, "page_failed", page_id=page.id, responder_id=page.responder_id, channel=page.channel,
                 step=page.step, attempt=page.attempts, error_code=page.error_code, retryable=outcome.retryable,
                 reason=reason)
    if not outcome.permanent_failure:
        db.session.commit()
        log.info("page %s for case %s failed, will retry: %s", page.id, case.code, outcome.message)
        raise RetryablePageFailure(f"page {page.id}: {outcome.message}")
    page.status = PageStatus.FAILED
    if outcome.opted_out:
        responder.opted_out = True  # Twilio refuses until they text START; skip them from now on
    step = after_page_failed(page, now)
    db.session.commit()
    log.info("page %s for case %s failed for good (%s)", page.id, case.code, page.error_code)
    return Delivery("failed", escalate_step=step)


