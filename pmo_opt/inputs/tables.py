"""The tables of a portfolio: their columns and limits, :class:`RawTable` (every cell as text, as
read), and how a table is built from the records of a file or sheet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from pmo_opt.errors import Problem

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
#: workbook sheets for people, not tables (the intake template's instructions): not read
INFO_SHEETS = ("instructions", "readme", "read_me")
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
    #: a workbook sheet's title and the column letter of each header (messages name the cell)
    sheet: str = ""
    letters: dict[str, str] = field(default_factory=dict)

    def cell_ref(self, row: int | None, column: str | None) -> str | None:
        """``projects!H14``: where a problem is in the workbook, or ``None`` (a CSV file, or
        no single cell)."""
        if not self.sheet or row is None or column not in self.letters:
            return None
        sheet = (
            self.sheet
            if re.fullmatch(r"\w+", self.sheet)
            else "'" + self.sheet.replace("'", "''") + "'"
        )
        return f"{sheet}!{self.letters[column]}{row}"

    def row_number(self, index: int) -> int:
        """Spreadsheet row of the frame's positional ``index`` (header is row 1)."""
        i = int(index)
        return self.rows[i] if 0 <= i < len(self.rows) else i + 2


def table_key(name: str) -> str:
    """``' Project ID '`` -> ``'project_id'``: how table and column names are matched."""
    text = str(name).replace("\ufeff", "").replace("ï»¿", "").strip().lower()
    return re.sub(r"[\s\-]+", "_", text)


def frame(
    name: str, file: str, records: list[tuple[int, list[str]]], decimal_comma: bool
) -> RawTable:
    """A :class:`RawTable` from ``(spreadsheet row, cells)`` records, the first being the header."""
    problems: list[Problem] = []
    records = [(r, cells) for r, cells in records if any(c.strip() for c in cells)]
    if not records:
        columns = ",".join(TABLES.get(name, ((), ()))[0]) or "column names"
        return unusable(
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


def unusable(name: str, file: str, message: str) -> RawTable:
    return RawTable(
        name, file, pd.DataFrame(), problems=[Problem(file, None, None, message)], usable=False
    )
