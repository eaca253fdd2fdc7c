"""The fake Twilio server: callbacks signed like Twilio's, failure injection, calls with key presses."""

from __future__ import annotations

import socket
import subprocess
import sys
from typing import Any

import requests
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator

from alerts.fake_twilio import FakeTwilioServer
from alerts.twilio_client import gather_twiml, place_call, send_sms
from tests.alerts.helpers import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    FROM_NUMBER,
    RESPONDER,
    Received,
    Receiver,
    wait_until,
)

OTHER = "+966507654321"
PAGE = "Najda P2 case B3X9 (domestic_violence). https://najda.example/c/B3X9"


def get(fake: FakeTwilioServer, path: str) -> Any:
    response = requests.get(f"{fake.url}/_fake/{path}", timeout=5)
    response.raise_for_status()
    return response.json()


def post(fake: FakeTwilioServer, path: str, payload: dict[str, Any]) -> requests.Response:
    return requests.post(f"{fake.url}/_fake/{path}", json=payload, timeout=5)


def assert_signed(received: Received) -> None:
    assert received.signature
    assert RequestValidator(AUTH_TOKEN).validate(received.url, received.form, received.signature)
    assert not RequestValidator("wrong-token").validate(received.url, received.form, received.signature)


def statuses(receiver: Receiver, sid: str) -> list[str]:
    return [r.form["MessageStatus"] for r in receiver.on("/status") if r.form["MessageSid"] == sid]


def test_status_callbacks_are_signed_and_follow_twilio_order(
    fake: FakeTwilioServer, client: Any, receiver: Receiver
) -> None:
    callback = f"{receiver.url}/status"
    outcome = send_sms(client, RESPONDER, FROM_NUMBER, PAGE, status_callback=callback)
    assert outcome.sid is not None

    assert wait_until(lambda: len(statuses(receiver, outcome.sid or "")) == 2)
    assert statuses(receiver, outcome.sid) == ["sent", "delivered"]  # no callback for "queued"
    for received in receiver.on("/status"):
        assert_signed(received)
        assert received.form["SmsSid"] == outcome.sid
        assert received.form["SmsStatus"] == received.form["MessageStatus"]
        assert (received.form["AccountSid"], received.form["ApiVersion"]) == (ACCOUNT_SID, "2010-04-01")
        assert (received.form["From"], received.form["To"]) == (FROM_NUMBER, RESPONDER)
        assert "ErrorCode" not in received.form
    [recorded] = get(fake, "messages")
    assert (recorded["status"], recorded["status_callback"]) == ("delivered", callback)
    assert client.messages(outcome.sid).fetch().status == "delivered"


def test_delivery_failure_for_one_number_reaches_the_callback(
    fake: FakeTwilioServer, client: Any, receiver: Receiver
) -> None:
    assert post(fake, "fail", {"delivery": "undelivered", "to": RESPONDER}).status_code == 200
    callback = f"{receiver.url}/status"

    failing = send_sms(client, RESPONDER, FROM_NUMBER, PAGE, status_callback=callback)
    healthy = send_sms(client, OTHER, FROM_NUMBER, PAGE, status_callback=callback)

    assert failing.accepted and healthy.accepted  # accepted by the API, lost on the way to the phone
    assert wait_until(lambda: len(receiver.on("/status")) == 4)
    assert statuses(receiver, failing.sid or "") == ["sent", "undelivered"]
    assert statuses(receiver, healthy.sid or "") == ["sent", "delivered"]
    [undelivered] = [r for r in receiver.on("/status") if r.form["MessageStatus"] == "undelivered"]
    assert undelivered.form["ErrorCode"] == "30003"
    assert_signed(undelivered)


def test_failed_delivery_reports_failed_only(fake: FakeTwilioServer, client: Any, receiver: Receiver) -> None:
    post(fake, "fail", {"delivery": "failed", "count": 1})

    outcome = send_sms(client, RESPONDER, FROM_NUMBER, PAGE, status_callback=f"{receiver.url}/status")

    assert wait_until(lambda: len(statuses(receiver, outcome.sid or "")) == 1)
    [received] = receiver.on("/status")
    assert (received.form["MessageStatus"], received.form["ErrorCode"]) == ("failed", "30003")


def test_fail_rules_apply_to_their_number_and_count(fake: FakeTwilioServer, client: Any) -> None:
    post(fake, "fail", {"mode": "500", "to": RESPONDER, "count": 2})

    results = [
        send_sms(client, to, FROM_NUMBER, PAGE, None) for to in (OTHER, RESPONDER, RESPONDER, RESPONDER)
    ]

    assert [r.accepted for r in results] == [True, False, False, True]
    assert [m["to"] for m in get(fake, "messages")] == [OTHER, RESPONDER]


def test_mode_none_clears_rules(fake: FakeTwilioServer, client: Any) -> None:
    post(fake, "fail", {"mode": "429"})
    assert not send_sms(client, RESPONDER, FROM_NUMBER, PAGE, None).accepted

    assert post(fake, "fail", {"mode": "none"}).json()["rules"] == 0
    assert send_sms(client, RESPONDER, FROM_NUMBER, PAGE, None).accepted


def test_error_bodies_look_like_twilio(fake: FakeTwilioServer) -> None:
    post(fake, "fail", {"mode": "429", "count": 1})
    url = f"{fake.url}/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    form = {"To": RESPONDER, "From": FROM_NUMBER, "Body": "x"}

    throttled = requests.post(url, data=form, auth=(ACCOUNT_SID, AUTH_TOKEN), timeout=5)
    unauthorized = requests.post(url, data=form, auth=(ACCOUNT_SID, "nope"), timeout=5)
    no_auth = requests.post(url, data=form, timeout=5)

    assert throttled.status_code == 429
    assert throttled.json() == {
        "code": 20429,
        "message": "Too Many Requests",
        "more_info": "https://www.twilio.com/docs/errors/20429",
        "status": 429,
    }
    for response in (unauthorized, no_auth):
        assert response.status_code == 401 and response.json()["code"] == 20003
        assert response.headers["WWW-Authenticate"].startswith("Basic")


def test_unknown_message_is_a_twilio_404(client: Any) -> None:
    try:
        client.messages("SM" + "0" * 32).fetch()
    except TwilioRestException as exc:
        assert (exc.status, exc.code) == (404, 20404)
    else:
        raise AssertionError("fetching an unknown message must fail")


def test_missing_body_and_from_are_rejected(fake: FakeTwilioServer) -> None:
    url = f"{fake.url}/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    auth = (ACCOUNT_SID, AUTH_TOKEN)

    no_body = requests.post(url, data={"To": RESPONDER, "From": FROM_NUMBER}, auth=auth, timeout=5)
    no_from = requests.post(url, data={"To": RESPONDER, "Body": "x"}, auth=auth, timeout=5)

    assert (no_body.status_code, no_body.json()["code"]) == (400, 21602)
    assert (no_from.status_code, no_from.json()["code"]) == (400, 21603)
    assert get(fake, "messages") == []


def test_control_endpoints_reject_bad_input(fake: FakeTwilioServer) -> None:
    bad: list[tuple[str, dict[str, Any]]] = [
        ("fail", {"mode": "explode"}),
        ("fail", {"mode": "500", "count": 0}),
        ("fail", {"mode": "500", "to": "0501234567"}),
        ("fail", {"mode": "500", "delivery": "failed"}),
        ("fail", {"delivery": "lost"}),
        ("digits", {"to": RESPONDER, "digits": "x"}),
        ("digits", {"digits": "1"}),
    ]
    for path, payload in bad:
        response = post(fake, path, payload)
        assert response.status_code == 400, payload
        assert response.json()["error"]
    not_json = requests.post(f"{fake.url}/_fake/fail", data="mode=500", timeout=5)
    assert not_json.status_code == 400


def test_reset_forgets_everything(fake: FakeTwilioServer, client: Any) -> None:
    send_sms(client, RESPONDER, FROM_NUMBER, PAGE, None)
    post(fake, "fail", {"mode": "500"})

    assert requests.post(f"{fake.url}/_fake/reset", timeout=5).status_code == 200

    assert get(fake, "messages") == [] and get(fake, "calls") == []
    assert send_sms(client, RESPONDER, FROM_NUMBER, PAGE, None).accepted


def test_call_with_inline_twiml_presses_the_pending_key(
    fake: FakeTwilioServer, client: Any, receiver: Receiver
) -> None:
    assert post(fake, "digits", {"to": RESPONDER, "digits": "1"}).status_code == 200
    twiml = gather_twiml([("en-US", "Press 1 to acknowledge")], f"{receiver.url}/gather")

    outcome = place_call(client, RESPONDER, FROM_NUMBER, twiml, status_callback=f"{receiver.url}/call-status")

    assert wait_until(lambda: len(receiver.on("/call-status")) == 1)
    [gathered] = receiver.on("/gather")
    assert (gathered.form["Digits"], gathered.form["CallSid"]) == ("1", outcome.sid)
    assert_signed(gathered)
    [status] = receiver.on("/call-status")
    assert (status.form["CallStatus"], status.form["CallSid"], status.form["To"]) == (
        "completed",
        outcome.sid,
        RESPONDER,
    )
    assert_signed(status)
    [call] = get(fake, "calls")
    assert (call["status"], call["digits"]) == ("completed", "1")


def test_call_with_url_fetches_twiml_and_posts_digits_to_the_gather_action(
    fake: FakeTwilioServer, client: Any, receiver: Receiver
) -> None:
    post(fake, "digits", {"to": RESPONDER, "digits": "2"})

    call = client.calls.create(
        to=RESPONDER,
        from_=FROM_NUMBER,
        url=f"{receiver.url}/twiml",
        status_callback=f"{receiver.url}/call-status",
    )

    assert wait_until(lambda: len(receiver.on("/call-status")) == 1)
    [fetched] = receiver.on("/twiml")
    assert (fetched.form["CallStatus"], fetched.form["CallSid"]) == ("in-progress", call.sid)
    assert_signed(fetched)
    [gathered] = receiver.on("/gather")  # the TwiML's relative action, resolved against its URL
    assert gathered.form["Digits"] == "2"


def test_call_without_a_key_press_completes_without_digits(
    fake: FakeTwilioServer, client: Any, receiver: Receiver
) -> None:
    twiml = gather_twiml([("ar-SA", "اضغط ١")], f"{receiver.url}/gather")

    place_call(client, OTHER, FROM_NUMBER, twiml, status_callback=f"{receiver.url}/call-status")

    assert wait_until(lambda: len(receiver.on("/call-status")) == 1)
    assert receiver.on("/gather") == []
    [call] = get(fake, "calls")
    assert (call["status"], call["digits"]) == ("completed", None)


def test_command_line_server_answers(tmp_path: Any) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "alerts.fake_twilio", "--port", str(port), "--auth-token", "cli-token"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:

        def listening() -> bool:
            try:
                return requests.get(f"http://127.0.0.1:{port}/_fake/messages", timeout=1).status_code == 200
            except requests.ConnectionError:
                return False

        assert wait_until(listening, timeout=20)
        url = f"http://127.0.0.1:{port}/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
        form = {"To": RESPONDER, "From": FROM_NUMBER, "Body": "hi"}
        assert requests.post(url, data=form, auth=(ACCOUNT_SID, "cli-token"), timeout=5).status_code == 201
    finally:
        process.terminate()
        process.wait(timeout=10)
