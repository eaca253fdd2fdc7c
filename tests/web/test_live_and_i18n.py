"""Live updates through Redis pub/sub, the demo replay over real HTTP, the Arabic/English interface."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable

from flask import Flask
from redis import Redis
from sqlalchemy import select

from tests.factories import generic_body, on_call_team, post_generic
from tests.web.helpers import World, csrf_token, make_case, sign_in
from triage.demo.replay import load_sample, replay
from triage.extensions import db
from triage.live import CHANNEL, event_stream, publish_case_change, subscriber
from triage.models import Case, Message
from triage.web.highlight import Piece, highlight


def test_classification_publishes_the_case_after_commit(
    app: Flask, client: object, redis: Redis, run_worker: Callable[[], None]
) -> None:
    with app.app_context():
        on_call_team()
    pubsub = redis.pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(CHANNEL)
    post_generic(client, generic_body("زوجي يضربني الحين ساعدوني"))  # type: ignore[arg-type]
    run_worker()
    kinds = []
    for _ in range(20):
        message = pubsub.get_message(timeout=0.5)
        if message:
            kinds.append(json.loads(message["data"])["kind"])
        if "paged" in kinds:
            break
    pubsub.close()
    with app.app_context():
        case_id = db.session.execute(select(Case.id)).scalar_one()
    assert kinds[:2] == ["opened", "paged"]
    assert case_id


def test_event_stream_relays_case_ids_only(app: Flask, settings: object) -> None:
    stream = event_stream(subscriber(settings.redis_url), seconds=5)  # type: ignore[attr-defined]
    assert next(stream) == "retry: 1000\n\n"  # subscribed from here on
    received: list[str] = []

    def read() -> None:
        for chunk in stream:
            if chunk.startswith("event: case"):
                received.append(chunk)
                return

    reader = threading.Thread(target=read)
    reader.start()
    with app.app_context():
        publish_case_change(42)
    reader.join(timeout=10)
    stream.close()
    assert received == ['event: case\ndata: {"case_id": 42, "kind": "changed"}\n\n']


def test_demo_replay_posts_the_sample_through_the_signed_webhook(app: Flask, live_server: str) -> None:
    sample = load_sample()
    assert len(sample) >= 20
    assert any("\u0600" <= ch <= "\u06ff" for ch in sample[0]["text"])  # Arabic and English both
    statuses = replay(f"{live_server}/webhooks/generic", "test-generic-secret", rate=0, limit=5)
    assert statuses == [200] * 5
    with app.app_context():
        texts = db.session.execute(select(Message.text).order_by(Message.id)).scalars().all()
    assert texts == [item["text"] for item in sample[:5]]
    result = app.test_cli_runner().invoke(args=["demo", "replay", "--rate", "0", "--limit", "2",
                                                "--url", f"{live_server}/webhooks/generic"])
    assert result.exit_code == 0, result.output
    assert "sent 2 messages" in result.output and "2 accepted" in result.output


def test_arabic_interface_is_right_to_left(app: Flask, world: World) -> None:
    with app.app_context():
        make_case("LANG", ["self_harm"], world.teams["crisis"], text="I am scared. أنا خايفة")
    client = app.test_client()
    sign_in(client, "responder")  # the test users read English
    english = client.get("/queue").get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in english and ">Queue<" in english
    client.post("/account/language", data={"language": "ar", "csrf_token": csrf_token(client)})
    arabic = client.get("/queue").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in arabic and "قائمة الحالات" in arabic
    case_page = client.get("/cases/LANG").get_data(as_text=True)
    assert '<p class="msg-text" dir="auto">I am scared. أنا خايفة</p>' in case_page


def test_sign_in_page_follows_the_browser_language(app: Flask) -> None:
    client = app.test_client()
    page = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert 'dir="ltr"' in page
    page = client.get("/login", headers={"Accept-Language": "ar-SA"}).get_data(as_text=True)
    assert 'dir="rtl"' in page and "تسجيل الدخول" in page


def test_highlight_merges_overlaps_and_ignores_bad_spans() -> None:
    pieces = highlight("abcdefghij", [
        {"start": 2, "end": 5, "label": "x", "reason": "r1"},
        {"start": 4, "end": 7, "label": "y", "reason": "r2"},
        {"start": 50, "end": 60, "label": "z"},
        {"start": "bad"},
    ])
    assert pieces == [Piece("ab"), Piece("cde", "x", "r1"), Piece("fg", "y", "r2"), Piece("hij")]
    assert "".join(p.text for p in pieces) == "abcdefghij"


def test_arabic_catalogue_is_complete_and_compiled(repo_root: object) -> None:
    from io import BytesIO
    from pathlib import Path

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    folder = Path(str(repo_root)) / "triage" / "translations" / "ar" / "LC_MESSAGES"
    with (folder / "messages.po").open("rb") as f:
        catalog = read_po(f)
    untranslated = [m.id for m in catalog if m.id and not m.string]
    assert not untranslated
    compiled = BytesIO()
    write_mo(compiled, catalog)
    assert (folder / "messages.mo").read_bytes() == compiled.getvalue(), "run `make translations`"
