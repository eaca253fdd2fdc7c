"""JSON errors for machines (webhooks, /api/): a client always learns why. Staff pages get an HTML page."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, request
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class BadPayload(Exception):
    """The request verified but its body is not what the channel promises; answered 400 with the reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def init_app(app: Flask) -> None:
    @app.errorhandler(BadPayload)
    def _bad_payload(exc: BadPayload) -> ResponseReturnValue:
        return jsonify(error="bad_request", reason=exc.reason), 400

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> ResponseReturnValue:
        from triage.web import is_machine_path, render_error

        if not is_machine_path(request.path) and request.accept_mimetypes.accept_html:
            return render_error(exc)  # staff pages get an HTML page in their language
        return jsonify(error=(exc.name or "error").lower().replace(" ", "_"), reason=exc.description), (
            exc.code or 500
        )

    @app.errorhandler(OperationalError)
    @app.errorhandler(PoolTimeout)
    def _db_down(exc: Exception) -> ResponseReturnValue:
        # The sender retries on 503: nothing is lost while the database is away.
        log.error("database unavailable: %s", type(exc).__name__)
        return jsonify(error="unavailable", reason="database unavailable, retry later"), 503, {"Retry-After": "5"}
