"""Live updates: a case changed → one Redis pub/sub message → every open queue and case page refreshes.

The message carries only the case id (never text, labels or names): each browser then asks the server for what
*it* may see. Publishing is best effort after commit: a lost message costs a 30 s wait for the page's own
refresh, never data.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator

from flask import current_app
from redis import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)
CHANNEL = "najda:cases"
# A stream ends after this long and the browser reconnects at once: a thread is never held for ever, and a
# server restart or deploy drains within a minute.
STREAM_SECONDS = 55.0
HEARTBEAT_SECONDS = 10.0


def publish_case_change(case_id: int, kind: str = "changed") -> None:
    """Tell every live page that ``case_id`` opened or changed. Call after commit."""
    from triage.jobqueue import jobs

    try:
        jobs().redis.publish(CHANNEL, json.dumps({"case_id": case_id, "kind": kind}))
    except (RedisError, OSError) as exc:
        log.warning("live update for case %s not published: %s", case_id, type(exc).__name__)


def subscriber(redis_url: str) -> Redis:
    # No socket timeout: the stream waits on the socket with its own timeout instead.
    return Redis.from_url(redis_url, socket_connect_timeout=2.0, health_check_interval=30)


def event_stream(redis: Redis, seconds: float = STREAM_SECONDS) -> Iterator[str]:
    """Server-sent events: ``case`` events as they come, a comment line as heartbeat, then end."""
    pubsub = redis.pubsub(ignore_subscribe_messages=True)  # type: ignore[no-untyped-call]
    try:
        pubsub.subscribe(CHANNEL)
        yield "retry: 1000\n\n"
        deadline = time.monotonic() + seconds
        last = time.monotonic()
        while time.monotonic() < deadline:
            message = pubsub.get_message(timeout=1.0)
            if message is not None and message.get("type") == "message":
                data = message["data"].decode() if isinstance(message["data"], bytes) else str(message["data"])
                yield f"event: case\ndata: {data}\n\n"
                last = time.monotonic()
            elif time.monotonic() - last >= HEARTBEAT_SECONDS:
                yield ": ping\n\n"
                last = time.monotonic()
    except (RedisError, OSError) as exc:
        log.warning("live stream ended: %s", type(exc).__name__)
    finally:
        try:
            pubsub.close()
        finally:
            redis.close()


def redis_url() -> str:
    settings = current_app.extensions["najda.settings"]
    return str(settings.redis_url or "redis://127.0.0.1:6379/0")
