"""Operator commands: ``flask --app wsgi <command>``."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import Flask
from sqlalchemy import select

from alerts.models import Rotation
from triage.extensions import db
from triage.models import Responder, Team, utcnow

DEMO_TEAMS = (
    # slug, name, labels
    ("crisis", "Crisis line", ["self_harm", "imminent_danger", "disaster", "*"]),
    ("dv", "Domestic violence", ["domestic_violence"]),
    ("child", "Child protection", ["child_protection"]),
)
DEMO_PHONES = ("+966500000001", "+966500000002", "+966500000003")


def register_cli(app: Flask) -> None:
    @app.cli.command("seed-demo")
    def seed_demo() -> None:
        """Create the demo teams, one on-call responder each, covering the next 30 days. Safe to run twice."""
        from triage.staff_cli import DEMO_PASSWORD, DEMO_USERS, seed_demo_users

        created = seed_demo_data()
        created += seed_demo_users()
        click.echo(f"demo data: {created} new rows")
        click.echo(f"demo sign-in (password {DEMO_PASSWORD}): " + ", ".join(u[0] for u in DEMO_USERS))

    @app.cli.command("sweep")
    def sweep_command() -> None:
        """Re-enqueue unfinished work from the database (what the cron process does every few seconds)."""
        from workers.jobs import sweep

        click.echo(str(sweep()))

    from triage.demo.replay import register as register_demo
    from triage.staff_cli import register as register_users

    register_users(app)
    register_demo(app)


def seed_demo_data() -> int:
    created = 0
    now = utcnow()
    for (slug, name, labels), phone in zip(DEMO_TEAMS, DEMO_PHONES, strict=True):
        team = db.session.execute(select(Team).where(Team.slug == slug)).scalar_one_or_none()
        if team is None:
            team = Team(slug=slug, name=name, labels=labels)
            db.session.add(team)
            db.session.flush()
            created += 1
        responder = db.session.execute(select(Responder).where(Responder.phone == phone)).scalar_one_or_none()
        if responder is None:
            responder = Responder(team_id=team.id, name=f"Demo {name} on-call", phone=phone, language="ar")
            db.session.add(responder)
            db.session.flush()
            created += 1
        has_rotation = db.session.execute(select(Rotation.id).where(Rotation.team_id == team.id)).first()
        if has_rotation is None:
            # A weekly rotation of one, started last week: the demo responder is always on call.
            db.session.add(Rotation(team_id=team.id, name=f"{slug} primary", layer=1, kind="weekly",
                                    handoff_time="08:00", anchor_date=(now - timedelta(days=7)).date(),
                                    member_ids=[responder.id]))
            created += 1
    db.session.commit()
    return created
