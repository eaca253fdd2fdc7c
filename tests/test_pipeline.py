"""End to end on real parts: signed webhook → RQ worker → case → SMS recorded by the fake Twilio server."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from alerts.fake_twilio import FakeTwilioServer
from tests.factories import generic_body, on_call_team, post_generic
from triage.extensions import db
from triage.models import Case, CaseEvent, Classification, Message, Page, PageStatus
from workers.jobs import page_on_call, send_page

URGENT_AR = "الحقوني زوجي يضربني الحين وقفل علي الباب"


def sms_sent(fake: FakeTwilioServer) -> list[dict[str, Any]]:
    response = requests.get(f"{fake.url}/_fake/messages", timeout=5)
    response.raise_for_status()
    messages: list[dict[str, Any]] = response.json()
    return messages


def test_urgent_message_pages_the_on_call_responder(
    app: Flask, client: FlaskClient, run_worker: Callable[[], None], fake_twilio: FakeTwilioServer
) -> None:
    with app.app_context():
        on_call_team("dv", ["domestic_violence"], phone="+966500000009")
    response = post_generic(client, generic_body(URGENT_AR, sender="citizen-42"))
    assert response.status_code == 200
    run_worker()

    with app.app_context():
        case = db.session.execute(select(Case)).scalar_one()
        assert case.priority == "P1" and "domestic_violence" in case.labels
        classification = db.session.execute(select(Classification)).scalar_one()
        assert classification.model_version and classification.evidence
        page = db.session.execute(select(Page).where(Page.channel == "sms")).scalar_one()
        assert page.twilio_sid and page.status == PageStatus.QUEUED
        kinds = [e.kind for e in db.session.execute(select(CaseEvent).order_by(CaseEvent.id)).scalars()]
        assert kinds == ["opened", "escalation_started", "escalation_step", "paged"]
    [sms] = sms_sent(fake_twilio)
    assert sms["to"] == "+966500000009"
    assert case.code in sms["body"] and "P1" in sms["body"]
    assert f"/c/{case.code}" in sms["body"]
    # Never the victim's words, name or id.
    for word in URGENT_AR.split():
        assert word not in sms["body"]
    assert "citizen-42" not in sms["body"]


def test_three_deliveries_make_one_message_one_case_one_sms(
    app: Flask, client: FlaskClient, run_worker: Callable[[], None], fake_twilio: FakeTwilioServer
) -> None:
    with app.app_context():
        on_call_team()
    body = generic_body("I took pills and want to die now", msg_id="wamid.1")
    for _ in range(3):
        assert post_generic(client, body).status_code == 200
        run_worker()
    with app.app_context():
        assert len(db.session.execute(select(Message)).scalars().all()) == 1
        assert len(db.session.execute(select(Case)).scalars().all()) == 1
    assert len(sms_sent(fake_twilio)) == 1


def test_page_job_run_twice_sends_one_sms(
    app: Flask, client: FlaskClient, run_worker: Callable[[], None], fake_twilio: FakeTwilioServer
) -> None:
    with app.app_context():
        on_call_team()
    post_generic(client, generic_body("I took pills and want to die now"))
    run_worker()
    with app.app_context():
        case_id = db.session.execute(select(Case.id)).scalar_one()
        assert page_on_call(case_id).endswith("no pages")  # step 0 was taken, step 1 not due: nothing sent
    assert len(sms_sent(fake_twilio)) == 1


def test_routine_question_opens_no_case_and_pages_nobody(
    app: Flask, client: FlaskClient, run_worker: Callable[[], None], fake_twilio: FakeTwilioServer
) -> None:
    with app.app_context():
        on_call_team()
    post_generic(client, generic_body("متى ينزل راتب الضمان الاجتماعي هذا الشهر؟"))
    run_worker()
    with app.app_context():
        assert db.session.execute(select(Case)).first() is None
        assert db.session.execute(select(Message)).scalar_one().status == "classified"
    assert sms_sent(fake_twilio) == []


def test_twilio_failure_is_retried_and_pages_once(
    app: Flask, client: FlaskClient, run_worker: Callable[[], None], fake_twilio: FakeTwilioServer
) -> None:
    with app.app_context():
        on_call_team()
    requests.post(f"{fake_twilio.url}/_fake/fail", json={"mode": "500", "count": 1}, timeout=5)
    post_generic(client, generic_body("I took pills and want to die now"))
    run_worker()  # the page job fails once and is scheduled for a retry
    with app.app_context():
        assert db.session.execute(select(Case.id)).scalar_one()
        failed = db.session.execute(select(CaseEvent).where(CaseEvent.kind == "page_failed")).scalar_one()
        assert failed.detail["retryable"] is True
        page = db.session.execute(select(Page).where(Page.channel == "sms")).scalar_one()
        assert send_page(page.id) == "sent"  # what the scheduled send job (RQ's retry) runs
        db.session.refresh(page)
        assert page.attempts == 2 and page.twilio_sid
    assert len(sms_sent(fake_twilio)) == 1


def test_nobody_on_call_is_recorded_not_dropped(
    app: Flask, client: FlaskClient, run_worker: Callable[[], None], fake_twilio: FakeTwilioServer
) -> None:
    post_generic(client, generic_body("I took pills and want to die now"))
    run_worker()
    with app.app_context():
        case = db.session.execute(select(Case)).scalar_one()
        events = db.session.execute(select(CaseEvent).where(CaseEvent.case_id == case.id)).scalars().all()
        failed = [e for e in events if e.kind == "page_failed"]
        assert failed and failed[0].detail["reason"] in ("no_team", "nobody_on_call")
    assert sms_sent(fake_twilio) == []


def test_second_message_from_the_same_sender_joins_the_open_case(
    app: Flask, client: FlaskClient, run_worker: Callable[[], None], fake_twilio: FakeTwilioServer
) -> None:
    with app.app_context():
        on_call_team()
    post_generic(client, generic_body("My husband beats me", sender="s-1"))
    run_worker()
    post_generic(client, generic_body("he says he is going to kill me now", sender="s-1"))
    run_worker()
    with app.app_context():
        case = db.session.execute(select(Case)).scalar_one()
        messages = db.session.execute(select(Message)).scalars().all()
        assert {m.case_id for m in messages} == {case.id}


@pytest.mark.parametrize("mode", ["invalid_number"])
def test_invalid_number_is_a_permanent_failure(
    app: Flask, client: FlaskClient, run_worker: Callable[[], None], fake_twilio: FakeTwilioServer, mode: str
) -> None:
    with app.app_context():
        on_call_team()
    requests.post(f"{fake_twilio.url}/_fake/fail", json={"mode": mode}, timeout=5)
    post_generic(client, generic_body("I took pills and want to die now"))
    run_worker()
    with app.app_context():
        page = db.session.execute(select(Page).where(Page.channel == "sms")).scalar_one()
        assert page.status == PageStatus.FAILED
        events = db.session.execute(select(CaseEvent)).scalars().all()
        assert "escalation_advanced" in [e.kind for e in events]  # the next level at once, not after 3 min
        # The invalid number is not tried again for this case when the policy comes back round to it.
        assert "number_invalid" in [e.detail.get("reason") for e in events if e.kind == "page_skipped"]
