"""User management for admins: create, edit role/team/language, deactivate, sign out everywhere."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select

from triage import access
from triage.extensions import db
from triage.models import Team
from triage.staff import Role, User
from triage.web.forms import ActionForm, UserForm
from triage.web.guard import allowed

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _team_choices() -> list[tuple[int, str]]:
    return [(0, "—")] + [(t.id, t.name) for t in db.session.execute(select(Team).order_by(Team.name)).scalars()]


def _users() -> list[User]:
    return list(db.session.execute(select(User).order_by(User.email)).scalars())


@bp.route("/users", methods=["GET", "POST"])
@allowed(access.can_manage_users)
def users() -> ResponseReturnValue:
    form = UserForm()
    form.team_id.choices = _team_choices()
    status = 200
    if form.validate_on_submit():
        email = (form.email.data or "").strip().lower()
        taken = db.session.execute(select(User.id).where(func.lower(User.email) == email)).first()
        if taken is not None:
            form.email.errors = [*form.email.errors, "exists"]
            status = 409
        elif not form.password.data:
            form.password.errors = [*form.password.errors, "required"]
            status = 400
        else:
            user = User(email=email, name=form.name.data or email, role=Role(form.role.data),
                        team_id=form.team_id.data or None, language=form.language.data or "ar",
                        active=bool(form.active.data))
            user.set_password(form.password.data)
            db.session.add(user)
            db.session.commit()
            return redirect(url_for("admin.users"))
    elif form.is_submitted():
        status = 400
    return render_template("users.html", users=_users(), form=form, action_form=ActionForm()), status


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@allowed(access.can_manage_users)
def edit_user(user_id: int) -> ResponseReturnValue:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    form = UserForm(obj=user, team_id=user.team_id or 0, role=user.role.value)
    form.team_id.choices = _team_choices()
    status = 200
    if form.validate_on_submit():
        email = (form.email.data or "").strip().lower()
        clash = db.session.execute(
            select(User.id).where(func.lower(User.email) == email, User.id != user.id)
        ).first()
        if clash is not None:
            form.email.errors = [*form.email.errors, "exists"]
            return render_template("user_edit.html", user=user, form=form), 409
        user.email = email
        user.name = form.name.data or user.name
        user.role = Role(form.role.data)
        user.team_id = form.team_id.data or None
        user.language = form.language.data or user.language
        if user.active and not form.active.data:
            user.session_version += 1  # deactivation ends the sessions at once
        user.active = bool(form.active.data)
        if form.password.data:
            user.set_password(form.password.data)
            user.session_version += 1
        db.session.commit()
        return redirect(url_for("admin.users"))
    if form.is_submitted():
        status = 400
    return render_template("user_edit.html", user=user, form=form), status


@bp.post("/users/<int:user_id>/logout-everywhere")
@allowed(access.can_manage_users)
def user_logout_everywhere(user_id: int) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        abort(400)
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    user.session_version += 1
    db.session.commit()
    return redirect(url_for("admin.users"))
