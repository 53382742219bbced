"""Registration codes: <PROVINCE>-<year>-<NNNN>, assigned at the first submit, never twice."""

import threading

import pytest


def test_codes_count_up_per_year_and_keep_on_resubmit(create_idea):
    first = create_idea(submit=True, year=2021)
    second = create_idea(submit=True, year=2021)
    other_year = create_idea(submit=True, year=2022)
    returned = create_idea(status="needs_revision", year=2021)
    assert (first.code, second.code, other_year.code) == (
        "BK-2021-0001",
        "BK-2021-0002",
        "BK-2022-0001",
    )
    assert returned.code == "BK-2021-0003"


def test_province_code_comes_from_settings(app, create_idea):
    app.config["PROVINCE_CODE"] = "TN"
    assert create_idea(submit=True, year=2025).code == "TN-2025-0001"


def test_a_code_already_taken_by_an_imported_idea_is_skipped(db_session, create_idea):
    from ideadb.ideas import service

    imported = create_idea(year=2021)
    imported.code = "BK-2021-0001"
    db_session.commit()
    assert create_idea(submit=True, year=2021).code == "BK-2021-0002"
    assert service.next_code(db_session, 2021) == "BK-2021-0003"


@pytest.mark.postgres_only
def test_simultaneous_submits_on_postgresql_get_distinct_codes(app, create_idea, make_user):
    from ideadb.extensions import db
    from ideadb.ideas import service

    owner = make_user("dung", unit="BK-BB-NM")
    ids = [create_idea(owner, year=2021).id for _ in range(8)]
    owner_id = owner.id
    barrier = threading.Barrier(len(ids))
    codes: dict[int, str] = {}
    errors: list[BaseException] = []

    def submit(idea_id: int) -> None:
        with app.app_context():
            try:
                from ideadb.accounts.models import User

                actor = db.session.get(User, owner_id)
                barrier.wait(timeout=10)
                codes[idea_id] = service.submit_idea(db.session, actor, idea_id).code
            except BaseException as exc:  # reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=submit, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    assert sorted(codes.values()) == [f"BK-2021-{n:04d}" for n in range(1, 9)]
