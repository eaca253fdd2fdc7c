"""Store normalised inbound messages exactly once.

A platform re-delivers whenever it did not get a 200 in time, so the unique key (channel, platform message id) is
the only line between one case and three. Inserts are ``INSERT … ON CONFLICT DO NOTHING RETURNING id``: the
duplicate check and the insert are one round trip, a duplicate is not an error (no savepoints, so one duplicate
in a batch does not disturb its siblings), and two concurrent deliveries of the same message cannot both win.
Contacts are upserted with ``ON CONFLICT DO UPDATE`` in sorted order, so two batches naming the same people lock
their rows in the same order and cannot deadlock.

This is the webhook hot path (see docs/PERFORMANCE.md, "Ingest"): on PostgreSQL a whole batch is one
autocommitted statement; on SQLite a few statements in one transaction. Plain SQL compiled once, no ORM flush.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Connection, bindparam, or_, select, text, update

from triage.channels import InboundMessage, clean_text
from triage.extensions import db
from triage.models import Message, MessageStatus, Responder, UTCDateTime, utcnow

_message = Message.__table__


@dataclass(frozen=True)
class Stored:
    message_id: int  # 0 for a responder's reply, which is not stored
    created: bool
    needs_classification: bool
    responder_id: int | None = None  # set when the message is a responder's reply to a page


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
        # One autocommitted statement for the whole batch (contacts upserted and messages inserted in a CTE):
        # one round trip and one WAL flush however many messages, and no BEGIN/COMMIT round trips.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            return _store_batch_pg(conn, items, now)
    with engine.begin() as conn:

        def store(rest: list[InboundMessage]) -> list[Stored]:
            contacts = _upsert_contacts(conn, rest, now)
            return [_store_one(conn, item, contacts.get((item.channel, clean_text(item.sender_id))), now)
                    for item in rest]

        return _with_replies(conn, items, store)


def _with_replies(
    conn: Connection, items: list[InboundMessage], store: Callable[[list[InboundMessage]], list[Stored]]
) -> list[Stored]:
    """Responders' SMS replies are answered by the alerting grammar, never stored as citizen messages: one
    lookup for the whole batch, only when it holds SMS (PostgreSQL does this inside its batch statement)."""
    phones = {item.reply_phone for item in items if item.reply_phone}
    responders: dict[str, int] = {}
    if phones:
        responders = {row.phone: row.id for row in conn.execute(_RESPONDERS_BY_PHONE, {"phones": list(phones)})}
    if not responders:
        return store(items)
    rest = [item for item in items if item.reply_phone not in responders]
    stored = iter(store(rest) if rest else [])
    return [Stored(0, False, False, responders[item.reply_phone]) if item.reply_phone in responders
            else next(stored) for item in items]


def _store_batch_pg(conn: Connection, items: list[InboundMessage], now: datetime) -> list[Stored]:
    rows = [
        {"ord": n, "channel": item.channel, "platform_message_id": item.platform_message_id,
         "sender": clean_text(item.sender_id) or None,
         "display_name": clean_text(item.sender_name) if item.sender_name else None,
         "text": clean_text(item.text), "lang_hint": item.lang_hint, "thread_id": item.thread_id,
         "sent_at": item.sent_at.isoformat() if item.sent_at else None,
         "edited_at": item.edited_at.isoformat() if item.edited_at else None,
         "status": (MessageStatus.UNPARSED if item.unparsed else MessageStatus.RECEIVED).value, "raw": item.raw,
         "reply_phone": item.reply_phone}
        for n, item in enumerate(items)
    ]
    inserted: dict[tuple[str, str], int] = {}
    replies: dict[int, int] = {}
    for new_id, channel, platform_message_id, reply_of in _run_batch_pg(
        conn, {"rows": json.dumps(rows, ensure_ascii=False), "now": now}
    ):
        if reply_of is not None:
            replies[reply_of] = new_id
        else:
            inserted[(channel, platform_message_id)] = new_id
    stored: list[Stored] = []
    for n, item in enumerate(items):
        new_id = inserted.pop((item.channel, item.platform_message_id), None)
        if n in replies:
            stored.append(Stored(0, False, False, replies[n]))
        elif new_id is not None:
            stored.append(Stored(new_id, True, not item.unparsed))
        else:  # already there: a re-delivery, an edit, or the same message twice in this batch
            stored.append(_existing(conn, item, clean_text(item.text)))
    return stored


def _run_batch_pg(conn: Connection, params: dict[str, Any]) -> Sequence[Any]:
    """The batch statement on the driver's own cursor: SQLAlchemy's execution context and result objects cost
    as much CPU as psycopg itself for this one fixed statement (docs/PERFORMANCE.md, "Ingest"). A driver error
    goes through SQLAlchemy's own handler, as if SQLAlchemy had run the statement: a lost connection invalidates
    the pool, and the error arrives as an ``OperationalError`` (503, so the platform retries)."""
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(_INSERT_BATCH_PG_SQL, params)
        return cursor.fetchall()  # (id, channel, platform_message_id, reply_of) tuples
    except Exception as exc:
        conn._handle_dbapi_exception(exc, _INSERT_BATCH_PG_SQL, params, cursor, None)
        raise  # not reached: the handler always raises
    finally:
        cursor.close()


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
    """Insert one message (SQLite: its contact is upserted just before, in the same transaction)."""
    status = MessageStatus.UNPARSED if item.unparsed else MessageStatus.RECEIVED
    text = clean_text(item.text)
    params = {
        "channel": item.channel, "platform_message_id": item.platform_message_id, "contact_id": contact_id,
        "text": text, "lang_hint": item.lang_hint, "thread_id": item.thread_id, "sent_at": item.sent_at,
        "edited_at": item.edited_at, "received_at": now, "status": status.value, "raw": item.raw,
    }
    new_id = conn.execute(_INSERT_MESSAGE, params).scalar()
    if new_id is not None:
        return Stored(new_id, True, status == MessageStatus.RECEIVED)
    return _existing(conn, item, text)


def _existing(conn: Connection, item: InboundMessage, text: str) -> Stored:
    """The stored row for a message that was there already; an edit updates its text and asks for a new
    classification."""
    existing = conn.execute(
        _FIND_MESSAGE, {"channel": item.channel, "platform_message_id": item.platform_message_id}
    ).one()
    current = MessageStatus(existing.status)
    if item.edited and current != MessageStatus.UNPARSED:
        params = {"message_id": existing.id, "text": text, "raw": item.raw, "edit_time": item.edited_at}
        if text != existing.text:
            edited = conn.execute(_EDIT_MESSAGE if item.edited_at is None else _EDIT_MESSAGE_IF_LATER, params)
            if edited.rowcount:
                current = MessageStatus.RECEIVED
        elif item.edited_at is not None:
            # The same words, edited back: nothing to classify, but an older edit arriving later must not win.
            conn.execute(_NOTE_EDIT_TIME, params)
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
    " edited_at, received_at, status, raw)"
    " VALUES (:channel, :platform_message_id, :contact_id, :text, :lang_hint, :thread_id, :sent_at,"
    " :edited_at, :received_at, :status, :raw)"
    " ON CONFLICT (channel, platform_message_id) DO NOTHING"
    " RETURNING id"
).bindparams(bindparam("sent_at", type_=UTCDateTime()), bindparam("edited_at", type_=UTCDateTime()),
             bindparam("received_at", type_=UTCDateTime()),
             bindparam("raw", type_=JSON()))
# PostgreSQL: a whole batch in one statement, the rows passed as one JSON array. Rows sent from a responder's
# phone are replies to pages: returned with the responder's id (reply_of = their position), never inserted.
# DISTINCT ON keeps one row per contact (DO UPDATE may touch a row only once per statement); DO NOTHING skips
# messages already stored, including a message that appears twice in the batch.
_INSERT_BATCH_PG_SQL = (
    "WITH input AS ("
    " SELECT * FROM json_to_recordset(CAST(%(rows)s AS json)) AS r(ord int, channel varchar,"
    " platform_message_id varchar, sender varchar, display_name varchar, text text, lang_hint varchar,"
    " thread_id varchar, sent_at timestamptz, edited_at timestamptz, status varchar, raw json,"
    " reply_phone varchar)),"
    " reply AS (SELECT i.ord, r.id FROM input i JOIN responder r ON r.phone = i.reply_phone),"
    " citizen AS (SELECT * FROM input WHERE ord NOT IN (SELECT ord FROM reply)),"
    " contact_row AS ("
    " INSERT INTO contact (channel, platform_id, display_name, created_at)"
    " SELECT DISTINCT ON (channel, sender) channel, sender, display_name, %(now)s FROM citizen"
    " WHERE sender IS NOT NULL ORDER BY channel, sender, display_name NULLS LAST"
    " ON CONFLICT (channel, platform_id)"
    " DO UPDATE SET display_name = coalesce(excluded.display_name, contact.display_name)"
    " RETURNING id, channel, platform_id),"
    " inserted AS ("
    " INSERT INTO message (channel, platform_message_id, contact_id, text, lang_hint, thread_id, sent_at,"
    " edited_at, received_at, status, raw)"
    " SELECT i.channel, i.platform_message_id, c.id, i.text, i.lang_hint, i.thread_id, i.sent_at, i.edited_at,"
    " %(now)s, i.status, i.raw"
    " FROM citizen i LEFT JOIN contact_row c ON c.channel = i.channel AND c.platform_id = i.sender"
    " ORDER BY i.ord"
    " ON CONFLICT (channel, platform_message_id) DO NOTHING"
    " RETURNING id, channel, platform_message_id)"
    " SELECT id, channel, platform_message_id, NULL::int AS reply_of FROM inserted"
    " UNION ALL SELECT id, NULL, NULL, ord FROM reply"
)
_RESPONDERS_BY_PHONE = select(Responder.id, Responder.phone).where(
    Responder.phone.in_(bindparam("phones", expanding=True))
)
_FIND_MESSAGE = select(_message.c.id, _message.c.status, _message.c.text).where(
    _message.c.channel == bindparam("channel"),
    _message.c.platform_message_id == bindparam("platform_message_id"),
)
# An edit replaces the text unless the row already holds a later edit: platforms re-deliver, and an old edit
# arriving after a newer one must not bring back the older words. Checked in the UPDATE itself, so two
# processes storing two edits at once still keep the later one.
# (An edit without a time, which no platform sends today, simply replaces the text.)
_EDIT_MESSAGE = (
    update(_message)
    .where(_message.c.id == bindparam("message_id"))
    .values(text=bindparam("text"), raw=bindparam("raw"), status=MessageStatus.RECEIVED.value)
)
_LATER_EDIT = or_(_message.c.edited_at.is_(None), _message.c.edited_at < bindparam("edit_time", type_=UTCDateTime()))
_EDIT_MESSAGE_IF_LATER = _EDIT_MESSAGE.where(_LATER_EDIT).values(
    edited_at=bindparam("edit_time", type_=UTCDateTime())
)
_NOTE_EDIT_TIME = (
    update(_message)
    .where(_message.c.id == bindparam("message_id"), _LATER_EDIT)
    .values(edited_at=bindparam("edit_time", type_=UTCDateTime()))
)
