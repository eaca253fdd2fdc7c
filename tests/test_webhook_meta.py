"""/webhooks/meta: Messenger, Instagram and WhatsApp Cloud API batches, signed with X-Hub-Signature-256."""

from __future__ import annotations

import copy
import json

from flask.testing import FlaskClient
from redis import Redis
from sqlalchemy import select

from tests.factories import fixture, message_count, meta_body, post_meta
from triage.extensions import db
from triage.models import Contact, Message, MessageStatus


def messages() -> list[Message]:
    return list(db.session.execute(select(Message).order_by(Message.id)).scalars())


def test_handshake_echoes_the_challenge_only_with_our_token(client: FlaskClient) -> None:
    token = client.application.extensions["najda.settings"].meta_verify_token
    ok = client.get("/webhooks/meta", query_string={"hub.mode": "subscribe", "hub.verify_token": token,
                                                    "hub.challenge": "1158201444"})
    assert ok.status_code == 200 and ok.get_data(as_text=True) == "1158201444"
    wrong = client.get("/webhooks/meta", query_string={"hub.mode": "subscribe", "hub.verify_token": "nope",
                                                       "hub.challenge": "1"})
    assert wrong.status_code == 403 and wrong.get_json()["reason"]
    assert client.get("/webhooks/meta").status_code == 403
    missing = client.get("/webhooks/meta", query_string={"hub.mode": "subscribe", "hub.verify_token": token})
    assert missing.status_code == 400


def test_batch_of_three_entries_by_two_messages_stores_six_and_redelivery_none(
    client: FlaskClient, app_ctx: object, redis: Redis
) -> None:
    body = meta_body(fixture("meta_messenger_batch.json"))
    response = post_meta(client, body)
    assert response.status_code == 200
    stored = messages()
    assert [m.platform_message_id for m in stored] == [
        "m_batch_1a", "m_batch_1b", "m_batch_2a", "m_batch_2b", "m_batch_3a", "m_batch_3b"]
    assert {m.channel for m in stored} == {"messenger"}
    assert [m.text for m in stored][1:] == ["زوجي يضربني الحين ساعدوني", "How do I renew my card?", "",
                                            "تواصل معنا", "😢😢"]
    assert stored[0].sent_at is not None and stored[0].sent_at.year == 2025  # epoch milliseconds
    assert all(redis.exists(f"rq:job:classify-{m.id}") for m in stored)
    assert db.session.execute(select(Contact.platform_id).order_by(Contact.id)).scalars().all() == [
        "PSID_1", "PSID_2", "PSID_3"]
    for _ in range(2):
        assert post_meta(client, body).status_code == 200
    assert message_count() == 6


def test_echoes_deliveries_reads_and_reactions_are_not_messages(client: FlaskClient, app_ctx: object) -> None:
    assert post_meta(client, meta_body(fixture("meta_messenger_not_messages.json"))).status_code == 200
    assert post_meta(client, meta_body(fixture("meta_whatsapp_statuses.json"))).status_code == 200
    assert message_count() == 0


def test_message_edit_updates_text_and_classifies_again(
    client: FlaskClient, app_ctx: object, redis: Redis
) -> None:
    post_meta(client, meta_body(fixture("meta_messenger_batch.json")))
    first = db.session.execute(select(Message).where(Message.platform_message_id == "m_batch_1a")).scalar_one()
    first.status = MessageStatus.CLASSIFIED
    db.session.commit()
    redis.flushdb()
    assert post_meta(client, meta_body(fixture("meta_messenger_edit.json"))).status_code == 200
    db.session.expire_all()
    edited = db.session.get(Message, first.id)
    assert edited is not None and edited.text == "أبوي يضربني الحين" and edited.status == MessageStatus.RECEIVED
    assert redis.exists(f"rq:job:classify-{first.id}")
    assert message_count() == 6


def test_an_older_edit_redelivered_late_leaves_the_newer_text(client: FlaskClient, app_ctx: object) -> None:
    post_meta(client, meta_body(fixture("meta_messenger_batch.json")))
    older = fixture("meta_messenger_edit.json")
    newer = copy.deepcopy(older)
    item = newer["entry"][0]["messaging"][0]
    item["timestamp"] += 60_000
    item["message_edit"].update(text="أبوي يضربني الحين وأخوي الصغير معي", num_edit=2)
    for payload in (older, newer, older):
        assert post_meta(client, meta_body(payload)).status_code == 200
    text = db.session.execute(select(Message.text).where(Message.platform_message_id == "m_batch_1a")).scalar_one()
    assert text == "أبوي يضربني الحين وأخوي الصغير معي"


def test_instagram_dm_and_comment(client: FlaskClient, app_ctx: object) -> None:
    assert post_meta(client, meta_body(fixture("meta_instagram_dm.json"))).status_code == 200
    dm, comment = messages()
    assert (dm.channel, dm.text) == ("instagram", "\u200fأبغى أنتحر\u200f")
    assert (comment.platform_message_id, comment.text, comment.thread_id) == (
        "comment:COMMENT_1", "الوادي جرف سيارتنا", "MEDIA_1")


def test_whatsapp_text_caption_and_button_reply(client: FlaskClient, app_ctx: object) -> None:
    assert post_meta(client, meta_body(fixture("meta_whatsapp_text.json"))).status_code == 200
    stored = messages()
    assert [m.text for m in stored] == ["الحقوني الماء دخل البيت", "هذي صورة البيت", "نعم"]
    assert {m.channel for m in stored} == {"whatsapp"}
    assert stored[0].sent_at is not None and stored[0].sent_at.year == 2025  # epoch seconds, as a string
    contact = db.session.get(Contact, stored[0].contact_id)
    assert contact is not None and (contact.platform_id, contact.display_name) == ("966500000123", "أم خالد")


def test_unknown_shapes_are_kept_unparsed_and_not_classified(
    client: FlaskClient, app_ctx: object, redis: Redis
) -> None:
    body = meta_body(fixture("meta_messenger_unknown.json"))
    assert post_meta(client, body).status_code == 200
    assert post_meta(client, body).status_code == 200
    (row,) = messages()
    assert row.status == MessageStatus.UNPARSED and row.raw and row.raw["item"]["optin"]
    assert not redis.exists(f"rq:job:classify-{row.id}")
    unknown_object = meta_body({"object": "permissions", "entry": [{"id": "1", "changes": []}]})
    assert post_meta(client, unknown_object).status_code == 200
    assert message_count() == 2


def test_missing_item_fields_do_not_lose_the_rest_of_the_batch(client: FlaskClient, app_ctx: object) -> None:
    payload = fixture("meta_messenger_batch.json")
    broken = copy.deepcopy(payload)
    del broken["entry"][0]["messaging"][0]["message"]["mid"]
    broken["entry"][1]["messaging"][0]["sender"] = "not-an-object"
    broken["entry"][2] = "garbage"
    assert post_meta(client, meta_body(broken)).status_code == 200
    statuses = [m.status for m in messages()]
    assert statuses.count(MessageStatus.RECEIVED) == 2 and statuses.count(MessageStatus.UNPARSED) == 3


def test_unsigned_and_wrongly_signed_are_401_and_store_nothing(client: FlaskClient, app_ctx: object) -> None:
    body = meta_body(fixture("meta_messenger_batch.json"))
    for signature in ("", "sha256=" + "0" * 64, "sha1=abc", "sha256=zz", "é"):
        response = post_meta(client, body, signature=signature)
        assert response.status_code == 401 and response.get_json()["reason"]
    tampered = body.replace(b"m_batch_1a", b"m_batch_1z")
    assert post_meta(client, tampered, signature=post_sig(client, body)).status_code == 401
    assert message_count() == 0


def post_sig(client: FlaskClient, body: bytes) -> str:
    from triage.channels import meta

    return meta.sign(client.application.extensions["najda.settings"].meta_app_secret, body)


def test_bad_input_matrix(client: FlaskClient, app_ctx: object) -> None:
    for body in (b"not json", b"[]", b'{"entry": []}', b'{"object": "page"}', b'{"object": "page", "entry": {}}',
                 b'{"object": "page", "entry": [], "x": NaN}', b"\xff", b"[" * 5000 + b"]" * 5000):
        response = post_meta(client, body)
        assert response.status_code == 400, body[:40]
        assert response.get_json()["reason"]
    assert post_meta(client, meta_body(fixture("meta_messenger_batch.json")),
                     content_type="text/plain").status_code == 415
    too_big = meta_body({"object": "page", "entry": [], "pad": "x" * (1024 * 1024)})
    assert post_meta(client, too_big).status_code == 413
    assert message_count() == 0


def test_long_rtl_emoji_and_surrogate_texts(client: FlaskClient, app_ctx: object) -> None:
    texts = ["ا" * 10_000, "\u200f\u202bساعدوني\u202c", "🆘", ""]
    items = [{"sender": {"id": "P"}, "recipient": {"id": "PAGE"}, "timestamp": 1764410000 + i,
              "message": {"mid": f"m_t{i}", "text": t}} for i, t in enumerate(texts)]
    body = meta_body({"object": "page", "entry": [{"id": "PAGE", "time": 1, "messaging": items}]})
    assert post_meta(client, body).status_code == 200
    raw = b'{"object":"page","entry":[{"id":"P","messaging":[{"sender":{"id":"P"},"timestamp":1,' \
          b'"message":{"mid":"m_nul","text":"a\\u0000b\\ud800c"}}]}]}'
    assert post_meta(client, raw).status_code == 200
    stored = messages()
    assert [m.text for m in stored] == [*texts, "a\ufffdb\ufffdc"]
    assert stored[0].sent_at is not None and stored[0].sent_at.year == 2025  # seconds this time
    assert json.dumps(stored[-1].raw)
