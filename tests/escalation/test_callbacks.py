"""Twilio's callbacks: signatures, delivery states in order, and the P1 voice fallback with keypad answers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import requests
from flask import Flask
from flask.testing import FlaskClient
from redis import Redis
from rq.job import JobStatus
from sqlalchemy import update

from alerts import timers
from alerts.fake_twilio import FakeTwilioServer
from alerts.twilio_client import compute_signature
from tests.conftest import TEST_TWILIO_TOKEN
from tests.escalation.conftest import Live
from tests.escalation.helpers import calls_made, escalation, job_status, kinds, only_case, pages, sms_sent, wait_until
from tests.factories import escalation_team, generic_body, post_generic
from triage.extensions import db
from triage.models import Case, CaseStatus, Page, PageStatus, utcnow
from workers.jobs import send_page

URGENT = "I took pills and want to die now"
VOICE_LEVELS = [
    {"targets": [{"layer": 1}], "delay_seconds": 180, "voice": True},
    {"targets": [{"layer": 2}], "delay_seconds": 300, "voice": False},
]


def _signed_post(client: FlaskClient, path: str, form: dict[str, str], token: str = TEST_TWILIO_TOKEN) -> int:
    signature = compute_signature(token, f"http://najda.test{path}", form)
    return client.post(path, data=form, headers={"X-Twilio-Signature": signature}).status_code


def test_status_callback_needs_a_valid_signature(client: FlaskClient) -> None:
    form = {"MessageSid": "SM1", "MessageStatus": "delivered"}
    assert client.post("/webhooks/twilio/status", data=form).status_code == 401
    assert _signed_post(client, "/webhooks/twilio/status", form, token="wrong") == 401
    assert _signed_post(client, "/webhooks/twilio/status", form) == 200  # unknown sid: accepted, ignored
    assert client.post("/webhooks/twilio/voice/gather?page=1", data={"Digits": "1"}).status_code == 401


def test_statuses_never_go_backwards(
    app: Flask, client: FlaskClient, run_worker: Callable[[], None]
) -> None:
    with app.app_context():
        escalation_team()
    post_generic(client, generic_body(URGENT))
    run_worker()
    with app.app_context():
        page = pages(only_case().id)[0]
        sid, case_id = page.twilio_sid, page.case_id
    assert sid
    for status in ("delivered", "sent", "queued"):
        assert _signed_post(client, "/webhooks/twilio/status", {"MessageSid": sid, "MessageStatus": status}) == 200
    with app.app_context():
        assert pages(case_id)[0].status == PageStatus.DELIVERED
        assert kinds(case_id).count("page_status") == 1


def test_undelivered_callback_moves_to_the_next_level(
    app: Flask, client: FlaskClient, run_worker: Callable[[], None], fake_twilio: FakeTwilioServer
) -> None:
    with app.app_context():
        _team, _primary, secondary = escalation_team()
        secondary_phone = secondary.phone
    post_generic(client, generic_body(URGENT))
    run_worker()
    with app.app_context():
        page = pages(only_case().id)[0]
        sid = page.twilio_sid
    form = {"MessageSid": sid or "", "MessageStatus": "undelivered", "ErrorCode": "30003"}
    assert _signed_post(client, "/webhooks/twilio/status", form) == 200
    run_worker()
    assert sms_sent(fake_twilio)[-1]["to"] == secondary_phone


def _voice_case(live: Live, fake_twilio: FakeTwilioServer, digits: str) -> tuple[int, str]:
    with live.app.app_context():
        _team, primary, _ = escalation_team(levels=VOICE_LEVELS)
        phone = primary.phone
    requests.post(f"{fake_twilio.url}/_fake/digits", json={"to": phone, "digits": digits}, timeout=5)
    post_generic(live.app.test_client(), generic_body(URGENT))
    live.run_worker()
    with live.app.app_context():
        case_id = only_case().id
        [voice] = pages(case_id, "voice")
        assert voice.status == PageStatus.PENDING and voice.send_after is not None  # a minute after the SMS
        # The minute passes without an acknowledgement: the scheduled send job runs.
        db.session.execute(update(Page).where(Page.id == voice.id).values(send_after=utcnow() - timedelta(seconds=1)))
        db.session.commit()
        assert send_page(voice.id) == "sent"
    return case_id, phone


def test_p1_voice_fallback_key_1_acknowledges(live: Live, fake_twilio: FakeTwilioServer) -> None:
    case_id, phone = _voice_case(live, fake_twilio, "1")
    [call] = calls_made(fake_twilio)
    assert call["to"] == phone and "<Gather" in call["twiml"] and 'language="ar-AE"' in call["twiml"]
    with live.app.app_context():

        def acknowledged() -> bool:
            db.session.expire_all()
            case = db.session.get(Case, case_id)
            return case is not None and case.status == CaseStatus.ACKNOWLEDGED

        assert wait_until(acknowledged)
        assert wait_until(lambda: pages(case_id, "voice")[0].status == PageStatus.DELIVERED)
        voice = pages(case_id, "voice")[0]
        assert voice.digits == "1"
        assert escalation(case_id).state == "acknowledged"
        assert "voice_keypress" in kinds(case_id)


def test_p1_voice_fallback_key_2_escalates(live: Live, fake_twilio: FakeTwilioServer, redis: Redis) -> None:
    case_id, _phone = _voice_case(live, fake_twilio, "2")
    with live.app.app_context():
        assert wait_until(lambda: "escalation_advanced" in kinds(case_id))
        # The key press handler enqueues the next step right after its commit.
        assert wait_until(lambda: job_status(redis, timers.step_job_id(case_id, 1)) == JobStatus.QUEUED)
    live.run_worker()
    with live.app.app_context():
        assert [p.step for p in pages(case_id)] == [0, 1]


def test_voice_fallback_is_cancelled_by_an_ack(live: Live, fake_twilio: FakeTwilioServer) -> None:
    with live.app.app_context():
        _team, primary, _ = escalation_team(levels=VOICE_LEVELS)
        primary_id = primary.id
    post_generic(live.app.test_client(), generic_body(URGENT))
    live.run_worker()
    with live.app.app_context():
        from alerts.replies import handle_reply

        case_id = only_case().id
        handle_reply(primary_id, "1")
        voice = pages(case_id, "voice")[0]
        assert voice.status == PageStatus.CANCELLED
        assert send_page(voice.id) == "done"
    assert calls_made(fake_twilio) == []


def test_a_callback_that_beats_the_senders_commit_still_finds_its_page(app: Flask, client: FlaskClient) -> None:
    from alerts.escalation import ensure_escalation, fire_step

    with app.app_context():
        team, _primary, _ = escalation_team()
        case = Case(code="RACE", priority="P1", labels=[], team_id=team.id, channel="generic")
        db.session.add(case)
        db.session.flush()
        ensure_escalation(case, utcnow())
        db.session.commit()
        [page_id] = fire_step(case.id, 0, utcnow(), "http://najda.test").page_ids
    path = f"/webhooks/twilio/status?page={page_id}"
    assert _signed_post(client, path, {"MessageSid": "SMrace", "MessageStatus": "failed", "ErrorCode": "30003"}) == 200
    with app.app_context():
        page = db.session.get(Page, page_id)
        assert page is not None and page.twilio_sid == "SMrace" and page.status == PageStatus.FAILED
        assert "escalation_advanced" in kinds(page.case_id)
    # Another page's id in the URL cannot be used to hijack an already-sent page.
    assert _signed_post(client, path, {"MessageSid": "SMother", "MessageStatus": "delivered"}) == 200
    with app.app_context():
        assert db.session.get(Page, page_id).status == PageStatus.FAILED  # type: ignore[union-attr]


def test_a_page_whose_callbacks_never_came_is_asked_about_and_escalates(
    app: Flask, client: FlaskClient, run_worker: Callable[[], None], fake_twilio: FakeTwilioServer
) -> None:
    """Najda's web was down when Twilio reported the failure (here: http://najda.test does not resolve)."""
    from workers.jobs import sweep

    with app.app_context():
        _team, primary, secondary = escalation_team()
        primary_phone, secondary_phone = primary.phone, secondary.phone
    requests.post(f"{fake_twilio.url}/_fake/fail", json={"delivery": "failed", "to": primary_phone}, timeout=5)
    post_generic(client, generic_body(URGENT))
    run_worker()
    with app.app_context():
        case_id = only_case().id
        assert wait_until(lambda: bool(requests.get(f"{fake_twilio.url}/_fake/callbacks", timeout=5).json()))
        assert pages(case_id)[0].status == PageStatus.QUEUED  # the callback never arrived
        sweep()
        assert pages(case_id)[0].status == PageStatus.QUEUED  # too recent to ask about
        db.session.execute(update(Page).values(sent_at=utcnow() - timedelta(minutes=6)))
        db.session.commit()
        sweep()
        assert pages(case_id)[0].status == PageStatus.FAILED and pages(case_id)[0].error_code == "30003"
    run_worker()
    assert [m["to"] for m in sms_sent(fake_twilio)] == [primary_phone, secondary_phone]
