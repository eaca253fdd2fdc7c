"""Constants and helpers shared by the alerts tests (fixtures live in conftest.py)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "test-auth-token"
FROM_NUMBER = "+15005550006"
RESPONDER = "+966501234567"


def wait_until(predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
    """Poll predicate until it holds or timeout passes (a bound on waiting, not a timing assertion)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


@dataclass
class Received:
    path: str
    url: str
    form: dict[str, str]
    signature: str


@dataclass
class Receiver:
    """What the callback server has received so far."""

    url: str
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def on(self, path: str) -> list[Received]:
        with self.lock:
            return [r for r in self.requests if r.path == path]


GATHER_TWIML = (
    '<?xml version="1.0" encoding="UTF-8"?><Response><Gather action="/gather" numDigits="1">'
    "<Say>Press 1 to acknowledge</Say></Gather></Response>"
)
