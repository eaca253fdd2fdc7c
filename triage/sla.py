"""Service-level state of a case: was it paged in time, acknowledged in time? Pure functions over timestamps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

# Defaults per priority (seconds): page within, acknowledge within. A TeamTarget row overrides them per team.
DEFAULT_TARGETS: dict[str, tuple[int | None, int | None]] = {
    "P1": (60, 5 * 60),
    "P2": (5 * 60, 15 * 60),
    "P3": (None, 4 * 60 * 60),
    "none": (None, None),
}


@dataclass(frozen=True)
class Clock:
    """One SLA clock: ``state`` is met | breached | running | none; ``deadline`` drives the live countdown."""

    state: str
    deadline: datetime | None = None
    took_seconds: int | None = None


def clock(start: datetime, done_at: datetime | None, target_seconds: int | None, now: datetime) -> Clock:
    if target_seconds is None:
        return Clock("none")
    deadline = start + timedelta(seconds=target_seconds)
    if done_at is not None:
        took = int((done_at - start).total_seconds())
        return Clock("met" if done_at <= deadline else "breached", deadline, took)
    return Clock("breached" if now > deadline else "running", deadline)


def targets(priority: str, overrides: dict[str, tuple[int | None, int | None]] | None = None
            ) -> tuple[int | None, int | None]:
    if overrides and priority in overrides:
        return overrides[priority]
    return DEFAULT_TARGETS.get(priority, (None, None))
