"""The ranked-list files of a round name the template its criteria set follows and where the
set departs from it, with the justification (xlsx, docx and csv reopened)."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from docx import Document

from ideadb.criteria import guidelines, service
from ideadb.criteria.reference import DEFAULT_TEMPLATE_CODE

REASON = "Tỉnh ưu tiên giải pháp tiết kiệm chi phí."
MID = {"TINH_MOI": 22, "KHA_NANG_AP_DUNG": 18, "HIEU_QUA": 21, "TINH_KINH_TE": 11}


@pytest.fixture
def derived_round(db_session, secretary, criteria_set_id, ready_round, score_all):
    from ideadb.reviews import deliberation

    sec = secretary()
    draft = guidelines.derive(db_session, sec, criteria_set_id)
    body = service.snapshot(draft)
    body["criteria"][0]["weight"] = 35  # within 20–40
    body["criteria"][3]["weight"] = 30  # outside 5–25
    service.update_draft(db_session, sec, draft.id, {"criteria": body["criteria"]})
    guidelines.activate(db_session, sec, draft.id, REASON)
    rnd, _ideas, _reviewers = ready_round(2, 2, criteria_set_id=draft.id)
    score_all(rnd, points=MID)
    deliberation.deliberate(db_session, sec, rnd.id)
    return rnd


def _check_line(text):
    assert f"hướng dẫn {DEFAULT_TEMPLATE_CODE} phiên bản 1" in text
    assert "Khác hướng dẫn" in text
    assert "trọng số TINH_KINH_TE: 15 → 30 (cho phép 5–25)" in text
    assert REASON in text
    assert "TINH_MOI" not in text  # within its range: not a departure


def test_ranked_list_files_name_the_template_and_the_departures(
    client, derived_round, secretary, auth_headers
):
    headers = auth_headers(secretary())
    url = f"/api/v1/rounds/{derived_round.id}/export?format="
    resp = client.get(url + "xlsx", headers=headers)
    assert resp.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(resp.data))["Xếp hạng"]
    cells = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    header = next(r for r in ws.iter_rows() if r[0].value == "STT")[0].row
    line = next(c for c in cells if "hướng dẫn" in c)
    _check_line(line)
    line_row = next(r for r in ws.iter_rows() if r[0].value == line)[0].row
    assert line_row > header + 2  # under the ranked list

    doc = Document(io.BytesIO(client.get(url + "docx", headers=headers).data))
    _check_line(next(p.text for p in doc.paragraphs if "hướng dẫn" in p.text))

    text = client.get(url + "csv", headers=headers).data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[-2] == []
    _check_line(rows[-1][0])


def test_round_page_shows_the_badge_and_the_justification(client, derived_round, login, secretary):
    login(secretary())
    page = client.get(f"/dot-xet-chon/{derived_round.id}").get_data(as_text=True)
    assert "Khác hướng dẫn (có giải trình)" in page
    assert REASON in page
