"""JSON and calendar views for signed-in staff: a case's escalation timeline, a team's on-call calendar.

Both sit behind the same need-to-know rules as the pages: the timeline names responders and states, never
message text or phone numbers, yet it still reveals that a sensitive case exists.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from alerts.calendar import team_calendar
from alerts.escalation import escalation_of
from alerts.timeline import case_timeline
from triage import access
from triage.extensions import db
from triage.models import Case, Team, utcnow
from triage.staff import Role
from triage.web.guard import me, signed_in

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/cases/<code>/timeline")
@signed_in
def timeline_json(code: str) -> ResponseReturnValue:
    case = db.session.execute(select(Case).where(Case.code == code.upper())).scalar_one_or_none()
    if case is None:
        abort(404, description="no such case")
    if not access.can_read_case(me(), case.labels, case.team_id):
        abort(403, description="this case belongs to another team")
    escalation = escalation_of(case.id)
    return jsonify(
        case=case.code, status=case.status.value, priority=case.priority,
        assignee=case.assignee.name if case.assignee else None,
        acked_at=case.acked_at.isoformat() if case.acked_at else None,
        escalation=None if escalation is None else {
            "state": escalation.state, "next_step": escalation.next_step,
            "next_due_at": escalation.next_due_at.isoformat() if escalation.next_due_at else None,
            "levels": len(escalation.policy["levels"]), "repeat": escalation.policy["repeat"],
        },
        entries=[entry.to_json() for entry in case_timeline(case.id)],
    )


@bp.get("/teams/<slug>/oncall.ics")
@signed_in
def team_ical(slug: str) -> ResponseReturnValue:
    """The team's on-call for the next weeks as iCalendar, for its members and supervisors."""
    team = db.session.execute(select(Team).where(Team.slug == slug)).scalar_one_or_none()
    if team is None:
        abort(404, description="no such team")
    user = me()
    if user.role not in (Role.SUPERVISOR, Role.ADMIN) and user.team_id != team.id:
        abort(403, description="only the team and supervisors see its schedule")
    days = min(max(request.args.get("days", default=28, type=int) or 28, 1), 366)
    body = team_calendar(team, utcnow(), days)
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="{team.slug}-oncall.ics"'})
