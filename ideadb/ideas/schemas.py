"""API shapes of ideas (API.md: Ideas). Loading checks types; the service checks the rules."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields

VI_MESSAGES = {
    "required": "Trường này là bắt buộc.",
    "null": "Trường này không được để trống.",
    "invalid": "Giá trị không hợp lệ.",
    "type": "Giá trị không hợp lệ.",
}


def vi(field_class, **kwargs):
    """A marshmallow field whose error messages are Vietnamese."""
    messages = dict(VI_MESSAGES)
    if field_class is fields.Integer:
        messages["invalid"] = "Phải là số nguyên."
    if field_class is fields.Date:
        messages["invalid"] = "Ngày không hợp lệ (dạng yyyy-mm-dd)."
    if field_class is fields.Boolean:
        messages["invalid"] = "Phải là true hoặc false."
    messages.update(kwargs.pop("error_messages", {}))
    return field_class(error_messages=messages, **kwargs)


class AuthorSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    name = vi(fields.String, required=True)
    unit = vi(fields.String, load_default="", allow_none=True)
    share = vi(fields.Integer, required=True, strict=True)
    # On input: the user this row invites (API.md: Co-authors who have accounts); on output: the
    # linked account, set only once that user accepted.
    user_id = vi(fields.Integer, load_default=None, allow_none=True)
    # The row's invitation, {"user_id", "status"}, shown to the owner and staff only.
    invitation = fields.Dict(dump_only=True, allow_none=True)


class PublicAuthorSchema(Schema):
    name = fields.String()
    unit = fields.String()
    share = fields.Integer()


class IdeaInSchema(Schema):
    """POST /ideas and PATCH /ideas/{id} (partial)."""

    class Meta:
        unknown = EXCLUDE

    title = vi(fields.String, required=True)
    summary = vi(fields.String, allow_none=True)
    description = vi(fields.String, allow_none=True)
    novelty = vi(fields.String, allow_none=True)
    benefits = vi(fields.String, allow_none=True)
    area = vi(fields.String, allow_none=True)
    year = vi(fields.Integer, allow_none=True, strict=True)
    district_id = vi(fields.Integer, allow_none=True, strict=True)
    unit_id = vi(fields.Integer, allow_none=True, strict=True)
    applied_from = vi(fields.Date, allow_none=True)
    authors = vi(fields.List, cls_or_instance=fields.Nested(AuthorSchema))
    publish_consent = vi(fields.Boolean)
    owner_name = vi(fields.String, allow_none=True)
    field_of_application = vi(fields.String, allow_none=True)
    application_conditions = vi(fields.String, allow_none=True)
    confidential_info = vi(fields.String, allow_none=True)
    version = vi(fields.Integer, strict=True, load_only=True)


class RecognitionSchema(Schema):
    """API.md: After the decision — the standing recognition and its register number."""

    scope = fields.String(allow_none=True)
    level = fields.String(allow_none=True)
    level_name = fields.String(allow_none=True)
    round_id = fields.Integer(allow_none=True)
    decided_at = fields.String(allow_none=True)
    number = fields.String(allow_none=True)


class PublicIdeaSchema(Schema):
    """What anyone may read of a published idea: no confidential information."""

    id = fields.Integer()
    code = fields.String(allow_none=True)
    title = fields.String()
    summary = fields.String()
    description = fields.String()
    novelty = fields.String()
    benefits = fields.String()
    area = fields.String(allow_none=True)
    year = fields.Integer(allow_none=True)
    district_id = fields.Integer(allow_none=True)
    unit_id = fields.Integer(allow_none=True)
    applied_from = fields.Date(allow_none=True)
    authors = fields.List(fields.Nested(PublicAuthorSchema))
    publish_consent = fields.Boolean()
    publish_consent_at = fields.DateTime(allow_none=True)
    status = fields.String()
    submitted_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    owner_name = fields.String(allow_none=True)
    field_of_application = fields.String()
    application_conditions = fields.String()
    recognized_level = fields.String(allow_none=True)
    recognized_scope = fields.String(allow_none=True)
    # Filled by the API from the reviews feature's register (a provider): see dump_idea.
    recognition = fields.Nested(RecognitionSchema, allow_none=True, dump_only=True)
    published = fields.Method("dump_published")

    def dump_published(self, idea) -> bool:
        from ideadb.ideas.service import is_published

        return is_published(idea)


class IdeaSchema(PublicIdeaSchema):
    """The full idea, for its owner, authors, unit officers and staff."""

    authors = fields.List(fields.Nested(AuthorSchema))
    confidential_info = fields.String()
    registrant_id = fields.Integer(allow_none=True)
    screening_note = fields.String(allow_none=True)
    public_override = fields.Boolean()
    version = fields.Integer()


class IdeaListItemSchema(Schema):
    id = fields.Integer()
    code = fields.String(allow_none=True)
    title = fields.String()
    summary = fields.String()
    area = fields.String(allow_none=True)
    year = fields.Integer(allow_none=True)
    district_id = fields.Integer(allow_none=True)
    unit_id = fields.Integer(allow_none=True)
    status = fields.String()
    submitted_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class ScreenSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    decision = vi(fields.String, required=True)
    note = vi(fields.String, load_default=None, allow_none=True)


class WithdrawSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    note = vi(fields.String, load_default=None, allow_none=True)


class PublishSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    public = vi(fields.Boolean, required=True)


class AdoptionInterestInSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    organisation = vi(fields.String, required=True)
    contact_name = vi(fields.String, required=True)
    email = vi(fields.String, load_default="", allow_none=True)
    phone = vi(fields.String, load_default="", allow_none=True)
    message = vi(fields.String, load_default="", allow_none=True)
    website = fields.String(load_default="", allow_none=True)  # honeypot: people leave it empty
    started = fields.String(load_default=None, allow_none=True)  # signed time the form opened


class AdoptionOutcomeSchema(Schema):
    applied_at = fields.Date(attribute="applied_at")
    benefit_vnd = fields.Integer(attribute="benefit_vnd", allow_none=True)
    description = fields.String(attribute="outcome_description", allow_none=True)


class AdoptionInterestSchema(Schema):
    id = fields.Integer()
    idea_id = fields.Integer()
    organisation = fields.String()
    contact_name = fields.String()
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    message = fields.String()
    status = fields.String()
    note = fields.String(allow_none=True)
    outcome = fields.Method("_outcome")
    created_at = fields.DateTime()
    updated_at = fields.DateTime(allow_none=True)

    def _outcome(self, interest):
        if interest.status != "applied":
            return None
        return AdoptionOutcomeSchema().dump(interest)


class AdoptionOutcomeInSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    # Checked by the service (dates, whole đồng), which names the field that is wrong.
    applied_at = fields.Raw(load_default=None, allow_none=True)
    benefit_vnd = fields.Raw(load_default=None, allow_none=True)
    description = vi(fields.String, load_default=None, allow_none=True)


class AdoptionInterestUpdateSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    status = fields.String(load_default=None, allow_none=True)
    note = vi(fields.String, load_default=None, allow_none=True)
    outcome = fields.Nested(AdoptionOutcomeInSchema, load_default=None, allow_none=True)


class AppliedPlaceSchema(Schema):
    """Where an initiative has been applied: public (no contact details)."""

    organisation = fields.String()
    applied_at = fields.Date()
    benefit_vnd = fields.Integer(allow_none=True)
    description = fields.String(attribute="outcome_description", allow_none=True)


class AdoptionInterestCreatedSchema(Schema):
    id = fields.Integer()
    idea_id = fields.Integer()
    organisation = fields.String()
    created_at = fields.DateTime()


class AttachmentSchema(Schema):
    id = fields.Integer()
    idea_id = fields.Integer()
    name = fields.String(attribute="original_name")
    size = fields.Integer()
    content_type = fields.String()
    sha256 = fields.String()
    created_at = fields.DateTime()


class NotificationSchema(Schema):
    id = fields.Integer()
    text = fields.String()
    link = fields.String(allow_none=True)
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)


class AuthorInvitationSchema(Schema):
    """An invitation as its invited user sees it: the idea's title and who asks, nothing more."""

    id = fields.Integer()
    idea_id = fields.Integer()
    idea_title = fields.Function(lambda i: i.idea.title)
    invited_by = fields.Integer(attribute="invited_by_id", allow_none=True)
    invited_by_name = fields.Function(
        lambda i: i.invited_by.full_name if i.invited_by is not None else None, allow_none=True
    )
    status = fields.String()
    created_at = fields.DateTime()
    decided_at = fields.DateTime(allow_none=True)
