"""Reading an uploaded spreadsheet (CSV or XLSX) into rows of cells, safely.

A file from outside is hostile until read: it is refused when it is larger than the caller's
limit, when its zip directory promises more uncompressed bytes than any register needs (a zip
bomb) or more parts than a workbook has, when it has more rows or columns than the caps, and
when it is not what its name says. XLSX is opened with openpyxl in read-only mode (streamed,
with defusedxml guarding its XML parser). Cells are never evaluated: a formula is reported as
an error of that cell, never computed or stored.

``read(name, data)`` returns a ``Sheet`` or raises ``SpreadsheetError`` with a message a
person can act on. Nothing here knows about the app's models.
"""

import csv
import datetime as dt
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

# A register is thousands of rows, not millions.
MAX_ROWS = 50_000
MAX_COLUMNS = 50
# Longest text accepted in one cell (the longest stored field is a few thousand characters).
MAX_CELL_CHARACTERS = 20_000
# What an XLSX may unpack to, and how many parts it may have: a register of 50,000 rows
# unpacks to well under this; a zip bomb promises far more.
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_ZIP_MEMBERS = 2_000
MAX_COMPRESSION_RATIO = 200
# Rows read past the header, blank ones included: a sheet padded with a million empty
# (but styled) rows is refused instead of walked.
MAX_PHYSICAL_ROWS = 2 * MAX_ROWS

FORMATS = ("csv", "xlsx")
FORMULA_MESSAGE = "Formulas are not accepted: type the value itself."


class SpreadsheetError(Exception):
    """The file cannot be read at all; the message says why, for the person who sent it."""


class FormulaCell:
    """A cell holding a formula: reported as an error, never evaluated."""

    def __repr__(self):
        return "FormulaCell()"


FORMULA = FormulaCell()


@dataclass
class Sheet:
    """The header (column names as typed) and the data rows: ``(row_number, cells)`` where
    ``row_number`` is the row's number in the spreadsheet (the header is row 1 when it is
    the first row) and ``cells`` a list as long as the header, each a str, int, float,
    bool, date, datetime, None (blank) or ``FORMULA``."""

    header: list = field(default_factory=list)
    rows: list = field(default_factory=list)


def file_format(name):
    """``"csv"`` or ``"xlsx"`` from a file name, else None."""
    extension = PurePath(name or "").suffix.lower().lstrip(".")
    return extension if extension in FORMATS else None


def read(name, data, *, max_bytes):
    """The ``Sheet`` in ``data`` (the file's bytes), read as its name's extension says."""
    if len(data) > max_bytes:
        raise SpreadsheetError(f"The file is larger than {max_bytes // (1024 * 1024)} MB.")
    kind = file_format(name)
    if kind is None:
        raise SpreadsheetError("Upload a .csv or .xlsx file.")
    if not data:
        raise SpreadsheetError("The file is empty.")
    raw_rows = _xlsx_rows(data) if kind == "xlsx" else _csv_rows(data)
    return _sheet(raw_rows)


def _sheet(raw_rows):
    """Header and rows from ``(number, cells)`` pairs: the first non-blank row is the header;
    blank rows are skipped; the caps are enforced while reading."""
    sheet = Sheet()
    physical = 0
    for number, cells in raw_rows:
        physical += 1
        if physical > MAX_PHYSICAL_ROWS:
            raise SpreadsheetError(f"The file has more than {MAX_ROWS:,} rows.")
        if all(_blank(cell) for cell in cells):
            continue
        if not sheet.header:
            while cells and _blank(cells[-1]):
                cells = cells[:-1]
            if len(cells) > MAX_COLUMNS:
                raise SpreadsheetError(f"The file has more than {MAX_COLUMNS} columns.")
            if any(cell is FORMULA for cell in cells):
                raise SpreadsheetError("The header row holds a formula: type the column names.")
            sheet.header = ["" if cell is None else str(cell) for cell in cells]
            continue
        if len(sheet.rows) >= MAX_ROWS:
            raise SpreadsheetError(f"The file has more than {MAX_ROWS:,} rows.")
        width = len(sheet.header)
        cells = list(cells[:width]) + [None] * (width - len(cells))
        sheet.rows.append((number, cells))
    if not sheet.header:
        raise SpreadsheetError("The file has no header row.")
    return sheet


def _blank(cell):
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _cell(value):
    """A cell's value as read: formulas flagged, overlong text refused."""
    if isinstance(value, str):
        if value.startswith("="):
            return FORMULA
        if len(value) > MAX_CELL_CHARACTERS:
            raise SpreadsheetError(f"A cell holds more than {MAX_CELL_CHARACTERS:,} characters.")
    elif isinstance(value, dt.time | dt.timedelta):
        return str(value)
    return value


# --- CSV -------------------------------------------------------------------------------------


def _csv_rows(data):
    if b"\x00" in data:
        raise SpreadsheetError(
            "This is not a text CSV file (it holds binary data): save the sheet as "
            "\u201cCSV UTF-8\u201d or upload the .xlsx."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SpreadsheetError(
            f"The file is not UTF-8 text (byte {error.start + 1} is not valid UTF-8): save it "
            "as \u201cCSV UTF-8\u201d or upload the .xlsx."
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    try:
        for number, cells in enumerate(reader, start=1):
            if len(cells) > MAX_COLUMNS and any(not _blank(c) for c in cells[MAX_COLUMNS:]):
                raise SpreadsheetError(f"The file has more than {MAX_COLUMNS} columns.")
            yield number, [_cell(cell) for cell in cells[:MAX_COLUMNS]]
    except csv.Error as error:
        raise SpreadsheetError(f"The CSV cannot be read: {error}.") from None


# --- XLSX ------------------------------------------------------------------------------------


def _check_zip(data):
    """Refuse what is not a zip, or a zip whose directory promises too much."""
    if not data.startswith(b"PK\x03\x04"):
        raise SpreadsheetError("This is not an XLSX workbook: save the sheet as .xlsx or .csv.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise SpreadsheetError("The XLSX file is damaged and cannot be opened.") from None
    if len(members) > MAX_ZIP_MEMBERS:
        raise SpreadsheetError("The XLSX file has too many parts to be a spreadsheet.")
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if total > MAX_UNCOMPRESSED_BYTES or (
            member.file_size > 1024 * 1024 and ratio > MAX_COMPRESSION_RATIO
        ):
            raise SpreadsheetError(
                "The XLSX file unpacks to far more data than it holds (a zip bomb?): refused."
            )
    names = {member.filename for member in members}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise SpreadsheetError("This zip file is not an XLSX workbook.")


def _xlsx_rows(data):
    _check_zip(data)
    # Imported here: only an XLSX upload pays for loading openpyxl.
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=False, keep_links=False
        )
    except Exception:
        # openpyxl raises whatever its parsers meet (KeyError, XML and zip errors...) on a
        # damaged or hostile workbook: all mean the same to the person who sent it.
        raise SpreadsheetError("The XLSX file is damaged and cannot be opened.") from None
    try:
        if not workbook.worksheets:
            raise SpreadsheetError("The workbook has no worksheet.")
        sheet = workbook.worksheets[0]
        try:
            # Values only: with data_only=False a formula cell's value is its "=..." text,
            # which ``_cell`` flags.
            for number, row in enumerate(
                sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True), start=1
            ):
                width = len(row)
                while width and row[width - 1] is None:
                    width -= 1
                if width > MAX_COLUMNS:
                    raise SpreadsheetError(f"The file has more than {MAX_COLUMNS} columns.")
                yield number, [_cell(value) for value in row[:width]]
        except SpreadsheetError:
            raise
        except Exception:
            raise SpreadsheetError("The XLSX file is damaged and cannot be read.") from None
    finally:
        workbook.close()


# --- a read sheet kept (read once, at upload) ---------------------------------------------
#
# A sheet once read is kept as JSON (never pickle), so later steps (the dry run, applying
# it) need not unpack and parse the workbook again. It starts with a NUL byte, which no
# file ``read`` accepts starts with (a CSV holding one is refused, an XLSX starts "PK"), so
# an uploaded file is never taken for a kept sheet.

KEPT_MARK = b"\x00sheet/1\n"


def _kept_cell(cell):
    if cell is FORMULA:
        return {"f": 1}
    if isinstance(cell, dt.datetime):
        return {"t": cell.isoformat()}
    if isinstance(cell, dt.date):
        return {"d": cell.isoformat()}
    return cell


def _unkept_cell(cell):
    if type(cell) is not dict:
        return cell
    if "f" in cell:
        return FORMULA
    if "t" in cell:
        return dt.datetime.fromisoformat(cell["t"])
    return dt.date.fromisoformat(cell["d"])


def keep(sheet):
    """``sheet`` as bytes ``is_kept`` recognises and ``unkeep`` reads back, equal."""
    rows = [[number, [_kept_cell(cell) for cell in cells]] for number, cells in sheet.rows]
    return KEPT_MARK + json.dumps(
        {"header": sheet.header, "rows": rows}, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")


def is_kept(data):
    return bytes(data[: len(KEPT_MARK)]) == KEPT_MARK


def unkeep(data):
    """The ``Sheet`` ``keep`` wrote."""
    kept = json.loads(bytes(data[len(KEPT_MARK) :]).decode("utf-8"))
    return Sheet(
        header=kept["header"],
        rows=[(number, [_unkept_cell(cell) for cell in cells]) for number, cells in kept["rows"]],
    )


# --- writing (the downloadable templates) ---------------------------------------------------


def write_csv(header, rows):
    """``header`` and ``rows`` as a UTF-8 CSV file (with a BOM, so spreadsheet programs read
    it as UTF-8)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write_xlsx(header, rows, *, title="Import"):
    """``header`` (in bold) and ``rows`` as an XLSX workbook of one sheet."""
    import openpyxl
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for index, name in enumerate(header, start=1):
        width = max([len(str(name)), *(len(str(row[index - 1])) for row in rows)])
        sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width = min(width + 2, 50)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
