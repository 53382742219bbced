"""Messages built with values (row numbers, names written in a file, limits) read in English
on an English page, the Vietnamese text staying what it was for the API and for Vietnamese
pages: import row errors and duplicate warnings (kept in the job's result), refused
attachments, validation errors of the registration form."""

from __future__ import annotations

import io

import pytest

from ideadb.core.jobs import Job
from ideadb.ideas import importer
from ideadb.ideas.import_rows import RowError
from tests.english import report, untranslated, user_data, visible_text
from tests.ideas.test_idea_pages import PNG, form_data
from tests.ideas.test_import import ROW_A, ROW_B, csv_file, xlsx_file

PAGE = "/y-tuong/nhap-tu-tep"
# The column headings of the import file, written as in the file (the template is Vietnamese):
# the error table names the column of the reader's own file.
HEADINGS = {c.header for c in importer.COLUMNS}


@pytest.fixture
def officer(make_user, login):
    user = make_user("canbo.babe", roles=["unit_officer"], unit="BK-BB")
    login("canbo.babe")
    return user


def _read(client, path: str) -> tuple[str, str]:
    """The page and the text a person reads on it."""
    page = client.get(path).get_data(as_text=True)
    return page, visible_text(page)


def _upload(client, data: bytes, name: str, **extra) -> str:
    resp = client.submit(
        PAGE, {"file": (io.BytesIO(data), name), **extra}, content_type="multipart/form-data"
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    return resp.headers["Location"]


def _no_vietnamese(page: str, data: set[str]) -> None:
    found = [report(line, data) for line in untranslated(page, data)]
    assert not found, "\n".join(found)


BAD_ROWS = [
    {**ROW_A, "area": "XYZ"},
    {**ROW_B, "year": "20x1"},
    {**ROW_A, "authors": "Hoàng Văn Páo (70%); Triệu Thị Mai (40%)"},
    {**ROW_B, "unit_id": "Xã Không Có"},
    {**ROW_A, "applied_from": "31/02/2021"},
    {**ROW_B, "publish_consent": "maybe"},
    {**ROW_A, "title": ""},
    {**ROW_B, "authors": "Đàm Thị Nhài (50,5%)"},
]
ENGLISH = [
    "There is no area “XYZ”; write a code or a name as in the guide's table.",
    "The year “20x1” is not valid; write four digits, for example 2021.",
    "The authors' shares must add up to 100% (they add up to 110%).",
    "No unit “Xã Không Có” was found; write the unit's code or its exact name.",
    "The date “31/02/2021” is not valid; write it as dd/mm/yyyy, for example 15/03/2021.",
    "Write “yes” or “no”.",
    "Please enter the title of the idea or initiative.",
    "The share of “Đàm Thị Nhài” must be a whole percent (50,5% is written).",
]
VIETNAMESE = [
    "Không có lĩnh vực “XYZ”; hãy ghi mã hoặc tên như trong bảng hướng dẫn.",
    "Năm “20x1” không hợp lệ; ghi bốn chữ số, ví dụ 2021.",
    "Tổng tỷ lệ đóng góp của các tác giả phải bằng 100% (hiện là 110%).",
    "Không tìm thấy đơn vị “Xã Không Có”; hãy ghi mã hoặc đúng tên đơn vị.",
    "Ngày “31/02/2021” không hợp lệ; ghi theo dạng dd/mm/yyyy, ví dụ 15/03/2021.",
    "Ghi “Có” hoặc “Không”.",
    "Vui lòng nhập tên ý tưởng, sáng kiến.",
    "Tỷ lệ đóng góp của “Đàm Thị Nhài” phải là số nguyên phần trăm (đang ghi 50,5%).",
]


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_the_row_errors_of_an_import_read_in_english(client, db_session, officer, kind):
    data = user_data(db_session) | HEADINGS | {"Xã Không Có", "Đàm Thị Nhài"}
    file = xlsx_file(BAD_ROWS) if kind == "xlsx" else csv_file(BAD_ROWS)
    result = _upload(client, file, f"y-tuong.{kind}")
    client.get("/lang/en")
    page, text = _read(client, result)
    assert "The file has 8 errors; no row was imported." in text
    for english in ENGLISH:
        assert english in text
    _no_vietnamese(page, data)

    # The same result in Vietnamese, word for word as before.
    client.get("/lang/vi")
    _page, text = _read(client, result)
    for vietnamese in VIETNAMESE:
        assert vietnamese in text


def test_the_job_result_keeps_the_vietnamese_text_and_the_msgid(client, db_session, officer):
    result = _upload(client, csv_file(BAD_ROWS[:2]), "y-tuong.csv")
    job = db_session.get(Job, int(result.rsplit("/", 1)[1]))
    first, second = job.result["errors"]
    assert first["message"] == VIETNAMESE[0]
    assert first["message_id"] == {
        "msgid": "Không có lĩnh vực “%(area)s”; hãy ghi mã hoặc tên như trong bảng hướng dẫn.",
        "params": {"area": "XYZ"},
    }
    assert RowError.from_stored(second).message == VIETNAMESE[1]
    # A result kept before messages knew their msgid is shown as it was written.
    old = RowError.from_stored({k: v for k, v in first.items() if k != "message_id"})
    assert old.message == VIETNAMESE[0] and not hasattr(old.message, "msgid")


def test_a_file_problem_and_a_missing_column_read_in_english(client, db_session, officer):
    client.get("/lang/en")
    page, text = _read(client, _upload(client, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "cu.xls"))
    assert "The old Excel format (.xls) is not supported; save the file again as .xlsx." in text
    assert "<td>File</td>" in page
    _no_vietnamese(page, user_data(db_session))
    headers = [c.field for c in importer.COLUMNS if c.field != "authors"]
    page, text = _read(client, _upload(client, csv_file([ROW_A], headers=headers), "cot.csv"))
    assert "The required column “Tác giả” is missing." in text
    _no_vietnamese(page, user_data(db_session) | HEADINGS)


def test_duplicate_warnings_read_in_english(client, db_session, officer):
    _upload(client, csv_file([ROW_A]), "lan-dau.csv")  # imported: a draft, no code yet
    client.get("/lang/en")
    checked = _upload(client, csv_file([ROW_A, ROW_B, ROW_B]), "lan-hai.csv", dry_run="y")
    page, text = _read(client, checked)
    assert "Repeats an idea already registered with the same title and authors: #" in text
    assert "(draft)." in text
    assert "Repeats row 3 of the file (same title and authors)." in text
    _no_vietnamese(page, user_data(db_session) | HEADINGS)


def test_refused_attachments_read_in_english(client, make_user, login, unit_id, db_session):
    login(make_user("dung", full_name="Hoàng Thị Dung", unit="BK-BB-NM"))
    client.get("/lang/en")
    data = form_data(unit_id)
    data["files"] = [(io.BytesIO(PNG), "bao-cao.pdf"), (io.BytesIO(b"MZ\x90\x00" * 20), "x.exe")]
    resp = client.submit("/y-tuong/dang-ky", data)
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    text = visible_text(page)
    assert "bao-cao.pdf: The file holds PNG, which does not match its extension “.pdf”." in text
    assert "x.exe: Only PDF, DOC, DOCX, XLS, XLSX, JPG or PNG files are accepted." in text
    _no_vietnamese(page, user_data(db_session))


def test_a_validation_error_with_a_value_reads_in_english(client, make_user, login, unit_id):
    login(make_user("dung", full_name="Hoàng Thị Dung", unit="BK-BB-NM"))
    client.get("/lang/en")
    data = form_data(unit_id, **{"authors-1-share": "20"})
    resp = client.submit("/y-tuong/dang-ky", data)
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert "The authors' shares must add up to 100% (they add up to 90%)." in visible_text(page)
    assert "Tổng tỷ lệ" not in page


def test_drafts_not_submitted_together_are_named_in_english(
    client, make_user, login, create_idea, db_session
):
    officer = make_user("canbo", roles=["unit_officer", "submitter"], unit="BK-BB")
    done = create_idea(officer, title="Sáng kiến nhập từ tệp số 1")
    bare = create_idea(officer, title="Hồ sơ thiếu tóm tắt", summary="", description="")
    login("canbo")
    client.get("/lang/en")
    refused = client.submit("/y-tuong/nop-hang-loat", {"idea_ids": [str(done.id), str(bare.id)]})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    text = visible_text(page)
    assert "No dossier was submitted: some are incomplete." in text
    assert "Hồ sơ thiếu tóm tắt: Please enter a summary. Please describe the solution." in text
    _no_vietnamese(page, user_data(db_session))
    client.get("/lang/vi")
    refused = client.submit("/y-tuong/nop-hang-loat", {"idea_ids": [str(done.id), str(bare.id)]})
    assert (
        "Hồ sơ thiếu tóm tắt: Vui lòng nhập tóm tắt. Vui lòng mô tả nội dung giải pháp."
        in visible_text(refused.get_data(as_text=True))
    )


def test_a_message_whose_values_are_messages_is_translated_whole(app):
    """A refused move of a request to apply names two statuses: both read in English."""
    from flask import session

    from ideadb.core.forms import shown
    from ideadb.ideas import adoption
    from scoring.messages import Message

    with app.test_request_context():
        session["lang"] = "en"
        message = Message(
            "Không thể chuyển đăng ký áp dụng từ “%(before)s” về “%(after)s”: trạng thái "
            "chỉ đi tiếp (hoặc sang “Từ chối”).",
            before=Message(adoption.STATUS_LABELS["applied"]),
            after=Message(adoption.STATUS_LABELS["new"]),
        )
        assert message.startswith("Không thể chuyển đăng ký áp dụng từ “Đã áp dụng” về “Mới")
        assert shown(message) == (
            "A request to apply cannot go from “Applied” back to “New”: its status only moves "
            "forward (or to “Decline”)."
        )
