"""JSON API of the audit trail: the filtered list of events and the verification of the chain."""

import sqlalchemy as sa
from flask import Blueprint, request
from marshmallow import Schema, fields

from ideadb.audit import service
from ideadb.core.api import doc, page_args, signed_in_actor
from ideadb.core.permissions import require
from ideadb.extensions import db

bp = Blueprint("audit_api", __name__)


class AuditEventSchema(Schema):
    id = fields.Integer()
    at = fields.String(metadata={"format": "date-time"})
    actor_id = fields.Integer(allow_none=True)
    action = fields.String()
    entity = fields.String()
    entity_id = fields.String(allow_none=True)
    before = fields.Raw(allow_none=True)
    after = fields.Raw(allow_none=True)
    remote_addr = fields.String(allow_none=True)
    hash = fields.String()
    prev_hash = fields.String()


class AuditEventListSchema(Schema):
    items = fields.List(fields.Nested(AuditEventSchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


class VerificationSchema(Schema):
    ok = fields.Boolean()
    events = fields.Integer()
    head = fields.String()
    first_bad_id = fields.Integer(allow_none=True)
    reason = fields.String(allow_none=True)


@bp.get("/audit")
@doc(
    "Audit events, oldest first (admin, auditor). Filters: entity, entity_id, actor_id, action, "
    "since, until (dd/mm/yyyy, yyyy-mm-dd or ISO 8601 date-time)",
    response=AuditEventListSchema,
    tags=["audit"],
)
def list_events():
    actor = signed_in_actor()
    require(actor, "audit.view")
    filters = service.parse_filters(request.args)
    page, per_page = page_args()
    stmt = service.list_events(db.session(), actor, filters)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery())) or 0
    rows = db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    return {
        "items": [service.event_dict(e) for e in rows],
        "total": total,
        "page": page,
        "per_page": per_page,
    }


@bp.get("/audit/verify")
@doc(
    "Verify the hash chain of the audit trail (admin, auditor)",
    response=VerificationSchema,
    tags=["audit"],
)
def verify():
    actor = signed_in_actor()
    return service.verify(db.session(), actor).as_dict()
