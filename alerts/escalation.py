"""Escalation: a per-case snapshot of the team's policy, stepped by durable timers.

Step ``n`` pages level ``n % len(levels)`` (the list runs ``1 + repeat`` times, then again after a pause until
someone answers). Firing a step re-checks the case first (acknowledged, resolved → nothing happens; a maintenance
window → it waits for the window's end), writes the Page rows and moves the timer in one transaction, so a step is
never lost (the reconciler re-arms it) nor doubled (a stale step number is ignored). Every step writes
CaseEvents, failures included.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from alerts.models import CaseEscalation, EscalationPolicy, MaintenanceWindow
from alerts.oncall import on_call_layers
from alerts.templates import case_link, render_page, voice_prompts
from alerts.twilio_client import INVALID_NUMBER_CODES
from triage.cases import PRIORITY_ORDER, record_event
from triage.extensions import db
from triage.models import Case, CaseStatus, Page, PageStatus, Responder

# Without a policy of its own a team gets: primary on-call, 3 min later the secondary, the whole list 3 times.
DEFAULT_LEVELS: list[dict[str, Any]] = [
    {"targets": [{"layer": 1}], "delay_seconds": 180, "voice": True},
    {"targets": [{"layer": 2}], "delay_seconds": 300, "voice": False},
]
DEFAULT_REPEAT = 2
VOICE_AFTER = timedelta(seconds=60)  # a P1 SMS still unacknowledged after this at a "voice" level → a call
# RQ's scheduler works in whole seconds; a step that fires this early is still on time.
EARLY_TOLERANCE = timedelta(seconds=2)
ACTIVE = "active"
# After the policy's last round, an unanswered case is paged round again after this pause, until someone answers.
REROUND_AFTER = timedelta(minutes=10)
FAILED_STATUSES = (PageStatus.FAILED, PageStatus.UNDELIVERED, PageStatus.CANCELLED)


@dataclass
class StepResult:
    outcome: str
    page_ids: list[int] = field(default_factory=list)  # to send now
    voice_page_ids: list[int] = field(default_factory=list)  # to send at their send_after
    next_step: int | None = None
    next_due_at: datetime | None = None


def validate_levels(levels: list[dict[str, Any]]) -> None:
    """Raise ValueError unless levels is a usable policy (CLI and forms call this before saving)."""
    if not levels:
        raise ValueError("a policy needs at least one level")
    for number, level in enumerate(levels, 1):
        targets = level.get("targets")
        if not isinstance(targets, list) or not targets:
            raise ValueError(f"level {number}: targets must be a non-empty list")
        for target in targets:
            if not (isinstance(target, dict) and set(target) in ({"layer"}, {"responder"})
                    and isinstance(next(iter(target.values())), int)):
                raise ValueError(f"level {number}: a target is {{'layer': n}} or {{'responder': id}}")
        delay = level.get("delay_seconds")
        if not isinstance(delay, int) or delay < 0:
            raise ValueError(f"level {number}: delay_seconds must be a whole number ≥ 0")


def level_for(step: int, levels: int, repeat: int) -> int | None:
    """The level (1-based) step ``step`` pages, or None for the pause once the policy's rounds are spent.

    Steps 0 .. levels*(1+repeat)-1 run the policy; after that every round is a pause followed by the levels.
    """
    total = levels * (1 + repeat)
    if step < total:
        return step % levels + 1
    position = (step - total) % (levels + 1)
    return None if position == 0 else position


def policy_snapshot(team_id: int | None) -> dict[str, Any]:
    policy = None
    if team_id is not None:
        policy = db.session.execute(
            select(EscalationPolicy).where(EscalationPolicy.team_id == team_id)
        ).scalar_one_or_none()
    if policy is None:
        return {"policy_id": None, "levels": copy.deepcopy(DEFAULT_LEVELS), "repeat": DEFAULT_REPEAT}
    return {"policy_id": policy.id, "levels": copy.deepcopy(policy.levels), "repeat": policy.repeat}


def escalation_of(case_id: int, lock: bool = False) -> CaseEscalation | None:
    stmt = select(CaseEscalation).where(CaseEscalation.case_id == case_id)
    if lock:
        stmt = stmt.with_for_update()
    return db.session.execute(stmt).scalar_one_or_none()


def ensure_escalation(case: Case, now: datetime) -> CaseEscalation:
    """The case's escalation, snapshotting the team's policy the first time (step 0 due now)."""
    escalation = escalation_of(case.id)
    if escalation is None:
        snapshot = {**policy_snapshot(case.team_id), "priority": case.priority}
        escalation = CaseEscalation(case_id=case.id, policy=snapshot, next_step=0, next_due_at=now, state=ACTIVE)
        db.session.add(escalation)
        record_event(case, "escalation_started", policy_id=escalation.policy["policy_id"],
                     levels=len(escalation.policy["levels"]), repeat=escalation.policy["repeat"])
        db.session.flush()
    return escalation


def on_priority_raised(case: Case, escalation: CaseEscalation, now: datetime) -> bool:
    """A more urgent message joined the case: page the next level now rather than wait out a timer set for a
    lower priority (or a pause after the policy's rounds). True when the escalation was moved."""
    before = escalation.policy.get("priority", case.priority)
    if case.status != CaseStatus.OPEN or PRIORITY_ORDER.get(case.priority, 3) >= PRIORITY_ORDER.get(before, 3):
        return False
    escalation.policy = {**escalation.policy, "priority": case.priority}
    levels, repeat = len(escalation.policy["levels"]), int(escalation.policy["repeat"])
    if escalation.state != ACTIVE:
        escalation.state = ACTIVE
    if level_for(escalation.next_step, levels, repeat) is None:
        escalation.next_step += 1  # no pause when the case just became more urgent
    escalation.next_due_at = now
    record_event(case, "escalation_advanced", reason="priority_raised", before=before, after=case.priority,
                 step=escalation.next_step)
    return True


def maintenance_until(team_id: int, now: datetime) -> datetime | None:
    """When the team's current maintenance window ends, or None when it is not in one."""
    ends = db.session.execute(
        select(MaintenanceWindow.ends_at).where(MaintenanceWindow.team_id == team_id,
                                                MaintenanceWindow.starts_at <= now, MaintenanceWindow.ends_at > now)
        .order_by(MaintenanceWindow.ends_at.desc()).limit(1)
    ).scalar_one_or_none()
    return ends


def _cancel_unsent(case: Case) -> list[int]:
    pending = db.session.execute(
        select(Page).where(Page.case_id == case.id, Page.status == PageStatus.PENDING, Page.twilio_sid.is_(None))
    ).scalars().all()
    for page in pending:
        page.status = PageStatus.CANCELLED
    return [p.id for p in pending]


def defer_escalation(case: Case, until: datetime, now: datetime, reason: str) -> int | None:
    """Hold the escalation until ``until`` (a maintenance window's end): its unsent pages are cancelled and its
    next step waits; if the case is still open then, paging resumes. Returns the step whose timer to drop."""
    escalation = escalation_of(case.id, lock=True)
    if escalation is None or escalation.state != ACTIVE:
        return None
    escalation.next_due_at = until
    record_event(case, "escalation_deferred", reason=reason, until=until.isoformat(), step=escalation.next_step,
                 cancelled_pages=_cancel_unsent(case))
    return escalation.next_step


def stop_escalation(case: Case, state: str, now: datetime, **detail: Any) -> int | None:
    """End the case's escalation and cancel its unsent pages; returns the step whose timer to drop."""
    escalation = escalation_of(case.id, lock=True)
    if escalation is None or escalation.state != ACTIVE:
        return None
    escalation.state, escalation.next_due_at = state, None
    record_event(case, "escalation_stopped", state=state, step=escalation.next_step,
                 cancelled_pages=_cancel_unsent(case), **detail)
    return escalation.next_step


def _number_failed(case_id: int, responder_id: int) -> bool:
    codes = [str(c) for c in INVALID_NUMBER_CODES]
    return db.session.execute(
        select(Page.id).where(Page.case_id == case_id, Page.responder_id == responder_id,
                              Page.status == PageStatus.FAILED, Page.error_code.in_(codes))
    ).first() is not None


def level_responders(level: dict[str, Any], team_id: int, now: datetime) -> list[Responder]:
    layers = on_call_layers(team_id, now)
    chosen: list[Responder] = []
    for target in level["targets"]:
        if "layer" in target:
            found = [r for layer, r in layers if layer == target["layer"]]
        else:
            responder = db.session.get(Responder, target["responder"])
            found = [responder] if responder is not None and responder.active else []
        chosen.extend(r for r in found if r not in chosen)
    return chosen


def _page(case: Case, responder: Responder, step: int, channel: str, public_url: str,
          send_after: datetime | None) -> Page:
    if channel == "voice":
        body = " ".join(text for _lang, text in voice_prompts(case.code, case.priority))[:400]
    else:
        body = render_page(case.code, case.labels, case.priority, case_link(public_url, case.code),
                           responder.language)
    page = Page(dedupe_key=f"case:{case.id}:step:{step}:responder:{responder.id}:{channel}", case_id=case.id,
                responder_id=responder.id, to_phone=responder.phone, body=body, step=step, channel=channel,
                send_after=send_after)
    db.session.add(page)
    return page


def fire_step(case_id: int, step: int, now: datetime, public_url: str) -> StepResult:
    """Take step ``step`` of the case's escalation if it is still the next one and due; commit."""
    escalation = escalation_of(case_id, lock=True)
    case = db.session.get(Case, case_id)
    result = _fire(escalation, case, step, now, public_url)
    db.session.commit()
    return result


def _fire(escalation: CaseEscalation | None, case: Case | None, step: int, now: datetime,
          public_url: str) -> StepResult:
    if escalation is None or case is None:
        return StepResult("missing")
    if escalation.state != ACTIVE:
        return StepResult(f"escalation {escalation.state}")
    if case.status != CaseStatus.OPEN:
        escalation.state, escalation.next_due_at = case.status.value, None
        return StepResult(f"case {case.status.value}")
    if escalation.next_step != step:
        return StepResult("stale step")
    due = escalation.next_due_at
    if due is not None and due > now + EARLY_TOLERANCE:
        return StepResult("not due", next_step=step, next_due_at=due)
    if case.team_id is None:
        escalation.state, escalation.next_due_at = "exhausted", None
        record_event(case, "page_failed", reason="no_team", step=step)
        return StepResult("no team")
    window_end = maintenance_until(case.team_id, now)
    if window_end is not None:
        defer_escalation(case, window_end, now, "maintenance")
        return StepResult("maintenance", next_step=step, next_due_at=window_end)
    levels: list[dict[str, Any]] = escalation.policy["levels"]
    level_number = level_for(step, len(levels), int(escalation.policy["repeat"]))
    if level_number is None:
        # The policy's rounds are spent and nobody answered: say so, pause, then go round again.
        escalation.next_step, escalation.next_due_at = step + 1, now + REROUND_AFTER
        record_event(case, "escalation_exhausted", step=step, next_round_at=escalation.next_due_at.isoformat())
        return StepResult("exhausted", next_step=step + 1, next_due_at=escalation.next_due_at)
    level = levels[level_number - 1]
    chosen: list[Responder] = []
    for responder in level_responders(level, case.team_id, now):
        if responder.opted_out:
            record_event(case, "page_skipped", reason="opted_out", responder_id=responder.id, step=step)
        elif _number_failed(case.id, responder.id):
            record_event(case, "page_skipped", reason="number_invalid", responder_id=responder.id, step=step)
        else:
            chosen.append(responder)
    record_event(case, "escalation_step", step=step, level=level_number,
                 responder_ids=[r.id for r in chosen], due=due.isoformat() if due else None)
    sms = [_page(case, r, step, "sms", public_url, None) for r in chosen]
    voice: list[Page] = []
    if level.get("voice") and case.priority == "P1":
        voice = [_page(case, r, step, "voice", public_url, now + VOICE_AFTER) for r in chosen]
    if chosen:
        escalation.next_due_at = now + timedelta(seconds=int(level["delay_seconds"]))
    else:
        record_event(case, "page_failed", reason="nobody_on_call", step=step, level=level_number)
        escalation.next_due_at = now  # nobody to wait for: the next level at once
    escalation.next_step = step + 1
    db.session.flush()
    return StepResult("fired", [p.id for p in sms], [p.id for p in voice], escalation.next_step,
                      escalation.next_due_at)


def advance_now(case: Case, now: datetime, reason: str, **detail: Any) -> int | None:
    """Bring the next step forward to now (a failed delivery, a responder's "escalate"); returns its number."""
    escalation = escalation_of(case.id, lock=True)
    if escalation is None or escalation.state != ACTIVE or case.status != CaseStatus.OPEN:
        return None
    escalation.next_due_at = now
    record_event(case, "escalation_advanced", reason=reason, step=escalation.next_step, **detail)
    return escalation.next_step


def after_page_failed(page: Page, now: datetime) -> int | None:
    """A page of the current step failed for good: when no other page of that step can still reach someone,
    move to the next level now instead of waiting out the timer. Returns the step to fire now, if any."""
    case = db.session.get(Case, page.case_id)
    escalation = escalation_of(page.case_id)
    if case is None or escalation is None or page.channel != "sms" or page.step != escalation.next_step - 1:
        return None  # an older step's page, or a voice call: the timer keeps running
    alive = db.session.execute(
        select(Page.id).where(Page.case_id == page.case_id, Page.step == page.step, Page.channel == "sms",
                              Page.id != page.id, Page.status.not_in(FAILED_STATUSES))
    ).first()
    if alive is not None:
        return None
    return advance_now(case, now, "page_failed", page_id=page.id, error_code=page.error_code)
