"""How a criteria set departs from the template it was derived from (no Flask, no database).

Both sets come as the API body shape (``scoring.rubric_to_dict``: criteria with ``code``,
``weight``, ``max_points``, ``levels`` — the bands — and ``recognition_levels`` with
``min_score``). The template's constraints (API.md: Central templates and alignment) say what a
lower level may change: ``required`` criteria must stay, a weight listed under ``weights`` and a
threshold listed under ``min_score`` must stay within their ``{"min", "max"}``. What the
constraints do not mention (added criteria, maximum points, bands, unlisted weights) is the
council's to adapt.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from scoring.messages import N_, Message

FORMAT = "ideadb-criteria/1"
KINDS = (
    "criterion_added",
    "criterion_removed",
    "weight_changed",
    "max_points_changed",
    "level_changed",
    "min_score_changed",
)
#: The default spread of a range around a template's value (weights and thresholds).
DEFAULT_SPREAD = Decimal(10)


def number(value: Any) -> int | float | None:
    """A JSON number: 30 rather than 30.00, 7.5 rather than Decimal('7.50')."""
    if value is None:
        return None
    amount = Decimal(str(value)).quantize(Decimal("0.01"))
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() else None


@dataclass(frozen=True)
class Difference:
    kind: str
    code: str
    template: Any
    local: Any
    within_constraints: bool
    allowed: tuple[Any, Any] | None = None  # the range the constraints allow, if any

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "code": self.code,
            "template": self.template,
            "local": self.local,
            "within_constraints": self.within_constraints,
        }


def _bands(criterion: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        {"min": number(b.get("min")), "max": number(b.get("max")), "label": b.get("label", "")}
        for b in criterion.get("levels") or ()
    ]


def _within(value: Any, allowed: Mapping[str, Any] | None) -> tuple[bool, tuple[Any, Any] | None]:
    if not allowed:
        return True, None
    low, high = _decimal(allowed.get("min")), _decimal(allowed.get("max"))
    rng = (number(low), number(high))
    amount = _decimal(value)
    if amount is None:
        return False, rng
    return (low is None or amount >= low) and (high is None or amount <= high), rng


def compare(
    template: Mapping[str, Any],
    local: Mapping[str, Any],
    constraints: Mapping[str, Any] | None = None,
) -> list[Difference]:
    """Every difference of ``local`` from ``template``, in the template's order (criteria,
    then recognition levels), each checked against the constraints."""
    constraints = constraints or {}
    required = set(constraints.get("required") or ())
    weights = constraints.get("weights") or {}
    thresholds = constraints.get("min_score") or {}
    out: list[Difference] = []
    theirs = {c["code"]: c for c in template.get("criteria") or ()}
    ours = {c["code"]: c for c in local.get("criteria") or ()}
    for code, t in theirs.items():
        mine = ours.get(code)
        if mine is None:
            out.append(
                Difference("criterion_removed", code, t.get("name"), None, code not in required)
            )
            continue
        for kind, key in (("weight_changed", "weight"), ("max_points_changed", "max_points")):
            if _decimal(t.get(key)) != _decimal(mine.get(key)):
                ok, rng = _within(mine.get(key), weights.get(code) if key == "weight" else None)
                out.append(
                    Difference(kind, code, number(t.get(key)), number(mine.get(key)), ok, rng)
                )
        if _bands(t) != _bands(mine):
            out.append(Difference("level_changed", code, _bands(t), _bands(mine), True))
    for code, mine in ours.items():
        if code not in theirs:
            out.append(Difference("criterion_added", code, None, mine.get("name"), True))
    their_levels = {lv["code"]: lv for lv in template.get("recognition_levels") or ()}
    our_levels = {lv["code"]: lv for lv in local.get("recognition_levels") or ()}
    for code in [*their_levels, *(c for c in our_levels if c not in their_levels)]:
        before = their_levels.get(code, {}).get("min_score")
        after = our_levels.get(code, {}).get("min_score")
        if _decimal(before) != _decimal(after):
            ok, rng = _within(after, thresholds.get(code)) if code in thresholds else (True, None)
            out.append(
                Difference("min_score_changed", code, number(before), number(after), ok, rng)
            )
    return out


def aligned(differences: Iterable[Difference]) -> bool:
    """True when every difference stays within what the template allows."""
    return all(d.within_constraints for d in differences)


def outside(differences: Iterable[Difference]) -> list[Difference]:
    return [d for d in differences if not d.within_constraints]


# -- constraints -------------------------------------------------------------------------------
def _around(value: Any, spread: Decimal, *, floor: Decimal, ceiling: Decimal | None) -> dict:
    amount = _decimal(value) or Decimal(0)
    high = amount + spread if ceiling is None else min(amount + spread, ceiling)
    return {"min": number(max(amount - spread, floor)), "max": number(high)}


def default_constraints(
    body: Mapping[str, Any], spread: Decimal = DEFAULT_SPREAD
) -> dict[str, Any]:
    """Every criterion required, weights and thresholds within ``spread`` of the set's own."""
    return {
        "required": [c["code"] for c in body.get("criteria") or ()],
        "weights": {
            c["code"]: _around(c.get("weight"), spread, floor=Decimal("0.01"), ceiling=None)
            for c in body.get("criteria") or ()
        },
        "min_score": {
            lv["code"]: _around(lv.get("min_score"), spread, floor=Decimal(0), ceiling=Decimal(100))
            for lv in body.get("recognition_levels") or ()
        },
    }


def _ranges(
    raw: Any, codes: Sequence[str], field: str, problems: dict[str, list[str]]
) -> dict[str, dict[str, int | float | None]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        problems[field] = [N_("Phải là một đối tượng {mã: {min, max}}.")]
        return {}
    out = {}
    for code, rng in raw.items():
        path = f"{field}.{code}"
        if code not in codes:
            problems[path] = [Message(N_("Không có mã “%(code)s” trong bộ tiêu chí."), code=code)]
            continue
        if not isinstance(rng, dict):
            problems[path] = [N_('Phải có dạng {"min": số, "max": số}.')]
            continue
        low, high = _decimal(rng.get("min")), _decimal(rng.get("max"))
        for key, amount in (("min", low), ("max", high)):
            if amount is None or amount < 0 or amount > Decimal(999999):
                problems[f"{path}.{key}"] = [N_("Phải là một số từ 0 đến 999999.")]
        if low is not None and high is not None and low > high and path + ".min" not in problems:
            problems[f"{path}.min"] = [N_("Cận dưới lớn hơn cận trên.")]
        out[code] = {"min": number(low), "max": number(high)}
    return out


def check_constraints(
    raw: Any, criteria_codes: Sequence[str], level_codes: Sequence[str], prefix: str = ""
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Read constraints; returns (normalised constraints, problems by field name)."""
    problems: dict[str, list[str]] = {}
    if not isinstance(raw, dict):
        return {}, {prefix.rstrip(".") or "constraints": [N_("Phải là một đối tượng.")]}
    required = raw.get("required") or []
    if not isinstance(required, list) or not all(isinstance(c, str) for c in required):
        problems[f"{prefix}required"] = [N_("Phải là danh sách mã tiêu chí.")]
        required = []
    for i, code in enumerate(required):
        if code not in criteria_codes:
            problems[f"{prefix}required.{i}"] = [
                Message(N_("Không có tiêu chí mã “%(code)s”."), code=code)
            ]
    unknown = sorted(set(raw) - {"required", "weights", "min_score"})
    for key in unknown:
        problems[f"{prefix}{key}"] = [N_("Trường không được hỗ trợ.")]
    result = {
        "required": list(dict.fromkeys(required)),
        "weights": _ranges(raw.get("weights"), criteria_codes, f"{prefix}weights", problems),
        "min_score": _ranges(raw.get("min_score"), level_codes, f"{prefix}min_score", problems),
    }
    return result, problems
