"""Page the on-call responder for a case: one SMS per case, priority and responder, whatever the retries.

The Page row is written and committed *before* Twilio is called, so a crash after the call leaves a trace, and a
re-run job finds the Twilio SID and sends nothing twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from alerts.oncall import on_call
from alerts.templates import case_link, render_page
from alerts.twilio_client import SendOutcome
from triage.cases import is_urgent, record_event
from triage.config import Settings
from triage.extensions import db
from triage.models import Case, CaseStatus, Page, PageStatus, Responder, utcnow

log = logging.getLogger(__name__)

Sender = Callable[[str, str, str | None], SendOutcome]  # (to, body, status_callback) -> outcome


class RetryablePageFailure(Exception):
    """Twilio was unreachable or throttled us: the job raises this so RQ retries it with backoff."""


@dataclass(frozen=True)
class PageResult:
    sent: int
    skipped_reason: str | None = None


def dedupe_key(case: Case, responder: Responder) -> str:
    return f"case:{case.id}:{case.priority}:responder:{responder.id}"


def page_case(case: Case, settings: Settings, sender: Sender) -> PageResult:
    if case.status != CaseStatus.OPEN or not is_urgent(case.priority):
        return PageResult(0, f"case is {case.status.value} {case.priority}")
    if case.team_id is None:
        record_event(case, "page_failed", reason="no_team")
        db.session.commit()
        return PageResult(0, "no team owns these labels")
    responders = on_call(case.team_id, utcnow())
    if not responders:
        record_event(case, "page_failed", reason="nobody_on_call", team_id=case.team_id)
        db.session.commit()
        return PageResult(0, "nobody on call")
    for responder in responders:
        page = _page_row(case, responder, settings)
        if page.twilio_sid:
            return PageResult(0, "already paged")
        if page.status == PageStatus.FAILED:
            continue  # this number failed for good: try the next responder on call
        outcome = _send(page, sender, settings)
        if outcome.sid:
            return PageResult(1)
        if not outcome.permanent_failure:
            # Throttled, unreachable or misconfigured: the same number may work later, so retry it.
            raise RetryablePageFailure(f"page {page.id}: {outcome.message}")
    record_event(case, "page_failed", reason="every_on_call_number_failed")
    db.session.commit()
    return PageResult(0, "every on-call number failed")


def _page_row(case: Case, responder: Responder, settings: Settings) -> Page:
    key = dedupe_key(case, responder)
    page = db.session.execute(select(Page).where(Page.dedupe_key == key)).scalar_one_or_none()
    if page is None:
        link = case_link(settings.public_url, case.code)
        page = Page(
            dedupe_key=key,
            case_id=case.id,
            responder_id=responder.id,
            to_phone=responder.phone,
            body=render_page(case.code, case.labels, case.priority, link, responder.language),
        )
        db.session.add(page)
        db.session.commit()
    return page


def _send(page: Page, sender: Sender, settings: Settings) -> SendOutcome:
    page.attempts += 1
    db.session.commit()
    callback = f"{settings.public_url}/webhooks/twilio/status"
    outcome = sender(page.to_phone, page.body, callback)
    case = db.session.get(Case, page.case_id)
    assert case is not None
    if outcome.sid:
        page.twilio_sid = outcome.sid
        page.status = PageStatus.QUEUED
        record_event(case, "paged", page_id=page.id, responder_id=page.responder_id, attempt=page.attempts)
    else:
        page.error_code = str(outcome.error_code) if outcome.error_code else None
        if outcome.permanent_failure:
            page.status = PageStatus.FAILED
        record_event(
            case, "page_failed", page_id=page.id, responder_id=page.responder_id, attempt=page.attempts,
            error_code=page.error_code, retryable=outcome.retryable,
        )
    db.session.commit()
    log.info("page %s for case %s: %s", page.id, case.code, "sent" if outcome.sid else "failed")
    return outcome
