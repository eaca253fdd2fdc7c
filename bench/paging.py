"""Paging benchmark: how fast an urgent message becomes a Twilio messages.create call, and how punctually
escalation steps fire, on the real stack (web app, a forking RQ worker with its scheduler, Redis, the fake
Twilio server), against a baseline measured in the same run: a bare ``send_sms`` call to the same fake.

    python bench/paging.py [--messages 60] [--cases 10] [--write docs/PERFORMANCE.md]

SQLite + an embedded Redis in a temp dir unless NAJDA_BENCH_DATABASE_URL / NAJDA_BENCH_REDIS_URL are set; those
are EMPTIED first (give the benchmark its own database and Redis db number).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
from sqlalchemy import select  # noqa: E402

from alerts.fake_twilio import BackgroundServer, create_fake_twilio_app, fake_state  # noqa: E402
from alerts.twilio_client import build_client, close_client, send_sms  # noqa: E402
from triage import create_app  # noqa: E402
from triage.channels.generic import SIGNATURE_HEADER, sign  # noqa: E402
from triage.config import Settings  # noqa: E402
from triage.embedded_redis import EmbeddedRedis, free_port  # noqa: E402
from triage.extensions import db  # noqa: E402

SID, TOKEN, SECRET = "AC" + "5" * 32, "bench-twilio-token", "bench-generic-secret"
URGENT = "I took pills and want to die now"
FAST_LEVELS = [  # short delays so the benchmark measures punctuality in seconds, not minutes
    {"targets": [{"layer": 1}], "delay_seconds": 3, "voice": False},
    {"targets": [{"layer": 2}], "delay_seconds": 3, "voice": False},
]


class Arrivals:
    """WSGI middleware in front of the fake: when each messages.create request arrived (wall clock)."""

    def __init__(self, app: Callable[..., Any]) -> None:
        self.app = app
        self.lock = threading.Lock()
        self.times: list[tuple[float, str]] = []

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ["REQUEST_METHOD"] == "POST" and environ["PATH_INFO"].endswith("/Messages.json"):
            with self.lock:
                self.times.append((time.time(), environ["PATH_INFO"]))
        return self.app(environ, start_response)

    def count(self) -> int:
        with self.lock:
            return len(self.times)

    def last(self) -> float:
        with self.lock:
            return self.times[-1][0]


def pct(values: Iterable[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def wait(predicate: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("benchmark step did not finish in time")
        time.sleep(0.002)


def post(url: str, text: str, sender: str) -> None:
    body = json.dumps({"id": uuid.uuid4().hex, "sender": sender, "text": text,
                       "sent_at": datetime.now(UTC).isoformat()}).encode()
    response = requests.post(url, data=body, timeout=10, headers={
        "Content-Type": "application/json", SIGNATURE_HEADER: sign(SECRET, body)})
    response.raise_for_status()


def seed(settings: Settings) -> None:
    from tests.factories import make_policy, make_responder, make_rotation, make_team

    app = create_app(settings)
    with app.app_context():
        from flask_migrate import upgrade
        from sqlalchemy import MetaData, inspect, text

        with db.engine.begin() as conn:  # a benchmark starts from an empty database, like the tests
            meta = MetaData()
            meta.reflect(bind=conn)
            meta.drop_all(bind=conn)
            if "alembic_version" in inspect(conn).get_table_names():
                conn.execute(text("DROP TABLE alembic_version"))
        upgrade()
        team = make_team("crisis", ["*"])
        primary = make_responder(team, "+966500000001", name="Primary")
        secondary = make_responder(team, "+966500000002", name="Secondary")
        make_rotation(team, [primary], kind="weekly", layer=1)
        make_rotation(team, [secondary], kind="weekly", layer=2)
        make_policy(team, FAST_LEVELS, repeat=1)
        db.session.commit()
        db.engine.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=60)
    parser.add_argument("--cases", type=int, default=10)
    parser.add_argument("--write", default=None, help="update the '## Paging' section of this markdown file")
    args = parser.parse_args(argv)
    os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
    tmp = Path(tempfile.mkdtemp(prefix="najda-bench-"))
    redis_server = None
    redis_url = os.environ.get("NAJDA_BENCH_REDIS_URL")
    if not redis_url:
        redis_server = EmbeddedRedis(tmp / "redis").start()
        redis_url = redis_server.url
    if redis_server is None:
        from redis import Redis

        Redis.from_url(redis_url).flushdb()
    database_url = os.environ.get("NAJDA_BENCH_DATABASE_URL") or f"sqlite:///{tmp / 'bench.sqlite3'}"
    arrivals = Arrivals(lambda e, s: None)
    fake_app = create_fake_twilio_app(TOKEN, callback_delay=0.05)
    arrivals.app = fake_app.wsgi_app
    fake_app.wsgi_app = arrivals  # type: ignore[method-assign]
    fake = BackgroundServer(fake_app).start()
    web_port = free_port()
    settings = Settings.from_env(environ={}, instance_path=str(tmp)).replace(
        database_url=database_url, redis_url=redis_url, public_url=f"http://127.0.0.1:{web_port}",
        generic_secret=SECRET, twilio_account_sid=SID, twilio_auth_token=TOKEN, twilio_api_base_url=fake.url)
    seed(settings)
    web_app = create_app(settings)
    web = BackgroundServer(web_app, port=web_port).start()
    env = {**os.environ, "NAJDA_DATABASE_URL": database_url, "NAJDA_REDIS_URL": redis_url,
           "NAJDA_TWILIO_ACCOUNT_SID": SID, "NAJDA_TWILIO_AUTH_TOKEN": TOKEN, "NAJDA_TWILIO_API_BASE_URL": fake.url,
           "NAJDA_PUBLIC_URL": settings.public_url, "NAJDA_INSTANCE_PATH": str(tmp),
           "NAJDA_GENERIC_SECRET": SECRET}
    worker = subprocess.Popen([sys.executable, "-m", "workers", "worker"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=open(tmp / "worker.log", "w"))  # noqa: SIM115
    try:
        results = run(args, settings, web_app, web.url, fake.url, arrivals)
    finally:
        worker.terminate()
        worker.wait(timeout=20)
        fake_state(fake_app).close()
        web.stop()
        fake.stop()
        if redis_server is not None:
            redis_server.stop()
    print(f"worker log: {tmp / 'worker.log'}")
    report(results, database_url, args.write)


def run(args: argparse.Namespace, settings: Settings, web_app: Any, web_url: str, fake_url: str,
        arrivals: Arrivals) -> dict[str, Any]:
    from alerts.case_actions import acknowledge, apply_timers
    from alerts.models import CaseEscalation
    from triage.models import Case, CaseEvent, Responder

    def _first() -> Responder:
        return db.session.execute(select(Responder).order_by(Responder.id)).scalars().first()  # type: ignore[return-value]

    # Baseline: the bare Twilio call the pipeline ends in, same fake, same process kind of client.
    client = build_client(SID, TOKEN, fake_url, timeout=10.0)
    baseline = []
    for _ in range(args.messages):
        started = time.perf_counter()
        assert send_sms(client, "+966500000009", "+15005550006", "baseline", None).sid
        baseline.append(time.perf_counter() - started)
    close_client(client)

    # Wait until the worker is up (its first job runs), then measure one message at a time: an idle worker.
    from_case, from_post = [], []
    for i in range(args.messages + 1):
        before = arrivals.count()
        posted = time.time()
        post(f"{web_url}/webhooks/generic", URGENT, f"bench-{i}")
        wait(lambda before=before: arrivals.count() > before, timeout=120 if i == 0 else 30)  # type: ignore[misc]
        arrived = arrivals.last()
        with web_app.app_context():
            case = db.session.execute(select(Case).order_by(Case.id.desc())).scalars().first()
            assert case is not None
            opened = case.opened_at
            # The responder acknowledges, so this case's escalation does not page during later samples.
            result = acknowledge(case, db.session.get(Responder, case.assignee_id or 1) or _first(), datetime.now(UTC),
                                 "bench")
            apply_timers(web_app.extensions["najda.jobs"], case.id, result, datetime.now(UTC))
            db.session.remove()
        if i == 0:
            continue  # the worker's first job pays for its warm-up
        from_case.append(arrived - opened.timestamp())
        from_post.append(arrived - posted)
        time.sleep(0.05)

    # Punctuality: cases escalate with 3 s levels; every timer-driven step's lateness against its due time.
    first = arrivals.count()
    with web_app.app_context():
        last_measured = db.session.execute(select(Case.id).order_by(Case.id.desc())).scalars().first() or 0
        db.session.remove()
    for i in range(args.cases):
        post(f"{web_url}/webhooks/generic", URGENT, f"esc-{i}")
    total_steps = args.cases * len(FAST_LEVELS) * 2
    wait(lambda: arrivals.count() >= first + total_steps, timeout=120)
    time.sleep(1)
    lateness = []
    with web_app.app_context():
        rows = db.session.execute(
            select(CaseEvent).join(CaseEscalation, CaseEscalation.case_id == CaseEvent.case_id)
            .where(CaseEvent.kind == "escalation_step")
        ).scalars().all()
        for event in rows:
            if event.case_id > last_measured and event.detail.get("step", 0) > 0 and event.detail.get("due"):
                lateness.append((event.at - datetime.fromisoformat(event.detail["due"])).total_seconds())
        db.session.remove()
    return {"baseline": baseline, "from_case": from_case, "from_post": from_post, "lateness": lateness,
            "load": os.getloadavg()[0]}


INTRO = """## Paging

`python bench/paging.py [--write docs/PERFORMANCE.md]`: the web app, a forking RQ worker with its scheduler, Redis
and the fake Twilio server, all on one machine. The worker is idle before each message (one message at a time);
times run to the moment the fake Twilio server receives `messages.create`. The baseline is a bare `send_sms`
call to the same fake in the same run. Punctuality: cases escalate through 3-second levels with nobody
answering; each timer-driven step's firing time is compared with the due time stored in the database.
Targets: case → `messages.create` p99 < 1 s; steps fire within 5 s of their due time.
"""


def report(results: dict[str, Any], database_url: str, path: str | None) -> None:
    base, case, posted, late = (results[k] for k in ("baseline", "from_case", "from_post", "lateness"))
    db_kind = database_url.split(":", 1)[0].split("+", 1)[0]
    lines = [
        f"### {db_kind}",
        "",
        f"{datetime.now(UTC):%Y-%m-%d}, load average {results['load']:.1f} on 2 cores during the run (other "
        "engineers' test suites share the machine).",
        "",
        "| measure | n | p50 | p95 | p99 | max |",
        "|---|---|---|---|---|---|",
    ]
    for name, values in (("baseline: bare `send_sms` to the fake", base),
                         ("case opened → `messages.create`", case),
                         ("webhook POST → `messages.create`", posted),
                         ("escalation step fired after its due time", late)):
        lines.append(f"| {name} | {len(values)} | {pct(values, 50) * 1000:.0f} ms | {pct(values, 95) * 1000:.0f} ms "
                     f"| {pct(values, 99) * 1000:.0f} ms | {max(values) * 1000:.0f} ms |")
    ratio = pct(case, 99) / pct(base, 99)
    lines += [
        "",
        f"- case → SMS p99 is **{ratio:.1f}×** the bare Twilio call's p99; target p99 < 1 s "
        f"{'met' if pct(case, 99) < 1 else 'NOT met'}.",
        f"- escalation steps fire at most **{max(late):.2f} s** after their due time; target < 5 s "
        f"{'met' if max(late) < 5 else 'NOT met'}.",
        "",
    ]
    block = "\n".join(lines)
    print(INTRO + "\n" + block)
    if path:
        target = Path(path)
        target.write_text(_merge(target.read_text() if target.exists() else "# Performance\n", db_kind, block))


def _merge(document: str, db_kind: str, block: str) -> str:
    """Replace (or add) this database's block inside the '## Paging' section; other sections stay as they are."""
    start = document.find("## Paging")
    if start == -1:
        return document.rstrip("\n") + "\n\n" + INTRO + "\n" + block
    end = document.find("\n## ", start + 1)
    section = document[start:] if end == -1 else document[start:end + 1]
    rest = "" if end == -1 else document[end + 1:]
    blocks: dict[str, str] = {}
    for chunk in section.split("\n### ")[1:]:
        name = chunk.split("\n", 1)[0].strip()
        blocks[name] = "### " + chunk.rstrip("\n") + "\n"
    blocks[db_kind] = block
    body = INTRO + "\n" + "\n".join(blocks[k] for k in sorted(blocks))
    return document[:start] + body + ("\n" + rest if rest else "")


if __name__ == "__main__":
    main()
