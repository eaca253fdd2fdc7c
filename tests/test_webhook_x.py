"""/webhooks/x: X Account Activity CRC, signed POSTs, direct messages and mentions, own events skipped."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

from flask.testing import FlaskClient
from sqlalchemy import select

from tests.factories import fixture, message_count, post_x
from triage.extensions import db
from triage.models import Message, MessageStatus


def body_of(name: str) -> bytes:
    return json.dumps(fixture(name), ensure_ascii=False).encode()


def test_crc_answers_the_base64_hmac_of_the_token(client: FlaskClient) -> None:
    secret = client.application.extensions["najda.settings"].x_consumer_secret
    response = client.get("/webhooks/x", query_string={"crc_token": "challenge-123"})
    expected = base64.b64encode(hmac.new(secret.encode(), b"challenge-123", hashlib.sha256).digest()).decode()
    assert response.status_code == 200
    assert response.get_json() == {"response_token": "sha256=" + expected}
    assert client.get("/webhooks/x").status_code == 400


def test_direct_message_is_stored_and_our_own_reply_skipped(client: FlaskClient, app_ctx: object) -> None:
    body = body_of("x_direct_message.json")
    assert post_x(client, body).status_code == 200
    (row,) = db.session.execute(select(Message)).scalars()
    assert (row.channel, row.platform_message_id, row.text) == (
        "x", "dm:954491830116155396", "Please help, my neighbour's child is screaming")
    assert row.contact is not None and row.contact.display_name == "Jordan"
    assert row.sent_at is not None and row.sent_at.year == 2025
    assert post_x(client, body).status_code == 200
    assert message_count() == 1


def test_mention_is_stored_own_tweet_and_favourites_skipped(client: FlaskClient, app_ctx: object) -> None:
    assert post_x(client, body_of("x_mention.json")).status_code == 200
    (row,) = db.session.execute(select(Message)).scalars()
    assert row.platform_message_id == "tweet:1994000000000000001" and row.lang_hint == "ar"
    assert row.text == "@ministry السيل محاصرنا في وادي حنيفة"


def test_extended_tweet_full_text_wins(client: FlaskClient, app_ctx: object) -> None:
    payload = fixture("x_mention.json")
    payload["tweet_create_events"][0]["extended_tweet"] = {"full_text": "ا" * 10_000}
    assert post_x(client, json.dumps(payload).encode()).status_code == 200
    assert db.session.execute(select(Message.text)).scalar_one() == "ا" * 10_000


def test_unknown_event_types_are_kept_unparsed(client: FlaskClient, app_ctx: object) -> None:
    body = json.dumps({"for_user_id": "4337869213", "new_shiny_events": [{"id": 1}]}).encode()
    assert post_x(client, body).status_code == 200
    assert post_x(client, body).status_code == 200
    assert db.session.execute(select(Message.status)).scalars().all() == [MessageStatus.UNPARSED]


def test_unsigned_wrong_and_bad_input(client: FlaskClient, app_ctx: object) -> None:
    body = body_of("x_direct_message.json")
    for signature in ("", "sha256=AAAA", "sha256=" + base64.b64encode(b"x" * 32).decode()):
        assert post_x(client, body, signature=signature).status_code == 401
    assert post_x(client, body, content_type="application/x-www-form-urlencoded").status_code == 415
    for bad in (b"{}", b"[1]", b'{"for_user_id": true}', b"{", b'{"for_user_id": {"a": 1}}'):
        response = post_x(client, bad)
        assert response.status_code == 400 and response.get_json()["reason"]
    assert post_x(client, b'{"for_user_id": "1", "pad": "' + b"x" * 70_000 + b'"}').status_code == 413
    assert message_count() == 0
