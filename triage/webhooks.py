"""Webhook blueprint: verify → store → commit → enqueue → 200. Nothing more happens on the request path."""

from __future__ import annotations

import logging
from collections.abc import Callable
from types import ModuleType

from flask import Blueprint, abort, current_app, jsonify, request
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import Headers

from triage.channels import InboundMessage, generic
from triage.config import Settings
from triage.extensions import db
from triage.inbound import store_messages
from triage.jobqueue import CLASSIFY, jobs

log = logging.getLogger(__name__)
bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")


def settings() -> Settings:
    value: Settings = current_app.extensions["najda.settings"]
    return value


def public_url() -> str:
    """The URL the platform signed: the configured public base plus the path and query we were called on."""
    return settings().public_url + request.full_path.rstrip("?")


def read_verified_body(adapter: ModuleType) -> bytes:
    """Raw body, after the adapter's signature check; 401 before anything is parsed or stored."""
    body = request.get_data(cache=True)
    verify: Callable[[Headers, bytes, Settings, str], bool] = adapter.verify
    if not verify(request.headers, body, settings(), public_url()):
        abort(401, description="missing or invalid signature")
    return body


def ingest(items: list[InboundMessage]) -> list[int]:
    """Store, commit, then enqueue classification; returns the message ids. Redis down loses nothing:
    the rows stay ``received`` and the sweeper enqueues them later."""
    stored = store_messages(items)
    db.session.commit()
    for row in stored:
        if row.needs_classification:
            jobs().enqueue(CLASSIFY, "workers.jobs.classify_message", row.message_id,
                           job_id=f"classify-{row.message_id}")
    return [row.message_id for row in stored]


def require_json() -> None:
    if not request.mimetype or request.mimetype != "application/json":
        abort(415, description="Content-Type must be application/json")


@bp.post("/generic")
def generic_webhook() -> ResponseReturnValue:
    body = read_verified_body(generic)
    require_json()
    ids = ingest(generic.parse(body))
    return jsonify(message_id=ids[0])
