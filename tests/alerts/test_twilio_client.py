"""alerts.twilio_client driven through the real twilio SDK against the fake Twilio server (no mocks)."""

from __future__ import annotations

import re
import socket
from typing import Any

import pytest
import requests

from alerts.fake_twilio import FakeTwilioServer
from alerts.twilio_client import (
    build_client,
    close_client,
    compute_signature,
    gather_twiml,
    place_call,
    segments,
    send_sms,
    validate_signature,
)
from tests.alerts.helpers import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, RESPONDER

PAGE = "Najda P1 case K7Q2 (self_harm). Open https://najda.example/c/K7Q2"


def fake_messages(fake: FakeTwilioServer) -> list[dict[str, Any]]:
    response = requests.get(f"{fake.url}/_fake/messages", timeout=5)
    response.raise_for_status()
    listing: list[dict[str, Any]] = response.json()
    return listing


def tell_fake(fake: FakeTwilioServer, path: str, payload: dict[str, Any]) -> None:
    requests.post(f"{fake.url}/_fake/{path}", json=payload, timeout=5).raise_for_status()


def test_send_sms_is_accepted_and_recorded(fake: FakeTwilioServer, client: Any) -> None:
    outcome = send_sms(client, RESPONDER, FROM_NUMBER, PAGE, status_callback=None)

    assert outcome.accepted
    assert outcome.sid is not None and re.fullmatch(r"SM[0-9a-f]{32}", outcome.sid)
    assert outcome.status == "queued"
    assert outcome.num_segments == 1
    assert (outcome.retryable, outcome.permanent_failure, outcome.error_code) == (False, False, None)
    [recorded] = fake_messages(fake)
    assert (recorded["sid"], recorded["to"], recorded["from"], recorded["body"]) == (
        outcome.sid,
        RESPONDER,
        FROM_NUMBER,
        PAGE,
    )
    fetched = client.messages(outcome.sid).fetch()
    assert (fetched.sid, fetched.account_sid, fetched.body, fetched.to) == (
        outcome.sid,
        ACCOUNT_SID,
        PAGE,
        RESPONDER,
    )


def test_messaging_service_sid_is_sent_instead_of_from(fake: FakeTwilioServer, client: Any) -> None:
    service = "MG" + "ab" * 16
    outcome = send_sms(client, RESPONDER, service, PAGE, status_callback=None)

    assert outcome.accepted and outcome.status == "accepted"
    [recorded] = fake_messages(fake)
    assert recorded["messaging_service_sid"] == service and recorded["from"] is None


def test_wrong_auth_token_is_an_error_outcome_not_an_exception(fake: FakeTwilioServer) -> None:
    client = build_client(ACCOUNT_SID, "not-the-token", fake.url, timeout=5.0)
    try:
        outcome = send_sms(client, RESPONDER, FROM_NUMBER, PAGE, status_callback=None)
    finally:
        close_client(client)

    assert not outcome.accepted
    assert (outcome.http_status, outcome.error_code) == (401, 20003)
    assert not outcome.retryable and not outcome.permanent_failure
    assert fake_messages(fake) == []


@pytest.mark.parametrize(("mode", "http_status", "code"), [("500", 500, 20500), ("429", 429, 20429)])
def test_server_errors_and_throttling_are_retryable(
    fake: FakeTwilioServer, client: Any, mode: str, http_status: int, code: int
) -> None:
    tell_fake(fake, "fail", {"mode": mode, "count": 1})

    failed = send_sms(client, RESPONDER, FROM_NUMBER, PAGE, status_callback=None)
    retried = send_sms(client, RESPONDER, FROM_NUMBER, PAGE, status_callback=None)

    assert not failed.accepted and failed.retryable and not failed.permanent_failure
    assert (failed.http_status, failed.error_code) == (http_status, code)
    assert retried.accepted
    assert [m["sid"] for m in fake_messages(fake)] == [retried.sid]


def test_timeout_is_retryable(fake: FakeTwilioServer) -> None:
    client = build_client(ACCOUNT_SID, AUTH_TOKEN, fake.url, timeout=0.5)
    tell_fake(fake, "fail", {"mode": "timeout", "count": 1, "seconds": 30})
    try:
        outcome = send_sms(client, RESPONDER, FROM_NUMBER, PAGE, status_callback=None)
    finally:
        close_client(client)

    assert not outcome.accepted and outcome.retryable and not outcome.permanent_failure
    assert outcome.error_code is None and "timed out" in outcome.message


def test_unreachable_api_is_retryable() -> None:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = build_client(ACCOUNT_SID, AUTH_TOKEN, f"http://127.0.0.1:{port}", timeout=2.0)
    try:
        outcome = send_sms(client, RESPONDER, FROM_NUMBER, PAGE, status_callback=None)
    finally:
        close_client(client)

    assert not outcome.accepted and outcome.retryable


def test_invalid_number_is_permanent(fake: FakeTwilioServer, client: Any) -> None:
    tell_fake(fake, "fail", {"mode": "invalid_number", "to": RESPONDER})

    injected = send_sms(client, RESPONDER, FROM_NUMBER, PAGE, status_callback=None)
    malformed = send_sms(client, "0501234567", FROM_NUMBER, PAGE, status_callback=None)

    for outcome in (injected, malformed):
        assert not outcome.accepted and not outcome.retryable
        assert outcome.permanent_failure and outcome.invalid_number and not outcome.opted_out
        assert (outcome.http_status, outcome.error_code) == (400, 21211)
        assert "0501234567" not in outcome.message and RESPONDER not in outcome.message
    assert fake_messages(fake) == []


def test_opted_out_number_is_permanent_and_flagged(fake: FakeTwilioServer, client: Any) -> None:
    tell_fake(fake, "fail", {"mode": "opted_out", "to": RESPONDER})

    outcome = send_sms(client, RESPONDER, FROM_NUMBER, PAGE, status_callback=None)

    assert outcome.permanent_failure and outcome.opted_out and not outcome.invalid_number
    assert outcome.error_code == 21610 and not outcome.retryable


def test_arabic_page_is_billed_as_ucs2_segments(fake: FakeTwilioServer, client: Any) -> None:
    body = "نجدة: حالة عاجلة K7Q2 (إيذاء النفس) أولوية P1. افتح الرابط: https://najda.example/c/K7Q2 الآن"

    outcome = send_sms(client, RESPONDER, FROM_NUMBER, body, status_callback=None)

    assert len(body) > 70 and outcome.num_segments == 2
    [recorded] = fake_messages(fake)
    assert (recorded["encoding"], recorded["num_segments"]) == ("UCS-2", 2)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("a" * 160, ("GSM-7", 1)),
        ("a" * 161, ("GSM-7", 2)),
        ("a" * 306, ("GSM-7", 2)),
        ("a" * 307, ("GSM-7", 3)),
        ("{" * 80, ("GSM-7", 1)),  # extension characters take two septets
        ("{" * 81, ("GSM-7", 2)),
        ("ع" * 70, ("UCS-2", 1)),
        ("ع" * 71, ("UCS-2", 2)),
        ("ع" * 134, ("UCS-2", 2)),
        ("ع" * 135, ("UCS-2", 3)),
        ("a" * 159 + "ع", ("UCS-2", 3)),  # one Arabic letter makes the whole message UCS-2
        ("café ok", ("GSM-7", 1)),
        ("naïve", ("UCS-2", 1)),  # ï is not in GSM-7
    ],
)
def test_segments(body: str, expected: tuple[str, int]) -> None:
    assert segments(body) == expected


def test_place_call_returns_a_call_sid(fake: FakeTwilioServer, client: Any) -> None:
    twiml = gather_twiml(
        [("ar-SA", "اضغط ١ للاستلام"), ("en-US", "Press 1 to acknowledge")], "http://x.test/g"
    )

    outcome = place_call(client, RESPONDER, FROM_NUMBER, twiml, status_callback=None)

    assert outcome.accepted and outcome.sid is not None and re.fullmatch(r"CA[0-9a-f]{32}", outcome.sid)
    assert outcome.status == "queued"
    [call] = requests.get(f"{fake.url}/_fake/calls", timeout=5).json()
    assert call["twiml"] == twiml and call["to"] == RESPONDER


def test_place_call_to_invalid_number_is_permanent(client: Any) -> None:
    outcome = place_call(client, "12345", FROM_NUMBER, "<Response/>", status_callback=None)

    assert outcome.permanent_failure and outcome.invalid_number


def test_signature_round_trip() -> None:
    url = "https://najda.example/webhooks/twilio/status"
    params = {"MessageSid": "SM1", "MessageStatus": "delivered"}
    signature = compute_signature(AUTH_TOKEN, url, params)

    assert validate_signature(AUTH_TOKEN, url, params, signature)
    assert not validate_signature(AUTH_TOKEN, url, {**params, "MessageStatus": "failed"}, signature)
    assert not validate_signature("other-token", url, params, signature)
    assert not validate_signature(AUTH_TOKEN, url, params, "")


def test_build_client_rejects_a_non_positive_timeout() -> None:
    with pytest.raises(ValueError):
        build_client(ACCOUNT_SID, AUTH_TOKEN, None, timeout=0)


def test_loopback_api_ignores_proxy_settings(fake: FakeTwilioServer, monkeypatch: pytest.MonkeyPatch) -> None:
    # A proxy that does not exist: the request only succeeds if it is not routed through it.
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    client = build_client(ACCOUNT_SID, AUTH_TOKEN, fake.url, timeout=5.0)
    try:
        outcome = send_sms(client, RESPONDER, FROM_NUMBER, PAGE, status_callback=None)
    finally:
        close_client(client)

    assert outcome.accepted


@pytest.mark.parametrize("url", [
    "https://najda.example/webhooks/twilio/sms",
    "https://najda.example:443/webhooks/twilio/sms",
    "http://127.0.0.1:8000/webhooks/twilio/sms?x=1",
    "http://najda.example/webhooks/twilio/sms",
])
def test_validate_signature_agrees_with_the_sdk(url: str) -> None:
    """validate_signature checks the two URL forms itself (cheaper): it must decide exactly as the SDK does."""
    from urllib.parse import urlparse

    from twilio.request_validator import RequestValidator, add_port, remove_port
    from werkzeug.datastructures import MultiDict

    params = MultiDict([("Body", "ACK"), ("MediaUrl0", "b"), ("MediaUrl0", "a"), ("From", "+966500000001")])
    parsed = urlparse(url)
    for signed_url in {url, remove_port(parsed), add_port(parsed), url + "/other"}:
        for signature in (compute_signature(AUTH_TOKEN, signed_url, params.to_dict()),
                          str(RequestValidator(AUTH_TOKEN).compute_signature(signed_url, params)), "", "é" * 28):
            assert validate_signature(AUTH_TOKEN, url, params, signature) == (
                bool(signature) and RequestValidator(AUTH_TOKEN).validate(url, params, signature))
