"""What anyone may read without signing in: the statistics page and the open data set."""

from __future__ import annotations

import csv
import io
import re

import pytest

SECRET = "Tỷ lệ men ủ bí mật 3:1"


@pytest.fixture
def published(create_idea, make_user):
    """Recognised ideas, one without consent to publish; others at earlier stages."""
    owner = make_user(roles=["submitter"], unit="BK-BB-NM", full_name="Hoàng Văn Páo")
    shown = create_idea(
        owner,
        status="recognized",
        title="Ủ chua cỏ voi làm thức ăn cho lợn đen",
        unit="BK-BB-NM",
        year=2021,
        confidential_info=SECRET,
        authors=[
            {"name": "Hoàng Văn Páo", "unit": "Xã Nam Mẫu", "share": 60},
            {"name": "=Lý Thị Mai", "unit": "Xã Nam Mẫu", "share": 40},
        ],
    )
    hidden = create_idea(
        status="recognized",
        title="Sáng kiến không đồng ý công khai",
        unit="BK-CD-BL",
        year=2022,
        publish_consent=False,
    )
    create_idea(status="eligible", title="Ý tưởng mới đủ điều kiện", unit="BK-CD-BL", year=2022)
    create_idea(status="not_recognized", unit="BK-CD-BL", year=2022, area="su_nghiep")
    create_idea(status="draft", unit="BK-CD-BL", year=2022)
    return shown, hidden


def test_statistics_page_is_public_and_draws_accessible_charts(client, published):
    resp = client.get("/thong-ke")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    svgs = re.findall(r"<svg[^>]*>", page)
    assert len(svgs) == 5
    for svg in svgs:
        assert 'role="img"' in svg and "aria-labelledby" in svg
    for chart in ("chart-area", "chart-district", "chart-year", "chart-rate", "chart-top"):
        assert f'<title id="{chart}-title">' in page and f'<desc id="{chart}-desc">' in page
    assert "style=" not in page
    assert page.count('class="table table-sm mt-2 chart-data"') == 5


def test_statistics_count_submitted_ideas_and_the_recognition_rate(client, published):
    page = client.get("/thong-ke").get_data(as_text=True)
    # four submitted ideas (the draft is not counted), two recognised
    assert "Mọi năm: 4 ý tưởng đã nộp, 2 được công nhận" in page
    district = page[page.index('id="table-district"') :]
    assert '<td>Huyện Ba Bể</td><td class="text-end">1</td>' in district
    assert '<td>Huyện Chợ Đồn</td><td class="text-end">3</td>' in district
    rate = page[page.index('id="table-rate"') :]
    # 2022: two decided (one recognised, one not) = 50,0 %
    assert re.search(r"<td>2022</td><td[^>]*>2</td><td[^>]*>1</td><td[^>]*>50,0%</td>", rate)
    assert "Ba Bể: 1" in page  # the chart's description lists its numbers


def test_statistics_for_one_year(client, published):
    page = client.get("/thong-ke?year=2021").get_data(as_text=True)
    assert "2021: 1 ý tưởng đã nộp, 1 được công nhận" in page


def test_statistics_page_works_in_english(client, published):
    client.get("/lang/en?next=/")
    page = client.get("/thong-ke").get_data(as_text=True)
    assert "By district" in page and "Statistics of ideas and initiatives" in page


def test_open_data_json_lists_only_published_recognised_ideas_without_secrets(client, published):
    shown, _hidden = published
    resp = client.get("/api/v1/open-data/ideas?format=json")
    assert resp.status_code == 200
    body = resp.get_json()
    assert [i["code"] for i in body["items"]] == [shown.code]
    item = body["items"][0]
    assert item["title"] == "Ủ chua cỏ voi làm thức ăn cho lợn đen"
    assert item["authors"] == [
        {"name": "Hoàng Văn Páo", "share": 60},
        {"name": "=Lý Thị Mai", "share": 40},
    ]
    assert item["district"] == "Huyện Ba Bể" and item["recognized_scope"] == "tinh"
    assert item["url"].endswith(f"/y-tuong/{shown.id}")
    assert "CC BY 4.0" in body["license"]
    assert set(body["fields"]) == set(item)
    raw = resp.get_data(as_text=True)
    assert SECRET not in raw and "confidential" not in raw and "registrant" not in raw


def test_open_data_csv_is_utf8_bom_with_formula_guard(client, published):
    resp = client.get("/du-lieu-mo/sang-kien.csv")
    assert resp.status_code == 200
    assert resp.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(resp.data.decode("utf-8-sig"))))
    header, first = rows[0], rows[1]
    assert len(rows) == 2
    assert first[header.index("title")] == "Ủ chua cỏ voi làm thức ăn cho lợn đen"
    assert first[header.index("authors")] == "Hoàng Văn Páo (60%); =Lý Thị Mai (40%)"
    assert SECRET not in resp.get_data(as_text=True)


def test_open_data_page_explains_licence_and_fields(client, published):
    page = client.get("/du-lieu-mo").get_data(as_text=True)
    assert "CC BY 4.0" in page and "<code>recognized_scope</code>" in page
    assert "1 sáng kiến đã được công nhận" in page


def test_unknown_open_data_format_is_refused(client):
    resp = client.get("/api/v1/open-data/ideas?format=xml")
    assert resp.status_code == 422
    assert "format" in resp.get_json()["error"]["fields"]


def test_readme_describes_every_open_data_field():
    from pathlib import Path

    from ideadb.reports.documents import OPEN_DATA_FIELDS

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Dữ liệu mở / Open data") :]
    section = section[: section.index("\n## ", 5)]
    documented = re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.M)
    assert documented == [name for name, _ in OPEN_DATA_FIELDS]
    assert "CC BY 4.0" in section
