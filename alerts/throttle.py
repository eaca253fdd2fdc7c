"""Noise control, separate from sending: may this responder get one more SMS now, or when?

A burst for one responder (their team's cases arriving within a minute) becomes one SMS listing the codes: the
first page goes at once, the next ones wait for the minute to end and go out together. A responder gets at most
CAP pages in CAP_WINDOW. P1 is never held back.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

BURST_WINDOW = timedelta(seconds=60)
CAP = 10
CAP_WINDOW = timedelta(minutes=15)


def hold_until(priority: str, recent_sends: Iterable[datetime], now: datetime) -> datetime | None:
    """None to send now, else the instant the page may go (recent_sends: this responder's SMS send times)."""
    if priority == "P1":
        return None
    recent = sorted(t for t in recent_sends if now - CAP_WINDOW < t <= now)
    wait: datetime | None = None
    if recent and now - recent[-1] < BURST_WINDOW:
        wait = recent[-1] + BURST_WINDOW
    if len(recent) >= CAP:
        capped = recent[-CAP] + CAP_WINDOW
        wait = capped if wait is None else max(wait, capped)
    return wait
