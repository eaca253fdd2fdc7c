"""The generic webhook: verify → store → commit → enqueue, and every way a request can be wrong."""

from __future__ import annotations

import json

from flask.testing import FlaskClient
from redis import Redis
from sqlalchemy import func, select

from tests.factories import generic_body, post_generic
from triage.extensions import db
from triage.models import Message, MessageStatus


def count_messages() -> int:
    return int(db.session.execute(select(func.count(Message.id))).scalar_one())


def test_signed_message_is_stored_and_enqueued(client: FlaskClient, app_ctx: object, redis: Redis) -> None:
    response = post_generic(client, generic_body("مرحبا", msg_id="m-1"))
    assert response.status_code == 200
    message_id = response.get_json()["message_id"]
    message = db.session.get(Message, message_id)
    assert message is not None and message.text == "مرحبا" and message.status == MessageStatus.RECEIVED
    assert redis.exists(f"rq:job:classify-{message_id}")


def test_redelivery_is_a_no_op_that_answers_200(client: FlaskClient, app_ctx: object) -> None:
    body = generic_body("help", msg_id="same")
    ids = {post_generic(client, body).get_json()["message_id"] for _ in range(3)}
    assert len(ids) == 1
    assert count_messages() == 1


def test_unsigned_and_badly_signed_are_401_and_store_nothing(client: FlaskClient, app_ctx: object) -> None:
    body = generic_body("help")
    assert post_generic(client, body, signature="").status_code == 401
    assert post_generic(client, body, secret="wrong-secret").status_code == 401
    assert post_generic(client, body, signature="sha256=" + "0" * 64).status_code == 401
    response = post_generic(client, body, signature="sha1=abc")
    assert response.status_code == 401
    assert response.get_json()["reason"]
    assert count_messages() == 0


def test_malformed_bodies_are_400_with_a_reason(client: FlaskClient, app_ctx: object) -> None:
    for body in (b"not json", b"[]", b'{"sender": "a", "text": "x"}', b'{"id": "1", "text": "x"}',
                 b'{"id": "1", "sender": "a"}', b'{"id": "1", "sender": "a", "text": 5}',
                 b'{"id": true, "sender": "a", "text": "x"}',
                 b'{"id": "1", "sender": "a", "text": "x", "sent_at": "yesterday"}', b"\xff\xfe"):
        response = post_generic(client, body)
        assert response.status_code == 400, body
        assert response.get_json()["reason"]
    assert count_messages() == 0


def test_wrong_content_type_is_415(client: FlaskClient, app_ctx: object) -> None:
    response = post_generic(client, generic_body("x"), content_type="text/plain")
    assert response.status_code == 415
    assert count_messages() == 0


def test_body_over_64_kib_is_413(client: FlaskClient, app_ctx: object) -> None:
    response = post_generic(client, generic_body("x" * (65 * 1024)))
    assert response.status_code == 413
    assert response.get_json()["error"]


def test_long_rtl_and_emoji_messages_and_epoch_ms(client: FlaskClient, app_ctx: object) -> None:
    texts = ["ا" * 10_000, "\u200fساعدوني\u200f", "😢😢", ""]
    for i, text in enumerate(texts):
        body = json.dumps({"id": f"t{i}", "sender": "s", "text": text, "sent_at": 1764410000123}).encode()
        assert post_generic(client, body).status_code == 200
    stored = db.session.execute(select(Message).order_by(Message.id)).scalars().all()
    assert [m.text for m in stored] == texts
    assert stored[0].sent_at is not None and stored[0].sent_at.year == 2025


def test_unknown_route_is_404_json(client: FlaskClient) -> None:
    response = client.post("/webhooks/nope")
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"


def test_webhooks_open_no_session(client: FlaskClient, app_ctx: object) -> None:
    """Webhooks are signed, never signed in: no session is read or written for them (a NullSession), even
    when a session cookie comes along; staff pages keep theirs."""
    client.set_cookie("najda_session", "not-a-valid-session")
    response = post_generic(client, generic_body("no-session-1"))
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers and "Cookie" not in response.headers.get("Vary", "")

    from flask import session
    from flask.sessions import NullSession

    with client.application.test_request_context("/webhooks/generic", method="POST"):
        assert isinstance(session._get_current_object(), NullSession)  # type: ignore[attr-defined]
    with client.application.test_request_context("/login"):
        assert not isinstance(session._get_current_object(), NullSession)  # type: ignore[attr-defined]
