"""JSON API of review rounds: parse → one service call → dump (API.md: Rounds, assignments,
reviews)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request, send_file

from ideadb.core.api import by_id, doc, load_json, signed_in_actor
from ideadb.extensions import db
from ideadb.reviews import access, conflicts, deliberation, policy, results, sheets
from ideadb.reviews import assignments as assignment_service
from ideadb.reviews import rounds as round_service
from ideadb.reviews import schemas as s

bp = Blueprint("reviews_api", __name__)
TAGS = ["reviews"]


def assignment_body(a) -> dict:
    """GET /assignments/{id}: the idea as its reviewer may see it, criteria and the sheet."""
    rubric = sheets.rubric_for(db.session(), a.round)
    review = sheets.review_of(db.session(), a)
    return {
        "id": a.id,
        "round_id": a.round_id,
        "status": a.status,
        "needs_confirmation": policy.needs_confirmation(a),
        "idea": sheets.idea_for_reviewer(db.session(), a),
        "criteria": sheets.criteria_payload(rubric),
        "review": None if review is None else review_body(rubric, review),
    }


def review_body(rubric, review) -> dict:
    data = s.ReviewSchema().dump(
        {
            "scores": {k: float(v) for k, v in review.scores.items()},
            "comments": review.comments,
            "comment": review.comment,
            "version": review.version,
            "status": review.status,
            "total": sheets.review_total(rubric, review.scores),
            "submitted_at": review.submitted_at,
        }
    )
    return data


# OpenAPI links: from a round, or an assignment, to what can be done with it next.
ROUND_OPERATIONS = (
    "get_round",
    "update_round",
    "add_ideas",
    "add_reviewers",
    "list_conflicts",
    "declare_conflict",
    "auto_assign",
    "list_assignments",
    "add_assignment",
    "open_round",
    "progress",
    "remind",
    "deliberate",
    "ranking",
    "disagreements",
    "add_discussion",
    "list_discussions",
    "stage_decision",
    "list_decisions",
    "finalize",
    "round_export",
)


def round_links(source: str) -> dict[str, Any]:
    return {operation: by_id(operation, round_id=source) for operation in ROUND_OPERATIONS}


def assignment_links(source: str, *, withdraw: bool = True) -> dict[str, Any]:
    links = {
        "get_assignment": by_id("get_assignment", assignment_id=source),
        "confirm": by_id("confirm", assignment_id=source, body={"conflict": False}),
        "save_review": by_id("save_review", assignment_id=source),
        "submit_review": by_id("submit_review", assignment_id=source),
    }
    if withdraw:
        links["withdraw_assignment"] = by_id("withdraw_assignment", assignment_id=source)
    return links


_FIRST = "$response.body#/items/0/id"
FIRST_ASSIGNMENT_LINKS = assignment_links(_FIRST)


@bp.post("/rounds")
@doc(
    "Create a round (secretary)",
    body=s.RoundSchema,
    response=s.RoundSchema,
    status=201,
    tags=TAGS,
    links=round_links("$response.body#/id"),
)
def create_round():
    actor = signed_in_actor()
    data = load_json(s.RoundSchema())
    return s.RoundSchema().dump(round_service.create_round(db.session(), actor, data)), 201


@bp.get("/rounds")
@doc(
    "Rounds (secretary)",
    response=s.RoundSchema,
    many=True,
    tags=TAGS,
    links=round_links("$response.body#/items/0/id"),
)
def list_rounds():
    rounds = round_service.list_rounds(db.session(), signed_in_actor())
    items = s.RoundSchema(many=True).dump(rounds)
    return {"items": items, "total": len(items), "page": 1, "per_page": max(len(items), 1)}


@bp.get("/rounds/<int:round_id>")
@doc("A round (staff, its chair and reviewers)", response=s.RoundSchema, tags=TAGS)
def get_round(round_id: int):
    return s.RoundSchema().dump(access.get_round(db.session(), signed_in_actor(), round_id))


@bp.patch("/rounds/<int:round_id>")
@doc(
    "Change a round's settings (secretary)",
    body=s.RoundUpdateSchema,
    response=s.RoundSchema,
    tags=TAGS,
)
def update_round(round_id: int):
    actor = signed_in_actor()
    data = load_json(s.RoundUpdateSchema(), partial=True)
    return s.RoundSchema().dump(round_service.update_round(db.session(), actor, round_id, data))


@bp.post("/rounds/next")
@doc(
    "A higher-scope round from the recognised ideas of finalized rounds",
    body=s.NextRoundSchema,
    response=s.RoundSchema,
    status=201,
    tags=TAGS,
)
def next_round():
    actor = signed_in_actor()
    data = load_json(s.NextRoundSchema())
    sources = data.pop("source_round_ids")
    level = data.pop("nominate_level", None)
    return s.RoundSchema().dump(
        round_service.create_next_round(db.session(), actor, data, sources, level)
    ), 201


@bp.post("/rounds/<int:round_id>/ideas")
@doc(
    "Add eligible ideas to a round (secretary)",
    body=s.IdeaIdsSchema,
    response=s.RoundSchema,
    tags=TAGS,
)
def add_ideas(round_id: int):
    actor = signed_in_actor()
    data = load_json(s.IdeaIdsSchema())
    return s.RoundSchema().dump(
        round_service.add_ideas(db.session(), actor, round_id, data["idea_ids"])
    )


@bp.post("/rounds/<int:round_id>/reviewers")
@doc(
    "Add reviewers to the panel (secretary)",
    body=s.UserIdsSchema,
    response=s.RoundSchema,
    tags=TAGS,
)
def add_reviewers(round_id: int):
    actor = signed_in_actor()
    data = load_json(s.UserIdsSchema())
    rnd = round_service.add_reviewers(db.session(), actor, round_id, data["user_ids"])
    return s.RoundSchema().dump(rnd)


@bp.get("/rounds/<int:round_id>/conflicts")
@doc("Conflicts of a round (secretary)", response=s.ConflictSchema, many=True, tags=TAGS)
def list_conflicts(round_id: int):
    rows = conflicts.list_conflicts(db.session(), signed_in_actor(), round_id)
    return {"items": s.ConflictSchema(many=True).dump(rows)}


@bp.post("/rounds/<int:round_id>/conflicts")
@doc(
    "Declare a conflict (secretary, or the reviewer)",
    body=s.ConflictInSchema,
    response=s.ConflictSchema,
    status=201,
    tags=TAGS,
)
def declare_conflict(round_id: int):
    actor = signed_in_actor()
    data = load_json(s.ConflictInSchema())
    row = assignment_service.declare_conflict(db.session(), actor, round_id, **data)
    return s.ConflictSchema().dump(row), 201


@bp.post("/rounds/<int:round_id>/conflicts/<int:conflict_id>/dismiss")
@doc(
    "Dismiss a false automatic conflict, with a reason (secretary)",
    body=s.ConflictDismissSchema,
    response=s.ConflictSchema,
    tags=TAGS,
)
def dismiss_conflict(round_id: int, conflict_id: int):
    actor = signed_in_actor()
    data = load_json(s.ConflictDismissSchema())
    row = conflicts.dismiss_conflict(db.session(), actor, round_id, conflict_id, data["reason"])
    return s.ConflictSchema().dump(row)


@bp.post("/rounds/<int:round_id>/assignments/auto")
@doc(
    "Assign reviewers automatically (secretary)",
    response=s.AssignmentSchema,
    many=True,
    tags=TAGS,
    links=FIRST_ASSIGNMENT_LINKS,
)
def auto_assign(round_id: int):
    created = assignment_service.auto_assign(db.session(), signed_in_actor(), round_id)
    return {
        "items": [{"id": a.id, "idea_id": a.idea_id, "reviewer_id": a.reviewer_id} for a in created]
    }


@bp.get("/rounds/<int:round_id>/assignments")
@doc(
    "Assignments of a round (secretary)",
    response=s.AssignmentSchema,
    many=True,
    tags=TAGS,
    links=FIRST_ASSIGNMENT_LINKS,
)
def list_assignments(round_id: int):
    rows = assignment_service.list_assignments(db.session(), signed_in_actor(), round_id)
    return {"items": s.AssignmentSchema(many=True).dump(rows)}


@bp.post("/rounds/<int:round_id>/assignments")
@doc(
    "Assign a reviewer by hand (secretary)",
    body=s.AssignmentInSchema,
    response=s.AssignmentSchema,
    status=201,
    tags=TAGS,
    links=assignment_links("$response.body#/id"),
)
def add_assignment(round_id: int):
    actor = signed_in_actor()
    data = load_json(s.AssignmentInSchema())
    a = assignment_service.add_assignment(
        db.session(), actor, round_id, data["idea_id"], data["reviewer_id"]
    )
    return s.AssignmentSchema().dump(a), 201


@bp.post("/assignments/<int:assignment_id>/withdraw")
@doc(
    "Take an unsubmitted assignment away (secretary)",
    body=s.AssignmentWithdrawSchema,
    response=s.AssignmentSchema,
    tags=TAGS,
)
def withdraw_assignment(assignment_id: int):
    actor = signed_in_actor()
    data = load_json(s.AssignmentWithdrawSchema())
    a = assignment_service.withdraw_assignment(
        db.session(), actor, assignment_id, data["reason"], replace=data["replace"]
    )
    return s.AssignmentSchema().dump(a)


@bp.post("/rounds/<int:round_id>/open")
@doc("Open the round for scoring (secretary)", response=s.RoundSchema, tags=TAGS)
def open_round(round_id: int):
    return s.RoundSchema().dump(round_service.open_round(db.session(), signed_in_actor(), round_id))


@bp.get("/assignments/mine")
@doc(
    "The caller's assignments",
    response=s.MyAssignmentSchema,
    many=True,
    tags=TAGS,
    links=assignment_links(_FIRST, withdraw=False),
)
def my_assignments():
    rows = sheets.my_assignments(db.session(), signed_in_actor())
    items = s.MyAssignmentSchema(many=True).dump(rows)
    return {"items": items, "total": len(items), "page": 1, "per_page": max(len(items), 1)}


@bp.get("/assignments/<int:assignment_id>")
@doc(
    "An assignment with its idea, criteria and sheet (its reviewer, secretary)",
    tags=TAGS,
    links={
        "confirm": by_id("confirm", assignment_id="$response.body#/id", body={"conflict": False}),
        "save_review": by_id(
            "save_review",
            assignment_id="$response.body#/id",
            body={"scores": {}, "version": "$response.body#/review/version"},
        ),
        "submit_review": by_id("submit_review", assignment_id="$response.body#/id"),
    },
)
def get_assignment(assignment_id: int):
    a = sheets.get_assignment(db.session(), signed_in_actor(), assignment_id)
    return assignment_body(a)


@bp.post("/assignments/<int:assignment_id>/confirm")
@doc(
    "Confirm no conflict, or declare one (that reviewer)",
    body=s.AssignmentConfirmSchema,
    response=s.AssignmentSchema,
    tags=TAGS,
    links={
        "get_assignment": by_id("get_assignment", assignment_id="$request.path.assignment_id"),
        "save_review": by_id(
            "save_review",
            assignment_id="$request.path.assignment_id",
            body={"scores": {}, "version": 0},
        ),
        "submit_review": by_id("submit_review", assignment_id="$request.path.assignment_id"),
    },
)
def confirm(assignment_id: int):
    actor = signed_in_actor()
    data = load_json(s.AssignmentConfirmSchema())
    a = sheets.confirm(
        db.session(), actor, assignment_id, conflict=data["conflict"], reason=data["reason"]
    )
    return s.AssignmentSchema().dump(a)


@bp.get("/assignments/<int:assignment_id>/attachments/<int:attachment_id>")
@doc("A file of the assigned idea (blind rounds: a neutral name)", tags=TAGS)
def attachment(assignment_id: int, attachment_id: int):
    from ideadb.ideas.service import attachment_path

    att, name = sheets.attachment_for_reviewer(
        db.session(), signed_in_actor(), assignment_id, attachment_id
    )
    return send_file(
        attachment_path(att), mimetype=att.content_type, as_attachment=True, download_name=name
    )


@bp.put("/assignments/<int:assignment_id>/review")
@doc(
    "Save the score sheet as a draft (that reviewer)",
    body=s.ReviewInSchema,
    response=s.ReviewSchema,
    tags=TAGS,
    links={
        "get_assignment": by_id("get_assignment", assignment_id="$request.path.assignment_id"),
        "submit_review": by_id("submit_review", assignment_id="$request.path.assignment_id"),
        "reopen_review": by_id("reopen_review", assignment_id="$request.path.assignment_id"),
    },
)
def save_review(assignment_id: int):
    actor = signed_in_actor()
    data = load_json(s.ReviewInSchema())
    review = sheets.save_review(db.session(), actor, assignment_id, **data)
    a = review.assignment
    return review_body(sheets.rubric_for(db.session(), a.round), review)


@bp.post("/assignments/<int:assignment_id>/review/submit")
@doc("Submit the score sheet (that reviewer)", response=s.ReviewSchema, tags=TAGS)
def submit_review(assignment_id: int):
    review = sheets.submit_review(db.session(), signed_in_actor(), assignment_id)
    return review_body(sheets.rubric_for(db.session(), review.assignment.round), review)


@bp.post("/assignments/<int:assignment_id>/review/reopen")
@doc(
    "Reopen a submitted sheet, with a reason (secretary)",
    body=s.ReviewReopenSchema,
    response=s.ReviewSchema,
    tags=TAGS,
)
def reopen_review(assignment_id: int):
    actor = signed_in_actor()
    data = load_json(s.ReviewReopenSchema())
    review = sheets.reopen_review(db.session(), actor, assignment_id, data["reason"])
    return review_body(sheets.rubric_for(db.session(), review.assignment.round), review)


@bp.get("/rounds/<int:round_id>/progress")
@doc("Progress per reviewer and per idea (secretary)", response=s.ProgressSchema, tags=TAGS)
def progress(round_id: int):
    return assignment_service.progress(db.session(), signed_in_actor(), round_id)


@bp.post("/rounds/<int:round_id>/reminders")
@doc("Remind reviewers with unsubmitted sheets (secretary)", tags=TAGS)
def remind(round_id: int):
    data = request.get_json(silent=True) or {}
    reviewer_id = data.get("reviewer_id") if isinstance(data, dict) else None
    n = assignment_service.remind(db.session(), signed_in_actor(), round_id, reviewer_id)
    return {"reminded": n}


@bp.post("/rounds/<int:round_id>/deliberate")
@doc(
    "End scoring: the round goes to deliberation (secretary)",
    body=s.DeliberateSchema,
    response=s.RoundSchema,
    tags=TAGS,
)
def deliberate(round_id: int):
    actor = signed_in_actor()
    data = load_json(s.DeliberateSchema())
    return s.RoundSchema().dump(
        deliberation.deliberate(db.session(), actor, round_id, force=data["force"])
    )


@bp.get("/rounds/<int:round_id>/ranking")
@doc("The ranking (secretary, chair; from deliberation on); ?aggregation= for a what-if", tags=TAGS)
def ranking(round_id: int):
    aggregation = request.args.get("aggregation") or None
    return results.ranking(db.session(), signed_in_actor(), round_id, aggregation=aggregation)


@bp.get("/rounds/<int:round_id>/disagreements")
@doc("Ideas whose reviewers disagree beyond the threshold (secretary, chair)", tags=TAGS)
def disagreements(round_id: int):
    return {"items": results.disagreements(db.session(), signed_in_actor(), round_id)}


@bp.post("/rounds/<int:round_id>/discussions")
@doc(
    "Record the council's discussion of an idea (secretary)",
    body=s.DiscussionInSchema,
    response=s.DiscussionSchema,
    status=201,
    tags=TAGS,
)
def add_discussion(round_id: int):
    actor = signed_in_actor()
    data = load_json(s.DiscussionInSchema())
    row = deliberation.add_discussion(db.session(), actor, round_id, data["idea_id"], data["note"])
    return s.DiscussionSchema().dump(row), 201


@bp.get("/rounds/<int:round_id>/discussions")
@doc(
    "The council's recorded discussions (secretary, chair)",
    response=s.DiscussionSchema,
    many=True,
    tags=TAGS,
)
def list_discussions(round_id: int):
    rows = deliberation.discussions(db.session(), signed_in_actor(), round_id)
    return {"items": s.DiscussionSchema(many=True).dump(rows)}


@bp.post("/rounds/<int:round_id>/decisions")
@doc(
    "Stage a decision (secretary, in deliberation)",
    body=s.RoundDecisionInSchema,
    response=s.RoundDecisionSchema,
    status=201,
    tags=TAGS,
)
def stage_decision(round_id: int):
    actor = signed_in_actor()
    data = load_json(s.RoundDecisionInSchema())
    row = deliberation.stage_decision(
        db.session(), actor, round_id, data["idea_id"], data["level"], data["note"]
    )
    return s.RoundDecisionSchema().dump(row), 201


@bp.get("/rounds/<int:round_id>/decisions")
@doc(
    "Staged and applied decisions (secretary, chair)",
    response=s.RoundDecisionSchema,
    many=True,
    tags=TAGS,
)
def list_decisions(round_id: int):
    rows = deliberation.decisions(db.session(), signed_in_actor(), round_id)
    return {"items": s.RoundDecisionSchema(many=True).dump(rows)}


@bp.post("/rounds/<int:round_id>/finalize")
@doc(
    "Finalize: apply every decision at once (secretary, in deliberation)",
    response=s.RoundSchema,
    tags=TAGS,
)
def finalize(round_id: int):
    return s.RoundSchema().dump(deliberation.finalize(db.session(), signed_in_actor(), round_id))


@bp.get("/ideas/<int:idea_id>/results")
@doc("Outcomes of finalized rounds for an idea (its owner and authors, staff)", tags=TAGS)
def idea_results(idea_id: int):
    return {"items": results.results_for_idea(db.session(), signed_in_actor(), idea_id)}
