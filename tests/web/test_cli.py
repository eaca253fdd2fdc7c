"""``flask users create`` and the demo accounts of ``flask seed-demo``."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from triage.extensions import db
from triage.staff import Role, User
from triage.staff_cli import DEMO_USERS


def test_users_create_asks_for_the_password(app: Flask) -> None:
    runner = app.test_cli_runner()
    with app.app_context():
        db.session.remove()
    result = runner.invoke(args=["users", "create", "--email", "Sara@Najda.test", "--name", "Sara",
                                 "--role", "supervisor"], input="a long password\na long password\n")
    assert result.exit_code == 0, result.output
    assert "a long password" not in result.output
    with app.app_context():
        user = db.session.execute(select(User)).scalar_one()
        assert (user.email, user.role) == ("sara@najda.test", Role.SUPERVISOR)
        assert user.check_password("a long password")
    again = runner.invoke(args=["users", "create", "--email", "sara@najda.test", "--name", "Sara",
                                "--role", "analyst"], input="another password\nanother password\n")
    assert again.exit_code != 0 and "exists" in again.output


def test_users_create_refuses_a_short_password(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["users", "create", "--email", "x@najda.test", "--name", "X",
                                                "--role", "analyst"], input="short\nshort\n")
    assert result.exit_code != 0


def test_seed_demo_creates_one_account_per_role_linked_to_the_on_call_phones(app: Flask) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "najda-demo-2026" in first.output
    assert runner.invoke(args=["seed-demo"]).exit_code == 0  # safe to run twice
    with app.app_context():
        users = db.session.execute(select(User)).scalars().all()
        assert {u.role for u in users} == set(Role)
        assert len(users) == len(DEMO_USERS)
        dv = next(u for u in users if u.role == Role.DV_CASEWORKER)
        assert dv.team is not None and dv.team.slug == "dv" and dv.responder_id is not None
