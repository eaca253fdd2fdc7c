"""Helpers for the escalation tests (fixtures live in conftest.py, builders in tests/factories.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import requests
from sqlalchemy import select

from alerts.fake_twilio import FakeTwilioServer
from alerts.models import CaseEscalation
from tests.alerts.helpers import wait_until
from triage.extensions import db
from triage.models import Case, CaseEvent, Page, utcnow

__all__ = ["wait_until", "sms_sent", "calls_made", "escalation", "make_due_now", "pages", "kinds", "only_case"]


def sms_sent(fake: FakeTwilioServer) -> list[dict[str, Any]]:
    response = requests.get(f"{fake.url}/_fake/messages", timeout=5)
    response.raise_for_status()
    messages: list[dict[str, Any]] = response.json()
    return messages


def calls_made(fake: FakeTwilioServer) -> list[dict[str, Any]]:
    response = requests.get(f"{fake.url}/_fake/calls", timeout=5)
    response.raise_for_status()
    calls: list[dict[str, Any]] = response.json()
    return calls


def fail(fake: FakeTwilioServer, **rule: Any) -> None:
    requests.post(f"{fake.url}/_fake/fail", json=rule, timeout=5).raise_for_status()


def only_case() -> Case:
    return db.session.execute(select(Case)).scalar_one()


def escalation(case_id: int) -> CaseEscalation:
    db.session.expire_all()
    return db.session.execute(select(CaseEscalation).where(CaseEscalation.case_id == case_id)).scalar_one()


def make_due_now(case_id: int) -> None:
    """Time passes: the escalation's next step is due now (instead of sleeping out the policy delay)."""
    row = escalation(case_id)
    row.next_due_at = utcnow() - timedelta(seconds=1)
    db.session.commit()


def pages(case_id: int, channel: str = "sms") -> list[Page]:
    db.session.expire_all()
    stmt = select(Page).where(Page.case_id == case_id, Page.channel == channel).order_by(Page.id)
    return list(db.session.execute(stmt).scalars())


def kinds(case_id: int) -> list[str]:
    stmt = select(CaseEvent.kind).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
    return list(db.session.execute(stmt).scalars())


def job_status(redis: Any, job_id: str) -> Any:
    """The RQ status of a job, or None while it does not exist (or is being replaced)."""
    from rq.exceptions import InvalidJobOperation, NoSuchJobError
    from rq.job import Job

    try:
        return Job.fetch(job_id, connection=redis).get_status()
    except (NoSuchJobError, InvalidJobOperation):
        return None
