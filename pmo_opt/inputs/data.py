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
    for r, cells in records[1:]:
        extra = [c for c in cells[width:] if c.strip()]
        if extra:
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
    frame = pd.DataFrame(data, columns=[names[i] for i in keep], dtype=str)
    if not data:
        frame = pd.DataFrame({names[i]: pd.Series([], dtype=str) for i in keep})
    return RawTable(name, file, frame, decimal_comma, rows, problems)


def _read_csv(path: Path, name: str) -> RawTable:
    label = path.name
    raw = path.read_bytes()
    if not raw.strip():
        header = ",".join(TABLES.get(name, ((), ()))[0])
        return _unusable(
            name,
            label,
            f"the file is empty ({len(raw)} bytes); write at least the header row "
            f"({header}), or delete the file",
        )
    text = _decode(raw)
    lines = text.splitlines()
    # Excel's 'sep=;' first line names the separator; Excel does not show it as a row
    hint = re.fullmatch(r"\s*sep=([,;\t|])\s*", lines[0]) if lines else None
    if hint:
        text = text.split("\n", 1)[1] if "\n" in text else ""
    sep = hint.group(1) if hint else _separator([ln for ln in lines if ln.strip()])
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
        records = [(i + 1, row) for i, row in enumerate(reader)]
    except csv.Error as exc:
        return _unusable(name, label, f"cannot be read as CSV ({exc}); save it again as CSV")
    return _frame(name, label, records, decimal_comma=sep == ";")


def _unusable(name: str, file: str, message: str) -> RawTable:
    return RawTable(
        name, file, pd.DataFrame(), problems=[Problem(file, None, None, message)], usable=False
    )


def _read_folder(folder: Path) -> dict[str, RawTable]:
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
        book_values = openpyxl.load_workbook(path, data_only=True)
        book_formulas = openpyxl.load_workbook(path, data_only=False)
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
    for sheet in book_values.sheetnames:
        name = table_key(sheet)
        file = f"{label}[{sheet}]"
        if name in tables:
            tables[name].problems.append(
                Problem(
                    file,
                    None,
                    None,
                    f"sheet {sheet!r} repeats table {name!r}; it is ignored, delete one of them",
                    "warning",
                )
            )
            continue
        if name not in TABLES:
            tables[name] = RawTable(name, file, pd.DataFrame(), usable=False)
            continue
        values = book_values[sheet]
        formulas = book_formulas[sheet]
        if not hasattr(values, "iter_rows"):  # a chart sheet
            continue
        tables[name] = _read_sheet(name, file, values, formulas)
    return tables


def _read_sheet(name: str, file: str, values, formulas) -> RawTable:
    records: list[tuple[int, list[str]]] = []
    unsaved: list[Problem] = []
    header: list[str] | None = None
    for vrow, frow in zip(values.iter_rows(), formulas.iter_rows(), strict=False):
        r = vrow[0].row if vrow else 0
        cells = []
        for c, (v, f) in enumerate(zip(vrow, frow, strict=False)):
            col = header[c] if header and c < len(header) else None
            cells.append(_cell_text(v.value, v.number_format, col in ID_COLUMNS))
            if v.value is None and f.data_type == "f":
                formula = f.value if isinstance(f.value, str) else getattr(f.value, "text", "")
                unsaved.append(
                    Problem(
                        file,
                        r,
                        col or f"column {c + 1}",
                        f"formula {formula!r} has no saved value (the workbook was written by "
                        "a program, not saved by Excel); open it in Excel and save it, or "
                        "paste values, so the result is stored",
                    )
                )
        if header is None and any(cells):
            header = [table_key(h) for h in cells]
        records.append((r, cells))
    table = _frame(name, file, records, decimal_comma=False)
    table.problems.extend(unsaved)
    return table


def read_tables(path: str | Path) -> dict[str, RawTable]:
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
        return _read_folder(p)
    if p.suffix.lower() in (".xlsx", ".xlsm"):
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
