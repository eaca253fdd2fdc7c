"""/webhooks/telegram: secret-token header, messages, edits that re-classify, channel posts ignored."""

from __future__ import annotations

import json

from flask.testing import FlaskClient
from redis import Redis
from sqlalchemy import select

from tests.factories import fixture, message_count, post_telegram
from triage.extensions import db
from triage.models import Message, MessageStatus


def body_of(name: str) -> bytes:
    return json.dumps(fixture(name), ensure_ascii=False).encode()


def test_message_is_stored_once(client: FlaskClient, app_ctx: object, redis: Redis) -> None:
    body = body_of("telegram_message.json")
    for _ in range(3):
        assert post_telegram(client, body).status_code == 200
    (row,) = db.session.execute(select(Message)).scalars()
    assert (row.channel, row.platform_message_id, row.text, row.lang_hint) == (
        "telegram", "1111111:1365", "ولدي بلع حبوب كثيرة", "ar")
    assert row.contact is not None and row.contact.display_name == "Sara A"
    assert redis.exists(f"rq:job:classify-{row.id}")


def test_edit_updates_the_text_and_classifies_again(
    client: FlaskClient, app_ctx: object, redis: Redis, run_worker: object
) -> None:
    assert post_telegram(client, body_of("telegram_message.json")).status_code == 200
    row = db.session.execute(select(Message)).scalar_one()
    row.status = MessageStatus.CLASSIFIED
    db.session.commit()
    redis.flushdb()
    for _ in range(2):  # the edit re-delivered is still one edit
        assert post_telegram(client, body_of("telegram_edited_message.json")).status_code == 200
    db.session.expire_all()
    edited = db.session.get(Message, row.id)
    assert edited is not None and edited.text == "ولدي بلع حبوب كثيرة وما يرد علي"
    assert edited.status == MessageStatus.RECEIVED and redis.exists(f"rq:job:classify-{row.id}")
    assert message_count() == 1


def test_an_older_edit_redelivered_after_a_newer_one_does_not_win(client: FlaskClient, app_ctx: object) -> None:
    def edit(update_id: int, edit_date: int, text: str) -> bytes:
        update = fixture("telegram_edited_message.json")
        update["update_id"] = update_id
        update["edited_message"].update(edit_date=edit_date, text=text)
        return json.dumps(update, ensure_ascii=False).encode()

    first, second = edit(10001, 1764410020, "ولدي بلع حبوب"), edit(10002, 1764410090, "ولدي بلع حبوب كثيرة الحين")
    for body in (body_of("telegram_message.json"), first, second, first, body_of("telegram_message.json")):
        assert post_telegram(client, body).status_code == 200
    row = db.session.execute(select(Message)).scalar_one()
    assert row.text == "ولدي بلع حبوب كثيرة الحين"
    assert row.edited_at is not None and int(row.edited_at.timestamp()) == 1764410090


def test_an_edit_back_to_the_same_words_still_outranks_an_older_edit(client: FlaskClient, app_ctx: object) -> None:
    original = fixture("telegram_message.json")
    later = fixture("telegram_edited_message.json")  # edited back to the original words, at t+90
    later["edited_message"].update(edit_date=1764410090, text=original["message"]["text"])
    older = fixture("telegram_edited_message.json")  # an edit from t+20, delivered last
    older["update_id"] = 10002
    for update in (original, later, older):
        assert post_telegram(client, json.dumps(update, ensure_ascii=False).encode()).status_code == 200
    assert db.session.execute(select(Message.text)).scalar_one() == original["message"]["text"]


def test_an_edit_that_arrives_before_its_message_is_stored_with_its_edit_time(
    client: FlaskClient, app_ctx: object
) -> None:
    later = fixture("telegram_edited_message.json")
    assert post_telegram(client, json.dumps(later, ensure_ascii=False).encode()).status_code == 200
    older = {**later, "update_id": 9999, "edited_message": {**later["edited_message"], "edit_date": 1764410016,
                                                            "text": "ولدي"}}
    assert post_telegram(client, json.dumps(older, ensure_ascii=False).encode()).status_code == 200
    assert db.session.execute(select(Message.text)).scalar_one() == later["edited_message"]["text"]


def test_channel_posts_are_ignored_and_captions_read(client: FlaskClient, app_ctx: object) -> None:
    assert post_telegram(client, body_of("telegram_channel_post.json")).status_code == 200
    assert message_count() == 0
    assert post_telegram(client, body_of("telegram_photo.json")).status_code == 200
    assert db.session.execute(select(Message.text)).scalar_one() == "الوادي"


def test_unknown_update_is_unparsed_once(client: FlaskClient, app_ctx: object) -> None:
    body = json.dumps({"update_id": 5, "callback_query": {"id": "9", "data": "x"}}).encode()
    for _ in range(2):
        assert post_telegram(client, body).status_code == 200
    assert db.session.execute(select(Message.status)).scalars().all() == [MessageStatus.UNPARSED]


def test_wrong_secret_and_bad_input(client: FlaskClient, app_ctx: object) -> None:
    body = body_of("telegram_message.json")
    for secret in ("", "wrong", "é" * 3):
        response = post_telegram(client, body, secret=secret)
        assert response.status_code == 401 and response.get_json()["reason"]
    assert post_telegram(client, body, content_type="text/plain").status_code == 415
    for bad in (b"{}", b'{"update_id": "1"}', b'{"update_id": true}', b"nope", b"1"):
        assert post_telegram(client, bad).status_code == 400
    assert message_count() == 0


def test_date_in_milliseconds_and_missing_text(client: FlaskClient, app_ctx: object) -> None:
    payload = fixture("telegram_message.json")
    payload["message"]["date"] = 1764410015123
    del payload["message"]["text"]
    assert post_telegram(client, json.dumps(payload).encode()).status_code == 200
    row = db.session.execute(select(Message)).scalar_one()
    assert row.text == "" and row.sent_at is not None and row.sent_at.year == 2025
