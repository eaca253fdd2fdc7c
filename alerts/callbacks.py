"""Twilio's callbacks to Najda: SMS delivery status, call status, and the key pressed on a voice page.

Every request is checked against X-Twilio-Signature over NAJDA_PUBLIC_URL + the path and query Twilio called
(behind a proxy ``request.url`` is not what Twilio signed). A failed or undelivered page moves the escalation on
at once: the next step is enqueued while handling the callback.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, abort, current_app, request
from sqlalchemy import select

from alerts import case_actions, timers
from alerts.delivery_status import CALL_STATUS, SMS_STATUS, apply_status
from alerts.templates import VOICE_LANGUAGES
from alerts.twilio_client import say_twiml, validate_signature
from triage.cases import record_event
from triage.config import Settings
from triage.extensions import db
from triage.jobqueue import JobQueues
from triage.models import Case, Page, PageStatus, Responder, utcnow

log = logging.getLogger(__name__)
bp = Blueprint("twilio_callbacks", __name__, url_prefix="/webhooks/twilio")

def _settings() -> Settings:
    value: Settings = current_app.extensions["najda.settings"]
    return value


def _verify() -> None:
    url = _settings().public_url + request.full_path.rstrip("?")
    if not validate_signature(_settings().twilio_auth_token, url, request.form,
                              request.headers.get("X-Twilio-Signature", "")):
        abort(401, description="missing or invalid Twilio signature")


def _empty() -> Response:
    return Response("<Response/>", mimetype="application/xml")


def _update(sid: str, status: PageStatus | None, error_code: str | None, raw_status: str) -> None:
    page = db.session.execute(select(Page).where(Page.twilio_sid == sid).with_for_update()).scalar_one_or_none()
    page_id = request.args.get("page", type=int)
    if page is None and page_id is not None and sid:
        # The callback can beat the sending job's commit of the sid: find the page by the id in our URL.
        page = db.session.execute(
            select(Page).where(Page.id == page_id, Page.twilio_sid.is_(None)).with_for_update()
        ).scalar_one_or_none()
        if page is not None:
            page.twilio_sid = sid
    if page is None or status is None:
        log.info("status %s for an unknown sid or status ignored", raw_status[:20])
        db.session.commit()
        return
    step = apply_status(page, status, error_code, utcnow())
    db.session.commit()
    if step is not None:
        queues: JobQueues = current_app.extensions["najda.jobs"]
        now = utcnow()
        timers.arm_step(queues, page.case_id, step, now, now, replace=True)


@bp.post("/status")
def message_status() -> Response:
    _verify()
    sid = request.form.get("MessageSid") or request.form.get("SmsSid") or ""
    raw = request.form.get("MessageStatus") or request.form.get("SmsStatus") or ""
    _update(sid, SMS_STATUS.get(raw), request.form.get("ErrorCode") or None, raw)
    return _empty()


@bp.post("/voice/status")
def call_status() -> Response:
    _verify()
    raw = request.form.get("CallStatus", "")
    _update(request.form.get("CallSid", ""), CALL_STATUS.get(raw), request.form.get("ErrorCode") or None, raw)
    return _empty()


@bp.post("/voice/gather")
def voice_gather() -> Response:
    """The key pressed on a voice page: 1 acknowledges, 2 escalates; the answer is spoken in both languages."""
    _verify()
    page_id = request.args.get("page", type=int)
    page = db.session.get(Page, page_id) if page_id is not None else None
    if page is None or page.responder_id is None:
        abort(404, description="no such page")
    digits = (request.form.get("Digits") or "")[:8]
    page.digits = digits
    case = db.session.get(Case, page.case_id)
    responder = db.session.get(Responder, page.responder_id)
    assert case is not None and responder is not None
    record_event(case, "voice_keypress", page_id=page.id, responder_id=responder.id, digits=digits)
    db.session.commit()
    now = utcnow()
    if digits == "1":
        result = case_actions.acknowledge(case, responder, now, "voice")
        words = ("تم الاستلام. شكراً.", "Acknowledged. Thank you.")
    elif digits == "2":
        result = case_actions.escalate(case, responder, now, "voice")
        words = ("تم التصعيد.", "Escalated.")
    else:
        return Response(say_twiml([(VOICE_LANGUAGES["ar"], "لم نفهم."), (VOICE_LANGUAGES["en"], "Not understood.")]),
                        mimetype="application/xml")
    case_actions.apply_timers(current_app.extensions["najda.jobs"], case.id, result, now)
    twiml = say_twiml([(VOICE_LANGUAGES["ar"], words[0]), (VOICE_LANGUAGES["en"], words[1])])
    return Response(twiml, mimetype="application/xml")
