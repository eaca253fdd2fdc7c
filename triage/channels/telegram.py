"""Telegram Bot API webhook.

No HMAC: ``setWebhook(secret_token=…)`` makes Telegram send ``X-Telegram-Bot-Api-Secret-Token`` on every POST,
compared in constant time. One Update per POST with at most one of ``message``, ``edited_message``, … .
A message is keyed on chat id + ``message_id`` (unique per chat), not on ``update_id``: an edit arrives as a new
update about the same message, and must find and update the stored text.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
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

CHANNEL = "telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Updates that are not a citizen writing to the ministry: posts in channels we run, membership and poll news.
_IGNORED = frozenset({
    "channel_post", "edited_channel_post", "my_chat_member", "chat_member", "chat_join_request", "poll",
    "poll_answer", "message_reaction", "message_reaction_count", "chat_boost", "removed_chat_boost",
})


def verify(headers: Mapping[str, str], body: bytes, settings: Settings, url: str = "") -> bool:
    given = headers.get(SECRET_HEADER, "")
    # Header values arrive latin-1 decoded; bytes make compare_digest safe for any of them.
    return bool(given) and hmac.compare_digest(given.encode(), settings.telegram_secret_token.encode())


def parse(body: bytes) -> list[InboundMessage]:
    data = load_json(body)
    if not isinstance(data, dict):
        raise BadPayload("body must be a JSON object")
    update_id = data.get("update_id")
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        raise BadPayload("'update_id' (integer) is required")
    for key in ("message", "edited_message"):
        if key in data:
            message = _message(data[key], edited=key == "edited_message", update=data)
            return [message or unparsed(CHANNEL, data)]
    if any(key in data for key in _IGNORED):
        return []
    return [unparsed(CHANNEL, data)]


def _message(message: Any, edited: bool, update: dict[str, Any]) -> InboundMessage | None:
    if not isinstance(message, dict):
        return None
    chat, sender = message.get("chat"), message.get("from") or message.get("sender_chat")
    chat_id = id_or_none(chat.get("id"), 80) if isinstance(chat, dict) else None
    message_id = id_or_none(message.get("message_id"), 80)
    sender_id = id_or_none(sender.get("id"), 128) if isinstance(sender, dict) else chat_id
    if chat_id is None or message_id is None or sender_id is None:
        return None
    name = None
    if isinstance(sender, dict):
        parts = (text_or_empty(sender.get("first_name")), text_or_empty(sender.get("last_name")))
        name = " ".join(p for p in parts if p) or text_or_empty(sender.get("title")) or None
    # Photos, voice notes and documents carry their words (if any) in the caption.
    text = text_or_empty(message.get("text")) or text_or_empty(message.get("caption"))
    return InboundMessage(
        channel=CHANNEL, platform_message_id=f"{chat_id}:{message_id}", sender_id=sender_id,
        sender_name=clip(name, 200),
        text=text, lang_hint=clip(sender.get("language_code"), 8) if isinstance(sender, dict) else None,
        sent_at=timestamp_or_none(message.get("date")), thread_id=chat_id, raw=update, edited=edited,
        edited_at=timestamp_or_none(message.get("edit_date")) if edited else None,
    )
