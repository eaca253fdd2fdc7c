"""Najda's web application: webhooks in, cases out."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Flask

from triage.config import Settings


def create_app(settings: Settings | None = None) -> Flask:
    """Build the Flask app. Nothing connects until a request or a command needs it."""
    settings = settings or Settings.from_env()
    app = NajdaFlask(__name__, instance_path=settings.instance_path, instance_relative_config=False)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SQLALCHEMY_DATABASE_URI=settings.database_url,
        SQLALCHEMY_ENGINE_OPTIONS=_engine_options(settings.database_url),
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        JSON_SORT_KEYS=False,
    )
    app.extensions["najda.settings"] = settings
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # The Twilio SDK logs request parameters at INFO: phone numbers must not reach the logs.
    logging.getLogger("twilio").setLevel(logging.WARNING)

    from alerts.callbacks import bp as twilio_callbacks_bp
    from alerts.cli import register_alerts_cli
    from triage import errors, groupcommit, jobqueue, web
    from triage.cli import register_cli
    from triage.extensions import db, enable_sqlite_concurrency, migrate
    from triage.health import bp as health_bp
    from triage.webhooks import bp as webhooks_bp

    enable_sqlite_concurrency()
    db.init_app(app)
    if not settings.database_url.startswith("sqlite"):
        from triage.dbpool import ping_when_idle

        with app.app_context():
            ping_when_idle(db.engine)  # creates no connection
    migrate.init_app(app, db, directory=_migrations_dir(), render_as_batch=True)
    jobqueue.init_app(app, settings.redis_url or "redis://127.0.0.1:6379/0")
    errors.init_app(app)
    groupcommit.init_app(app)
    app.register_blueprint(health_bp)
    app.register_blueprint(webhooks_bp)
    app.register_blueprint(twilio_callbacks_bp)
    web.init_app(app, settings)
    register_cli(app)
    register_alerts_cli(app)
    return app


class NajdaFlask(Flask):
    """Flask, deciding once per view or hook function whether it is a coroutine function.

    Flask asks ``inspect.iscoroutinefunction`` of every hook and view on every request (six times per webhook);
    the answer for a given function never changes. Async views would still be wrapped, once.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sync: dict[Callable[..., Any], Callable[..., Any]] = {}

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        sync = self._sync.get(func)
        if sync is None:
            sync = self._sync[func] = super().ensure_sync(func)
        return sync


def _engine_options(url: str) -> dict[str, object]:
    # hide_parameters: a database error's text must not carry message text or phone numbers into the logs.
    if url.startswith("sqlite"):
        # The web server and the workers share one file: wait for the writer instead of failing at once.
        return {"connect_args": {"timeout": 15}, "hide_parameters": True}
    # No pool_pre_ping (a round trip per request): triage.dbpool pings only connections that sat idle.
    return {"pool_size": 10, "max_overflow": 10, "hide_parameters": True}


def _migrations_dir() -> str:
    from pathlib import Path

    return str(Path(__file__).resolve().parent.parent / "migrations")
