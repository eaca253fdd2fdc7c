"""Fixtures for the alerts tests: the fake Twilio server, a real twilio Client aimed at it, and a small
HTTP server that receives Twilio's callbacks the way Najda's webhooks will."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask, Response, request

from alerts.fake_twilio import BackgroundServer, FakeTwilioServer
from alerts.twilio_client import build_client, close_client
from tests.alerts.helpers import ACCOUNT_SID, AUTH_TOKEN, GATHER_TWIML, Received, Receiver


@pytest.fixture
def fake() -> Iterator[FakeTwilioServer]:
    with FakeTwilioServer(AUTH_TOKEN, callback_delay=0.05) as server:
        yield server


@pytest.fixture
def client(fake: FakeTwilioServer) -> Iterator[Any]:
    twilio = build_client(ACCOUNT_SID, AUTH_TOKEN, fake.url, timeout=5.0)
    yield twilio
    close_client(twilio)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    app = Flask("callback_receiver")
    server = BackgroundServer(app)
    state = Receiver(url="")

    def record() -> Response:
        received = Received(
            request.path, request.url, request.form.to_dict(), request.headers.get("X-Twilio-Signature", "")
        )
        with state.lock:
            state.requests.append(received)
        if request.path == "/twiml":
            return Response(GATHER_TWIML, mimetype="application/xml")
        return Response("<Response/>", mimetype="application/xml")

    for path in ("/status", "/call-status", "/twiml", "/gather"):
        app.add_url_rule(path, endpoint=path, view_func=record, methods=["POST"])
    with server:
        state.url = server.url
        yield state
