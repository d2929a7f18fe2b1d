"""Building spreadsheet files for the import tests."""

import csv
import io

import openpyxl


def csv_bytes(rows, *, bom=False, delimiter=","):
    """``rows`` (the header first) as a UTF-8 CSV file."""
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return ("\ufeff" if bom else "").encode() + out.getvalue().encode("utf-8")


def xlsx_bytes(rows):
    """``rows`` (the header first) as an XLSX workbook of one sheet."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def as_file(rows, kind):
    """``(name, bytes)`` of ``rows`` as a CSV (``kind="csv"``) or XLSX file."""
    if kind == "csv":
        return "register.csv", csv_bytes(rows)
    return "register.xlsx", xlsx_bytes(rows)
