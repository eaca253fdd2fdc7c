"""Ping a pooled connection before use only when it has sat idle, not on every checkout.

``pool_pre_ping`` costs one database round trip per request; on the webhook path that was the largest single
wait (see docs/PERFORMANCE.md, "Ingest"). A connection that went back to the pool milliseconds ago is alive; one
that idled across a database restart or a firewall timeout is not, and only those are pinged. Should the
database die while connections are busy, the first statement fails, the pool drops every connection at once
(SQLAlchemy does so on a disconnect error), and the request is answered 503 so the platform retries.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.exc import DisconnectionError

IDLE_PING_SECONDS = 10.0
_CHECKED_IN_AT = "najda_checked_in_at"


def ping_when_idle(engine: Engine, idle_seconds: float = IDLE_PING_SECONDS) -> None:
    @event.listens_for(engine, "checkin")
    def _checked_in(dbapi_connection: Any, record: Any) -> None:
        record.info[_CHECKED_IN_AT] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        checked_in_at = record.info.get(_CHECKED_IN_AT)
        if checked_in_at is None or time.monotonic() - checked_in_at < idle_seconds:
            return  # new, or busy a moment ago
        try:
            if engine.dialect.do_ping(dbapi_connection):
                return
        except Exception as exc:  # any driver error means the connection is gone
            raise DisconnectionError("idle connection failed its ping") from exc
        raise DisconnectionError("idle connection failed its ping")
