"""Shared fixtures: a real database and a real Redis for every integration test.

PostgreSQL and Redis when ``NAJDA_TEST_DATABASE_URL`` / ``NAJDA_TEST_REDIS_URL`` are set (CI sets them), else a
SQLite file and an embedded Redis. The schema comes from the Alembic migrations; each test starts with empty
tables, a flushed Redis database and a fake Twilio server with nothing recorded.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from redis import Redis
from rq import Queue, SimpleWorker
from sqlalchemy import MetaData, inspect, text

from alerts.fake_twilio import FakeTwilioServer
from triage import create_app
from triage.config import Settings
from triage.embedded_redis import EmbeddedRedis
from triage.extensions import db
from triage.jobqueue import QUEUE_NAMES

os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = os.environ.get("NAJDA_TEST_REDIS_URL")
    if url:
        yield url
        return
    server = EmbeddedRedis(tmp_path_factory.mktemp("redis")).start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return os.environ.get("NAJDA_TEST_DATABASE_URL") or (
        f"sqlite:///{tmp_path_factory.mktemp('db') / 'najda-test.sqlite3'}"
    )


@pytest.fixture(scope="session")
def fake_twilio() -> Iterator[FakeTwilioServer]:
    server = FakeTwilioServer(auth_token=TEST_TWILIO_TOKEN, callback_delay=0.05)
    server.start()
    try:
        yield server
    finally:
        server.stop()


TEST_TWILIO_TOKEN = "test-twilio-token"
TEST_TWILIO_SID = "AC" + "1" * 32


@pytest.fixture(scope="session")
def settings(
    database_url: str, redis_url: str, fake_twilio: FakeTwilioServer, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    base = Settings.from_env(environ={}, instance_path=str(tmp_path_factory.mktemp("instance")))
    return base.replace(
        env="test",
        database_url=database_url,
        redis_url=redis_url,
        public_url="http://najda.test",
        generic_secret="test-generic-secret",
        twilio_account_sid=TEST_TWILIO_SID,
        twilio_auth_token=TEST_TWILIO_TOKEN,
        twilio_from="+15005550006",
        twilio_api_base_url=fake_twilio.url,
    )


@pytest.fixture(scope="session")
def app(settings: Settings) -> Iterator[Flask]:
    app = create_app(settings)
    with app.app_context():
        _reset_schema()
        from flask_migrate import upgrade

        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


def _reset_schema() -> None:
    """Drop whatever an earlier run left in the (shared, persistent) test database."""
    with db.engine.begin() as conn:
        meta = MetaData()
        meta.reflect(bind=conn)
        meta.drop_all(bind=conn)
        if "alembic_version" in inspect(conn).get_table_names():
            conn.execute(text("DROP TABLE alembic_version"))


@pytest.fixture(autouse=True)
def _clean_state(request: pytest.FixtureRequest) -> Iterator[None]:
    """Empty tables, flushed Redis and a reset fake Twilio for tests that use the app."""
    if "app" not in request.fixturenames:
        yield
        return
    app: Flask = request.getfixturevalue("app")
    redis: Redis = request.getfixturevalue("redis")
    fake: FakeTwilioServer = request.getfixturevalue("fake_twilio")
    redis.flushdb()
    fake.state.reset()
    yield
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
    redis.flushdb()


@pytest.fixture(scope="session")
def redis(redis_url: str) -> Iterator[Redis]:
    connection = Redis.from_url(redis_url)
    yield connection
    connection.close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def app_ctx(app: Flask) -> Iterator[Flask]:
    with app.app_context():
        yield app


@pytest.fixture
def run_worker(app: Flask, redis: Redis) -> Callable[[], None]:
    """Drain every queue in this process, as RQ's own tests do (scheduler on, so retries run)."""

    def drain() -> None:
        queues = [Queue(name, connection=redis) for name in QUEUE_NAMES]
        with app.app_context():
            SimpleWorker(queues, connection=redis).work(burst=True, with_scheduler=True)
            db.session.remove()

    return drain


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent
