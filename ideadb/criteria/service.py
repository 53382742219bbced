"""Criteria sets: create, edit drafts, activate, revise into a new version, freeze, retire.

A set's content is checked by the scoring engine (``scoring.parse_rubric``), so the page, the
API and the ranking agree on what a valid set is. Review rounds call :func:`freeze` when they
start using a version, and :func:`to_rubric` to score with it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

import scoring
from ideadb.audit.service import record
from ideadb.core import providers
from ideadb.core.db import unit_of_work, utcnow
from ideadb.core.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from ideadb.core.permissions import SYSTEM, Role, is_signed_in, require, roles_rule, rule
from ideadb.core.text import N_
from ideadb.criteria import reference
from ideadb.criteria.models import Band, CriteriaSet, Criterion, RecognitionLevel, SetStatus
from scoring.messages import Message

roles_rule("criteria.manage", Role.SECRETARY, Role.ADMIN)
# The criteria pages (list, a set, the trial score sheet): its editors and the auditor.
roles_rule("criteria.browse", Role.SECRETARY, Role.ADMIN, Role.AUDITOR)


@rule("criteria.view")
def _may_view(actor: Any, criteria_set: Any) -> bool:
    # Reviewers score against a set and submitters may read the criteria they are judged by.
    return is_signed_in(actor)


EDITABLE_FIELDS = ("name", "basis", "criteria", "recognition_levels")


# -- reading ---------------------------------------------------------------------------------
def get_set(session: Session, set_id: int) -> CriteriaSet:
    criteria_set = session.get(CriteriaSet, set_id)
    if criteria_set is None:
        raise NotFound(N_("Không tìm thấy bộ tiêu chí."))
    return criteria_set


def view_set(session: Session, actor: Any, set_id: int) -> CriteriaSet:
    criteria_set = get_set(session, set_id)
    require(actor, "criteria.view", criteria_set)
    return criteria_set


@dataclass(frozen=True)
class SetDetails:
    """A set with where it is used and the other versions of its lineage."""

    criteria_set: CriteriaSet
    used_by: list[dict[str, Any]]
    versions: list[CriteriaSet]
    rubric: scoring.Rubric

    @property
    def frozen(self) -> bool:
        return self.criteria_set.frozen or bool(self.used_by)

    @property
    def editable(self) -> bool:
        return (
            self.criteria_set.status == SetStatus.DRAFT
            and not self.frozen
            and self.criteria_set.template_code is None
        )

    @property
    def activatable(self) -> bool:
        return self.criteria_set.status == SetStatus.DRAFT

    @property
    def retirable(self) -> bool:
        return self.criteria_set.status != SetStatus.RETIRED and not self.frozen


def details(session: Session, actor: Any, set_id: int) -> SetDetails:
    criteria_set = view_set(session, actor, set_id)
    return SetDetails(
        criteria_set=criteria_set,
        used_by=usage(session, set_id),
        versions=history(session, criteria_set),
        rubric=to_rubric(criteria_set),
    )


@dataclass(frozen=True)
class SheetPreview:
    """The score sheet of a set as a reviewer will see it, with a trial total."""

    details: SetDetails
    values: dict[str, str]
    total: Fraction | None
    problems: dict[str, list[str]]

    @property
    def total_display(self) -> Decimal | None:
        return scoring.display(self.total)


def preview_sheet(
    session: Session, actor: Any, set_id: int, values: Mapping[str, str]
) -> SheetPreview:
    """Check trial points typed into the preview and total them (missing criteria count 0)."""
    require(actor, "criteria.browse")
    info = details(session, actor, set_id)
    typed = {code: (values.get(code) or "").strip() for code in info.rubric.codes}
    points = {code: value for code, value in typed.items() if value}
    problems: dict[str, list[str]] = {}
    for problem in scoring.validate_sheet(info.rubric, points, complete=False):
        problems.setdefault(problem.path.removeprefix("scores."), []).append(problem.message)
    total = None
    if points and not problems:
        total = scoring.review_total(info.rubric, points, complete=False)
    return SheetPreview(details=info, values=typed, total=total, problems=problems)


def list_sets(
    session: Session,
    actor: Any,
    *,
    status: str | None = None,
    lineage_id: int | None = None,
) -> sa.Select[Any]:
    """A select of sets, newest lineage first and versions in order."""
    require(actor, "criteria.view")
    stmt = sa.select(CriteriaSet).order_by(
        CriteriaSet.lineage_id.desc(), CriteriaSet.version.desc()
    )
    if status:
        if status not in {s.value for s in SetStatus}:
            raise ValidationFailed(
                N_("Trạng thái không hợp lệ."),
                {"status": [N_("Chỉ nhận draft, active hoặc retired.")]},
            )
        stmt = stmt.where(CriteriaSet.status == status)
    if lineage_id:
        stmt = stmt.where(CriteriaSet.lineage_id == lineage_id)
    return stmt


def history(session: Session, criteria_set: CriteriaSet) -> list[CriteriaSet]:
    """Every version of the set's lineage, newest first."""
    return list(
        session.scalars(
            sa.select(CriteriaSet)
            .where(CriteriaSet.lineage_id == criteria_set.lineage_id)
            .order_by(CriteriaSet.version.desc())
        )
    )


def active_sets(session: Session) -> list[CriteriaSet]:
    """The sets a new round may use."""
    return list(
        session.scalars(
            sa.select(CriteriaSet)
            .where(CriteriaSet.status == SetStatus.ACTIVE)
            .order_by(CriteriaSet.name, CriteriaSet.version)
        )
    )


def usage(session: Session, set_id: int) -> list[dict[str, Any]]:
    """The review rounds that use this version: ``[{"id", "name", "year", "status"}]``."""
    return providers.set_usage(session, set_id)


def is_frozen(session: Session, set_id: int) -> bool:
    """True once a round uses the set (whether or not :func:`freeze` was called)."""
    criteria_set = get_set(session, set_id)
    return criteria_set.frozen or bool(usage(session, set_id))


# -- the scoring engine's view of a set --------------------------------------------------------
def to_rubric(criteria_set: CriteriaSet) -> scoring.Rubric:
    """The set as the scoring engine's plain data (for score sheets and rankings)."""
    return scoring.Rubric(
        name=criteria_set.name,
        basis=criteria_set.basis or "",
        criteria=tuple(
            scoring.Criterion(
                code=c.code,
                name=c.name,
                max_points=_dec(c.max_points),
                weight=_dec(c.weight),
                min_points=None if c.min_points is None else _dec(c.min_points),
                bands=tuple(
                    scoring.Band(_dec(b.min_points), _dec(b.max_points), b.label, b.guidance or "")
                    for b in c.bands
                ),
                description=c.description or "",
                step=None if c.step is None else _dec(c.step),
            )
            for c in criteria_set.criteria
        ),
        levels=tuple(
            scoring.RecognitionLevel(lv.code, lv.name, _dec(lv.min_score))
            for lv in criteria_set.recognition_levels
        ),
    )


def _dec(value: Decimal | float | int) -> Decimal:
    """Two-decimal Decimal, normalised so that 30.00 shows as 30."""
    quantized = Decimal(str(value)).quantize(Decimal("0.01"))
    return (
        quantized.to_integral_value() if quantized == quantized.to_integral_value() else quantized
    )


def snapshot(criteria_set: CriteriaSet) -> dict[str, Any]:
    """The whole set as plain data (API shape), for the audit trail and for copying."""
    body = scoring.rubric_to_dict(to_rubric(criteria_set))
    body.update(
        {
            "id": criteria_set.id,
            "version": criteria_set.version,
            "status": criteria_set.status,
            "lineage_id": criteria_set.lineage_id,
            "frozen": criteria_set.frozen,
        }
    )
    return body


# -- validation --------------------------------------------------------------------------------
_INDEX = re.compile(r"\[(\d+)\]")


def api_path(path: str) -> str:
    """``criteria[2].levels[0].min`` → ``criteria.2.levels.0.min`` (the API's field names)."""
    return _INDEX.sub(r".\1", path)


def parse(data: dict[str, Any]) -> scoring.Rubric:
    """Check a set's body with the scoring engine; 422 with every problem otherwise."""
    try:
        return scoring.parse_rubric(data)
    except scoring.InvalidRubric as exc:
        fields: dict[str, list[str]] = {}
        for problem in exc.problems:
            fields.setdefault(api_path(problem.path), []).append(problem.message)
        raise ValidationFailed(N_("Bộ tiêu chí chưa hợp lệ."), fields) from exc


def _fill(criteria_set: CriteriaSet, rubric: scoring.Rubric) -> None:
    criteria_set.name = rubric.name
    criteria_set.basis = rubric.basis
    criteria_set.criteria = [
        Criterion(
            position=position,
            code=c.code,
            name=c.name,
            description=c.description,
            max_points=c.max_points,
            weight=c.weight,
            min_points=c.min_points,
            step=c.step,
            bands=[
                Band(
                    position=b_position,
                    min_points=b.min,
                    max_points=b.max,
                    label=b.label,
                    guidance=b.guidance,
                )
                for b_position, b in enumerate(c.bands)
            ],
        )
        for position, c in enumerate(rubric.criteria)
    ]
    criteria_set.recognition_levels = [
        RecognitionLevel(position=position, code=lv.code, name=lv.name, min_score=lv.min_score)
        for position, lv in enumerate(rubric.levels)
    ]


# -- changes -----------------------------------------------------------------------------------
def create_set(
    session: Session, actor: Any, data: dict[str, Any], *, reference_code: str | None = None
) -> CriteriaSet:
    """A new set: version 1 of a new lineage, as a draft."""
    require(actor, "criteria.manage")
    rubric = parse(data)
    with unit_of_work(session):
        criteria_set = CriteriaSet(
            version=1,
            status=SetStatus.DRAFT,
            created_by_id=getattr(actor, "id", None),
            reference_code=reference_code,
        )
        _fill(criteria_set, rubric)
        session.add(criteria_set)
        session.flush()
        criteria_set.lineage_id = criteria_set.id
        session.flush()
        record(
            session, actor, "criteria_set.create", "criteria_set", criteria_set.id, None,
            snapshot(criteria_set),
        )  # fmt: skip
    return criteria_set


def _require_unused(session: Session, criteria_set: CriteriaSet) -> None:
    used = usage(session, criteria_set.id)
    if criteria_set.frozen or used:
        names = ", ".join(f"“{r['name']}”" for r in used)
        version = str(criteria_set.version)
        if names:
            raise Conflict(
                Message(
                    N_(
                        "Bộ tiêu chí phiên bản %(version)s đã được dùng để chấm điểm (đang dùng "
                        "trong đợt %(rounds)s) nên không thể sửa hay xóa; hãy tạo phiên bản mới."
                    ),
                    version=version,
                    rounds=names,
                )
            )
        raise Conflict(
            Message(
                N_(
                    "Bộ tiêu chí phiên bản %(version)s đã được dùng để chấm điểm nên không thể "
                    "sửa hay xóa; hãy tạo phiên bản mới."
                ),
                version=version,
            )
        )


def _require_editable(session: Session, criteria_set: CriteriaSet) -> None:
    _require_unused(session, criteria_set)
    if criteria_set.template_code is not None:
        raise Conflict(
            N_(
                "Đây là hướng dẫn do cấp trên ban hành nên được giữ nguyên; hãy tạo bộ tiêu chí "
                "theo hướng dẫn này rồi điều chỉnh."
            )
        )
    if criteria_set.status != SetStatus.DRAFT:
        raise InvalidTransition(
            N_(
                "Chỉ sửa được bản nháp; bộ tiêu chí đang áp dụng hoặc đã ngừng thì hãy tạo "
                "phiên bản mới."
            )
        )


def update_draft(session: Session, actor: Any, set_id: int, data: dict[str, Any]) -> CriteriaSet:
    """Change a draft; the parts given (name, basis, criteria, recognition_levels) replace
    the current ones whole. 409 when the set is not a draft or is frozen."""
    require(actor, "criteria.manage")
    criteria_set = get_set(session, set_id)
    _require_editable(session, criteria_set)
    before = snapshot(criteria_set)
    body = {k: v for k, v in before.items() if k in EDITABLE_FIELDS}
    body.update({k: v for k, v in data.items() if k in EDITABLE_FIELDS})
    rubric = parse(body)
    with unit_of_work(session):
        # Old rows go first so that the unique (set, code) and (set, position) pairs are free.
        criteria_set.criteria = []
        criteria_set.recognition_levels = []
        session.flush()
        _fill(criteria_set, rubric)
        criteria_set.updated_at = utcnow()
        session.flush()
        after = snapshot(criteria_set)
        if after != before:
            record(
                session, actor, "criteria_set.update", "criteria_set", criteria_set.id, before,
                after,
            )  # fmt: skip
    return criteria_set


def activate(session: Session, actor: Any, set_id: int) -> CriteriaSet:
    """Make a draft the version in force; the lineage's previous active version retires."""
    require(actor, "criteria.manage")
    criteria_set = get_set(session, set_id)
    if criteria_set.status == SetStatus.ACTIVE:
        return criteria_set
    if criteria_set.status != SetStatus.DRAFT:
        raise InvalidTransition(
            N_("Bộ tiêu chí đã ngừng áp dụng không thể kích hoạt lại; hãy tạo phiên bản mới.")
        )
    parse(scoring.rubric_to_dict(to_rubric(criteria_set)))
    now = utcnow()
    with unit_of_work(session):
        for other in session.scalars(
            sa.select(CriteriaSet).where(
                CriteriaSet.lineage_id == criteria_set.lineage_id,
                CriteriaSet.status == SetStatus.ACTIVE,
                CriteriaSet.id != criteria_set.id,
            )
        ):
            other.status = SetStatus.RETIRED
            other.retired_at = now
            record(
                session, actor, "criteria_set.retire", "criteria_set", other.id,
                {"status": SetStatus.ACTIVE}, {"status": SetStatus.RETIRED, "replaced_by": set_id},
            )  # fmt: skip
        criteria_set.status = SetStatus.ACTIVE
        criteria_set.activated_at = now
        record(
            session, actor, "criteria_set.activate", "criteria_set", criteria_set.id,
            {"status": SetStatus.DRAFT}, {"status": SetStatus.ACTIVE},
        )  # fmt: skip
    return criteria_set


def revise(session: Session, actor: Any, set_id: int) -> CriteriaSet:
    """A new draft version copying this one; 409 if the lineage already has an open draft."""
    require(actor, "criteria.manage")
    source = get_set(session, set_id)
    open_draft = session.scalar(
        sa.select(CriteriaSet).where(
            CriteriaSet.lineage_id == source.lineage_id,
            CriteriaSet.status == SetStatus.DRAFT,
            CriteriaSet.frozen_at.is_(None),
        )
    )
    if open_draft is not None and not usage(session, open_draft.id):
        raise Conflict(
            Message(
                N_("Bộ tiêu chí này đã có bản nháp phiên bản %(version)s; hãy sửa bản nháp đó."),
                version=str(open_draft.version),
            ),
            {"draft_id": [str(open_draft.id)]},
        )
    latest = session.scalar(
        sa.select(sa.func.max(CriteriaSet.version)).where(
            CriteriaSet.lineage_id == source.lineage_id
        )
    )
    with unit_of_work(session):
        draft = CriteriaSet(
            lineage_id=source.lineage_id,
            version=(latest or 0) + 1,
            based_on_id=source.id,
            status=SetStatus.DRAFT,
            created_by_id=getattr(actor, "id", None),
            # A revision stays derived from the same template (its alignment is checked anew).
            derived_code=source.derived_code,
            derived_version=source.derived_version,
        )
        _fill(draft, to_rubric(source))
        session.add(draft)
        session.flush()
        record(
            session, actor, "criteria_set.revise", "criteria_set", draft.id,
            {"based_on_id": source.id, "version": source.version}, snapshot(draft),
        )  # fmt: skip
    return draft


def retire(session: Session, actor: Any, set_id: int) -> CriteriaSet:
    """Withdraw a set from use (``DELETE``): nothing is removed; 409 once a round uses it."""
    require(actor, "criteria.manage")
    criteria_set = get_set(session, set_id)
    _require_unused(session, criteria_set)
    if criteria_set.status == SetStatus.RETIRED:
        return criteria_set
    before = criteria_set.status
    with unit_of_work(session):
        criteria_set.status = SetStatus.RETIRED
        criteria_set.retired_at = utcnow()
        record(
            session, actor, "criteria_set.retire", "criteria_set", criteria_set.id,
            {"status": before}, {"status": SetStatus.RETIRED},
        )  # fmt: skip
    return criteria_set


def freeze(session: Session, set_id: int, actor: Any = SYSTEM) -> CriteriaSet:
    """Mark a version as used for scoring: from now on it can only be revised.

    Called by the review rounds inside their own unit of work (it joins it); idempotent.
    """
    criteria_set = get_set(session, set_id)
    if criteria_set.frozen:
        return criteria_set
    with unit_of_work(session):
        criteria_set.frozen_at = utcnow()
        record(
            session, actor, "criteria_set.freeze", "criteria_set", criteria_set.id,
            {"frozen": False}, {"frozen": True},
        )  # fmt: skip
    return criteria_set


# -- reference data ----------------------------------------------------------------------------
def load_reference_sets(session: Session) -> int:
    """Add the shipped sets (DOMAIN.md's default set and the legal pass/fail set) as active
    version 1 where missing; returns how many were added. Safe to run again.

    The default set is also shipped as a template (an example a province edits), so a council
    can derive its own set from it and see where it departs."""
    added = 0
    for code, body in reference.REFERENCE_SETS:
        exists = session.scalar(sa.select(CriteriaSet).where(CriteriaSet.reference_code == code))
        if exists is None:
            with unit_of_work(session):
                exists = create_set(session, SYSTEM, body, reference_code=code)
                activate(session, SYSTEM, exists.id)
            added += 1
        template = reference.REFERENCE_TEMPLATES.get(code)
        held = session.scalar(
            sa.select(CriteriaSet.id).where(
                CriteriaSet.template_code == (template or {}).get("code")
            )
        )
        if template is not None and exists.template_code is None and held is None:
            with unit_of_work(session):
                exists.template_issuer = template["issuer"]
                exists.template_code = template["code"]
                exists.template_version = template["version"]
                exists.template_constraints = template["constraints"]
                record(
                    session, SYSTEM, "criteria_set.issue_template", "criteria_set", exists.id,
                    None, {"template": template},
                )  # fmt: skip
    return added
