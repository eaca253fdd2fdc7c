"""Escalation policy behaviour: snapshots, exhaustion, nobody on call, opted-out numbers, priority raises."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from alerts.escalation import level_for, validate_levels
from alerts.fake_twilio import FakeTwilioServer
from alerts.models import EscalationPolicy
from tests.escalation.helpers import escalation, kinds, make_due_now, only_case, pages, sms_sent
from tests.factories import escalation_team, generic_body, make_team, post_generic
from triage.extensions import db
from triage.models import CaseEvent, PageStatus, Responder, utcnow
from workers.jobs import sweep

URGENT = "I took pills and want to die now"


def _step(app: Flask, run_worker: Callable[[], None], case_id: int) -> None:
    with app.app_context():
        make_due_now(case_id)
        sweep()
    run_worker()


def test_policy_edits_do_not_change_a_running_escalation(
    app: Flask, client: FlaskClient, run_worker: Callable[[], None], fake_twilio: FakeTwilioServer
) -> None:
    with app.app_context():
        _team, primary, _ = escalation_team()
        phone = primary.phone
    post_generic(client, generic_body(URGENT))
    run_worker()
    with app.app_context():
        policy = db.session.execute(select(EscalationPolicy)).scalar_one()
        policy.levels = [{"targets": [{"layer": 1}], "delay_seconds": 1}]  # secondary removed, later
        db.session.commit()
        case_id = only_case().id
        assert escalation(case_id).policy["levels"][1]["targets"] == [{"layer": 2}]
    _step(app, run_worker, case_id)
    assert [m["to"] for m in sms_sent(fake_twilio)][-1] != phone  # the snapshot's level 2: the secondary


def test_the_policy_runs_its_rounds_then_pauses_and_goes_round_again_until_answered(
    app: Flask, client: FlaskClient, run_worker: Callable[[], None], fake_twilio: FakeTwilioServer
) -> None:
    with app.app_context():
        escalation_team(repeat=1)
    post_generic(client, generic_body(URGENT))
    run_worker()
    with app.app_context():
        case_id = only_case().id
    for _ in range(3):
        _step(app, run_worker, case_id)
    with app.app_context():
        assert [p.step for p in pages(case_id)] == [0, 1, 2, 3]
        _step(app, run_worker, case_id)  # step 4: the pause
        row = escalation(case_id)
        assert row.state == "active" and row.next_step == 5
        assert row.next_due_at is not None and row.next_due_at > utcnow() + timedelta(minutes=9)
        assert kinds(case_id).count("escalation_exhausted") == 1
    _step(app, run_worker, case_id)
    with app.app_context():
        assert [p.step for p in pages(case_id)] == [0, 1, 2, 3, 5]
    assert len(sms_sent(fake_twilio)) == 5


def test_level_for_steps() -> None:
    assert [level_for(s, 2, 1) for s in range(10)] == [1, 2, 1, 2, None, 1, 2, None, 1, 2]
    assert [level_for(s, 1, 0) for s in range(5)] == [1, None, 1, None, 1]


def test_nobody_on_call_at_a_level_moves_on_at_once_and_says_so(
    app: Flask, client: FlaskClient, run_worker: Callable[[], None], fake_twilio: FakeTwilioServer
) -> None:
    with app.app_context():
        make_team("crisis", ["*"])
        db.session.commit()
    post_generic(client, generic_body(URGENT))
    run_worker()
    with app.app_context():
        case_id = only_case().id
        failures = db.session.execute(
            select(CaseEvent).where(CaseEvent.case_id == case_id, CaseEvent.kind == "page_failed")
        ).scalars().all()
        assert failures and all(e.detail["reason"] == "nobody_on_call" for e in failures)
        # Every level of every round at once, none waited for; then a pause before trying again.
        assert len(failures) == 6 and kinds(case_id).count("escalation_exhausted") == 1
        row = escalation(case_id)
        assert row.state == "active" and row.next_step == 7 and row.next_due_at > utcnow()  # type: ignore[operator]
    assert sms_sent(fake_twilio) == []


def test_opted_out_number_is_marked_and_skipped(
    app: Flask, client: FlaskClient, run_worker: Callable[[], None], fake_twilio: FakeTwilioServer
) -> None:
    with app.app_context():
        _team, primary, secondary = escalation_team(repeat=1)
        primary_id, primary_phone, secondary_phone = primary.id, primary.phone, secondary.phone
    requests.post(f"{fake_twilio.url}/_fake/fail", json={"mode": "opted_out", "to": primary_phone}, timeout=5)
    post_generic(client, generic_body(URGENT))
    run_worker()
    with app.app_context():
        case_id = only_case().id
        assert db.session.get(Responder, primary_id).opted_out  # type: ignore[union-attr]
        assert pages(case_id)[0].status == PageStatus.FAILED and pages(case_id)[0].error_code == "21610"
    _step(app, run_worker, case_id)  # round two comes back to the primary: skipped, not sent
    with app.app_context():
        skipped = db.session.execute(
            select(CaseEvent).where(CaseEvent.case_id == case_id, CaseEvent.kind == "page_skipped")
        ).scalars().all()
        assert [e.detail["reason"] for e in skipped] == ["opted_out"]
    assert [m["to"] for m in sms_sent(fake_twilio)] == [secondary_phone, secondary_phone]


def test_a_more_urgent_message_pages_the_next_level_now(
    app: Flask, client: FlaskClient, run_worker: Callable[[], None], fake_twilio: FakeTwilioServer
) -> None:
    with app.app_context():
        _team, primary, secondary = escalation_team()
        phones = [primary.phone, secondary.phone]
    post_generic(client, generic_body("زوجي يضربني", sender="same"))  # P2
    run_worker()
    with app.app_context():
        case = only_case()
        assert case.priority == "P2"
    post_generic(client, generic_body("الحقوني زوجي يضربني الحين", sender="same"))  # P1, same case
    run_worker()
    with app.app_context():
        case = only_case()
        assert case.priority == "P1"
        assert "escalation_advanced" in kinds(case.id)
    assert [m["to"] for m in sms_sent(fake_twilio)] == phones


@pytest.mark.parametrize("levels", [
    [], [{"targets": [], "delay_seconds": 1}], [{"targets": [{"layer": "1"}], "delay_seconds": 1}],
    [{"targets": [{"layer": 1, "responder": 2}], "delay_seconds": 1}], [{"targets": [{"layer": 1}]}],
    [{"targets": [{"layer": 1}], "delay_seconds": -5}],
])
def test_invalid_policies_are_refused(levels: list[dict[str, object]]) -> None:
    with pytest.raises(ValueError):
        validate_levels(levels)  # type: ignore[arg-type]


def test_a_step_held_by_maintenance_re_arms_itself_for_the_windows_end(
    app: Flask, client: FlaskClient, run_worker: Callable[[], None], redis: object
) -> None:
    from rq.registry import ScheduledJobRegistry

    from alerts import timers
    from alerts.models import MaintenanceWindow
    from triage.jobqueue import PAGES

    with app.app_context():
        team, _primary, _ = escalation_team()
        team_id = team.id
    post_generic(client, generic_body(URGENT))
    run_worker()
    with app.app_context():
        case_id = only_case().id
        db.session.add(MaintenanceWindow(team_id=team_id, starts_at=utcnow() - timedelta(minutes=1),
                                         ends_at=utcnow() + timedelta(minutes=20)))
        db.session.commit()
        make_due_now(case_id)
        sweep()
    run_worker()  # step 1 fires inside the window: held, and its own job re-armed for the window's end
    with app.app_context():
        assert "escalation_deferred" in kinds(case_id)
        assert len(pages(case_id)) == 1
        scheduled = ScheduledJobRegistry(PAGES, connection=redis).get_job_ids()  # type: ignore[arg-type]
        assert timers.again_id(timers.step_job_id(case_id, 1)) in scheduled
        assert sweep()["steps"] == 0  # the reconciler sees that timer: nothing lost, nothing doubled
