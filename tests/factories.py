"""Test data builders, in one place."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from triage.channels.generic import SIGNATURE_HEADER, sign
from triage.extensions import db
from triage.models import OnCallShift, Responder, Team, utcnow

GENERIC_SECRET = "test-generic-secret"


def make_team(slug: str = "crisis", labels: list[str] | None = None, **kw: Any) -> Team:
    team = Team(slug=slug, name=kw.pop("name", slug.title()), labels=labels or ["*"], **kw)
    db.session.add(team)
    db.session.flush()
    return team


def make_responder(team: Team, phone: str = "+966500000001", language: str = "ar", **kw: Any) -> Responder:
    responder = Responder(team_id=team.id, name=kw.pop("name", "Responder"), phone=phone, language=language, **kw)
    db.session.add(responder)
    db.session.flush()
    return responder


def put_on_call(team: Team, responder: Responder, hours: int = 8) -> OnCallShift:
    now = utcnow()
    shift = OnCallShift(team_id=team.id, responder_id=responder.id, starts_at=now - timedelta(hours=1),
                        ends_at=now + timedelta(hours=hours))
    db.session.add(shift)
    db.session.flush()
    return shift


def on_call_team(slug: str = "crisis", labels: list[str] | None = None, phone: str = "+966500000001") -> Team:
    """A team with one responder on call now, committed."""
    team = make_team(slug, labels)
    put_on_call(team, make_responder(team, phone))
    db.session.commit()
    return team


def generic_body(text: str, msg_id: str | None = None, sender: str = "citizen-1", **extra: Any) -> bytes:
    payload = {"id": msg_id or uuid.uuid4().hex, "sender": sender, "text": text,
               "sent_at": "2026-11-29T10:00:00Z", **extra}
    return json.dumps(payload, ensure_ascii=False).encode()


def post_generic(client: FlaskClient, body: bytes, secret: str = GENERIC_SECRET,
                 signature: str | None = None, content_type: str = "application/json") -> TestResponse:
    headers = {SIGNATURE_HEADER: signature if signature is not None else sign(secret, body)}
    return client.post("/webhooks/generic", data=body, headers=headers, content_type=content_type)
