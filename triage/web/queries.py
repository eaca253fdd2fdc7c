"""Read models for the pages: the queue rows and the case timeline, built with a handful of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from triage.access import can_list_case
from triage.cases import PRIORITY_ORDER
from triage.extensions import db
from triage.models import Case, CaseEvent, CaseStatus, Page, Responder, Team, utcnow
from triage.sla import Clock, clock, targets
from triage.staff import CaseNote, TeamTarget, User

CHANNELS = ("generic", "messenger", "instagram", "whatsapp", "x", "telegram", "sms")
STATUSES = ("open", "acknowledged")


@dataclass(frozen=True)
class QueueFilters:
    team: str = ""
    label: str = ""
    channel: str = ""
    status: str = ""

    @classmethod
    def from_args(cls, args: Any) -> QueueFilters:
        return cls(*(str(args.get(name, ""))[:40] for name in ("team", "label", "channel", "status")))

    def as_query(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v}


@dataclass(frozen=True)
class QueueRow:
    id: int
    code: str
    priority: str
    labels: list[str]
    channel: str
    status: str
    team: str
    holder: str
    opened_at: datetime
    page_clock: Clock
    ack_clock: Clock


def queue_rows(user: User, filters: QueueFilters) -> list[QueueRow]:
    """Open and acknowledged cases the user may list: P1 first, then the longest waiting."""
    first_page = (
        select(Page.case_id, func.min(Page.created_at).label("paged_at"))
        .where(Page.twilio_sid.is_not(None))
        .group_by(Page.case_id)
        .subquery()
    )
    stmt = (
        select(Case, Team.slug, Team.name, Responder.name, first_page.c.paged_at)
        .outerjoin(Team, Team.id == Case.team_id)
        .outerjoin(Responder, Responder.id == Case.assignee_id)
        .outerjoin(first_page, first_page.c.case_id == Case.id)
        .where(Case.status != CaseStatus.RESOLVED)
    )
    if filters.status in STATUSES:
        stmt = stmt.where(Case.status == filters.status)
    if filters.channel:
        stmt = stmt.where(Case.channel == filters.channel)
    if filters.team:
        stmt = stmt.where(Team.slug == filters.team)
    overrides = _team_targets()
    now = utcnow()
    rows: list[QueueRow] = []
    for case, _slug, team_name, holder, paged_at in db.session.execute(stmt):
        labels = list(case.labels or [])
        if filters.label and filters.label not in labels:
            continue
        if not can_list_case(user, labels, case.team_id):
            continue
        page_target, ack_target = targets(case.priority, overrides.get(case.team_id))
        rows.append(QueueRow(
            id=case.id, code=case.code, priority=case.priority, labels=labels, channel=case.channel,
            status=case.status.value, team=team_name or "", holder=holder or "", opened_at=case.opened_at,
            page_clock=clock(case.opened_at, paged_at, page_target, now),
            ack_clock=clock(case.opened_at, case.acked_at, ack_target, now),
        ))
    rows.sort(key=lambda r: (PRIORITY_ORDER.get(r.priority, 3), r.opened_at))
    return rows


def _team_targets() -> dict[int, dict[str, tuple[int | None, int | None]]]:
    out: dict[int, dict[str, tuple[int | None, int | None]]] = {}
    for t in db.session.execute(select(TeamTarget)).scalars():
        out.setdefault(t.team_id, {})[t.priority] = (t.page_seconds, t.ack_seconds)
    return out


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str
    actor: str
    detail: dict[str, Any]


def case_timeline_entries(case: Case) -> list[TimelineEntry]:
    """CaseEvents and Pages, oldest first. (To be replaced by alerts.timeline.case_timeline after merging.)"""
    responders = _names(Responder)
    teams = _names(Team)
    entries = []
    for e in db.session.execute(select(CaseEvent).where(CaseEvent.case_id == case.id)).scalars():
        detail = dict(e.detail or {})
        # Ids are what the trail keeps; people read names.
        lookup = responders if e.kind == "reassigned" else teams if e.kind == "team_changed" else None
        if lookup is not None:
            for key in ("before", "after"):
                if isinstance(detail.get(key), int):
                    detail[key] = lookup.get(detail[key], detail[key])
        entries.append(TimelineEntry(e.at, e.kind, e.actor, detail))
    pages = db.session.execute(
        select(Page, Responder.name).outerjoin(Responder, Responder.id == Page.responder_id)
        .where(Page.case_id == case.id)
    )
    for page, name in pages:
        entries.append(TimelineEntry(
            page.updated_at or page.created_at, "page", "system",
            # The responder's name, never the phone number.
            {"to": name or "—", "status": page.status.value, "error": page.error_code or ""},
        ))
    entries.sort(key=lambda e: e.at)
    return entries


def _names(model: Any) -> dict[int, str]:
    return {row.id: row.name for row in db.session.execute(select(model.id, model.name))}


def case_notes(case: Case) -> list[CaseNote]:
    stmt = select(CaseNote).where(CaseNote.case_id == case.id).order_by(CaseNote.at)
    return list(db.session.execute(stmt).scalars())


def channel_names() -> list[str]:
    """Known channels plus any a newer adapter has written, so the filter never hides a case."""
    seen = set(db.session.execute(select(Case.channel).distinct()).scalars())
    return sorted(set(CHANNELS) | seen)


def team_slugs() -> list[tuple[str, str]]:
    return [(t.slug, t.name) for t in db.session.execute(select(Team).order_by(Team.name)).scalars()]


def compute_stats() -> dict[str, Any]:
    """Aggregates for analysts: counts and times, never text, codes or people."""
    def counts(column: Any) -> dict[str, int]:
        rows = db.session.execute(select(column, func.count()).group_by(column)).all()
        return {str(getattr(key, "value", key)): int(n) for key, n in rows}

    by_label: dict[str, int] = {}
    for labels in db.session.execute(select(Case.labels)).scalars():
        for label in labels or []:
            by_label[label] = by_label.get(label, 0) + 1
    acked = db.session.execute(
        select(Case.opened_at, Case.acked_at).where(Case.acked_at.is_not(None))
    ).all()
    waits = sorted((a - o).total_seconds() for o, a in acked)
    median = waits[len(waits) // 2] if waits else None
    return {
        "by_status": counts(Case.status), "by_priority": counts(Case.priority),
        "by_channel": counts(Case.channel), "by_label": by_label,
        "median_ack_seconds": median, "acked": len(waits),
    }
