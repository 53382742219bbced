"""Units: reference data, creation, edits and retirement (with a successor), hierarchy queries."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ideadb.audit.service import record
from ideadb.core.changes import record_unit_change
from ideadb.core.db import unit_of_work
from ideadb.core.errors import NotFound, ValidationFailed
from ideadb.core.fmt import LOCAL_TZ
from ideadb.core.permissions import SYSTEM, require
from ideadb.core.text import N_, clean
from ideadb.units import reference
from ideadb.units.labels import area_label
from ideadb.units.models import KIND_VALUES, Area, Unit
from scoring.messages import Message

UNIT_FIELDS = ("name", "kind", "code", "parent_id", "valid_from", "valid_to", "successor_id")


def snapshot(unit: Unit) -> dict[str, Any]:
    return {f: getattr(unit, f) for f in UNIT_FIELDS}


def get_unit(session: Session, unit_id: int) -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFound(N_("Không tìm thấy đơn vị."))
    return unit


def list_units(
    session: Session,
    *,
    kind: str | None = None,
    parent_id: int | None = None,
    current_only: bool = False,
    query: str | None = None,
):
    stmt = sa.select(Unit).order_by(Unit.kind, Unit.name, Unit.id)
    if kind:
        stmt = stmt.where(Unit.kind == kind)
    if parent_id:
        stmt = stmt.where(Unit.parent_id == parent_id)
    if current_only:  # valid today, as are the units above (not a commune of an ended district)
        today = datetime.now(LOCAL_TZ).date()
        stmt = stmt.where(Unit.id.in_([u.id for u in valid_units(session, today)]))
    if query:
        stmt = stmt.where(sa.func.lower(Unit.name).like(f"%{query.strip().lower()}%"))
    return stmt


def _validate(
    session: Session, data: dict[str, Any], unit: Unit | None = None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if "name" in data and not (data["name"] or "").strip():
        errors["name"] = ["Vui lòng nhập tên đơn vị."]
    if "kind" in data and data["kind"] not in KIND_VALUES:
        errors["kind"] = ["Loại đơn vị không hợp lệ."]
    code = data.get("code")
    if code:
        clash = session.scalar(sa.select(Unit.id).where(Unit.code == code))
        if clash is not None and (unit is None or clash != unit.id):
            errors["code"] = ["Mã đơn vị đã tồn tại."]
    for ref in ("parent_id", "successor_id"):
        ref_id = data.get(ref)
        if ref_id is not None:
            if session.get(Unit, ref_id) is None:
                errors[ref] = ["Đơn vị không tồn tại."]
            elif unit is not None and ref_id == unit.id:
                errors[ref] = ["Không thể trỏ tới chính đơn vị này."]
    if unit is not None and data.get("parent_id") is not None and "parent_id" not in errors:
        # Refuse cycles: the new parent must not sit below this unit.
        node = session.get(Unit, data["parent_id"])
        while node is not None:
            if node.id == unit.id:
                errors["parent_id"] = ["Đơn vị cấp trên không thể là đơn vị cấp dưới của nó."]
                break
            node = node.parent
    vf = data.get("valid_from", unit.valid_from if unit else None)
    vt = data.get("valid_to", unit.valid_to if unit else None)
    if vf and vt and vt < vf:
        errors["valid_to"] = ["Ngày hết hiệu lực phải sau ngày bắt đầu."]
    return errors


def create_unit(session: Session, actor: Any, data: dict[str, Any]) -> Unit:
    require(actor, "unit.manage")
    data = {k: data.get(k) for k in UNIT_FIELDS if k in data}
    data["name"] = clean(data.get("name"))
    data.setdefault("kind", None)
    if data.get("code") == "":
        data["code"] = None
    errors = _validate(session, data)
    if errors:
        raise ValidationFailed(N_("Thông tin đơn vị chưa hợp lệ."), errors)
    with unit_of_work(session):
        unit = Unit(**data)
        session.add(unit)
        session.flush()
        record(session, actor, "unit.create", "unit", unit.id, None, snapshot(unit))
    return unit


def update_unit(session: Session, actor: Any, unit_id: int, data: dict[str, Any]) -> Unit:
    require(actor, "unit.manage")
    unit = get_unit(session, unit_id)
    data = {k: v for k, v in data.items() if k in UNIT_FIELDS}
    if "name" in data:
        data["name"] = clean(data["name"])
    if data.get("code") == "":
        data["code"] = None
    errors = _validate(session, data, unit)
    if errors:
        raise ValidationFailed(N_("Thông tin đơn vị chưa hợp lệ."), errors)
    with unit_of_work(session):
        before = snapshot(unit)
        for key, value in data.items():
            setattr(unit, key, value)
        if snapshot(unit) != before:
            record(session, actor, "unit.update", "unit", unit.id, before, snapshot(unit))
            record_unit_change(session, unit.id)
    return unit


def retire_unit(
    session: Session, actor: Any, unit_id: int, valid_to: date, successor_id: int | None = None
) -> Unit:
    """End a unit's validity (merged or abolished); records keep pointing to it."""
    return update_unit(
        session, actor, unit_id, {"valid_to": valid_to, "successor_id": successor_id}
    )


def district_of(unit: Unit | None) -> Unit | None:
    """The district a unit lies in (itself when it is one), or None above district level."""
    node = unit
    while node is not None:
        if node.kind == "district":
            return node
        node = node.parent
    return None


def abolished_before(unit: Unit | None, day: date) -> Unit | None:
    """The unit itself or the nearest unit above it that had ceased to exist before ``day``.

    A commune of an abolished district is not current either: its district is returned.
    """
    node, seen = unit, set()
    while node is not None and node.id not in seen:
        seen.add(node.id)
        if node.valid_to is not None and node.valid_to < day:
            return node
        node = node.parent
    return None


def valid_units(session: Session, day: date) -> list[Unit]:
    """The units a new record dated ``day`` can take: existing on that day, as do the units
    above them (a commune of an abolished district is not offered)."""
    rows = list(session.scalars(sa.select(Unit).order_by(Unit.name, Unit.id)))
    return [
        u
        for u in rows
        if (u.valid_from is None or u.valid_from <= day) and abolished_before(u, day) is None
    ]


# (the unit itself ended?, whose successor is named) → message
_ENDED = {
    (True, "own"): N_(
        "Đơn vị “%(unit)s” đã hết hiệu lực từ ngày %(end)s, trước ngày %(day)s của hồ sơ; "
        "không thể đăng ký ý tưởng mới cho đơn vị này. Hãy chọn đơn vị kế thừa: "
        "“%(successor)s”."
    ),
    (True, "above"): N_(
        "Đơn vị “%(unit)s” đã hết hiệu lực từ ngày %(end)s, trước ngày %(day)s của hồ sơ; "
        "không thể đăng ký ý tưởng mới cho đơn vị này. Hãy chọn đơn vị kế thừa: "
        "“%(successor)s” hoặc đơn vị trực thuộc."
    ),
    (True, None): N_(
        "Đơn vị “%(unit)s” đã hết hiệu lực từ ngày %(end)s, trước ngày %(day)s của hồ sơ; "
        "không thể đăng ký ý tưởng mới cho đơn vị này."
    ),
    (False, "own"): N_(
        "Đơn vị “%(unit)s” thuộc “%(ended)s”, đã hết hiệu lực từ ngày %(end)s, trước ngày "
        "%(day)s của hồ sơ; không thể đăng ký ý tưởng mới cho đơn vị này. Hãy chọn đơn vị "
        "kế thừa: “%(successor)s”."
    ),
    (False, "above"): N_(
        "Đơn vị “%(unit)s” thuộc “%(ended)s”, đã hết hiệu lực từ ngày %(end)s, trước ngày "
        "%(day)s của hồ sơ; không thể đăng ký ý tưởng mới cho đơn vị này. Hãy chọn đơn vị "
        "kế thừa: “%(successor)s” hoặc đơn vị trực thuộc."
    ),
    (False, None): N_(
        "Đơn vị “%(unit)s” thuộc “%(ended)s”, đã hết hiệu lực từ ngày %(end)s, trước ngày "
        "%(day)s của hồ sơ; không thể đăng ký ý tưởng mới cho đơn vị này."
    ),
}


def ended_message(unit: Unit, ended: Unit, day: date) -> str:
    """Why a unit cannot take a record dated ``day`` (Vietnamese, names the successor)."""
    end = ended.valid_to.fromordinal(ended.valid_to.toordinal() + 1) if ended.valid_to else day
    # The unit's own successor (Xã Nam Mẫu → Xã Ba Bể), else the ended unit's (the province).
    successor, whose = None, None
    if unit.successor is not None and unit.successor.id != unit.id:
        successor, whose = unit.successor.name, "own"
    elif ended.successor is not None:
        successor, whose = ended.successor.name, "above"
    return Message(
        _ENDED[(ended.id == unit.id, whose)],
        unit=unit.name,
        ended=ended.name,
        end=f"{end:%d/%m/%Y}",
        day=f"{day:%d/%m/%Y}",
        successor=successor,
    )


def _reach(edges: dict[int | None, list[int]], start: int) -> set[int]:
    found, stack = set(), [start]
    while stack:
        current = stack.pop()
        if current in found:
            continue
        found.add(current)
        stack.extend(edges.get(current, []))
    return found


def descendant_ids(session: Session, unit_id: int) -> set[int]:
    """The unit and every unit below it."""
    children: dict[int | None, list[int]] = {}
    for uid, parent in session.execute(sa.select(Unit.id, Unit.parent_id)):
        children.setdefault(parent, []).append(uid)
    return _reach(children, unit_id)


def jurisdiction_ids(session: Session, unit_id: int) -> set[int]:
    """The units whose records an officer of ``unit_id`` handles: the unit, every unit below it,
    and every unit merged into one of these (followed back through successors, transitively),
    with the units below those. Xã Ba Bể's officer handles the records of Xã Nam Mẫu."""
    handled: dict[int | None, list[int]] = {}
    for uid, parent, successor in session.execute(
        sa.select(Unit.id, Unit.parent_id, Unit.successor_id)
    ):
        handled.setdefault(parent, []).append(uid)
        if successor is not None:
            handled.setdefault(successor, []).append(uid)
    return _reach(handled, unit_id)


def responsible_ids(unit: Unit | None) -> set[int]:
    """The units whose officers handle a record of ``unit`` (``jurisdiction_ids`` read upwards):
    the unit, the units above it, the units that took any of these over, and so on."""
    found: set[int] = set()
    stack = [unit]
    while stack:
        node = stack.pop()
        if node is None or node.id in found:
            continue
        found.add(node.id)
        stack.extend((node.parent, node.successor))
    return found


def areas(session: Session) -> list[Area]:
    return list(session.scalars(sa.select(Area).order_by(Area.position)))


def area_names(session: Session) -> dict[str, str]:
    """Code → name in the reader's language (the reference names translated, see labels)."""
    return {a.code: area_label(a.code, a.name) for a in areas(session)}


def load_reference_data(session: Session) -> int:
    """Insert the five areas and the demo province where missing (Bắc Kạn as it stood in 2021,
    Thái Nguyên from 1/7/2025, each old unit naming its successor); returns rows added.

    Safe to run again: existing rows (matched by code) are left as an admin edited them, so an
    old unit created by an earlier version keeps the successor it had (an admin sets it).
    """
    added = 0
    with unit_of_work(session):
        for pos, (code, name, desc) in enumerate(reference.AREAS):
            if session.get(Area, code) is None:
                session.add(Area(code=code, name=name, description=desc, position=pos))
                added += 1

        by_code = {
            u.code: u for u in session.scalars(sa.select(Unit).where(Unit.code.is_not(None)))
        }

        def ensure(code: str, name: str, kind: str, parent: Unit | None, **extra) -> Unit:
            nonlocal added
            unit = by_code.get(code)
            if unit is None:
                unit = Unit(code=code, name=name, kind=kind, parent=parent, **extra)
                session.add(unit)
                session.flush()
                record(session, SYSTEM, "unit.create", "unit", unit.id, None, snapshot(unit))
                by_code[code] = unit
                added += 1
            return unit

        merged = reference.DISTRICTS_ABOLISHED
        successor = ensure(*reference.SUCCESSOR_PROVINCE, "province", None, valid_from=merged)
        # The structure from 1/7/2025 first: the old units name their successors when created.
        took_over: dict[str, Unit] = {}
        for code, name, kind, old_codes in reference.CURRENT_ORGS:
            unit = ensure(code, name, kind, successor, valid_from=merged)
            took_over.update(dict.fromkeys(old_codes, unit))
        for code, name, old_codes in reference.CURRENT_COMMUNES:
            unit = ensure(code, name, "commune", successor, valid_from=merged)
            took_over.update(dict.fromkeys(old_codes, unit))

        abolished = date.fromordinal(merged.toordinal() - 1)
        province = ensure(
            *reference.PROVINCE, "province", None, valid_to=abolished, successor=successor
        )
        districts = {}
        for code, name, communes in reference.DISTRICTS:
            districts[code] = ensure(
                code, name, "district", province, valid_to=abolished, successor=successor
            )
            for ccode, cname in communes:
                ensure(ccode, cname, "commune", districts[code], successor=took_over.get(ccode))
        for code, name in reference.MEMBER_ORGS:
            ensure(code, name, "member_org", province, successor=took_over.get(code))
        for code, name, kind, parent_code in reference.OTHER_UNITS:
            parent = districts[parent_code] if parent_code else province
            ensure(code, name, kind, parent, successor=took_over.get(code))
    return added
