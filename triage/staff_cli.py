"""``flask users create`` and the demo accounts seeded by ``make run``."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from triage.extensions import db
from triage.models import Responder, Team
from triage.staff import Role, User

# email, name, role, team slug, responder phone to link (the demo on-call numbers from triage.cli)
DEMO_USERS: tuple[tuple[str, str, Role, str | None, str | None], ...] = (
    ("responder@najda.demo", "Huda (crisis line)", Role.RESPONDER, "crisis", "+966500000001"),
    ("dv@najda.demo", "Mariam (domestic violence)", Role.DV_CASEWORKER, "dv", "+966500000002"),
    ("cp@najda.demo", "Khalid (child protection)", Role.CP_CASEWORKER, "child", "+966500000003"),
    ("supervisor@najda.demo", "Noura (supervisor)", Role.SUPERVISOR, None, None),
    ("analyst@najda.demo", "Omar (analyst)", Role.ANALYST, None, None),
    ("admin@najda.demo", "Admin", Role.ADMIN, None, None),
)
DEMO_PASSWORD = "najda-demo-2026"


def create_user(email: str, name: str, role: Role, password: str, team_slug: str | None = None,
                language: str = "ar", responder_phone: str | None = None) -> User:
    email = email.strip().lower()
    if db.session.execute(select(User.id).where(func.lower(User.email) == email)).first() is not None:
        raise ValueError(f"a user with e-mail {email} exists")
    team_id = None
    if team_slug:
        team = db.session.execute(select(Team).where(Team.slug == team_slug)).scalar_one_or_none()
        if team is None:
            raise ValueError(f"no team {team_slug}")
        team_id = team.id
    responder_id = None
    if responder_phone:
        responder_id = db.session.execute(
            select(Responder.id).where(Responder.phone == responder_phone)
        ).scalar_one_or_none()
    user = User(email=email, name=name, role=role, team_id=team_id, responder_id=responder_id, language=language)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def seed_demo_users() -> int:
    """Demo accounts, one per role; refused in production (their password is printed in the banner)."""
    if current_app.extensions["najda.settings"].is_production:
        raise click.ClickException("demo users are never created in production")
    created = 0
    for email, name, role, team, phone in DEMO_USERS:
        if db.session.execute(select(User.id).where(User.email == email)).first() is None:
            create_user(email, name, role, DEMO_PASSWORD, team, "ar", phone)
            created += 1
    db.session.commit()
    return created


def register(app: Flask) -> None:
    users = AppGroup("users", help="Staff accounts.")

    @users.command("create")
    @click.option("--email", required=True)
    @click.option("--name", required=True)
    @click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
    @click.option("--team", "team_slug", default=None, help="team slug (required for caseworkers)")
    @click.option("--language", default="ar", type=click.Choice(["ar", "en"]))
    @click.option("--responder-phone", default=None, help="link to the responder with this phone")
    @click.password_option()
    def create(email: str, name: str, role: str, team_slug: str | None, language: str,
               responder_phone: str | None, password: str) -> None:
        """Create a staff account (the password is asked twice, never echoed)."""
        try:
            user = create_user(email, name, Role(role), password, team_slug, language, responder_phone)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
        db.session.commit()
        click.echo(f"user {user.id} created ({user.role.value})")

    app.cli.add_command(users)
