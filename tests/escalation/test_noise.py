"""Noise control: one page per case per level, bursts bundled into one SMS, per-responder caps, P1 never held."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from flask import Flask
from redis import Redis
from rq.registry import ScheduledJobRegistry
from sqlalchemy import update

from alerts import timers
from alerts.throttle import BURST_WINDOW, CAP, CAP_WINDOW, hold_until
from tests.escalation.helpers import kinds, pages, sms_sent
from tests.factories import escalation_team, generic_body, post_generic
from triage.extensions import db
from triage.jobqueue import PAGES
from triage.models import Case, Page, PageStatus, utcnow
from workers.jobs import page_on_call, send_page

NOW = datetime(2026, 11, 29, 12, tzinfo=UTC)


def test_p1_is_never_held() -> None:
    assert hold_until("P1", [NOW - timedelta(seconds=i) for i in range(50)], NOW) is None


def test_a_burst_waits_for_the_minute_to_end() -> None:
    assert hold_until("P2", [], NOW) is None
    assert hold_until("P2", [NOW - timedelta(seconds=20)], NOW) == NOW + timedelta(seconds=40)
    assert hold_until("P2", [NOW - BURST_WINDOW], NOW) is None


def test_the_cap_holds_until_the_oldest_send_leaves_the_window() -> None:
    sends = [NOW - timedelta(minutes=14) + timedelta(minutes=i) for i in range(CAP)]  # last one 5 min ago
    assert hold_until("P2", sends, NOW) == sends[0] + CAP_WINDOW
    assert hold_until("P2", sends[1:], NOW) is None
    assert hold_until("P2", [NOW - timedelta(hours=1)] * 50, NOW) is None  # old sends do not count


def _p2_case(team_id: int, code: str) -> int:
    case = Case(code=code, priority="P2", labels=["domestic_violence"], team_id=team_id, channel="generic")
    db.session.add(case)
    db.session.commit()
    return case.id


def test_burst_of_p2_cases_for_one_responder_becomes_one_sms_listing_the_codes(
    app: Flask, run_worker: Callable[[], None], fake_twilio: object, redis: Redis
) -> None:
    with app.app_context():
        team, primary, _ = escalation_team()
        phone = primary.phone
        ids = [_p2_case(team.id, code) for code in ("AAAA", "CCCC", "DDDD")]
        for case_id in ids:
            page_on_call(case_id)
    [first] = sms_sent(fake_twilio)  # type: ignore[arg-type]
    assert "AAAA" in first["body"]
    with app.app_context():
        held = [pages(i)[0] for i in ids[1:]]
        assert all(p.status == PageStatus.PENDING and p.send_after is not None for p in held)
        assert all("page_held" in kinds(i) for i in ids[1:])
        scheduled = ScheduledJobRegistry(PAGES, connection=redis).get_job_ids()
        assert {timers.send_job_id(p.id) for p in held} <= set(scheduled)
        # The minute passes: the first held page goes out carrying the other one.
        db.session.execute(update(Page).where(Page.id.in_([p.id for p in held])).values(
            send_after=utcnow() - timedelta(seconds=1)))
        db.session.execute(update(Page).where(Page.status == PageStatus.QUEUED).values(
            sent_at=utcnow() - timedelta(minutes=2)))
        db.session.commit()
        assert send_page(held[0].id) == "sent"
        assert send_page(held[1].id) == "done"
        carried = pages(ids[2])[0]
        assert carried.status == PageStatus.BUNDLED and carried.bundled_into_id == held[0].id
    messages = sms_sent(fake_twilio)  # type: ignore[arg-type]
    assert len(messages) == 2 and all(m["to"] == phone for m in messages)
    assert "CCCC" in messages[1]["body"] and "DDDD" in messages[1]["body"]


def test_one_page_per_case_per_level_however_often_the_step_runs(
    app: Flask, client: object, run_worker: Callable[[], None], fake_twilio: object
) -> None:
    with app.app_context():
        escalation_team()
    body = generic_body("I took pills and want to die now")
    for _ in range(3):
        post_generic(client, body)  # type: ignore[arg-type]
        run_worker()
    with app.app_context():
        case_id = db.session.query(Case.id).scalar()
        assert case_id is not None
        for _ in range(3):
            page_on_call(case_id)
            from workers.jobs import escalation_step

            escalation_step(case_id, 0)
        assert [p.step for p in pages(case_id)] == [0]
    assert len(sms_sent(fake_twilio)) == 1  # type: ignore[arg-type]
