"""Webhook blueprint: verify → store → commit → enqueue → 200. Nothing more happens on the request path."""

from __future__ import annotations

import logging
from collections.abc import Callable
from types import ModuleType
from xml.sax.saxutils import escape

from flask import Blueprint, Response, abort, current_app, jsonify, request
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import Headers

from triage.channels import InboundMessage, generic, meta, telegram, twilio_sms, x
from triage.config import Settings
from triage.extensions import db
from triage.groupcommit import group_writer
from triage.inbound import Stored
from triage.jobqueue import CLASSIFY, CLASSIFY_FUNC, CLASSIFY_TIMEOUT, classify_job_id, jobs

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
    # Only Twilio signs the URL; the others sign the body alone, so they are spared rebuilding it.
    url = public_url() if getattr(adapter, "SIGNS_URL", False) else ""
    if not verify(request.headers, body, settings(), url):
        abort(401, description="missing or invalid signature")
    return body


def ingest(items: list[InboundMessage]) -> list[Stored]:
    """Store (committed) and enqueue classification, shared with concurrent requests (triage.groupcommit);
    returns one Stored per item. Redis down loses nothing: the rows stay ``received`` and the sweeper enqueues
    them later."""
    stored = group_writer().store(items)
    for row in stored:
        if not row.created and row.needs_classification:  # an edit, or a re-delivery not yet classified
            jobs().enqueue(CLASSIFY, CLASSIFY_FUNC, row.message_id, job_id=classify_job_id(row.message_id),
                           job_timeout=CLASSIFY_TIMEOUT)
    return stored


def require_json() -> None:
    if request.mimetype != "application/json":
        abort(415, description="Content-Type must be application/json")


def json_response(body: str) -> Response:
    """The acknowledgement, written as ``jsonify`` writes it (compact, newline-terminated) for a body of one
    integer field; jsonify's provider lookup and encoder were a noticeable share of a webhook's own CPU time."""
    return Response(body + "\n", mimetype="application/json")


def require_form() -> None:
    if request.mimetype != "application/x-www-form-urlencoded":
        abort(415, description="Content-Type must be application/x-www-form-urlencoded")


@bp.post("/generic")
def generic_webhook() -> ResponseReturnValue:
    body = read_verified_body(generic)
    require_json()
    stored = ingest(generic.parse(body))
    return json_response(f'{{"message_id":{stored[0].message_id}}}')


@bp.get("/meta")
def meta_handshake() -> ResponseReturnValue:
    challenge = meta.handshake(request.args, settings())
    if challenge is None:
        abort(403, description="hub.mode must be 'subscribe' and hub.verify_token must match")
    if not challenge:
        abort(400, description="hub.challenge is required")
    return challenge, 200, {"Content-Type": "text/plain; charset=utf-8"}


@bp.post("/meta")
def meta_webhook() -> ResponseReturnValue:
    request.max_content_length = max(meta.MAX_BODY_BYTES, settings().max_body_bytes)
    body = read_verified_body(meta)
    require_json()
    stored = ingest(meta.parse(body))
    return json_response(f'{{"received":{len(stored)}}}')


@bp.get("/x")
def x_crc() -> ResponseReturnValue:
    token = request.args.get("crc_token", "")
    if not token:
        abort(400, description="crc_token is required")
    return jsonify(x.crc_response(token, settings()))


@bp.post("/x")
def x_webhook() -> ResponseReturnValue:
    body = read_verified_body(x)
    require_json()
    stored = ingest(x.parse(body))
    return json_response(f'{{"received":{len(stored)}}}')


@bp.post("/telegram")
def telegram_webhook() -> ResponseReturnValue:
    body = read_verified_body(telegram)
    require_json()
    stored = ingest(telegram.parse(body))
    return json_response(f'{{"received":{len(stored)}}}')


@bp.post("/twilio/sms")
def twilio_sms_webhook() -> ResponseReturnValue:
    body = read_verified_body(twilio_sms)
    require_form()
    items = twilio_sms.parse(body)
    stored = ingest(items)
    if stored[0].responder_id is not None:
        # A responder answering a page (ACK, ...): the alerting grammar handles it, it is not a citizen message.
        from alerts.replies import handle_reply_once

        try:
            reply = handle_reply_once(stored[0].responder_id, items[0].platform_message_id, items[0].text)
            db.session.commit()
        except IntegrityError:  # the same message, handled at this moment by a concurrent re-delivery
            db.session.rollback()
            reply = handle_reply_once(stored[0].responder_id, items[0].platform_message_id, items[0].text)
        return twiml(reply)
    return twiml("")


def twiml(reply: str) -> Response:
    xml = f"<Response><Message>{escape(reply)}</Message></Response>" if reply else "<Response/>"
    return Response('<?xml version="1.0" encoding="UTF-8"?>' + xml, content_type="text/xml; charset=utf-8")
