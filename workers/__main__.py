"""Worker processes.

    python -m workers worker    RQ worker (pages first, then classification) with RQ's scheduler
    python -m workers cron      the sweeper: re-enqueues from the database what Redis forgot
"""

from __future__ import annotations

import argparse
import logging

from redis import Redis
from rq import Queue, Worker
from rq.cron import CronScheduler

from triage.jobqueue import CLASSIFY, QUEUE_NAMES
from workers import jobs
from workers.runtime import preload, settings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m workers")
    parser.add_argument("role", choices=("worker", "cron"))
    parser.add_argument("--burst", action="store_true", help="worker: exit when the queues are empty")
    args = parser.parse_args(argv)

    app = preload(with_classifier=args.role == "worker")
    with app.app_context():
        redis_url = settings().redis_url or "redis://127.0.0.1:6379/0"
        interval = settings().sweep_interval_seconds
    connection = Redis.from_url(redis_url)
    # The parent never keeps a database connection across the fork into a work-horse.
    from triage.extensions import db

    with app.app_context():
        db.engine.dispose()
    if args.role == "worker":
        queues = [Queue(name, connection=connection) for name in QUEUE_NAMES]
        Worker(queues, connection=connection).work(with_scheduler=True, burst=args.burst)
    else:
        cron = CronScheduler(connection=connection, logging_level=logging.INFO)
        cron.register(jobs.sweep, queue_name=CLASSIFY, interval=interval, job_timeout=120, result_ttl=60)
        cron.start()  # type: ignore[no-untyped-call]


if __name__ == "__main__":
    main()
