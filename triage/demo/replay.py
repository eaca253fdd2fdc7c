"""``flask demo replay [--rate N]``: push the bilingual demo sample through the signed generic webhook.

The messages are the team's own writing (messages.jsonl beside this file). Each one goes over real HTTP to the
running server, signed like any sender, so the queue fills, pages go out and the fake Twilio records them.
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
import requests
from flask import Flask, current_app
from flask.cli import AppGroup

from triage.channels.generic import SIGNATURE_HEADER, sign

SAMPLE = Path(__file__).with_name("messages.jsonl")


def load_sample(path: Path = SAMPLE) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def replay(url: str, secret: str, rate: float, limit: int | None = None,
           session: requests.Session | None = None) -> list[int]:
    """POST each sample message; returns the HTTP statuses. ``rate`` is messages per second (0 = no pause)."""
    http = session or requests.Session()
    run = uuid.uuid4().hex[:8]  # fresh ids and senders per run, so a second replay opens new cases
    statuses: list[int] = []
    for item in load_sample()[:limit]:
        body = json.dumps(
            {"id": f"demo-{run}-{uuid.uuid4().hex[:8]}", "sender": f"{item['sender']}-{run}", "text": item["text"],
             "sent_at": datetime.now(UTC).isoformat()},
            ensure_ascii=False,
        ).encode()
        response = http.post(url, data=body, timeout=10,
                             headers={"Content-Type": "application/json", SIGNATURE_HEADER: sign(secret, body)})
        statuses.append(response.status_code)
        if rate > 0:
            time.sleep(1.0 / rate)
    return statuses


def register(app: Flask) -> None:
    demo = AppGroup("demo", help="Demo helpers.")

    @demo.command("replay")
    @click.option("--rate", default=1.0, show_default=True, help="messages per second")
    @click.option("--limit", default=None, type=int, help="send only the first N messages")
    @click.option("--url", default=None, help="webhook URL (default: NAJDA_PUBLIC_URL/webhooks/generic)")
    def replay_command(rate: float, limit: int | None, url: str | None) -> None:
        """Send the bilingual demo sample through the signed generic webhook."""
        settings = current_app.extensions["najda.settings"]
        target = url or f"{settings.public_url}/webhooks/generic"
        statuses = replay(target, settings.generic_secret, rate, limit)
        ok = sum(1 for s in statuses if s == 200)
        click.echo(f"sent {len(statuses)} messages to {target}: {ok} accepted")
        if ok != len(statuses):
            raise SystemExit(1)

    app.cli.add_command(demo)
