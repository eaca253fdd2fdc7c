"""/webhooks/twilio/sms: Twilio's own signature over the public URL, SMS and WhatsApp, responders' replies."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode
from xml.etree import ElementTree

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.factories import (
    escalation_team,
    fixture,
    generic_body,
    make_responder,
    make_team,
    message_count,
    post_generic,
    post_twilio_sms,
    twilio_signature,
)
from triage.channels import twilio_sms
from triage.extensions import db
from triage.models import Case, CaseStatus, Contact, Message


def test_signed_sms_is_stored_once_and_answered_empty_twiml(client: FlaskClient, app_ctx: object) -> None:
    params = fixture("twilio_sms.json")
    for _ in range(3):
        response = post_twilio_sms(client, params)
        assert response.status_code == 200
        assert response.mimetype == "text/xml" and response.get_data(as_text=True).endswith("<Response/>")
    (row,) = db.session.execute(select(Message)).scalars()
    assert (row.channel, row.platform_message_id, row.text) == (
        "sms", "SM0123456789abcdef0123456789abcdef", "ساعدوني زوجي يهددني")
    assert row.contact is not None and row.contact.platform_id == "+966500000777"


def test_whatsapp_via_twilio_shares_the_meta_contact(client: FlaskClient, app_ctx: object) -> None:
    assert post_twilio_sms(client, fixture("twilio_whatsapp.json")).status_code == 200
    row = db.session.execute(select(Message)).scalar_one()
    contact = db.session.get(Contact, row.contact_id)
    assert row.channel == "whatsapp" and contact is not None
    assert (contact.platform_id, contact.display_name) == ("966500000123", "أم خالد")


def test_signature_covers_the_public_url_and_every_field(client: FlaskClient, app_ctx: object) -> None:
    params = fixture("twilio_sms.json")
    good = twilio_signature(client, params)
    assert post_twilio_sms(client, params, signature="").status_code == 401
    assert post_twilio_sms(client, params, signature="AAAA").status_code == 401
    assert post_twilio_sms(client, {**params, "Body": "changed"}, signature=good).status_code == 401
    assert post_twilio_sms(client, {**params, "FromCity": "X"}, signature=good).status_code == 401
    # Signed for the internal address the proxy forwarded to, not the public URL Twilio called.
    internal = twilio_signature(client, params, path="/webhooks/twilio/sms?x=1")
    assert post_twilio_sms(client, params, signature=internal).status_code == 401
    assert message_count() == 0
    # A field Twilio adds tomorrow is signed too, and accepted.
    extra = {**params, "NewField": "v"}
    assert post_twilio_sms(client, extra).status_code == 200


def test_bad_input(client: FlaskClient, app_ctx: object) -> None:
    params = fixture("twilio_sms.json")
    assert post_twilio_sms(client, params, content_type="application/json").status_code == 415
    no_sid = {k: v for k, v in params.items() if "Sid" not in k}
    response = post_twilio_sms(client, no_sid)
    assert response.status_code == 400 and response.get_json()["reason"]
    assert post_twilio_sms(client, {**params, "From": ""}).status_code == 400
    assert post_twilio_sms(client, {**params, "Body": "x" * 70_000}).status_code == 413
    assert message_count() == 0


def test_long_emoji_rtl_and_nul_bodies(client: FlaskClient, app_ctx: object) -> None:
    params = fixture("twilio_sms.json")
    texts = ["ا" * 10_000, "😢", "\u200fالحقوني\u200f", "", "a\x00b"]
    for i, text in enumerate(texts):
        assert post_twilio_sms(client, {**params, "MessageSid": f"SM{i}", "Body": text}).status_code == 200
    stored = db.session.execute(select(Message.text).order_by(Message.id)).scalars().all()
    assert stored == [*texts[:4], "a\ufffdb"]


def test_a_nul_in_any_field_is_stored_cleaned_whether_escaped_or_raw(client: FlaskClient, app_ctx: object) -> None:
    params = {**fixture("twilio_sms.json"), "ProfileName": "Um\x00Ali"}
    escaped = urlencode({**params, "MessageSid": "SMnul1"}).encode()
    raw = urlencode({**params, "MessageSid": "SMnul2"}).replace("%00", "\x00").encode()
    for sid, body in (("SMnul1", escaped), ("SMnul2", raw)):
        signature = twilio_signature(client, {**params, "MessageSid": sid})
        response = client.post("/webhooks/twilio/sms", data=body, headers={"X-Twilio-Signature": signature},
                               content_type="application/x-www-form-urlencoded")
        assert response.status_code == 200
    stored = db.session.execute(select(Message.raw).order_by(Message.id)).scalars().all()
    assert [row["ProfileName"] for row in stored] == ["Um\ufffdAli", "Um\ufffdAli"]


def test_responder_reply_goes_to_the_reply_grammar_not_the_citizen_queue(
    client: FlaskClient, app_ctx: object
) -> None:
    make_responder(make_team(), phone="+966500000777", language="en")
    db.session.commit()
    response = post_twilio_sms(client, {**fixture("twilio_sms.json"), "Body": "ACK"})
    assert response.status_code == 200 and response.mimetype == "text/xml"
    reply = ElementTree.fromstring(response.get_data()).findtext("Message")
    assert reply and "no open case" in reply.lower()
    assert message_count() == 0
    assert db.session.execute(select(Contact)).first() is None


def test_paged_responder_acknowledges_by_sms_reply_through_the_route(
    app: Flask, client: FlaskClient, run_worker: Callable[[], None], fake_twilio: object
) -> None:
    with app.app_context():
        _team, primary, _secondary = escalation_team()
        primary_phone = primary.phone
    assert post_generic(client, generic_body("I took pills and I want to kill myself now")).status_code == 200
    run_worker()
    with app.app_context():
        case = db.session.execute(select(Case)).scalar_one()
        assert case.status == CaseStatus.OPEN
        code = case.code
    response = post_twilio_sms(client, {**fixture("twilio_sms.json"), "From": primary_phone, "Body": "تم"})
    reply = ElementTree.fromstring(response.get_data()).findtext("Message")
    assert reply and code in reply
    with app.app_context():
        case = db.session.execute(select(Case)).scalar_one()
        assert case.status == CaseStatus.ACKNOWLEDGED and case.acked_at is not None
        assert message_count() == 1  # the citizen's message only; the reply is not a citizen message


def test_a_batch_mixing_a_responder_and_a_citizen_stores_only_the_citizen(app_ctx: object) -> None:
    from triage.channels import twilio_sms
    from triage.inbound import store_messages

    responder = make_responder(make_team(), phone="+966500000777")
    db.session.commit()
    params = fixture("twilio_sms.json")
    citizen = {**params, "MessageSid": "SM-citizen", "From": "+966500000888"}
    items = [*twilio_sms.parse(urlencode(params).encode()), *twilio_sms.parse(urlencode(citizen).encode())]
    first, second = store_messages(items)
    assert (first.responder_id, first.created) == (responder.id, False)
    assert second.responder_id is None and second.created
    assert db.session.execute(select(Message.platform_message_id)).scalars().all() == ["SM-citizen"]


_FORM_CHARS = st.sampled_from(
    list("%&=+ab0Ff9zZ ~\x00é") + ["%D8", "%A7", "%d8%a7", "%F0%9F", "%E2%80%AE", "%%", "%g1", "%C3", "%A9"]
)


@settings(max_examples=3000, deadline=None)
@given(st.lists(_FORM_CHARS, max_size=40).map("".join) | st.text(max_size=60))
def test_the_form_parser_reads_every_body_as_parse_qsl_does(text: str) -> None:
    """The signature is computed over these fields: they must be exactly what parse_qsl would have produced."""
    assert twilio_sms.parse_form(text) == tuple(parse_qsl(text, keep_blank_values=True,
                                                          max_num_fields=twilio_sms.MAX_FIELDS))


def test_the_form_parser_refuses_as_many_fields_as_parse_qsl_does() -> None:
    at_limit = "&".join(["a=1"] * twilio_sms.MAX_FIELDS)
    assert len(twilio_sms.parse_form(at_limit)) == twilio_sms.MAX_FIELDS
    with pytest.raises(ValueError):
        twilio_sms.parse_form(at_limit + "&")
    with pytest.raises(ValueError):
        parse_qsl(at_limit + "&", keep_blank_values=True, max_num_fields=twilio_sms.MAX_FIELDS)
