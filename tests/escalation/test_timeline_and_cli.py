"""The operator's escalation timeline (function and JSON), and the admin CLI for teams, responders, schedules,
policies, maintenance windows and the iCalendar export."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from icalendar import Calendar
from sqlalchemy import select

from alerts.models import EscalationPolicy, MaintenanceWindow, Rotation
from alerts.replies import handle_reply
from alerts.timeline import case_timeline
from tests.escalation.helpers import escalation, only_case, pages
from tests.factories import escalation_team, generic_body, post_generic
from tests.web.helpers import csrf_token
from triage.extensions import db
from triage.models import Case, PageStatus, Responder, Team
from triage.staff import Role
from triage.staff_cli import create_user

URGENT = "I took pills and want to die now"


def sign_in_as(client: FlaskClient, email: str) -> None:
    response = client.post("/login", data={"email": email, "password": "a long test password",
                                           "csrf_token": csrf_token(client)})
    assert response.status_code == 302


def test_timeline_shows_every_page_its_state_and_who_acked(
    app: Flask, client: FlaskClient, run_worker: Callable[[], None]
) -> None:
    with app.app_context():
        _team, primary, _ = escalation_team()
        primary_id = primary.id
    post_generic(client, generic_body(URGENT, sender="victim-handle"))
    run_worker()
    with app.app_context():
        case = only_case()
        handle_reply(primary_id, "1")
        entries = case_timeline(case.id)
        assert [e.kind for e in entries] == ["opened", "escalation_started", "escalation_step", "paged",
                                             "acknowledged", "escalation_stopped"]
        assert entries[2].detail["responders"] == ["Amal"] and entries[2].detail["level"] == 1
        paged = entries[3]
        assert paged.responder == "Amal" and paged.page_id == pages(case.id)[0].id
        assert paged.page_status in {s.value for s in PageStatus}
        assert entries[4].responder == "Amal" and entries[4].detail["via"] == "sms"
        code = case.code
        create_user("sup@najda.test", "Supervisor", Role.SUPERVISOR, "a long test password")
        db.session.commit()
    sign_in_as(client, "sup@najda.test")
    data = client.get(f"/api/cases/{code.lower()}/timeline").get_json()
    assert data["case"] == code and data["status"] == "acknowledged" and data["assignee"] == "Amal"
    assert data["escalation"]["state"] == "acknowledged"
    assert [e["kind"] for e in data["entries"]][-2:] == ["acknowledged", "escalation_stopped"]
    text = str(data)
    assert URGENT not in text and "victim-handle" not in text and "+9665" not in text
    assert client.get("/api/cases/ZZZZ/timeline").status_code == 404


def test_cli_builds_a_team_schedule_policy_and_calendar(app: Flask, tmp_path: Path) -> None:
    runner = app.test_cli_runner()

    def run(*args: str) -> str:
        result = runner.invoke(args=list(args))
        assert result.exit_code == 0, result.output
        return result.output

    run("teams", "create", "child", "Child protection", "--labels", "child_protection")
    run("responders", "add", "child", "Huda", "+966 50 000 0031", "--language", "ar")
    run("responders", "add", "child", "Omar", "+966500000032", "--language", "en")
    bad = runner.invoke(args=["responders", "add", "child", "X", "12345"])
    assert bad.exit_code != 0 and "phone" in bad.output
    run("schedules", "add-rotation", "child", "primary", "--members", "+966500000031,+966500000032",
        "--kind", "daily", "--handoff", "08:00", "--anchor", "2026-11-01")
    out = run("schedules", "who", "child", "--at", "2026-11-02T07:59")
    assert "Huda" in out
    assert "Omar" in run("schedules", "who", "child", "--at", "2026-11-02T08:00")
    run("schedules", "override", "child", "+966500000031", "--start", "2026-11-02T09:00",
        "--end", "2026-11-02T12:00")
    assert "Huda" in run("schedules", "who", "child", "--at", "2026-11-02T10:00")
    levels = '[{"targets":[{"layer":1}],"delay_seconds":120,"voice":true}]'
    run("schedules", "policy", "child", levels, "--repeat", "1")
    assert runner.invoke(args=["schedules", "policy", "child", "[]"]).exit_code != 0
    ics = tmp_path / "child.ics"
    run("schedules", "ical", "child", "--days", "7", "--out", str(ics))
    calendar = Calendar.from_ical(ics.read_bytes())
    events = [c for c in calendar.walk() if c.name == "VEVENT"]
    assert len(events) >= 7 and all("On call" in str(e["summary"]) for e in events)
    assert "+9665" not in ics.read_text()
    staff = app.test_client()
    assert staff.get("/api/teams/child/oncall.ics").status_code == 302  # to the sign-in page
    with app.app_context():
        create_user("sup@najda.test", "Supervisor", Role.SUPERVISOR, "a long test password")
        db.session.commit()
    sign_in_as(staff, "sup@najda.test")
    served = staff.get("/api/teams/child/oncall.ics?days=3")
    assert served.status_code == 200 and served.mimetype == "text/calendar"
    assert len([c for c in Calendar.from_ical(served.data).walk() if c.name == "VEVENT"]) >= 3
    assert staff.get("/api/teams/nope/oncall.ics").status_code == 404
    run("responders", "set", "+966500000032", "--off")
    with app.app_context():
        team = db.session.execute(select(Team).where(Team.slug == "child")).scalar_one()
        assert db.session.execute(select(Rotation).where(Rotation.team_id == team.id)).scalar_one().kind == "daily"
        assert db.session.execute(select(EscalationPolicy)).scalar_one().repeat == 1
        assert not db.session.execute(select(Responder).where(Responder.name == "Omar")).scalar_one().active


def test_maintenance_holds_escalations_until_the_window_ends(
    app: Flask, client: FlaskClient, run_worker: Callable[[], None], fake_twilio: object
) -> None:
    from alerts.escalation import ensure_escalation, fire_step
    from tests.escalation.helpers import kinds, make_due_now, sms_sent
    from triage.models import utcnow
    from workers.jobs import sweep

    with app.app_context():
        escalation_team()
    post_generic(client, generic_body(URGENT))
    run_worker()
    result = app.test_cli_runner().invoke(args=["schedules", "maintenance", "crisis", "--minutes", "30"])
    assert result.exit_code == 0 and "1 escalations held" in result.output
    with app.app_context():
        case = only_case()
        row = escalation(case.id)
        assert row.state == "active" and row.next_due_at > utcnow() + timedelta(minutes=29)  # type: ignore[operator]
        assert "escalation_deferred" in kinds(case.id)
        # A case opened during the window is not paged either, and says why and until when.
        other = Case(code="MNPQ", priority="P1", labels=[], team_id=case.team_id, channel="generic")
        db.session.add(other)
        db.session.flush()
        ensure_escalation(other, utcnow())
        db.session.commit()
        held = fire_step(other.id, 0, utcnow(), "http://najda.test")
        assert held.outcome == "maintenance" and held.next_due_at == row.next_due_at
        # The window ends early: the held steps fire.
        window = db.session.execute(select(MaintenanceWindow)).scalar_one()
        window.ends_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        make_due_now(other.id)
        make_due_now(case.id)
        sweep()
    run_worker()
    assert len(sms_sent(fake_twilio)) == 3  # type: ignore[arg-type]  # the first page, then one per case
