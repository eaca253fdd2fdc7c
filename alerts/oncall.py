"""Who is on call for a team at an instant: rotations (daily or weekly handoff at a local time in the team's
time zone) with overrides on top. ``who_is_on_call`` is the pure decision; ``on_call`` loads and calls it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from alerts.models import Override, Rotation
from triage.extensions import db
from triage.models import Responder, Team

PERIOD_DAYS = {"daily": 1, "weekly": 7}


@dataclass(frozen=True)
class RotationSpec:
    id: int
    layer: int
    kind: str  # daily | weekly
    handoff: time
    anchor: date  # local date of member 0's first handoff
    members: tuple[int, ...]

    @classmethod
    def of(cls, rotation: Rotation) -> RotationSpec:
        return cls(rotation.id, rotation.layer, rotation.kind, parse_hhmm(rotation.handoff_time),
                   rotation.anchor_date, tuple(rotation.member_ids or ()))


@dataclass(frozen=True)
class OverrideSpec:
    rotation_id: int | None  # None: the team's primary layer
    responder_id: int
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class Turn:
    responder_id: int
    starts_at: datetime
    ends_at: datetime


def parse_hhmm(value: str) -> time:
    hours, _, minutes = value.partition(":")
    parsed = time(int(hours), int(minutes or 0))
    return parsed


def handoff_instant(day: date, handoff: time, tz: ZoneInfo) -> datetime:
    """The aware instant of the handoff on a local date (zoneinfo settles DST gaps and folds)."""
    return datetime.combine(day, handoff, tzinfo=tz)


def turn_index(spec: RotationSpec, tz: ZoneInfo, at: datetime) -> int | None:
    """How many handoffs have happened since the anchor at ``at`` (0 = member 0's first turn), or None."""
    period = PERIOD_DAYS[spec.kind]
    local_day = at.astimezone(tz).date()
    k = (local_day - spec.anchor).days // period
    if handoff_instant(spec.anchor + timedelta(days=k * period), spec.handoff, tz) > at:
        k -= 1  # today's handoff has not happened yet
    return k if k >= 0 else None


def rotation_member_at(spec: RotationSpec, tz: ZoneInfo, at: datetime) -> int | None:
    if not spec.members:
        return None
    k = turn_index(spec, tz, at)
    return None if k is None else spec.members[k % len(spec.members)]


def who_is_on_call(
    rotations: Sequence[RotationSpec], overrides: Iterable[OverrideSpec], tz: ZoneInfo, at: datetime
) -> list[tuple[int, int]]:
    """(layer, responder id) pairs on call at ``at``, primary layer first, each responder once.

    An override replaces its rotation's member (or, without a rotation, the primary layer's) while it runs;
    when several overlap the latest listed wins. A team with overrides and no rotation is covered by them.
    """
    slots: dict[tuple[int, int | None], int] = {}  # (layer, rotation id) -> responder id
    layer_of = {r.id: r.layer for r in rotations}
    for spec in rotations:
        member = rotation_member_at(spec, tz, at)
        if member is not None:
            slots[(spec.layer, spec.id)] = member
    primary = min(layer_of.values(), default=1)
    for override in overrides:
        if not override.starts_at <= at < override.ends_at:
            continue
        if override.rotation_id is not None and override.rotation_id in layer_of:
            slots[(layer_of[override.rotation_id], override.rotation_id)] = override.responder_id
        else:
            primary_slots = [key for key in slots if key[0] == primary]
            for key in primary_slots or [(primary, None)]:
                slots[key] = override.responder_id
    seen: set[int] = set()
    result: list[tuple[int, int]] = []
    ordered = sorted(slots.items(), key=lambda item: (item[0][0], item[0][1] or 0))
    for (layer, _rotation_id), responder_id in ordered:
        if responder_id not in seen:
            seen.add(responder_id)
            result.append((layer, responder_id))
    return result


def turns(spec: RotationSpec, tz: ZoneInfo, start: datetime, end: datetime) -> list[Turn]:
    """Every turn of a rotation overlapping [start, end), for calendars."""
    if not spec.members:
        return []
    period = PERIOD_DAYS[spec.kind]
    k = turn_index(spec, tz, start)
    k = 0 if k is None else k
    result: list[Turn] = []
    while True:
        begins = handoff_instant(spec.anchor + timedelta(days=k * period), spec.handoff, tz)
        if begins >= end:
            return result
        ends = handoff_instant(spec.anchor + timedelta(days=(k + 1) * period), spec.handoff, tz)
        result.append(Turn(spec.members[k % len(spec.members)], begins, ends))
        k += 1


def team_schedule(team_id: int) -> tuple[list[RotationSpec], list[OverrideSpec]]:
    rotations = db.session.execute(
        select(Rotation).where(Rotation.team_id == team_id).order_by(Rotation.layer, Rotation.id)
    ).scalars()
    overrides = db.session.execute(
        select(Override).where(Override.team_id == team_id).order_by(Override.created_at, Override.id)
    ).scalars()
    return (
        [RotationSpec.of(r) for r in rotations],
        [OverrideSpec(o.rotation_id, o.responder_id, o.starts_at, o.ends_at) for o in overrides],
    )


def on_call_layers(team_id: int, at: datetime) -> list[tuple[int, Responder]]:
    """(layer, responder) on call at ``at``; responders who are not working (inactive) are left out."""
    team = db.session.get(Team, team_id)
    if team is None:
        return []
    rotations, overrides = team_schedule(team_id)
    pairs = who_is_on_call(rotations, overrides, ZoneInfo(team.timezone), at)
    result: list[tuple[int, Responder]] = []
    for layer, responder_id in pairs:
        responder = db.session.get(Responder, responder_id)
        if responder is not None and responder.active:
            result.append((layer, responder))
    return result


def on_call(team_id: int, at: datetime) -> list[Responder]:
    """Responders on call for the team at ``at``, primary first."""
    return [responder for _layer, responder in on_call_layers(team_id, at)]
