"""SLA clocks are pure functions of timestamps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from triage.sla import DEFAULT_TARGETS, clock, targets

T0 = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)


def test_met_breached_running_and_none() -> None:
    assert clock(T0, T0 + timedelta(seconds=30), 60, T0).state == "met"
    late = clock(T0, T0 + timedelta(seconds=90), 60, T0)
    assert (late.state, late.took_seconds) == ("breached", 90)
    assert clock(T0, None, 60, T0 + timedelta(seconds=10)).state == "running"
    assert clock(T0, None, 60, T0 + timedelta(seconds=61)).state == "breached"
    assert clock(T0, None, None, T0).state == "none"


def test_team_targets_override_defaults() -> None:
    assert targets("P1") == DEFAULT_TARGETS["P1"]
    assert targets("P1", {"P1": (30, 120)}) == (30, 120)
    assert targets("P2", {"P1": (30, 120)}) == DEFAULT_TARGETS["P2"]
    assert targets("weird") == (None, None)
