"""handle_reply: which case a reply acts on, what it does to the escalation, and what Najda answers."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from redis import Redis
from rq.registry import ScheduledJobRegistry

from alerts import timers
from alerts.replies import handle_reply
from tests.escalation.helpers import escalation, kinds, only_case, sms_sent
from tests.factories import escalation_team, fixture, generic_body, make_responder, post_generic, post_twilio_sms
from triage.extensions import db
from triage.jobqueue import PAGES
from triage.models import Case, CaseStatus

URGENT = "I took pills and want to die now"


def _case(client: object, run_worker: Callable[[], None], sender: str = "s1", text: str = URGENT) -> str:
    post_generic(client, generic_body(text, sender=sender))  # type: ignore[arg-type]
    run_worker()
    return sender


def test_ack_names_the_holder_and_stops_the_escalation(
    app: Flask, client: object, run_worker: Callable[[], None], redis: Redis
) -> None:
    with app.app_context():
        _team, primary, _ = escalation_team()
        primary_id = primary.id
    _case(client, run_worker)
    with app.app_context():
        case = only_case()
        assert timers.step_job_id(case.id, 1) in ScheduledJobRegistry(PAGES, connection=redis).get_job_ids()
        assert handle_reply(primary_id, "١") == f"تم: الحالة {case.code} عند Amal."
        assert escalation(case.id).state == "acknowledged"
        assert timers.step_job_id(case.id, 1) not in ScheduledJobRegistry(PAGES, connection=redis).get_job_ids()
        assert handle_reply(primary_id, "ok") == f"تم: الحالة {case.code} عند Amal."  # idempotent
        assert kinds(case.id).count("acknowledged") == 1


def test_someone_else_acking_learns_who_holds_it(app: Flask, client: object, run_worker: Callable[[], None]) -> None:
    with app.app_context():
        team, primary, secondary = escalation_team()
        ids = primary.id, secondary.id
    _case(client, run_worker)
    with app.app_context():
        code = only_case().code
        handle_reply(ids[0], "1")
        assert handle_reply(ids[1], f"ACK {code}") == f"Case {code} is already held by Amal."


def test_several_open_cases_need_a_code_and_the_code_picks_one(
    app: Flask, client: object, run_worker: Callable[[], None]
) -> None:
    with app.app_context():
        _team, primary, _ = escalation_team()
        primary_id = primary.id
    _case(client, run_worker, sender="a")
    _case(client, run_worker, sender="b")
    with app.app_context():
        codes = sorted(c.code for c in db.session.query(Case))
        assert len(codes) == 2
        answer = handle_reply(primary_id, "تم")
        assert all(code in answer for code in codes) and "1 " in answer
        assert all(c.status == CaseStatus.OPEN for c in db.session.query(Case))
        assert "Amal" in handle_reply(primary_id, f"تم {codes[1].lower()}")
        acked = db.session.query(Case).filter(Case.code == codes[1]).one()
        assert acked.status == CaseStatus.ACKNOWLEDGED
        # With one case still waiting, a bare "1" means that one.
        assert codes[0] in handle_reply(primary_id, "1")


def test_resolve_and_unknown_code(app: Flask, client: object, run_worker: Callable[[], None]) -> None:
    with app.app_context():
        _team, primary, _ = escalation_team()
        primary_id = primary.id
    _case(client, run_worker)
    with app.app_context():
        code = only_case().code
        assert handle_reply(primary_id, "ACK QQQQ") == "لا توجد حالة مفتوحة QQQQ."
        assert handle_reply(primary_id, "حل") == f"تم إغلاق الحالة {code} (Amal)."
        case = only_case()
        assert case.status == CaseStatus.RESOLVED and case.resolved_at is not None
        assert escalation(case.id).state == "resolved"
        assert handle_reply(primary_id, "1") == "لا توجد حالات مفتوحة لك."


def test_escalate_by_reply_pages_the_next_level_now(
    app: Flask, client: object, run_worker: Callable[[], None], fake_twilio: object
) -> None:
    with app.app_context():
        _team, primary, secondary = escalation_team()
        primary_id, secondary_phone = primary.id, secondary.phone
    _case(client, run_worker)
    with app.app_context():
        code = only_case().code
        handle_reply(primary_id, "1")
        assert handle_reply(primary_id, "3") == f"صُعّدت الحالة {code} للمستوى التالي."
        case = only_case()
        assert case.status == CaseStatus.OPEN and case.assignee_id is None  # handed back
    run_worker()
    assert sms_sent(fake_twilio)[-1]["to"] == secondary_phone  # type: ignore[arg-type]


def test_nonsense_gets_help_and_unknown_responder_gets_nothing(
    app_ctx: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    _team, primary, _ = escalation_team()
    caplog.set_level(logging.INFO)
    assert "1" in handle_reply(primary.id, "where is the file?")
    assert handle_reply(99999, "تم secret words") == ""
    assert "secret" not in caplog.text and "where is" not in caplog.text


def test_a_responder_of_another_team_cannot_touch_a_case_by_code(
    app: Flask, client: object, run_worker: Callable[[], None]
) -> None:
    with app.app_context():
        team, _primary, _ = escalation_team()
        from tests.factories import make_team

        other = make_responder(make_team("other", ["disaster"]), "+966500000099", name="Other", language="en")
        db.session.commit()
        other_id = other.id
    _case(client, run_worker)
    with app.app_context():
        code = only_case().code
        assert handle_reply(other_id, f"1 {code}") == f"No open case {code}."
        assert only_case().status == CaseStatus.OPEN


def test_a_reply_twilio_delivers_again_is_acted_on_once(
    app: Flask, client: FlaskClient, run_worker: Callable[[], None]
) -> None:
    with app.app_context():
        _team, primary, _ = escalation_team()
        primary_id, phone = primary.id, primary.phone
    _case(client, run_worker)
    with app.app_context():
        case_id = only_case().id
        handle_reply(primary_id, "1")
        db.session.commit()
        before = kinds(case_id)

    def reply(sid: str) -> dict[str, str]:
        return {**fixture("twilio_sms.json"), "From": phone, "Body": "3", "MessageSid": sid, "SmsMessageSid": sid,
                "SmsSid": sid}

    answers = []
    for _ in range(3):  # Twilio got no answer in time and re-delivers
        response = post_twilio_sms(client, reply("SMescalate1"))
        assert response.status_code == 200
        answers.append(response.get_data(as_text=True))
    assert len(set(answers)) == 1 and "<Message>" in answers[0]
    with app.app_context():
        assert kinds(case_id)[len(before):].count("escalate_requested") == 1
    # A new reply (new MessageSid) with the same words is a new decision, and is acted on.
    assert post_twilio_sms(client, reply("SMescalate2")).status_code == 200
    with app.app_context():
        assert kinds(case_id)[len(before):].count("escalate_requested") == 2
