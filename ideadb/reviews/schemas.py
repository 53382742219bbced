"""API shapes of rounds, conflicts, assignments and reviews (API.md: Rounds, assignments,
reviews). Schemas check types and shapes only; the services validate values (which level,
which aggregation, what is required) with Vietnamese messages."""

from marshmallow import Schema, fields


class RoundSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String()
    year = fields.Integer()
    level = fields.String()
    criteria_set_id = fields.Integer()
    reviewers_per_idea = fields.Integer(load_default=2)
    aggregation = fields.String(load_default="mean")
    blind = fields.Boolean(load_default=False)
    disagreement_threshold = fields.Float(load_default=20)
    status = fields.String(dump_only=True)
    deadline = fields.Date(allow_none=True, load_default=None)
    chair_id = fields.Integer(allow_none=True, load_default=None)
    show_details_to_submitters = fields.Boolean(load_default=False)
    document = fields.Dict(keys=fields.String(), values=fields.String(), load_default=dict)
    appeal_days = fields.Integer(load_default=30)
    source_round_ids = fields.List(fields.Integer(), dump_only=True)
    # API.md: Public vote — {"weight", "opens_at", "closes_at"} or null (checked by the service).
    public_vote = fields.Raw(allow_none=True)


class RoundUpdateSchema(RoundSchema):
    class Meta:
        partial = True


class IdeaIdsSchema(Schema):
    idea_ids = fields.List(fields.Integer(), required=True)


class UserIdsSchema(Schema):
    user_ids = fields.List(fields.Integer(), required=True)


class ConflictInSchema(Schema):
    user_id = fields.Integer(required=True)
    idea_id = fields.Integer(required=True)
    reason = fields.String(load_default="")


class ConflictSchema(Schema):
    id = fields.Integer()
    round_id = fields.Integer()
    idea_id = fields.Integer()
    user_id = fields.Integer(attribute="reviewer_id")
    kind = fields.String()
    reason = fields.String()
    dismissed = fields.Function(lambda c: c.dismissed_at is not None)
    dismiss_reason = fields.String(allow_none=True)
    created_at = fields.DateTime()


class ConflictDismissSchema(Schema):
    reason = fields.String(load_default="")


class AssignmentInSchema(Schema):
    idea_id = fields.Integer(required=True)
    reviewer_id = fields.Integer(required=True)


class AssignmentSchema(Schema):
    id = fields.Integer()
    round_id = fields.Integer()
    idea_id = fields.Integer()
    reviewer_id = fields.Integer()
    status = fields.String()


class MyAssignmentSchema(Schema):
    id = fields.Integer()
    round_id = fields.Integer()
    idea_id = fields.Integer()
    status = fields.String()


class AssignmentConfirmSchema(Schema):
    conflict = fields.Boolean(required=True)
    reason = fields.String(load_default="")


class ReviewInSchema(Schema):
    scores = fields.Dict(keys=fields.String(), values=fields.Raw(allow_none=True), required=True)
    comments = fields.Dict(
        keys=fields.String(), values=fields.String(allow_none=True), load_default=dict
    )
    comment = fields.String(load_default="", allow_none=True)
    version = fields.Integer(required=True, strict=True)


class ReviewSchema(Schema):
    scores = fields.Dict()
    comments = fields.Dict()
    comment = fields.String()
    version = fields.Integer()
    status = fields.String()
    total = fields.Float(allow_none=True)
    submitted_at = fields.DateTime(allow_none=True)


class ReviewReopenSchema(Schema):
    reason = fields.String(load_default="")


class AssignmentWithdrawSchema(Schema):
    reason = fields.String(load_default="")
    replace = fields.Boolean(load_default=False)


class ProgressSchema(Schema):
    assignments = fields.Integer()
    submitted = fields.Integer()
    by_reviewer = fields.List(fields.Dict())
    by_idea = fields.List(fields.Dict())


class DeliberateSchema(Schema):
    force = fields.Boolean(load_default=False)


class DiscussionInSchema(Schema):
    idea_id = fields.Integer(required=True)
    note = fields.String(load_default="")


class DiscussionSchema(Schema):
    id = fields.Integer()
    round_id = fields.Integer()
    idea_id = fields.Integer()
    note = fields.String()
    created_at = fields.DateTime()


class RoundDecisionInSchema(Schema):
    idea_id = fields.Integer(required=True)
    level = fields.String(required=True, allow_none=True)
    note = fields.String(load_default="")


class RoundDecisionSchema(Schema):
    id = fields.Integer()
    round_id = fields.Integer()
    idea_id = fields.Integer()
    level = fields.String(allow_none=True)
    note = fields.String()
    applied_at = fields.DateTime(allow_none=True)


class NextRoundSchema(RoundSchema):
    source_round_ids = fields.List(fields.Integer(), required=True)
    # The recognition level code nominated upward; default: each source's highest level.
    nominate_level = fields.String(load_default=None, allow_none=True, load_only=True)


class VoteCountSchema(Schema):
    votes = fields.Integer()


class VoteItemSchema(Schema):
    idea_id = fields.Integer()
    code = fields.String(allow_none=True)
    title = fields.String()
    votes = fields.Integer()
