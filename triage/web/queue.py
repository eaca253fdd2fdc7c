"""The live queue, its row fragment, the server-sent event stream, and the analysts' aggregates."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask.typing import ResponseReturnValue

from triage import access
from triage.access import RESTRICTED_LABELS
from triage.extensions import db
from triage.live import event_stream, redis_url, subscriber
from triage.web.forms import LABEL_CHOICES
from triage.web.guard import allowed, me
from triage.web.queries import STATUSES, QueueFilters, channel_names, compute_stats, queue_rows, team_slugs

bp = Blueprint("queue", __name__)
@bp.get("/queue")
@allowed(access.can_see_queue)
def queue() -> ResponseReturnValue:
    filters = QueueFilters.from_args(request.args)
    return render_template(
        "queue.html", rows=queue_rows(me(), filters), filters=filters, teams=team_slugs(),
        labels=LABEL_CHOICES, channels=channel_names(), statuses=STATUSES, restricted=RESTRICTED_LABELS,
    )


@bp.get("/queue/rows")
@allowed(access.can_see_queue)
def rows() -> ResponseReturnValue:
    """The table body alone: what a live update fetches."""
    filters = QueueFilters.from_args(request.args)
    return render_template("_queue_rows.html", rows=queue_rows(me(), filters))


@bp.get("/stream")
@allowed(access.can_see_queue)
def stream() -> ResponseReturnValue:
    """Server-sent events. The stream ends after a minute and the browser reconnects by itself, so a gunicorn
    thread is never held for ever (make run uses gthread workers with enough threads for many screens)."""
    url = redis_url()
    db.session.remove()  # hold no database connection while waiting for events
    return Response(
        event_stream(subscriber(url)), mimetype="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


@bp.get("/stats")
@allowed(access.can_see_stats)
def stats() -> ResponseReturnValue:
    return render_template("stats.html", stats=compute_stats())
