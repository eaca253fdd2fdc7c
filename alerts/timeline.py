"""The operator's view of a case's escalation: every step, page, delivery state, key press and acknowledgement,
in order, with responders named (operators may see who was paged; never message text or phone numbers)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from triage.extensions import db
from triage.models import CaseEvent, Page, Responder

TIMELINE_KINDS = frozenset({
    "opened", "priority_raised", "escalation_started", "escalation_step", "escalation_advanced",
    "escalation_stopped", "escalation_exhausted", "escalation_deferred", "paged", "page_status", "page_failed",
    "page_skipped", "page_held", "page_cancelled", "voice_keypress", "acknowledged", "resolved", "escalate_requested",
})
DETAIL_KEYS = ("step", "level", "round", "channel", "status", "error_code", "reason", "attempt", "digits",
               "via", "state", "bundled", "bundled_into", "until", "priority", "after", "before", "due")


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str
    actor: str
    responder: str | None  # name of the responder concerned, if any
    page_id: int | None
    page_status: str | None  # the page's current delivery state
    detail: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["at"] = self.at.isoformat()
        return data


def case_timeline(case_id: int) -> list[TimelineEntry]:
    events = db.session.execute(
        select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.at, CaseEvent.id)
    ).scalars().all()
    names: dict[int, str] = {}
    pages: dict[int, Page | None] = {}
    entries: list[TimelineEntry] = []
    for event in events:
        if event.kind not in TIMELINE_KINDS:
            continue
        detail = event.detail or {}
        responder_id = detail.get("responder_id")
        name = _name(names, responder_id) if isinstance(responder_id, int) else None
        listed = detail.get("responder_ids")
        extra: dict[str, Any] = {}
        if isinstance(listed, list):
            extra["responders"] = [_name(names, rid) for rid in listed if isinstance(rid, int)]
        page_id = detail.get("page_id") if isinstance(detail.get("page_id"), int) else None
        if page_id is not None and page_id not in pages:
            pages[page_id] = db.session.get(Page, page_id)
        page = pages.get(page_id) if page_id is not None else None
        entries.append(TimelineEntry(
            at=event.at, kind=event.kind, actor=event.actor, responder=name, page_id=page_id,
            page_status=page.status.value if page is not None else None,
            detail={**{k: detail[k] for k in DETAIL_KEYS if k in detail}, **extra},
        ))
    return entries


def _name(cache: dict[int, str], responder_id: int) -> str:
    if responder_id not in cache:
        responder = db.session.get(Responder, responder_id)
        cache[responder_id] = responder.name if responder else f"#{responder_id}"
    return cache[responder_id]
