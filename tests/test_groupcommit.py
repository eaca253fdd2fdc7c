"""triage.groupcommit: concurrent requests share a write, each still gets its own outcome."""

from __future__ import annotations

import threading

import pytest
from flask import Flask
from flask.testing import FlaskClient
from redis import Redis
from sqlalchemy import create_engine, select, text
from sqlalchemy.pool import NullPool

from tests.factories import generic_body, message_count, post_generic
from triage.channels import InboundMessage
from triage.extensions import db
from triage.groupcommit import GroupWriter, _Ticket
from triage.models import Message


def item(msg_id: str, raw: dict[str, object] | None = None) -> InboundMessage:
    return InboundMessage(channel="generic", platform_message_id=msg_id, sender_id="s", text="t",
                          raw=raw if raw is not None else {"id": msg_id})


def test_concurrent_deliveries_store_each_message_once(app: Flask, redis: Redis) -> None:
    bodies = [generic_body(f"text {n}", msg_id=f"c{n % 10}", sender=f"s{n % 3}") for n in range(40)]
    statuses: list[int] = []

    def deliver(chunk: list[bytes]) -> None:
        client = app.test_client()
        statuses.extend(post_generic(client, body).status_code for body in chunk)

    threads = [threading.Thread(target=deliver, args=(bodies[n::8],)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 40
    with app.app_context():
        assert message_count() == 10
        ids = db.session.execute(select(Message.id)).scalars().all()
    assert all(redis.exists(f"rq:job:classify-{i}") for i in ids)


def test_a_failing_request_does_not_fail_its_neighbours(app: Flask) -> None:
    writer = GroupWriter(app)
    good, bad = _Ticket([item("good-1"), item("good-2")]), _Ticket([item("bad", raw={"not json": {1, 2}})])
    with app.app_context():
        writer._write([good, bad])
        assert good.answered and good.error is None and good.result is not None
        assert [row.created for row in good.result] == [True, True]
        assert bad.answered and bad.error is not None
        assert db.session.execute(select(Message.platform_message_id).order_by(Message.id)).scalars().all() == [
            "good-1", "good-2"]


def test_the_writer_thread_answers_every_request_even_on_errors(app: Flask) -> None:
    writer = GroupWriter(app)
    with pytest.raises(Exception, match="not JSON serializable"):  # the request sees the error...
        writer.store([item("x", raw={"not json": {1}})])
    assert [row.created for row in writer.store([item("y")])] == [True]


def test_a_lost_database_connection_answers_503_then_recovers(
    app: Flask, client: FlaskClient, database_url: str
) -> None:
    """The batch statement runs on the driver's cursor; its errors must still reach SQLAlchemy's handler, which
    drops the dead pool and raises OperationalError (503, the platform retries)."""
    if not database_url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL (pg_terminate_backend)")
    assert post_generic(client, generic_body("warm the pool", msg_id="before")).status_code == 200
    # The database restarting, as far as the pooled connections know: killed from outside the app's pool (a
    # connection of that pool could be the very one the writer uses next, and would spare it).
    outside = create_engine(database_url, poolclass=NullPool)
    with outside.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                          " WHERE datname = current_database() AND pid <> pg_backend_pid()"))
        conn.commit()
    outside.dispose()
    response = post_generic(client, generic_body("lost", msg_id="during"))
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert post_generic(client, generic_body("again", msg_id="during")).status_code == 200
    with app.app_context():
        assert db.session.execute(select(Message.platform_message_id).order_by(Message.id)).scalars().all() == [
            "before", "during"]
