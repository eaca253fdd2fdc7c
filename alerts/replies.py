"""A responder's SMS reply → an action on a case → the confirmation SMS text.

Entry point for the inbound SMS webhook: ``handle_reply_once(responder_id, message_sid, body) -> str`` (empty:
send no reply), which acts on each Twilio message once however often Twilio delivers it.
Which case: the one named by a code in the reply, else the responder's only open paged case; with several open,
the reply asks for a code. Logs carry ids and the parsed action, never the reply text.
"""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import select

from alerts import case_actions
from alerts.models import HandledReply
from alerts.reply_grammar import Action, parse
from alerts.templates import render_reply
from triage.extensions import db
from triage.jobqueue import JobQueues
from triage.models import Case, CaseStatus, Page, Responder, utcnow

log = logging.getLogger(__name__)
OPEN_STATES = (CaseStatus.OPEN, CaseStatus.ACKNOWLEDGED)


def open_cases_for(responder: Responder) -> list[Case]:
    """Open or acknowledged cases this responder was paged about (or holds), newest first."""
    paged = select(Page.case_id).where(Page.responder_id == responder.id)
    return list(db.session.execute(
        select(Case).where(Case.status.in_(OPEN_STATES),
                           (Case.id.in_(paged)) | (Case.assignee_id == responder.id))
        .order_by(Case.opened_at.desc(), Case.id.desc())
    ).scalars())


def handle_reply_once(responder_id: int, message_sid: str, body: str) -> str:
    """``handle_reply`` unless this message was handled before; then the answer it got, and nothing done again.

    The MessageSid is claimed (unique row, flushed) before the action runs, in the caller's transaction: a
    concurrent re-delivery waits on that row and fails on it before it acts (the webhook then answers it with
    the stored answer)."""
    answered = db.session.execute(
        select(HandledReply.answer).where(HandledReply.message_sid == message_sid)
    ).scalar_one_or_none()
    if answered is not None:
        log.info("reply %s from responder %s re-delivered: not acted on again", message_sid, responder_id)
        return str(answered)
    claim = HandledReply(message_sid=message_sid, responder_id=responder_id)
    db.session.add(claim)
    db.session.flush()
    claim.answer = handle_reply(responder_id, body)
    return claim.answer


def handle_reply(responder_id: int, body: str) -> str:
    responder = db.session.get(Responder, responder_id)
    if responder is None:
        log.info("reply from an unknown responder id %s ignored", responder_id)
        return ""
    lang = responder.language
    command = parse(body)
    if command is None:
        log.info("reply from responder %s not understood", responder_id)
        return render_reply("help", lang)
    candidates = open_cases_for(responder)
    if command.code is not None:
        case = db.session.execute(
            select(Case).where(Case.code == command.code, Case.status.in_(OPEN_STATES),
                               (Case.team_id == responder.team_id) | Case.id.in_([c.id for c in candidates]))
        ).scalar_one_or_none()
        if case is None:
            return render_reply("no_case", lang, code=command.code)
    else:
        if not candidates:
            return render_reply("no_open_cases", lang)
        # "1" with one case still waiting for someone means that one; otherwise the reply must be unambiguous.
        waiting = [c for c in candidates if c.status == CaseStatus.OPEN] if command.action == Action.ACK else []
        pool = waiting if len(waiting) == 1 else candidates
        if len(pool) > 1:
            codes = [c.code for c in pool]
            return render_reply("which_case", lang, codes=" ".join(codes), example=codes[0])
        case = pool[0]
    now = utcnow()
    action = {Action.ACK: case_actions.acknowledge, Action.RESOLVE: case_actions.resolve,
              Action.ESCALATE: case_actions.escalate}[command.action]
    result = action(case, responder, now, "sms")
    queues: JobQueues = current_app.extensions["najda.jobs"]
    case_actions.apply_timers(queues, case.id, result, now)
    log.info("reply from responder %s: %s case %s → %s", responder_id, command.action.value, case.code, result.key)
    return render_reply(result.key, lang, code=case.code, holder=result.holder)
