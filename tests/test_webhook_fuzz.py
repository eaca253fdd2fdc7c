"""Property-based fuzz over every webhook: whatever arrives, never a 5xx; unsigned stores nothing; a valid
payload delivered again stores nothing new.

Bodies are real fixtures mutated at random paths, arbitrary JSON, and arbitrary bytes. The examples are bounded
so the suite stays fast; the client is made inside each test (no function-scoped fixture is shared across
examples, so the health check has nothing to warn about).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tests.factories import fixture, twilio_signature
from triage.channels import generic, meta, telegram, x
from triage.config import Settings
from triage.extensions import db
from triage.models import Contact, Message

FUZZ = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=15,
)

FIXTURES: dict[str, list[str]] = {
    "meta": ["meta_messenger_batch.json", "meta_messenger_not_messages.json", "meta_messenger_edit.json",
             "meta_messenger_unknown.json", "meta_instagram_dm.json", "meta_whatsapp_text.json",
             "meta_whatsapp_statuses.json"],
    "x": ["x_direct_message.json", "x_mention.json"],
    "telegram": ["telegram_message.json", "telegram_edited_message.json", "telegram_channel_post.json",
                 "telegram_photo.json"],
    "generic": [],
}


@st.composite
def mutated(draw: st.DrawFn, names: list[str]) -> Any:
    """A fixture with a few values replaced or deleted at random depths."""
    payload = fixture(draw(st.sampled_from(names)))
    for _ in range(draw(st.integers(0, 3))):
        # Below the envelope: a broken envelope is a plain 400, the interesting cases are inside it.
        node = payload
        for _ in range(draw(st.integers(1, 6))):
            keys = sorted(node) if isinstance(node, dict) else list(range(len(node)))
            child = node[draw(st.sampled_from(keys))]
            if not isinstance(child, dict | list) or not child:
                break
            node = child
        if node is payload:
            continue
        if isinstance(node, dict):
            key = draw(st.sampled_from(sorted(node)))
            if draw(st.booleans()):
                del node[key]
            else:
                node[key] = draw(json_values)
        else:
            node[draw(st.integers(0, len(node) - 1))] = draw(json_values)
    return payload


def mutated_generic(channel: str) -> st.SearchStrategy[Any]:
    if channel != "generic":
        return st.nothing()
    return st.fixed_dictionaries({"id": json_values, "sender": json_values, "text": json_values})


def json_bodies(channel: str) -> st.SearchStrategy[bytes]:
    # Mostly near-valid payloads, so the store-and-redeliver path is exercised, not only the 400s.
    near_valid: st.SearchStrategy[Any]
    if FIXTURES[channel]:
        near_valid = mutated(FIXTURES[channel])
    else:
        scalar = st.text(min_size=1, max_size=20) | st.integers(min_value=0)
        near_valid = st.fixed_dictionaries({"id": scalar, "sender": scalar, "text": st.text()},
                                           optional={"sent_at": st.integers(0, 2**42) | st.text(max_size=30)})
    encoded = st.one_of(near_valid, near_valid, near_valid, json_values, mutated_generic(channel)).flatmap(
        lambda value: st.sampled_from([json.dumps(value).encode(), json.dumps(value, ensure_ascii=False).encode()]))
    return st.one_of(encoded, encoded, encoded, st.binary(max_size=200))


def counts(app: Flask) -> tuple[int, int]:
    with app.app_context():
        messages = db.session.execute(select(func.count(Message.id))).scalar_one()
        contacts = db.session.execute(select(func.count(Contact.id))).scalar_one()
        return int(messages), int(contacts)


Signer = Callable[[Settings, bytes], dict[str, str]]
SIGNERS: dict[str, Signer] = {
    "generic": lambda s, b: {generic.SIGNATURE_HEADER: generic.sign(s.generic_secret, b)},
    "meta": lambda s, b: {meta.SIGNATURE_HEADER: meta.sign(s.meta_app_secret, b)},
    "x": lambda s, b: {x.SIGNATURE_HEADER: x.sign(s.x_consumer_secret, b)},
    "telegram": lambda s, b: {telegram.SECRET_HEADER: s.telegram_secret_token},
}
PATHS = {"generic": "/webhooks/generic", "meta": "/webhooks/meta", "x": "/webhooks/x",
         "telegram": "/webhooks/telegram"}


def check_delivery(app: Flask, path: str, body: bytes, headers: dict[str, str], signed: bool,
                   content_type: str, right_type: str) -> None:
    client = app.test_client()
    before = counts(app)
    response = client.post(path, data=body, headers=headers, content_type=content_type)
    assert response.status_code < 500, response.get_data()
    if not signed:
        assert response.status_code == 401
        assert counts(app) == before
        return
    assert response.status_code in (200, 400, 413, 415), response.status_code
    if content_type != right_type:
        assert response.status_code == 415
    if response.status_code == 200:
        after_first = counts(app)
        again = client.post(path, data=body, headers=headers, content_type=content_type)
        assert again.status_code == 200
        assert counts(app) == after_first
    else:
        assert counts(app) == before
        assert response.get_json()["reason"]


def signature_mode() -> st.SearchStrategy[str]:
    return st.sampled_from(["valid", "valid", "valid", "missing", "wrong"])


@pytest.mark.parametrize("channel", sorted(SIGNERS))
@FUZZ
@given(data=st.data())
def test_json_endpoints(app: Flask, settings: Settings, data: st.DataObject, channel: str) -> None:
    body = data.draw(json_bodies(channel))
    mode = data.draw(signature_mode())
    content_type = data.draw(st.sampled_from(["application/json"] * 4 + ["text/plain", "application/xml"]))
    headers = SIGNERS[channel](settings, body) if mode == "valid" else {}
    if mode == "wrong":
        wrong = settings.replace(generic_secret="w", meta_app_secret="w", x_consumer_secret="w",
                                 telegram_secret_token="w")
        headers = SIGNERS[channel](wrong, body)
    check_delivery(app, PATHS[channel], body, headers, mode == "valid", content_type, "application/json")


TWILIO_KEYS = ["MessageSid", "SmsSid", "SmsMessageSid", "From", "To", "Body", "NumMedia", "ProfileName",
               "AccountSid", "MediaUrl0"]


@FUZZ
@given(data=st.data())
def test_twilio_sms(app: Flask, settings: Settings, data: st.DataObject) -> None:
    params: dict[str, str] = {}
    if data.draw(st.booleans()):
        params.update(fixture(data.draw(st.sampled_from(["twilio_sms.json", "twilio_whatsapp.json"]))))
    params.update(data.draw(st.dictionaries(st.sampled_from(TWILIO_KEYS) | st.text(min_size=1, max_size=8),
                                            st.text(max_size=40), max_size=5)))
    for key in data.draw(st.lists(st.sampled_from(TWILIO_KEYS), max_size=3)):
        params.pop(key, None)
    client = app.test_client()
    mode = data.draw(signature_mode())
    with app.app_context():
        signature = {"valid": twilio_signature(client, params), "missing": "", "wrong": "c2lnbmF0dXJl"}[mode]
    content_type = data.draw(st.sampled_from(["application/x-www-form-urlencoded"] * 4 + ["application/json"]))
    body = urlencode(params).encode()
    check_delivery(app, "/webhooks/twilio/sms", body, {"X-Twilio-Signature": signature}, mode == "valid",
                   content_type, "application/x-www-form-urlencoded")


@settings(max_examples=40, deadline=None)
@given(args=st.dictionaries(st.sampled_from(["hub.mode", "hub.verify_token", "hub.challenge", "crc_token"])
                            | st.text(max_size=8), st.text(max_size=40), max_size=4),
       path=st.sampled_from(["/webhooks/meta", "/webhooks/x", "/webhooks/telegram", "/webhooks/twilio/sms",
                             "/webhooks/nope", "/webhooks/", "/webhooks/twilio"]))
def test_gets_and_unknown_routes(app: Flask, args: dict[str, str], path: str) -> None:
    response = app.test_client().get(path, query_string=args)
    assert response.status_code < 500
    assert response.status_code in (200, 400, 403, 404, 405)
