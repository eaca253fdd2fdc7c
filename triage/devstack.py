"""``make run``: the whole stack on one machine — migrate, seed, then web + worker + cron + fake Twilio.

Any ``NAJDA_*`` variable already set wins over the demo values; with ``NAJDA_REDIS_URL`` unset an embedded Redis
is started. Ctrl-C stops everything this started.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from triage.config import DEMO_VALUES
from triage.embedded_redis import EmbeddedRedis
from triage.staff_cli import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parent.parent
FAKE_TWILIO_PORT = 5031

# How the web app is served (bench/ingest.py measures this same shape). gthread: each live page holds one
# thread for at most a minute (the stream then ends and the browser reconnects), so 2 x 32 threads serve dozens
# of screens and still answer webhooks; webhook requests mostly wait on their group commit.
WEB_WORKERS = 2
WEB_THREADS = 32


def demo_environment() -> dict[str, str]:
    env = dict(os.environ)
    defaults = dict(DEMO_VALUES)
    defaults.update(
        NAJDA_INSTANCE_PATH=str(ROOT / "instance"),
        NAJDA_PUBLIC_URL="http://127.0.0.1:5000",
        NAJDA_TWILIO_API_BASE_URL=f"http://127.0.0.1:{FAKE_TWILIO_PORT}",
        NAJDA_SWEEP_INTERVAL_SECONDS="10",
        NO_PROXY="127.0.0.1,localhost",
        PYTHONUNBUFFERED="1",
    )
    for name, value in defaults.items():
        env.setdefault(name, value)
    return env


def run(env: dict[str, str]) -> int:
    python = sys.executable
    Path(env["NAJDA_INSTANCE_PATH"]).mkdir(parents=True, exist_ok=True)
    redis: EmbeddedRedis | None = None
    if not env.get("NAJDA_REDIS_URL"):
        redis = EmbeddedRedis(Path(env["NAJDA_INSTANCE_PATH"]) / "redis").start()
        env["NAJDA_REDIS_URL"] = redis.url
    flask = [python, "-m", "flask", "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], env=env, cwd=ROOT, check=True)
    subprocess.run([*flask, "seed-demo"], env=env, cwd=ROOT, check=True)
    commands = {
        "fake-twilio": [python, "-m", "alerts.fake_twilio", "--port", str(FAKE_TWILIO_PORT)],
        "web": [python, "-m", "gunicorn", "--bind", "127.0.0.1:5000", "--workers", str(WEB_WORKERS),
                "--worker-class", "gthread", "--threads", str(WEB_THREADS), "--access-logfile", "-", "wsgi:app"],
        "worker": [python, "-m", "workers", "worker"],
        "cron": [python, "-m", "workers", "cron"],
    }
    children = {name: subprocess.Popen(cmd, env=env, cwd=ROOT) for name, cmd in commands.items()}
    print_banner(env)
    stopping = False

    def stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    code = 0
    try:
        while not stopping:
            for name, child in children.items():
                if child.poll() is not None:
                    print(f"najda: {name} exited with {child.returncode}; stopping", file=sys.stderr)
                    stopping, code = True, 1
            time.sleep(0.5)
    finally:
        for child in reversed(list(children.values())):
            if child.poll() is None:
                child.terminate()
        for child in children.values():
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
        if redis is not None:
            redis.stop()
    return code


def print_banner(env: dict[str, str]) -> None:
    print(
        f"""
Najda is running.
  web            http://127.0.0.1:5000   (health: /healthz)
  fake Twilio    http://127.0.0.1:{FAKE_TWILIO_PORT}/_fake/messages   (every SMS the demo sends)
  redis          {env["NAJDA_REDIS_URL"]}
  database       {env.get("NAJDA_DATABASE_URL") or "sqlite: instance/najda.sqlite3"}
  generic secret {env["NAJDA_GENERIC_SECRET"]}

Sign in at http://127.0.0.1:5000/login  (password {DEMO_PASSWORD} for every demo account)
  responder@najda.demo   responder, crisis line      supervisor@najda.demo  supervisor (sees every case)
  dv@najda.demo          domestic-violence worker    analyst@najda.demo     analyst (figures only)
  cp@najda.demo          child-protection worker     admin@najda.demo       admin (users; case text only with a reason)

Try:  .venv/bin/python -m triage.demo_post "زوجي يضربني الحين ساعدوني"
      .venv/bin/flask --app wsgi demo replay --rate 1     (a bilingual sample, one message a second)
Ctrl-C stops everything.
""",
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(run(demo_environment()))
