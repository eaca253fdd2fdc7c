"""Store normalised inbound messages exactly once.

A platform re-delivers whenever it did not get a 200 in time, so the unique key (channel, platform message id) is
the only line between one case and three. Each message is one ``INSERT … ON CONFLICT DO NOTHING RETURNING id``:
the duplicate check and the insert are a single round trip, a duplicate is not an error (no savepoint needed,
so one duplicate in a batch does not disturb its siblings), and two concurrent deliveries of the same message
cannot both win. Contacts are upserted the same way, in sorted order, so two batches naming the same people
lock their rows in the same order and cannot deadlock. This is the webhook hot path: Core statements built once
once, no ORM unit of work (see docs/PERFORMANCE.md, "Ingest").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import JSON, Connection, bindparam, select, text, update

from triage.channels import InboundMessage, clean_text
from triage.extensions import db
from triage.models import Message, MessageStatus, UTCDateTime, utcnow

_message = Message.__table__


@dataclass(frozen=True)
class Stored:
    message_id: int
    created: bool
    needs_classification: bool


def store_messages(items: Iterable[InboundMessage]) -> list[Stored]:
    """Insert what is new, update edited text, and say which messages a worker must (re)classify.

    Everything is committed when this returns; the caller then enqueues (never before: a worker must not race
    the transaction).
    """
    items = list(items)
    if not items:
        return []
    now = utcnow()
    engine = db.engine
    if engine.dialect.name == "postgresql":
        # One statement per message (contact upsert + message insert in a CTE), each its own transaction:
        # two round trips fewer than BEGIN … COMMIT, and one statement cannot deadlock with another batch.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            return [_store_one(conn, item, None, now) for item in items]
    with engine.begin() as conn:
        contacts = _upsert_contacts(conn, items, now)
        return [_store_one(conn, item, contacts.get((item.channel, clean_text(item.sender_id))), now)
                for item in items]


def _upsert_contacts(
    conn: Connection, items: list[InboundMessage], now: datetime
) -> dict[tuple[str, str], int]:
    names: dict[tuple[str, str], str | None] = {}
    for item in items:
        if item.sender_id:
            key = (item.channel, clean_text(item.sender_id))
            names[key] = item.sender_name or names.get(key)
    ids: dict[tuple[str, str], int] = {}
    for (channel, sender), name in sorted(names.items()):
        params = {"channel": channel, "platform_id": sender, "display_name": clean_text(name) if name else None,
                  "created_at": now}
        ids[(channel, sender)] = conn.execute(_UPSERT_CONTACT, params).scalar_one()
    return ids


def _store_one(conn: Connection, item: InboundMessage, contact_id: int | None, now: datetime) -> Stored:
    """Insert one message; ``contact_id`` None with a sender means: upsert the contact in the same statement."""
    status = MessageStatus.UNPARSED if item.unparsed else MessageStatus.RECEIVED
    text = clean_text(item.text)
    params = {
        "channel": item.channel, "platform_message_id": item.platform_message_id, "contact_id": contact_id,
        "text": text, "lang_hint": item.lang_hint, "thread_id": item.thread_id, "sent_at": item.sent_at,
        "received_at": now, "status": status.value, "raw": item.raw,
    }
    statement = _INSERT_MESSAGE
    if contact_id is None and item.sender_id:
        statement = _INSERT_CONTACT_AND_MESSAGE
        params.update(platform_id=clean_text(item.sender_id), created_at=now,
                      display_name=clean_text(item.sender_name) if item.sender_name else None)
    new_id = conn.execute(statement, params).scalar()
    if new_id is not None:
        return Stored(new_id, True, status == MessageStatus.RECEIVED)
    # Already stored (a re-delivery, or a concurrent one that committed first).
    existing = conn.execute(_FIND_MESSAGE, params).one()
    current = MessageStatus(existing.status)
    if item.edited and text != existing.text and current != MessageStatus.UNPARSED:
        conn.execute(_EDIT_MESSAGE, {"message_id": existing.id, "text": text, "raw": item.raw})
        current = MessageStatus.RECEIVED
    return Stored(existing.id, False, current == MessageStatus.RECEIVED)


# Plain SQL, identical on PostgreSQL and SQLite (3.35+): the dialects' own insert() constructs opt out of
# SQLAlchemy's compiled cache, which made every webhook recompile both statements.
_UPSERT_CONTACT = text(
    "INSERT INTO contact (channel, platform_id, display_name, created_at)"
    " VALUES (:channel, :platform_id, :display_name, :created_at)"
    " ON CONFLICT (channel, platform_id)"
    " DO UPDATE SET display_name = coalesce(excluded.display_name, contact.display_name)"
    " RETURNING id"
).bindparams(bindparam("created_at", type_=UTCDateTime()))
_INSERT_MESSAGE = text(
    "INSERT INTO message (channel, platform_message_id, contact_id, text, lang_hint, thread_id, sent_at,"
    " received_at, status, raw)"
    " VALUES (:channel, :platform_message_id, :contact_id, :text, :lang_hint, :thread_id, :sent_at,"
    " :received_at, :status, :raw)"
    " ON CONFLICT (channel, platform_message_id) DO NOTHING"
    " RETURNING id"
).bindparams(bindparam("sent_at", type_=UTCDateTime()), bindparam("received_at", type_=UTCDateTime()),
             bindparam("raw", type_=JSON()))
# PostgreSQL only (SQLite has no INSERT inside WITH). A data-modifying CTE runs exactly once; the contact's
# DO UPDATE makes RETURNING yield its id whether it was new or not.
_INSERT_CONTACT_AND_MESSAGE = text(
    "WITH contact_row AS ("
    " INSERT INTO contact (channel, platform_id, display_name, created_at)"
    " VALUES (:channel, :platform_id, :display_name, :created_at)"
    " ON CONFLICT (channel, platform_id)"
    " DO UPDATE SET display_name = coalesce(excluded.display_name, contact.display_name)"
    " RETURNING id)"
    " INSERT INTO message (channel, platform_message_id, contact_id, text, lang_hint, thread_id, sent_at,"
    " received_at, status, raw)"
    " VALUES (:channel, :platform_message_id, (SELECT id FROM contact_row), :text, :lang_hint, :thread_id,"
    " :sent_at, :received_at, :status, :raw)"
    " ON CONFLICT (channel, platform_message_id) DO NOTHING"
    " RETURNING id"
).bindparams(bindparam("created_at", type_=UTCDateTime()), bindparam("sent_at", type_=UTCDateTime()),
             bindparam("received_at", type_=UTCDateTime()), bindparam("raw", type_=JSON()))
_FIND_MESSAGE = select(_message.c.id, _message.c.status, _message.c.text).where(
    _message.c.channel == bindparam("channel"),
    _message.c.platform_message_id == bindparam("platform_message_id"),
)
_EDIT_MESSAGE = (
    update(_message)
    .where(_message.c.id == bindparam("message_id"))
    .values(text=bindparam("text"), raw=bindparam("raw"), status=MessageStatus.RECEIVED.value)
)
