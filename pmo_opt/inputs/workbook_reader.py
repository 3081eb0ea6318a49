"""Reading an ``.xlsx`` workbook, streamed, one sheet per table: cells read as Excel displays them."""

from __future__ import annotations

import datetime as dt
import math
import zipfile
from pathlib import Path

import pandas as pd

from pmo_opt.errors import InputError, Problem
from pmo_opt.inputs.tables import ID_COLUMNS, INFO_SHEETS, TABLES, RawTable, frame, table_key


def _cell_text(value: object, number_format: str = "General", is_id: bool = False) -> str:
    """A workbook cell as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dt.datetime | dt.date):  # a month typed into Excel becomes a date
        return value.strftime("%Y-%m")
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return str(value)
        if isinstance(value, float) and not (value.is_integer() and abs(value) < 1e16):
            return repr(value)
        text = str(int(value))
        # an id shown with leading zeros (number format '000') is read as shown: 7 -> '007'
        fmt = str(number_format or "")
        if is_id and fmt and set(fmt) == {"0"} and value >= 0:
            text = text.zfill(len(fmt))
        return text
    return str(value).strip()


def read_workbook(path: Path) -> dict[str, RawTable]:
    import openpyxl

    label = path.name
    if not zipfile.is_zipfile(path):
        raise InputError(
            [
                Problem(
                    label,
                    None,
                    None,
                    "is not an Excel workbook (.xlsx); save it from Excel as 'Excel Workbook' "
                    "or give a folder of CSV files",
                )
            ]
        )
    try:
        # read-only: rows are streamed from the file as stored, so a workbook is read by its
        # real data, never by its declared dimension or formatting (a stray blank cell at
        # A1048576 or bold on 300k cells costs nothing)
        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for a corrupt file
        raise InputError(
            [
                Problem(
                    label,
                    None,
                    None,
                    f"cannot be opened as an Excel workbook ({type(exc).__name__}: {exc}); "
                    "save it again from Excel as 'Excel Workbook (.xlsx)'",
                )
            ]
        ) from None
    tables: dict[str, RawTable] = {}
    try:
        for sheet in book.sheetnames:
            name = table_key(sheet)
            file = f"{label}[{sheet}]"
            if name in tables:
                tables[name].problems.append(
                    Problem(
                        file,
                        None,
                        None,
                        f"sheet {sheet!r} repeats table {name!r}; it is ignored, delete one of "
                        "them",
                        "warning",
                    )
                )
                continue
            if name in INFO_SHEETS:
                continue
            if name not in TABLES:
                tables[name] = RawTable(name, file, pd.DataFrame(), usable=False)
                continue
            ws = book[sheet]
            if not hasattr(ws, "iter_rows"):  # a chart sheet
                continue
            tables[name] = _read_sheet(name, file, ws)
            tables[name].sheet = sheet
            if getattr(ws, "sheet_state", "visible") != "visible":
                tables[name].problems.append(
                    Problem(
                        file,
                        None,
                        None,
                        f"sheet {sheet!r} is hidden in the workbook but is read as table "
                        f"{name!r}; unhide it to check what it holds, or delete it",
                        "warning",
                    )
                )
    except InputError:
        raise
    except Exception as exc:  # a corrupt sheet inside a valid zip
        raise InputError(
            [
                Problem(
                    label,
                    None,
                    None,
                    f"cannot be read as an Excel workbook ({type(exc).__name__}: {exc}); "
                    "save it again from Excel as 'Excel Workbook (.xlsx)'",
                )
            ]
        ) from None
    finally:
        book.close()
    return tables


def _sheet_rows(ws, data_only: bool, merged: list[str] | None = None):
    """``(row, [cell dicts with a value])`` as stored in the sheet's XML, rows without any
    value skipped; ``merged`` receives the sheet's merged ranges (``A2:A5``)."""
    from openpyxl.worksheet._reader import WorkSheetParser

    book = ws.parent
    with ws._get_source() as source:
        parser = WorkSheetParser(
            source,
            ws._shared_strings,
            data_only=data_only,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        for r, cells in parser.parse():
            kept = [c for c in cells if c["value"] is not None]
            if kept:
                yield r, kept
        if merged is not None and parser.merged_cells is not None:
            merged.extend(str(m.coord) for m in parser.merged_cells.mergeCell)


def _read_sheet(name: str, file: str, ws) -> RawTable:
    from openpyxl.cell.read_only import ReadOnlyCell
    from openpyxl.utils.cell import range_boundaries

    records: list[tuple[int, list[str]]] = []
    unsaved: list[Problem] = []
    header: list[str] | None = None
    merged: list[str] = []
    formulas: dict[tuple[int, int], str] = {}
    rows = list(_sheet_rows(ws, data_only=False, merged=merged))
    for r, cells in rows:
        for c in cells:
            if c["data_type"] == "f":
                value = c["value"]
                formulas[(r, c["column"])] = getattr(value, "text", value) or ""
    saved: dict[tuple[int, int], object] = {}
    if formulas:  # their saved results are in the other reading of the same XML
        for r, cells in _sheet_rows(ws, data_only=True):
            for c in cells:
                if (r, c["column"]) in formulas:
                    saved[(r, c["column"])] = c["value"]
    for r, cells in rows:
        width = max(c["column"] for c in cells)
        texts = [""] * width
        for c in cells:
            j, value = c["column"], c["value"]
            col = header[j - 1] if header and j - 1 < len(header) else None
            fmt = "General"
            if (r, j) in formulas:
                value = saved.get((r, j))
                if value is None:
                    unsaved.append(
                        Problem(
                            file,
                            r,
                            col or f"column {j}",
                            f"formula {formulas[(r, j)]!r} has no saved value (the workbook was "
                            "written by a program, not saved by Excel); open it in Excel and "
                            "save it, or paste values, so the result is stored",
                        )
                    )
                    continue
            if col in ID_COLUMNS and isinstance(value, int | float) and c["style_id"]:
                fmt = ReadOnlyCell(ws, r, j, value, c["data_type"], c["style_id"]).number_format
            texts[j - 1] = _cell_text(value, fmt, col in ID_COLUMNS)
        if header is None and any(texts):
            header = [table_key(h) for h in texts]
        records.append((r, texts))
    table = frame(name, file, records, decimal_comma=False)
    if header:
        from openpyxl.utils.cell import get_column_letter

        table.letters = {
            col: get_column_letter(j + 1) for j, col in reversed(list(enumerate(header))) if col
        }
    table.problems.extend(unsaved)
    first_data = records[0][0] + 1 if records else 2
    for ref in merged:
        low_col, low_row, high_col, high_row = range_boundaries(ref)
        if high_row < first_data or high_row == low_row:
            continue  # a merged header or a merge within one row loses no row's value
        col = header[low_col - 1] if header and low_col - 1 < len(header) else None
        table.problems.append(
            Problem(
                file,
                low_row,
                col or f"column {low_col}",
                f"cells {ref} are merged, so only row {low_row} holds the value and rows "
                f"{low_row + 1} to {high_row} read it as empty; unmerge them and fill the value "
                "into every row",
                "warning",
            )
        )
    return table
