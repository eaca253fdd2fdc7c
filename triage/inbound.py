"""Store normalised inbound messages exactly once.

A platform re-delivers whenever it did not get a 200 in time, so the unique key (channel, platform message id) is
the only line between one case and three. Each message goes in under its own savepoint, so one duplicate in a
batch does not roll back its siblings.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from triage.channels import InboundMessage
from triage.extensions import db
from triage.models import Contact, Message, MessageStatus


@dataclass(frozen=True)
class Stored:
    message_id: int
    created: bool
    needs_classification: bool


def store_messages(items: Iterable[InboundMessage]) -> list[Stored]:
    """Insert what is new, update edited text, and say which messages a worker must (re)classify.

    The caller commits, then enqueues (never before: a worker must not race the transaction).
    """
    return [_store_one(item) for item in items]


def _store_one(item: InboundMessage) -> Stored:
    existing = _find(item.channel, item.platform_message_id)
    if existing is not None:
        if item.edited and item.text != existing.text:
            existing.text = item.text
            existing.status = MessageStatus.RECEIVED
        return Stored(existing.id, False, existing.status == MessageStatus.RECEIVED)
    contact = _contact(item) if item.sender_id else None
    message = Message(
        channel=item.channel,
        platform_message_id=item.platform_message_id,
        contact_id=contact.id if contact else None,
        text=item.text,
        lang_hint=item.lang_hint,
        thread_id=item.thread_id,
        sent_at=item.sent_at,
        status=MessageStatus.UNPARSED if item.unparsed else MessageStatus.RECEIVED,
        raw=item.raw,
    )
    try:
        with db.session.begin_nested():
            db.session.add(message)
    except IntegrityError:
        # A concurrent delivery of the same message won the race: that row is the one.
        winner = _find(item.channel, item.platform_message_id)
        assert winner is not None
        return Stored(winner.id, False, winner.status == MessageStatus.RECEIVED)
    return Stored(message.id, True, message.status == MessageStatus.RECEIVED)


def _find(channel: str, platform_message_id: str) -> Message | None:
    stmt = select(Message).where(
        Message.channel == channel, Message.platform_message_id == platform_message_id
    )
    return db.session.execute(stmt).scalar_one_or_none()


def _contact(item: InboundMessage) -> Contact:
    stmt = select(Contact).where(Contact.channel == item.channel, Contact.platform_id == item.sender_id)
    contact = db.session.execute(stmt).scalar_one_or_none()
    if contact is not None:
        if item.sender_name and contact.display_name != item.sender_name:
            contact.display_name = item.sender_name
        return contact
    contact = Contact(channel=item.channel, platform_id=item.sender_id, display_name=item.sender_name)
    try:
        with db.session.begin_nested():
            db.session.add(contact)
    except IntegrityError:
        contact = db.session.execute(stmt).scalar_one()
    return contact
