"""One adapter per platform. Each turns a verified request body into normalised ``InboundMessage`` rows.

An adapter is a module with two functions:
    verify(headers, body, settings, url) -> bool     signature check on the raw bytes, constant time
    parse(body) -> list[InboundMessage]               raises BadPayload with a reason on a malformed body
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from triage.errors import BadPayload

# Column widths (triage.models): longer ids cannot be stored as they are.
MAX_MESSAGE_ID = 191
MAX_SENDER_ID = 128
MAX_NAME = 200
MAX_LANG = 8


@dataclass(frozen=True)
class InboundMessage:
    channel: str
    platform_message_id: str
    sender_id: str
    text: str
    sent_at: datetime | None = None
    sender_name: str | None = None
    lang_hint: str | None = None
    thread_id: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)
    unparsed: bool = False  # verified, but of a shape we do not understand: stored for operators, no case
    edited: bool = False  # an edit of an already-stored message: update its text and classify again
    edited_at: datetime | None = None  # the platform's time of that edit, when it gives one
    # SMS: the sender's E.164 number. If it is a responder's, this is a reply to a page, not a citizen message.
    reply_phone: str | None = None


def parse_timestamp(value: Any) -> datetime | None:
    """Epoch seconds or milliseconds (number or string), or ISO 8601; None when absent."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError("timestamp must be a number or ISO 8601 string")
    if isinstance(value, int | float) or (isinstance(value, str) and value.strip().lstrip("-").isdigit()):
        number = float(value)
        if number > 1e11:  # milliseconds: 1e11 s is the year 5138
            number /= 1000.0
        return datetime.fromtimestamp(number, UTC)
    if isinstance(value, str):
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    raise ValueError("timestamp must be a number or ISO 8601 string")


def timestamp_or_none(value: Any) -> datetime | None:
    """``parse_timestamp`` for values inside an item: a nonsense time is dropped, never a reason to lose the text."""
    try:
        return parse_timestamp(value)
    except (ValueError, OverflowError, OSError, TypeError):
        return None


def _reject_constant(name: str) -> Any:
    raise BadPayload(f"JSON constant {name} is not allowed")


# A lone surrogate or NUL parses fine in Python but cannot be written to PostgreSQL text/json columns.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return _UNSTORABLE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    return value


def load_json(body: bytes) -> Any:
    """Strict UTF-8 JSON (no NaN/Infinity), with NUL and lone surrogates replaced so every string can be stored."""
    try:
        text = body.decode("utf-8")
        data = json.loads(text, parse_constant=_reject_constant)
        # Both can only come from a \\u escape, so most bodies skip the walk.
        return _clean(data) if "\\u" in text else data
    except (UnicodeDecodeError, ValueError):
        raise BadPayload("body is not valid UTF-8 JSON") from None
    except RecursionError:
        raise BadPayload("JSON nested too deeply") from None


def clean_text(value: str) -> str:
    return _UNSTORABLE.sub("\ufffd", value)


def text_or_empty(value: Any) -> str:
    return value if isinstance(value, str) else ""


def id_or_none(value: Any, limit: int = MAX_MESSAGE_ID) -> str | None:
    """A platform id as a non-empty string that fits its column, or None."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = str(value).strip()
    return text if 0 < len(text) <= limit else None


def clip(value: Any, limit: int) -> str | None:
    return value[:limit] if isinstance(value, str) and value else None


def unparsed(channel: str, item: Any) -> InboundMessage:
    """A verified item we do not understand: kept raw for operators, keyed by its content so a re-delivery
    is recognised."""
    canonical = json.dumps(item, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    return InboundMessage(
        channel=channel,
        platform_message_id=f"unparsed:{digest}",
        sender_id="",
        text="",
        raw=item if isinstance(item, dict) else {"item": item},
        unparsed=True,
    )
