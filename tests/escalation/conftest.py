"""Fixtures for the escalation tests: the app served on a real port, so the fake Twilio server's signed status
callbacks and key presses reach Najda's own endpoints, and a worker that runs jobs inside that app."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from redis import Redis
from rq import Queue, SimpleWorker

from alerts.fake_twilio import BackgroundServer
from triage import create_app
from triage.config import Settings
from triage.embedded_redis import free_port
from triage.extensions import db
from triage.jobqueue import QUEUE_NAMES


@dataclass
class Live:
    app: Flask
    url: str
    run_worker: Callable[[], None]


@pytest.fixture
def live(app: Flask, settings: Settings, redis: Redis) -> Iterator[Live]:
    """A second app on the same database and Redis, served on 127.0.0.1:<port>, which is its public URL."""
    port = free_port()
    live_app = create_app(settings.replace(public_url=f"http://127.0.0.1:{port}"))

    def drain() -> None:
        queues = [Queue(name, connection=redis) for name in QUEUE_NAMES]
        with live_app.app_context():
            SimpleWorker(queues, connection=redis).work(burst=True, with_scheduler=True)
            db.session.remove()

    with BackgroundServer(live_app, port=port) as server:
        yield Live(live_app, server.url, drain)
    with live_app.app_context():
        db.session.remove()
        db.engine.dispose()
