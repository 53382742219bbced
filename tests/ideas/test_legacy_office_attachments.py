"""Word 97-2003 (.doc) and Excel 97-2003 (.xls) attachments: accepted when the content is an
OLE2 compound file holding a Word document or an Excel workbook, refused when disguised."""

import io
from pathlib import Path

import pytest

from ideadb.ideas import files

HERE = Path(__file__).parent / "files"
DOC = (HERE / "mo-ta.doc").read_bytes()  # made by LibreOffice from a text file
XLS = (HERE / "bang.xls").read_bytes()  # made by LibreOffice from a CSV file
OLE2 = files.OLE2_SIGNATURE


@pytest.fixture
def draft(make_user, create_idea, auth_headers):
    owner = make_user("dung", unit="BK-BB-NM")
    return create_idea(owner), auth_headers(owner)


def upload(client, idea, headers, content: bytes, name: str):
    return client.post(
        f"/api/v1/ideas/{idea.id}/attachments",
        data={"file": (io.BytesIO(content), name)},
        headers=headers,
    )


@pytest.mark.parametrize(
    ("content", "name", "content_type"),
    [(DOC, "Thuyết minh sáng kiến.doc", "application/msword"), (XLS, "Số liệu.xls", "application/vnd.ms-excel")],
)  # fmt: skip
def test_doc_and_xls_files_are_accepted(client, draft, content, name, content_type):
    idea, headers = draft
    resp = upload(client, idea, headers, content, name)
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["name"] == name and body["content_type"] == content_type


def test_an_xls_named_doc_is_refused_as_a_mismatch(client, draft):
    idea, headers = draft
    resp = upload(client, idea, headers, XLS, "mo-ta.doc")
    assert resp.status_code == 422
    assert "XLS" in resp.get_json()["error"]["fields"]["file"][0]


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"MZ\x90\x00" + b"\0" * 600, "virus.doc"),  # a program renamed .doc
        (OLE2 + b"\0" * 600, "rong.xls"),  # the signature alone, no directory
        (OLE2 + b"\xff" * 4000, "hong.doc"),  # a damaged compound file
        (b"<html><body>Word</body></html>", "trang.doc"),  # HTML saved with a .doc name
    ],
)
def test_disguised_or_damaged_files_are_refused(client, draft, content, name):
    idea, headers = draft
    resp = upload(client, idea, headers, content, name)
    assert resp.status_code == 422
    assert "DOC, DOCX, XLS, XLSX" in resp.get_json()["error"]["fields"]["file"][0]


def test_a_compound_file_that_is_neither_word_nor_excel_is_refused():
    # Replace the main stream's name: a compound file without WordDocument/Workbook.
    fake = DOC.replace("WordDocument".encode("utf-16-le"), "PowerPointXX".encode("utf-16-le"))
    assert files.ole_stream_names(fake) is not None
    assert files.detect_kind(fake) is None


def test_stream_names_are_read_from_the_directory():
    assert "WordDocument" in files.ole_stream_names(DOC)
    assert "Workbook" in files.ole_stream_names(XLS)
    assert files.ole_stream_names(DOC[:511]) is None
