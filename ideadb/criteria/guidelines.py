"""Criteria sets aligned with central guidelines (API.md: Central templates and alignment).

A higher level issues a set as a **template** (issuer, code, version, constraints) and sends it
as an ``ideadb-criteria/1`` file; a lower level imports it, derives its own draft from it, and
adapts it. The alignment report lists where the set departs from its template; activating a
set that departs beyond the constraints needs a written justification.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

import scoring
from ideadb.audit.service import record
from ideadb.core.db import unit_of_work
from ideadb.core.errors import Conflict, ValidationFailed
from ideadb.core.fmt import fmt_number
from ideadb.core.permissions import require
from ideadb.core.text import N_, clean, nfc_deep
from ideadb.criteria import alignment, service
from ideadb.criteria.alignment import FORMAT, Difference
from ideadb.criteria.models import CriteriaSet, SetStatus
from scoring.messages import Message, joined

CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")
MAX_JUSTIFICATION = 5000
MAX_INTEGER = 2**31 - 1  # template versions are stored in `integer` columns
SET_FIELDS = ("name", "basis", "criteria", "recognition_levels", "template", "derived_from")
#: Texts the scoring engine does not measure, with the length their columns hold.
_TEXT_LIMITS = (("name", 255), ("label", 255), ("guidance", 5000), ("description", 5000))


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return alignment.number(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def content(criteria_set: CriteriaSet) -> dict[str, Any]:
    """The set's criteria and levels as JSON values (the API body shape)."""
    return _jsonable(scoring.rubric_to_dict(service.to_rubric(criteria_set)))


# -- the file ----------------------------------------------------------------------------------
def export_body(criteria_set: CriteriaSet) -> dict[str, Any]:
    """``{"format": "ideadb-criteria/1", "set": {...}}``: everything needed to recreate it."""
    body = content(criteria_set)
    body["template"] = criteria_set.template
    body["derived_from"] = criteria_set.derived_from
    return {"format": FORMAT, "set": body}


def export_set(session: Session, actor: Any, set_id: int) -> dict[str, Any]:
    return export_body(service.view_set(session, actor, set_id))


def export_filename(criteria_set: CriteriaSet) -> str:
    template = criteria_set.template
    if template:
        return f"huong-dan-{template['code']}-v{template['version']}.json".lower()
    return f"bo-tieu-chi-{criteria_set.id}-v{criteria_set.version}.json"


def _version(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_INTEGER


def _read_template(raw: Any, body: dict[str, Any], problems: dict[str, list[str]]) -> Any:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        problems["set.template"] = [
            N_("Phải là một đối tượng {issuer, code, version, constraints}.")
        ]
        return None
    issuer = raw.get("issuer", "")
    if not isinstance(issuer, str) or len(issuer) > 255:
        problems["set.template.issuer"] = [N_("Phải là chuỗi tối đa 255 ký tự.")]
    if not isinstance(raw.get("code"), str) or not CODE.match(raw["code"]):
        problems["set.template.code"] = [N_("Mã gồm chữ, số, “_”, “.”, “-”, tối đa 80 ký tự.")]
    if not _version(raw.get("version")):
        problems["set.template.version"] = [N_("Phải là số nguyên từ 1.")]
    constraints, found = alignment.check_constraints(
        raw.get("constraints", {}),
        [c["code"] for c in body.get("criteria") or ()],
        [lv["code"] for lv in body.get("recognition_levels") or ()],
        "set.template.constraints.",
    )
    problems.update(found)
    return {
        "issuer": clean(issuer) if isinstance(issuer, str) else "",
        "code": raw.get("code"),
        "version": raw.get("version"),
        "constraints": constraints,
    }


def _read_derived(raw: Any, problems: dict[str, list[str]]) -> dict[str, Any] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        problems["set.derived_from"] = [N_("Phải là một đối tượng {code, version}.")]
        return None
    if not isinstance(raw.get("code"), str) or not CODE.match(raw["code"]):
        problems["set.derived_from.code"] = [N_("Mã gồm chữ, số, “_”, “.”, “-”, tối đa 80 ký tự.")]
    if not _version(raw.get("version")):
        problems["set.derived_from.version"] = [N_("Phải là số nguyên từ 1.")]
    return {"code": raw.get("code"), "version": raw.get("version")}


def _check_texts(value: Any, path: str, problems: dict[str, list[str]]) -> None:
    if isinstance(value, list):
        for i, item in enumerate(value):
            _check_texts(item, f"{path}.{i}", problems)
    elif isinstance(value, dict):
        for key, limit in _TEXT_LIMITS:
            text = value.get(key)
            if text is not None and (not isinstance(text, str) or len(text) > limit):
                problems[f"{path}.{key}"] = [
                    Message(N_("Phải là chuỗi tối đa %(n)s ký tự."), n=str(limit))
                ]
        for key in ("criteria", "levels", "recognition_levels"):
            _check_texts(value.get(key), f"{path}.{key}", problems)


def read_file(data: Any) -> tuple[dict[str, Any], Any, Any]:
    """Check an ``ideadb-criteria/1`` file; (set body, template, derived_from) or 422 naming
    each field that is wrong."""
    if not isinstance(data, dict):
        raise ValidationFailed(
            N_("Tệp không phải tệp bộ tiêu chí."),
            {"format": [N_("Tệp phải là một đối tượng JSON.")]},
        )
    if data.get("format") != FORMAT:
        raise ValidationFailed(
            N_("Tệp không phải tệp bộ tiêu chí của ideadb."),
            {"format": [Message(N_("Phải là “%(format)s”."), format=FORMAT)]},
        )
    raw = data.get("set")
    if not isinstance(raw, dict):
        raise ValidationFailed(
            N_("Tệp thiếu bộ tiêu chí."), {"set": [N_("Phải là một đối tượng.")]}
        )
    raw = nfc_deep(raw)
    problems: dict[str, list[str]] = {}
    unknown = sorted(set(data) - {"format", "set"})
    for key in unknown:
        problems[key] = [N_("Trường không được hỗ trợ.")]
    for key in sorted(set(raw) - set(SET_FIELDS)):
        problems[f"set.{key}"] = [N_("Trường không được hỗ trợ.")]
    body = {k: raw[k] for k in SET_FIELDS[:4] if k in raw}
    if not isinstance(body.get("basis", ""), str) or len(body.get("basis", "")) > 10000:
        problems["set.basis"] = [N_("Phải là chuỗi tối đa 10000 ký tự.")]
    _check_texts(body, "set", problems)
    try:
        service.parse(body)
    except ValidationFailed as exc:
        problems.update({f"set.{k}": v for k, v in exc.fields.items()})
    if problems:
        raise ValidationFailed(N_("Tệp bộ tiêu chí chưa hợp lệ."), problems)
    template = _read_template(raw.get("template"), body, problems)
    derived = _read_derived(raw.get("derived_from"), problems)
    if problems:
        raise ValidationFailed(N_("Tệp bộ tiêu chí chưa hợp lệ."), problems)
    return body, template, derived


def find_template(session: Session, code: str, version: int) -> CriteriaSet | None:
    return session.scalar(
        sa.select(CriteriaSet).where(
            CriteriaSet.template_code == code, CriteriaSet.template_version == version
        )
    )


def _set_template(criteria_set: CriteriaSet, template: dict[str, Any]) -> None:
    criteria_set.template_issuer = template["issuer"]
    criteria_set.template_code = template["code"]
    criteria_set.template_version = template["version"]
    criteria_set.template_constraints = template["constraints"]


def _require_new_template(session: Session, code: str, version: int) -> None:
    held = find_template(session, code, version)
    if held is not None:
        raise Conflict(
            Message(
                N_(
                    "Hướng dẫn “%(code)s” phiên bản %(version)s đã có ở đây (bộ tiêu chí số %(id)s)."
                ),
                code=code,
                version=str(version),
                id=str(held.id),
            ),
            {"template": [f"{code} v{version}"]},
        )


def import_set(session: Session, actor: Any, data: Any) -> CriteriaSet:
    """A new draft from a file; a template keeps its template; same code and version → 409."""
    require(actor, "criteria.manage")
    body, template, derived = read_file(data)
    if template is not None:
        _require_new_template(session, template["code"], template["version"])
    with unit_of_work(session):
        criteria_set = service.create_set(session, actor, body)
        if template is not None:
            _set_template(criteria_set, template)
        if derived is not None:
            criteria_set.derived_code = derived["code"]
            criteria_set.derived_version = derived["version"]
        session.flush()
        record(
            session, actor, "criteria_set.import", "criteria_set", criteria_set.id, None,
            {"template": template, "derived_from": derived},
        )  # fmt: skip
    return criteria_set


def derive(session: Session, actor: Any, set_id: int) -> CriteriaSet:
    """A draft copy of a template (a new lineage) that remembers where it came from."""
    require(actor, "criteria.manage")
    source = service.get_set(session, set_id)
    template = source.template
    if template is None:
        raise Conflict(
            N_("Bộ tiêu chí này không phải là hướng dẫn (mẫu) nên không tạo bộ từ nó được.")
        )
    with unit_of_work(session):
        draft = service.create_set(session, actor, content(source))
        draft.derived_code = template["code"]
        draft.derived_version = template["version"]
        session.flush()
        record(
            session, actor, "criteria_set.derive", "criteria_set", draft.id, None,
            {"derived_from": draft.derived_from, "source_id": source.id},
        )  # fmt: skip
    return draft


def issue_template(
    session: Session,
    actor: Any,
    set_id: int,
    *,
    issuer: str,
    code: str,
    version: int,
    constraints: Any,
) -> CriteriaSet:
    """Issue an active set as a template with its constraints (it stays what it is)."""
    require(actor, "criteria.manage")
    criteria_set = service.get_set(session, set_id)
    if criteria_set.status != SetStatus.ACTIVE:
        raise Conflict(N_("Chỉ ban hành được hướng dẫn từ bộ tiêu chí đang áp dụng."))
    if criteria_set.template is not None:
        raise Conflict(N_("Bộ tiêu chí này đã được ban hành làm hướng dẫn."))
    problems: dict[str, list[str]] = {}
    template = _read_template(
        {"issuer": issuer, "code": code, "version": version, "constraints": constraints},
        content(criteria_set),
        problems,
    )
    if problems:
        raise ValidationFailed(
            N_("Hướng dẫn chưa hợp lệ."),
            {k.removeprefix("set.template."): v for k, v in problems.items()},
        )
    _require_new_template(session, code, version)
    with unit_of_work(session):
        _set_template(criteria_set, template)
        record(
            session, actor, "criteria_set.issue_template", "criteria_set", criteria_set.id, None,
            {"template": template},
        )  # fmt: skip
    return criteria_set


# -- alignment ---------------------------------------------------------------------------------
@dataclass
class Alignment:
    """Where a set stands against its template."""

    criteria_set: CriteriaSet
    template_set: CriteriaSet | None = None
    differences: list[Difference] = field(default_factory=list)
    newer: CriteriaSet | None = None
    newer_differences: list[Difference] = field(default_factory=list)

    @property
    def derived_from(self) -> dict[str, Any] | None:
        return self.criteria_set.derived_from

    @property
    def aligned(self) -> bool:
        return alignment.aligned(self.differences)

    @property
    def outside(self) -> list[Difference]:
        return alignment.outside(self.differences)

    @property
    def badge(self) -> str | None:
        """``aligned``, ``justified``, ``departs`` (no justification yet) or None."""
        if self.derived_from is None or self.template_set is None:
            return None
        if self.aligned:
            return "aligned"
        return "justified" if self.criteria_set.justification else "departs"

    def as_dict(self) -> dict[str, Any]:
        return {
            "derived_from": self.derived_from,
            "aligned": self.aligned,
            "differences": [d.as_dict() for d in self.differences],
        }


def newest_template(session: Session, code: str) -> CriteriaSet | None:
    return session.scalar(
        sa.select(CriteriaSet)
        .where(CriteriaSet.template_code == code)
        .order_by(CriteriaSet.template_version.desc())
        .limit(1)
    )


def alignment_of(session: Session, criteria_set: CriteriaSet) -> Alignment:
    link = criteria_set.derived_from
    if link is None:
        return Alignment(criteria_set)
    template_set = find_template(session, link["code"], link["version"])
    if template_set is None:
        return Alignment(criteria_set)
    result = Alignment(
        criteria_set,
        template_set,
        alignment.compare(
            content(template_set), content(criteria_set), template_set.template_constraints
        ),
    )
    newest = newest_template(session, link["code"])
    if newest is not None and (newest.template_version or 0) > link["version"]:
        result.newer = newest
        result.newer_differences = alignment.compare(content(template_set), content(newest))
    return result


def report(session: Session, actor: Any, set_id: int) -> Alignment:
    return alignment_of(session, service.view_set(session, actor, set_id))


def describe(d: Difference) -> str:
    """One difference in words (Vietnamese, for messages and the round's documents; a Message
    that a page shows in the reader's language)."""

    def num(value: Any) -> str:
        return "—" if value is None else fmt_number(value, 2).rstrip("0").rstrip(",")

    values = {"code": d.code, "template": num(d.template), "local": num(d.local)}
    if d.allowed:
        values.update(low=num(d.allowed[0]), high=num(d.allowed[1]))
    if d.kind == "criterion_removed":
        if d.within_constraints:
            return Message(N_("bỏ tiêu chí %(code)s"), code=d.code)
        return Message(N_("bỏ tiêu chí %(code)s (bắt buộc)"), code=d.code)
    if d.kind == "criterion_added":
        return Message(N_("thêm tiêu chí %(code)s"), code=d.code)
    if d.kind == "weight_changed":
        if d.allowed:
            message = N_("trọng số %(code)s: %(template)s → %(local)s (cho phép %(low)s–%(high)s)")
        else:
            message = N_("trọng số %(code)s: %(template)s → %(local)s")
        return Message(message, **values)
    if d.kind == "max_points_changed":
        return Message(N_("điểm tối đa %(code)s: %(template)s → %(local)s"), **values)
    if d.kind == "level_changed":
        return Message(N_("thang điểm của %(code)s thay đổi"), code=d.code)
    if d.allowed:
        message = N_("ngưỡng mức %(code)s: %(template)s → %(local)s (cho phép %(low)s–%(high)s)")
    else:
        message = N_("ngưỡng mức %(code)s: %(template)s → %(local)s")
    return Message(message, **values)


def activate(
    session: Session, actor: Any, set_id: int, justification: str | None = None
) -> CriteriaSet:
    """Put a draft in force; one outside its template's constraints needs a justification
    (409 naming the constraints otherwise), which is kept on the set and audited."""
    require(actor, "criteria.manage")
    criteria_set = service.get_set(session, set_id)
    text = clean(justification)
    if len(text) > MAX_JUSTIFICATION:
        raise ValidationFailed(
            N_("Giải trình quá dài."),
            {"justification": [Message(N_("Tối đa %(n)s ký tự."), n=str(MAX_JUSTIFICATION))]},
        )
    if criteria_set.status != SetStatus.DRAFT:
        return service.activate(session, actor, set_id)
    departures = alignment_of(session, criteria_set).outside
    if departures and not text:
        raise Conflict(
            Message(
                N_(
                    "Bộ tiêu chí khác hướng dẫn ngoài phạm vi cho phép: %(departures)s. Hãy ghi "
                    "giải trình trước khi đưa vào áp dụng."
                ),
                departures=joined(describe(d) for d in departures),
            ),
            {"justification": [describe(d) for d in departures]},
        )
    with unit_of_work(session):
        if departures:
            before = criteria_set.justification
            criteria_set.justification = text
            record(
                session, actor, "criteria_set.justify", "criteria_set", criteria_set.id,
                {"justification": before},
                {"justification": text, "departures": [d.as_dict() for d in departures]},
            )  # fmt: skip
        service.activate(session, actor, set_id)
    return criteria_set


def document_line(session: Session, criteria_set: CriteriaSet | None) -> str:
    """The line under a round's ranked list naming the template and the departures."""
    if criteria_set is None:
        return ""
    info = alignment_of(session, criteria_set)
    if info.badge is None or info.template_set is None:
        return ""
    link = info.derived_from or {}
    issuer = info.template_set.template_issuer or ""
    head = f"Bộ tiêu chí theo hướng dẫn {link.get('code')} phiên bản {link.get('version')}"
    head += f" ({issuer})" if issuer else ""
    if info.aligned:
        tail = "Phù hợp hướng dẫn"
        if info.differences:
            tail += "; điều chỉnh trong phạm vi cho phép: " + "; ".join(
                describe(d) for d in info.differences
            )
        return f"{head}: {tail}."
    line = f"{head}: Khác hướng dẫn — " + "; ".join(describe(d) for d in info.outside)
    if criteria_set.justification:
        line += f". Giải trình: {criteria_set.justification}"
    return line + "."


def templates_held(session: Session, actor: Any) -> list[tuple[CriteriaSet, list[CriteriaSet]]]:
    """The templates held here, newest code/version first, each with the sets derived from it."""
    require(actor, "criteria.browse")
    templates = session.scalars(
        sa.select(CriteriaSet)
        .where(CriteriaSet.template_code.is_not(None))
        .order_by(CriteriaSet.template_code, CriteriaSet.template_version.desc())
    ).all()
    out = []
    for t in templates:
        derived = session.scalars(
            sa.select(CriteriaSet)
            .where(
                CriteriaSet.derived_code == t.template_code,
                CriteriaSet.derived_version == t.template_version,
            )
            .order_by(CriteriaSet.lineage_id, CriteriaSet.version)
        ).all()
        out.append((t, list(derived)))
    return out
