"""One write path: registration as one unit of work, files placed only on commit, the index
told about file changes, transitions planned without a database, and no private reach-ins."""

import ast
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from ideadb.audit.models import AuditEvent
from ideadb.core.db import unit_of_work
from ideadb.core.errors import InvalidTransition, ValidationFailed
from ideadb.ideas import lifecycle, service
from ideadb.ideas.models import Attachment, Idea

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02" + b"\0" * 64
IDEAS_PACKAGE = Path(service.__file__).parent


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def complete_data(unit_id) -> dict:
    return {
        "title": "Lò sấy vỏ quế bằng cành quế khô",
        "summary": "Sấy vỏ quế bằng lò đốt cành quế khô khi mưa kéo dài.",
        "description": "Lò gạch hai buồng, khói đi qua ống dẫn nhiệt, vỏ quế không ám khói.",
        "area": "san_xuat_kinh_doanh",
        "year": 2021,
        "unit_id": unit_id("BK-BB-NM"),
    }


def audit_actions(db_session, idea_id: int) -> list[str]:
    return list(
        db_session.scalars(
            sa.select(AuditEvent.action)
            .where(AuditEvent.object_type == "idea", AuditEvent.object_id == str(idea_id))
            .order_by(AuditEvent.id)
        )
    )


def test_registering_with_a_file_and_submitting_is_one_unit_of_work(
    app, db_session, make_user, unit_id
):
    owner = make_user("dung", unit="BK-BB-NM")
    result = service.register_idea(
        db_session,
        owner,
        complete_data(unit_id),
        [service.Upload("so-do.png", PNG)],
        submit=True,
    )
    assert result.submitted and not result.file_errors and result.submit_error is None
    idea = db_session.get(Idea, result.idea.id)
    assert idea.status == "submitted" and idea.code
    assert [a.original_name for a in idea.live_attachments] == ["so-do.png"]
    assert audit_actions(db_session, idea.id) == [
        "idea.create",
        "idea.attachment_add",
        "idea.submit",
    ]
    uploads = Path(app.config["UPLOAD_DIR"])
    stored = files_under(uploads)
    assert stored == [service.attachment_path(idea.live_attachments[0])]
    assert stored[0].read_bytes() == PNG


def test_a_rolled_back_registration_leaves_no_idea_and_no_file(app, db_session, make_user, unit_id):
    owner = make_user("dung", unit="BK-BB-NM")
    with pytest.raises(RuntimeError), unit_of_work(db_session):
        service.register_idea(
            db_session, owner, complete_data(unit_id), [service.Upload("so-do.png", PNG)]
        )
        assert files_under(Path(app.config["UPLOAD_DIR"]))  # staged while the work runs
        raise RuntimeError("the rest of the change failed")
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Idea)) == 0
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 0
    assert files_under(Path(app.config["UPLOAD_DIR"])) == []


def test_invalid_fields_write_nothing_even_with_a_good_file(app, db_session, make_user, unit_id):
    owner = make_user("dung", unit="BK-BB-NM")
    data = {**complete_data(unit_id), "title": ""}
    with pytest.raises(ValidationFailed) as caught:
        service.register_idea(db_session, owner, data, [service.Upload("so-do.png", PNG)])
    assert caught.value.fields["title"] == ["Vui lòng nhập tên ý tưởng, sáng kiến."]
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Idea)) == 0
    assert files_under(Path(app.config["UPLOAD_DIR"])) == []


def test_a_refused_file_keeps_the_draft_and_does_not_submit(db_session, make_user, unit_id):
    owner = make_user("dung", unit="BK-BB-NM")
    result = service.register_idea(
        db_session,
        owner,
        complete_data(unit_id),
        [service.Upload("so-do.png", PNG), service.Upload("bao-cao.pdf", PNG)],
        submit=True,
    )
    assert result.file_errors == [
        "bao-cao.pdf: Nội dung tệp là PNG, không khớp với phần mở rộng “.pdf”."
    ]
    assert not result.submitted
    idea = db_session.get(Idea, result.idea.id)
    assert idea.status == "draft"
    assert [a.original_name for a in idea.live_attachments] == ["so-do.png"]


def test_adding_and_removing_a_file_keeps_the_search_index_current(app, db_session, create_idea):
    from ideadb.search import service as search_service

    idea = create_idea()
    assert search_service.check(db_session).ok
    before = db_session.get(Idea, idea.id).updated_at
    attachment = service.add_attachment(db_session, idea.registrant, idea.id, "a.png", PNG)
    assert db_session.get(Idea, idea.id).updated_at > before  # the indexed document changed
    report = search_service.check(db_session)
    assert report.ok, report
    service.remove_attachment(db_session, idea.registrant, idea.id, attachment.id)
    report = search_service.check(db_session)
    assert report.ok, report


def test_a_transition_plan_sets_fields_audit_and_notices_without_a_database():
    now = datetime(2024, 5, 2, 3, 4, tzinfo=UTC)
    draft = lifecycle.IdeaState("draft", None, "Lò sấy quế", 3)
    plan = lifecycle.plan_transition(draft, "submit", now=now, actor_id=7, new_code="BK-2024-0009")
    assert plan.changes == {
        "code": "BK-2024-0009",
        "submitted_at": now,
        "status": "submitted",
        "version": 4,
        "updated_at": now,
    }
    assert (plan.audit_action, plan.before, plan.after) == (
        "idea.submit",
        {"status": "draft", "code": "BK-2024-0009"},
        {"status": "submitted", "code": "BK-2024-0009"},
    )
    assert [(n.audience, n.text) for n in plan.notices] == [
        ("officers", "Hồ sơ “Lò sấy quế” (BK-2024-0009) đã được nộp và đang chờ sàng lọc.")
    ]
    submitted = lifecycle.IdeaState("submitted", "BK-2024-0009", "Lò sấy quế", 4)
    plan = lifecycle.plan_transition(
        submitted, "screen_needs_revision", now=now, actor_id=8, note="Bổ sung số liệu."
    )
    assert plan.changes["screened_by_id"] == 8 and plan.after["note"] == "Bổ sung số liệu."
    assert plan.notices[0].audience == "people"
    assert plan.notices[0].text.endswith("Ghi chú: Bổ sung số liệu.")
    with pytest.raises(InvalidTransition) as refused:
        lifecycle.plan_transition(submitted, "recognize", now=now, scope="tinh", level="DAT")
    assert "Đã nộp, chờ sàng lọc" in refused.value.message


def test_no_module_of_the_ideas_package_uses_another_modules_private_names():
    offences = []
    for path in sorted(IDEAS_PACKAGE.glob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        modules = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ideadb"):
                for alias in node.names:
                    if alias.name.startswith("_"):
                        offences.append(f"{path.name}: imports {node.module}.{alias.name}")
                    modules.add(alias.asname or alias.name)
            elif isinstance(node, ast.Import):
                modules.update(a.asname or a.name for a in node.names if "ideadb" in a.name)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in modules
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
            ):
                offences.append(f"{path.name}: uses {node.value.id}.{node.attr}")
    assert offences == []


def test_no_module_of_the_ideas_package_is_over_600_lines_of_code():
    sizes = {}
    for path in IDEAS_PACKAGE.glob("*.py"):
        source = path.read_text("utf-8")
        tree = ast.parse(source)
        docstrings = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef) and ast.get_docstring(
                node, clean=False
            ):
                first = node.body[0]
                docstrings.update(range(first.lineno, first.end_lineno + 1))
        sizes[path.name] = sum(
            1
            for number, line in enumerate(source.splitlines(), start=1)
            if line.strip() and not line.strip().startswith("#") and number not in docstrings
        )
    assert {name: n for name, n in sizes.items() if n > 600} == {}
