"""Open and update cases. Decisions are pure functions; ``record_event`` is the one writer of CaseEvents."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from classifiers import ClassificationResult
from triage.extensions import db
from triage.models import Case, CaseEvent, CaseStatus, Message, Team, utcnow

PRIORITY_ORDER = {"P1": 0, "P2": 1, "P3": 2, "none": 3}
# Unambiguous on a phone screen and when read aloud: no 0/O, 1/I/L, 5/S, 8/B.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY234679"
# When several teams own a case's labels, the most dangerous label decides who is paged.
LABEL_ORDER = ("self_harm", "imminent_danger", "child_protection", "domestic_violence", "disaster")


def higher_priority(a: str, b: str) -> str:
    return a if PRIORITY_ORDER.get(a, 3) <= PRIORITY_ORDER.get(b, 3) else b


def is_urgent(priority: str) -> bool:
    return priority in ("P1", "P2")


def needs_case(result: ClassificationResult) -> bool:
    return bool(result.labels) or result.urgency != "none"


def should_page(before: str | None, after: str) -> bool:
    """Page when a case becomes urgent, or more urgent than it was when last paged."""
    if not is_urgent(after):
        return False
    return before is None or PRIORITY_ORDER[after] < PRIORITY_ORDER.get(before, 3)


def choose_team(labels: Sequence[str], teams: Iterable[Team]) -> Team | None:
    teams = list(teams)
    for label in sorted(labels, key=lambda x: LABEL_ORDER.index(x) if x in LABEL_ORDER else 99):
        for team in teams:
            if label in (team.labels or []):
                return team
    return next((t for t in teams if "*" in (t.labels or [])), None)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(4))


def record_event(case: Case, kind: str, actor: str = "system", **detail: Any) -> CaseEvent:
    """Append to the case's audit trail. ``detail`` must never hold message text or phone numbers."""
    event = CaseEvent(case_id=case.id, kind=kind, actor=actor, detail=detail)
    db.session.add(event)
    return event


def find_joinable_case(contact_id: int | None, now: datetime, window: timedelta) -> Case | None:
    if contact_id is None:
        return None
    stmt = (
        select(Case)
        .where(
            Case.contact_id == contact_id,
            Case.status != CaseStatus.RESOLVED,
            Case.last_message_at >= now - window,
        )
        .order_by(Case.last_message_at.desc())
        .limit(1)
    )
    return db.session.execute(stmt).scalar_one_or_none()


@dataclass(frozen=True)
class CaseUpdate:
    case: Case | None
    opened: bool
    page: bool


def apply_classification(message: Message, result: ClassificationResult, window: timedelta) -> CaseUpdate:
    """Open a case for a message that needs one, or join the contact's open case from the last ``window``."""
    now = utcnow()
    case = find_joinable_case(message.contact_id, now, window)
    if case is None and not needs_case(result):
        return CaseUpdate(None, False, False)
    if case is None:
        case = _open_case(message, result, now)
        message.case_id = case.id
        return CaseUpdate(case, True, is_urgent(case.priority))
    before = case.priority
    case.priority = higher_priority(case.priority, result.urgency)
    case.labels = sorted(set(case.labels) | set(result.labels))
    case.last_message_at = now
    if case.team_id is None:
        team = choose_team(case.labels, db.session.execute(select(Team)).scalars())
        case.team_id = team.id if team else None
    message.case_id = case.id
    record_event(case, "message_added", message_id=message.id, urgency=result.urgency, labels=list(result.labels))
    if before != case.priority:
        record_event(case, "priority_raised", before=before, after=case.priority)
    return CaseUpdate(case, False, should_page(before, case.priority))


def _open_case(message: Message, result: ClassificationResult, now: datetime) -> Case:
    team = choose_team(result.labels, db.session.execute(select(Team)).scalars())
    priority = result.urgency if result.urgency != "none" else "P3"
    case = Case(
        code=_unique_code(),
        priority=priority,
        labels=list(result.labels),
        team_id=team.id if team else None,
        contact_id=message.contact_id,
        channel=message.channel,
        opened_at=now,
        last_message_at=now,
    )
    db.session.add(case)
    db.session.flush()
    record_event(
        case, "opened", message_id=message.id, priority=priority, labels=list(result.labels),
        team=team.slug if team else None,
    )
    return case


def _unique_code() -> str:
    for _ in range(20):
        code = new_code()
        if db.session.execute(select(Case.id).where(Case.code == code)).first() is None:
            return code
    raise RuntimeError("could not find a free case code")  # 26^4 = 456,976 codes: grow the length first
