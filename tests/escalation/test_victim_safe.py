"""Victim-safe pages: whatever a citizen writes, and whoever they are, no page carries any run of more than
three of their words, nor their sender id. Arabic pages fit two UCS-2 segments, English ones one GSM-7 segment."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from redis import Redis

from alerts.fake_twilio import FakeTwilioServer
from alerts.templates import CATEGORY_NAMES, case_link, render_bundle, render_page, voice_prompts
from alerts.twilio_client import segments
from tests.escalation.helpers import sms_sent
from tests.factories import generic_body, on_call_team, post_generic
from triage.cases import CODE_ALPHABET
from triage.extensions import db

URGENT_OPENERS = [
    "I took pills and want to die now", "الحقوني زوجي يضربني الحين", "ابي انتحر الليلة", "زوجي يضربني",
    "the wadi flooded our car we are trapped", "I want to kill myself tonight", "ساعدوني السيل جرفنا",
]
VOCAB = ["please", "help", "my", "name", "is", "Fatima", "Al-Harbi", "0501234567", "@sara_99", "street",
         "الرياض", "حي", "النسيم", "اسمي", "نورة", "رقمي", "عمري", "15", "سنة", "المدرسة", "بيتنا", "قريب",
         "husband", "brother", "mother", "school", "tonight", "now", "kill", "hurt", "pills", "blood"]
PUBLIC_URL = "http://najda.test"
# Words of the page templates themselves: a text made of them could "match" a page without leaking anything.
TEMPLATE_WORDS = {w.strip(".,:-").lower() for lang in ("ar", "en") for w in render_page(
    "XXXX", [], "P1", "", lang).split()} | {"p1", "p2", "case", "reply", "to", "ack", "escalate", "and"}

words = st.one_of(st.sampled_from(VOCAB), st.text(alphabet=st.characters(categories=("L", "N")), min_size=1,
                                                  max_size=10))
senders = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=8, max_size=24)


def windows(text: str, size: int = 4) -> list[str]:
    tokens = text.split()
    return [" ".join(tokens[i:i + size]) for i in range(len(tokens) - size + 1)]


def _reset(redis: Redis, fake: FakeTwilioServer) -> None:
    from sqlalchemy import delete

    from alerts.models import CaseEscalation
    from triage.models import Case, CaseEvent, Classification, Contact, Message, Page

    for model in (Page, CaseEvent, CaseEscalation, Classification, Message, Case, Contact):
        db.session.execute(delete(model))
    db.session.commit()
    redis.flushdb()
    fake.state.reset()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(opener=st.sampled_from(URGENT_OPENERS), extra=st.lists(words, min_size=0, max_size=25), sender=senders,
       insert_at=st.integers(min_value=0, max_value=25))
def test_no_page_carries_message_text_or_the_sender(
    app: Flask, client: FlaskClient, run_worker: Callable[[], None], fake_twilio: FakeTwilioServer,
    redis: Redis, opener: str, extra: list[str], sender: str, insert_at: int,
) -> None:
    tokens = list(extra)
    tokens.insert(min(insert_at, len(tokens)), opener)
    text = " ".join(tokens)
    with app.app_context():
        _reset(redis, fake_twilio)
        if not db.session.execute(db.text("SELECT id FROM team")).first():
            on_call_team()
    assert post_generic(client, generic_body(text, sender=sender)).status_code == 200
    run_worker()
    bodies = [m["body"] for m in sms_sent(fake_twilio)]
    assert bodies, "an urgent message must page someone"
    for body in bodies:
        lowered = body.lower()
        for window in windows(text):
            if set(w.strip(".,:-").lower() for w in window.split()) <= TEMPLATE_WORDS:
                continue
            assert window.lower() not in lowered
        assert sender not in lowered


@pytest.mark.parametrize("lang", ["ar", "en"])
@pytest.mark.parametrize("category", sorted(CATEGORY_NAMES))
@pytest.mark.parametrize("priority", ["P1", "P2"])
def test_page_length_limits(lang: str, category: str, priority: str) -> None:
    code = CODE_ALPHABET[:4]
    body = render_page(code, [category] if category else [], priority,
                       case_link("https://najda.hrsd.gov.sa", code), lang)
    encoding, parts = segments(body)
    if lang == "ar":
        assert encoding == "UCS-2" and len(body) <= 134 and parts <= 2
    else:
        assert encoding == "GSM-7" and parts == 1


@given(st.lists(st.text(alphabet=CODE_ALPHABET, min_size=4, max_size=4), min_size=2, max_size=30))
def test_bundles_stay_within_the_same_limits(codes: list[str]) -> None:
    link = case_link("https://najda.hrsd.gov.sa", codes[0])
    arabic, english = render_bundle(codes, "P2", link, "ar"), render_bundle(codes, "P2", link, "en")
    assert len(arabic) <= 134 and segments(arabic)[1] <= 2
    assert segments(english) == ("GSM-7", 1)


def test_voice_prompts_spell_the_code_and_nothing_else() -> None:
    prompts: list[Any] = voice_prompts("K7Q2", "P1")
    assert [lang for lang, _ in prompts] == ["ar-AE", "en-US"]
    assert all("K 7 Q 2" in text for _, text in prompts)
