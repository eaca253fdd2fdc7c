"""Web fixtures: a world of teams and staff, and a real HTTP server in a thread for browser-level tests."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.web.helpers import World, make_world


@pytest.fixture
def world(app: Flask) -> World:
    # No app context stays pushed: each test-client request then gets a fresh ``g`` (Flask-Login keeps the
    # signed-in user there), exactly as in production.
    with app.app_context():
        return make_world()


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The app behind werkzeug's threaded server on a free port (each SSE client gets its own thread)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="najda-live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
