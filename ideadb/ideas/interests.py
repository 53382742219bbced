"""Adoption interests: anyone may ask to apply a published initiative; its people are told."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ideadb.accounts.notify import N_, notify
from ideadb.audit.service import record
from ideadb.core.db import unit_of_work
from ideadb.core.errors import ValidationFailed
from ideadb.core.permissions import require
from ideadb.ideas.access import get_idea, get_public_idea
from ideadb.ideas.lifecycle import idea_label
from ideadb.ideas.models import AdoptionInterest
from ideadb.ideas.notices import idea_target, officers_to_notify, people_of
from ideadb.ideas.validation import at_most_chars, nfc

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^[0-9 +().\-]{6,20}$")


def add_adoption_interest(session: Session, idea_id: int, data: dict[str, Any]) -> AdoptionInterest:
    """Anyone may ask to apply a published initiative; the owner and unit officers are told."""
    idea = get_public_idea(session, idea_id)
    values = {
        k: nfc(data.get(k) or "")
        for k in ("organisation", "contact_name", "email", "phone", "message")
    }
    errors: dict[str, list[str]] = {}
    if not values["organisation"]:
        errors["organisation"] = [N_("Vui lòng nhập tên tổ chức, doanh nghiệp.")]
    if not values["contact_name"]:
        errors["contact_name"] = [N_("Vui lòng nhập người liên hệ.")]
    if not values["email"] and not values["phone"]:
        errors["email"] = [N_("Vui lòng nhập thư điện tử hoặc số điện thoại.")]
    if values["email"] and not _EMAIL.match(values["email"]):
        errors["email"] = [N_("Địa chỉ thư điện tử không hợp lệ.")]
    if values["phone"] and not _PHONE.match(values["phone"]):
        errors["phone"] = [N_("Số điện thoại không hợp lệ.")]
    for key, limit in (("organisation", 255), ("contact_name", 255), ("email", 255)):
        if len(values[key]) > limit:
            errors[key] = [at_most_chars(limit)]
    if len(values["message"]) > 4000:
        errors["message"] = [at_most_chars(4000)]
    if errors:
        raise ValidationFailed(N_("Thông tin đăng ký áp dụng chưa hợp lệ."), errors)
    with unit_of_work(session):
        interest = AdoptionInterest(
            idea_id=idea.id,
            organisation=values["organisation"],
            contact_name=values["contact_name"],
            email=values["email"] or None,
            phone=values["phone"] or None,
            message=values["message"],
        )
        session.add(interest)
        session.flush()
        record(
            session,
            None,
            "idea.adoption_interest",
            "idea",
            idea.id,
            None,
            {"interest_id": interest.id, "organisation": interest.organisation},
        )
        text = N_("%(organisation)s đăng ký áp dụng sáng kiến %(label)s.")
        values = {
            "organisation": interest.organisation,
            "label": idea_label(idea.title, idea.code),
        }
        for user_id in dict.fromkeys(people_of(idea) + officers_to_notify(session, idea.unit)):
            notify(session, user_id, text, idea_target(idea), values)
    return interest


def interest_count(session: Session, idea_id: int) -> int:
    count = session.scalar(
        sa.select(sa.func.count())
        .select_from(AdoptionInterest)
        .where(AdoptionInterest.idea_id == idea_id)
    )
    return count or 0


def list_adoption_interests(session: Session, actor: Any, idea_id: int) -> list[AdoptionInterest]:
    idea = get_idea(session, actor, idea_id)
    require(actor, "idea.view_interests", idea)
    stmt = (
        sa.select(AdoptionInterest)
        .where(AdoptionInterest.idea_id == idea.id)
        .order_by(AdoptionInterest.id.desc())
    )
    return list(session.scalars(stmt))
