"""What a responder can do to a case from a phone (SMS reply, keypad) or, later, the web: acknowledge, resolve,
escalate. Each changes the case, stops or moves its escalation, writes a CaseEvent and commits; the caller then
fixes the Redis timers with ``apply_timers`` (after the commit, so a worker never races the transaction)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from alerts import timers
from alerts.escalation import ACTIVE, advance_now, escalation_of, stop_escalation
from triage.cases import record_event
from triage.extensions import db
from triage.jobqueue import JobQueues
from triage.models import Case, CaseStatus, Responder


@dataclass(frozen=True)
class ActionResult:
    key: str  # a templates.REPLIES key
    holder: str = ""
    fire_step: int | None = None  # arm this step now
    drop_step: int | None = None  # cancel this step's timer


def _holder(case: Case) -> str:
    return case.assignee.name if case.assignee is not None else "-"


def acknowledge(case: Case, responder: Responder, now: datetime, via: str) -> ActionResult:
    if case.status == CaseStatus.RESOLVED:
        return ActionResult("no_case")
    if case.status == CaseStatus.ACKNOWLEDGED:
        return ActionResult("already_held" if case.assignee_id != responder.id else "acknowledged", _holder(case))
    case.status, case.assignee_id, case.acked_at = CaseStatus.ACKNOWLEDGED, responder.id, now
    record_event(case, "acknowledged", actor=f"responder:{responder.id}", responder_id=responder.id, via=via)
    drop = stop_escalation(case, "acknowledged", now)
    db.session.commit()
    db.session.refresh(case)
    return ActionResult("acknowledged", _holder(case), drop_step=drop)


def resolve(case: Case, responder: Responder, now: datetime, via: str) -> ActionResult:
    if case.status == CaseStatus.RESOLVED:
        return ActionResult("no_case")
    case.status, case.resolved_at = CaseStatus.RESOLVED, now
    if case.assignee_id is None:
        case.assignee_id, case.acked_at = responder.id, case.acked_at or now
    record_event(case, "resolved", actor=f"responder:{responder.id}", responder_id=responder.id, via=via)
    drop = stop_escalation(case, "resolved", now)
    db.session.commit()
    db.session.refresh(case)
    return ActionResult("resolved", responder.name, drop_step=drop)


def escalate(case: Case, responder: Responder, now: datetime, via: str) -> ActionResult:
    """Hand the case to the next level now; a holder who escalates gives the case back (open again)."""
    if case.status == CaseStatus.RESOLVED:
        return ActionResult("no_case")
    record_event(case, "escalate_requested", actor=f"responder:{responder.id}", responder_id=responder.id,
                 via=via)
    if case.status == CaseStatus.ACKNOWLEDGED:
        case.status, case.assignee_id, case.acked_at = CaseStatus.OPEN, None, None
        escalation = escalation_of(case.id, lock=True)
        if escalation is not None and escalation.state != ACTIVE:
            escalation.state = ACTIVE
    step = advance_now(case, now, "responder_escalated", responder_id=responder.id)
    db.session.commit()
    return ActionResult("escalated", fire_step=step)


def apply_timers(q: JobQueues, case_id: int, result: ActionResult, now: datetime) -> None:
    if result.drop_step is not None:
        timers.cancel(q, timers.step_job_id(case_id, result.drop_step))
    if result.fire_step is not None:
        timers.arm_step(q, case_id, result.fire_step, now, now, replace=True)
