"""Demo ideas: deterministic, realistic Vietnamese ideas in every state, for ``ideadb demo``.

``load(session, count)`` registers the ideas of ``demo_text.generate_ideas`` as the demo
accounts of ``ideadb.demo`` would: registration, submit, screening, review, recognition,
withdrawal. Up to ``SERVICE_LIMIT`` new ideas (quickstart's 240) go through the ideas service
call by call; larger loads (``ideadb demo --ideas 100000``) take the same steps through
``ideadb.ideas.bulk`` (the same validation, transition plans, codes, audit and notices, with
the idea rows written together); a test checks that both give the same database. Loading again
tops up: the ideas already loaded (recorded by a ``demo.load`` audit event) are not repeated.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ideadb.accounts.models import User
from ideadb.audit.models import AuditEvent
from ideadb.audit.service import record
from ideadb.core.db import unit_of_work, utcnow
from ideadb.core.permissions import SYSTEM
from ideadb.ideas import bulk, service
from ideadb.ideas.demo_text import DEFAULT_SEED, generate_ideas
from ideadb.ideas.lifecycle import SCREEN_DECISIONS
from ideadb.ideas.models import IdeaStatus
from ideadb.ideas.validation import nfc
from ideadb.units.models import Area, Unit
from ideadb.units.service import jurisdiction_ids

S = IdeaStatus
STATES: tuple[str, ...] = (
    S.DRAFT,
    S.SUBMITTED,
    S.NEEDS_REVISION,
    S.ELIGIBLE,
    S.INELIGIBLE,
    S.IN_REVIEW,
    S.RECOGNIZED,
    S.NOT_RECOGNIZED,
    S.WITHDRAWN,
)
# How likely each state is, by the idea's year: old dossiers are mostly decided.
_STATE_WEIGHTS: dict[str, tuple[int, ...]] = {
    "old": (8, 4, 5, 8, 12, 2, 38, 15, 8),
    "2023": (8, 10, 8, 14, 10, 12, 20, 10, 8),
    "2024": (14, 18, 12, 16, 8, 16, 6, 4, 6),
}
# The steps the services take to reach each state (as in tests/conftest.py create_idea).
PATHS: dict[str, tuple[str, ...]] = {
    S.DRAFT: (),
    S.SUBMITTED: ("submit",),
    S.NEEDS_REVISION: ("submit", "screen:needs_revision"),
    S.ELIGIBLE: ("submit", "screen:eligible"),
    S.INELIGIBLE: ("submit", "screen:ineligible"),
    # Review and its outcome happen in rounds (ideadb.reviews.demo): these stop at eligible
    # and the round that reviews them brings them the rest of the way.
    S.IN_REVIEW: ("submit", "screen:eligible"),
    S.RECOGNIZED: ("submit", "screen:eligible"),
    S.NOT_RECOGNIZED: ("submit", "screen:eligible"),
    S.WITHDRAWN: ("submit", "withdraw"),
}
# (scope, recognition level code, weight) of the default criteria set's levels.
RECOGNITIONS = (
    ("tinh", "CONG_NHAN_TINH", 55),
    ("huyen", "DAT", 27),
    ("tinh", "DE_NGHI_TW", 10),
    ("co_so", "DAT", 8),
)
REVISION_NOTES = (
    "Đề nghị bổ sung số liệu chứng minh hiệu quả kinh tế trước và sau khi áp dụng.",
    "Bổ sung xác nhận của đơn vị đã áp dụng thử giải pháp.",
    "Đề nghị mô tả rõ hơn các bước thực hiện và điều kiện cần thiết để áp dụng.",
    "Bổ sung hình ảnh minh họa và biên bản nghiệm thu mô hình.",
    "Làm rõ điểm mới so với cách làm đang áp dụng tại địa phương.",
)
INELIGIBLE_NOTES = (
    "Giải pháp chưa được áp dụng hoặc áp dụng thử tại cơ sở.",
    "Nội dung trùng với sáng kiến đã được công nhận ở đợt trước.",
    "Giải pháp là nhiệm vụ chuyên môn thường xuyên, chưa có tính mới.",
    "Hồ sơ không chứng minh được lợi ích thiết thực.",
)
WITHDRAW_NOTES = (
    None,
    "Nhóm tác giả rút hồ sơ để hoàn thiện thêm và đăng ký vào năm sau.",
    "Đơn vị đề nghị rút vì trùng với hồ sơ đã nộp ở cấp huyện.",
)
AUDIT_ACTION = "demo.load"
SERVICE_LIMIT = 250  # more new ideas than this are written in bulk
BULK_CHUNK = 1000


def loaded_count(session: Session) -> int:
    """How many demo ideas earlier loads registered (0 on a fresh instance)."""
    after = session.scalar(
        sa.select(AuditEvent.after)
        .where(AuditEvent.action == AUDIT_ACTION)
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    return int((after or {}).get("ideas", 0))


class _Cast:
    """The demo accounts who register, screen and decide, and the units by code."""

    def __init__(self, session: Session):
        users = {u.username: u for u in session.scalars(sa.select(User))}
        self.citizen = users["nguoidan"]
        self.officer_babe = users["canbo.babe"]
        self.officer_hnd = users["canbo.hnd"]
        self.secretary = users["thuky"]
        self.units = dict(session.execute(sa.select(Unit.code, Unit.id)).all())
        # Held so that the service's checks find units and areas in the identity map.
        self.loaded = list(session.scalars(sa.select(Unit))) + list(
            session.scalars(sa.select(Area))
        )
        self.above: dict[int, list[int]] = {}
        for uid, parent, successor in session.execute(
            sa.select(Unit.id, Unit.parent_id, Unit.successor_id)
        ):
            self.above[uid] = [n for n in (parent, successor) if n is not None]
        # The officers handle their unit, the units below it and the units merged into these.
        self.babe_units = jurisdiction_ids(session, self.officer_babe.unit_id or 0)

    def ancestors(self, unit_id: int | None) -> list[int]:
        """The unit, the units above it and the units that took them over, nearest first."""
        found: list[int] = []
        level = [unit_id] if unit_id is not None else []
        while level:
            level = [u for u in dict.fromkeys(level) if u not in found]
            found.extend(level)
            level = [n for u in level for n in self.above.get(u, [])]
        return found

    def registrant(self, spec: dict[str, Any], rng: random.Random) -> User:
        unit_id = self.units[spec["unit_code"]]
        if spec["unit_code"] == "BK-BB-NM" and rng.random() < 0.7:
            return self.citizen
        if unit_id in self.babe_units:
            return self.officer_babe
        if spec["unit_code"] == "BK-HND" or spec["area"] == "san_xuat_kinh_doanh":
            return self.officer_hnd
        return self.officer_babe if rng.random() < 0.5 else self.officer_hnd

    def screener(self, unit_id: int | None, registrant: User) -> User:
        """The unit officer above the idea's unit (not its own registrant), else the secretary."""
        above = self.ancestors(unit_id)
        for officer in (self.officer_babe, self.officer_hnd):
            if officer.id != registrant.id and officer.unit_id in above:
                return officer
        return self.secretary


def _state(index: int, spec: dict[str, Any], rng: random.Random) -> str:
    if index < len(STATES):
        return STATES[index]  # the first ideas cover every state
    key = "2024" if spec["year"] >= 2024 else "2023" if spec["year"] == 2023 else "old"
    state = rng.choices(STATES, weights=_STATE_WEIGHTS[key])[0]
    if state == S.RECOGNIZED and spec["applied_from"] is None:
        state = S.ELIGIBLE  # only what has been applied can be recognised
    return state


def _payload(spec: dict[str, Any], cast: _Cast, registrant: User) -> dict[str, Any]:
    authors = [{**a, "user_id": None} for a in spec["authors"]]
    if registrant.id == cast.citizen.id:
        authors[0] = {**authors[0], "name": registrant.full_name, "user_id": registrant.id}
    unit_id = cast.units[spec["unit_code"]]
    district_id = cast.units[spec["district_code"]]
    return {
        "title": spec["title"],
        "summary": spec["summary"],
        "description": spec["description"],
        "novelty": spec["novelty"],
        "benefits": spec["benefits"],
        "area": spec["area"],
        "year": spec["year"],
        "district_id": district_id,
        "unit_id": unit_id,
        "applied_from": spec["applied_from"],
        "authors": authors,
        "publish_consent": spec["publish_consent"],
        "owner_name": spec["owner"] or None,
        "field_of_application": "",
        "application_conditions": spec["conditions"],
        "confidential_info": spec["confidential"],
    }


@dataclass
class Step:
    action: str  # submit, withdraw, screen, review, recognize, not_recognize
    actor: User
    decision: str | None = None
    note: str | None = None
    scope: str | None = None
    level: str | None = None


def _steps(cast: _Cast, unit_id: int | None, registrant: User, state: str, rng) -> list[Step]:
    """What the demo accounts do to bring an idea to ``state``, as the services would do it."""
    out: list[Step] = []
    for step in PATHS[state]:
        if step == "submit":
            out.append(Step("submit", registrant))
        elif step == "withdraw":
            out.append(Step("withdraw", registrant, note=rng.choice(WITHDRAW_NOTES)))
        elif step.startswith("screen:"):
            decision = step.split(":", 1)[1]
            note = None
            if decision == "needs_revision":
                note = rng.choice(REVISION_NOTES)
            elif decision == "ineligible":
                note = rng.choice(INELIGIBLE_NOTES)
            out.append(
                Step("screen", cast.screener(unit_id, registrant), decision=decision, note=note)
            )
        elif step == "review":
            out.append(Step("review", cast.secretary))
        elif step == "recognize":
            scope, level, _ = rng.choices(RECOGNITIONS, weights=[r[2] for r in RECOGNITIONS])[0]
            out.append(Step("recognize", cast.secretary, scope=scope, level=level))
        elif step == "not_recognize":
            out.append(Step("not_recognize", cast.secretary, scope="tinh"))
    return out


REVIEWED_STATES = frozenset({S.IN_REVIEW, S.RECOGNIZED, S.NOT_RECOGNIZED})


def review_targets(count: int, seed: int = DEFAULT_SEED) -> dict[str, tuple[str, int]]:
    """title → (target state, year) of the demo ideas whose way goes on through a round."""
    return {
        spec["title"]: (state, spec["year"])
        for _index, spec, state, _rng in plan(count, seed)
        if state in REVIEWED_STATES
    }


def plan(count: int, seed: int = DEFAULT_SEED, start: int = 0):
    """(index, text spec, target state, rng for the steps) of demo ideas ``start``..``count``."""
    choices = random.Random(seed + 1)
    for index, spec in enumerate(generate_ideas(count, seed)):
        steps = random.Random(seed * 1_000_003 + index)
        state = _state(index, spec, choices)
        if index >= start:
            yield index, spec, state, steps


def load(
    session: Session,
    count: int = 240,
    progress: Callable[[int], None] | None = None,
    seed: int = DEFAULT_SEED,
    *,
    bulk: bool | None = None,
) -> int:
    """Register demo ideas until ``count`` exist; returns how many were added.

    Up to ``SERVICE_LIMIT`` new ideas go through the ideas service call by call; more are
    written in bulk (``bulk=True`` forces it), producing the same rows the service calls would.
    """
    already = loaded_count(session)
    if already >= count:
        if progress is not None:
            progress(count)
        return 0
    if progress is not None and already:
        progress(already)
    cast = _Cast(session)
    use_bulk = (count - already > SERVICE_LIMIT) if bulk is None else bulk
    with unit_of_work(session):
        items = plan(count, seed, already)
        if use_bulk:
            added = _load_bulk(session, cast, items, progress)
        else:
            added = _load_services(session, cast, items, progress)
        record(
            session,
            SYSTEM,
            AUDIT_ACTION,
            "idea",
            None,
            {"ideas": already},
            {"ideas": count, "seed": seed, "added": added, "bulk": use_bulk},
        )
    return added


def _load_services(session: Session, cast: _Cast, items, progress) -> int:
    added = 0
    for _index, spec, state, rng in items:
        registrant = cast.registrant(spec, rng)
        idea = service.create_idea(session, registrant, _payload(spec, cast, registrant))
        for step in _steps(cast, idea.unit_id, registrant, state, rng):
            if step.action == "submit":
                service.submit_idea(session, step.actor, idea.id)
            elif step.action == "withdraw":
                service.withdraw_idea(session, step.actor, idea.id, step.note)
            elif step.action == "screen":
                service.screen_idea(session, step.actor, idea.id, step.decision or "", step.note)
            elif step.action == "review":
                service.mark_in_review(session, step.actor, [idea.id])
            else:
                service.record_recognition(
                    session, step.actor, idea.id, step.scope or "", step.level
                )
        added += 1
        if progress is not None:
            progress(1)
    return added


# --- bulk: the same steps on rows, written together (see ideadb.ideas.bulk) ---------------


def _load_bulk(session: Session, cast: _Cast, items, progress) -> int:
    officers = bulk.officers_by_unit(session)
    added = 0
    batch: list[tuple[Any, ...]] = []
    for item in items:
        batch.append(item)
        if len(batch) == BULK_CHUNK:
            added += _write_batch(session, cast, officers, batch)
            if progress is not None:
                progress(len(batch))
            batch = []
    if batch:
        added += _write_batch(session, cast, officers, batch)
        if progress is not None:
            progress(len(batch))
    return added


def _write_batch(session: Session, cast: _Cast, officers, batch) -> int:
    now = utcnow()
    planned = []
    with session.no_autoflush:
        for _index, spec, state, rng in batch:
            registrant = cast.registrant(spec, rng)
            values, authors = service.prepare_registration(
                session, registrant, _payload(spec, cast, registrant)
            )
            idea = bulk.new_idea(registrant, values, authors, now)
            planned.append((idea, _steps(cast, idea.row["unit_id"], registrant, state, rng)))
        # The codes the submits take, in the order the ideas are submitted, a year at a time.
        submits: dict[int, int] = {}
        for idea, steps in planned:
            if any(step.action == "submit" for step in steps):
                submits[idea.row["year"]] = submits.get(idea.row["year"], 0) + 1
        codes = {
            year: iter(service.next_codes(session, year, n)) for year, n in sorted(submits.items())
        }
        for idea, steps in planned:
            for step in steps:
                _step(idea, step, now, codes)
    return len(bulk.insert(session, [idea for idea, _ in planned], now, officers))


def _step(idea: bulk.NewIdea, step: Step, now, codes) -> None:
    """One step, as the service call of ``_load_services`` takes it."""
    note = nfc(step.note or "") or None
    if step.action == "submit":
        row = idea.row
        code = next(codes[row["year"]]) if row["code"] is None else None
        bulk.apply(idea, step.actor, "submit", now=now, new_code=code)
    elif step.action == "withdraw":
        bulk.apply(idea, step.actor, "withdraw", now=now, note=note)
    elif step.action == "screen":
        bulk.apply(idea, step.actor, SCREEN_DECISIONS[step.decision or ""], now=now, note=note)
    elif step.action == "review":
        bulk.apply(idea, step.actor, "start_review", now=now, round_id=None)
    elif step.action == "recognize":
        bulk.apply(idea, step.actor, "recognize", now=now, scope=step.scope, level=step.level)
    else:
        bulk.apply(idea, step.actor, "not_recognize", now=now, scope=step.scope)
