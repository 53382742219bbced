"""The one place that answers "may this actor do this action to this object".

Features register a rule per action (``@rule("idea.edit")``) next to their service; services
call ``require``/``can`` and never test roles themselves. An actor is a user object with
``roles`` (a set of role names), ``id``, ``unit_id`` and ``is_active``, or ``None`` for anonymous.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any

from ideadb.core.errors import NotAllowed, NotAuthenticated
from ideadb.core.text import N_


class Role(StrEnum):
    SUBMITTER = "submitter"
    UNIT_OFFICER = "unit_officer"
    REVIEWER = "reviewer"
    SECRETARY = "secretary"
    ADMIN = "admin"
    AUDITOR = "auditor"


ALL_ROLES: tuple[str, ...] = tuple(r.value for r in Role)
STAFF_ROLES = frozenset({Role.SECRETARY, Role.ADMIN})
# Roles that may read every object of every feature (the auditor reads, never changes).
READ_ALL_ROLES = frozenset({Role.ADMIN, Role.AUDITOR})

Rule = Callable[[Any, Any], bool]
_rules: dict[str, Rule] = {}


def rule(action: str) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        _rules[action] = fn
        return fn

    return register


def roles_rule(action: str, *roles: str) -> None:
    """Register an action any holder of one of ``roles`` may do, whatever the object."""
    allowed = frozenset(roles)
    _rules[action] = lambda actor, obj: bool(allowed & roles_of(actor))


def is_signed_in(actor: Any) -> bool:
    return bool(
        actor is not None
        and getattr(actor, "is_authenticated", False)
        and getattr(actor, "is_active", False)
    )


def roles_of(actor: Any) -> frozenset[str]:
    if not is_signed_in(actor):
        return frozenset()
    return frozenset(actor.roles)


def has_role(actor: Any, *roles: str) -> bool:
    return bool(frozenset(roles) & roles_of(actor))


def is_staff(actor: Any) -> bool:
    return has_role(actor, *STAFF_ROLES)


def reads_everything(actor: Any) -> bool:
    """True for actors who may read any object (admin, auditor): use it in read rules only."""
    return has_role(actor, *READ_ALL_ROLES)


def is_auditor_only(actor: Any) -> bool:
    """True for an auditor who holds no other role: such an actor must not change anything."""
    roles = roles_of(actor)
    return bool(roles) and roles <= {Role.AUDITOR}


def can(actor: Any, action: str, obj: Any = None) -> bool:
    try:
        check = _rules[action]
    except KeyError:
        raise LookupError(f"no permission rule for {action!r}") from None
    return bool(check(actor, obj))


def require(actor: Any, action: str, obj: Any = None) -> None:
    """Raise NotAuthenticated for anonymous callers, NotAllowed for signed-in ones."""
    if can(actor, action, obj):
        return
    if not is_signed_in(actor):
        raise NotAuthenticated(N_("Vui lòng đăng nhập để tiếp tục."))
    raise NotAllowed("Bạn không có quyền thực hiện thao tác này.")


# Rules of the foundation: accounts, units, audit.
roles_rule("user.manage", Role.ADMIN)
roles_rule("user.list", Role.ADMIN, Role.AUDITOR)
roles_rule("unit.list", Role.ADMIN, Role.AUDITOR)
roles_rule("unit.manage", Role.ADMIN)
roles_rule("audit.view", Role.ADMIN, Role.AUDITOR)


@rule("user.view")
def _user_view(actor: Any, user: Any) -> bool:
    return reads_everything(actor) or (
        is_signed_in(actor) and user is not None and actor.id == user.id
    )


class _System:
    """The application itself acting (command line, reference data): audited with no actor."""

    id = None
    unit_id = None
    username = "system"
    full_name = "Hệ thống"
    is_authenticated = True
    is_active = True
    roles = frozenset(ALL_ROLES)

    def has_role(self, *roles: str) -> bool:
        return True


SYSTEM = _System()
