"""One adapter per platform. Each turns a verified request body into normalised ``InboundMessage`` rows.

An adapter is a module with two functions:
    verify(headers, body, settings, url) -> bool     signature check on the raw bytes, constant time
    parse(body) -> list[InboundMessage]               raises BadPayload with a reason on a malformed body
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


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
