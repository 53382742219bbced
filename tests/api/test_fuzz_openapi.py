"""Property-based fuzzing of the whole JSON API with schemathesis, on a seeded instance.

Stateless: every operation of /api/v1/openapi.json with valid and invalid generated inputs,
signed in with a token of an account holding every role, and anonymously. Stateful: sequences
that follow the document's OpenAPI links (ideas → submit/screen/attachments/similar, criteria
sets → activate/revise, rounds → assignments → reviews). Every answer must not be a 5xx, must
carry a documented status code and content type, and must match its documented schema.

The budget is fixed (examples per operation, scenarios, steps) and generation is derandomized,
so a run is repeatable; IDEADB_FUZZ_EXAMPLES / IDEADB_FUZZ_SCENARIOS enlarge it.
"""

from __future__ import annotations

import os
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
if os.environ.get("IDEADB_FUZZ_POSITIVE_ACCEPTANCE") == "1":
    # Exploration aid: schema-valid inputs the validators refuse (business rules show up too).
    from schemathesis.specs.openapi.checks import positive_data_acceptance

    CHECKS.append(positive_data_acceptance)
# (examples per operation and mode, stateful scenarios, steps per scenario)
BUDGET = {
    "sqlite": (int(os.environ.get("IDEADB_FUZZ_EXAMPLES", 6)), 60, 12),
    "postgres": (3, 30, 10),
}
if os.environ.get("IDEADB_FUZZ_SCENARIOS"):
    BUDGET["sqlite"] = (BUDGET["sqlite"][0], int(os.environ["IDEADB_FUZZ_SCENARIOS"]), 12)
# Revoking the token of the request would sign the rest of the run out: it gets its own.
REVOKES_TOKEN = "DELETE /auth/tokens/current"
SEED = 20210223


def _settings(max_examples: int, derandomize: bool = True, **extra) -> settings:
    return settings(
        max_examples=max_examples,
        derandomize=derandomize,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
        print_blob=False,
        **extra,
    )


@dataclass
class Report:
    """What a run sent and what it found."""

    cases: Counter = field(default_factory=Counter)
    statuses: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    failures: dict[tuple[str, str], str] = field(default_factory=dict)

    def record(self, phase: str, case, response) -> None:
        self.cases[phase] += 1
        self.statuses[case.operation.label][response.status_code] += 1

    def check(self, case, response, headers) -> None:
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except FailureGroup as group:
            for failure in group.exceptions:
                self._fail(case, failure, response)
        except Failure as failure:
            self._fail(case, failure, response)

    def _fail(self, case, failure: Failure, response) -> None:
        key = (case.operation.label, failure.title)
        if key not in self.failures:
            body = response.content[:300].decode("utf-8", "replace")
            self.failures[key] = (
                f"{case.operation.label} → {response.status_code}: {failure.title}\n"
                f"  {failure.message[:600]}\n  request: path={case.path_parameters} "
                f"query={case.query} body={str(case.body)[:300]}\n  response: {body}"
            )

    def reached(self, ok_only: bool = True) -> set[str]:
        return {
            label
            for label, codes in self.statuses.items()
            if not ok_only or any(200 <= c < 300 for c in codes)
        }

    def summary(self, title: str, operations: int) -> str:
        return (
            f"{title}: {sum(v for k, v in self.cases.items() if k != 'scenarios')} generated "
            f"cases ({', '.join(f'{k} {v}' for k, v in sorted(self.cases.items()))}); "
            f"{len(self.reached(False))}/{operations} operations called, "
            f"{len(self.reached())} answered 2xx; {len(self.failures)} distinct failures"
        )


def load_schema(app, *, infer_links: bool = True):
    """The document as schemathesis reads it. Without inference the stateful phase follows
    only the links the document declares, so its budget goes to the declared workflows."""
    config: dict = {"seed": SEED}
    if not infer_links:
        config["phases"] = {"stateful": {"inference": {"algorithms": []}}}
    return schemathesis.openapi.from_wsgi(
        "/api/v1/openapi.json", app, config=schemathesis.Config.from_dict(config)
    )


def operations(schema) -> list:
    return [result.ok() for result in schema.get_all_operations()]


class Caller:
    """Headers for a case: the shared token, or a fresh one where the call revokes it."""

    def __init__(self, db_session, user_id: int | None, token: str | None):
        self.db_session = db_session
        self.user_id = user_id
        self.token = token

    def headers(self, case) -> dict[str, str]:
        if self.token is None:
            return {}
        token = self.token
        if case.operation.label == REVOKES_TOKEN:
            from ideadb.accounts import service
            from ideadb.accounts.models import User

            user = self.db_session.get(User, self.user_id)
            token, _ = service.issue_token(self.db_session, user, timedelta(hours=1))
            self.db_session.commit()
        return {"Authorization": f"Bearer {token}"}


def run_stateless(schema, caller: Caller, report: Report, max_examples: int, phase: str, only=None):
    for operation in only or operations(schema):
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategy = operation.as_strategy(generation_mode=mode)

            @given(case=strategy)
            @_settings(max_examples)
            def run(case):
                headers = caller.headers(case)
                response = case.call(headers=headers)
                report.record(phase, case, response)
                report.check(case, response, headers)

            try:
                run()
            except hypothesis.errors.Unsatisfiable:
                # No invalid input exists for some operations (nothing to break).
                continue


def run_stateful(schema, caller: Caller, report: Report, scenarios: int, steps: int):
    """Run scenarios in suites with fixed seeds, as schemathesis' engine does: the server's
    state changes under Hypothesis, so a suite that finds its replay inconsistent (Flaky)
    ends, and the next seed carries on until the budget of scenarios is spent."""
    machine = schema.as_state_machine()
    done = {"scenarios": 0}

    class Fuzz(machine):  # type: ignore[misc, valid-type]
        def get_call_kwargs(self, case):
            return {"headers": caller.headers(case)}

        def after_call(self, response, case):
            super().after_call(response, case)
            report.record("stateful", case, response)

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            report.check(case, response, kwargs.get("headers"))

        def teardown(self):
            done["scenarios"] += 1
            super().teardown()

    for suite in range(10):
        left = scenarios - done["scenarios"]
        if left <= 0:
            break
        seeded = hypothesis.seed(SEED + suite)(Fuzz)
        try:
            seeded.run(settings=_settings(left, stateful_step_count=steps, derandomize=False))
        except (hypothesis.errors.Flaky, hypothesis.errors.Unsatisfiable):
            continue
    report.cases["scenarios"] = done["scenarios"]


# Operations the stateful phase reaches through links (all but two must be called in a run;
# their answers are shown in the summary).
DEEP = (
    "POST /ideas/{idea_id}/submit",
    "POST /ideas/{idea_id}/attachments",
    "GET /ideas/{idea_id}/similar",
    "POST /assignments/{assignment_id}/confirm",
    "PUT /assignments/{assignment_id}/review",
    "POST /assignments/{assignment_id}/review/submit",
    "POST /criteria-sets/{set_id}/revise",
    "POST /criteria-sets/{set_id}/activate",
)


@pytest.fixture
def fuzz_budget(db_backend):
    return BUDGET[db_backend]


def test_openapi_document_links_name_real_operations(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    ids = {op["operationId"] for ops in spec["paths"].values() for op in ops.values()}
    assert len(ids) == sum(len(ops) for ops in spec["paths"].values()), "operationIds repeat"
    links = [
        link
        for ops in spec["paths"].values()
        for op in ops.values()
        for answer in op["responses"].values()
        for link in answer.get("links", {}).values()
    ]
    assert len(links) >= 20
    assert {link["operationId"] for link in links} <= ids
    for needed in ("submit_idea", "add_attachment", "similar", "save_review", "activate"):
        assert needed in {link["operationId"] for link in links}, needed


def test_schemathesis_stateless_and_stateful(app, db_session, seeded, fuzz_budget, db_backend):
    examples, scenarios, steps = fuzz_budget
    schema = load_schema(app)
    total = len(operations(schema))
    started = time.monotonic()

    signed_in = Report()
    caller = Caller(db_session, seeded.user_ids["all_roles"], seeded.tokens["all_roles"])
    run_stateless(schema, caller, signed_in, examples, "stateless")
    stateless_reached = signed_in.reached()

    anonymous = Report()
    run_stateless(schema, Caller(db_session, None, None), anonymous, examples, "anonymous")

    stateful = Report()
    run_stateful(load_schema(app, infer_links=False), caller, stateful, scenarios, steps)

    elapsed = time.monotonic() - started
    lines = [
        f"schemathesis {schemathesis.__version__} on {db_backend}, {total} operations, "
        f"{elapsed:.0f} s",
        signed_in.summary("stateless, all-roles token", total),
        anonymous.summary("stateless, anonymous", total),
        stateful.summary("stateful (links)", total),
        "reached only by the stateful phase: "
        + ", ".join(sorted(stateful.reached() - stateless_reached)),
        "never answered 2xx: "
        + ", ".join(
            sorted(
                {op.label for op in operations(schema)}
                - signed_in.reached()
                - anonymous.reached()
                - stateful.reached()
            )
        ),
    ]
    lines += [
        f"  {label}: {dict(sorted(stateful.statuses[label].items()))}"
        for label in DEEP
        if label in stateful.statuses
    ]
    print("\n".join(lines))
    failures = {**anonymous.failures, **signed_in.failures, **stateful.failures}
    assert not failures, "\n\n".join(failures.values())
    # The seeded instance and the links must carry the run deep, not just to 404s.
    called = [label for label in DEEP if label in stateful.reached(False)]
    assert len(called) >= len(DEEP) - 2, f"the links reached only {called}"


def test_the_harness_reports_a_server_error_and_an_undocumented_answer(app, monkeypatch):
    """The checks bite: a view that crashes, and one answering a code its document does not
    list, are both reported (a fuzz run that cannot fail would prove nothing)."""
    from ideadb.units import service

    def crash(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(service, "get_unit", crash)
    schema = load_schema(app)
    report = Report()
    one = [schema["/units/{unit_id}"]["GET"]]
    run_stateless(schema, Caller(None, None, None), report, 3, "stateless", only=one)
    titles = {title for (_, title) in report.failures}
    assert report.cases["stateless"] > 0
    assert "Server error" in titles
    assert "Undocumented HTTP status code" in titles or "Undocumented status code" in titles
