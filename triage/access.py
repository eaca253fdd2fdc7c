"""Who may see and do what: pure decisions over a user and a case, tested as a table.

Need-to-know: a domestic-violence or child-protection case is visible only to its own team and to supervisors.
An analyst sees aggregates only. An admin manages accounts and reads a case only after recording a reason.
"""

from __future__ import annotations

from collections.abc import Iterable

from triage.staff import Role, User

RESTRICTED_LABELS = frozenset({"domestic_violence", "child_protection"})
QUEUE_ROLES = frozenset({Role.RESPONDER, Role.DV_CASEWORKER, Role.CP_CASEWORKER, Role.SUPERVISOR, Role.ADMIN})
ACTING_ROLES = frozenset({Role.RESPONDER, Role.DV_CASEWORKER, Role.CP_CASEWORKER, Role.SUPERVISOR})
STATS_ROLES = frozenset({Role.ANALYST, Role.SUPERVISOR, Role.ADMIN})


def is_restricted(labels: Iterable[str]) -> bool:
    return bool(RESTRICTED_LABELS & set(labels))


def can_see_queue(user: User) -> bool:
    return user.role in QUEUE_ROLES


def can_list_case(user: User, labels: Iterable[str], team_id: int | None) -> bool:
    """May this case appear in the user's queue (code, labels, times; never text)?"""
    if user.role in (Role.SUPERVISOR, Role.ADMIN):
        return True
    if user.role not in QUEUE_ROLES:
        return False
    return not is_restricted(labels) or (team_id is not None and user.team_id == team_id)


def can_read_case(user: User, labels: Iterable[str], team_id: int | None) -> bool:
    """May the user open the case page with its messages, without recording a reason?"""
    if user.role in (Role.ADMIN, Role.ANALYST):
        return False
    return can_list_case(user, labels, team_id)


def needs_reason(user: User) -> bool:
    """An admin may read a case's text, but only with a recorded reason (break-glass)."""
    return user.role == Role.ADMIN


def can_act(user: User, labels: Iterable[str], team_id: int | None) -> bool:
    return user.role in ACTING_ROLES and can_read_case(user, labels, team_id)


def can_manage_users(user: User) -> bool:
    return user.role == Role.ADMIN


def can_see_stats(user: User) -> bool:
    return user.role in STATS_ROLES
