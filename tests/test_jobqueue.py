"""triage.jobqueue: the group commit's lean enqueue writes exactly what RQ writes, and RQ runs those jobs."""

from __future__ import annotations

from flask import Flask
from redis import Redis
from rq import Queue, SimpleWorker
from rq.job import Job, JobStatus

from triage.jobqueue import CLASSIFY, CLASSIFY_FUNC, CLASSIFY_TIMEOUT, classify_job_id, jobs

# Set per job from the clock: RQ's and ours differ by the moment they were made.
_TIMES = {b"created_at", b"enqueued_at"}


def _hash(redis: Redis, job_id: str) -> dict[bytes, bytes]:
    stored: dict[bytes, bytes] = redis.hgetall(Job.key_for(job_id))
    return {field: value for field, value in stored.items() if field not in _TIMES}


def test_lean_enqueue_writes_what_rq_writes(app: Flask, redis: Redis) -> None:
    queue = Queue(CLASSIFY, connection=redis)
    queue.enqueue(CLASSIFY_FUNC, 7, job_id=classify_job_id(7), job_timeout=CLASSIFY_TIMEOUT)
    by_rq = _hash(redis, classify_job_id(7))
    rq_queues = redis.smembers(Queue.redis_queues_keys)
    redis.flushdb()
    with app.app_context():
        calls = [(n, classify_job_id(n)) for n in (7, 123456789)]
        assert jobs().enqueue_fresh(CLASSIFY, CLASSIFY_FUNC, calls, job_timeout=CLASSIFY_TIMEOUT)
    assert _hash(redis, classify_job_id(7)) == by_rq
    assert set(redis.hgetall(Job.key_for(classify_job_id(7)))) == set(by_rq) | _TIMES
    assert redis.smembers(Queue.redis_queues_keys) == rq_queues
    assert queue.get_job_ids() == ["classify-7", "classify-123456789"]
    job = Job.fetch(classify_job_id(123456789), connection=redis)
    assert (job.get_status(), job.origin, job.timeout, job.description) == (
        JobStatus.QUEUED, CLASSIFY, CLASSIFY_TIMEOUT, "workers.jobs.classify_message(123456789)")
    assert (job.func_name, job.args, job.kwargs) == (CLASSIFY_FUNC, (123456789,), {})
    assert job.created_at is not None and job.enqueued_at is not None


def test_a_simple_worker_runs_lean_enqueued_jobs(app: Flask, redis: Redis) -> None:
    with app.app_context():
        # No such messages: classify_message answers "missing", which is all this test needs from it.
        assert jobs().enqueue_fresh(CLASSIFY, CLASSIFY_FUNC, [(n, classify_job_id(n)) for n in (901, 902)],
                                    job_timeout=CLASSIFY_TIMEOUT)
        queue = Queue(CLASSIFY, connection=redis)
        assert SimpleWorker([queue], connection=redis).work(burst=True)
    for n in (901, 902):
        job = Job.fetch(classify_job_id(n), connection=redis)
        assert job.get_status() == JobStatus.FINISHED
        assert job.return_value() == "missing"
    assert queue.count == 0


def test_the_sweeper_replaces_a_lean_job_lost_from_its_queue(app: Flask, redis: Redis) -> None:
    with app.app_context():
        queues = jobs()
        assert queues.enqueue_fresh(CLASSIFY, CLASSIFY_FUNC, [(5, classify_job_id(5))],
                                    job_timeout=CLASSIFY_TIMEOUT)
        # Waiting in its queue: not abandoned, so the sweeper leaves it alone.
        assert not queues._replace_finished(classify_job_id(5), stale_after=0)
        # Marked queued but in no queue (a worker popped it and died, or the pipeline broke before RPUSH).
        redis.lrem(Queue(CLASSIFY, connection=redis).key, 0, classify_job_id(5))
        assert queues.enqueue(CLASSIFY, CLASSIFY_FUNC, 5, job_id=classify_job_id(5), stale_after=0,
                              job_timeout=CLASSIFY_TIMEOUT)
    assert Queue(CLASSIFY, connection=redis).get_job_ids() == [classify_job_id(5)]


def test_redis_down_is_reported_not_raised(app: Flask) -> None:
    from triage.embedded_redis import free_port
    from triage.jobqueue import JobQueues

    down = JobQueues(f"redis://127.0.0.1:{free_port()}/0")
    assert not down.enqueue_fresh(CLASSIFY, CLASSIFY_FUNC, [(1, classify_job_id(1))], job_timeout=CLASSIFY_TIMEOUT)


def test_an_error_reply_fails_the_batch_and_leaves_the_connection_clean(app: Flask, redis: Redis) -> None:
    redis.set(Job.key_for(classify_job_id(77)), "not a hash")  # HSET on it answers WRONGTYPE
    with app.app_context():
        queues = jobs()
        calls = [(n, classify_job_id(n)) for n in (76, 77, 78)]
        assert not queues.enqueue_fresh(CLASSIFY, CLASSIFY_FUNC, calls, job_timeout=CLASSIFY_TIMEOUT)
        # The replies after the error were never read: a reused connection would hand them to the next command.
        assert queues.redis.echo("clean") == b"clean"
        redis.delete(Job.key_for(classify_job_id(77)))
        assert queues.enqueue_fresh(CLASSIFY, CLASSIFY_FUNC, [(79, classify_job_id(79))],
                                    job_timeout=CLASSIFY_TIMEOUT)
        # Commands after a failed one still ran (no MULTI/EXEC, as with RQ's own pipelines); the sweeper owns the
        # rows whose enqueue was reported failed. The point here: the next batch read its own replies.
        assert Queue(CLASSIFY, connection=redis).get_job_ids() == [classify_job_id(n) for n in (76, 77, 78, 79)]


def test_a_connection_killed_by_a_redis_restart_is_replaced(app: Flask, redis: Redis) -> None:
    with app.app_context():
        queues = jobs()
        assert queues.enqueue_fresh(CLASSIFY, CLASSIFY_FUNC, [(1, classify_job_id(1))], job_timeout=CLASSIFY_TIMEOUT)
        assert redis.client_kill_filter(_type="normal", skipme=True) >= 1  # the pooled connection is now dead
        assert queues.enqueue_fresh(CLASSIFY, CLASSIFY_FUNC, [(2, classify_job_id(2))], job_timeout=CLASSIFY_TIMEOUT)
    assert Queue(CLASSIFY, connection=redis).get_job_ids() == [classify_job_id(1), classify_job_id(2)]
