"""The portfolio: tables read from a CSV folder or an .xlsx workbook into typed DataFrames.

Flow: :func:`read_tables` (raw text, nothing converted) -> ``validate.validate_tables`` (every
problem at once) -> :func:`build_portfolio` (typed, indexed). :func:`load_portfolio` does all three.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import InputError, Problem
from .months import normalise

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
}
REQUIRED_TABLES = ("projects", "demand", "capacity")
STATUSES = ("proposed", "committed", "in_flight")
DEPENDENCY_KINDS = ("requires", "finish_to_start", "excludes")
DIRECTIONS = ("max", "min")


@dataclass
class RawTable:
    """One table as read: every cell is text ('' when empty); ``file`` names it in messages."""

    name: str
    file: str
    frame: pd.DataFrame
    decimal_comma: bool = False

    def row_number(self, index: int) -> int:
        """Spreadsheet row of the frame's positional ``index`` (header is row 1)."""
        return int(index) + 2


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

    @property
    def project_ids(self) -> list[str]:
        return list(self.projects.index)

    @property
    def role_names(self) -> list[str]:
        names = set(self.demand["role"]) | set(self.capacity["role"]) | set(self.roles.index)
        return sorted(names)


# --------------------------------------------------------------------------------------------
# reading


def _sniff_csv(text: str) -> tuple[str, bool]:
    """Separator and whether numbers use a decimal comma (Excel in much of Europe)."""
    first = text.splitlines()[0] if text.strip() else ""
    sep = ";" if first.count(";") > first.count(",") else ","
    if sep == ";":
        return sep, True
    try:
        sep = csv.Sniffer().sniff(first, delimiters=",;\t").delimiter
    except csv.Error:
        pass
    return sep, sep == ";"


def _read_csv(path: Path, name: str) -> RawTable:
    raw = path.read_bytes()
    label = path.name
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if not text.strip():
        raise InputError(
            [Problem(label, None, None, "the file is empty; it needs a header row and data")]
        )
    sep, decimal_comma = _sniff_csv(text)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            skipinitialspace=True,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise InputError([Problem(label, None, None, f"cannot be read as CSV: {exc}")]) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame.apply(lambda col: col.str.strip())
    return RawTable(name, label, frame, decimal_comma)


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
        book_values = openpyxl.load_workbook(path, data_only=True, read_only=True)
        book_formulas = openpyxl.load_workbook(path, data_only=False, read_only=True)
    except Exception as exc:  # openpyxl raises many types for a corrupt file
        raise InputError(
            [Problem(label, None, None, f"cannot be opened as a workbook: {exc}")]
        ) from None
    tables: dict[str, RawTable] = {}
    problems: list[Problem] = []
    for sheet in book_values.sheetnames:
        name = sheet.strip().lower()
        if name not in TABLES:
            problems.append(
                Problem(
                    f"{label}[{sheet}]",
                    None,
                    None,
                    f"sheet {sheet!r} is not a portfolio table and is ignored "
                    f"(known: {', '.join(TABLES)})",
                    "warning",
                )
            )
            continue
        values = list(book_values[sheet].iter_rows(values_only=True))
        formulas = list(book_formulas[sheet].iter_rows(values_only=True))
        file = f"{label}[{sheet}]"
        if not values or all(v is None for v in values[0]):
            problems.append(Problem(file, None, None, "the sheet is empty; it needs a header row"))
            continue
        header = [str(h).strip() if h is not None else "" for h in values[0]]
        rows = []
        for r, (vals, forms) in enumerate(zip(values[1:], formulas[1:], strict=False), start=2):
            if all(v is None for v in vals) and all(f is None for f in forms):
                continue
            cells = []
            for c, (v, f) in enumerate(zip(vals, forms, strict=False)):
                if v is None and isinstance(f, str) and f.startswith("="):
                    col = header[c] if c < len(header) else str(c + 1)
                    problems.append(
                        Problem(
                            file,
                            r,
                            col,
                            f"formula {f!r} has no saved value; open the workbook in Excel and "
                            "save it (or paste values) so the result is stored",
                        )
                    )
                cells.append(_cell_text(v))
            rows.append(cells + [""] * (len(header) - len(cells)))
        frame = pd.DataFrame(rows, columns=header, dtype=str) if rows else None
        if frame is None:
            frame = pd.DataFrame(columns=header, dtype=str)
        tables[name] = RawTable(name, file, frame, False)
    if any(p.severity == "error" for p in problems):
        raise InputError(problems)
    for t in tables.values():
        t.frame.attrs["warnings"] = [str(p) for p in problems]
    return tables


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "strftime"):  # a date typed into a month cell
        return value.strftime("%Y-%m")
    return str(value).strip()


def read_tables(path: str | Path) -> dict[str, RawTable]:
    """Read every table of a portfolio as text: a folder of ``<table>.csv`` or one ``.xlsx``."""
    p = Path(path)
    if not p.exists():
        raise InputError([Problem(str(path), None, None, "no such file or folder")])
    if p.is_dir():
        tables = {}
        for name in TABLES:
            f = p / f"{name}.csv"
            if f.exists():
                tables[name] = _read_csv(f, name)
        return tables
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_workbook(p)
    raise InputError(
        [
            Problem(
                p.name,
                None,
                None,
                "a portfolio is a folder of CSV files or an .xlsx workbook; "
                f"{p.suffix or 'this file'} is neither",
            )
        ]
    )


# --------------------------------------------------------------------------------------------
# typing (after validation: conversions here cannot fail on validated input)


def to_number(series: pd.Series, decimal_comma: bool = False) -> pd.Series:
    """Text -> float; '' -> NaN; ``1.234,5`` style when ``decimal_comma``."""
    s = series.astype(str).str.strip().str.replace("\u00a0", "", regex=False)
    if decimal_comma:
        s = s.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    s = s.str.replace(" ", "", regex=False)
    return pd.to_numeric(s.replace("", np.nan), errors="coerce").astype(float)


def _text(series: pd.Series) -> pd.Series:
    return series.astype(str).str.strip()


def _month_or_none(series: pd.Series) -> pd.Series:
    return series.map(lambda v: normalise(v) if str(v).strip() else None).astype(object)


def _col(raw: RawTable | None, column: str, default: str = "") -> pd.Series:
    if raw is None:
        return pd.Series([], dtype=str)
    if column in raw.frame.columns:
        return raw.frame[column]
    return pd.Series([default] * len(raw.frame), index=raw.frame.index, dtype=str)


def build_portfolio(tables: dict[str, RawTable], source: str = "") -> Portfolio:
    """Typed :class:`Portfolio` from validated raw tables."""

    def num(name: str, column: str) -> pd.Series:
        raw = tables.get(name)
        return to_number(_col(raw, column), raw.decimal_comma if raw else False)

    pr = tables["projects"]
    projects = pd.DataFrame(
        {
            "project_id": _text(_col(pr, "project_id")),
            "name": _text(_col(pr, "name")),
            "category": _text(_col(pr, "category")).replace("", "Uncategorised"),
            "status": _text(_col(pr, "status")).str.lower().replace("", "proposed"),
            "earliest_start": _month_or_none(_col(pr, "earliest_start")),
            "deadline": _month_or_none(_col(pr, "deadline")),
            "duration": num("projects", "duration").astype(int),
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
            "month_offset": num("demand", "month_offset"),
            "fte": num("demand", "fte"),
        }
    )
    # rows without month_offset apply to every month of the project
    flat = demand[demand["month_offset"].isna()].copy()
    flat["month_offset"] = flat["project_id"].map(lambda p: list(range(int(duration[p]))))
    flat = flat.explode("month_offset")
    demand = pd.concat([demand[demand["month_offset"].notna()], flat], ignore_index=True)
    demand["month_offset"] = demand["month_offset"].astype(int)
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
    budget = pd.DataFrame(
        {"period": _text(_col(bd, "period")), "amount": num("budget", "amount")}
    )
    budget["period"] = budget["period"].map(_normalise_period)

    dp = tables.get("dependencies")
    dependencies = pd.DataFrame(
        {
            "project_id": _text(_col(dp, "project_id")),
            "depends_on": _text(_col(dp, "depends_on")),
            "kind": _text(_col(dp, "kind")).str.lower().replace("", "requires"),
        }
    )

    cr = tables.get("criteria")
    criteria = pd.DataFrame(
        {
            "criterion": _text(_col(cr, "criterion")),
            "weight": num("criteria", "weight"),
            "direction": _text(_col(cr, "direction")).str.lower().replace("", "max"),
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
            "ratio": num("pairwise", "ratio"),
        }
    )

    ct = tables.get("categories")
    categories = pd.DataFrame(
        {
            "category": _text(_col(ct, "category")),
            "min_share": num("categories", "min_share"),
            "max_share": num("categories", "max_share"),
        }
    ).set_index("category")

    warnings: list[str] = []
    for t in tables.values():
        warnings.extend(t.frame.attrs.get("warnings", []))
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
    )


def _normalise_period(period: str) -> str:
    text = str(period).strip()
    if text.lower() == "total":
        return "total"
    if len(text) == 7 and text[4] in "-" and text[5] in "Qq":
        return text.upper()
    if len(text) == 4:
        return text
    return normalise(text)


def load_portfolio(path: str | Path) -> Portfolio:
    """Read, validate and type a portfolio; raise :class:`InputError` listing every problem.

    Parameters
    ----------
    path
        A folder of ``<table>.csv`` files or an ``.xlsx`` workbook with a sheet per table.

    Returns
    -------
    Portfolio
        Typed tables; ``warnings`` holds what was accepted but looked odd (unknown columns).
    """
    from .validate import validate_tables  # validate imports this module's table spec

    tables = read_tables(path)
    problems = validate_tables(tables)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise InputError(problems)
    for p in problems:
        tables[next(iter(tables))].frame.attrs.setdefault("warnings", []).append(str(p))
    return build_portfolio(tables, source=str(path))
