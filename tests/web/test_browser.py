"""Headless Chromium (Debian's) through Playwright against a real server and a real worker process.

Sign in, watch a P1 case arrive live after a webhook, open it, watch its timeline update live, acknowledge it;
a domestic-violence caseworker cannot open a child-protection case and vice versa.
Set NAJDA_SCREENSHOTS=1 to refresh the screenshots in docs/ (queue and case page, Arabic and English).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from flask import Flask

from alerts.models import Override
from tests.factories import GENERIC_SECRET
from tests.web.helpers import EMAILS, PASSWORD, World, make_case
from triage.channels.generic import SIGNATURE_HEADER, sign
from triage.config import Settings
from triage.extensions import db
from triage.models import utcnow

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker(settings: Settings, app: Flask, tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """``python -m workers worker``: the real worker process, on the test database, Redis and fake Twilio."""
    env = {
        **os.environ,
        "NAJDA_DATABASE_URL": settings.database_url, "NAJDA_REDIS_URL": settings.redis_url,
        "NAJDA_INSTANCE_PATH": settings.instance_path, "NAJDA_PUBLIC_URL": settings.public_url,
        "NAJDA_GENERIC_SECRET": settings.generic_secret, "NAJDA_TWILIO_ACCOUNT_SID": settings.twilio_account_sid,
        "NAJDA_TWILIO_AUTH_TOKEN": settings.twilio_auth_token,
        "NAJDA_TWILIO_API_BASE_URL": settings.twilio_api_base_url,
        "NAJDA_TWILIO_FROM": settings.twilio_from, "NO_PROXY": "127.0.0.1,localhost",
    }
    log = (tmp_path / "worker.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "workers", "worker"], env=env, cwd=ROOT,
                               stdout=log, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: apt-get install -y chromium (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            yield instance
        finally:
            instance.close()


def post_message(base: str, text: str, sender: str) -> None:
    body = json.dumps({"id": uuid.uuid4().hex, "sender": sender, "text": text,
                       "sent_at": "2026-11-29T10:00:00Z"}, ensure_ascii=False).encode()
    response = requests.post(f"{base}/webhooks/generic", data=body, timeout=10,
                             headers={"Content-Type": "application/json",
                                      SIGNATURE_HEADER: sign(GENERIC_SECRET, body)})
    assert response.status_code == 200, response.text


def sign_in(page: object, base: str, role: str) -> None:
    page.goto(f"{base}/login")  # type: ignore[attr-defined]
    page.fill("#email", EMAILS[role])  # type: ignore[attr-defined]
    page.fill("#password", PASSWORD)  # type: ignore[attr-defined]
    page.click("button[type=submit].primary")  # type: ignore[attr-defined]


def put_team_on_call(app: Flask, world: World) -> None:
    from datetime import timedelta

    with app.app_context():
        now = utcnow()
        db.session.add(Override(team_id=world.teams["crisis"], responder_id=world.responders["crisis"],
                               starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=8)))
        db.session.commit()


def test_p1_arrives_live_and_is_acknowledged(
    app: Flask, world: World, live_server: str, worker: object, browser: object
) -> None:
    put_team_on_call(app, world)
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 800})  # type: ignore[attr-defined]
    page = context.new_page()
    sign_in(page, live_server, "responder")
    page.wait_for_url(f"{live_server}/queue")
    page.wait_for_selector("#live-state.on", timeout=10_000)  # the event stream is connected
    assert page.locator("tr[data-case-id]").count() == 0
    page.keyboard.press("Shift+H")  # quick hide blanks the screen, Escape brings it back
    assert page.locator("#quick-hide").is_visible() and not page.locator("table.queue").is_visible()
    page.keyboard.press("Escape")
    assert page.locator("table.queue").is_visible()

    post_message(live_server, "زوجي يضربني الحين وقفل علي الباب، ساعدوني", sender="browser-1")
    row = page.wait_for_selector("tr[data-priority=P1]", timeout=15_000)  # no reload: SSE brought it
    assert row is not None
    assert page.locator("#p1-alert").is_visible()
    code = row.get_attribute("data-code")

    page.click(f'tr[data-code="{code}"] a')
    page.wait_for_url(f"{live_server}/cases/{code}")
    assert page.locator("mark.ev").count() >= 1  # the classifier's evidence is highlighted
    page.wait_for_selector("#live-state.on, .case[data-timeline-url]")
    page.wait_for_function("document.querySelectorAll('#timeline li').length >= 1")
    # A follow-up from the same person joins the case: the timeline grows without a reload.
    page.wait_for_timeout(500)  # let the case page's own stream connect
    post_message(live_server, "he is still outside the door", sender="browser-1")
    page.wait_for_selector("#timeline li.ev-message_added", timeout=15_000)

    page.click("#ack-btn")
    page.wait_for_selector("#timeline li.ev-acknowledged", timeout=10_000)
    assert page.locator("#case-status").inner_text().strip() == "acknowledged"
    if os.environ.get("NAJDA_SCREENSHOTS"):
        _screenshots(page, live_server, code)
    context.close()


def _screenshots(page: object, base: str, code: str) -> None:
    docs = ROOT / "docs"
    for lang in ("en", "ar"):
        page.goto(f"{base}/account")  # type: ignore[attr-defined]
        page.select_option("#language", lang)  # type: ignore[attr-defined]
        page.click("form[action$='/account/language'] button")  # type: ignore[attr-defined]
        page.goto(f"{base}/queue")  # type: ignore[attr-defined]
        page.wait_for_selector("#live-state.on")  # type: ignore[attr-defined]
        page.screenshot(path=str(docs / f"queue-{lang}.png"))  # type: ignore[attr-defined]
        page.goto(f"{base}/cases/{code}")  # type: ignore[attr-defined]
        page.screenshot(path=str(docs / f"case-{lang}.png"), full_page=True)  # type: ignore[attr-defined]


@pytest.mark.parametrize(("role", "own", "other"), [
    ("dv_caseworker", ("domestic_violence", "dv"), ("child_protection", "child")),
    ("cp_caseworker", ("child_protection", "child"), ("domestic_violence", "dv")),
])
def test_caseworkers_cannot_open_the_other_teams_cases(
    app: Flask, world: World, live_server: str, browser: object, role: str,
    own: tuple[str, str], other: tuple[str, str],
) -> None:
    with app.app_context():
        make_case("MINE", [own[0]], world.teams[own[1]], text="own team case")
        make_case("THEM", [other[0]], world.teams[other[1]], text="the other team's words")
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    sign_in(page, live_server, role)
    page.wait_for_url(f"{live_server}/queue")
    assert page.locator('tr[data-code="MINE"]').count() == 1
    assert page.locator('tr[data-code="THEM"]').count() == 0
    assert page.goto(f"{live_server}/cases/MINE").status == 200
    refused = page.goto(f"{live_server}/cases/THEM")
    assert refused is not None and refused.status == 403
    assert "the other team's words" not in page.content()
    context.close()


def test_chromium_is_debians() -> None:
    assert shutil.which("chromium") == CHROMIUM or Path(CHROMIUM).exists()
