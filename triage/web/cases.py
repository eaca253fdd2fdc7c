"""The case page and its actions. Every action is a CaseEvent, then a live update after commit."""

from __future__ import annotations

import time
from typing import Any

from flask import Blueprint, abort, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from triage import access
from triage.cases import choose_team, record_event
from triage.extensions import db
from triage.jobqueue import PAGES, jobs
from triage.live import publish_case_change
from triage.models import Case, CaseStatus, Classification, Message, Responder, Team, utcnow
from triage.staff import CaseNote, CaseView, LabelReview, User
from triage.web.forms import ActionForm, LabelsForm, NoteForm, ReasonForm, ReassignForm, ResolveForm
from triage.web.guard import me, signed_in
from triage.web.highlight import highlight
from triage.web.queries import case_notes, case_timeline_entries

bp = Blueprint("cases", __name__, url_prefix="/cases")
GRANT_SECONDS = 30 * 60  # how long an admin's recorded reason opens a case


def _case(code: str) -> Case:
    case = db.session.execute(select(Case).where(Case.code == code.upper()[:8])).scalar_one_or_none()
    if case is None:
        abort(404)
    return case


def _has_grant(case: Case) -> bool:
    grants: dict[str, float] = session.get("reason_grants", {})
    return grants.get(case.code, 0.0) > time.time()


def _readable(case: Case) -> bool:
    user = me()
    if access.can_read_case(user, case.labels, case.team_id):
        return True
    return access.needs_reason(user) and _has_grant(case)


def _record_view(case: Case, reason: str | None = None) -> None:
    if case.is_sensitive or access.is_restricted(case.labels) or reason:
        db.session.add(CaseView(case_id=case.id, user_id=me().id, at=utcnow(), reason=reason))
        db.session.commit()


@bp.get("/<code>")
@signed_in
def case_page(code: str) -> ResponseReturnValue:
    case = _case(code)
    user = me()
    if not _readable(case):
        if access.needs_reason(user):
            return render_template("reason.html", case=case, form=ReasonForm())
        abort(403)
    _record_view(case)
    messages = db.session.execute(
        select(Message).where(Message.case_id == case.id).order_by(Message.received_at, Message.id)
    ).scalars().all()
    classes = _classifications([m.id for m in messages])
    conversation = []
    for m in messages:
        cls = classes.get(m.id)
        conversation.append((m, highlight(m.text, cls.evidence if cls is not None else []), cls))
    reassign = ReassignForm()
    reassign.responder_id.choices = _responder_choices(case)
    labels_form = LabelsForm(labels=list(case.labels), urgency=case.priority)
    return render_template(
        "case.html", case=case, conversation=conversation, timeline=case_timeline_entries(case),
        notes=case_notes(case), can_act=access.can_act(user, case.labels, case.team_id),
        action_form=ActionForm(), note_form=NoteForm(), resolve_form=ResolveForm(), reassign_form=reassign,
        labels_form=labels_form,
    )


@bp.get("/<code>/timeline")
@signed_in
def timeline(code: str) -> ResponseReturnValue:
    """The timeline alone, for live refresh (events carry no message text)."""
    case = _case(code)
    if not _readable(case):
        abort(403)
    return render_template("_timeline.html", case=case, timeline=case_timeline_entries(case))


@bp.post("/<code>/reason")
@signed_in
def record_reason(code: str) -> ResponseReturnValue:
    """An admin states why they must read this case; the reason is kept with the view and in the case trail."""
    case = _case(code)
    user = me()
    if not access.needs_reason(user):
        abort(403)
    form = ReasonForm()
    if not form.validate_on_submit():
        return render_template("reason.html", case=case, form=form), 400
    grants: dict[str, float] = dict(session.get("reason_grants", {}))
    grants[case.code] = time.time() + GRANT_SECONDS
    session["reason_grants"] = grants
    record_event(case, "admin_access", actor=user.email, user_id=user.id)
    _record_view(case, reason=form.reason.data)
    return redirect(url_for("cases.case_page", code=case.code))


def _acting_case(code: str, form: Any) -> tuple[Case, User]:
    case = _case(code)
    user = me()
    if not access.can_act(user, case.labels, case.team_id):
        abort(403)
    if not form.validate_on_submit():
        abort(400)
    return case, user


def _done(case: Case) -> ResponseReturnValue:
    db.session.commit()
    publish_case_change(case.id)
    return redirect(url_for("cases.case_page", code=case.code))


@bp.post("/<code>/ack")
@signed_in
def acknowledge(code: str) -> ResponseReturnValue:
    """Claim: acknowledge the case (stops escalation) and become its holder when linked to a responder."""
    case, user = _acting_case(code, ActionForm())
    if case.status == CaseStatus.RESOLVED:
        abort(409)
    if case.status == CaseStatus.OPEN:
        case.status = CaseStatus.ACKNOWLEDGED
        case.acked_at = utcnow()
    if user.responder_id is not None:
        case.assignee_id = user.responder_id
    record_event(case, "acknowledged", actor=user.email, via="web", user_id=user.id)
    return _done(case)


@bp.post("/<code>/escalate")
@signed_in
def escalate(code: str) -> ResponseReturnValue:
    case, user = _acting_case(code, ActionForm())
    record_event(case, "escalated", actor=user.email, manual=True, user_id=user.id)
    db.session.commit()
    jobs().enqueue(PAGES, "workers.jobs.page_on_call", case.id, job_id=f"page-{case.id}-manual-{int(time.time())}")
    publish_case_change(case.id)
    return redirect(url_for("cases.case_page", code=case.code))


@bp.post("/<code>/reassign")
@signed_in
def reassign(code: str) -> ResponseReturnValue:
    form = ReassignForm()
    form.responder_id.choices = _responder_choices(_case(code))
    case, user = _acting_case(code, form)
    before = case.assignee_id
    case.assignee_id = form.responder_id.data
    record_event(case, "reassigned", actor=user.email, before=before, after=case.assignee_id, user_id=user.id)
    return _done(case)


@bp.post("/<code>/resolve")
@signed_in
def resolve(code: str) -> ResponseReturnValue:
    form = ResolveForm()
    case, user = _acting_case(code, form)
    case.status = CaseStatus.RESOLVED
    case.resolved_at = utcnow()
    if case.acked_at is None:
        case.acked_at = case.resolved_at
    record_event(case, "resolved", actor=user.email, outcome=form.outcome.data, user_id=user.id)
    return _done(case)


@bp.post("/<code>/note")
@signed_in
def add_note(code: str) -> ResponseReturnValue:
    form = NoteForm()
    case, user = _acting_case(code, form)
    note = CaseNote(case_id=case.id, user_id=user.id, text=(form.text.data or "").strip(), at=utcnow())
    db.session.add(note)
    db.session.flush()
    record_event(case, "note_added", actor=user.email, note_id=note.id, user_id=user.id)  # the text stays in CaseNote
    return _done(case)


@bp.post("/<code>/labels")
@signed_in
def correct_labels(code: str) -> ResponseReturnValue:
    """A human correction: applied to the case and kept as reviewed training data (LabelReview)."""
    form = LabelsForm()
    case, user = _acting_case(code, form)
    labels = sorted(set(form.labels.data or []))
    urgency = form.urgency.data or case.priority
    message_ids = list(db.session.execute(select(Message.id).where(Message.case_id == case.id)).scalars())
    db.session.add(LabelReview(
        case_id=case.id, message_ids=message_ids, user_id=user.id, labels_before=list(case.labels),
        labels_after=labels, urgency_before=case.priority, urgency_after=urgency, at=utcnow(),
    ))
    record_event(case, "labels_corrected", actor=user.email, labels_before=list(case.labels), labels_after=labels,
                 urgency_before=case.priority, urgency_after=urgency, user_id=user.id)
    case.labels = labels
    case.priority = urgency
    team = choose_team(labels, db.session.execute(select(Team)).scalars())
    if team is not None and team.id != case.team_id:
        record_event(case, "team_changed", actor=user.email, before=case.team_id, after=team.id)
        case.team_id = team.id
    return _done(case)


def _responder_choices(case: Case) -> list[tuple[int, str]]:
    stmt = select(Responder).where(Responder.active.is_(True)).order_by(Responder.name)
    if case.team_id is not None:
        stmt = stmt.where(Responder.team_id == case.team_id)
    return [(r.id, r.name) for r in db.session.execute(stmt).scalars()]


def _classifications(message_ids: list[int]) -> dict[int, Classification]:
    if not message_ids:
        return {}
    rows = db.session.execute(
        select(Classification).where(Classification.message_id.in_(message_ids)).order_by(Classification.id)
    ).scalars()
    return {c.message_id: c for c in rows}  # the latest classification of each message wins
