"""Builders for the web tests: teams with their staff, cases with messages, signing in through the form."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask.testing import FlaskClient

from tests.factories import make_responder, make_team
from triage.extensions import db
from triage.models import Case, Classification, Message, utcnow
from triage.staff import Role
from triage.staff_cli import create_user

PASSWORD = "correct horse battery"
ROLES = tuple(r.value for r in Role)
EMAILS = {role: f"{role}@najda.test" for role in ROLES}


@dataclass
class World:
    teams: dict[str, int]
    responders: dict[str, int]
    users: dict[str, int]


def make_world() -> World:
    """Three teams (crisis catches the rest), a responder each, and one user per role."""
    crisis = make_team("crisis", ["self_harm", "imminent_danger", "disaster", "*"], name="Crisis line")
    dv = make_team("dv", ["domestic_violence"], name="Domestic violence")
    child = make_team("child", ["child_protection"], name="Child protection")
    responders = {
        "crisis": make_responder(crisis, "+966500000001", name="Huda").id,
        "dv": make_responder(dv, "+966500000002", name="Mariam").id,
        "child": make_responder(child, "+966500000003", name="Khalid").id,
    }
    db.session.commit()
    team_of = {"responder": "crisis", "dv_caseworker": "dv", "cp_caseworker": "child"}
    users = {}
    for role in ROLES:
        team = team_of.get(role)
        phone = {"crisis": "+966500000001", "dv": "+966500000002", "child": "+966500000003"}.get(team or "")
        users[role] = create_user(EMAILS[role], role.title(), Role(role), PASSWORD, team, "en", phone).id
    db.session.commit()
    return World({"crisis": crisis.id, "dv": dv.id, "child": child.id}, responders, users)


def make_case(code: str, labels: list[str], team_id: int | None, priority: str = "P1",
              text: str = "help me please", evidence: list[dict[str, Any]] | None = None) -> Case:
    now = utcnow()
    case = Case(code=code, priority=priority, labels=labels, team_id=team_id, channel="generic",
                opened_at=now, last_message_at=now)
    db.session.add(case)
    db.session.flush()
    message = Message(channel="generic", platform_message_id=f"m-{code}", case_id=case.id, text=text,
                      status="classified")
    db.session.add(message)
    db.session.flush()
    db.session.add(Classification(message_id=message.id, labels=labels, scores={}, urgency=priority,
                                  evidence=evidence or [], lang="en", model_version="test"))
    db.session.commit()
    return case


def csrf_token(client: FlaskClient) -> str:
    page = client.get("/login").get_data(as_text=True)
    match = re.search(r'name="csrf-token" content="([^"]+)"', page)
    assert match, "no CSRF token on the sign-in page"
    return match.group(1)


def sign_in(client: FlaskClient, role: str, password: str = PASSWORD) -> Any:
    return client.post("/login", data={"email": EMAILS[role], "password": password,
                                       "csrf_token": csrf_token(client)})
