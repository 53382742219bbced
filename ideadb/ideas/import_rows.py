"""Reading and checking the rows of a bulk import file: plain functions, no writing.

``read_rows`` reads .xlsx or .csv cells (a cell holding a formula is read as its text and never
evaluated); ``parse_rows`` returns validated row dicts and every problem as {row, field,
column, message}.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ideadb.core.fmt import LOCAL_TZ, fmt_number
from ideadb.core.permissions import Role, has_role, is_staff, require
from ideadb.core.text import N_, nfc
from ideadb.ideas.import_columns import (
    COLUMN_BY_FIELD,
    COLUMNS,
    FILE_COLUMN,
    FILE_FIELD,
    MAX_ROWS,
    TEXT_COLUMNS,
)
from ideadb.ideas.validation import shares_total_message, year_range_message
from ideadb.units.models import Area, Unit
from ideadb.units.service import jurisdiction_ids
from scoring.messages import Message

_EMPTY_RUN_LIMIT = 1000  # stop reading after this many empty rows in a row


@dataclass
class RowError:
    row: int | None  # the spreadsheet's row number (header = 1); None for the whole file
    field: str
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "field": self.field,
            "column": self.column,
            "message": self.message,
        }

    def stored(self) -> dict[str, Any]:
        """As kept in a job's result: the API's shape, and the message's msgid and values so
        that the page shows it in its reader's language."""
        body = self.as_dict()
        if isinstance(self.message, Message):
            body["message_id"] = _dump(self.message)
        return body

    @classmethod
    def from_stored(cls, body: dict[str, Any]) -> RowError:
        """Back from :meth:`stored` (a result kept before msgids were: its text as it is)."""
        message = body.get("message") or ""
        if isinstance(body.get("message_id"), dict):
            message = _load(body["message_id"])
        return cls(body.get("row"), body.get("field") or "", body.get("column") or "", message)


def _dump(message: Message) -> dict[str, Any]:
    params = {k: _dump(v) if isinstance(v, Message) else v for k, v in message.params.items()}
    return {"msgid": message.msgid, "params": params}


def _load(stored: dict[str, Any]) -> Message:
    params = {
        k: _load(v) if isinstance(v, dict) and "msgid" in v else v
        for k, v in (stored.get("params") or {}).items()
    }
    return Message(stored["msgid"], **params)


@dataclass
class ImportResult:
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    dry_run: bool = False
    idea_ids: list[int] = field(default_factory=list)
    # Rows that repeat an existing idea or an earlier row (same title and authors); unless the
    # officer chose to import anyway, a file with any is not written (``held``).
    warnings: list[RowError] = field(default_factory=list)
    held: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and not self.held

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "created": self.created,
            "errors": [e.as_dict() for e in self.errors],
        }
        if self.warnings:  # only then: a clean file keeps API.md's exact shape
            body["warnings"] = [w.as_dict() for w in self.warnings]
        return body


def _error(row: int | None, field_name: str, message: str) -> RowError:
    column = COLUMN_BY_FIELD[field_name].header if field_name in COLUMN_BY_FIELD else FILE_COLUMN
    return RowError(row, field_name, column, message)


# --- text helpers ------------------------------------------------------------------------


def fold(text: str) -> str:
    """Lower case without diacritics ("Đơn vị" -> "don vi"), for forgiving matches."""
    text = unicodedata.normalize("NFD", text.casefold()).replace("đ", "d")
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def _key(text: str) -> str:
    return " ".join(nfc(text).casefold().split())


def _header_key(text: str) -> str:
    """Headers match without case, diacritics, "(...)" notes or a required-field star."""
    text = re.sub(r"\([^)]*\)", " ", text).replace("*", " ")
    return " ".join(fold(text).replace("/", " / ").split())


def _cell_text(value: Any) -> str:
    """A cell's value as text: formulas stay as written, numbers without a trailing .0."""
    if value is None:
        return ""
    if isinstance(value, str):
        return nfc(value).strip()
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y") if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    text = getattr(value, "text", None)  # openpyxl ArrayFormula / DataTableFormula
    if isinstance(text, str):
        return nfc(text).strip()
    return nfc(str(value)).strip()


_HEADER_INDEX: dict[str, str] = {}
for _col in COLUMNS:
    for _name in (_col.header, *_col.aliases):
        _HEADER_INDEX[_header_key(_name)] = _col.field
    _HEADER_INDEX[_header_key(_col.field)] = _col.field


# --- reading files -----------------------------------------------------------------------


class FileProblem(Exception):
    """The file as a whole cannot be read (wrong type, encoding, no header row...)."""


def _problem(exc: FileProblem) -> str:
    """The message a FileProblem was raised with (a :class:`Message` stays one)."""
    return exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc)


def _is_header(values: list[Any]) -> bool:
    fields = {_HEADER_INDEX.get(_header_key(_cell_text(v))) for v in values}
    return "title" in fields and len(fields - {None}) >= 2


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise FileProblem(N_("Không đọc được tệp Excel (.xlsx); tệp có thể bị hỏng.")) from exc
    try:
        # The template's first sheet is the guide: use the first sheet with a header row.
        for sheet in book.worksheets:
            sheet.reset_dimensions()  # some programs write a wrong size; read every row there is
            rows = sheet.iter_rows(min_row=1, values_only=True)
            first = next(rows, None)
            if first is None or not _is_header(list(first)):
                continue
            yield 1, list(first)
            for number, values in enumerate(rows, start=2):
                yield number, list(values)
            return
        raise FileProblem(
            N_(
                "Không tìm thấy dòng tiêu đề cột (dòng 1 có cột “Tên ý tưởng/sáng kiến”) "
                "ở trang tính nào của tệp."
            )
        )
    finally:
        book.close()


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileProblem(
            N_("Tệp CSV phải được lưu với bảng mã UTF-8 (trong Excel: Lưu thành → CSV UTF-8).")
        ) from exc
    first_line = text.split("\n", 1)[0]
    unquoted = re.sub(r'"[^"]*"', "", first_line)
    delimiter = max((";", ",", "\t"), key=lambda d: (unquoted.count(d), d == ","))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as exc:
        raise FileProblem(
            Message(N_("Tệp CSV không hợp lệ: %(problem)s."), problem=str(exc))
        ) from exc


def read_rows(filename: str, data: bytes) -> Iterator[tuple[int, list[Any]]]:
    """(row number, cell values) of the data table, header row first; FileProblem if unreadable."""
    name = (filename or "").lower()
    if not data:
        raise FileProblem(N_("Tệp rỗng."))
    if data[:4] == b"PK\x03\x04":
        if name.endswith(".csv"):
            raise FileProblem(
                N_("Tệp có đuôi .csv nhưng nội dung là Excel; hãy đổi đuôi thành .xlsx.")
            )
        return _xlsx_rows(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or name.endswith(".xls"):
        raise FileProblem(
            N_("Định dạng Excel cũ (.xls) không được hỗ trợ; hãy lưu lại thành .xlsx.")
        )
    if name.endswith(".xlsx"):
        raise FileProblem(N_("Tệp có đuôi .xlsx nhưng không phải tệp Excel hợp lệ."))
    if name.endswith(".csv") or name.endswith(".txt") or not name:
        return _csv_rows(data)
    raise FileProblem(N_("Chỉ nhận tệp .xlsx hoặc .csv."))


# --- reference data ----------------------------------------------------------------------


@dataclass
class Lookups:
    """What cells are matched against, and where the importing user may register ideas."""

    areas: dict[str, str] = field(default_factory=dict)  # key -> area code
    units: dict[str, set[int]] = field(default_factory=dict)  # key -> unit ids
    districts: dict[str, set[int]] = field(default_factory=dict)
    unit_names: dict[int, str] = field(default_factory=dict)
    allowed_units: set[int] | None = None  # None: any unit
    own_unit_id: int | None = None
    own_unit_name: str = ""

    def add_area(self, code: str, *names: str) -> None:
        for text in (code, *names):
            if text:
                self.areas.setdefault(_key(text), code)
                self.areas.setdefault(fold(_key(text)), code)

    def add_unit(self, unit_id: int, code: str | None, name: str, kind: str) -> None:
        self.unit_names[unit_id] = name
        targets = [self.units] + ([self.districts] if kind == "district" else [])
        for text in (code, name):
            if not text:
                continue
            for target in targets:
                target.setdefault(_key(text), set()).add(unit_id)
                target.setdefault(fold(_key(text)), set()).add(unit_id)


def lookups_for(session: Session, actor: Any) -> Lookups:
    """Areas and units of the database; unit officers may import into their unit and below."""
    found = Lookups()
    for area in session.scalars(sa.select(Area).order_by(Area.position)):
        found.add_area(area.code, area.name, area.description or "")
    for unit_id, code, name, kind in session.execute(
        sa.select(Unit.id, Unit.code, Unit.name, Unit.kind).order_by(Unit.id)
    ):
        found.add_unit(unit_id, code, name, kind)
    own = getattr(actor, "unit_id", None)
    found.own_unit_id = own
    found.own_unit_name = found.unit_names.get(own, "") if own else ""
    if not (is_staff(actor) or has_role(actor, Role.SECRETARY)):
        found.allowed_units = jurisdiction_ids(session, own) if own is not None else set()
    return found


def import_scope(session: Session, actor: Any) -> str | None:
    """Who may import (else NotAllowed); the unit whose subtree they import into, None: any."""
    require(actor, "idea.import")
    lookups = lookups_for(session, actor)
    if lookups.allowed_units is None:
        return None
    return lookups.own_unit_name or ""


def _match(table: dict[str, set[int]] | dict[str, str], text: str):
    key = _key(text)
    return table.get(key) or table.get(fold(key))


# --- checking rows -----------------------------------------------------------------------

_SHARE_PAREN = re.compile(r"^(?P<body>.*?)\s*\(\s*(?P<share>\d+(?:[.,]\d+)?)\s*%?\s*\)\s*$")
_SHARE_PCT = re.compile(r"^(?P<body>.*?)[\s:,\-–]+(?P<share>\d+(?:[.,]\d+)?)\s*%\s*$")
_UNIT_SPLIT = re.compile(r"\s+[-–—]\s+")
_TRUE = {"co", "c", "x", "yes", "y", "1", "true", "dong y", "đồng ý"}
_FALSE = {"", "khong", "k", "no", "n", "0", "false", "khong dong y"}


def parse_authors(text: str, default_unit: str = "") -> tuple[list[dict[str, Any]], list[str]]:
    """ "Tên A - Đơn vị X (60%); Tên B (40%)" -> authors with name, unit, share; and problems."""
    parts = [p.strip() for p in re.split(r"[;\n]+", text) if p.strip()]
    authors: list[dict[str, Any]] = []
    problems: list[str] = []
    if not parts:
        return [], [N_("Vui lòng ghi ít nhất một tác giả.")]
    for part in parts:
        match = _SHARE_PAREN.match(part) or _SHARE_PCT.match(part)
        share: int | None = None
        body = part
        if match:
            body = match["body"].strip().rstrip("-–—:,").strip()
            raw = match["share"].replace(",", ".")
            if "." in raw and not float(raw).is_integer():
                problems.append(
                    Message(
                        N_(
                            "Tỷ lệ đóng góp của “%(name)s” phải là số nguyên phần trăm "
                            "(đang ghi %(share)s%%)."
                        ),
                        name=body,
                        share=match["share"],
                    )
                )
            else:
                share = int(float(raw))
        pieces = _UNIT_SPLIT.split(body, maxsplit=1)
        name = pieces[0].strip()
        unit = pieces[1].strip() if len(pieces) > 1 else ""
        if not name:
            problems.append(Message(N_("Thiếu họ tên tác giả ở “%(part)s”."), part=part))
            continue
        if len(name) > 255:
            problems.append(
                Message(N_("Họ tên tác giả “%(name)s…” dài quá 255 ký tự."), name=name[:40])
            )
        if len(unit) > 255:
            problems.append(
                Message(N_("Nơi công tác của “%(name)s” dài quá 255 ký tự."), name=name)
            )
        authors.append({"name": name, "unit": unit or default_unit, "share": share})
    if problems:
        return authors, problems
    missing = [a["name"] for a in authors if a["share"] is None]
    if len(authors) == 1 and missing:
        authors[0]["share"] = 100
    elif missing:
        return authors, [
            Message(
                N_(
                    "Thiếu tỷ lệ đóng góp của %(names)s; ghi theo dạng: "
                    "Nguyễn Văn A (60%%); Trần Thị B (40%%)."
                ),
                names=", ".join(f"“{n}”" for n in missing),
            )
        ]
    for a in authors:
        if not 1 <= a["share"] <= 100:
            problems.append(
                Message(N_("Tỷ lệ đóng góp của “%(name)s” phải từ 1 đến 100%%."), name=a["name"])
            )
    total = sum(a["share"] for a in authors)
    if not problems and total != 100:
        problems.append(shares_total_message(total))
    return authors, problems


def _parse_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 20000 < value < 80000:
        return date(1899, 12, 30) + timedelta(days=int(value))  # an Excel serial day number
    text = _cell_text(value)
    match = re.fullmatch(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})", text)
    if match:
        return date(int(match[3]), int(match[2]), int(match[1]))
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    if match:
        return date(int(match[1]), int(match[2]), int(match[3]))
    raise ValueError(text)


def _parse_year(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = _cell_text(value)
    if re.fullmatch(r"\d{4}", text):
        return int(text)
    raise ValueError(text)


def check_row(
    number: int, cells: dict[str, Any], lookups: Lookups
) -> tuple[dict[str, Any], list[RowError]]:
    """One data row (cells by field) -> the values for the ideas service, and its problems."""
    errors: list[RowError] = []
    row: dict[str, Any] = {"row": number}

    def bad(field_name: str, message: str) -> None:
        errors.append(_error(number, field_name, message))

    for name in TEXT_COLUMNS:
        row[name] = _cell_text(cells.get(name))
    if not row["title"]:
        bad("title", N_("Vui lòng nhập tên ý tưởng, sáng kiến."))
    elif len(row["title"]) > 500:
        bad("title", N_("Tên ý tưởng, sáng kiến tối đa 500 ký tự."))
    row["owner_name"] = row["owner_name"] or None

    area_text = _cell_text(cells.get("area"))
    if not area_text:
        bad("area", N_("Vui lòng ghi lĩnh vực (mã hoặc tên)."))
    else:
        row["area"] = _match(lookups.areas, area_text)
        if row["area"] is None:
            bad(
                "area",
                Message(
                    N_(
                        "Không có lĩnh vực “%(area)s”; hãy ghi mã hoặc tên như trong bảng "
                        "hướng dẫn."
                    ),
                    area=area_text,
                ),
            )

    raw_year = cells.get("year")
    if _cell_text(raw_year) == "":
        bad("year", N_("Vui lòng ghi năm (bốn chữ số, ví dụ 2021)."))
    else:
        try:
            row["year"] = _parse_year(raw_year)
        except ValueError:
            bad(
                "year",
                Message(
                    N_("Năm “%(year)s” không hợp lệ; ghi bốn chữ số, ví dụ 2021."),
                    year=_cell_text(raw_year),
                ),
            )
        else:
            this_year = datetime.now(LOCAL_TZ).year
            if not 1990 <= row["year"] <= this_year + 1:
                bad("year", year_range_message(this_year + 1))

    unit_text = _cell_text(cells.get("unit_id"))
    unit_id: int | None = None
    if not unit_text:
        if lookups.own_unit_id is None:
            bad("unit_id", N_("Vui lòng ghi đơn vị (mã hoặc tên)."))
        else:
            unit_id = lookups.own_unit_id
    else:
        ids = _match(lookups.units, unit_text)
        if not ids:
            bad(
                "unit_id",
                Message(
                    N_("Không tìm thấy đơn vị “%(unit)s”; hãy ghi mã hoặc đúng tên đơn vị."),
                    unit=unit_text,
                ),
            )
        elif len(ids) > 1:
            bad(
                "unit_id",
                Message(N_("Có nhiều đơn vị tên “%(unit)s”; hãy ghi mã đơn vị."), unit=unit_text),
            )
        else:
            unit_id = next(iter(ids))
    allowed = lookups.allowed_units
    if unit_id is not None and allowed is not None and unit_id not in allowed:
        written = lookups.unit_names.get(unit_id, unit_text)
        if lookups.own_unit_name:
            outside = Message(
                N_(
                    "Bạn chỉ được nhập ý tưởng cho đơn vị %(own)s và các đơn vị trực thuộc "
                    "(dòng này ghi “%(unit)s”)."
                ),
                own=lookups.own_unit_name,
                unit=written,
            )
        else:
            outside = Message(
                N_(
                    "Bạn chỉ được nhập ý tưởng cho đơn vị của mình và các đơn vị trực thuộc "
                    "(dòng này ghi “%(unit)s”)."
                ),
                unit=written,
            )
        bad("unit_id", outside)
        unit_id = None
    row["unit_id"] = unit_id

    district_text = _cell_text(cells.get("district_id"))
    row["district_id"] = None
    if district_text:
        ids = _match(lookups.districts, district_text)
        if not ids:
            bad(
                "district_id",
                Message(N_("Không tìm thấy huyện “%(district)s”."), district=district_text),
            )
        elif len(ids) > 1:
            bad(
                "district_id",
                Message(
                    N_("Có nhiều huyện tên “%(district)s”; hãy ghi mã huyện."),
                    district=district_text,
                ),
            )
        else:
            row["district_id"] = next(iter(ids))

    authors_text = _cell_text(cells.get("authors"))
    default_unit = lookups.unit_names.get(unit_id, "") if unit_id else ""
    if not authors_text:
        bad("authors", N_("Vui lòng ghi tác giả, ví dụ: Nguyễn Văn A (60%); Trần Thị B (40%)."))
    else:
        authors, problems = parse_authors(authors_text, default_unit)
        for message in problems:
            bad("authors", message)
        row["authors"] = [{**a, "user_id": None} for a in authors]

    raw_date = cells.get("applied_from")
    row["applied_from"] = None
    if _cell_text(raw_date):
        try:
            row["applied_from"] = _parse_date(raw_date)
        except ValueError:
            bad(
                "applied_from",
                Message(
                    N_("Ngày “%(day)s” không hợp lệ; ghi theo dạng dd/mm/yyyy, ví dụ 15/03/2021."),
                    day=_cell_text(raw_date),
                ),
            )
        else:
            if row["applied_from"] > datetime.now(LOCAL_TZ).date():
                bad("applied_from", N_("Ngày áp dụng không thể ở tương lai."))

    consent = fold(_cell_text(cells.get("publish_consent")))
    if consent in _TRUE:
        row["publish_consent"] = True
    elif consent in _FALSE:
        row["publish_consent"] = False
    else:
        bad("publish_consent", N_("Ghi “Có” hoặc “Không”."))
    return row, errors


def parse_rows(
    rows: Iterator[tuple[int, list[Any]]], lookups: Lookups, *, max_rows: int = MAX_ROWS
) -> ImportResult:
    """Map the header row to fields, then check every data row; blank rows are skipped."""
    result = ImportResult()
    try:
        header = next(rows, None)
        if header is None:
            result.errors.append(_error(None, FILE_FIELD, N_("Tệp không có dữ liệu.")))
            return result
        _, header_values = header
        positions: dict[str, int] = {}
        for index, value in enumerate(header_values):
            text = _cell_text(value)
            if not text:
                continue
            field_name = _HEADER_INDEX.get(_header_key(text))
            if field_name is None:
                continue  # extra columns (STT, ghi chú...) are ignored
            if field_name in positions:
                twice = Message(N_("Cột “%(column)s” xuất hiện hai lần."), column=text)
                result.errors.append(_error(1, field_name, twice))
            positions[field_name] = index
        for column in COLUMNS:
            if column.required and column.field not in positions:
                result.errors.append(
                    _error(
                        1,
                        column.field,
                        Message(N_("Thiếu cột bắt buộc “%(column)s”."), column=column.header),
                    )
                )
        if result.errors:
            return result

        empty_run = 0
        data_rows = 0
        for number, values in rows:
            cells = {
                name: values[index] if index < len(values) else None
                for name, index in positions.items()
            }
            if all(_cell_text(v) == "" for v in cells.values()):
                empty_run += 1
                if empty_run >= _EMPTY_RUN_LIMIT:
                    break
                continue
            empty_run = 0
            data_rows += 1
            if data_rows > max_rows:
                result.errors.append(
                    _error(
                        None,
                        FILE_FIELD,
                        Message(
                            N_("Tệp có hơn %(max)s dòng dữ liệu; hãy chia thành nhiều tệp."),
                            max=fmt_number(max_rows),
                        ),
                    )
                )
                break
            row, errors = check_row(number, cells, lookups)
            result.errors.extend(errors)
            if not errors:
                result.rows.append(row)
        if data_rows == 0 and not result.errors:
            result.errors.append(_error(None, FILE_FIELD, N_("Tệp không có dòng dữ liệu nào.")))
    except FileProblem as exc:
        result.errors.append(_error(None, FILE_FIELD, _problem(exc)))
    return result


def parse_file(filename: str, data: bytes, lookups: Lookups, *, max_rows: int = MAX_ROWS):
    """Read and check a whole file: validated rows and every problem found."""
    try:
        rows = read_rows(filename, data)
    except FileProblem as exc:
        return ImportResult(errors=[_error(None, FILE_FIELD, _problem(exc))])
    return parse_rows(rows, lookups, max_rows=max_rows)
