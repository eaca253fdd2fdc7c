"""Warm a worker's parent process before RQ forks a work-horse per job.

Every horse starts from the parent's memory: whatever the parent has imported, mapped and compiled, a page job
does not pay for again. Measured (bench/paging.py): without this, each page job spent ~150 ms importing the
twilio REST modules and compiling the same SQL statements afresh.
"""

from __future__ import annotations

from sqlalchemy.orm import configure_mappers

from alerts.escalation import escalation_of, maintenance_until
from alerts.oncall import on_call_layers, team_schedule
from alerts.paging import held_pages, recent_sends
from alerts.twilio_client import build_client, close_client
from triage.extensions import db
from triage.models import utcnow


def warm_up(account_sid: str, auth_token: str, api_base_url: str | None) -> None:
    """Import, map and compile what a page job uses; touches no row (ids 0 match nothing). Needs an app context."""
    configure_mappers()
    client = build_client(account_sid, auth_token, api_base_url, timeout=10.0)
    _ = client.messages, client.calls  # the SDK imports its REST API modules lazily, on first use
    close_client(client)
    now = utcnow()
    escalation_of(0)
    maintenance_until(0, now)
    team_schedule(0)
    on_call_layers(0, now)
    recent_sends(0, now)
    held_pages(0, 0)
    db.session.rollback()
