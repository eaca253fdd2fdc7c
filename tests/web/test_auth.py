"""Sign-in: argon2 hashes, CSRF on every form, rate limit, cookie flags, sign-out everywhere, SMS short links."""

from __future__ import annotations

from flask import Flask

from tests.web.helpers import EMAILS, World, csrf_token, make_case, sign_in
from triage import create_app
from triage.config import Settings
from triage.extensions import db
from triage.staff import User
from triage.web.auth import MAX_FAILURES_PER_ACCOUNT


def test_password_is_stored_as_argon2id(app: Flask, world: World) -> None:
    with app.app_context():
        user = db.session.get(User, world.users["responder"])
        assert user is not None
        assert user.password_hash.startswith("$argon2id$")
        assert user.check_password("correct horse battery")
        assert not user.check_password("wrong horse battery")


def test_sign_in_then_queue(app: Flask, world: World) -> None:
    client = app.test_client()
    response = sign_in(client, "responder")
    assert response.status_code == 302 and response.headers["Location"] == "/queue"
    assert client.get("/queue").status_code == 200


def test_wrong_password_is_401_and_unknown_email_looks_the_same(app: Flask, world: World) -> None:
    client = app.test_client()
    bad = sign_in(client, "responder", password="not the password")
    unknown = client.post("/login", data={"email": "ghost@najda.test", "password": "not the password",
                                          "csrf_token": csrf_token(client)})
    assert bad.status_code == unknown.status_code == 401
    assert client.get("/queue").status_code == 302


def test_post_without_csrf_token_is_refused(app: Flask, world: World) -> None:
    client = app.test_client()
    response = client.post("/login", data={"email": EMAILS["responder"], "password": "correct horse battery"})
    assert response.status_code == 400
    assert client.get("/queue").status_code == 302  # not signed in


def test_login_is_rate_limited_per_account(app: Flask, world: World) -> None:
    client = app.test_client()
    for _ in range(MAX_FAILURES_PER_ACCOUNT):
        assert sign_in(client, "supervisor", password="guess guess guess").status_code == 401
    # Even the right password now waits: the counter lives in Redis for 15 minutes.
    assert sign_in(client, "supervisor").status_code == 429
    assert sign_in(client, "responder").status_code == 302  # other accounts are unaffected


def test_session_cookie_flags(app: Flask, world: World) -> None:
    client = app.test_client()
    response = sign_in(client, "responder")
    cookie = next(v for k, v in response.headers.items() if k == "Set-Cookie" and v.startswith("najda_session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # the http demo must work; https deployments get Secure (below)


def test_secure_cookie_when_public_url_is_https(settings: Settings) -> None:
    app = create_app(settings.replace(public_url="https://najda.example"))
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True


def test_sign_out_everywhere_ends_other_sessions(app: Flask, world: World) -> None:
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, "responder")
    sign_in(phone, "responder")
    assert phone.get("/queue").status_code == 200
    assert laptop.post("/logout-everywhere", data={"csrf_token": csrf_token(laptop)}).status_code == 302
    assert phone.get("/queue").status_code == 302  # the phone's session is void
    assert laptop.get("/queue").status_code == 302


def test_sms_link_signs_in_then_lands_on_the_case(app: Flask, world: World) -> None:
    with app.app_context():
        make_case("QWER", ["self_harm"], world.teams["crisis"])
    client = app.test_client()
    first = client.get("/c/qwer")
    assert first.status_code == 302 and "/login?next=" in first.headers["Location"]
    token = csrf_token(client)
    response = client.post(first.headers["Location"], data={"email": EMAILS["responder"],
                                                           "password": "correct horse battery", "csrf_token": token})
    assert response.headers["Location"] == "/c/qwer"
    assert client.get("/c/qwer").headers["Location"] == "/cases/QWER"


def test_next_never_leaves_the_site(app: Flask, world: World) -> None:
    client = app.test_client()
    token = csrf_token(client)
    response = client.post("/login?next=//evil.example/x", data={
        "email": EMAILS["responder"], "password": "correct horse battery", "csrf_token": token})
    assert response.headers["Location"] == "/queue"


def test_deactivated_user_cannot_sign_in(app: Flask, world: World) -> None:
    with app.app_context():
        user = db.session.get(User, world.users["responder"])
        assert user is not None
        user.active = False
        db.session.commit()
    assert sign_in(app.test_client(), "responder").status_code == 401
