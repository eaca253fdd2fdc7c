"""A local fake of the Twilio REST API (Messages and Calls) for development and tests.

Run it:  python -m alerts.fake_twilio [--host 127.0.0.1] [--port 5031] [--auth-token TOKEN]
Point the app at it with build_client(..., api_base_url="http://127.0.0.1:5031", ...).

It answers the official twilio SDK the way api.twilio.com does (Basic auth, 201 + resource JSON, Twilio's
error JSON), then, like Twilio, POSTs signed status callbacks from a background thread. Inspection and
failure injection live under /_fake/ (see the routes below).
"""

from __future__ import annotations

import argparse
import heapq
import hmac
import itertools
import logging
import os
import re
import secrets
import socketserver
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from types import TracebackType
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from flask import Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from alerts.twilio_client import compute_signature, segments

logger = logging.getLogger(__name__)

API_VERSION = "2010-04-01"
DEFAULT_AUTH_TOKEN = "demo-twilio-token"
EXTENSION = "fake_twilio"
ERROR_MODES = ("500", "429", "timeout", "invalid_number", "opted_out")
DELIVERY_FAILURES = ("failed", "undelivered")
UNREACHABLE = 30003
_E164 = re.compile(r"^\+[1-9]\d{1,14}$")
_MAX_BODY = 1600


def _now() -> str:
    return format_datetime(datetime.now(UTC))  # RFC 2822, as Twilio's date_created


def _sid(prefix: str) -> str:
    return prefix + secrets.token_hex(16)


def twilio_error(status: int, code: int, message: str) -> Response:
    """Twilio's legacy error body, which the SDK turns into TwilioRestException(status, code)."""
    more_info = f"https://www.twilio.com/docs/errors/{code}"
    body = {"code": code, "message": message, "more_info": more_info, "status": status}
    response = jsonify(body)
    response.status_code = status
    return response


@dataclass
class FailRule:
    """One instruction from POST /_fake/fail: answer with an error, or accept and fail the delivery."""

    mode: str  # one of ERROR_MODES, or "none" (accept)
    remaining: int | None  # requests left to affect; None = until reset
    to: str | None  # only requests to this number
    delivery: str | None  # "failed" / "undelivered": accepted, then reported so in the callback
    seconds: float  # how long "timeout" holds the request


class _Dispatcher:
    """Runs delayed jobs one at a time, in due order, on a single thread (callbacks arrive in order)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, Callable[[], None]]] = []
        self._seq = itertools.count()
        self._thread: threading.Thread | None = None
        self._closed = False

    def schedule(self, delay: float, job: Callable[[], None]) -> None:
        with self._cond:
            if self._closed:
                return
            heapq.heappush(self._heap, (time.monotonic() + delay, next(self._seq), job))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="fake-twilio-callbacks", daemon=True)
                self._thread.start()
            self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._closed and (not self._heap or self._heap[0][0] > time.monotonic()):
                    wait = self._heap[0][0] - time.monotonic() if self._heap else None
                    self._cond.wait(wait)
                if self._closed:
                    return
                job = heapq.heappop(self._heap)[2]
            try:
                job()
            except Exception:  # a broken callback target must not stop later callbacks
                logger.exception("fake twilio: background job failed")

    def clear(self) -> None:
        with self._cond:
            self._heap.clear()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify()
            thread = self._thread
        if thread is not None:
            thread.join(timeout=10)


class FakeTwilioState:
    """Everything the fake remembers; every access holds the lock (requests run on many threads)."""

    def __init__(self, auth_token: str, account_sid: str | None, callback_delay: float) -> None:
        self.auth_token = auth_token
        self.account_sid = account_sid
        self.callback_delay = callback_delay
        self.lock = threading.Lock()
        self.messages: dict[str, dict[str, Any]] = {}
        self.calls: dict[str, dict[str, Any]] = {}
        self.callbacks: list[dict[str, Any]] = []
        self.rules: list[FailRule] = []
        self.digits: dict[str, str] = {}
        self.stopping = threading.Event()
        self.dispatcher = _Dispatcher()

    def reset(self) -> None:
        self.dispatcher.clear()
        with self.lock:
            self.messages.clear()
            self.calls.clear()
            self.callbacks.clear()
            self.rules.clear()
            self.digits.clear()

    def take_rule(self, to: str) -> FailRule | None:
        """The first rule that applies to a request to `to`, counting it as used."""
        with self.lock:
            for rule in self.rules:
                if rule.to is None or rule.to == to:
                    if rule.remaining is not None:
                        rule.remaining -= 1
                        if rule.remaining <= 0:
                            self.rules.remove(rule)
                    return rule
        return None

    def close(self) -> None:
        self.stopping.set()  # wakes requests held by the "timeout" mode
        self.dispatcher.close()

    def post_signed(self, kind: str, url: str, params: dict[str, str]) -> str | None:
        """POST params form-encoded to url with X-Twilio-Signature, as Twilio does; returns the body."""
        signature = compute_signature(self.auth_token, url, params)
        record: dict[str, Any] = {"kind": kind, "url": url, "params": params, "status_code": None}
        text: str | None = None
        try:
            with requests.Session() as session:
                session.trust_env = False  # the targets are local; never go through a proxy
                response = session.post(
                    url,
                    data=params,
                    headers={"X-Twilio-Signature": signature, "User-Agent": "TwilioProxy/1.1"},
                    timeout=(5, 15),  # Twilio's defaults: connect 5 s, read 15 s
                )
                record["status_code"] = response.status_code
                text = response.text
        except requests.RequestException as exc:
            record["error"] = type(exc).__name__
        with self.lock:
            self.callbacks.append(record)
        return text


def _state() -> FakeTwilioState:
    state: FakeTwilioState = current_app.extensions[EXTENSION]
    return state


def _authorized(state: FakeTwilioState, account_sid: str) -> bool:
    auth = request.authorization
    if auth is None or auth.type != "basic" or not account_sid.startswith("AC"):
        return False
    if state.account_sid is not None and account_sid != state.account_sid:
        return False
    return hmac.compare_digest(auth.username or "", account_sid) and hmac.compare_digest(
        (auth.password or "").encode(), state.auth_token.encode()
    )


def _unauthorized() -> Response:
    response = twilio_error(401, 20003, "Authenticate")
    response.headers["WWW-Authenticate"] = 'Basic realm="Twilio API"'
    return response


def _injected_error(state: FakeTwilioState, rule: FailRule | None) -> Response | None:
    if rule is None or rule.mode == "none":
        return None
    if rule.mode == "500":
        return twilio_error(500, 20500, "Internal Server Error")
    if rule.mode == "429":
        return twilio_error(429, 20429, "Too Many Requests")
    if rule.mode == "invalid_number":
        return twilio_error(400, 21211, "The 'To' number is not a valid phone number.")
    if rule.mode == "opted_out":
        return twilio_error(400, 21610, "Attempt to send to unsubscribed recipient")
    # "timeout": hold the request past the client's timeout; the message is never created.
    state.stopping.wait(rule.seconds)
    return twilio_error(503, 20503, "Service Unavailable")


def _valid_callback_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname) and "_" not in (parts.hostname or "")


def _message_json(message: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in message.items() if not key.startswith("_")}


def _create_message(account_sid: str) -> Response:
    state = _state()
    if not _authorized(state, account_sid):
        return _unauthorized()
    form = request.form
    to = form.get("To", "")
    rule = state.take_rule(to)
    error = _injected_error(state, rule)
    if error is not None:
        return error
    from_, service = form.get("From"), form.get("MessagingServiceSid")
    body, callback = form.get("Body", ""), form.get("StatusCallback")
    if not _E164.match(to):
        return twilio_error(400, 21211, f"The 'To' number {to} is not a valid phone number.")
    if not from_ and not service:
        return twilio_error(400, 21603, "A 'From' phone number is required.")
    if not body:
        return twilio_error(400, 21602, "Message body is required.")
    if len(body) > _MAX_BODY:
        return twilio_error(400, 21617, "The concatenated message body exceeds the 1600 character limit.")
    if callback and not _valid_callback_url(callback):
        return twilio_error(400, 21609, "Invalid StatusCallback url")
    sid, now = _sid("SM"), _now()
    encoding, count = segments(body)
    uri = f"/{API_VERSION}/Accounts/{account_sid}/Messages/{sid}.json"
    message: dict[str, Any] = {
        "account_sid": account_sid,
        "api_version": API_VERSION,
        "body": body,
        "date_created": now,
        "date_sent": None,
        "date_updated": now,
        "direction": "outbound-api",
        "error_code": None,
        "error_message": None,
        "from": from_,
        "messaging_service_sid": service,
        "num_media": "0",
        "num_segments": str(count),
        "price": None,
        "price_unit": "USD",
        "sid": sid,
        "status": "accepted" if service and not from_ else "queued",
        "subresource_uris": {"media": uri.replace(".json", "/Media.json")},
        "to": to,
        "uri": uri,
        "_encoding": encoding,
        "_status_callback": callback,
    }
    with state.lock:
        state.messages[sid] = message
        reply = _message_json(message)
    delivery = rule.delivery if rule is not None else None
    state.dispatcher.schedule(state.callback_delay, lambda: _deliver_message(state, sid, delivery))
    response = jsonify(reply)
    response.status_code = 201
    return response


def _deliver_message(state: FakeTwilioState, sid: str, delivery: str | None) -> None:
    """Move the message through Twilio's states, POSTing a callback for each (none for the initial one)."""
    steps: list[tuple[str, int | None]] = [("sent", None), ("delivered", None)]
    if delivery == "failed":
        steps = [("failed", UNREACHABLE)]
    elif delivery == "undelivered":
        steps = [("sent", None), ("undelivered", UNREACHABLE)]
    for status, error_code in steps:
        with state.lock:
            message = state.messages.get(sid)
            if message is None:  # reset meanwhile
                return
            message["status"] = status
            message["error_code"] = error_code
            message["date_updated"] = _now()
            if status == "sent":
                message["date_sent"] = message["date_updated"]
            url = message["_status_callback"]
            params = {
                "AccountSid": message["account_sid"],
                "ApiVersion": API_VERSION,
                "MessageSid": sid,
                "SmsSid": sid,
                "MessageStatus": status,
                "SmsStatus": status,
                "To": message["to"],
            }
            if message["from"]:
                params["From"] = message["from"]
            if message["messaging_service_sid"]:
                params["MessagingServiceSid"] = message["messaging_service_sid"]
            if error_code is not None:
                params["ErrorCode"] = str(error_code)
        if url:
            state.post_signed("message_status", url, params)


def _get_message(account_sid: str, sid: str) -> Response:
    state = _state()
    if not _authorized(state, account_sid):
        return _unauthorized()
    with state.lock:
        message = state.messages.get(sid)
        reply = _message_json(message) if message and message["account_sid"] == account_sid else None
    if reply is None:
        return twilio_error(404, 20404, f"The requested resource {request.path} was not found")
    return jsonify(reply)


def _create_call(account_sid: str) -> Response:
    state = _state()
    if not _authorized(state, account_sid):
        return _unauthorized()
    form = request.form
    to = form.get("To", "")
    rule = state.take_rule(to)
    error = _injected_error(state, rule)
    if error is not None:
        return error
    from_, url, twiml = form.get("From"), form.get("Url"), form.get("Twiml")
    callback = form.get("StatusCallback")
    if not _E164.match(to):
        return twilio_error(400, 21211, f"The 'To' number {to} is not a valid phone number.")
    if not from_:
        return twilio_error(400, 21213, "No 'From' number is specified")
    if not url and not twiml:
        return twilio_error(400, 21205, "Url parameter is required.")
    for link in (url, callback):
        if link and not _valid_callback_url(link):
            return twilio_error(400, 21205, "Invalid url")
    sid, now = _sid("CA"), _now()
    uri = f"/{API_VERSION}/Accounts/{account_sid}/Calls/{sid}.json"
    call: dict[str, Any] = {
        "account_sid": account_sid,
        "annotation": None,
        "answered_by": None,
        "api_version": API_VERSION,
        "caller_name": None,
        "date_created": now,
        "date_updated": now,
        "direction": "outbound-api",
        "duration": None,
        "end_time": None,
        "forwarded_from": None,
        "from": from_,
        "from_formatted": from_,
        "group_sid": None,
        "parent_call_sid": None,
        "phone_number_sid": None,
        "price": None,
        "price_unit": "USD",
        "queue_time": "0",
        "sid": sid,
        "start_time": None,
        "status": "queued",
        "subresource_uris": {"recordings": uri.replace(".json", "/Recordings.json")},
        "to": to,
        "to_formatted": to,
        "trunk_sid": None,
        "uri": uri,
        "_url": url,
        "_twiml": twiml,
        "_status_callback": callback,
        "_digits": None,
    }
    with state.lock:
        state.calls[sid] = call
        reply = _message_json(call)
    delivery = rule.delivery if rule is not None else None
    state.dispatcher.schedule(state.callback_delay, lambda: _run_call(state, sid, delivery))
    response = jsonify(reply)
    response.status_code = 201
    return response


def _gather_action(twiml: str, document_url: str | None) -> str | None:
    """Where a <Gather> in twiml posts its Digits (its action, else the document's own URL)."""
    try:
        root = ET.fromstring(twiml)
    except ET.ParseError:
        return None
    gather = root.find(".//Gather")
    if gather is None:
        return None
    action = gather.get("action")
    if action:
        return urljoin(document_url, action) if document_url else action
    return document_url


def _run_call(state: FakeTwilioState, sid: str, delivery: str | None) -> None:
    """Answer the call, fetch its TwiML, press the pending keys on its <Gather>, hang up, report."""
    with state.lock:
        call = state.calls.get(sid)
        if call is None:
            return
        to = call["to"]
        params = {
            "AccountSid": call["account_sid"],
            "ApiVersion": API_VERSION,
            "CallSid": sid,
            "Direction": "outbound-api",
            "From": call["from"],
            "To": to,
        }
        url, twiml, callback = call["_url"], call["_twiml"], call["_status_callback"]
        digits = None if delivery else state.digits.pop(to, None)
    final = {"failed": "failed", "undelivered": "no-answer"}.get(delivery or "", "completed")
    if final == "completed":
        answered = {**params, "CallStatus": "in-progress"}
        if url:
            twiml = state.post_signed("call_twiml", url, answered) or ""
        action = _gather_action(twiml or "", url)
        if digits and action:
            state.post_signed("call_gather", action, {**answered, "Digits": digits})
    duration = "5" if final == "completed" else "0"
    with state.lock:
        call.update(status=final, duration=duration, _digits=digits, date_updated=_now(), end_time=_now())
    if callback:
        state.post_signed("call_status", callback, {**params, "CallStatus": final, "CallDuration": duration})


def _get_call(account_sid: str, sid: str) -> Response:
    state = _state()
    if not _authorized(state, account_sid):
        return _unauthorized()
    with state.lock:
        call = state.calls.get(sid)
        reply = _message_json(call) if call and call["account_sid"] == account_sid else None
    if reply is None:
        return twilio_error(404, 20404, f"The requested resource {request.path} was not found")
    return jsonify(reply)


def _bad_request(reason: str) -> Response:
    response = jsonify({"error": reason})
    response.status_code = 400
    return response


def _fake_fail() -> Response:
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return _bad_request("expected a JSON object")
    mode = payload.get("mode", "none")
    count, to, delivery = payload.get("count"), payload.get("to"), payload.get("delivery")
    seconds = payload.get("seconds", 30)
    if mode not in (*ERROR_MODES, "none"):
        return _bad_request(f"mode must be one of {', '.join((*ERROR_MODES, 'none'))}")
    if count is not None and (not isinstance(count, int) or isinstance(count, bool) or count < 1):
        return _bad_request("count must be a positive integer")
    if to is not None and (not isinstance(to, str) or not _E164.match(to)):
        return _bad_request("to must be an E.164 number")
    if delivery is not None and delivery not in DELIVERY_FAILURES:
        return _bad_request("delivery must be 'failed' or 'undelivered'")
    if delivery is not None and mode != "none":
        return _bad_request("delivery applies to accepted requests; use it with mode 'none'")
    if not isinstance(seconds, int | float) or isinstance(seconds, bool) or seconds <= 0:
        return _bad_request("seconds must be a positive number")
    state = _state()
    with state.lock:
        if mode == "none" and delivery is None:  # clear: everything, or what targets `to`
            state.rules = [rule for rule in state.rules if to is not None and rule.to != to]
        else:
            state.rules.append(FailRule(mode, count, to, delivery, float(seconds)))
        active = len(state.rules)
    return jsonify({"ok": True, "rules": active})


def _fake_digits() -> Response:
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return _bad_request("expected a JSON object")
    to, digits = payload.get("to"), payload.get("digits")
    if not isinstance(to, str) or not _E164.match(to):
        return _bad_request("to must be an E.164 number")
    if not isinstance(digits, str) or not re.fullmatch(r"[0-9*#]{1,10}", digits):
        return _bad_request("digits must be 1-10 of 0-9, * and #")
    state = _state()
    with state.lock:
        state.digits[to] = digits
    return jsonify({"ok": True})


def _fake_messages() -> Response:
    state = _state()
    with state.lock:
        listing = [
            {
                "sid": m["sid"],
                "to": m["to"],
                "from": m["from"],
                "messaging_service_sid": m["messaging_service_sid"],
                "body": m["body"],
                "status": m["status"],
                "error_code": m["error_code"],
                "num_segments": int(m["num_segments"]),
                "encoding": m["_encoding"],
                "status_callback": m["_status_callback"],
                "date_created": m["date_created"],
            }
            for m in state.messages.values()
        ]
    return jsonify(listing)


def _fake_calls() -> Response:
    state = _state()
    with state.lock:
        listing = [
            {
                "sid": c["sid"],
                "to": c["to"],
                "from": c["from"],
                "status": c["status"],
                "url": c["_url"],
                "twiml": c["_twiml"],
                "digits": c["_digits"],
                "status_callback": c["_status_callback"],
                "date_created": c["date_created"],
            }
            for c in state.calls.values()
        ]
    return jsonify(listing)


def _fake_callbacks() -> Response:
    state = _state()
    with state.lock:
        return jsonify(list(state.callbacks))


def _fake_reset() -> Response:
    _state().reset()
    return jsonify({"ok": True})


def _json_http_error(exc: HTTPException) -> Response:
    code = exc.code or 500
    return twilio_error(code, 20000 + code, exc.name)


def create_fake_twilio_app(
    auth_token: str, *, account_sid: str | None = None, callback_delay: float = 0.2
) -> Flask:
    """The fake as a Flask app. account_sid=None accepts any "AC..." account whose Basic auth matches."""
    app = Flask(__name__)
    app.extensions[EXTENSION] = FakeTwilioState(auth_token, account_sid, callback_delay)
    base = f"/{API_VERSION}/Accounts/<account_sid>"
    app.add_url_rule(f"{base}/Messages.json", view_func=_create_message, methods=["POST"])
    app.add_url_rule(f"{base}/Messages/<sid>.json", view_func=_get_message, methods=["GET"])
    app.add_url_rule(f"{base}/Calls.json", view_func=_create_call, methods=["POST"])
    app.add_url_rule(f"{base}/Calls/<sid>.json", view_func=_get_call, methods=["GET"])
    app.add_url_rule("/_fake/messages", view_func=_fake_messages, methods=["GET"])
    app.add_url_rule("/_fake/calls", view_func=_fake_calls, methods=["GET"])
    app.add_url_rule("/_fake/callbacks", view_func=_fake_callbacks, methods=["GET"])
    app.add_url_rule("/_fake/reset", view_func=_fake_reset, methods=["POST"])
    app.add_url_rule("/_fake/fail", view_func=_fake_fail, methods=["POST"])
    app.add_url_rule("/_fake/digits", view_func=_fake_digits, methods=["POST"])
    app.register_error_handler(HTTPException, _json_http_error)
    return app


def fake_state(app: Flask) -> FakeTwilioState:
    state: FakeTwilioState = app.extensions[EXTENSION]
    return state


class _OneRequestPerConnection(WSGIRequestHandler):
    # HTTP/1.0: no keep-alive, so a client that never closes its pool cannot hold a server thread open.
    protocol_version = "HTTP/1.0"


class BackgroundServer:
    """Serve a WSGI app on a loopback port from a thread (port 0 picks a free one). For tests and tools."""

    def __init__(self, app: Flask, host: str = "127.0.0.1", port: int = 0) -> None:
        self.app = app
        self.host = host
        self.port = port
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("server not started")
        return f"http://{self.host}:{self._server.server_port}"

    def start(self) -> BackgroundServer:
        self._server = make_server(
            self.host, self.port, self.app, threaded=True, request_handler=_OneRequestPerConnection
        )
        # werkzeug makes request threads daemons, which server_close does not wait for: a request still running
        # at stop (a status callback arriving as a test ends) kept its database connection past the engine's
        # dispose, and the garbage collector later reported it open, failing whichever test was running then.
        if isinstance(self._server, socketserver.ThreadingMixIn):
            self._server.daemon_threads = False
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="wsgi-server", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._release()
        self._server.server_close()  # joins the request threads
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = self._thread = None

    def _release(self) -> None:
        """Hook: let in-flight requests finish before server_close joins their threads."""

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


class FakeTwilioServer(BackgroundServer):
    """The fake Twilio API on a free loopback port, in a thread: `with FakeTwilioServer() as fake: ...`."""

    def __init__(
        self,
        auth_token: str = DEFAULT_AUTH_TOKEN,
        *,
        account_sid: str | None = None,
        callback_delay: float = 0.2,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        app = create_fake_twilio_app(auth_token, account_sid=account_sid, callback_delay=callback_delay)
        super().__init__(app, host, port)
        self.state = fake_state(app)

    def _release(self) -> None:
        self.state.close()  # wakes requests held by the "timeout" mode, stops the callback thread

    def __enter__(self) -> FakeTwilioServer:
        self.start()
        return self


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m alerts.fake_twilio", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5031)
    parser.add_argument("--auth-token", default=os.environ.get("NAJDA_TWILIO_AUTH_TOKEN", DEFAULT_AUTH_TOKEN))
    parser.add_argument("--account-sid", default=None, help="accept only this account (default: any AC...)")
    parser.add_argument("--callback-delay", type=float, default=0.2, help="seconds before status callbacks")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    app = create_fake_twilio_app(
        args.auth_token, account_sid=args.account_sid, callback_delay=args.callback_delay
    )
    server = make_server(args.host, args.port, app, threaded=True, request_handler=_OneRequestPerConnection)
    print(f"fake Twilio API on http://{args.host}:{server.server_port} (GET /_fake/messages)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        fake_state(app).close()
        server.server_close()


if __name__ == "__main__":
    main()
