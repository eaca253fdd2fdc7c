"""The only module in Najda that imports the twilio SDK.

Everything Twilio-shaped goes through here: building a client (optionally pointed at the local fake server),
sending an SMS, placing a voice call, and signing / verifying webhook requests. Sending never raises for
Twilio or network errors; it returns a SendOutcome that says whether a retry can help, so the caller
(a worker job) decides between RQ's Retry, escalating to the next contact, or giving up.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlparse, urlsplit

import requests
from twilio.base.exceptions import TwilioException, TwilioRestException, TwilioServiceException
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator, add_port, remove_port
from twilio.rest import Client
from twilio.twiml.voice_response import VoiceResponse

# Twilio error codes we act on (https://www.twilio.com/docs/errors/<code>).
TOO_MANY_REQUESTS = 20429
INVALID_TO_NUMBER = 21211
NOT_SMS_CAPABLE = 21614
OPTED_OUT = 21610
INVALID_NUMBER_CODES = frozenset({INVALID_TO_NUMBER, NOT_SMS_CAPABLE})

# Short, PII-free descriptions: Twilio's own messages quote the phone number, and outcomes end up in logs.
_DESCRIPTIONS = {
    20003: "authentication failed (account sid / auth token)",
    TOO_MANY_REQUESTS: "too many concurrent requests",
    INVALID_TO_NUMBER: "invalid 'To' number",
    NOT_SMS_CAPABLE: "'To' number cannot receive SMS",
    OPTED_OUT: "recipient opted out (replied STOP)",
    21608: "unverified number on a trial account",
}

_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})


@dataclass(frozen=True)
class SendOutcome:
    """What happened to one messages.create / calls.create request.

    retryable: the request was not processed or may not have been (429, 5xx, timeout, connection error);
      the same request can be tried again later with backoff. After a timeout Twilio may in fact have
      accepted it, so a retry can, rarely, page twice; that is the safe side for an urgent case.
    permanent_failure: this number will not work (invalid, not SMS-capable, opted out); move on.
    Neither flag set with no sid: a configuration problem (bad credentials, trial restrictions).
    """

    sid: str | None
    status: str
    error_code: int | None = None
    http_status: int | None = None
    retryable: bool = False
    permanent_failure: bool = False
    invalid_number: bool = False
    opted_out: bool = False
    num_segments: int | None = None
    message: str = ""

    @property
    def accepted(self) -> bool:
        return self.sid is not None


def _is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def build_client(account_sid: str, auth_token: str, api_base_url: str | None, timeout: float) -> Client:
    """An official twilio Client with a request timeout, optionally aimed at another API base URL.

    api_base_url (e.g. "http://127.0.0.1:5031") replaces "https://api.twilio.com" for the 2010-04-01 API
    (Messages, Calls): the SDK's Domain reads base_url on every request, so nothing is patched.
    """
    if timeout <= 0:
        raise ValueError("timeout must be positive")
    http_client = TwilioHttpClient(timeout=timeout)
    if api_base_url and _is_loopback(api_base_url):
        # requests would otherwise route loopback traffic through HTTP(S)_PROXY from the environment.
        http_client.session.trust_env = False
    client = Client(account_sid, auth_token, http_client=http_client)
    if api_base_url:
        client.api.base_url = api_base_url.rstrip("/")
    return client


def close_client(client: Client) -> None:
    """Close the pooled HTTP connections of a client made by build_client."""
    session = getattr(client.http_client, "session", None)
    if session is not None:
        session.close()


def _optional_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _error_outcome(exc: Exception) -> SendOutcome:
    if isinstance(exc, TwilioRestException | TwilioServiceException):
        http_status = _optional_int(exc.status)
        code = _optional_int(exc.code)
        retryable = code == TOO_MANY_REQUESTS or http_status == 429 or (http_status or 0) >= 500
        invalid = code in INVALID_NUMBER_CODES
        opted_out = code == OPTED_OUT
        description = _DESCRIPTIONS.get(code or 0, "request rejected")
        return SendOutcome(
            sid=None,
            status="error",
            error_code=code,
            http_status=http_status,
            retryable=retryable,
            permanent_failure=invalid or opted_out,
            invalid_number=invalid,
            opted_out=opted_out,
            message=f"twilio error {code} (HTTP {http_status}): {description}",
        )
    if isinstance(exc, requests.Timeout):
        return SendOutcome(sid=None, status="error", retryable=True, message="timed out waiting for Twilio")
    if isinstance(exc, requests.ConnectionError | requests.exceptions.ChunkedEncodingError):
        return SendOutcome(sid=None, status="error", retryable=True, message="could not reach Twilio")
    return SendOutcome(sid=None, status="error", message=f"twilio client error: {type(exc).__name__}")


def send_sms(client: Client, to: str, from_: str, body: str, status_callback: str | None) -> SendOutcome:
    """Send one SMS. from_ is a phone number, or a Messaging Service sid ("MG...")."""
    kwargs: dict[str, Any] = {"to": to, "body": body}
    if from_.startswith("MG"):
        kwargs["messaging_service_sid"] = from_
    else:
        kwargs["from_"] = from_
    if status_callback:
        kwargs["status_callback"] = status_callback
    try:
        message = client.messages.create(**kwargs)
    except (TwilioException, requests.RequestException) as exc:
        return _error_outcome(exc)
    return SendOutcome(
        sid=str(message.sid),
        status=str(message.status),
        error_code=_optional_int(message.error_code),
        num_segments=_optional_int(message.num_segments),
        message="accepted",
    )


def place_call(client: Client, to: str, from_: str, twiml: str, status_callback: str | None) -> SendOutcome:
    """Place a voice call that runs the given TwiML (see gather_twiml for the keypad acknowledgement)."""
    kwargs: dict[str, Any] = {"to": to, "from_": from_, "twiml": twiml}
    if status_callback:
        kwargs["status_callback"] = status_callback
    try:
        call = client.calls.create(**kwargs)
    except (TwilioException, requests.RequestException) as exc:
        return _error_outcome(exc)
    return SendOutcome(sid=str(call.sid), status=str(call.status), message="accepted")


def fetch_status(client: Client, channel: str, sid: str) -> tuple[str, int | None] | None:
    """(status, error code) of a message ("sms") or call ("voice") Twilio already took; None if unreachable."""
    try:
        resource = client.calls(sid).fetch() if channel == "voice" else client.messages(sid).fetch()
    except (TwilioException, requests.RequestException):
        return None
    return str(resource.status), _optional_int(getattr(resource, "error_code", None))


def gather_twiml(
    prompts: list[tuple[str, str]], action_url: str, num_digits: int = 1, timeout: int = 10
) -> str:
    """TwiML that speaks each (language, text) prompt and posts the key pressed to action_url.

    language is a Twilio <Say> language, e.g. "ar-SA" or "en-US".
    """
    response = VoiceResponse()
    gather = response.gather(action=action_url, method="POST", num_digits=num_digits, timeout=timeout)
    for language, text in prompts:
        gather.say(text, language=language)
    return str(response)


def say_twiml(prompts: list[tuple[str, str]]) -> str:
    """TwiML that speaks each (language, text) prompt and hangs up."""
    response = VoiceResponse()
    for language, text in prompts:
        response.say(text, language=language)
    return str(response)


def compute_signature(auth_token: str, url: str, params: Mapping[str, str]) -> str:
    """The X-Twilio-Signature Twilio would send for a form POST of params to url."""
    return str(RequestValidator(auth_token).compute_signature(url, dict(params)))


def validate_signature(auth_token: str, url: str, params: Mapping[str, Any], signature: str) -> bool:
    """True when signature is Twilio's signature of (url, params); params may be a werkzeug MultiDict."""
    if not signature:
        return False
    if isinstance(params, str):  # a JSON body signed with ?bodySHA256=: the SDK's own path, body hash included
        return bool(RequestValidator(auth_token).validate(url, params, signature))
    # RequestValidator.validate for form parameters, step by step: the SDK's compute_signature over the URL
    # with and without its port (Twilio signs either), compared in constant time. validate() always computes
    # both HMACs and re-parses the URL; here the parsed variants are cached and the second HMAC runs only when
    # the first does not match, which keeps the webhook path cheaper (docs/PERFORMANCE.md, "Ingest").
    validator = _validator(auth_token)
    given = signature.encode("utf-8", "replace")
    values = params
    if hasattr(params, "getlist") and not isinstance(params, FormValues):
        values = FormValues({name: params.getlist(name) for name in params})
    for candidate in _url_variants(url):
        if hmac.compare_digest(str(validator.compute_signature(candidate, values)).encode(), given):
            return True
    return False


class FormValues(dict[str, list[str]]):
    """Form fields as the SDK's compute_signature reads repeated fields (``getall``). Handed a werkzeug MultiDict,
    it first tries ``getall``, and raises and catches an AttributeError for every field. ``getlist`` too, so that
    validate_signature and callers reading fields take it as they take a MultiDict."""

    def getlist(self, name: str) -> list[str]:
        return self[name]

    def getall(self, name: str) -> list[str]:
        return self[name]


@lru_cache(maxsize=8)
def _validator(auth_token: str) -> RequestValidator:
    return RequestValidator(auth_token)


@lru_cache(maxsize=256)
def _url_variants(url: str) -> tuple[str, str]:
    """The SDK's two forms of the URL, the one equal to the URL we were called on first: a public URL with a port
    is signed with it, one without mostly without, so the second HMAC is rarely needed."""
    parsed = urlparse(url)
    without, with_port = str(remove_port(parsed)), str(add_port(parsed))
    return (with_port, without) if with_port == url and without != url else (without, with_port)


# GSM 03.38 default alphabet and its extension table (extension characters take two septets).
_GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")


def _count_parts(unit_sizes: list[int], single: int, per_part: int) -> int:
    """Segments needed, never splitting one character's units across two segments."""
    if sum(unit_sizes) <= single:
        return 1
    parts, used = 1, 0
    for size in unit_sizes:
        if used + size > per_part:
            parts, used = parts + 1, 0
        used += size
    return parts


def segments(body: str) -> tuple[str, int]:
    """("GSM-7" | "UCS-2", number of SMS segments) for body, as Twilio bills it.

    GSM-7: 160 septets in a single SMS, 153 per segment when concatenated. One character outside GSM-7
    (any Arabic letter) makes the whole message UCS-2: 70 UTF-16 units single, 67 per segment.
    """
    if all(ch in _GSM7_BASIC or ch in _GSM7_EXTENSION for ch in body):
        return "GSM-7", _count_parts([2 if ch in _GSM7_EXTENSION else 1 for ch in body], 160, 153)
    units = [2 if ord(ch) > 0xFFFF else 1 for ch in body]
    return "UCS-2", _count_parts(units, 70, 67)
