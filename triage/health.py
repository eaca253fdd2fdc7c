"""Liveness for load balancers and operators: is the database reachable, is Redis?"""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from triage.extensions import db
from triage.jobqueue import jobs

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    status = {"db": "ok", "redis": "ok"}
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        status["db"] = "down"
    if not jobs().ping():
        status["redis"] = "down"
    healthy = all(v == "ok" for v in status.values())
    return jsonify(status), 200 if healthy else 503
