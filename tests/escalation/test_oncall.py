"""who_is_on_call: rotations with a local handoff time, overrides on top, layers; and its database wrapper."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st

from alerts.oncall import OverrideSpec, RotationSpec, on_call, on_call_layers, rotation_member_at, turns, who_is_on_call
from tests.factories import make_responder, make_rotation, make_team, put_on_call
from triage.extensions import db

RIYADH = ZoneInfo("Asia/Riyadh")
LONDON = ZoneInfo("Europe/London")


def daily(members: tuple[int, ...], anchor: date = date(2026, 11, 1), handoff: time = time(8), layer: int = 1,
          rid: int = 1, kind: str = "daily") -> RotationSpec:
    return RotationSpec(rid, layer, kind, handoff, anchor, members)


def local(y: int, m: int, d: int, hh: int, mm: int = 0, ss: int = 0, tz: ZoneInfo = RIYADH) -> datetime:
    return datetime(y, m, d, hh, mm, ss, tzinfo=tz)


def test_daily_handoff_at_0800_riyadh() -> None:
    spec = daily((10, 20, 30))
    assert rotation_member_at(spec, RIYADH, local(2026, 11, 1, 8)) == 10
    assert rotation_member_at(spec, RIYADH, local(2026, 11, 2, 7, 59, 59)) == 10
    assert rotation_member_at(spec, RIYADH, local(2026, 11, 2, 8)) == 20
    assert rotation_member_at(spec, RIYADH, local(2026, 11, 3, 8)) == 30
    assert rotation_member_at(spec, RIYADH, local(2026, 11, 4, 8)) == 10  # round again
    # 08:00 Riyadh is 05:00 UTC: the same instant given in UTC gives the same answer.
    assert rotation_member_at(spec, RIYADH, datetime(2026, 11, 2, 4, 59, 59, tzinfo=UTC)) == 10
    assert rotation_member_at(spec, RIYADH, datetime(2026, 11, 2, 5, 0, 0, tzinfo=UTC)) == 20


def test_before_the_anchor_nobody_is_on_call() -> None:
    assert rotation_member_at(daily((10,)), RIYADH, local(2026, 11, 1, 7, 59)) is None
    assert rotation_member_at(daily(()), RIYADH, local(2026, 11, 5, 9)) is None


def test_weekly_handoff_on_the_anchor_weekday() -> None:
    spec = daily((1, 2), anchor=date(2026, 11, 1), kind="weekly")  # a Sunday
    assert rotation_member_at(spec, RIYADH, local(2026, 11, 7, 23)) == 1
    assert rotation_member_at(spec, RIYADH, local(2026, 11, 8, 7, 59)) == 1
    assert rotation_member_at(spec, RIYADH, local(2026, 11, 8, 8)) == 2
    assert rotation_member_at(spec, RIYADH, local(2026, 11, 15, 8)) == 1


def test_handoff_follows_local_time_across_daylight_saving() -> None:
    spec = daily((1, 2), anchor=date(2026, 3, 27), handoff=time(8))
    # London moves to BST on 29 March 2026: 08:00 local is 08:00 UTC before, 07:00 UTC after.
    assert rotation_member_at(spec, LONDON, datetime(2026, 3, 28, 7, 59, tzinfo=UTC)) == 1
    assert rotation_member_at(spec, LONDON, datetime(2026, 3, 28, 8, 0, tzinfo=UTC)) == 2
    assert rotation_member_at(spec, LONDON, datetime(2026, 3, 29, 6, 59, tzinfo=UTC)) == 2
    assert rotation_member_at(spec, LONDON, datetime(2026, 3, 29, 7, 0, tzinfo=UTC)) == 1


def test_layers_come_primary_first_and_each_person_once() -> None:
    primary = daily((1, 2), layer=1, rid=1)
    secondary = daily((2, 3), layer=2, rid=2)
    at = local(2026, 11, 1, 9)
    assert who_is_on_call([secondary, primary], [], RIYADH, at) == [(1, 1), (2, 2)]
    at = local(2026, 11, 2, 9)  # primary 2, secondary 3
    assert who_is_on_call([primary, secondary], [], RIYADH, at) == [(1, 2), (2, 3)]
    same = daily((1,), layer=2, rid=3)
    assert who_is_on_call([primary, same], [], RIYADH, local(2026, 11, 1, 9)) == [(1, 1)]


def test_override_covers_a_period_then_the_rotation_resumes() -> None:
    primary = daily((1, 2), rid=7)
    cover = OverrideSpec(7, 99, local(2026, 11, 1, 12), local(2026, 11, 1, 18))
    assert who_is_on_call([primary], [cover], RIYADH, local(2026, 11, 1, 11, 59)) == [(1, 1)]
    assert who_is_on_call([primary], [cover], RIYADH, local(2026, 11, 1, 12)) == [(1, 99)]
    assert who_is_on_call([primary], [cover], RIYADH, local(2026, 11, 1, 18)) == [(1, 1)]


def test_override_without_rotation_takes_the_primary_layer_or_stands_alone() -> None:
    primary = daily((1,), rid=1)
    secondary = daily((2,), layer=2, rid=2)
    now = local(2026, 11, 3, 10)
    cover = OverrideSpec(None, 5, now - timedelta(hours=1), now + timedelta(hours=1))
    assert who_is_on_call([primary, secondary], [cover], RIYADH, now) == [(1, 5), (2, 2)]
    assert who_is_on_call([], [cover], RIYADH, now) == [(1, 5)]
    later = OverrideSpec(None, 6, now - timedelta(minutes=5), now + timedelta(minutes=5))
    assert who_is_on_call([], [cover, later], RIYADH, now) == [(1, 6)]  # the latest override wins


@given(st.integers(min_value=0, max_value=3000), st.integers(min_value=1, max_value=5),
       st.sampled_from(["daily", "weekly"]))
def test_exactly_one_member_at_any_instant_and_turns_agree(minutes: int, size: int, kind: str) -> None:
    spec = daily(tuple(range(100, 100 + size)), kind=kind)
    at = local(2026, 11, 1, 8) + timedelta(minutes=minutes * 37)
    member = rotation_member_at(spec, RIYADH, at)
    [turn] = [t for t in turns(spec, RIYADH, at - timedelta(seconds=1), at + timedelta(seconds=1))
              if t.starts_at <= at < t.ends_at]
    assert member == turn.responder_id


def test_turns_cover_a_window_without_gaps() -> None:
    spec = daily((1, 2, 3))
    start = local(2026, 11, 5, 12)
    listed = turns(spec, RIYADH, start, start + timedelta(days=7))
    assert listed[0].starts_at <= start < listed[0].ends_at
    assert all(a.ends_at == b.starts_at for a, b in zip(listed, listed[1:], strict=False))
    assert [t.responder_id for t in listed[:4]] == [2, 3, 1, 2]


def test_on_call_reads_the_database_and_skips_responders_who_are_off(app_ctx: Flask) -> None:
    team = make_team("dv", ["domestic_violence"], timezone="Asia/Riyadh")
    a = make_responder(team, "+966500000021", name="A")
    b = make_responder(team, "+966500000022", name="B")
    make_rotation(team, [a], kind="weekly", layer=1)
    make_rotation(team, [b], kind="weekly", layer=2)
    db.session.commit()
    now = datetime.now(UTC)
    assert [r.name for r in on_call(team.id, now)] == ["A", "B"]
    b.active = False
    put_on_call(team, make_responder(team, "+966500000023", name="C"))
    db.session.commit()
    assert [(layer, r.name) for layer, r in on_call_layers(team.id, now)] == [(1, "C")]


@pytest.mark.parametrize("value", ["08:00", "8:00", "23:59", "00:00"])
def test_handoff_time_parses(value: str) -> None:
    from alerts.oncall import parse_hhmm

    assert parse_hhmm(value).minute in (0, 59)
