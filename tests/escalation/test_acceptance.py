"""The issue's acceptance, on real parts: signed webhook → RQ (real Redis, RQ's scheduler) → the fake Twilio
server → its signed callbacks back into Najda. Time is driven by making due times past, never by sleeping."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import requests
from flask import Flask
from redis import Redis
from rq.job import Job, JobStatus
from rq.registry import ScheduledJobRegistry
from sqlalchemy import update

from alerts import timers
from alerts.escalation import ensure_escalation, fire_step
from alerts.fake_twilio import FakeTwilioServer
from alerts.replies import handle_reply
from tests.escalation.conftest import Live
from tests.escalation.helpers import (
    escalation,
    fail,
    kinds,
    make_due_now,
    only_case,
    pages,
    sms_sent,
    wait_until,
)
from tests.factories import (
    escalation_team,
    generic_body,
    make_policy,
    make_responder,
    make_rotation,
    make_team,
    post_generic,
)
from triage.cases import record_event
from triage.extensions import db
from triage.jobqueue import PAGES, jobs
from triage.models import Case, Page, PageStatus, utcnow
from workers.jobs import escalation_step, sweep

URGENT = "I took pills and want to die now"


def _open_p1(live: Live) -> int:
    assert post_generic(live.app.test_client(), generic_body(URGENT, sender="citizen-7")).status_code == 200
    live.run_worker()
    with live.app.app_context():
        case = only_case()
        assert case.priority == "P1"
        return case.id


def test_p1_pages_primary_then_secondary_until_acked_by_arabic_reply(
    live: Live, fake_twilio: FakeTwilioServer, redis: Redis
) -> None:
    with live.app.app_context():
        _team, primary, secondary = escalation_team()
        primary_phone, secondary_phone, secondary_id = primary.phone, secondary.phone, secondary.id
    case_id = _open_p1(live)
    [first] = sms_sent(fake_twilio)
    assert first["to"] == primary_phone
    with live.app.app_context():
        row = escalation(case_id)
        assert row.next_step == 1 and row.next_due_at is not None
        # The timer is armed in RQ's scheduler at the policy's delay (180 s), and lives in the database too.
        scheduled = ScheduledJobRegistry(PAGES, connection=redis)
        assert timers.step_job_id(case_id, 1) in scheduled.get_job_ids()
        fires_at = datetime.fromtimestamp(scheduled.get_expiration_time(Job.fetch(
            timers.step_job_id(case_id, 1), connection=redis)).timestamp(), tz=ZoneInfo("UTC"))
        assert abs((fires_at - row.next_due_at).total_seconds()) < 2
        opened = db.session.get(Case, case_id)
        assert opened is not None
        assert 179 <= (row.next_due_at - opened.opened_at).total_seconds() <= 200
        # Status callbacks from the fake reach the status endpoint, signed.
        assert wait_until(lambda: pages(case_id)[0].status == PageStatus.DELIVERED)

    live.run_worker()  # nothing is due yet: no second page
    assert len(sms_sent(fake_twilio)) == 1

    with live.app.app_context():
        make_due_now(case_id)  # three minutes pass without an acknowledgement
        sweep()
    live.run_worker()
    messages = sms_sent(fake_twilio)
    assert [m["to"] for m in messages] == [primary_phone, secondary_phone]

    with live.app.app_context():
        reply = handle_reply(secondary_id, "تم")
        assert "Badr" in reply and "held by" in reply  # the secondary replies in English: Badr's language
        case = db.session.get(Case, case_id)
        assert case is not None and case.status == "acknowledged" and case.assignee_id == secondary_id
        assert escalation(case_id).state == "acknowledged"
        assert timers.step_job_id(case_id, 2) not in ScheduledJobRegistry(PAGES, connection=redis).get_job_ids()
        # Even a stale timer that fires finds the case acknowledged and does nothing.
        make_due_now(case_id)
        sweep()
        assert escalation_step(case_id, 2) == "escalation acknowledged step 2: no pages"
    live.run_worker()
    assert len(sms_sent(fake_twilio)) == 2
    with live.app.app_context():
        assert kinds(case_id).count("escalation_step") == 2
        assert "acknowledged" in kinds(case_id)


def test_delivery_failure_callback_escalates_at_once(
    live: Live, fake_twilio: FakeTwilioServer, redis: Redis
) -> None:
    with live.app.app_context():
        _team, primary, secondary = escalation_team()
        primary_phone, secondary_phone = primary.phone, secondary.phone
    fail(fake_twilio, delivery="failed", to=primary_phone)
    case_id = _open_p1(live)
    with live.app.app_context():
        # The fake reports "failed" (30003) to /webhooks/twilio/status; handling that callback enqueues the
        # next step for now, without waiting out the 3 minutes.
        def failed_callback_answered() -> bool:
            answered = requests.get(f"{fake_twilio.url}/_fake/callbacks", timeout=5).json()
            return any(c["params"].get("MessageStatus") == "failed" and c["status_code"] == 200 for c in answered)

        assert wait_until(failed_callback_answered)
        # By the time Najda has answered that callback, the next step waits in the queue (not the scheduler).
        job = Job.fetch(timers.step_job_id(case_id, 1), connection=redis)
        assert job.get_status() == JobStatus.QUEUED
        assert pages(case_id)[0].status == PageStatus.FAILED
        assert escalation(case_id).next_due_at <= utcnow()  # type: ignore[operator]
        assert "escalation_advanced" in kinds(case_id)
        assert pages(case_id)[0].error_code == "30003"
    live.run_worker()
    assert [m["to"] for m in sms_sent(fake_twilio)] == [primary_phone, secondary_phone]


def test_redis_flushed_mid_escalation_resumes_without_losing_or_doubling_a_step(
    live: Live, fake_twilio: FakeTwilioServer, redis: Redis
) -> None:
    with live.app.app_context():
        _team, primary, secondary = escalation_team(repeat=1)
        primary_phone, secondary_phone = primary.phone, secondary.phone
    case_id = _open_p1(live)
    redis.flushdb()  # Redis restarted empty: the step-1 timer is gone
    with live.app.app_context():
        assert sweep()["steps"] == 1  # re-armed from the database, still in the future
        assert timers.step_job_id(case_id, 1) in ScheduledJobRegistry(PAGES, connection=redis).get_job_ids()
        assert sweep()["steps"] == 0  # armed once, not twice
        redis.flushdb()
        make_due_now(case_id)
        assert sweep()["steps"] == 1
    live.run_worker()
    with live.app.app_context():
        sweep()  # a second reconcile must not re-fire step 1
    live.run_worker()
    for _ in range(2):  # and again for step 2, after another flush
        redis.flushdb()
        with live.app.app_context():
            make_due_now(case_id)
            sweep()
        live.run_worker()
    with live.app.app_context():
        steps = [p.step for p in pages(case_id)]
        assert steps == [0, 1, 2, 3]  # one page per step, none lost, none doubled
        assert escalation(case_id).next_step == 4
    assert [m["to"] for m in sms_sent(fake_twilio)] == [primary_phone, secondary_phone] * 2


def test_page_written_but_never_sent_is_sent_by_the_reconciler(
    live: Live, fake_twilio: FakeTwilioServer, redis: Redis
) -> None:
    """A worker crashed between writing the step's pages and calling Twilio, and Redis lost everything."""
    with live.app.app_context():
        team, primary, _secondary = escalation_team()
        primary_phone = primary.phone
        case = Case(code="KQ7A", priority="P1", labels=["self_harm"], team_id=team.id, channel="generic")
        db.session.add(case)
        db.session.flush()
        record_event(case, "opened")
        ensure_escalation(case, utcnow())
        db.session.commit()
        result = fire_step(case.id, 0, utcnow(), live.app.extensions["najda.settings"].public_url)
        assert result.outcome == "fired" and len(result.page_ids) == 1
        db.session.execute(update(Page).values(created_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
        redis.flushdb()
        swept = sweep()
        assert swept["sends"] == 1 and swept["steps"] == 1
        case_id = case.id
    live.run_worker()
    assert [m["to"] for m in sms_sent(fake_twilio)] == [primary_phone]
    with live.app.app_context():
        assert pages(case_id)[0].twilio_sid


def test_handoff_at_0800_riyadh_pages_the_right_person_on_each_side(
    live: Live, fake_twilio: FakeTwilioServer, app: Flask
) -> None:
    riyadh = ZoneInfo("Asia/Riyadh")
    before = datetime(2026, 11, 29, 7, 59, 59, tzinfo=riyadh)
    after = datetime(2026, 11, 29, 8, 0, 0, tzinfo=riyadh)
    with live.app.app_context():
        team = make_team("crisis", ["*"], timezone="Asia/Riyadh")
        night = make_responder(team, "+966500000011", name="Night")
        day = make_responder(team, "+966500000012", name="Day")
        night_phone, day_phone = night.phone, day.phone
        # Daily handoff at 08:00 local; Night's first turn began at 08:00 on the 28th, Day's at 08:00 on the 29th.
        make_rotation(team, [night, day], kind="daily", handoff="08:00", anchor=before.date() - timedelta(days=1))
        make_policy(team, [{"targets": [{"layer": 1}], "delay_seconds": 180}])
        ids = []
        for code, at in (("AAAA", before), ("CCCC", after)):
            case = Case(code=code, priority="P1", labels=["self_harm"], team_id=team.id, channel="generic")
            db.session.add(case)
            db.session.flush()
            ensure_escalation(case, at.astimezone(ZoneInfo("UTC")))
            db.session.commit()
            result = fire_step(case.id, 0, at, live.app.extensions["najda.settings"].public_url)
            for page_id in result.page_ids:
                timers.arm_send(jobs(), page_id, utcnow(), utcnow())
            ids.append(case.id)
    live.run_worker()
    sent = {m["body"].split()[3]: m["to"] for m in sms_sent(fake_twilio)}  # "نجدة P1: حالة CODE ..."
    assert sent == {"AAAA": night_phone, "CCCC": day_phone}
