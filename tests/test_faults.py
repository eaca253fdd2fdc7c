"""Faults on real parts: a worker killed mid-job, Redis emptied under a queued job. Nothing lost, nothing doubled."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

import psutil
import requests
from flask import Flask
from redis import Redis
from rq.registry import StartedJobRegistry
from sqlalchemy import select, text
from sqlalchemy.engine import Connection

from alerts.fake_twilio import FakeTwilioServer
from tests.factories import generic_body, on_call_team, post_generic
from triage.config import Settings
from triage.extensions import db
from triage.jobqueue import CLASSIFY
from triage.models import Case, Message, MessageStatus, Page
from workers.jobs import sweep

URGENT = "I took pills and I want to kill myself now"


def sms_count(fake: FakeTwilioServer) -> int:
    return len(requests.get(f"{fake.url}/_fake/messages", timeout=5).json())


def _counts(swept: dict[str, int]) -> tuple[int, int]:
    """(messages, cases) re-enqueued; the escalation reconciler adds its own counts beside them."""
    return swept["messages"], swept["cases"]


def age_messages(minutes: int = 5) -> None:
    """Move received_at into the past, as if the sweeper's grace period had passed."""
    for message in db.session.execute(select(Message)).scalars():
        message.received_at = message.received_at - timedelta(minutes=minutes)
    db.session.commit()


@contextmanager
def database_locked(app: Flask) -> Iterator[Connection]:
    """Hold a lock that makes any classify job block on its first query, so we can kill it mid-job."""
    with app.app_context():
        engine = db.engine
        conn = engine.connect()
        try:
            if engine.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN EXCLUSIVE")
            else:
                conn.begin()
                conn.execute(text("LOCK TABLE message IN ACCESS EXCLUSIVE MODE"))
            yield conn
        finally:
            conn.rollback()
            conn.close()


def worker_env(settings: Settings) -> dict[str, str]:
    return {
        **os.environ,
        "NAJDA_DATABASE_URL": settings.database_url,
        "NAJDA_REDIS_URL": settings.redis_url,
        "NAJDA_TWILIO_ACCOUNT_SID": settings.twilio_account_sid,
        "NAJDA_TWILIO_AUTH_TOKEN": settings.twilio_auth_token,
        "NAJDA_TWILIO_API_BASE_URL": settings.twilio_api_base_url,
        "NAJDA_PUBLIC_URL": settings.public_url,
        "NAJDA_INSTANCE_PATH": settings.instance_path,
    }


def test_worker_killed_mid_job_loses_nothing(
    app: Flask, client: object, settings: Settings, redis: Redis, run_worker: Callable[[], None],
    fake_twilio: FakeTwilioServer,
) -> None:
    with app.app_context():
        on_call_team()
    assert post_generic(client, generic_body(URGENT)).status_code == 200  # type: ignore[arg-type]
    with app.app_context():
        message_id = db.session.execute(select(Message.id)).scalar_one()
    job_id = f"classify-{message_id}"
    started = StartedJobRegistry(CLASSIFY, connection=redis)

    with database_locked(app):
        worker = subprocess.Popen(
            [sys.executable, "-m", "workers", "worker"], env=worker_env(settings), start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 60
            while job_id not in started.get_job_ids():
                assert time.monotonic() < deadline, "the worker never started the job"
                assert worker.poll() is None, "the worker died on its own"
                time.sleep(0.05)
        finally:
            # The worker and its work-horse, mid-job. RQ puts the horse in its own process group, so kill by pid.
            parent = psutil.Process(worker.pid)
            processes = [*parent.children(recursive=True), parent]
            for process in processes:
                process.kill()
            worker.wait()
            psutil.wait_procs(processes, timeout=10)

    with app.app_context():
        assert db.session.execute(select(Message)).scalar_one().status == MessageStatus.RECEIVED
        age_messages()
        # The job is still marked started by a worker that no longer exists: the sweeper replaces it.
        assert sweep(stale_after=0)["messages"] == 1
    run_worker()
    with app.app_context():
        assert db.session.execute(select(Message)).scalar_one().status == MessageStatus.CLASSIFIED
        assert len(db.session.execute(select(Case)).scalars().all()) == 1
        assert len(db.session.execute(select(Page).where(Page.channel == "sms")).scalars().all()) == 1
    assert sms_count(fake_twilio) == 1


def test_redis_emptied_under_queued_jobs_loses_nothing(
    app: Flask, client: object, redis: Redis, run_worker: Callable[[], None], fake_twilio: FakeTwilioServer
) -> None:
    with app.app_context():
        on_call_team()
    for i in range(3):
        post_generic(client, generic_body(URGENT, sender=f"s{i}"))  # type: ignore[arg-type]
    redis.flushdb()  # Redis restarted empty before any worker ran
    run_worker()
    with app.app_context():
        assert all(m.status == MessageStatus.RECEIVED for m in db.session.execute(select(Message)).scalars())
        age_messages()
        assert _counts(sweep()) == (3, 0)
    run_worker()
    with app.app_context():
        cases = db.session.execute(select(Case)).scalars().all()
        assert len(cases) == 3
        # Cases exist but Redis loses the page jobs too: the sweeper finds urgent cases with no page.
        assert len(db.session.execute(select(Page).where(Page.channel == "sms")).scalars().all()) == 3
    assert sms_count(fake_twilio) == 3


def test_page_jobs_lost_after_classification_are_re_armed(
    app: Flask, client: object, redis: Redis, run_worker: Callable[[], None], fake_twilio: FakeTwilioServer
) -> None:
    with app.app_context():
        on_call_team()
        post_generic(client, generic_body(URGENT))  # type: ignore[arg-type]
        from workers.jobs import classify_message

        message_id = db.session.execute(select(Message.id)).scalar_one()
        classify_message(message_id)  # classified and page job queued...
        redis.flushdb()  # ...then Redis forgets it
        case = db.session.execute(select(Case)).scalar_one()
        case.opened_at = case.opened_at - timedelta(minutes=1)
        db.session.commit()
        assert _counts(sweep()) == (0, 1)
    run_worker()
    with app.app_context():
        assert _counts(sweep()) == (0, 0)
    assert sms_count(fake_twilio) == 1
