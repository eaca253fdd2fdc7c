"""Admin commands for teams, responders, schedules and escalation policies: ``flask --app wsgi teams ...``."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from alerts import timers
from alerts.calendar import team_calendar
from alerts.escalation import defer_escalation, validate_levels
from alerts.models import EscalationPolicy, MaintenanceWindow, Override, Rotation
from alerts.oncall import PERIOD_DAYS, on_call_layers, parse_hhmm
from triage.extensions import db
from triage.models import Case, CaseStatus, Responder, Team, normalise_phone, utcnow

teams = AppGroup("teams", help="Teams and the labels they own.")
responders = AppGroup("responders", help="Responders: phones, language, working state.")
schedules = AppGroup("schedules", help="Rotations, overrides, escalation policies, maintenance, iCalendar.")


def _team(slug: str) -> Team:
    team = db.session.execute(select(Team).where(Team.slug == slug)).scalar_one_or_none()
    if team is None:
        raise click.ClickException(f"no team {slug!r}")
    return team


def _responder(phone: str) -> Responder:
    try:
        e164 = normalise_phone(phone)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    responder = db.session.execute(select(Responder).where(Responder.phone == e164)).scalar_one_or_none()
    if responder is None:
        raise click.ClickException("no responder with that phone")
    return responder


def _instant(value: str, tz: ZoneInfo) -> datetime:
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)


@teams.command("create")
@click.argument("slug")
@click.argument("name")
@click.option("--labels", default="*", help="comma-separated labels, '*' for anything unowned")
@click.option("--timezone", "tz", default="Asia/Riyadh")
def create_team(slug: str, name: str, labels: str, tz: str) -> None:
    ZoneInfo(tz)  # raises on an unknown zone
    db.session.add(Team(slug=slug, name=name, labels=[x.strip() for x in labels.split(",") if x.strip()],
                        timezone=tz))
    db.session.commit()
    click.echo(f"team {slug} created")


@teams.command("list")
def list_teams() -> None:
    for team in db.session.execute(select(Team).order_by(Team.slug)).scalars():
        click.echo(f"{team.slug}\t{team.name}\t{','.join(team.labels)}\t{team.timezone}")


@responders.command("add")
@click.argument("team_slug")
@click.argument("name")
@click.argument("phone")
@click.option("--language", type=click.Choice(["ar", "en"]), default="ar")
def add_responder(team_slug: str, name: str, phone: str, language: str) -> None:
    try:
        responder = Responder(team_id=_team(team_slug).id, name=name, phone=phone, language=language)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.add(responder)
    db.session.commit()
    click.echo(f"responder {responder.id} added")


@responders.command("list")
@click.argument("team_slug")
def list_responders(team_slug: str) -> None:
    team = _team(team_slug)
    for r in db.session.execute(select(Responder).where(Responder.team_id == team.id)).scalars():
        state = "working" if r.active else "off"
        click.echo(f"{r.id}\t{r.name}\t{r.phone}\t{r.language}\t{state}{' opted-out' if r.opted_out else ''}")


@responders.command("set")
@click.argument("phone")
@click.option("--working/--off", default=None, help="working responders can be paged")
@click.option("--opted-in", is_flag=True, help="they texted START: page them again")
def set_responder(phone: str, working: bool | None, opted_in: bool) -> None:
    responder = _responder(phone)
    if working is not None:
        responder.active = working
    if opted_in:
        responder.opted_out = False
    db.session.commit()
    click.echo("ok")


@schedules.command("add-rotation")
@click.argument("team_slug")
@click.argument("name")
@click.option("--members", required=True, help="comma-separated phones, in turn order")
@click.option("--kind", type=click.Choice(sorted(PERIOD_DAYS)), default="weekly")
@click.option("--handoff", default="08:00", help="local HH:MM in the team's time zone")
@click.option("--anchor", default=None, help="local date of the first member's first handoff (default today)")
@click.option("--layer", default=1, type=int, help="1 primary, 2 secondary, ...")
def add_rotation(team_slug: str, name: str, members: str, kind: str, handoff: str, anchor: str | None,
                 layer: int) -> None:
    team = _team(team_slug)
    parse_hhmm(handoff)
    ids = [_responder(p.strip()).id for p in members.split(",") if p.strip()]
    start = date.fromisoformat(anchor) if anchor else utcnow().astimezone(ZoneInfo(team.timezone)).date()
    db.session.add(Rotation(team_id=team.id, name=name, layer=layer, kind=kind, handoff_time=handoff,
                            anchor_date=start, member_ids=ids))
    db.session.commit()
    click.echo("rotation added")


@schedules.command("override")
@click.argument("team_slug")
@click.argument("phone")
@click.option("--start", required=True, help="ISO time; local to the team when no offset is given")
@click.option("--end", required=True)
@click.option("--rotation", "rotation_id", type=int, default=None)
def add_override(team_slug: str, phone: str, start: str, end: str, rotation_id: int | None) -> None:
    team = _team(team_slug)
    tz = ZoneInfo(team.timezone)
    starts, ends = _instant(start, tz), _instant(end, tz)
    if ends <= starts:
        raise click.ClickException("the end must come after the start")
    db.session.add(Override(team_id=team.id, rotation_id=rotation_id, responder_id=_responder(phone).id,
                            starts_at=starts, ends_at=ends))
    db.session.commit()
    click.echo("override added")


@schedules.command("who")
@click.argument("team_slug")
@click.option("--at", default=None, help="ISO time (default now)")
def who(team_slug: str, at: str | None) -> None:
    team = _team(team_slug)
    instant = _instant(at, ZoneInfo(team.timezone)) if at else utcnow()
    for layer, responder in on_call_layers(team.id, instant):
        click.echo(f"layer {layer}\t{responder.name}")


@schedules.command("ical")
@click.argument("team_slug")
@click.option("--days", default=28, type=int)
@click.option("--out", type=click.Path(dir_okay=False), default=None)
def ical(team_slug: str, days: int, out: str | None) -> None:
    data = team_calendar(_team(team_slug), utcnow(), days)
    if out:
        with open(out, "wb") as handle:
            handle.write(data)
    else:
        click.echo(data.decode())


@schedules.command("policy")
@click.argument("team_slug")
@click.argument("levels_json")
@click.option("--repeat", default=0, type=int)
def set_policy(team_slug: str, levels_json: str, repeat: int) -> None:
    """LEVELS_JSON e.g. '[{"targets":[{"layer":1}],"delay_seconds":180,"voice":true}, ...]'."""
    team = _team(team_slug)
    try:
        levels = json.loads(levels_json)
        validate_levels(levels)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    policy = db.session.execute(
        select(EscalationPolicy).where(EscalationPolicy.team_id == team.id)
    ).scalar_one_or_none() or EscalationPolicy(team_id=team.id)
    policy.levels, policy.repeat = levels, repeat
    db.session.add(policy)
    db.session.commit()
    click.echo("policy saved (running escalations keep their snapshot)")


@schedules.command("maintenance")
@click.argument("team_slug")
@click.option("--minutes", default=60, type=int)
def maintenance(team_slug: str, minutes: int) -> None:
    """Open a maintenance window now: pending steps and unsent pages are cancelled; an open case is paged
    again when the window ends."""
    team = _team(team_slug)
    now = utcnow()
    ends = now + timedelta(minutes=minutes)
    db.session.add(MaintenanceWindow(team_id=team.id, starts_at=now, ends_at=ends))
    held = start_maintenance(team.id, now, ends)
    click.echo(f"maintenance until +{minutes} min; {held} escalations held until then")


def start_maintenance(team_id: int, now: datetime, ends: datetime) -> int:
    cases = db.session.execute(
        select(Case).where(Case.team_id == team_id, Case.status == CaseStatus.OPEN)
    ).scalars().all()
    dropped = [(case.id, defer_escalation(case, ends, now, "maintenance")) for case in cases]
    db.session.commit()
    queues = current_app.extensions["najda.jobs"]
    for case_id, step in dropped:
        if step is not None:  # the pending timer goes; the window's end is the new due time
            timers.arm_step(queues, case_id, step, ends, now, replace=True)
    return sum(1 for _, step in dropped if step is not None)


def register_alerts_cli(app: Flask) -> None:
    for group in (teams, responders, schedules):
        app.cli.add_command(group)
