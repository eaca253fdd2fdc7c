"""The data model: typed SQLAlchemy 2 mappings, no I/O beyond the ORM.

Message text lives only in ``Message.text`` (and ``raw``); nothing else copies it, so that access to a victim's
words can be audited in one place.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

import phonenumbers
from sqlalchemy import JSON, DateTime, Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from sqlalchemy.types import TypeDecorator

from triage.extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on SQLite too (which drops tzinfo on the way back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; Najda stores UTC-aware datetimes only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class MessageStatus(enum.StrEnum):
    RECEIVED = "received"  # stored, not yet classified
    CLASSIFIED = "classified"
    UNPARSED = "unparsed"  # verified but of an unknown shape: kept raw for operators
    IGNORED = "ignored"  # statuses, echoes and the like


class CaseStatus(enum.StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class PageStatus(enum.StrEnum):
    PENDING = "pending"  # row written, not yet handed to Twilio
    QUEUED = "queued"
    SENT = "sent"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    FAILED = "failed"
    BUNDLED = "bundled"  # carried by another page's SMS (noise control): see Page.bundled_into_id
    CANCELLED = "cancelled"  # the case was acknowledged/resolved before this page went out


def _enum(e: type[enum.Enum], name: str) -> Enum:
    return Enum(e, name=name, native_enum=False, length=20, values_callable=lambda x: [m.value for m in x])


class Team(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "team"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # Labels this team owns, e.g. ["domestic_violence"]; "*" catches anything no other team owns.
    labels: Mapped[list[str]] = mapped_column(JSON, default=list)
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Riyadh")


class Responder(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "responder"
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"))
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(20), unique=True)
    language: Mapped[str] = mapped_column(String(2), default="ar")
    active: Mapped[bool] = mapped_column(default=True)  # working state: inactive responders are never paged
    opted_out: Mapped[bool] = mapped_column(default=False)  # replied STOP: Twilio refuses until START
    team: Mapped[Team] = relationship()

    @validates("phone")
    def _validate_phone(self, _key: str, value: str) -> str:
        return normalise_phone(value)


def normalise_phone(value: str) -> str:
    """Return the E.164 form of ``value`` or raise ValueError (numbers must carry their country code)."""
    try:
        parsed = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"not an E.164 phone number: {exc}") from None
    if not phonenumbers.is_valid_number(parsed):
        raise ValueError("not a valid phone number")
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))


class Contact(db.Model):  # type: ignore[name-defined,misc]
    """A sender on one channel (a Messenger PSID, a WhatsApp number, a Telegram user...)."""

    __tablename__ = "contact"
    __table_args__ = (UniqueConstraint("channel", "platform_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    platform_id: Mapped[str] = mapped_column(String(128))
    display_name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Message(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "message"
    __table_args__ = (
        UniqueConstraint("channel", "platform_message_id"),
        Index("ix_message_status_received_at", "status", "received_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    platform_message_id: Mapped[str] = mapped_column(String(191))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"), index=True)
    text: Mapped[str] = mapped_column(Text, default="")
    lang_hint: Mapped[str | None] = mapped_column(String(8))
    thread_id: Mapped[str | None] = mapped_column(String(191))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # When the platform says the stored text was last edited: an older edit re-delivered late must not win.
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[MessageStatus] = mapped_column(_enum(MessageStatus, "message_status"), default="received")
    raw: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    contact: Mapped[Contact | None] = relationship()


class Classification(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "classification"
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id"), index=True)
    labels: Mapped[list[str]] = mapped_column(JSON)
    scores: Mapped[dict[str, float]] = mapped_column(JSON)
    urgency: Mapped[str] = mapped_column(String(8))
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    lang: Mapped[str] = mapped_column(String(8))
    model_version: Mapped[str] = mapped_column(String(64))
    degraded: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Case(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "case"
    __table_args__ = (Index("ix_case_status_priority", "status", "priority"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    status: Mapped[CaseStatus] = mapped_column(_enum(CaseStatus, "case_status"), default="open")
    priority: Mapped[str] = mapped_column(String(8))  # P1 | P2 | P3 | none
    labels: Mapped[list[str]] = mapped_column(JSON, default=list)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("responder.id"))
    channel: Mapped[str] = mapped_column(String(32))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_message_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    acked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    team: Mapped[Team | None] = relationship()
    assignee: Mapped[Responder | None] = relationship()

    @property
    def is_sensitive(self) -> bool:
        return bool(set(self.labels) & {"domestic_violence", "child_protection", "self_harm"})


class CaseEvent(db.Model):  # type: ignore[name-defined,misc]
    """Append-only audit trail: who did what, when, including failures. Never updated or deleted."""

    __tablename__ = "case_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    kind: Mapped[str] = mapped_column(String(40))  # opened, message_added, paged, page_failed, ...
    actor: Mapped[str] = mapped_column(String(120), default="system")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Page(db.Model):  # type: ignore[name-defined,misc]
    """One SMS (or voice call) to one responder about one case at one escalation step.

    ``dedupe_key`` makes a re-run job send nothing twice; ``send_after`` is the durable timer of a page held
    back by noise control or of a voice fallback.
    """

    __tablename__ = "page"
    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    responder_id: Mapped[int | None] = mapped_column(ForeignKey("responder.id"))
    to_phone: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(String(400))
    twilio_sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    status: Mapped[PageStatus] = mapped_column(_enum(PageStatus, "page_status"), default="pending")
    error_code: Mapped[str | None] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(default=0)
    step: Mapped[int | None] = mapped_column()
    channel: Mapped[str] = mapped_column(String(8), default="sms")  # sms | voice
    send_after: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # when Twilio accepted it
    bundled_into_id: Mapped[int | None] = mapped_column(ForeignKey("page.id"))
    digits: Mapped[str | None] = mapped_column(String(8))  # key pressed on a voice page
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    responder: Mapped[Responder | None] = relationship()


# Staff accounts and case-work tables live in their own module; imported here so metadata (and Alembic) sees them.
# Schedules and escalation live in alerts/; importing them here registers their tables with the metadata.
from alerts import models as _alerts_models  # noqa: E402,F401
from triage import staff as _staff  # noqa: E402,F401
