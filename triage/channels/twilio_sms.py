"""Twilio inbound SMS and WhatsApp-via-Twilio: a form-encoded POST signed with ``X-Twilio-Signature``.

The signature covers the URL Twilio called (our public URL, not what a proxy forwarded to us) and every form
field, including ones Twilio adds without notice; it is checked with the SDK's own ``RequestValidator`` through
``alerts.twilio_client``, the one module that imports twilio.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from alerts.twilio_client import FormValues, validate_signature
from triage.channels import MAX_SENDER_ID, InboundMessage, clean_text, clip, id_or_none
from triage.config import Settings
from triage.errors import BadPayload

SIGNATURE_HEADER = "X-Twilio-Signature"
SIGNS_URL = True  # the signature covers the public URL Twilio called (triage.webhooks passes it to verify)
WHATSAPP_PREFIX = "whatsapp:"


def form_fields(body: bytes) -> FormValues:
    """The POSTed fields as Twilio signed them, every value of a repeated name kept in order. A copy: callers may
    not share it. It is what the SDK's compute_signature reads as is (a werkzeug MultiDict, built for verify()
    and again for parse() and converted for the SDK each time, cost a fifth of this webhook's parsing)."""
    return FormValues([(name, list(values)) for name, values in _parsed(body)])


MAX_FIELDS = 1000


@lru_cache(maxsize=64)
def _parsed(body: bytes) -> tuple[tuple[str, tuple[str, ...]], ...]:
    # verify() and parse() read the same body one after the other: parse it once.
    grouped: dict[str, list[str]] = {}
    for name, value in parse_form(body.decode("utf-8", errors="replace")):
        grouped.setdefault(name, []).append(value)
    return tuple((name, tuple(values)) for name, values in grouped.items())


def parse_form(text: str) -> tuple[tuple[str, str], ...]:
    """``urllib.parse.parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_FIELDS)``, field for field
    (tests/test_webhook_twilio_sms.py compares the two), but each run of %xx escapes is decoded at once in C:
    ``unquote`` walks a percent-encoded Arabic SMS one escape at a time in Python, and was half of the Twilio
    webhook's own CPU time (docs/PERFORMANCE.md, "Ingest")."""
    if not text:
        return ()
    if text.count("&") + 1 > MAX_FIELDS:
        raise ValueError("Max number of fields exceeded")
    fields: list[tuple[str, str]] = []
    for field in text.split("&"):
        if field:
            name, _, value = field.partition("=")
            fields.append((_unquote_plus(name), _unquote_plus(value)))
    return tuple(fields)


# A run of escapes decodes to the same text as unquote's byte-by-byte decoding: a run ends at a literal
# character, which (ASCII or not) also ends any UTF-8 sequence the decoder was in.
_ESCAPE_RUN = re.compile(r"(?:%[0-9A-Fa-f]{2})+")


def _unquote_plus(value: str) -> str:
    value = value.replace("+", " ")
    return _ESCAPE_RUN.sub(_decode_run, value) if "%" in value else value


def _decode_run(match: re.Match[str]) -> str:
    return bytes.fromhex(match.group().replace("%", "")).decode("utf-8", "replace")


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

    def first(name: str) -> str:
        return fields[name][0] if name in fields else ""

    sid = id_or_none(first("MessageSid") or first("SmsMessageSid") or first("SmsSid"))
    sender = clean_text(first("From").strip())
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
            sender_name=clip(clean_text(first("ProfileName")), 200),
            text=clean_text(first("Body")),
            thread_id=clean_text(sender_id),
            reply_phone=sender if channel == "sms" else "+" + sender_id,
            raw=_raw(fields, stored_as_is=b"%00" not in body and b"\x00" not in body),
        )
    ]


def _raw(fields: FormValues, stored_as_is: bool) -> dict[str, str | list[str]]:
    """The fields as stored for audit. Decoded as UTF-8 with replacement, a field holds no lone surrogate, so
    only a NUL (sent as %00, or raw) needs cleaning before PostgreSQL takes it; most bodies skip the walk."""
    if stored_as_is:
        return {key: _one_or_all(values) for key, values in fields.items()}
    return {clean_text(key): _one_or_all([clean_text(v) for v in values]) for key, values in fields.items()}


def _one_or_all(values: list[str]) -> str | list[str]:
    return values[0] if len(values) == 1 else values
