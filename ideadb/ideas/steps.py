"""Where an idea stands on its way: Nháp → Sàng lọc → Chấm → Kết quả (the step indicator)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ideadb.ideas.models import IdeaStatus

S = IdeaStatus

STEP_LABELS = (_l("Nháp"), _l("Sàng lọc"), _l("Chấm"), _l("Kết quả"))
# The step each status is at; a dossier that ended early (ineligible, withdrawn) is at its end.
_STEP_OF = {
    S.DRAFT: 0,
    S.SUBMITTED: 1,
    S.NEEDS_REVISION: 1,
    S.ELIGIBLE: 2,
    S.IN_REVIEW: 2,
    S.INELIGIBLE: 3,
    S.RECOGNIZED: 3,
    S.NOT_RECOGNIZED: 3,
    S.WITHDRAWN: 3,
}
DECIDED = frozenset({S.RECOGNIZED, S.NOT_RECOGNIZED})


@dataclass(frozen=True)
class Step:
    label: str
    state: str  # "done", "current" or "todo"


def steps(status: str) -> list[Step]:
    """The four steps of an idea with ``status``, each done, current or still to come."""
    at = _STEP_OF.get(S(status), 0) if status in S._value2member_map_ else 0
    out = []
    for index, label in enumerate(STEP_LABELS):
        if index < at or (index == at == len(STEP_LABELS) - 1):
            state = "done"
        elif index == at:
            state = "current"
        else:
            state = "todo"
        out.append(Step(str(label), state))
    return out


def is_decided(status: str) -> bool:
    """Whether a council decided the idea (its result page has something to show)."""
    return status in DECIDED
