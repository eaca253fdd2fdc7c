"""Meta: Messenger, Instagram and the WhatsApp Cloud API share one app, one signature and one envelope.

``X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>``. A POST is a batch:
``{"object", "entry": [{"messaging": [...]} | {"changes": [{"field", "value"}]}]}`` and every item of every entry
counts (peers that read only ``entry[0].messaging[0]`` lose messages). Statuses, echoes, reads and reactions are
not citizen messages and are dropped here; anything verified that we do not recognise is kept as ``unparsed``.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator, Mapping
from typing import Any

from triage.channels import (
    InboundMessage,
    clip,
    id_or_none,
    load_json,
    text_or_empty,
    timestamp_or_none,
    unparsed,
)
from triage.config import Settings
from triage.errors import BadPayload

SIGNATURE_HEADER = "X-Hub-Signature-256"
# Meta batches up to 1,000 events in one POST; the app-wide 64 KiB limit would turn a busy minute into retries.
MAX_BODY_BYTES = 1024 * 1024
CHANNELS = {"page": "messenger", "instagram": "instagram", "whatsapp_business_account": "whatsapp"}
# Messaging items that are about messages, not messages: never a case.
_NOT_MESSAGES = ("delivery", "read", "reaction", "message_reactions", "typing_on", "typing_off")
# WhatsApp message types whose text lives in a caption.
_CAPTIONED = ("image", "video", "document", "sticker", "audio")


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(headers: Mapping[str, str], body: bytes, settings: Settings, url: str = "") -> bool:
    given = headers.get(SIGNATURE_HEADER, "")
    return bool(given) and hmac.compare_digest(given.encode(), sign(settings.meta_app_secret, body).encode())


def handshake(args: Mapping[str, str], settings: Settings) -> str | None:
    """The challenge to echo when Meta's subscription check carries our verify token, else None."""
    token = args.get("hub.verify_token", "")
    if args.get("hub.mode") != "subscribe" or not hmac.compare_digest(
        token.encode(), settings.meta_verify_token.encode()
    ):
        return None
    return args.get("hub.challenge", "")


def parse(body: bytes) -> list[InboundMessage]:
    data = load_json(body)
    if not isinstance(data, dict) or not isinstance(data.get("object"), str):
        raise BadPayload("body must be a JSON object with an 'object' field")
    entries = data.get("entry")
    if not isinstance(entries, list):
        raise BadPayload("'entry' must be a list")
    obj: str = data["object"]
    channel = CHANNELS.get(obj, "meta")
    if channel == "meta":
        return [unparsed(channel, data)]
    return [message for entry in entries for message in _entry(channel, obj, entry)]


def _entry(channel: str, obj: str, entry: Any) -> Iterator[InboundMessage]:
    if not isinstance(entry, dict):
        yield unparsed(channel, {"object": obj, "entry": entry})
        return
    context = {"object": obj, "entry_id": entry.get("id")}
    messaging, changes = entry.get("messaging"), entry.get("changes")
    if not isinstance(messaging, list) and not isinstance(changes, list):
        yield unparsed(channel, {**context, "entry": entry})
        return
    for item in messaging if isinstance(messaging, list) else ():
        message = _messaging_item(channel, item, context)
        if message is not None:
            yield message
    for change in changes if isinstance(changes, list) else ():
        yield from _change(channel, change, context)


def _messaging_item(channel: str, item: Any, context: dict[str, Any]) -> InboundMessage | None:
    """Messenger and Instagram: one event of ``entry.messaging``."""
    raw = {**context, "item": item}
    if not isinstance(item, dict):
        return unparsed(channel, raw)
    sender = item.get("sender")
    sender_id = id_or_none(sender.get("id") if isinstance(sender, dict) else None, 128)
    sent_at = timestamp_or_none(item.get("timestamp"))
    message, postback, edit = item.get("message"), item.get("postback"), item.get("message_edit")
    if isinstance(message, dict):
        if message.get("is_echo") or message.get("is_deleted"):
            return None  # our own send, or an Instagram unsend
        mid = id_or_none(message.get("mid"))
        if mid is None or sender_id is None:
            return unparsed(channel, raw)
        # Quick replies carry their label in text; attachments (photo, voice...) may have none: stored as "".
        return InboundMessage(channel=channel, platform_message_id=mid, sender_id=sender_id,
                              text=text_or_empty(message.get("text")), sent_at=sent_at, thread_id=sender_id,
                              raw=raw)
    if isinstance(postback, dict) and sender_id is not None:
        mid = id_or_none(postback.get("mid")) or id_or_none(f"postback:{sender_id}:{item.get('timestamp')}")
        text = text_or_empty(postback.get("title")) or text_or_empty(postback.get("payload"))
        if mid is not None:
            return InboundMessage(channel=channel, platform_message_id=mid, sender_id=sender_id, text=text,
                                  sent_at=sent_at, thread_id=sender_id, raw=raw)
    if isinstance(edit, dict) and sender_id is not None:
        mid = id_or_none(edit.get("mid"))
        if mid is not None and isinstance(edit.get("text"), str):
            return InboundMessage(channel=channel, platform_message_id=mid, sender_id=sender_id,
                                  text=edit["text"], sent_at=sent_at, thread_id=sender_id, raw=raw, edited=True,
                                  edited_at=sent_at)  # the edit event's own timestamp
    if any(key in item for key in _NOT_MESSAGES):
        return None
    return unparsed(channel, raw)


def _change(channel: str, change: Any, context: dict[str, Any]) -> Iterator[InboundMessage]:
    raw = {**context, "change": change}
    if not isinstance(change, dict) or not isinstance(change.get("value"), dict):
        yield unparsed(channel, raw)
        return
    field, value = change.get("field"), change["value"]
    if channel == "whatsapp" and field == "messages":
        yield from _whatsapp(value, context)
    elif channel == "instagram" and field in ("comments", "mentions", "live_comments"):
        yield _instagram_comment(value, raw)
    else:
        yield unparsed(channel, raw)


def _whatsapp(value: dict[str, Any], context: dict[str, Any]) -> Iterator[InboundMessage]:
    messages, statuses = value.get("messages"), value.get("statuses")
    if messages is None:
        if not isinstance(statuses, list):  # a statuses-only change is delivery news, not a message
            yield unparsed("whatsapp", {**context, "value": value})
        return
    if not isinstance(messages, list):
        yield unparsed("whatsapp", {**context, "value": value})
        return
    names = _whatsapp_names(value.get("contacts"))
    metadata = value.get("metadata")
    for message in messages:
        raw = {**context, "metadata": metadata, "message": message}
        if not isinstance(message, dict):
            yield unparsed("whatsapp", raw)
            continue
        kind = message.get("type")
        if kind == "reaction":
            continue
        wamid, sender = id_or_none(message.get("id")), id_or_none(message.get("from"), 128)
        if wamid is None or sender is None:
            yield unparsed("whatsapp", raw)
            continue
        yield InboundMessage(channel="whatsapp", platform_message_id=wamid, sender_id=sender,
                             sender_name=clip(names.get(sender), 200), text=_whatsapp_text(message),
                             sent_at=timestamp_or_none(message.get("timestamp")), thread_id=sender, raw=raw)


def _whatsapp_names(contacts: Any) -> dict[str, Any]:
    names: dict[str, Any] = {}
    for contact in contacts if isinstance(contacts, list) else ():
        if isinstance(contact, dict) and isinstance(contact.get("profile"), dict):
            names[str(contact.get("wa_id"))] = contact["profile"].get("name")
    return names


def _whatsapp_text(message: dict[str, Any]) -> str:
    kind = message.get("type")
    body = message.get(kind) if isinstance(kind, str) else None
    if not isinstance(body, dict):
        return ""
    if kind == "text":
        return text_or_empty(body.get("body"))
    if kind in _CAPTIONED:
        return text_or_empty(body.get("caption"))
    if kind == "button":
        return text_or_empty(body.get("text"))
    if kind == "interactive":
        reply = body.get("button_reply") or body.get("list_reply")
        return text_or_empty(reply.get("title")) if isinstance(reply, dict) else ""
    if kind == "location":
        return " ".join(p for p in (text_or_empty(body.get("name")), text_or_empty(body.get("address"))) if p)
    return ""


def _instagram_comment(value: dict[str, Any], raw: dict[str, Any]) -> InboundMessage:
    comment_id = id_or_none(value.get("id"), 180) or id_or_none(value.get("comment_id"), 180)
    sender = value.get("from")
    sender_id = id_or_none(sender.get("id") if isinstance(sender, dict) else None, 128)
    if comment_id is None or sender_id is None:
        return unparsed("instagram", raw)
    media = value.get("media")
    return InboundMessage(channel="instagram", platform_message_id=f"comment:{comment_id}", sender_id=sender_id,
                          sender_name=clip(sender.get("username") if isinstance(sender, dict) else None, 200),
                          text=text_or_empty(value.get("text")),
                          thread_id=id_or_none(media.get("id")) if isinstance(media, dict) else None, raw=raw)
