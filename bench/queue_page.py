"""Queue page benchmark: server time with 500 open cases, and live latency webhook → server-sent event.

    python -m bench.queue_page [--cases 500] [--runs 30] [--live 10]

Uses NAJDA_DATABASE_URL / NAJDA_REDIS_URL when set, else a temporary SQLite file and an embedded Redis. The
baseline, measured in the same run, is the account page (same sign-in, same layout, no cases). Live latency
runs the real stack: a threaded HTTP server, the real worker process, a signed webhook, and an SSE client.
Figures go to docs/PERFORMANCE.md, section "## Queue".
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

import requests
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench password 2026"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--live", type=int, default=10)
    args = parser.parse_args()
    os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")

    from triage import create_app
    from triage.config import Settings
    from triage.embedded_redis import EmbeddedRedis

    tmp = Path(tempfile.mkdtemp(prefix="najda-bench-"))
    redis = None
    redis_url = os.environ.get("NAJDA_REDIS_URL", "")
    if not redis_url:
        redis = EmbeddedRedis(tmp / "redis").start()
        redis_url = redis.url
    database_url = os.environ.get("NAJDA_DATABASE_URL") or f"sqlite:///{tmp / 'bench.sqlite3'}"
    settings = Settings.from_env(environ={}, instance_path=str(tmp)).replace(
        env="bench", database_url=database_url, redis_url=redis_url, public_url="http://127.0.0.1")
    app = create_app(settings)
    try:
        with app.app_context():
            seed(args.cases)
        page_ms, base_ms = server_times(app, args.runs)
        live = live_latency(app, settings, args.live, tmp)
    finally:
        if redis is not None:
            redis.stop()
    report = format_report(args.cases, args.runs, page_ms, base_ms, live, database_url)
    print(report)
    write_section(report)


def seed(n: int) -> None:
    from flask_migrate import upgrade

    from alerts.models import Override
    from triage.extensions import db
    from triage.models import Case, Message, Page, PageStatus, Responder, Team, utcnow
    from triage.staff import Role
    from triage.staff_cli import create_user

    upgrade()
    teams = [Team(slug=s, name=s.title(), labels=labels) for s, labels in (
        ("crisis", ["self_harm", "imminent_danger", "disaster", "*"]), ("dv", ["domestic_violence"]),
        ("child", ["child_protection"]))]
    db.session.add_all(teams)
    db.session.flush()
    responder = Responder(team_id=teams[0].id, name="Bench responder", phone="+966500000001")
    db.session.add(responder)
    db.session.flush()
    now = utcnow()
    db.session.add(Override(team_id=teams[0].id, responder_id=responder.id, starts_at=now - timedelta(hours=1),
                            ends_at=now + timedelta(hours=8)))
    create_user("supervisor@bench.test", "Supervisor", Role.SUPERVISOR, PASSWORD)
    labels = [["self_harm"], ["domestic_violence"], ["child_protection"], ["imminent_danger"], ["disaster"], []]
    for i in range(n):
        opened = now - timedelta(seconds=37 * i)
        lab = labels[i % len(labels)]
        team = teams[1] if "domestic_violence" in lab else teams[2] if "child_protection" in lab else teams[0]
        case = Case(code=f"B{i:03d}"[-4:] if n <= 1000 else uuid.uuid4().hex[:8].upper(),
                    priority=("P1", "P2", "P3")[i % 3], labels=lab, team_id=team.id, channel="generic",
                    opened_at=opened, last_message_at=opened, assignee_id=responder.id if i % 4 == 0 else None)
        db.session.add(case)
        db.session.flush()
        db.session.add(Message(channel="generic", platform_message_id=f"bench-{i}", case_id=case.id,
                               text="bench message", status="classified"))
        if i % 3 != 2:
            db.session.add(Page(dedupe_key=f"bench-{i}", case_id=case.id, responder_id=responder.id,
                                to_phone="+966500000001", body="x", twilio_sid=f"SM{i:032d}",
                                status=PageStatus.DELIVERED, created_at=opened + timedelta(seconds=20)))
    db.session.commit()


def signed_in_client(app: object) -> object:
    client = app.test_client()  # type: ignore[attr-defined]
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    response = client.post("/login", data={"email": "supervisor@bench.test", "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302, response.status_code
    return client


def server_times(app: object, runs: int) -> tuple[list[float], list[float]]:
    """In-process requests (no network): the server's own time to answer, the queue page vs the account page."""
    client = signed_in_client(app)
    page, base = [], []
    for path in ("/queue", "/account"):
        client.get(path)  # type: ignore[attr-defined]  # warm caches, templates and the connection pool
    for _ in range(runs):
        for path, out in (("/queue", page), ("/account", base)):
            start = time.perf_counter()
            response = client.get(path)  # type: ignore[attr-defined]
            out.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
    rows = client.get("/queue").get_data(as_text=True).count("data-case-id=")  # type: ignore[attr-defined]
    print(f"queue page lists {rows} cases")
    return page, base


def live_latency(app: object, settings: object, samples: int, tmp: Path) -> list[float]:
    """Webhook POST → the SSE 'case' event at a signed-in browser-like client, through the real worker."""
    from triage.channels.generic import SIGNATURE_HEADER, sign

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    env = {**os.environ, "NAJDA_DATABASE_URL": settings.database_url,  # type: ignore[attr-defined]
           "NAJDA_REDIS_URL": settings.redis_url, "NAJDA_INSTANCE_PATH": str(tmp)}  # type: ignore[attr-defined]
    worker = subprocess.Popen([sys.executable, "-m", "workers", "worker"], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    http = requests.Session()
    token = re.search(r'name="csrf-token" content="([^"]+)"', http.get(f"{base}/login").text).group(1)  # type: ignore[union-attr]
    http.post(f"{base}/login", data={"email": "supervisor@bench.test", "password": PASSWORD, "csrf_token": token})
    latencies: list[float] = []
    try:
        time.sleep(1.0)  # the worker loads the classifier
        for i in range(samples):
            got = threading.Event()
            ready = threading.Event()

            def listen(got: threading.Event = got, ready: threading.Event = ready) -> None:
                with http.get(f"{base}/stream", stream=True, timeout=30) as resp:
                    ready.set()
                    for line in resp.iter_lines():
                        if line.startswith(b"event: case"):
                            got.set()
                            return

            listener = threading.Thread(target=listen, daemon=True)
            listener.start()
            ready.wait(10)
            time.sleep(0.2)  # subscribed
            body = json.dumps({"id": uuid.uuid4().hex, "sender": f"bench-live-{i}",
                               "text": "زوجي يضربني الحين ساعدوني", "sent_at": "2026-11-29T10:00:00Z"},
                              ensure_ascii=False).encode()
            start = time.perf_counter()
            http.post(f"{base}/webhooks/generic", data=body, timeout=10, headers={
                "Content-Type": "application/json",
                SIGNATURE_HEADER: sign(settings.generic_secret, body)})  # type: ignore[attr-defined]
            if got.wait(10):
                latencies.append((time.perf_counter() - start) * 1000)
            listener.join(timeout=60)
    finally:
        worker.terminate()
        worker.wait(timeout=15)
        server.shutdown()
    return latencies


def format_report(n: int, runs: int, page: list[float], base: list[float], live: list[float], db_url: str) -> str:
    """One sub-section per database engine, so a SQLite run and a PostgreSQL run can both be kept."""
    engine = db_url.split(":", 1)[0].split("+", 1)[0]
    p_med, b_med = statistics.median(page), statistics.median(base)

    def p95(values: list[float]) -> float:
        return sorted(values)[int(0.95 * (len(values) - 1))]

    lines = [
        f"### {engine}",
        "",
        f"{n} open cases, {runs} runs each, {time.strftime('%Y-%m-%d')}.",
        "",
        "| measure | median | p95 | target |",
        "|---|---|---|---|",
        f"| queue page, server time | {p_med:.1f} ms | {p95(page):.1f} ms | < 300 ms |",
        f"| baseline: account page (same sign-in and layout) | {b_med:.1f} ms | {p95(base):.1f} ms | |",
        f"| ratio queue / baseline | {p_med / b_med:.1f}x | | |",
    ]
    if live:
        lines.append(f"| live update, webhook → SSE event ({len(live)} samples, real worker) | "
                     f"{statistics.median(live):.0f} ms | max {max(live):.0f} ms | < 2000 ms |")
    else:
        lines.append("| live update | no event arrived | | < 2000 ms |")
    return "\n".join(lines) + "\n"


INTRO = """## Queue

`python -m bench.queue_page` (NAJDA_DATABASE_URL / NAJDA_REDIS_URL pick the database and Redis; default SQLite and
an embedded Redis). Server time is measured in-process with the Flask test client: routing, session and role
check, queries, templates, no network. The baseline is the account page, measured in the same run. Live latency
is webhook POST → `event: case` on a signed-in `/stream` client, through the real worker process (classification
and commit included).
"""


def write_section(report: str) -> None:
    path = ROOT / "docs" / "PERFORMANCE.md"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n"
    section = re.search(r"^## Queue\n.*?(?=^## |\Z)", text, re.S | re.M)
    engines: dict[str, str] = {}
    if section:
        for match in re.finditer(r"^### (\S+)\n.*?(?=^### |\Z)", section.group(0), re.S | re.M):
            engines[match.group(1)] = match.group(0).rstrip("\n") + "\n"
    engine = report.split("\n", 1)[0].removeprefix("### ")
    engines[engine] = report
    body = INTRO + "\n" + "\n".join(engines[k] for k in sorted(engines)) + "\n"
    if section:
        text = text[:section.start()] + body + text[section.end():]
    else:
        text = text.rstrip("\n") + "\n\n" + body
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
