"""Attachments: type from content, size and count limits, safe names, stored outside static."""

import hashlib
import io
import zipfile
from pathlib import Path

import pytest

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02" + b"\0" * 64
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def _entry(name: str) -> zipfile.ZipInfo:
    # A fixed date: the bytes name the parametrized test, which every xdist worker must agree on.
    return zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))


def office_file(kind: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(_entry("[Content_Types].xml"), "<Types/>")
        z.writestr(_entry("word/document.xml" if kind == "docx" else "xl/workbook.xml"), "<x/>")
    return buf.getvalue()


def plain_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(_entry("readme.txt"), "xin chào")
    return buf.getvalue()


@pytest.fixture
def draft(make_user, create_idea, auth_headers):
    owner = make_user("dung", unit="BK-BB-NM")
    idea = create_idea(owner)
    return idea, auth_headers(owner)


def upload(client, idea, headers, content: bytes, name: str):
    return client.post(
        f"/api/v1/ideas/{idea.id}/attachments",
        data={"file": (io.BytesIO(content), name)},
        headers=headers,
    )


@pytest.mark.parametrize(
    ("content", "name", "content_type"),
    [
        (PDF, "ho-so.pdf", "application/pdf"),
        (PNG, "anh.PNG", "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\0" * 32, "anh.jpeg", "image/jpeg"),
        (office_file("docx"), "thuyet-minh.docx", "wordprocessingml"),
        (office_file("xlsx"), "so-lieu.xlsx", "spreadsheetml"),
    ],
)
def test_allowed_files_are_stored_with_their_hash(app, client, draft, content, name, content_type):
    idea, headers = draft
    resp = upload(client, idea, headers, content, name)
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert content_type in body["content_type"]
    assert body["sha256"] == hashlib.sha256(content).hexdigest()
    assert body["size"] == len(content) and body["name"] == name
    stored = list(Path(app.config["UPLOAD_DIR"]).rglob("*.*"))
    assert len(stored) == 1 and stored[0].read_bytes() == content
    assert name not in str(stored[0])  # random stored name
    assert not str(stored[0]).startswith(str(Path(app.static_folder)))


def test_a_pdf_name_with_png_content_is_refused(client, draft):
    idea, headers = draft
    resp = upload(client, idea, headers, PNG, "bao-cao.pdf")
    assert resp.status_code == 422
    assert "không khớp" in resp.get_json()["error"]["fields"]["file"][0]


@pytest.mark.parametrize(
    ("content", "name"),
    [(b"#!/bin/sh\necho hi\n", "script.pdf"), (plain_zip(), "nen.docx"), (b"MZ\x90\x00", "a.exe")],
)
def test_other_content_is_refused_whatever_its_name(client, draft, content, name):
    idea, headers = draft
    resp = upload(client, idea, headers, content, name)
    assert resp.status_code == 422
    assert (
        "PDF, DOC, DOCX, XLS, XLSX, JPG hoặc PNG" in resp.get_json()["error"]["fields"]["file"][0]
    )


def test_a_docx_package_named_xlsx_is_refused(client, draft):
    idea, headers = draft
    assert upload(client, idea, headers, office_file("docx"), "bang.xlsx").status_code == 422


def test_an_oversize_file_is_413(app, client, draft):
    app.config["ATTACHMENT_MAX_BYTES"] = 1024
    idea, headers = draft
    resp = upload(client, idea, headers, PDF + b"\0" * 2000, "lon.pdf")
    assert resp.status_code == 413
    assert resp.get_json()["error"]["code"] == "too_large"
    assert not list(Path(app.config["UPLOAD_DIR"]).rglob("*.*"))


def test_a_path_traversal_name_is_reduced_to_its_last_part(app, client, draft, tmp_path):
    idea, headers = draft
    resp = upload(client, idea, headers, PNG, "../../../etc/cron.d/..\\anh mô hình.png")
    assert resp.status_code == 201
    assert resp.get_json()["name"] == "anh mô hình.png"
    upload_dir = Path(app.config["UPLOAD_DIR"]).resolve()
    for path in upload_dir.rglob("*"):
        assert upload_dir in path.resolve().parents
    download = client.get(f"/api/v1/attachments/{resp.get_json()['id']}", headers=headers)
    disposition = download.headers["Content-Disposition"]
    download.close()
    assert disposition.startswith("attachment;")
    assert "anh%20m%C3%B4%20h%C3%ACnh.png" in disposition and ".." not in disposition


def test_at_most_five_files_per_idea_and_removed_files_are_kept(app, client, draft, db_session):
    from ideadb.ideas.models import Attachment

    idea, headers = draft
    ids = [upload(client, idea, headers, PNG, f"anh-{i}.png").get_json()["id"] for i in range(5)]
    sixth = upload(client, idea, headers, PNG, "anh-6.png")
    assert sixth.status_code == 422 and "tối đa 5" in sixth.get_json()["error"]["fields"]["file"][0]
    assert (
        client.delete(f"/api/v1/ideas/{idea.id}/attachments/{ids[0]}", headers=headers).status_code
        == 204
    )
    assert upload(client, idea, headers, PNG, "anh-6.png").status_code == 201
    listed = client.get(f"/api/v1/ideas/{idea.id}/attachments", headers=headers).get_json()["items"]
    assert len(listed) == 5 and ids[0] not in [a["id"] for a in listed]
    removed = db_session.get(Attachment, ids[0])
    assert (
        removed.removed_at is not None
        and len(list(Path(app.config["UPLOAD_DIR"]).rglob("*.png"))) == 6
    )
    assert client.get(f"/api/v1/attachments/{ids[0]}", headers=headers).status_code == 404


def test_files_cannot_be_added_after_submit(client, make_user, create_idea, auth_headers):
    owner = make_user("dung", unit="BK-BB-NM")
    idea = create_idea(owner, submit=True)
    assert upload(client, idea, auth_headers(owner), PNG, "anh.png").status_code == 409
