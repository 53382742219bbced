"""JSON API of ideas under /api/v1 (API.md: Ideas), plus attachments and notifications."""

from __future__ import annotations

from flask import Blueprint, current_app, request, send_file

from ideadb.accounts import notify
from ideadb.core import providers
from ideadb.core.api import api_actor, by_id, doc, load_json, paginate, signed_in_actor
from ideadb.core.errors import BadRequest, ValidationFailed
from ideadb.core.permissions import can
from ideadb.core.text import N_
from ideadb.extensions import db, limiter
from ideadb.ideas import adoption, antibot, coauthors, importer, service
from ideadb.ideas.models import INVITATION_STATUSES, STATUS_VALUES
from ideadb.ideas.schemas import (
    AdoptionInterestCreatedSchema,
    AdoptionInterestInSchema,
    AdoptionInterestSchema,
    AdoptionInterestUpdateSchema,
    AppliedPlaceSchema,
    AttachmentSchema,
    AuthorInvitationSchema,
    IdeaInSchema,
    IdeaListItemSchema,
    IdeaSchema,
    NotificationSchema,
    PublicIdeaSchema,
    PublishSchema,
    ScreenSchema,
    WithdrawSchema,
)
from scoring.messages import Message

bp = Blueprint("ideas_api", __name__)
TAGS = ["ideas"]


def dump_idea(idea, actor=None):
    """The full idea for those who may see it in full, the public shape for everyone else.

    The owner and staff also see each author row's invitation (``{"user_id", "status"}``)."""
    if not can(actor, "idea.view_confidential", idea):
        public = PublicIdeaSchema().dump(idea)
        public["recognition"] = providers.recognition(db.session(), idea)
        return public
    body = IdeaSchema().dump(idea)
    body["recognition"] = providers.recognition(db.session(), idea)
    invitations = coauthors.invitations_by_author(db.session(), actor, idea)
    if invitations is not None:
        for row, author in zip(body["authors"], idea.authors, strict=True):
            invitation = invitations.get(author.id)
            row["invitation"] = (
                {"user_id": invitation.invited_user_id, "status": invitation.status}
                if invitation is not None
                else None
            )
    return body


def _int_arg(name: str, errors: dict) -> int | None:
    raw = request.args.get(name)
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except ValueError:
        errors[name] = ["Phải là số nguyên."]
        return None


@bp.post("/ideas")
@doc(
    "Register an idea (draft)",
    body=IdeaInSchema,
    response=IdeaSchema,
    status=201,
    tags=TAGS,
    links={
        "get": by_id("get_idea", idea_id="$response.body#/id"),
        "update": by_id("update_idea", idea_id="$response.body#/id"),
        "submit": by_id("submit_idea", idea_id="$response.body#/id"),
        "screen": by_id("screen_idea", idea_id="$response.body#/id"),
        "withdraw": by_id("withdraw_idea", idea_id="$response.body#/id"),
        "attachments": by_id("list_attachments", idea_id="$response.body#/id"),
        "attach": by_id("add_attachment", idea_id="$response.body#/id"),
        "similar": by_id("similar", idea_id="$response.body#/id"),
        "interests": by_id("list_adoption_interests", idea_id="$response.body#/id"),
        "results": by_id("idea_results", idea_id="$response.body#/id"),
    },
)
def create_idea():
    actor = signed_in_actor()
    data = load_json(IdeaInSchema())
    data.pop("version", None)
    idea = service.create_idea(db.session(), actor, data)
    return dump_idea(idea, actor), 201


@bp.get("/ideas")
@doc(
    "Ideas the caller may see",
    response=IdeaListItemSchema,
    many=True,
    tags=TAGS,
    params={
        "status": {"type": "string", "enum": list(STATUS_VALUES)},
        "area": {"type": "string"},
        "year": {"type": "integer"},
        "district_id": {"type": "integer"},
        "unit_id": {"type": "integer"},
    },
    links={
        "get": by_id("get_idea", idea_id="$response.body#/items/0/id"),
        "submit": by_id("submit_idea", idea_id="$response.body#/items/0/id"),
        "screen": by_id("screen_idea", idea_id="$response.body#/items/0/id"),
        "similar": by_id("similar", idea_id="$response.body#/items/0/id"),
        "attachments": by_id("list_attachments", idea_id="$response.body#/items/0/id"),
    },
)
def list_ideas():
    actor = signed_in_actor()
    errors: dict[str, list[str]] = {}
    status = request.args.get("status") or None
    if status and status not in STATUS_VALUES:
        errors["status"] = ["Trạng thái không hợp lệ."]
    filters = {name: _int_arg(name, errors) for name in ("year", "district_id", "unit_id")}
    if errors:
        raise ValidationFailed(N_("Tham số lọc không hợp lệ."), errors)
    stmt = service.list_ideas(
        db.session(), actor, status=status, area=request.args.get("area") or None, **filters
    )
    return paginate(db.session(), stmt, IdeaListItemSchema())


@bp.get("/ideas/<int:idea_id>")
@doc("One idea (anyone once published)", response=IdeaSchema, auth=False, tags=TAGS)
def get_idea(idea_id: int):
    actor = api_actor()
    idea = service.get_idea(db.session(), actor, idea_id)
    return dump_idea(idea, actor)


@bp.patch("/ideas/<int:idea_id>")
@doc("Edit a draft or a dossier returned for supplement", body=IdeaInSchema, response=IdeaSchema)
def update_idea(idea_id: int):
    actor = signed_in_actor()
    data = load_json(IdeaInSchema(), partial=True)
    version = data.pop("version", None)
    idea = service.update_idea(db.session(), actor, idea_id, data, expected_version=version)
    return dump_idea(idea, actor)


@bp.post("/ideas/<int:idea_id>/submit")
@doc(
    "Submit (the code is assigned at the first submit)",
    response=IdeaSchema,
    tags=TAGS,
    links={
        "screen": by_id("screen_idea", idea_id="$response.body#/id"),
        "similar": by_id("similar", idea_id="$response.body#/id"),
        "withdraw": by_id("withdraw_idea", idea_id="$response.body#/id"),
    },
)
def submit_idea(idea_id: int):
    actor = signed_in_actor()
    return dump_idea(service.submit_idea(db.session(), actor, idea_id), actor)


@bp.post("/ideas/<int:idea_id>/screen")
@doc("Screen a submitted dossier", body=ScreenSchema, response=IdeaSchema, tags=TAGS)
def screen_idea(idea_id: int):
    actor = signed_in_actor()
    data = load_json(ScreenSchema())
    idea = service.screen_idea(db.session(), actor, idea_id, data["decision"], data["note"])
    return dump_idea(idea, actor)


@bp.post("/ideas/<int:idea_id>/withdraw")
@doc("Withdraw before review", body=WithdrawSchema, response=IdeaSchema, tags=TAGS)
def withdraw_idea(idea_id: int):
    actor = signed_in_actor()
    data = load_json(WithdrawSchema())
    return dump_idea(service.withdraw_idea(db.session(), actor, idea_id, data["note"]), actor)


@bp.post("/ideas/<int:idea_id>/publish")
@doc("Mark an idea public or not (secretary)", body=PublishSchema, response=IdeaSchema, tags=TAGS)
def publish_idea(idea_id: int):
    actor = signed_in_actor()
    data = load_json(PublishSchema())
    return dump_idea(
        service.set_public_override(db.session(), actor, idea_id, data["public"]), actor
    )


@bp.post("/ideas/<int:idea_id>/adoption-interests")
@limiter.limit(lambda: current_app.config.get("ADOPTION_RATE_LIMIT", "10 per hour"))
@doc(
    "Ask to apply a published initiative (anyone)",
    body=AdoptionInterestInSchema,
    response=AdoptionInterestCreatedSchema,
    status=201,
    auth=False,
    tags=TAGS,
)
def create_adoption_interest(idea_id: int):
    data = load_json(AdoptionInterestInSchema())
    antibot.check(data.pop("website"), data.pop("started"), require_started=False)
    interest = service.add_adoption_interest(db.session(), idea_id, data)
    return AdoptionInterestCreatedSchema().dump(interest), 201


@bp.get("/ideas/<int:idea_id>/adoption-interests")
@doc("Interests to apply an idea (owner, unit officer, staff)", tags=TAGS)
def list_adoption_interests(idea_id: int):
    actor = signed_in_actor()
    items = service.list_adoption_interests(db.session(), actor, idea_id)
    return {"items": AdoptionInterestSchema(many=True).dump(items), "total": len(items)}


@bp.patch("/adoption-interests/<int:interest_id>")
@doc(
    "Move an adoption interest on (forward only, or to declined) and record its outcome "
    "(idea owner, unit officer of its unit, secretary)",
    body=AdoptionInterestUpdateSchema,
    response=AdoptionInterestSchema,
    tags=TAGS,
)
def update_adoption_interest(interest_id: int):
    actor = signed_in_actor()
    data = load_json(AdoptionInterestUpdateSchema())
    interest = adoption.update_interest(db.session(), actor, interest_id, data)
    return AdoptionInterestSchema().dump(interest)


@bp.get("/ideas/<int:idea_id>/applied")
@doc("Where a published idea has been applied (anyone)", auth=False, tags=TAGS)
def applied_places(idea_id: int):
    idea = service.get_idea(db.session(), api_actor(), idea_id)
    items = adoption.applied_places(db.session(), idea.id)
    return {"items": AppliedPlaceSchema(many=True).dump(items), "total": len(items)}


@bp.post("/ideas/<int:idea_id>/follow")
@doc("Follow an idea: be told when it is recognised or applied elsewhere", status=201, tags=TAGS)
def follow_idea(idea_id: int):
    idea = adoption.follow(db.session(), signed_in_actor(), idea_id)
    return {"idea_id": idea.id, "following": True}, 201


@bp.delete("/ideas/<int:idea_id>/follow")
@doc("Stop following an idea", status=204, tags=TAGS)
def unfollow_idea(idea_id: int):
    adoption.unfollow(db.session(), signed_in_actor(), idea_id)
    return "", 204


@bp.get("/ideas/<int:idea_id>/attachments")
@doc("Attachments of an idea", tags=TAGS)
def list_attachments(idea_id: int):
    actor = signed_in_actor()
    idea = service.get_idea(db.session(), actor, idea_id)
    if not can(actor, "attachment.download", idea):
        return {"items": []}
    return {"items": AttachmentSchema(many=True).dump(idea.live_attachments)}


@bp.post("/ideas/<int:idea_id>/attachments")
@doc(
    "Attach a file (multipart field `file`)",
    response=AttachmentSchema,
    status=201,
    tags=TAGS,
    upload="file",
    links={
        "download": by_id("download_attachment", attachment_id="$response.body#/id"),
        "remove": by_id(
            "remove_attachment",
            idea_id="$request.path.idea_id",
            attachment_id="$response.body#/id",
        ),
    },
)
def add_attachment(idea_id: int):
    actor = signed_in_actor()
    upload = request.files.get("file")
    if upload is None:
        raise BadRequest(N_("Cần gửi tệp trong trường `file` (multipart/form-data)."))
    attachment = service.add_attachment(
        db.session(), actor, idea_id, upload.filename, upload.stream
    )
    return AttachmentSchema().dump(attachment), 201


@bp.delete("/ideas/<int:idea_id>/attachments/<int:attachment_id>")
@doc("Take a file out of the dossier (it is kept)", status=204, tags=TAGS)
def remove_attachment(idea_id: int, attachment_id: int):
    actor = signed_in_actor()
    service.remove_attachment(db.session(), actor, idea_id, attachment_id)
    return "", 204


@bp.get("/attachments/<int:attachment_id>")
@doc("Download an attachment", produces=["*/*"], auth=False, tags=TAGS)
def download_attachment(attachment_id: int):
    actor = api_actor()
    attachment, path = service.attachment_for_download(db.session(), actor, attachment_id)
    return send_file(
        path,
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=attachment.original_name,
        max_age=0,
    )


@bp.get("/notifications")
@doc("The caller's notifications, newest first", response=NotificationSchema, many=True)
def list_notifications():
    actor = signed_in_actor()
    return paginate(
        db.session(), notify.list_notifications(db.session(), actor), NotificationSchema()
    )


@bp.post("/notifications/<int:notification_id>/read")
@doc("Mark a notification read", status=204)
def read_notification(notification_id: int):
    actor = signed_in_actor()
    notify.mark_read(db.session(), actor, notification_id)
    return "", 204


def _on_row(row: int | None, message: str) -> str:
    if row is None:
        return message
    return Message(N_("Dòng %(row)s: %(message)s"), row=row, message=message)


@bp.post("/ideas/import")
@doc(
    "Import ideas from an .xlsx or .csv file (multipart `file`; `?dry_run=1` only checks); "
    "nothing is written when any row fails",
    status=(201, 200),
    tags=TAGS,
    upload="file",
    params={
        "dry_run": {"type": "string", "enum": ["0", "1"]},
        "allow_duplicates": {"type": "string", "enum": ["0", "1"]},
    },
)
def import_ideas():
    actor = signed_in_actor()
    upload = request.files.get("file")
    if upload is None:
        raise BadRequest(N_("Cần gửi tệp trong trường `file` (multipart/form-data)."))
    dry_run = request.args.get("dry_run", "").lower() in ("1", "true", "yes")
    allow = request.args.get("allow_duplicates", "").lower() in ("1", "true", "yes")
    result = importer.import_ideas(
        db.session(),
        actor,
        upload.filename or "",
        upload.read(),
        dry_run=dry_run,
        allow_duplicates=allow,
    )
    body = result.as_dict()
    if result.held:
        body["error"] = {
            "code": "conflict",
            "message": Message(
                N_(
                    "Tệp có %(n)s dòng trùng với ý tưởng đã có (cùng tên và tác giả); chưa nhập "
                    "dòng nào. Gửi lại với ?allow_duplicates=1 để vẫn nhập."
                ),
                n=len(result.warnings),
            ),
            "fields": {"title": [_on_row(w.row, w.message) for w in result.warnings]},
        }
        return body, 409
    if result.errors:
        fields: dict[str, list[str]] = {}
        for error in result.errors:
            fields.setdefault(error.field, []).append(_on_row(error.row, error.message))
        body["error"] = {
            "code": "validation_failed",
            "message": Message(N_("Tệp có %(n)s lỗi; chưa nhập dòng nào."), n=len(result.errors)),
            "fields": fields,
        }
        return body, 422
    return body, 200 if dry_run else 201


# --- co-author invitations (API.md: Co-authors who have accounts) ----------------------------


@bp.get("/author-invitations")
@doc(
    "Invitations to be named co-author addressed to the caller, newest first",
    response=AuthorInvitationSchema,
    many=True,
    tags=TAGS,
    params={"status": {"type": "string", "enum": ["pending", "accepted", "declined"]}},
    links={
        "accept": by_id("accept_author_invitation", invitation_id="$response.body#/items/0/id"),
        "decline": by_id("decline_author_invitation", invitation_id="$response.body#/items/0/id"),
    },
)
def list_author_invitations():
    actor = signed_in_actor()
    status = request.args.get("status") or None
    if status is not None and (status not in INVITATION_STATUSES or status == "withdrawn"):
        raise ValidationFailed(
            N_("Tham số lọc không hợp lệ."), {"status": ["Một trong: pending, accepted, declined."]}
        )
    stmt = coauthors.list_invitations(db.session(), actor, status=status)
    return paginate(db.session(), stmt, AuthorInvitationSchema())


@bp.post("/author-invitations/<int:invitation_id>/accept")
@doc(
    "Accept: the caller becomes the linked author of the row (the invited user only)",
    response=AuthorInvitationSchema,
    tags=TAGS,
    links={"idea": by_id("get_idea", idea_id="$response.body#/idea_id")},
)
def accept_author_invitation(invitation_id: int):
    actor = signed_in_actor()
    invitation = coauthors.accept_invitation(db.session(), actor, invitation_id)
    return AuthorInvitationSchema().dump(invitation)


@bp.post("/author-invitations/<int:invitation_id>/decline")
@doc("Decline (the invited user only)", response=AuthorInvitationSchema, tags=TAGS)
def decline_author_invitation(invitation_id: int):
    actor = signed_in_actor()
    invitation = coauthors.decline_invitation(db.session(), actor, invitation_id)
    return AuthorInvitationSchema().dump(invitation)
