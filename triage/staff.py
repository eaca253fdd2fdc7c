"""People who sign in, and what they leave behind on a case: views, notes, label reviews, SLA targets.

A ``User`` is a member of staff who signs in to the web interface; a ``Responder`` is a phone that gets paged.
One person may be both (``User.responder_id``), so that acknowledging in the browser makes them the holder.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from triage.extensions import db
from triage.models import Responder, Team, UTCDateTime, _enum, utcnow

# argon2id with the library's RFC 9106 "low memory" defaults: ~50 ms a check, memory-hard.
_hasher = PasswordHasher()
# A hash checked when the e-mail is unknown, so a wrong e-mail takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("najda-timing-equaliser")


class Role(enum.StrEnum):
    RESPONDER = "responder"
    DV_CASEWORKER = "dv_caseworker"
    CP_CASEWORKER = "cp_caseworker"
    SUPERVISOR = "supervisor"
    ANALYST = "analyst"  # aggregates only, never message text
    ADMIN = "admin"  # manages users; reads case text only after recording a reason


class User(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "staff_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(_enum(Role, "staff_role"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    responder_id: Mapped[int | None] = mapped_column(ForeignKey("responder.id"))
    language: Mapped[str] = mapped_column(String(2), default="ar")
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped by "sign out everywhere": every session carrying an older number stops working.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    team: Mapped[Team | None] = relationship()
    responder: Mapped[Responder | None] = relationship()

    # Flask-Login protocol.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def set_password(self, password: str) -> None:
        if len(password) < 10:
            raise ValueError("a password needs at least 10 characters")
        self.password_hash = _hasher.hash(password)

    def check_password(self, password: str) -> bool:
        try:
            ok = _hasher.verify(self.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
        if ok and _hasher.check_needs_rehash(self.password_hash):
            self.password_hash = _hasher.hash(password)
        return ok


def burn_password_check(password: str) -> None:
    """Spend the time of a real check when no user matched (no e-mail enumeration by timing)."""
    try:
        _hasher.verify(_DUMMY_HASH, password)
    except VerificationError:
        pass


class CaseView(db.Model):  # type: ignore[name-defined,misc]
    """Every opening of a sensitive case by a person: who, when, and (for an admin) why."""

    __tablename__ = "case_view"
    __table_args__ = (Index("ix_case_view_case_at", "case_id", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reason: Mapped[str | None] = mapped_column(String(500))
    user: Mapped[User] = relationship()


class CaseNote(db.Model):  # type: ignore[name-defined,misc]
    """Staff notes may name people: kept out of CaseEvent.detail, shown only where the case text is."""

    __tablename__ = "case_note"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    user: Mapped[User] = relationship()


class LabelReview(db.Model):  # type: ignore[name-defined,misc]
    """A human's correction of the classifier: reviewed training data for the next model."""

    __tablename__ = "label_review"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    # The messages the correction covers (the case's messages at the time), for building a training set.
    message_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    labels_before: Mapped[list[str]] = mapped_column(JSON)
    labels_after: Mapped[list[str]] = mapped_column(JSON)
    urgency_before: Mapped[str] = mapped_column(String(8))
    urgency_after: Mapped[str] = mapped_column(String(8))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class TeamTarget(db.Model):  # type: ignore[name-defined,misc]
    """A team's service targets per priority (seconds); defaults in ``triage.sla`` apply where none is set."""

    __tablename__ = "team_target"
    __table_args__ = (UniqueConstraint("team_id", "priority"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"))
    priority: Mapped[str] = mapped_column(String(8))
    page_seconds: Mapped[int | None] = mapped_column()
    ack_seconds: Mapped[int | None] = mapped_column()


def user_summary(user: User) -> dict[str, Any]:
    return {"id": user.id, "email": user.email, "role": user.role.value, "team_id": user.team_id}
