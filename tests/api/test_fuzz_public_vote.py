"""Generated inputs against the public vote's and e-mail verification's operations (valid and
invalid, signed in and anonymous): never a 500, always a documented answer."""

from __future__ import annotations

from tests.api.test_fuzz_openapi import Caller, Report, load_schema, operations, run_stateless

OURS = (
    "/rounds/{round_id}/ideas/{idea_id}/vote",
    "/rounds/{round_id}/votes",
    "/rounds/{round_id}/vote/open",
    "/rounds/{round_id}/vote/close",
    "/users/me/email-verification",
    "/auth/email-verification",
)


def test_public_vote_operations_never_fail(app, db_session, seeded):
    schema = load_schema(app)
    ours = [op for op in operations(schema) if op.path in OURS]
    assert len(ours) == len(OURS)
    report = Report()
    caller = Caller(db_session, seeded.user_ids["all_roles"], seeded.tokens["all_roles"])
    run_stateless(schema, caller, report, 10, "stateless", only=ours)
    run_stateless(schema, Caller(db_session, None, None), report, 10, "anonymous", only=ours)
    assert not report.failures, "\n\n".join(report.failures.values())
