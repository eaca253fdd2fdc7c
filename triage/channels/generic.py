"""The generic JSON channel: for ministry systems and tests.

Body ``{"id", "sender", "text", "sent_at"}`` signed as ``X-Najda-Signature: sha256=<hex HMAC-SHA256(body)>``.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

from triage.channels import InboundMessage, load_json, parse_timestamp
from triage.config import Settings
from triage.errors import BadPayload

CHANNEL = "generic"
SIGNATURE_HEADER = "X-Najda-Signature"


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(headers: Mapping[str, str], body: bytes, settings: Settings, url: str = "") -> bool:
    given = headers.get(SIGNATURE_HEADER, "")
    return bool(given) and hmac.compare_digest(given.encode(), sign(settings.generic_secret, body).encode())


def parse(body: bytes) -> list[InboundMessage]:
    data: Any = load_json(body)
    if not isinstance(data, dict):
        raise BadPayload("body must be a JSON object")
    msg_id, sender, text = data.get("id"), data.get("sender"), data.get("text")
    if not isinstance(msg_id, str | int) or isinstance(msg_id, bool) or str(msg_id).strip() == "":
        raise BadPayload("'id' is required (string or integer)")
    if not isinstance(sender, str | int) or isinstance(sender, bool) or str(sender).strip() == "":
        raise BadPayload("'sender' is required (string)")
    if not isinstance(text, str):
        raise BadPayload("'text' is required (string)")
    if len(str(msg_id)) > 191 or len(str(sender)) > 128:
        raise BadPayload("'id' or 'sender' is too long")
    try:
        sent_at = parse_timestamp(data.get("sent_at"))
    except (ValueError, OverflowError, OSError):
        raise BadPayload("'sent_at' must be ISO 8601 or epoch seconds/milliseconds") from None
    name = data.get("sender_name")
    return [
        InboundMessage(
            channel=CHANNEL,
            platform_message_id=str(msg_id),
            sender_id=str(sender),
            sender_name=name if isinstance(name, str) else None,
            text=text,
            sent_at=sent_at,
            raw=data,
        )
    ]
