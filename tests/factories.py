"""Test data builders, in one place."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask.testing import FlaskClient
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator
from werkzeug.test import TestResponse

from alerts.models import EscalationPolicy, Override, Rotation
from triage.channels import meta, telegram, x
from triage.channels.generic import SIGNATURE_HEADER, sign
from triage.config import Settings
from triage.extensions import db
from triage.models import Message, Responder, Team, utcnow

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


def put_on_call(team: Team, responder: Responder, hours: int = 8) -> Override:
    """An override: ``responder`` covers the team's primary layer from an hour ago for ``hours`` hours."""
    now = utcnow()
    override = Override(team_id=team.id, responder_id=responder.id, starts_at=now - timedelta(hours=1),
                        ends_at=now + timedelta(hours=hours))
    db.session.add(override)
    db.session.flush()
    return override


def make_rotation(team: Team, members: list[Responder], kind: str = "daily", handoff: str = "08:00",
                  anchor: date | None = None, layer: int = 1) -> Rotation:
    rotation = Rotation(team_id=team.id, name=f"{team.slug}-{kind}-{layer}", layer=layer, kind=kind,
                        handoff_time=handoff, anchor_date=anchor or date(2026, 1, 1),
                        member_ids=[m.id for m in members])
    db.session.add(rotation)
    db.session.flush()
    return rotation


def make_policy(team: Team, levels: list[dict[str, Any]], repeat: int = 0) -> EscalationPolicy:
    policy = EscalationPolicy(team_id=team.id, levels=levels, repeat=repeat)
    db.session.add(policy)
    db.session.flush()
    return policy


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


# --- Platform webhooks: bodies in each platform's shape, signed the way each platform signs -----------------

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def meta_body(payload: Any) -> bytes:
    # Meta escapes non-ASCII as \uXXXX; the signature covers exactly these bytes.
    return json.dumps(payload, ensure_ascii=True).encode()


def _settings(client: FlaskClient) -> Settings:
    value: Settings = client.application.extensions["najda.settings"]
    return value


def post_meta(client: FlaskClient, body: bytes, signature: str | None = None,
              content_type: str = "application/json") -> TestResponse:
    sig = meta.sign(_settings(client).meta_app_secret, body) if signature is None else signature
    return client.post("/webhooks/meta", data=body, headers={meta.SIGNATURE_HEADER: sig}, content_type=content_type)


def post_x(client: FlaskClient, body: bytes, signature: str | None = None,
           content_type: str = "application/json") -> TestResponse:
    sig = x.sign(_settings(client).x_consumer_secret, body) if signature is None else signature
    return client.post("/webhooks/x", data=body, headers={x.SIGNATURE_HEADER: sig}, content_type=content_type)


def post_telegram(client: FlaskClient, body: bytes, secret: str | None = None,
                  content_type: str = "application/json") -> TestResponse:
    token = _settings(client).telegram_secret_token if secret is None else secret
    return client.post("/webhooks/telegram", data=body, headers={telegram.SECRET_HEADER: token},
                       content_type=content_type)


TWILIO_SMS_PATH = "/webhooks/twilio/sms"


def twilio_signature(client: FlaskClient, params: Mapping[str, str], path: str = TWILIO_SMS_PATH) -> str:
    """What Twilio sends: its own RequestValidator over our public URL and every form field."""
    settings = _settings(client)
    return str(RequestValidator(settings.twilio_auth_token).compute_signature(settings.public_url + path,
                                                                               dict(params)))


def post_twilio_sms(client: FlaskClient, params: Mapping[str, str], signature: str | None = None,
                    content_type: str = "application/x-www-form-urlencoded") -> TestResponse:
    sig = twilio_signature(client, params) if signature is None else signature
    return client.post(TWILIO_SMS_PATH, data=urlencode(params).encode(), content_type=content_type,
                       headers={"X-Twilio-Signature": sig})


def message_count() -> int:
    return int(db.session.execute(select(func.count(Message.id))).scalar_one())


TWO_LEVELS: list[dict[str, Any]] = [
    {"targets": [{"layer": 1}], "delay_seconds": 180, "voice": False},
    {"targets": [{"layer": 2}], "delay_seconds": 300, "voice": False},
]


def escalation_team(levels: list[dict[str, Any]] | None = None, repeat: int = 0,
                    phones: tuple[str, str] = ("+966500000001", "+966500000002")) -> tuple[Team, Responder, Responder]:
    """A catch-all team with a primary (Amal, Arabic) and a secondary (Badr, English) on call, and a policy."""
    team = make_team("crisis", ["*"])
    primary = make_responder(team, phones[0], name="Amal", language="ar")
    secondary = make_responder(team, phones[1], name="Badr", language="en")
    make_rotation(team, [primary], kind="weekly", layer=1)
    make_rotation(team, [secondary], kind="weekly", layer=2)
    make_policy(team, levels or TWO_LEVELS, repeat)
    db.session.commit()
    return team, primary, secondary
