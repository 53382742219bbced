"""The columns of the bulk import file and the template people fill in (.xlsx or .csv)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ideadb.units.models import Area, Unit

MAX_ROWS = 20000


@dataclass(frozen=True)
class Column:
    field: str  # the idea field (API name) the column fills
    header: str  # as written in the template
    required: bool
    help: str  # what to write, shown on the template's first sheet
    example: str
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column(
        "title",
        "Tên ý tưởng/sáng kiến",
        True,
        "Tên ngắn gọn của ý tưởng, sáng kiến (tối đa 500 ký tự).",
        "Sấy vỏ quế bằng lò sấy sinh khối tại xã Nam Mẫu",
        ("Tên ý tưởng", "Tên sáng kiến", "Tên ý tưởng, sáng kiến", "Tên giải pháp", "Tiêu đề"),
    ),
    Column(
        "summary",
        "Tóm tắt",
        False,
        "Vài câu tóm tắt giải pháp và kết quả.",
        "Lò sấy dùng cành quế khô làm chất đốt, giúp vỏ quế không bị mốc khi mưa kéo dài.",
        ("Tóm tắt nội dung",),
    ),
    Column(
        "description",
        "Mô tả",
        False,
        "Thực trạng, nội dung giải pháp, cách thực hiện.",
        "Trước đây vỏ quế được phơi ngoài trời... Nhóm tác giả đã xây lò sấy...",
        ("Mô tả giải pháp", "Nội dung", "Nội dung giải pháp", "Bản chất của giải pháp"),
    ),
    Column(
        "novelty",
        "Tính mới",
        False,
        "Điểm mới so với cách làm trước đây tại đơn vị.",
        "Lần đầu tận dụng phụ phẩm cành, lá quế làm chất đốt tại xã.",
        ("Tính mới, tính sáng tạo", "Điểm mới"),
    ),
    Column(
        "benefits",
        "Lợi ích",
        False,
        "Lợi ích kinh tế, xã hội đã thu được hoặc dự kiến.",
        "Thời gian làm khô giảm từ 7 ngày xuống 2 ngày; giá bán tăng 5 nghìn đồng/kg.",
        ("Lợi ích thu được", "Hiệu quả", "Hiệu quả kinh tế - xã hội"),
    ),
    Column(
        "area",
        "Lĩnh vực",
        True,
        "Chọn tên một trong năm lĩnh vực của phong trào trong danh sách của ô (xem bảng bên dưới).",
        "Nâng cao năng suất lao động ở doanh nghiệp, hợp tác xã, tổ hợp tác, hộ gia đình",
        ("Mã lĩnh vực", "Lĩnh vực phong trào"),
    ),
    Column(
        "year",
        "Năm",
        True,
        "Năm đăng ký, bốn chữ số.",
        "2021",
        ("Năm đăng ký",),
    ),
    Column(
        "unit_id",
        "Đơn vị",
        False,
        "Mã hoặc tên đơn vị đăng ký (xem trang “Đơn vị”). Để trống: đơn vị của người nhập. "
        "Cán bộ đơn vị chỉ nhập được cho đơn vị mình và các đơn vị trực thuộc.",
        "BK-BB-NM",
        ("Mã đơn vị", "Tên đơn vị", "Đơn vị đăng ký"),
    ),
    Column(
        "district_id",
        "Huyện",
        False,
        "Huyện nơi áp dụng (mã hoặc tên), khi đơn vị ở cấp tỉnh. Đơn vị cấp huyện, xã thì "
        "không cần ghi.",
        "Huyện Ba Bể",
        ("Huyện áp dụng", "Địa bàn", "Mã huyện"),
    ),
    Column(
        "authors",
        "Tác giả",
        True,
        "Các tác giả cách nhau bằng dấu chấm phẩy, mỗi người kèm tỷ lệ đóng góp trong ngoặc; "
        "tổng phải bằng 100%. Có thể ghi nơi công tác sau dấu gạch ngang. Một tác giả thì "
        "không cần ghi tỷ lệ.",
        "Hoàng Văn Páo - Hợp tác xã Quế Nam Mẫu (60%); Triệu Thị Mai (40%)",
        ("Tác giả, đồng tác giả", "Tác giả (tỷ lệ đóng góp)", "Tên tác giả", "Các tác giả"),
    ),
    Column(
        "applied_from",
        "Ngày áp dụng",
        False,
        "Ngày áp dụng hoặc áp dụng thử lần đầu, dạng dd/mm/yyyy.",
        "15/03/2021",
        ("Ngày áp dụng lần đầu", "Ngày áp dụng thử", "Ngày bắt đầu áp dụng"),
    ),
    Column(
        "publish_consent",
        "Đồng ý công khai",
        False,
        "Có hoặc Không: tác giả đồng ý công khai khi sáng kiến được công nhận. Để trống: Không.",
        "Có",
        ("Công khai", "Đồng ý công bố"),
    ),
    Column(
        "owner_name",
        "Chủ sở hữu",
        False,
        "Chủ đầu tư tạo ra sáng kiến, nếu không phải tác giả.",
        "Hợp tác xã Quế Nam Mẫu",
        ("Chủ đầu tư", "Chủ sở hữu sáng kiến"),
    ),
    Column(
        "field_of_application",
        "Lĩnh vực áp dụng",
        False,
        "Lĩnh vực có thể áp dụng sáng kiến.",
        "Sơ chế nông sản, lâm sản ngoài gỗ",
        ("Phạm vi áp dụng",),
    ),
    Column(
        "application_conditions",
        "Điều kiện áp dụng",
        False,
        "Những điều kiện cần thiết để áp dụng sáng kiến.",
        "Có mặt bằng khoảng 30 m² và vốn khoảng 15 triệu đồng.",
        ("Điều kiện cần thiết để áp dụng",),
    ),
    Column(
        "confidential_info",
        "Thông tin cần bảo mật",
        False,
        "Nội dung cần giữ bí mật (không bao giờ được công khai).",
        "",
        ("Thông tin bảo mật",),
    ),
)
COLUMN_BY_FIELD = {c.field: c for c in COLUMNS}
TEXT_COLUMNS = (
    "title",
    "summary",
    "description",
    "novelty",
    "benefits",
    "owner_name",
    "field_of_application",
    "application_conditions",
    "confidential_info",
)
FILE_FIELD = "file"
FILE_COLUMN = "Tệp"


# --- templates ---------------------------------------------------------------------------

TEMPLATE_NAME = "mau-nhap-y-tuong"


def template_csv() -> bytes:
    """The header row alone, UTF-8 with BOM so that Excel shows the diacritics."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow([c.header for c in COLUMNS])
    return out.getvalue().encode("utf-8-sig")


def template_xlsx(session: Session | None = None) -> bytes:
    """A workbook: first sheet documents the columns, the second is the table to fill in."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    guide = book.active
    guide.title = "Hướng dẫn"
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    guide.append(["Mẫu nhập ý tưởng, sáng kiến từ tệp"])
    guide["A1"].font = Font(bold=True, size=14)
    guide.append(
        [
            "Ghi mỗi ý tưởng, sáng kiến trên một dòng của trang “Ý tưởng” (giữ nguyên dòng tiêu "
            "đề). Các cột đánh dấu “Có” là bắt buộc. Ô chứa công thức được nhập đúng như chữ "
            "đã ghi, không được tính. Nếu có dòng sai, không dòng nào được nhập và danh sách lỗi "
            "ghi rõ dòng, cột và cách sửa."
        ]
    )
    guide.append([])
    guide.append(["Cột", "Bắt buộc", "Cách ghi", "Ví dụ"])
    for cell in guide[4]:
        cell.font = bold
    for column in COLUMNS:
        guide.append([column.header, "Có" if column.required else "", column.help, column.example])
    guide.append([])
    guide.append(["Lĩnh vực", "Tên"])
    for cell in guide[guide.max_row]:
        cell.font = bold
    areas = []
    if session is not None:
        areas = [(a.code, a.name) for a in session.scalars(sa.select(Area).order_by(Area.position))]
    if not areas:
        from ideadb.units.reference import AREAS

        areas = [(code, name) for code, name, _ in AREAS]
    for _code, name in areas:
        guide.append(["", name])
    for letter, width in (("A", 28), ("B", 22), ("C", 70), ("D", 50)):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap

    sheet = book.create_sheet("Ý tưởng")
    sheet.append([c.header for c in COLUMNS])
    fill = PatternFill("solid", fgColor="DDEBF7")
    for cell, column in zip(sheet[1], COLUMNS, strict=True):
        cell.font = bold
        cell.fill = fill
        sheet.column_dimensions[cell.column_letter].width = (
            40
            if column.field
            in (
                "title",
                "authors",
                "description",
            )
            else 18
        )
    sheet.freeze_panes = "A2"
    letters = {
        c.field: sheet.cell(row=1, column=i + 1).column_letter for i, c in enumerate(COLUMNS)
    }
    # The cell's list offers the areas by name (a list sheet: names are too long for an inline
    # list); a name or, as before, a code is accepted on import.
    names = book.create_sheet("Lĩnh vực")
    names.append(["Tên lĩnh vực"])
    names["A1"].font = bold
    for _code, name in areas:
        names.append([name])
    names.column_dimensions["A"].width = 90
    area_list = DataValidation(
        type="list", formula1=f"'Lĩnh vực'!$A$2:$A${len(areas) + 1}", allow_blank=True
    )
    area_list.add(f"{letters['area']}2:{letters['area']}{MAX_ROWS + 1}")
    consent = DataValidation(type="list", formula1='"Có,Không"', allow_blank=True)
    consent.add(f"{letters['publish_consent']}2:{letters['publish_consent']}{MAX_ROWS + 1}")
    sheet.add_data_validation(area_list)
    sheet.add_data_validation(consent)
    for letter in (letters["applied_from"], letters["year"], letters["unit_id"]):
        for row in range(2, 202):
            sheet[f"{letter}{row}"].number_format = "@"  # keep 15/03/2021 and codes as typed

    if session is not None:
        units = book.create_sheet("Đơn vị")
        units.append(["Mã", "Tên đơn vị", "Cấp trên"])
        for cell in units[1]:
            cell.font = bold
        parents = dict(session.execute(sa.select(Unit.id, Unit.name)).all())
        for unit in session.scalars(
            sa.select(Unit)
            .where(Unit.valid_to.is_(None) | (Unit.kind == "district"))
            .order_by(Unit.code)
        ):
            units.append([unit.code or "", unit.name, parents.get(unit.parent_id or 0, "")])
        units.column_dimensions["A"].width = 16
        units.column_dimensions["B"].width = 50
        units.column_dimensions["C"].width = 40

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
