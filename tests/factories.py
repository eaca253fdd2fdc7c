"""Test data builders, in one place."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask.testing import FlaskClient
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator
from werkzeug.test import TestResponse

from triage.channels import meta, telegram, x
from triage.channels.generic import SIGNATURE_HEADER, sign
from triage.config import Settings
from triage.extensions import db
from triage.models import Message, OnCallShift, Responder, Team, utcnow

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
