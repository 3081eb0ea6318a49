"""The portfolio: tables read from a CSV folder or an .xlsx workbook into typed DataFrames.

Flow: :func:`read_tables` (raw text, nothing converted, read problems recorded on each table)
-> ``validate.validate_tables`` (every problem at once) -> :func:`build_portfolio` (typed,
indexed). :func:`load_portfolio` does all three.

Reading is forgiving about how spreadsheets save files and strict about meaning:

- CSV: UTF-8 (with or without BOM), UTF-16 (Excel "Unicode text"), else cp1252; separator ``,``,
  ``;`` or tab, whichever splits the header into most columns. A ``;`` file comes from Excel in
  much of Europe and uses decimal commas, so there ``1,5`` is 1.5 and ``1.234,5`` is 1234.5.
  A lone dot is always a decimal point (``1.5``), whatever the separator.
- Column and table names ignore case, surrounding spaces, and spaces or hyphens inside
  (``Project ID`` is ``project_id``; ``Projects.CSV`` is the ``projects`` table).
- Identifiers stay text: ``007`` stays ``007``. In a workbook, an id typed as the number 7 is
  read as displayed: ``007`` when the cell's number format is ``000``, else ``7``. Store ids as
  text in Excel (format the column as Text, or type ``'007``) to be safe.
- Row numbers in messages are the spreadsheet's (header = row 1); blank rows are skipped but
  still counted, so the numbers match what Excel shows.
- Input files are only read, never written.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import difflib
import functools
import io
import math
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pmo_opt.errors import InputError, Problem
from pmo_opt.inputs.months import normalise
from pmo_opt.paths import resolve

#: table -> (required columns, optional columns)
TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "projects": (
        ("project_id", "duration"),
        (
            "name",
            "category",
            "status",
            "earliest_start",
            "deadline",
            "cost",
            "benefit",
            "risk",
            "cost_of_delay",
            "benefit_low",
            "benefit_high",
            "cost_low",
            "cost_high",
        ),
    ),
    "demand": (("project_id", "role", "fte"), ("month_offset",)),
    "capacity": (("role", "fte"), ("month",)),
    "roles": (("role",), ("cost_per_fte_month", "hire_cost_per_fte_month", "max_hire_fte")),
    "budget": (("period", "amount"), ()),
    "dependencies": (("project_id", "depends_on"), ("kind",)),
    "criteria": (("criterion", "weight"), ("direction",)),
    "scores": (("project_id", "criterion", "score"), ()),
    "pairwise": (("criterion", "over", "ratio"), ()),
    "categories": (("category",), ("min_share", "max_share")),
    "settings": (("setting", "value"), ()),
}
#: the optional ``settings`` table: setting -> default (text as written)
DEFAULT_SETTINGS = {
    "organisation": "",
    "currency": "",
    "fiscal_year_start": "1",
    "value_unit": "priority points",
}
REQUIRED_TABLES = ("projects", "demand", "capacity")
STATUSES = ("proposed", "committed", "in_flight")
DEPENDENCY_KINDS = ("requires", "finish_to_start", "excludes")
DIRECTIONS = ("max", "min")
#: longest cell accepted; a longer one is an error naming its row and column (and is not read)
MAX_CELL_CHARS = 10_000
#: problems of one kind listed row by row while reading a table; the rest are counted
MAX_READ_PROBLEMS = 20
#: inputs from this many bytes on show progress (on stderr, in the command line)
PROGRESS_BYTES = 20_000_000
#: tables with this many rows in all show progress while validated and typed
PROGRESS_ROWS = 200_000
#: columns holding identifiers: kept as text, and read from a numeric workbook cell as displayed
ID_COLUMNS = frozenset({"project_id", "depends_on", "role", "criterion", "over", "category"})


@dataclass
class RawTable:
    """One table as read: every cell is text ('' when empty); ``file`` names it in messages.

    ``rows`` holds the spreadsheet row of each frame row (blank rows are skipped but counted);
    ``problems`` what went wrong while reading (validation reports them with its own);
    ``usable`` is False when nothing could be read (an empty or broken file). A table whose
    ``name`` is not in :data:`TABLES` is a stray file or sheet: kept only so that validation can
    warn about it.
    """

    name: str
    file: str
    frame: pd.DataFrame
    decimal_comma: bool = False
    rows: list[int] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    usable: bool = True

    def row_number(self, index: int) -> int:
        """Spreadsheet row of the frame's positional ``index`` (header is row 1)."""
        i = int(index)
        return self.rows[i] if 0 <= i < len(self.rows) else i + 2


@dataclass(frozen=True)
class Portfolio:
    """A validated portfolio of typed, indexed tables (see README, "The portfolio format").

    ``projects`` is indexed by ``project_id`` (text) and always has every optional column:
    ``status`` defaults to ``proposed``, months are ``YYYY-MM`` text or ``None``, numbers are
    floats (``cost`` is NaN where not given, so labour cost applies). ``demand`` is long, one row
    per ``project_id``, ``role``, ``month_offset`` (0-based, within the duration) with ``fte``.
    ``capacity`` keeps ``month`` as ``YYYY-MM`` or ``None`` (every month).
    """

    projects: pd.DataFrame
    demand: pd.DataFrame
    capacity: pd.DataFrame
    roles: pd.DataFrame
    budget: pd.DataFrame
    dependencies: pd.DataFrame
    criteria: pd.DataFrame
    scores: pd.DataFrame
    pairwise: pd.DataFrame
    categories: pd.DataFrame
    source: str = ""
    warnings: tuple[str, ...] = field(default=())
    #: the ``settings`` table over :data:`DEFAULT_SETTINGS` (organisation, currency, ...)
    settings: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_SETTINGS))

    @property
    def project_ids(self) -> list[str]:
        return list(self.projects.index)

    @property
    def role_names(self) -> list[str]:
        names = set(self.demand["role"]) | set(self.capacity["role"]) | set(self.roles.index)
        return sorted(names)


# --------------------------------------------------------------------------------------------
# reading


def table_key(name: str) -> str:
    """``' Project ID '`` -> ``'project_id'``: how table and column names are matched."""
    text = str(name).replace("\ufeff", "").replace("ï»¿", "").strip().lower()
    return re.sub(r"[\s\-]+", "_", text)


def _decode(raw: bytes) -> str:
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")  # cannot fail; a few undefined cp1252 bytes come out as is


def _separator(lines: list[str]) -> str:
    """The separator that splits the header into most cells (ties go to ``,``)."""
    best, most = ",", 1
    for line in lines[:1]:
        for sep in (",", ";", "\t"):
            try:
                n = len(next(csv.reader([line], delimiter=sep)))
            except (csv.Error, StopIteration):
                continue
            if n > most:
                best, most = sep, n
    return best


def _frame(
    name: str, file: str, records: list[tuple[int, list[str]]], decimal_comma: bool
) -> RawTable:
    """A :class:`RawTable` from ``(spreadsheet row, cells)`` records, the first being the header."""
    problems: list[Problem] = []
    records = [(r, cells) for r, cells in records if any(c.strip() for c in cells)]
    if not records:
        columns = ",".join(TABLES.get(name, ((), ()))[0]) or "column names"
        return _unusable(
            name, file, f"the file is empty; it needs at least a header row ({columns})"
        )
    header_row, header = records[0]
    names = [table_key(h) for h in header]
    keep: list[int] = []
    seen: dict[str, int] = {}
    for i, col in enumerate(names):
        if not col:
            if any(i < len(cells) and cells[i].strip() for _, cells in records[1:]):
                problems.append(
                    Problem(
                        file,
                        header_row,
                        f"column {i + 1}",
                        f"column {i + 1} has data but no header; it is ignored "
                        "(give it a name or delete it)",
                        "warning",
                    )
                )
            continue
        if col in seen:
            problems.append(
                Problem(
                    file,
                    header_row,
                    col,
                    f"column {col!r} appears twice (columns {seen[col] + 1} and {i + 1}); "
                    "the second is ignored, delete one of them",
                )
            )
            continue
        seen[col] = i
        keep.append(i)
    width = len(header)
    rows: list[int] = []
    data: list[list[str]] = []
    ragged = 0
    for r, cells in records[1:]:
        if any(len(c) > MAX_CELL_CHARS for c in cells):
            cells = _long_cells(file, r, cells, names, problems)
        extra = [c for c in cells[width:] if c.strip()]
        ragged += bool(extra)
        if extra and ragged <= MAX_READ_PROBLEMS:
            problems.append(
                Problem(
                    file,
                    r,
                    None,
                    f"the row has {len(cells)} cells but the header has {width} "
                    f"(extra: {', '.join(repr(c) for c in extra[:3])}); quote values that "
                    "contain the separator, or add a header for the extra column",
                )
            )
        cells = [c.strip() for c in cells] + [""] * (width - len(cells))
        rows.append(r)
        data.append([cells[i] for i in keep])
    if ragged > MAX_READ_PROBLEMS:
        problems.append(
            Problem(
                file,
                None,
                None,
                f"... and {ragged - MAX_READ_PROBLEMS} more rows with more cells than the header",
            )
        )
    frame = pd.DataFrame(data, columns=[names[i] for i in keep], dtype=str)
    if not data:
        frame = pd.DataFrame({names[i]: pd.Series([], dtype=str) for i in keep})
    return RawTable(name, file, frame, decimal_comma, rows, problems)


def _long_cells(
    file: str, row: int, cells: list[str], names: list[str], problems: list[Problem]
) -> list[str]:
    """Report every cell of ``cells`` longer than :data:`MAX_CELL_CHARS`; return them blanked."""
    out = []
    for i, cell in enumerate(cells):
        if len(cell) > MAX_CELL_CHARS:
            column = names[i] if i < len(names) and names[i] else f"column {i + 1}"
            problems.append(
                Problem(
                    file,
                    row,
                    column,
                    f"the cell holds {len(cell):,} characters (at most {MAX_CELL_CHARS:,}), "
                    f"starting {cell[:40]!r}; shorten it, or look for a quote that is not closed",
                )
            )
            cell = ""
        out.append(cell)
    return out


def _unclosed_quote(text: str, records: list[tuple[int, list[str]]]) -> tuple[int, int] | None:
    """``(row, cell index)`` of a quote that is never closed, or ``None``.

    An unclosed quote makes the CSV reader read the rest of the file into one cell, so the file
    holds an odd number of quote characters and its last record has a cell with line breaks.
    """
    if text.count('"') % 2 == 0 or not records:
        return None
    row, cells = records[-1]
    for i, cell in enumerate(cells):
        if "\n" in cell or "\r" in cell:
            return row, i
    return None


def _decode_mixed(raw: bytes) -> tuple[str, list[tuple[int, str, str]]] | None:
    """A UTF-8 file with a few Windows-1252 lines (one pasted word is enough), or ``None``.

    Decoding the whole file as cp1252 would turn every accent of the UTF-8 lines into mojibake
    (``é`` -> ``Ã©``). So when the file is mostly valid UTF-8, each line is decoded on its own
    and the lines that are not UTF-8 are returned as ``(line index, text before the odd byte,
    that byte's character)``, for a warning.
    """
    try:
        raw.decode("utf-8-sig")
        return None
    except UnicodeDecodeError:
        pass
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    if not re.search(rb"[\xc2-\xf4][\x80-\xbf]", raw):
        return None  # no UTF-8 sequence at all: a plain Windows-1252 file
    parts: list[str] = []
    odd: list[tuple[int, str, str]] = []
    for i, line in enumerate(raw.splitlines(keepends=True)):
        try:
            parts.append(line.decode("utf-8-sig" if i == 0 else "utf-8"))
        except UnicodeDecodeError as exc:
            text = line.decode("cp1252", errors="replace")
            parts.append(text)
            before = line[: exc.start].decode("utf-8", errors="replace")
            odd.append((i, before, text[len(before) : len(before) + 1]))
    return "".join(parts), odd


def _read_csv(path: Path, name: str) -> RawTable:
    label = path.name
    raw = path.read_bytes()
    if not raw or raw.isspace():  # not raw.strip(): no copy of a large file
        header = ",".join(TABLES.get(name, ((), ()))[0])
        return _unusable(
            name,
            label,
            f"the file is empty ({len(raw)} bytes); write at least the header row "
            f"({header}), or delete the file",
        )
    mixed = _decode_mixed(raw)
    text, odd = mixed if mixed is not None else (_decode(raw), [])
    lines = text[: 1 << 16].splitlines()  # the first lines say the separator; not a copy of all
    del raw
    # Excel's 'sep=;' first line names the separator; Excel does not show it as a row
    hint = re.fullmatch(r"\s*sep=([,;\t|])\s*", lines[0]) if lines else None
    if hint:
        text = text.split("\n", 1)[1] if "\n" in text else ""
    sep = hint.group(1) if hint else _separator([ln for ln in lines if ln.strip()])
    # long cells are read, then reported with their row and column (see _frame)
    csv.field_size_limit(max(csv.field_size_limit(), 64 * 1024 * 1024))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    try:
        records = [(i + 1, row) for i, row in enumerate(reader)]
    except csv.Error as exc:
        return _unusable(
            name,
            label,
            f"cannot be read as CSV at line {reader.line_num} ({exc}); save it again as CSV",
        )
    quote = _unclosed_quote(text, records)
    if quote is not None:
        row, i = quote
        header = records[0][1] if records else []
        column = table_key(header[i]) if i < len(header) else f"column {i + 1}"
        table = _unusable(name, label, "")
        table.problems = [
            Problem(
                label,
                row,
                column,
                'a quote (") opened in this cell is never closed, so the rest of the file '
                "was read into this one cell; close the quote, or remove it",
            )
        ]
        return table
    table = _frame(name, label, records, decimal_comma=sep == ";")
    header = [table_key(h) for h in records[0][1]] if records else []
    for line, before, char in odd[:MAX_READ_PROBLEMS]:
        row = line + 1 - (1 if hint else 0)
        try:
            j = len(next(csv.reader([before], delimiter=sep))) - 1 if before else 0
        except (csv.Error, StopIteration):
            j = 0
        column = header[j] if j < len(header) and header[j] else f"column {j + 1}"
        table.problems.append(
            Problem(
                label,
                row,
                column,
                f"this line is not UTF-8 like the rest of the file (read as Windows-1252: "
                f"{char!r}); probable mojibake from a pasted value: check the text and save "
                "the file as UTF-8",
                "warning",
            )
        )
    return table


def _unusable(name: str, file: str, message: str) -> RawTable:
    return RawTable(
        name, file, pd.DataFrame(), problems=[Problem(file, None, None, message)], usable=False
    )


def _read_folder(
    folder: Path, progress: Callable[[str], None] | None = None
) -> dict[str, RawTable]:
    tables: dict[str, RawTable] = {}
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
    # exact names first, so that 'projects.csv' wins over 'Projects.csv'
    files.sort(key=lambda p: (p.stem != table_key(p.stem), p.name))
    for f in files:
        name = table_key(f.stem)
        if name in tables:
            tables[name].problems.append(
                Problem(
                    tables[name].file,
                    None,
                    None,
                    f"both {tables[name].file} and {f.name} hold table {name!r}; "
                    f"{f.name} is ignored, delete one of them",
                    "warning",
                )
            )
        elif name in TABLES:
            size = f.stat().st_size
            if progress is not None and size >= PROGRESS_BYTES:
                progress(f"reading {f.name} ({size / 1e6:,.0f} MB)")
            tables[name] = _read_csv(f, name)
        else:
            tables[name] = RawTable(name, f.name, pd.DataFrame(), usable=False)
    return tables


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


def _read_workbook(path: Path) -> dict[str, RawTable]:
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
            if name not in TABLES:
                tables[name] = RawTable(name, file, pd.DataFrame(), usable=False)
                continue
            ws = book[sheet]
            if not hasattr(ws, "iter_rows"):  # a chart sheet
                continue
            tables[name] = _read_sheet(name, file, ws)
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
    table = _frame(name, file, records, decimal_comma=False)
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


def read_tables(
    path: str | Path, progress: Callable[[str], None] | None = None
) -> dict[str, RawTable]:
    """Read every table of a portfolio as text: a folder of ``<table>.csv`` or one ``.xlsx``.

    Problems with one table (an empty file, a ragged row, a formula without a saved value) are
    recorded in its ``problems`` for validation to report with the rest; only a path that is
    not a portfolio at all raises :class:`InputError` here. A CSV file or sheet whose name is not
    a table is listed unread (``usable=False``), so that validation can warn about it.
    """
    p = resolve(path)
    if not p.exists():
        raise InputError([Problem(str(path), None, None, "no such file or folder")])
    if p.is_dir():
        return _read_folder(p, progress)
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        if progress is not None and p.stat().st_size >= PROGRESS_BYTES // 10:
            progress(f"reading {p.name} ({p.stat().st_size / 1e6:,.0f} MB)")
        return _read_workbook(p)
    hint = {
        ".csv": f"give the folder that holds it ({p.parent}), not one table",
        ".xls": "save it from Excel as 'Excel Workbook (.xlsx)'",
    }.get(p.suffix.lower(), "give a folder of CSV files or an .xlsx workbook")
    raise InputError(
        [
            Problem(
                p.name,
                None,
                None,
                f"is not a portfolio (a folder of CSV files or an .xlsx workbook); {hint}",
            )
        ]
    )


# --------------------------------------------------------------------------------------------
# numbers (one parser for validation and typing, so they cannot disagree)

_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_PLAIN = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_GROUPED = {
    ",": re.compile(r"[+-]?[1-9]\d{0,2}(?:,\d{3})+"),
    ".": re.compile(r"[+-]?[1-9]\d{0,2}(?:\.\d{3})+"),
}


def parse_number(
    text: object, decimal_comma: bool = False, *, percent: bool = False, fraction: bool = False
) -> float | None:
    """Text -> a finite float, or ``None`` when it is not one ('' is ``None`` too).

    Accepts ``1.5``, ``1,5``, ``1.234,5``, ``1,234.5``, ``1 234,5`` and ``1e3``. A single comma
    is a decimal comma when ``decimal_comma`` or when it cannot be a thousands separator
    (``1,5``); ``1,500`` reads as 1500 otherwise. ``percent`` also takes ``30%`` (0.3);
    ``fraction`` also takes ``1/3`` (Saaty ratios).
    """
    s = str(text).strip()
    if _PLAIN.fullmatch(s):  # the common case, fast
        value = float(s)
        return value if math.isfinite(value) else None
    return _parse_number(s, decimal_comma, percent, fraction)


@functools.lru_cache(maxsize=4096)
def _parse_number(s: str, decimal_comma: bool, percent: bool, fraction: bool) -> float | None:
    for space in (" ", "\u00a0", "\u202f", "\u2009"):
        s = s.replace(space, "")
    s = s.replace("\u2212", "-")
    if not s:
        return None
    if fraction and s.count("/") == 1:
        top, bottom = (parse_number(x, decimal_comma) for x in s.split("/"))
        if top is None or bottom is None or bottom == 0:
            return None
        return top / bottom
    if percent and s.endswith("%"):
        value = parse_number(s[:-1], decimal_comma)
        return None if value is None else value / 100
    if "," in s and "." in s:
        decimal = "," if s.rindex(",") > s.rindex(".") else "."
        thousands = "." if decimal == "," else ","
        whole, _, rest = s.rpartition(decimal)
        if not _GROUPED[thousands].fullmatch(whole) or thousands in rest:
            return None
        s = whole.replace(thousands, "") + "." + rest
    elif "," in s:
        if s.count(",") > 1 or (not decimal_comma and _GROUPED[","].fullmatch(s)):
            if not _GROUPED[","].fullmatch(s):
                return None
            s = s.replace(",", "")
        else:
            s = s.replace(",", ".")
    elif s.count(".") > 1:
        if not _GROUPED["."].fullmatch(s):
            return None
        s = s.replace(".", "")
    if not _NUMBER.fullmatch(s):
        return None
    value = float(s)
    return value if math.isfinite(value) else None


def to_number(series: pd.Series, decimal_comma: bool = False, **kinds: bool) -> pd.Series:
    """Text -> float; '' and anything unreadable -> NaN (see :func:`parse_number`)."""
    values = [parse_number(v, decimal_comma, **kinds) for v in series.tolist()]
    return pd.Series([np.nan if v is None else v for v in values], index=series.index, dtype=float)


def choice_text(series: pd.Series) -> pd.Series:
    """``' In Flight '`` -> ``'in_flight'``: how status, kind and direction are matched."""
    return series.astype(str).str.strip().str.lower().str.replace(r"[\s\-]+", "_", regex=True)


def suggest(value: str, known: list[str] | tuple[str, ...], fuzzy: bool = True) -> str | None:
    """The known name a misspelt ``value`` most likely meant, or ``None``.

    Case, spaces and leading zeros are tried first (``p01`` -> ``P01``, ``7`` -> ``007``); with
    ``fuzzy`` also close spellings (``Data Engineeer`` -> ``Data Engineer``). Ids such as
    ``P09`` are close to every other id, so callers pass ``fuzzy=False`` for them.
    """

    def plain(text: str) -> str:
        return re.sub(r"(?<!\d)0+(?=\d)", "", re.sub(r"\s+", " ", str(text).strip().lower()))

    text = str(value).strip()
    same = [k for k in known if plain(k) == plain(text) and k != text]
    if same:
        return same[0]
    if not fuzzy:
        return None
    close = difflib.get_close_matches(text, list(known), n=1, cutoff=0.6)
    return close[0] if close else None


# --------------------------------------------------------------------------------------------
# typing (after validation: conversions here cannot fail on validated input)


def _text(series: pd.Series) -> pd.Series:
    return series.astype(str).str.strip()


def _month_or_none(series: pd.Series) -> pd.Series:
    # built as object: pandas 3's str dtype would turn None into NaN
    values = [normalise(v) if str(v).strip() else None for v in series]
    return pd.Series(values, index=series.index, dtype=object)


def _col(raw: RawTable | None, column: str, default: str = "") -> pd.Series:
    if raw is None or not raw.usable:
        return pd.Series([], dtype=str)
    if column in raw.frame.columns:
        return raw.frame[column]
    return pd.Series([default] * len(raw.frame), index=raw.frame.index, dtype=str)


def build_portfolio(
    tables: dict[str, RawTable], source: str = "", warnings: list[str] | tuple[str, ...] = ()
) -> Portfolio:
    """Typed :class:`Portfolio` from validated raw tables (see ``validate.validate_tables``).

    Parameters
    ----------
    tables
        From :func:`read_tables`, with no validation errors.
    source
        Where they came from, kept in ``Portfolio.source``.
    warnings
        Validation warnings, kept in ``Portfolio.warnings``.
    """

    def num(name: str, column: str, **kinds: bool) -> pd.Series:
        raw = tables.get(name)
        return to_number(_col(raw, column), raw.decimal_comma if raw else False, **kinds)

    pr = tables["projects"]
    projects = pd.DataFrame(
        {
            "project_id": _text(_col(pr, "project_id")),
            "name": _text(_col(pr, "name")),
            "category": _text(_col(pr, "category")).replace("", "Uncategorised"),
            "status": choice_text(_col(pr, "status")).replace("", "proposed"),
            "earliest_start": _month_or_none(_col(pr, "earliest_start")),
            "deadline": _month_or_none(_col(pr, "deadline")),
            "duration": num("projects", "duration").round().astype(int),
            "cost": num("projects", "cost"),
            "benefit": num("projects", "benefit").fillna(0.0),
            "risk": num("projects", "risk").fillna(0.0),
            "cost_of_delay": num("projects", "cost_of_delay").fillna(0.0),
            "benefit_low": num("projects", "benefit_low"),
            "benefit_high": num("projects", "benefit_high"),
            "cost_low": num("projects", "cost_low"),
            "cost_high": num("projects", "cost_high"),
        }
    )
    projects["name"] = projects["name"].where(projects["name"] != "", projects["project_id"])
    projects = projects.set_index("project_id")
    duration = projects["duration"]

    dm = tables["demand"]
    demand = pd.DataFrame(
        {
            "project_id": _text(_col(dm, "project_id")),
            "role": _text(_col(dm, "role")),
            "month_offset": num("demand", "month_offset").round(),
            "fte": num("demand", "fte"),
        }
    )
    # rows without month_offset apply to every month of the project
    flat = demand[demand["month_offset"].isna()].copy()
    flat["month_offset"] = flat["project_id"].map(lambda p: list(range(int(duration[p]))))
    flat = flat.explode("month_offset")
    demand = pd.concat([demand[demand["month_offset"].notna()], flat], ignore_index=True)
    demand["month_offset"] = demand["month_offset"].astype(int)
    demand["fte"] = demand["fte"].astype(float)
    demand = (
        demand.groupby(["project_id", "role", "month_offset"], as_index=False, sort=True)["fte"]
        .sum()
        .reset_index(drop=True)
    )

    cp = tables["capacity"]
    capacity = pd.DataFrame(
        {
            "role": _text(_col(cp, "role")),
            "month": _month_or_none(_col(cp, "month")),
            "fte": num("capacity", "fte"),
        }
    )

    rl = tables.get("roles")
    roles = pd.DataFrame(
        {
            "role": _text(_col(rl, "role")),
            "cost_per_fte_month": num("roles", "cost_per_fte_month"),
            "hire_cost_per_fte_month": num("roles", "hire_cost_per_fte_month"),
            "max_hire_fte": num("roles", "max_hire_fte"),
        }
    ).set_index("role")

    bd = tables.get("budget")
    budget = pd.DataFrame({"period": _text(_col(bd, "period")), "amount": num("budget", "amount")})
    budget["period"] = budget["period"].map(_normalise_period).astype(str)

    dp = tables.get("dependencies")
    dependencies = pd.DataFrame(
        {
            "project_id": _text(_col(dp, "project_id")),
            "depends_on": _text(_col(dp, "depends_on")),
            "kind": choice_text(_col(dp, "kind")).replace("", "requires"),
        }
    )

    cr = tables.get("criteria")
    criteria = pd.DataFrame(
        {
            "criterion": _text(_col(cr, "criterion")),
            "weight": num("criteria", "weight"),
            "direction": choice_text(_col(cr, "direction")).replace("", "max"),
        }
    ).set_index("criterion")

    sc = tables.get("scores")
    scores = pd.DataFrame(
        {
            "project_id": _text(_col(sc, "project_id")),
            "criterion": _text(_col(sc, "criterion")),
            "score": num("scores", "score"),
        }
    )

    pw = tables.get("pairwise")
    pairwise = pd.DataFrame(
        {
            "criterion": _text(_col(pw, "criterion")),
            "over": _text(_col(pw, "over")),
            "ratio": num("pairwise", "ratio", fraction=True),
        }
    )

    ct = tables.get("categories")
    categories = pd.DataFrame(
        {
            "category": _text(_col(ct, "category")),
            "min_share": num("categories", "min_share", percent=True),
            "max_share": num("categories", "max_share", percent=True),
        }
    ).set_index("category")

    st = tables.get("settings")
    settings = dict(DEFAULT_SETTINGS)
    for key, value in zip(_text(_col(st, "setting")), _text(_col(st, "value")), strict=True):
        if value:
            settings[key.lower()] = value

    return Portfolio(
        projects=projects,
        demand=demand,
        capacity=capacity,
        roles=roles,
        budget=budget,
        dependencies=dependencies,
        criteria=criteria,
        scores=scores,
        pairwise=pairwise,
        categories=categories,
        source=source,
        warnings=tuple(dict.fromkeys(warnings)),
        settings=settings,
    )


def _normalise_period(period: str) -> str:
    text = str(period).strip()
    if text.lower() == "total":
        return "total"
    if re.fullmatch(r"\d{4}", text):
        return f"{int(text):04d}"
    if re.fullmatch(r"\d{4}-[Qq][1-4]", text):
        return f"{int(text[:4]):04d}-Q{text[-1]}"
    return normalise(text)
