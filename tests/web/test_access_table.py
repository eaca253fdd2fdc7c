"""Every route × every role, against a table of expected statuses. A route missing from the table fails.

The cases used: a domestic-violence case owned by the DV team (need-to-know), so the table also pins who may
read restricted cases. Cross-team refusals in both directions are checked separately below.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.web.helpers import EMAILS, ROLES, World, csrf_token, make_case, sign_in
from triage.extensions import db
from triage.staff import User

ANON = "anonymous"
WHO = (ANON, *ROLES)
CODE = "DVCA"
S = 302  # redirect after a successful POST, or to the sign-in page for the anonymous
L = "login"  # redirect to the sign-in page

# (endpoint, method) -> expected status per role: anonymous, responder, dv_caseworker, cp_caseworker,
# supervisor, analyst, admin.
TABLE: dict[tuple[str, str], tuple[Any, ...]] = {
    ("static", "GET"): (200, 200, 200, 200, 200, 200, 200),
    ("health.healthz", "GET"): (200, 200, 200, 200, 200, 200, 200),
    ("webhooks.generic_webhook", "POST"): (401, 401, 401, 401, 401, 401, 401),  # signed by platforms, not users
    ("webhooks.meta_webhook", "POST"): (401, 401, 401, 401, 401, 401, 401),
    ("webhooks.meta_handshake", "GET"): (403, 403, 403, 403, 403, 403, 403),  # wrong verify token
    ("webhooks.x_webhook", "POST"): (401, 401, 401, 401, 401, 401, 401),
    ("webhooks.x_crc", "GET"): (400, 400, 400, 400, 400, 400, 400),  # no crc_token
    ("webhooks.telegram_webhook", "POST"): (401, 401, 401, 401, 401, 401, 401),
    ("webhooks.twilio_sms_webhook", "POST"): (401, 401, 401, 401, 401, 401, 401),
    # Twilio's callbacks are signed by Twilio, not by users.
    ("twilio_callbacks.message_status", "POST"): (401, 401, 401, 401, 401, 401, 401),
    ("twilio_callbacks.call_status", "POST"): (401, 401, 401, 401, 401, 401, 401),
    ("twilio_callbacks.voice_gather", "POST"): (401, 401, 401, 401, 401, 401, 401),
    ("api.timeline_json", "GET"): (L, 403, 200, 403, 200, 403, 403),
    ("api.team_ical", "GET"): (L, 403, 200, 403, 200, 403, 200),
    ("auth.login", "GET"): (200, 200, 200, 200, 200, 200, 200),
    ("auth.login", "POST"): (401, 401, 401, 401, 401, 401, 401),  # a wrong password, whoever asks
    ("auth.index", "GET"): (L, S, S, S, S, S, S),
    ("auth.account", "GET"): (L, 200, 200, 200, 200, 200, 200),
    ("auth.set_language", "POST"): (L, S, S, S, S, S, S),
    ("auth.short_link", "GET"): (L, S, S, S, S, S, S),
    ("queue.queue", "GET"): (L, 200, 200, 200, 200, 403, 200),
    ("queue.rows", "GET"): (L, 200, 200, 200, 200, 403, 200),
    ("queue.stream", "GET"): (L, 200, 200, 200, 200, 403, 200),
    ("queue.stats", "GET"): (L, 403, 403, 403, 200, 200, 200),
    # The DV case: its team and supervisors read it; the admin gets the "state your reason" form instead.
    ("cases.case_page", "GET"): (L, 403, 200, 403, 200, 403, 200),
    ("cases.timeline", "GET"): (L, 403, 200, 403, 200, 403, 403),
    ("cases.record_reason", "POST"): (L, 403, 403, 403, 403, 403, S),
    ("cases.acknowledge", "POST"): (L, 403, S, 403, S, 403, 403),
    ("cases.escalate", "POST"): (L, 403, S, 403, S, 403, 403),
    ("cases.reassign", "POST"): (L, 403, S, 403, S, 403, 403),
    ("cases.add_note", "POST"): (L, 403, S, 403, S, 403, 403),
    ("cases.correct_labels", "POST"): (L, 403, S, 403, S, 403, 403),
    ("cases.resolve", "POST"): (L, 403, S, 403, S, 403, 403),
    ("admin.users", "GET"): (L, 403, 403, 403, 403, 403, 200),
    ("admin.users", "POST"): (L, 403, 403, 403, 403, 403, S),
    ("admin.edit_user", "GET"): (L, 403, 403, 403, 403, 403, 200),
    ("admin.edit_user", "POST"): (L, 403, 403, 403, 403, 403, S),
    ("admin.user_logout_everywhere", "POST"): (L, 403, 403, 403, 403, 403, S),
    ("auth.logout", "POST"): (S, S, S, S, S, S, S),
    ("auth.logout_everywhere", "POST"): (L, S, S, S, S, S, S),  # last: it ends the session
}


def routes(app: Flask) -> set[tuple[str, str]]:
    return {(rule.endpoint, method) for rule in app.url_map.iter_rules()
            for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}}


def test_every_route_has_a_decision(app: Flask) -> None:
    missing = routes(app) - set(TABLE)
    assert not missing, f"routes without an authorisation decision in TABLE: {sorted(missing)}"
    assert not set(TABLE) - routes(app), "TABLE names routes that no longer exist"


def request_for(key: tuple[str, str], world: World, other_user: int) -> tuple[str, dict[str, Any]]:
    endpoint, method = key
    paths = {
        "static": "/static/najda.css", "health.healthz": "/healthz", "webhooks.generic_webhook": "/webhooks/generic",
        "webhooks.meta_webhook": "/webhooks/meta", "webhooks.meta_handshake": "/webhooks/meta",
        "webhooks.x_webhook": "/webhooks/x", "webhooks.x_crc": "/webhooks/x",
        "twilio_callbacks.message_status": "/webhooks/twilio/status",
        "twilio_callbacks.call_status": "/webhooks/twilio/voice/status",
        "twilio_callbacks.voice_gather": "/webhooks/twilio/voice/gather",
        "api.timeline_json": f"/api/cases/{CODE}/timeline", "api.team_ical": "/api/teams/dv/oncall.ics",
        "webhooks.telegram_webhook": "/webhooks/telegram", "webhooks.twilio_sms_webhook": "/webhooks/twilio/sms",
        "auth.login": "/login", "auth.index": "/", "auth.account": "/account", "auth.set_language": "/account/language",
        "auth.short_link": f"/c/{CODE}", "queue.queue": "/queue", "queue.rows": "/queue/rows",
        "queue.stream": "/stream", "queue.stats": "/stats", "cases.case_page": f"/cases/{CODE}",
        "cases.timeline": f"/cases/{CODE}/timeline", "cases.record_reason": f"/cases/{CODE}/reason",
        "cases.acknowledge": f"/cases/{CODE}/ack", "cases.escalate": f"/cases/{CODE}/escalate",
        "cases.reassign": f"/cases/{CODE}/reassign", "cases.add_note": f"/cases/{CODE}/note",
        "cases.correct_labels": f"/cases/{CODE}/labels", "cases.resolve": f"/cases/{CODE}/resolve",
        "admin.users": "/admin/users", "admin.edit_user": f"/admin/users/{other_user}",
        "admin.user_logout_everywhere": f"/admin/users/{other_user}/logout-everywhere",
        "auth.logout": "/logout", "auth.logout_everywhere": "/logout-everywhere",
    }
    forms: dict[str, dict[str, Any]] = {
        "auth.login": {"email": "nobody@najda.test", "password": "not the password"},
        "auth.set_language": {"language": "ar"},
        "cases.record_reason": {"reason": "Audit requested by the ministry, ticket 4411"},
        "cases.reassign": {"responder_id": str(world.responders["dv"])},
        "cases.add_note": {"text": "Called back, no answer."},
        "cases.correct_labels": {"labels": ["domestic_violence"], "urgency": "P1"},
        "cases.resolve": {"outcome": "referred"},
        "admin.users": {"email": "new@najda.test", "name": "New", "role": "responder", "team_id": "0",
                        "language": "en", "password": "a long enough password", "active": "y"},
        "admin.edit_user": {"email": "analyst@najda.test", "name": "Analyst", "role": "analyst", "team_id": "0",
                            "language": "en", "active": "y"},
    }
    return paths[endpoint], forms.get(endpoint, {}) if method == "POST" else {}


@pytest.mark.parametrize("who", WHO)
def test_route_table(app: Flask, world: World, who: str) -> None:
    with app.app_context():
        make_case(CODE, ["domestic_violence"], world.teams["dv"])
    client = app.test_client()
    if who != ANON:
        assert sign_in(client, who).status_code == 302
    other = world.users["analyst" if who != "analyst" else "responder"]
    column = WHO.index(who)
    failures = []
    for key, expected_row in TABLE.items():
        expected = expected_row[column]
        path, form = request_for(key, world, other)
        if key[1] == "GET":
            response = client.get(path, buffered=False)
        else:
            response = client.post(path, data={**form, "csrf_token": csrf_token(client)})
        status = response.status_code
        if expected == L:
            ok = status == 302 and "/login" in response.headers.get("Location", "")
        else:
            ok = status == expected
        response.close()
        if not ok:
            failures.append(f"{key}: expected {expected}, got {status}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(("role", "labels", "team", "status"), [
    ("dv_caseworker", ["child_protection"], "child", 403),
    ("cp_caseworker", ["domestic_violence"], "dv", 403),
    ("cp_caseworker", ["child_protection"], "child", 200),
    ("responder", ["child_protection"], "child", 403),
    ("responder", ["self_harm"], "crisis", 200),
    ("dv_caseworker", ["self_harm"], "crisis", 200),  # not restricted: any case worker may help
    ("supervisor", ["child_protection"], "child", 200),
    ("analyst", ["self_harm"], "crisis", 403),
])
def test_need_to_know(app: Flask, world: World, role: str, labels: list[str], team: str, status: int) -> None:
    with app.app_context():
        make_case("KNOW", labels, world.teams[team])
    client = app.test_client()
    sign_in(client, role)
    assert client.get("/cases/KNOW").status_code == status
    rows = client.get("/queue/rows").get_data(as_text=True)
    if role != "analyst":
        assert ("KNOW" in rows) == (status == 200)


def test_users_exist_for_every_role(app: Flask, world: World) -> None:
    with app.app_context():
        assert {u.email for u in db.session.query(User)} == set(EMAILS.values())
