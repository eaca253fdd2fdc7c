"""iCalendar export of a team's on-call: each rotation turn and override as an event, so responders see their
shifts in their phone's calendar. Summaries name the responder and the layer, nothing else."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from alerts.oncall import team_schedule, turns
from triage.extensions import db
from triage.models import Responder, Team


def team_calendar(team: Team, start: datetime, days: int) -> bytes:
    end = start + timedelta(days=days)
    tz = ZoneInfo(team.timezone)
    rotations, overrides = team_schedule(team.id)
    names = {r.id: r.name for r in db.session.query(Responder).filter(Responder.team_id == team.id)}
    cal = Calendar()
    cal.add("prodid", "-//Najda//on-call//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"Najda on-call: {team.name}")
    for spec in rotations:
        for turn in turns(spec, tz, start, end):
            cal.add_component(_event(
                f"rotation-{spec.id}-{int(turn.starts_at.timestamp())}@najda",
                f"On call (layer {spec.layer}): {names.get(turn.responder_id, turn.responder_id)}",
                turn.starts_at, turn.ends_at,
            ))
    for number, override in enumerate(overrides):
        if override.ends_at > start and override.starts_at < end:
            cal.add_component(_event(
                f"override-{team.id}-{number}-{int(override.starts_at.timestamp())}@najda",
                f"On call (override): {names.get(override.responder_id, override.responder_id)}",
                override.starts_at, override.ends_at,
            ))
    return bytes(cal.to_ical())


def _event(uid: str, summary: str, starts: datetime, ends: datetime) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("summary", summary)
    event.add("dtstart", starts)
    event.add("dtend", ends)
    event.add("dtstamp", starts)
    return event
