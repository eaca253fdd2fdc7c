"""Human names for codes shown on the pages (labels, statuses, events, outcomes) and the SLA cell."""

from __future__ import annotations

from flask import Flask
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from triage.sla import Clock

LABELS = {
    "self_harm": _l("self-harm"),
    "domestic_violence": _l("domestic violence"),
    "child_protection": _l("child protection"),
    "imminent_danger": _l("imminent danger"),
    "disaster": _l("disaster"),
}
STATUSES = {"open": _l("open"), "acknowledged": _l("acknowledged"), "resolved": _l("resolved")}
EVENTS = {
    "opened": _l("Opened"),
    "message_added": _l("Message added"),
    "priority_raised": _l("Urgency raised"),
    "paged": _l("Paged"),
    "page_failed": _l("Paging failed"),
    "page": _l("SMS page"),
    "acknowledged": _l("Acknowledged"),
    "escalated": _l("Escalated"),
    "reassigned": _l("Handed over"),
    "resolved": _l("Resolved"),
    "note_added": _l("Note added"),
    "labels_corrected": _l("Classifier corrected"),
    "team_changed": _l("Team changed"),
    "admin_access": _l("Opened by an administrator (reason recorded)"),
}
OUTCOMES = {
    "safe_contacted": _l("Contacted, safe"),
    "referred": _l("Referred to a service"),
    "emergency_services": _l("Emergency services sent"),
    "no_action_needed": _l("No action needed"),
    "duplicate": _l("Duplicate"),
    "false_alarm": _l("False alarm"),
}


def _name(table: dict[str, object], key: str) -> str:
    return str(table.get(key, key))


def sla_cell(c: Clock) -> Markup:
    if c.state == "none":
        return Markup("<span class='sla sla-none'>—</span>")
    if c.state in ("met", "breached") and c.took_seconds is not None:
        took = f"{c.took_seconds // 60}:{c.took_seconds % 60:02d}"
        word = gettext("on time") if c.state == "met" else gettext("late")
        return Markup("<span class='sla sla-{}'>{} {}</span>").format(c.state, escape(word), took)
    deadline = c.deadline.isoformat() if c.deadline else ""
    word = gettext("overdue") if c.state == "breached" else gettext("due in")
    return Markup("<span class='sla sla-{}' data-deadline='{}'>{} <span class='countdown'></span></span>").format(
        c.state, deadline, escape(word))


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        label_name=lambda k: _name(LABELS, k),
        status_name=lambda k: _name(STATUSES, k),
        event_name=lambda k: _name(EVENTS, k),
        outcome_name=lambda k: _name(OUTCOMES, k),
        sla=sla_cell,
    )
