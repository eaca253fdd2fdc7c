"""Who covers a team at an instant. The foundation's on-call is a list of shifts; rotations come later."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from triage.extensions import db
from triage.models import OnCallShift, Responder


def on_call(team_id: int, at: datetime) -> list[Responder]:
    """Active responders whose shift covers ``at``, earliest-starting shift first (the primary)."""
    stmt = (
        select(Responder)
        .join(OnCallShift, OnCallShift.responder_id == Responder.id)
        .where(
            OnCallShift.team_id == team_id,
            OnCallShift.starts_at <= at,
            OnCallShift.ends_at > at,
            Responder.active.is_(True),
        )
        .order_by(OnCallShift.starts_at, OnCallShift.id)
    )
    return list(db.session.execute(stmt).scalars())
