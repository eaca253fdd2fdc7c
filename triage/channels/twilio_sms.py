"""Twilio inbound SMS and WhatsApp-via-Twilio: a form-encoded POST signed with ``X-Twilio-Signature``.

The signature covers the URL Twilio called (our public URL, not what a proxy forwarded to us) and every form
field, including ones Twilio adds without notice; it is checked with the SDK's own ``RequestValidator`` through
``alerts.twilio_client``, the one module that imports twilio.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from urllib.parse import parse_qsl

from werkzeug.datastructures import MultiDict

from alerts.twilio_client import validate_signature
from triage.channels import MAX_SENDER_ID, InboundMessage, clean_text, clip, id_or_none
from triage.config import Settings
from triage.errors import BadPayload

SIGNATURE_HEADER = "X-Twilio-Signature"
SIGNS_URL = True  # the signature covers the public URL Twilio called (triage.webhooks passes it to verify)
WHATSAPP_PREFIX = "whatsapp:"


def form_fields(body: bytes) -> MultiDict[str, str]:
    """The POSTed fields as Twilio signed them (repeated names kept). A copy: callers may not share it."""
    return MultiDict(_parsed(body))


@lru_cache(maxsize=64)
def _parsed(body: bytes) -> tuple[tuple[str, str], ...]:
    # verify() and parse() read the same body one after the other: parse it once.
    text = body.decode("utf-8", errors="replace")
    return tuple(parse_qsl(text, keep_blank_values=True, max_num_fields=1000))


def verify(headers: Mapping[str, str], body: bytes, settings: Settings, url: str = "") -> bool:
    signature = headers.get(SIGNATURE_HEADER, "")
    if not signature:
        return False
    try:
        fields = form_fields(body)
    except ValueError:  # more fields than any Twilio webhook sends
        return False
    return validate_signature(settings.twilio_auth_token, url, fields, signature)


def sender_address(value: str) -> tuple[str, str]:
    """(channel, sender id) for a Twilio ``From``: WhatsApp numbers use the bare digits Meta uses as ``wa_id``,
    so one person writing through either path is one contact."""
    if value.startswith(WHATSAPP_PREFIX):
        return "whatsapp", value[len(WHATSAPP_PREFIX):].lstrip("+")
    return "sms", value


def parse(body: bytes) -> list[InboundMessage]:
    fields = form_fields(body)
    sid = id_or_none(fields.get("MessageSid") or fields.get("SmsMessageSid") or fields.get("SmsSid"))
    sender = clean_text(fields.get("From", "").strip())
    if sid is None:
        raise BadPayload("'MessageSid' is required")
    if not sender or len(sender) > MAX_SENDER_ID:
        raise BadPayload("'From' is required")
    channel, sender_id = sender_address(sender)
    if not sender_id:
        raise BadPayload("'From' is required")
    return [
        InboundMessage(
            channel=channel,
            platform_message_id=clean_text(sid),
            sender_id=clean_text(sender_id),
            sender_name=clip(clean_text(fields.get("ProfileName", "")), 200),
            text=clean_text(fields.get("Body", "")),
            thread_id=clean_text(sender_id),
            reply_phone=sender if channel == "sms" else "+" + sender_id,
            raw={clean_text(key): _one_or_all([clean_text(v) for v in fields.getlist(key)]) for key in fields},
        )
    ]


def _one_or_all(values: list[str]) -> str | list[str]:
    return values[0] if len(values) == 1 else values
