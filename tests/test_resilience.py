"""Nothing is lost when Redis or the database is away."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from sqlalchemy import select

from tests.factories import generic_body, on_call_team, post_generic
from triage import create_app
from triage.config import Settings
from triage.embedded_redis import free_port
from triage.extensions import db
from triage.models import Case, Message, MessageStatus
from workers.jobs import sweep


def test_redis_down_keeps_the_message_and_the_sweeper_catches_up(
    app: Flask, settings: Settings, run_worker: Callable[[], None], fake_twilio: object
) -> None:
    with app.app_context():
        on_call_team()
    no_redis = create_app(settings.replace(redis_url=f"redis://127.0.0.1:{free_port()}/0"))
    response = post_generic(no_redis.test_client(), generic_body("زوجي يضربني الحين", msg_id="lost?"))
    assert response.status_code == 200
    with no_redis.app_context():
        db.engine.dispose()
    with app.app_context():
        message = db.session.execute(select(Message)).scalar_one()
        assert message.status == MessageStatus.RECEIVED
        # Pretend the sweeper's grace period has passed.
        from datetime import timedelta

        message.received_at = message.received_at - timedelta(minutes=1)
        db.session.commit()
        swept = sweep()
        assert (swept["messages"], swept["cases"]) == (1, 0)
    run_worker()
    with app.app_context():
        message = db.session.execute(select(Message)).scalar_one()
        assert message.status == MessageStatus.CLASSIFIED
        assert db.session.execute(select(Case)).scalar_one().priority == "P1"


def test_database_down_answers_503_so_the_platform_retries(settings: Settings, tmp_path: object) -> None:
    broken = create_app(settings.replace(database_url="sqlite:////nonexistent-dir/najda.sqlite3"))
    response = post_generic(broken.test_client(), generic_body("help"))
    assert response.status_code == 503
    assert response.get_json()["reason"]
    assert response.headers["Retry-After"]


def test_healthz_reports_each_part(client: object, settings: Settings) -> None:
    ok = client.get("/healthz")  # type: ignore[attr-defined]
    assert ok.status_code == 200 and ok.get_json() == {"db": "ok", "redis": "ok"}
    broken = create_app(settings.replace(redis_url=f"redis://127.0.0.1:{free_port()}/0",
                                         database_url="sqlite:////nonexistent-dir/x.sqlite3"))
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"db": "down", "redis": "down"}
