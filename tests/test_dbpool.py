"""triage.dbpool: a pooled connection that died while idle is replaced before use, without a per-request ping."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError

from triage.dbpool import ping_when_idle


def _kill_pooled_backend(database_url: str, idle_seconds: float) -> Engine:
    engine = create_engine(database_url, pool_size=1, max_overflow=0)
    ping_when_idle(engine, idle_seconds=idle_seconds)
    with engine.connect() as conn:
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
    admin = create_engine(database_url)
    with admin.connect() as conn:  # the database restarting, as far as that connection knows
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    admin.dispose()
    return engine


def test_idle_dead_connection_is_replaced(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL (pg_terminate_backend)")
    engine = _kill_pooled_backend(database_url, idle_seconds=0)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar_one() == 1
    engine.dispose()


def test_recently_used_connection_is_not_pinged(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL (pg_terminate_backend)")
    engine = _kill_pooled_backend(database_url, idle_seconds=3600)
    with pytest.raises(OperationalError):  # not pinged: the first statement meets the dead connection
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    with engine.connect() as conn:  # the pool was invalidated and refilled
        assert conn.execute(text("SELECT 1")).scalar_one() == 1
    engine.dispose()
