"""The staff web interface: sign-in, the live queue, case pages, user management. Arabic and English.

Bound to the app in ``init_app``; webhooks and ``/api/`` keep their JSON errors and are exempt from CSRF (they
are signed by the platforms instead).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g, render_template, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask.typing import ResponseReturnValue
from flask.wrappers import Request
from flask_babel import Babel
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

from triage.config import Settings
from triage.extensions import db
from triage.staff import User

LANGUAGES = ("ar", "en")
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# Paths answered in JSON by machines; everything else is a page for people.
MACHINE_PREFIXES = ("/webhooks/", "/api/", "/healthz")
# Signed by the platforms, never signed in: no session cookie to read, verify or write.
SESSIONLESS_PREFIX = "/webhooks/"


def is_machine_path(path: str) -> bool:
    return path.startswith(MACHINE_PREFIXES)


class StaffSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, not opened for webhooks.

    A webhook request carries no staff cookie worth reading, and opening the session (building the signing
    serializer, parsing cookies) and saving it (Vary: Cookie) was a measurable share of a webhook's CPU time
    (docs/PERFORMANCE.md, "Ingest"). Returning None gives Flask's NullSession: reading it is empty, writing to it
    raises, so nothing on the webhook path can quietly start signing people in.
    """

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if request.path.startswith(SESSIONLESS_PREFIX):
            return None
        return super().open_session(app, request)


def init_app(app: Flask, settings: Settings) -> None:
    app.session_interface = StaffSessionInterface()
    secure = settings.public_url.startswith("https://")
    app.config.update(
        # Secure only when served over https: the demo on http://127.0.0.1 must still be able to sign in.
        SESSION_COOKIE_SECURE=secure,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="najda_session",
        REMEMBER_COOKIE_SECURE=secure,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=12 * 3600,
        # CSRF is checked in before_request for pages only (see below), not for signed webhooks.
        WTF_CSRF_CHECK_DEFAULT=False,
        WTF_CSRF_TIME_LIMIT=12 * 3600,
        BABEL_DEFAULT_LOCALE="ar",
        BABEL_TRANSLATION_DIRECTORIES=str(_translations_dir()),
    )
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = ""
    login_manager.session_protection = "strong"
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)

    @app.before_request
    def _csrf() -> None:
        if not is_machine_path(request.path):
            csrf.protect()

    @app.after_request
    def _headers(response: Any) -> Any:
        if not is_machine_path(request.path):
            response.headers.setdefault("X-Frame-Options", "DENY")
            response.headers.setdefault("X-Content-Type-Options", "nosniff")
            response.headers.setdefault("Referrer-Policy", "no-referrer")
            response.headers.setdefault(
                "Content-Security-Policy",
                "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
                "frame-ancestors 'none'",
            )
            if request.endpoint and not request.endpoint.startswith("static"):
                response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.context_processor
    def _globals() -> dict[str, Any]:
        lang = select_locale()
        return {"lang": lang, "dir": "rtl" if lang == "ar" else "ltr", "current_user": current_user}

    from triage.web import admin, api, auth, cases, names, queue

    names.init_app(app)

    app.register_blueprint(auth.bp)
    app.register_blueprint(queue.bp)
    app.register_blueprint(cases.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(api.bp)


@login_manager.user_loader  # type: ignore[untyped-decorator]
def load_user(user_id: str) -> User | None:
    try:
        raw_id, raw_version = user_id.split(":", 1)
        uid, version = int(raw_id), int(raw_version)
    except ValueError:
        return None
    user = db.session.get(User, uid)
    if user is None or not user.active or user.session_version != version:
        return None
    return user


def select_locale() -> str:
    cached: str | None = g.get("najda_locale")
    if cached:
        return cached
    lang = None
    if current_user and current_user.is_authenticated:
        lang = current_user.language
    if lang not in LANGUAGES:
        lang = request.accept_languages.best_match(LANGUAGES) or "ar"
    g.najda_locale = lang
    return lang


def _translations_dir() -> object:
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / "translations"


def render_error(exc: HTTPException) -> ResponseReturnValue:
    """An error page for people (the JSON handler in triage.errors answers machines)."""
    if isinstance(exc, CSRFError):
        return render_template("error.html", code=400, reason="csrf"), 400
    code = exc.code or 500
    return render_template("error.html", code=code, reason=""), code


def settings() -> Settings:
    value: Settings = current_app.extensions["najda.settings"]
    return value
