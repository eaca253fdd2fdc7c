"""Sign-in and sign-out, the account page, and the short links that SMS pages carry (``/c/<CODE>``)."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_user, logout_user
from redis.exceptions import RedisError
from sqlalchemy import func, select

from triage.extensions import db
from triage.jobqueue import jobs
from triage.staff import Role, User, burn_password_check
from triage.web.forms import ActionForm, LanguageForm, LoginForm
from triage.web.guard import me, signed_in

log = logging.getLogger(__name__)
bp = Blueprint("auth", __name__)
# Failed sign-ins allowed per window, per address and per (address, e-mail), before answering 429.
LOGIN_WINDOW_SECONDS = 15 * 60
MAX_FAILURES_PER_IP = 30
MAX_FAILURES_PER_ACCOUNT = 5


def _counter_keys(email: str) -> list[tuple[str, int]]:
    ip = request.remote_addr or "unknown"
    return [(f"najda:login-fail:ip:{ip}", MAX_FAILURES_PER_IP),
            (f"najda:login-fail:acct:{ip}:{email}", MAX_FAILURES_PER_ACCOUNT)]


def _too_many_failures(email: str) -> bool:
    try:
        values = jobs().redis.mget([key for key, _ in _counter_keys(email)])
    except (RedisError, OSError):
        # Staff must still reach an urgent case when Redis is away; argon2 keeps guessing slow meanwhile.
        log.warning("login rate limit unavailable (Redis down)")
        return False
    return any(int(v or 0) >= limit for v, (_, limit) in zip(values, _counter_keys(email), strict=True))


def _count_failure(email: str) -> None:
    try:
        pipe = jobs().redis.pipeline()
        for key, _ in _counter_keys(email):
            pipe.incr(key)
            # Sliding window: the count clears 15 minutes after the last failure (EXPIRE NX needs Redis 7).
            pipe.expire(key, LOGIN_WINDOW_SECONDS)
        pipe.execute()
    except (RedisError, OSError):
        log.warning("login failure not counted (Redis down)")


def _safe_next(target: str | None) -> str | None:
    # Only same-site paths: never an open redirect to another host.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


def home_for(user: User) -> str:
    if user.role == Role.ANALYST:
        return url_for("queue.stats")
    return url_for("queue.queue")


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    form = LoginForm()
    error = None
    status = 200
    if form.validate_on_submit():
        email = (form.email.data or "").strip().lower()
        if _too_many_failures(email):
            return render_template("login.html", form=form, error="rate"), 429
        user = db.session.execute(select(User).where(func.lower(User.email) == email)).scalar_one_or_none()
        password = form.password.data or ""
        if user is None:
            burn_password_check(password)
        if user is not None and user.active and user.check_password(password):
            next_url = _safe_next(request.args.get("next"))
            session.clear()  # a fresh session on sign-in: no fixation
            login_user(user)
            db.session.commit()  # a rehashed password, if the KDF parameters changed
            log.info("user %s signed in", user.id)
            return redirect(next_url or home_for(user))
        _count_failure(email)
        error, status = "bad", 401
    elif request.method == "POST":
        status = 400
    return render_template("login.html", form=form, error=error), status


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@bp.post("/logout-everywhere")
@signed_in
def logout_everywhere() -> ResponseReturnValue:
    user = me()
    user.session_version += 1
    db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@bp.get("/")
@signed_in
def index() -> ResponseReturnValue:
    return redirect(home_for(me()))


@bp.get("/account")
@signed_in
def account() -> ResponseReturnValue:
    form = LanguageForm(language=me().language)
    return render_template("account.html", form=form, action_form=ActionForm())


@bp.post("/account/language")
@signed_in
def set_language() -> ResponseReturnValue:
    form = LanguageForm()
    if not form.validate_on_submit():
        abort(400)
    me().language = form.language.data
    db.session.commit()
    return redirect(_safe_next(request.args.get("next")) or url_for("auth.account"))


@bp.get("/c/<code>")
@signed_in
def short_link(code: str) -> ResponseReturnValue:
    """The link in an SMS page: sign in (login_required), then the case page."""
    return redirect(url_for("cases.case_page", code=code.upper()))
