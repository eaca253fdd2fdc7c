"""Schedules and escalation tables: rotations, overrides, policies, maintenance windows, and the per-case
escalation snapshot whose ``next_due_at`` is the durable timer (Redis only carries a copy of it)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from triage.extensions import db
from triage.models import Responder, UTCDateTime, utcnow


class Rotation(db.Model):  # type: ignore[name-defined,misc]
    """Members take turns, handing off daily or weekly at a local time in the team's time zone.

    ``layer`` 1 is the primary on-call, 2 the secondary, and so on; ``anchor_date`` is the local date whose
    handoff starts member 0's first turn.
    """

    __tablename__ = "rotation"
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    layer: Mapped[int] = mapped_column(default=1)
    kind: Mapped[str] = mapped_column(String(10), default="weekly")  # daily | weekly
    handoff_time: Mapped[str] = mapped_column(String(5), default="08:00")  # HH:MM, team's local time
    anchor_date: Mapped[date] = mapped_column(Date)
    member_ids: Mapped[list[int]] = mapped_column(JSON, default=list)


class Override(db.Model):  # type: ignore[name-defined,misc]
    """``responder`` covers a rotation (or, with no rotation, the team's primary layer) for a period."""

    __tablename__ = "on_call_override"
    __table_args__ = (Index("ix_on_call_override_team_ends", "team_id", "ends_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"))
    rotation_id: Mapped[int | None] = mapped_column(ForeignKey("rotation.id"))
    responder_id: Mapped[int] = mapped_column(ForeignKey("responder.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    responder: Mapped[Responder] = relationship()


class EscalationPolicy(db.Model):  # type: ignore[name-defined,misc]
    """Ordered levels, each ``{"targets": [{"layer": 1} | {"responder": id}], "delay_seconds": 180,
    "voice": false}``: page the targets, wait the delay, go to the next level; run the list ``1 + repeat``
    times. Copied onto a case when it opens, so later edits never change a running escalation."""

    __tablename__ = "escalation_policy"
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), unique=True)
    levels: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    repeat: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class MaintenanceWindow(db.Model):  # type: ignore[name-defined,misc]
    """While a window is open the team is not paged; opening one cancels the team's running escalations."""

    __tablename__ = "maintenance_window"
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CaseEscalation(db.Model):  # type: ignore[name-defined,misc]
    """One running escalation per case: the policy snapshot and the next step's due time (the timer)."""

    __tablename__ = "case_escalation"
    __table_args__ = (Index("ix_case_escalation_state_due", "state", "next_due_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), unique=True)
    policy: Mapped[dict[str, Any]] = mapped_column(JSON)  # {"levels": [...], "repeat": n, "policy_id": id}
    next_step: Mapped[int] = mapped_column(default=0)
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    state: Mapped[str] = mapped_column(String(16), default="active")  # active|acknowledged|resolved|...
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class HandledReply(db.Model):  # type: ignore[name-defined,misc]
    """A responder's SMS reply that was acted on, by Twilio's MessageSid: Twilio re-delivers a webhook it got no
    answer to, and a re-delivered "3" must not escalate twice. The answer is kept to be sent again."""

    __tablename__ = "handled_reply"
    id: Mapped[int] = mapped_column(primary_key=True)
    message_sid: Mapped[str] = mapped_column(String(64), unique=True)
    responder_id: Mapped[int] = mapped_column(ForeignKey("responder.id"), index=True)
    answer: Mapped[str] = mapped_column(Text, default="")
    handled_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
