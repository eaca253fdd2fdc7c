"""X (Twitter) Account Activity: direct messages and mentions of the ministry's account.

CRC: ``GET ?crc_token=`` → ``{"response_token": "sha256=<base64 HMAC-SHA256(consumer secret, token)>"}``.
POST: ``x-twitter-webhooks-signature: sha256=<base64 HMAC-SHA256(consumer secret, raw body)>``. A POST carries
``for_user_id`` (our account) and one array per event type; events the account itself made are skipped.
"""

from __future__ import annotations

import base64
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

CHANNEL = "x"
SIGNATURE_HEADER = "X-Twitter-Webhooks-Signature"
# Event arrays that are not something a citizen wrote to us.
_IGNORED = frozenset({
    "favorite_events", "follow_events", "unfollow_events", "block_events", "unblock_events", "mute_events",
    "unmute_events", "tweet_delete_events", "user_event", "direct_message_indicate_typing_events",
    "direct_message_mark_read_events",
})
# Top-level keys that describe the payload rather than carry events.
_CONTEXT = frozenset({"for_user_id", "users", "apps", "source", "is_blocked_by", "user_has_blocked"})


def _digest(secret: str, message: bytes) -> str:
    return "sha256=" + base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest()).decode()


def crc_response(crc_token: str, settings: Settings) -> dict[str, str]:
    return {"response_token": _digest(settings.x_consumer_secret, crc_token.encode())}


def sign(secret: str, body: bytes) -> str:
    return _digest(secret, body)


def verify(headers: Mapping[str, str], body: bytes, settings: Settings, url: str = "") -> bool:
    given = headers.get(SIGNATURE_HEADER, "")
    return bool(given) and hmac.compare_digest(given.encode(), sign(settings.x_consumer_secret, body).encode())


def parse(body: bytes) -> list[InboundMessage]:
    data = load_json(body)
    if not isinstance(data, dict):
        raise BadPayload("body must be a JSON object")
    own_id = id_or_none(data.get("for_user_id"), 128)
    if own_id is None:
        raise BadPayload("'for_user_id' is required")
    users: dict[str, Any] = data["users"] if isinstance(data.get("users"), dict) else {}
    messages: list[InboundMessage] = []
    for key, events in data.items():
        if key in _CONTEXT or key in _IGNORED:
            continue
        if key == "direct_message_events" and isinstance(events, list):
            messages.extend(_direct_messages(events, own_id, users))
        elif key == "tweet_create_events" and isinstance(events, list):
            messages.extend(_tweets(events, own_id))
        else:
            messages.append(unparsed(CHANNEL, {"for_user_id": own_id, key: events}))
    return messages


def _direct_messages(events: list[Any], own_id: str, users: dict[str, Any]) -> Iterator[InboundMessage]:
    for event in events:
        raw = {"for_user_id": own_id, "direct_message_event": event}
        if not isinstance(event, dict) or event.get("type") != "message_create":
            yield unparsed(CHANNEL, raw)
            continue
        create = event.get("message_create")
        sender = id_or_none(create.get("sender_id"), 128) if isinstance(create, dict) else None
        event_id = id_or_none(event.get("id"), 180)
        if not isinstance(create, dict) or sender is None or event_id is None:
            yield unparsed(CHANNEL, raw)
            continue
        if sender == own_id:
            continue  # our own reply
        data = create.get("message_data")
        user = users.get(sender)
        yield InboundMessage(
            channel=CHANNEL, platform_message_id=f"dm:{event_id}", sender_id=sender,
            sender_name=clip(user.get("name"), 200) if isinstance(user, dict) else None,
            text=text_or_empty(data.get("text")) if isinstance(data, dict) else "",
            sent_at=timestamp_or_none(event.get("created_timestamp")), thread_id=f"dm:{sender}", raw=raw,
        )


def _tweets(events: list[Any], own_id: str) -> Iterator[InboundMessage]:
    for tweet in events:
        raw = {"for_user_id": own_id, "tweet_create_event": tweet}
        user = tweet.get("user") if isinstance(tweet, dict) else None
        sender = id_or_none(user.get("id_str") or user.get("id"), 128) if isinstance(user, dict) else None
        tweet_id = id_or_none(tweet.get("id_str") or tweet.get("id"), 180) if isinstance(tweet, dict) else None
        if not isinstance(tweet, dict) or not isinstance(user, dict) or sender is None or tweet_id is None:
            yield unparsed(CHANNEL, raw)
            continue
        if sender == own_id:
            continue  # our own tweet or reply
        extended = tweet.get("extended_tweet")
        text = (text_or_empty(extended.get("full_text")) if isinstance(extended, dict) else "") or text_or_empty(
            tweet.get("full_text")) or text_or_empty(tweet.get("text"))
        thread = id_or_none(tweet.get("in_reply_to_status_id_str"), 180) or tweet_id
        yield InboundMessage(
            channel=CHANNEL, platform_message_id=f"tweet:{tweet_id}", sender_id=sender,
            sender_name=clip(user.get("name"), 200), text=text, lang_hint=clip(tweet.get("lang"), 8),
            sent_at=timestamp_or_none(tweet.get("timestamp_ms")) or timestamp_or_none(tweet.get("created_at")),
            thread_id=f"tweet:{thread}", raw=raw,
        )
