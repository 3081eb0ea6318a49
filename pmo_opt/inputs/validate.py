"""Every rule a portfolio must satisfy, each a small mask-based check; all problems at once.

:func:`validate_tables` is the one entry point. It runs on the raw text of
:func:`pmo_opt.inputs.data.read_tables`, so every check must cope with garbage in any cell; it never
raises. Each problem names the file, the spreadsheet row (header = 1) and the column, quotes the
offending value and says how to fix it. ``portfolio.build_portfolio`` runs only when no problem is an
error, and relies on these checks: a number it converts has been parsed here by the same parser.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pmo_opt.errors import InputError, Problem
from pmo_opt.inputs import months
from pmo_opt.inputs.cells import choice_text, parse_number, suggest
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.tables import (
    DEFAULT_SETTINGS,
    DEPENDENCY_KINDS,
    DIRECTIONS,
    REQUIRED_TABLES,
    STATUSES,
    TABLES,
    RawTable,
)
from pmo_opt.text import FORMULA_STARTS

#: longest accepted duration in months; more is almost surely days or weeks
MAX_DURATION = 600
#: plausible calendar years; '2207-01' for '2027-01' would otherwise make a 180-year horizon
YEARS = (1900, 2199)
ACTIVE = ("committed", "in_flight")
#: rows one rule reports one by one; the rest are counted (see ``_Table.add``)
MAX_PER_RULE = 20
#: FTE beyond this is not a team (10,000 people on one role in one month)
MAX_FTE = 1e4
#: money, benefit, scores and weights beyond this are typos or the wrong unit
MAX_AMOUNT = 1e13
_NEEDS = ("requires", "finish_to_start")


@dataclass(frozen=True)
class _Number:
    """How one numeric column is read and bounded."""

    required: bool = False
    integer: bool = False
    low: float | None = 0.0
    high: float | None = None
    low_fix: str = "{col} must be 0 or more"
    high_fix: str = ""
    percent: bool = False
    fraction: bool = False
    #: largest sane absolute value; beyond it the solver's arithmetic breaks (1e308 -> inf)
    magnitude: float = MAX_AMOUNT


_AMOUNT = _Number()
_SHARE = _Number(
    high=1.0, high_fix="write a share between 0 and 1, e.g. 0.25 (or 25%)", percent=True
)
NUMBERS: dict[str, dict[str, _Number]] = {
    "projects": {
        "duration": _Number(
            required=True,
            integer=True,
            low=1,
            low_fix="a project lasts at least 1 month",
            high=MAX_DURATION,
            high_fix=f"durations are whole months (at most {MAX_DURATION}); is it in days?",
        ),
        **dict.fromkeys(
            (
                "cost",
                "benefit",
                "risk",
                "cost_of_delay",
                "benefit_low",
                "benefit_high",
                "cost_low",
                "cost_high",
            ),
            _AMOUNT,
        ),
    },
    "demand": {
        "fte": _Number(required=True, magnitude=MAX_FTE),
        "month_offset": _Number(integer=True, low_fix="month_offset counts from 0"),
    },
    "capacity": {"fte": _Number(required=True, magnitude=MAX_FTE)},
    "roles": {
        **dict.fromkeys(("cost_per_fte_month", "hire_cost_per_fte_month"), _AMOUNT),
        "max_hire_fte": _Number(magnitude=MAX_FTE),
    },
    "budget": {"amount": _Number(required=True)},
    "criteria": {"weight": _Number(required=True)},
    "scores": {"score": _Number(required=True, low=None)},
    "pairwise": {
        "ratio": _Number(
            required=True,
            low=1 / 9 - 0.002,  # 0.111 written for 1/9 is fine
            high=9.0,
            low_fix="Saaty's scale runs from 1/9 to 9 (1 = equally important)",
            high_fix="Saaty's scale runs from 1/9 to 9 (9 = extremely more important)",
            fraction=True,
        )
    },
    "categories": {"min_share": _SHARE, "max_share": _SHARE},
}
MONTH_COLUMNS = {"projects": ("earliest_start", "deadline"), "capacity": ("month",)}
CHOICES = {
    "projects": {"status": STATUSES},
    "dependencies": {"kind": DEPENDENCY_KINDS},
    "criteria": {"direction": DIRECTIONS},
}
#: columns that may not be empty, and those whose values must be unique in their table
KEYS = {
    "projects": ("project_id",),
    "demand": ("project_id", "role"),
    "capacity": ("role",),
    "roles": ("role",),
    "budget": ("period",),
    "dependencies": ("project_id", "depends_on"),
    "criteria": ("criterion",),
    "scores": ("project_id", "criterion"),
    "pairwise": ("criterion", "over"),
    "categories": ("category",),
    "settings": ("setting",),
}
#: identifier columns: refused when they start like a spreadsheet formula (README, "Limits and
#: safety"); free text (names, categories) is written with a leading apostrophe instead
IDENTIFIERS = ("project_id", "depends_on", "role", "criterion", "over")
#: a date this many months before or after everything else the data names is probably a typo
FAR_MONTHS = 120
UNIQUE = {
    "projects": "project_id",
    "roles": "role",
    "criteria": "criterion",
    "categories": "category",
    "settings": "setting",
}


def validate_tables(tables: dict[str, RawTable]) -> list[Problem]:
    """Check raw tables; return every problem found (errors and warnings), never raise.

    Parameters
    ----------
    tables
        From :func:`pmo_opt.inputs.data.read_tables`: every cell as text.

    Returns
    -------
    list of Problem
        Errors first, then warnings; each in table order, then by row.
    """
    read = [p for raw in tables.values() for p in raw.problems]
    problems: list[Problem] = []
    _check_table_set(tables, problems)
    views: dict[str, _Table] = {}
    for name, raw in tables.items():
        if name in TABLES and raw.usable:
            views[name] = t = _Table(raw, problems)
            _check_columns(t)
            _check_cells(t)
    ctx = _Context(views)
    for name, check in _TABLE_CHECKS.items():
        if name in views:
            check(views[name], ctx)
    # a cell already reported while reading (a formula without a saved value) is not re-reported
    seen = {(p.file, p.row, p.column) for p in read if p.severity == "error"}
    problems = read + [p for p in problems if (p.file, p.row, p.column) not in seen]
    order = {raw.file: i for i, raw in enumerate(sorted(tables.values(), key=_table_rank))}
    problems.sort(key=lambda p: (p.severity != "error", order.get(p.file, -1), p.row or 0))
    return list(dict.fromkeys(problems))


def _table_rank(raw: RawTable) -> int:
    names = list(TABLES)
    return names.index(raw.name) if raw.name in names else len(names)


# --------------------------------------------------------------------------------------------
# helpers


class _Table:
    """A raw table with parsed columns cached; ``add`` reports a mask of rows."""

    def __init__(self, raw: RawTable, problems: list[Problem]):
        self.raw, self.name, self.file = raw, raw.name, raw.file
        self.df = raw.frame.reset_index(drop=True)
        self.out = problems
        self._cache: dict[tuple[str, str], pd.Series] = {}

    def __len__(self) -> int:
        return len(self.df)

    def has(self, col: str) -> bool:
        return col in self.df.columns

    def text(self, col: str) -> pd.Series:
        """Stripped cell text ('' for a missing column); cached, as every rule asks for it."""
        key = ("text", col)
        if key not in self._cache:
            cells = self.df[col].tolist() if self.has(col) else [""] * len(self.df)
            self._cache[key] = pd.Series([str(v).strip() for v in cells], dtype=object)
        return self._cache[key]

    def choice(self, col: str) -> pd.Series:
        key = ("choice", col)
        if key not in self._cache:
            self._cache[key] = choice_text(self.text(col))
        return self._cache[key]

    def number(self, col: str) -> pd.Series:
        """Parsed numbers; NaN where empty or not a valid number."""
        key = ("number", col)
        if key not in self._cache:
            spec = NUMBERS.get(self.name, {}).get(col, _AMOUNT)
            values = [
                parse_number(
                    v, self.raw.decimal_comma, percent=spec.percent, fraction=spec.fraction
                )
                for v in self.text(col)
            ]
            self._cache[key] = pd.Series([np.nan if v is None else v for v in values], dtype=float)
        return self._cache[key]

    def month(self, col: str) -> pd.Series:
        """Months as ordinals; NaN where empty or not a month."""
        key = ("month", col)
        if key not in self._cache:
            self._cache[key] = pd.Series([_ordinal(v) for v in self.text(col)], dtype=float)
        return self._cache[key]

    def row(self, i: int) -> int:
        return self.raw.row_number(i)

    def cell(self, i: int, col: str) -> str:
        return str(self.df[col].iloc[i]).strip() if self.has(col) else ""

    def add(
        self,
        mask: pd.Series | np.ndarray,
        col: str | None,
        message: Callable[[int], str],
        severity: str = "error",
    ) -> None:
        """One problem per row where ``mask`` holds; ``message(i)`` says what and how to fix.

        At most :data:`MAX_PER_RULE` rows are reported one by one; the rest are counted in one
        more problem (a 10-million-row file with a bad value in every row gives a short list).
        """
        rows = np.flatnonzero(np.asarray(mask, dtype=bool))
        for i in rows[:MAX_PER_RULE]:
            self.out.append(Problem(self.file, self.row(int(i)), col, message(int(i)), severity))
        if len(rows) > MAX_PER_RULE:
            first, last = self.row(int(rows[MAX_PER_RULE])), self.row(int(rows[-1]))
            self.out.append(
                Problem(
                    self.file,
                    first,
                    col,
                    f"... and {len(rows) - MAX_PER_RULE} more rows like the ones above "
                    f"(rows {first} to {last}); fix those and run again",
                    severity,
                )
            )

    def note(self, row: int | None, col: str | None, message: str, severity: str = "error") -> None:
        self.out.append(Problem(self.file, row, col, message, severity))


def _ordinal(value: str) -> float:
    try:
        n = months.to_ordinal(value)
    except ValueError:
        return np.nan
    return float(n) if YEARS[0] <= n // 12 <= YEARS[1] else np.nan


def _listing(values, limit: int = 8) -> str:
    values = list(dict.fromkeys(str(v) for v in values))
    if len(values) <= limit:
        return ", ".join(values) or "none"
    return f"{', '.join(values[:limit])}, ... ({len(values)} in all)"


def _unknown(value: str, what: str, known: list[str], where: str, fuzzy: bool = True) -> str:
    """``'Data Engineeer' is not a known role (known: ...); did you mean 'Data Engineer'?``"""
    close = suggest(value, known, fuzzy)
    hint = f"; did you mean {close!r}?" if close else f"; add it to {where} or fix the name"
    return f"{value!r} is not a known {what} (known: {_listing(sorted(known))}){hint}"


class _Context:
    """Facts other tables are checked against; ``None`` where the source table is unusable."""

    def __init__(self, views: dict[str, _Table]):
        pr = views.get("projects")
        self.projects_file = pr.file if pr else "projects.csv"
        self.project_ids: list[str] | None = None
        self.duration: dict[str, int] = {}
        self.status: dict[str, str] = {}
        if pr is not None and pr.has("project_id"):
            ids = pr.text("project_id")
            self.project_ids = sorted(set(ids) - {""})
            dur = (
                pr.number("duration") if pr.has("duration") else pd.Series(np.nan, index=ids.index)
            )
            ok = dur.notna() & (dur >= 1) & (dur <= MAX_DURATION) & (dur == dur.round())
            self.duration = {p: int(d) for p, d, k in zip(ids, dur, ok, strict=True) if k and p}
            status = pr.choice("status").replace("", "proposed")
            self.status = dict(reversed(list(zip(ids, status, strict=True))))  # first wins
        self.roles: list[str] | None = None
        role_tables = [
            views[n] for n in ("capacity", "roles") if n in views and views[n].has("role")
        ]
        if role_tables:
            self.roles = sorted(set().union(*(set(t.text("role")) for t in role_tables)) - {""})
        # capacity and roles define the roles; a demanded role must appear in one of them
        self.roles_where = " or ".join(t.file for t in role_tables) or "capacity.csv"
        cr = views.get("criteria")
        self.criteria: list[str] | None = None
        if cr is not None and cr.has("criterion"):
            self.criteria = sorted(set(cr.text("criterion")) - {""})
        self.criteria_file = cr.file if cr else "criteria.csv"
        # roles that demand or capacity name: a roles.csv row naming none of them is a typo
        named = [views[n] for n in ("demand", "capacity") if n in views and views[n].has("role")]
        self.used_roles: set[str] | None = (
            set().union(*(set(t.text("role")) for t in named)) - {""} if named else None
        )
        # the months capacity and budget name: dates far outside them are probably typos
        dated: list[float] = []
        cp = views.get("capacity")
        if cp is not None and cp.has("month"):
            dated += cp.month("month").dropna().tolist()
        bd = views.get("budget")
        if bd is not None and bd.has("period"):
            for value in bd.text("period"):
                try:
                    covered = months.period_months(value)
                except ValueError:
                    continue
                if covered:
                    dated += [v for v in (_ordinal(covered[0]), _ordinal(covered[-1])) if v == v]
        self.span = (min(dated), max(dated)) if dated else None


# --------------------------------------------------------------------------------------------
# rules for every table: presence, columns, empty keys, duplicates, numbers, months, choices


def _check_table_set(tables: dict[str, RawTable], out: list[Problem]) -> None:
    books = {raw.file.split("[", 1)[0] for raw in tables.values() if raw.file.endswith("]")}
    book = sorted(books)[0] if books else None
    for name in REQUIRED_TABLES:
        if name in tables:
            continue
        columns = ", ".join(TABLES[name][0])
        if book:
            out.append(
                Problem(
                    f"{book}[{name}]",
                    None,
                    None,
                    f"required table {name!r} is missing; add a sheet named {name!r} "
                    f"with the columns {columns}",
                )
            )
        else:
            out.append(
                Problem(
                    f"{name}.csv",
                    None,
                    None,
                    f"required table {name!r} is missing; add {name}.csv to the folder "
                    f"with the columns {columns}",
                )
            )
    for name, raw in tables.items():
        if name not in TABLES:
            close = suggest(name, list(TABLES))
            hint = f"; did you mean {close!r}?" if close else ""
            out.append(
                Problem(
                    raw.file,
                    None,
                    None,
                    f"{raw.file} is not a portfolio table and is ignored "
                    f"(tables: {', '.join(TABLES)}){hint}",
                    "warning",
                )
            )


def _check_columns(t: _Table) -> None:
    required, optional = TABLES[t.name]
    known = [*required, *optional]
    unknown = [c for c in t.df.columns if c not in known]
    for col in required:
        if not t.has(col):
            close = [u for u in unknown if suggest(u, [col]) == col]
            hint = (
                f"; found {close[0]!r}, rename it to {col!r}"
                if close
                else f" (the header is: {_listing(t.df.columns, 20)})"
            )
            t.note(1, col, f"required column {col!r} is missing{hint}")
    for col in unknown:
        close = suggest(col, known)
        hint = f"did you mean {close!r}?" if close else f"known: {', '.join(known)}"
        t.note(1, col, f"unknown column {col!r} is ignored; {hint}", "warning")
    if t.name in REQUIRED_TABLES and len(t) == 0:
        t.note(
            None, None, f"{t.file} has a header but no data rows; {t.name} needs at least one row"
        )


def _check_cells(t: _Table) -> None:
    for col in KEYS.get(t.name, ()):
        if t.has(col):
            t.add(t.text(col) == "", col, lambda i, c=col: f"{c} is empty; every row needs one")
    for col in IDENTIFIERS:
        if t.has(col):
            text = t.text(col)
            t.add(
                text.map(lambda v: v.startswith(FORMULA_STARTS)),
                col,
                lambda i, c=col: (
                    f"{t.cell(i, c)!r} starts with {t.cell(i, c)[:1]!r}, which makes a "
                    "spreadsheet run it as a formula when a result file is opened; an "
                    "identifier may not start with =, +, -, @, a tab or a carriage return: "
                    "rename it (for example drop that character) everywhere it is used"
                ),
            )
    if t.name in UNIQUE and t.has(UNIQUE[t.name]):
        _check_unique(t, [UNIQUE[t.name]])
    for col, spec in NUMBERS.get(t.name, {}).items():
        if t.has(col):
            _check_number(t, col, spec)
    for col in MONTH_COLUMNS.get(t.name, ()):
        if t.has(col):
            text = t.text(col)
            bad = (text != "") & t.month(col).isna()
            t.add(bad, col, lambda i, c=col: _month_message(t.cell(i, c)))
    for col, allowed in CHOICES.get(t.name, {}).items():
        if t.has(col):
            value = t.choice(col)
            bad = (value != "") & ~value.isin(allowed)
            t.add(bad, col, lambda i, c=col, a=allowed: _choice_message(t.cell(i, c), c, a))


def _choice_message(value: str, col: str, allowed: tuple[str, ...]) -> str:
    close = suggest(choice_text(pd.Series([value])).iloc[0], list(allowed))
    hint = f"; did you mean {close!r}?" if close else ""
    return f"{value!r} is not a valid {col}; use one of {', '.join(allowed)}{hint}"


def _check_unique(t: _Table, cols: list[str], what: str | None = None) -> None:
    keys = pd.Series(list(zip(*(t.text(c) for c in cols), strict=True)), dtype=object)
    filled = keys.map(lambda k: all(k))
    dup = keys.duplicated(keep="first") & filled
    first = {k: i for i, k in reversed(list(enumerate(keys)))}
    label = what or " / ".join(cols)

    def message(i: int) -> str:
        shown = " / ".join(keys.iloc[i])
        return (
            f"{label} {shown!r} appears again (first in row {t.row(first[keys.iloc[i]])}); "
            "each must be given once: merge or delete the rows"
        )

    t.add(dup, cols[-1], message)


def _check_number(t: _Table, col: str, spec: _Number) -> None:
    text, value = t.text(col), t.number(col)
    empty = text == ""
    if spec.required:
        t.add(empty, col, lambda i: f"{col} is empty; give a number (0 if none)")
    bad = ~empty & value.isna()
    t.add(bad, col, lambda i: _number_message(t.cell(i, col), spec))
    if spec.integer:
        frac = value.notna() & ((value - value.round()).abs() > 1e-9)
        t.add(frac, col, lambda i: f"{t.cell(i, col)!r} is not a whole number; {col} counts months")
    if spec.low is not None:
        low = value < spec.low
        if spec.fraction:
            zero = value <= 0
            t.add(zero, col, lambda i: f"{t.cell(i, col)!r} is not more than 0; a ratio must be")
            low &= ~zero
        fix = spec.low_fix.format(col=col)
        what = "negative" if spec.low == 0 else "too small"
        t.add(low, col, lambda i: f"{t.cell(i, col)!r} is {what}; {fix}")
    if spec.high is not None:
        fix = spec.high_fix.format(col=col)
        t.add(value > spec.high + 1e-9, col, lambda i: f"{t.cell(i, col)!r} is too large; {fix}")
    huge = value.abs() > spec.magnitude
    if spec.high is not None:
        huge &= ~(value > spec.high + 1e-9)
    t.add(
        huge,
        col,
        lambda i: (
            f"{t.cell(i, col)!r} is beyond any sane {col} (at most {spec.magnitude:,.0f}); "
            "check the unit and look for a typo such as a missing decimal point"
        ),
    )


def _number_message(value: str, spec: _Number) -> str:
    if value.startswith("#"):
        return f"{value!r} is an Excel error, not a number; fix the formula in the workbook"
    forms = "1.5 or 1,5" + (", or a fraction like 1/3" if spec.fraction else "")
    forms += ", or 25%" if spec.percent else ""
    return f"{value!r} is not a number; write it like {forms}"


def _month_message(value: str) -> str:
    try:
        months.to_ordinal(value)
    except ValueError:
        return f"{value!r} is not a month; write it as YYYY-MM, e.g. 2027-03"
    return f"{value!r} is not a plausible month; years run from {YEARS[0]} to {YEARS[1]}"


# --------------------------------------------------------------------------------------------
# rules for one table, and between tables


def _check_projects(t: _Table, ctx: _Context) -> None:
    start, end = t.month("earliest_start"), t.month("deadline")
    dur = t.number("duration") if t.has("duration") else pd.Series(np.nan, index=t.df.index)
    t.add(
        start > end,
        "deadline",
        lambda i: (
            f"deadline {t.cell(i, 'deadline')} is before earliest_start "
            f"{t.cell(i, 'earliest_start')}; move one of them"
        ),
    )
    ok_dur = dur.notna() & (dur >= 1) & (dur == dur.round())
    late = (start <= end) & ok_dur & (start + dur - 1 > end)

    def late_message(i: int) -> str:
        finish = months.from_ordinal(int(start.iloc[i] + dur.iloc[i] - 1))
        return (
            f"deadline {t.cell(i, 'deadline')} cannot be met: starting at earliest_start "
            f"{t.cell(i, 'earliest_start')}, {int(dur.iloc[i])} months of work end in {finish} "
            "(the deadline is the last month work may happen); move the deadline or the start, "
            "or shorten the duration"
        )

    t.add(late, "deadline", late_message)
    for low, high in (("benefit_low", "benefit_high"), ("cost_low", "cost_high")):
        crossed = t.number(low) > t.number(high)
        t.add(
            crossed,
            low,
            lambda i, lo=low, hi=high: (
                f"{lo} {t.cell(i, lo)!r} is more than {hi} {t.cell(i, hi)!r}; swap them"
            ),
        )


def _check_project_refs(t: _Table, ctx: _Context, cols: tuple[str, ...] = ("project_id",)) -> None:
    if ctx.project_ids is None:
        return
    for col in cols:
        if t.has(col):
            ids = t.text(col)
            bad = (ids != "") & ~ids.isin(ctx.project_ids)
            t.add(
                bad,
                col,
                lambda i, c=col: _unknown(
                    t.cell(i, c), "project", ctx.project_ids, ctx.projects_file, fuzzy=False
                ),
            )


def _check_demand(t: _Table, ctx: _Context) -> None:
    _check_project_refs(t, ctx)
    if ctx.roles is not None and t.has("role"):
        roles = t.text("role")
        bad = (roles != "") & ~roles.isin(ctx.roles)
        t.add(
            bad,
            "role",
            lambda i: _unknown(t.cell(i, "role"), "role", ctx.roles, ctx.roles_where),
        )
    if t.has("month_offset") and t.has("project_id"):
        offset = t.number("month_offset")
        dur = t.text("project_id").map(ctx.duration).astype(float)
        out = offset.notna() & dur.notna() & (offset >= 0) & (offset > dur - 1)
        t.add(
            out,
            "month_offset",
            lambda i: (
                f"{t.cell(i, 'month_offset')!r} is outside project "
                f"{t.cell(i, 'project_id')}'s months 0..{int(dur.iloc[i]) - 1} "
                f"(duration {int(dur.iloc[i])}); month_offset counts from 0 at the project's start"
            ),
        )
    if t.has("project_id") and t.has("role"):
        keys = list(zip(t.text("project_id"), t.text("role"), t.text("month_offset"), strict=True))
        dup = pd.Series(keys, dtype=object).duplicated() & t.text("project_id").ne("")
        t.add(
            dup,
            "fte",
            lambda i: (
                f"demand for {keys[i][0]} / {keys[i][1]}"
                + (f" at month_offset {keys[i][2]}" if keys[i][2] else "")
                + " is given again; the rows are added up"
            ),
            "warning",
        )


def _check_roles(t: _Table, ctx: _Context) -> None:
    if ctx.used_roles is None or not t.has("role"):
        return
    roles = t.text("role")
    used = sorted(ctx.used_roles)
    t.add(
        (roles != "") & ~roles.isin(used),
        "role",
        lambda i: (
            f"role {t.cell(i, 'role')!r} is named by no demand or capacity row, so its rates "
            "apply to nothing"
            + (
                f"; did you mean {close!r}?"
                if (close := suggest(t.cell(i, "role"), used))
                else "; fix the name or delete the row"
            )
        ),
        "warning",
    )


def _check_far_dates(t: _Table, ctx: _Context) -> None:
    """A deadline or earliest start far from every other month the data names: a typo
    (``2127-09`` for ``2027-09``) that would stretch the derived horizon over a century."""
    if ctx.span is None:
        return
    low, high = ctx.span
    for col in ("earliest_start", "deadline"):
        if not t.has(col):
            continue
        month = t.month(col)
        far = (month < low - FAR_MONTHS) | (month > high + FAR_MONTHS)
        t.add(
            far,
            col,
            lambda i, c=col: (
                f"{c} {t.cell(i, c)} is more than {FAR_MONTHS // 12} years from the months "
                f"the capacity and budget name ({months.from_ordinal(int(low))} .. "
                f"{months.from_ordinal(int(high))}); is the year mistyped?"
            ),
            "warning",
        )


def _check_budget(t: _Table, ctx: _Context) -> None:
    if not t.has("period"):
        return
    period = t.text("period")

    def bad_period(value: str) -> bool:
        try:
            covered = months.period_months(value)
        except ValueError:
            return True
        return covered is not None and np.isnan(_ordinal(covered[0]))

    t.add(
        (period != "") & period.map(bad_period),
        "period",
        lambda i: (
            f"{t.cell(i, 'period')!r} is not a budget period; use 'total', a year "
            "(2027), a quarter (2027-Q1) or a month (2027-01)"
        ),
    )


def _check_dependencies(t: _Table, ctx: _Context) -> None:
    _check_project_refs(t, ctx, ("project_id", "depends_on"))
    if not (t.has("project_id") and t.has("depends_on")):
        return
    a, b = t.text("project_id"), t.text("depends_on")
    kind = t.choice("kind").replace("", "requires")
    t.add(
        (a != "") & (a == b),
        "depends_on",
        lambda i: f"{t.cell(i, 'project_id')!r} depends on itself; name another project",
    )
    known = set(ctx.project_ids or []) if ctx.project_ids is not None else set(a) | set(b)
    valid = (a != "") & (b != "") & (a != b) & a.isin(known) & b.isin(known)
    rows = {
        (x, y, k): t.row(i)
        for i, (x, y, k) in reversed(list(enumerate(zip(a, b, kind, strict=True))))
    }
    # requires/finish_to_start and excludes on the same pair contradict each other
    needs = {
        frozenset((x, y)): (x, y, k)
        for x, y, k, v in zip(a, b, kind, valid, strict=True)
        if v and k != "excludes"
    }
    pair = [frozenset((x, y)) for x, y in zip(a, b, strict=True)]
    clash = valid & (kind == "excludes") & pd.Series([q in needs for q in pair], dtype=bool)

    def clash_message(i: int) -> str:
        x, y, k = needs[pair[i]]
        return (
            f"{a.iloc[i]} excludes {b.iloc[i]}, but {x} {k} {y} (row {rows[(x, y, k)]}); "
            "a project cannot both need and exclude another: remove one of the rows"
        )

    t.add(clash, "kind", clash_message)
    status_a, status_b = a.map(ctx.status), b.map(ctx.status)
    both = valid & (kind == "excludes") & status_a.isin(ACTIVE) & status_b.isin(ACTIVE)
    t.add(
        both,
        "kind",
        lambda i: (
            f"{a.iloc[i]} ({status_a.iloc[i]}) excludes {b.iloc[i]} ({status_b.iloc[i]}), "
            "but both must be in the plan; make one of them proposed or drop the exclusion"
        ),
    )
    waits = valid & (kind == "finish_to_start") & (status_a == "in_flight")
    t.add(
        waits,
        "kind",
        lambda i: (
            f"{a.iloc[i]} is in_flight (already running) so it cannot wait for "
            f"{b.iloc[i]} to finish; use 'requires' or change the status"
        ),
    )
    # Only a cycle of finish_to_start alone is impossible (each must start after the next
    # finishes). With a 'requires' in it, the projects are merely selected together or not at
    # all, which is how a bundle is written, so that is a warning.
    links = [(x, y, k) for x, y, k, v in zip(a, b, kind, valid, strict=True) if v]
    for severity, kinds in (("error", ("finish_to_start",)), ("warning", _NEEDS)):
        for cycle, on_cycle in _cycles([e for e in links if e[2] in kinds]):
            if severity == "warning" and "requires" not in on_cycle:
                continue  # an all-finish_to_start cycle, already an error
            path = " -> ".join([*cycle, cycle[0]])
            steps = zip(cycle, [*cycle[1:], cycle[0]], on_cycle, strict=True)
            cited = sorted(rows[step] for step in steps)
            where = ", ".join(str(r) for r in cited)
            t.note(
                cited[0],
                "depends_on",
                f"dependency cycle {path} ({' and '.join(sorted(set(on_cycle)))}): "
                + (
                    "each must finish before the next starts, so none of them can ever be "
                    f"scheduled; remove or change one of rows {where}"
                    if severity == "error"
                    else "these projects are selected together or not at all; if that is not "
                    f"meant, remove one of rows {where}"
                ),
                severity,
            )


def _cycles(edges: list[tuple[str, str, str]]) -> list[tuple[list[str], list[str]]]:
    """Distinct cycles of a directed graph (one per back edge of a depth-first search).

    Returns ``(nodes, kinds)`` with ``kinds[j]`` the kind of the edge ``nodes[j] -> nodes[j+1]``,
    each cycle rotated to start at its smallest id so that the same cycle is reported once.
    """
    graph: dict[str, list[str]] = {}
    kind: dict[tuple[str, str], str] = {}
    for x, y, k in sorted(edges):
        if (x, y) not in kind or k == "finish_to_start":
            kind[(x, y)] = k
        graph.setdefault(x, [])
        if y not in graph[x]:
            graph[x].append(y)
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    found: dict[tuple[str, ...], list[str]] = {}
    for root in sorted(graph):
        if root in state:
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        path: list[str] = [root]
        state[root] = 1
        while stack:
            node, nxt = stack[-1]
            children = graph.get(node, [])
            if nxt == len(children):
                stack.pop()
                path.pop()
                state[node] = 2
                continue
            stack[-1] = (node, nxt + 1)
            child = children[nxt]
            if state.get(child) == 1:
                cycle = path[path.index(child) :]
                k = cycle.index(min(cycle))
                cycle = cycle[k:] + cycle[:k]
                kinds = [kind[(x, y)] for x, y in zip(cycle, [*cycle[1:], cycle[0]], strict=True)]
                found.setdefault(tuple(cycle), kinds)
            elif child not in state:
                state[child] = 1
                stack.append((child, 0))
                path.append(child)
    return [(list(c), k) for c, k in sorted(found.items())]


def _check_criteria(t: _Table, ctx: _Context) -> None:
    weight = t.number("weight")
    if len(t) and t.has("weight") and weight.notna().all() and (weight == 0).all():
        t.note(
            None, "weight", "every weight is 0, so every project scores 0; give weights", "warning"
        )


def _check_scores(t: _Table, ctx: _Context) -> None:
    _check_project_refs(t, ctx)
    if ctx.criteria is not None and t.has("criterion"):
        crit = t.text("criterion")
        t.add(
            (crit != "") & ~crit.isin(ctx.criteria),
            "criterion",
            lambda i: _unknown(
                t.cell(i, "criterion"), "criterion", ctx.criteria, ctx.criteria_file
            ),
        )
    if t.has("project_id") and t.has("criterion"):
        _check_unique(t, ["project_id", "criterion"], "score for")


def _check_pairwise(t: _Table, ctx: _Context) -> None:
    if ctx.criteria is not None:
        for col in ("criterion", "over"):
            if t.has(col):
                crit = t.text(col)
                t.add(
                    (crit != "") & ~crit.isin(ctx.criteria),
                    col,
                    lambda i, c=col: _unknown(
                        t.cell(i, c), "criterion", ctx.criteria, ctx.criteria_file
                    ),
                )
    if not (t.has("criterion") and t.has("over")):
        return
    a, b, ratio = t.text("criterion"), t.text("over"), t.number("ratio")
    t.add(
        (a != "") & (a == b),
        "over",
        lambda i: f"{a.iloc[i]!r} is compared with itself; drop the row",
    )
    _check_unique(t, ["criterion", "over"], "comparison")
    given = {
        (x, y): (r, i) for i, (x, y, r) in reversed(list(enumerate(zip(a, b, ratio, strict=True))))
    }

    def contradicts(i: int) -> bool:
        back = given.get((b.iloc[i], a.iloc[i]))
        return (
            back is not None
            and back[1] < i
            and not np.isnan(ratio.iloc[i])
            and not np.isnan(back[0])
            and abs(ratio.iloc[i] * back[0] - 1) > 0.01
        )

    mask = pd.Series([a.iloc[i] != b.iloc[i] and contradicts(i) for i in range(len(t))], dtype=bool)
    t.add(
        mask,
        "ratio",
        lambda i: (
            f"{a.iloc[i]} over {b.iloc[i]} is {t.cell(i, 'ratio')!r} here but the reverse "
            f"(row {t.row(given[(b.iloc[i], a.iloc[i])][1])}) is not its reciprocal; give the pair once"
        ),
    )


def _check_categories(t: _Table, ctx: _Context) -> None:
    low, high = t.number("min_share"), t.number("max_share")
    t.add(
        low > high,
        "min_share",
        lambda i: (
            f"min_share {t.cell(i, 'min_share')!r} is more than max_share "
            f"{t.cell(i, 'max_share')!r}; swap them"
        ),
    )
    valid = low[(low >= 0) & (low <= 1)]
    if valid.sum() > 1 + 1e-9:
        t.note(
            None,
            "min_share",
            f"the min_share values add up to {valid.sum():g}, more than 1; no plan can meet them all",
        )


def _check_settings(t: _Table, ctx: _Context) -> None:
    names = t.text("setting").str.lower()
    t.add(
        ~names.isin(list(DEFAULT_SETTINGS)),
        "setting",
        lambda i: _unknown(t.cell(i, "setting"), "setting", list(DEFAULT_SETTINGS), "settings"),
    )
    value = t.text("value")
    start = pd.to_numeric(value.where(names == "fiscal_year_start"), errors="coerce")
    t.add(
        (names == "fiscal_year_start") & ~start.isin(range(1, 13)),
        "value",
        lambda i: (
            f"fiscal_year_start {t.cell(i, 'value')!r} is not a month number; "
            "write 1 (January) to 12 (December)"
        ),
    )
    t.add(
        value.str.len() > 200,
        "value",
        lambda i: (
            f"the value of {t.cell(i, 'setting')!r} is longer than 200 characters; shorten it"
        ),
    )


_TABLE_CHECKS: dict[str, Callable[[_Table, _Context], None]] = {
    "projects": lambda t, ctx: (_check_projects(t, ctx), _check_far_dates(t, ctx)),
    "roles": _check_roles,
    "demand": _check_demand,
    "budget": _check_budget,
    "dependencies": _check_dependencies,
    "criteria": _check_criteria,
    "scores": _check_scores,
    "pairwise": _check_pairwise,
    "categories": _check_categories,
    "settings": _check_settings,
}


# --------------------------------------------------------------------------------------------
# summary


def summary_text(portfolio: Portfolio) -> str:
    """A short account of a valid portfolio, for ``pmo-opt validate``.

    Counts (projects by status, roles, dependencies by kind), the derived horizon, and total
    demand against total capacity by role over that horizon in FTE-months (demand counted as if
    every project ran once), then any warnings.
    """
    from pmo_opt.inputs.scenario import Scenario, resolve_horizon

    p = portfolio
    lines = [f"{p.source or 'portfolio'}: valid"]
    status = p.projects["status"].value_counts()
    by_status = ", ".join(f"{int(status[s])} {s}" for s in STATUSES if s in status)
    lines.append(f"  projects      {len(p.projects)} ({by_status})")
    lines.append(f"  roles         {len(p.role_names)}")
    kinds = p.dependencies["kind"].value_counts()
    by_kind = ", ".join(f"{int(kinds[k])} {k}" for k in DEPENDENCY_KINDS if k in kinds)
    lines.append(f"  dependencies  {len(p.dependencies)}" + (f" ({by_kind})" if by_kind else ""))
    extras = [
        f"{len(p.budget)} budget rows" if len(p.budget) else "",
        f"{len(p.criteria)} criteria" if len(p.criteria) else "",
        f"{len(p.categories)} categories" if len(p.categories) else "",
    ]
    if any(extras):
        lines.append(f"  also          {', '.join(e for e in extras if e)}")
    try:
        horizon = resolve_horizon(p, Scenario())
    except InputError as exc:
        lines.append(f"  horizon       not derived: {exc.problems[0].message}")
        horizon = []
    if horizon:
        lines.append(
            f"  horizon       {horizon[0]} .. {horizon[-1]} ({len(horizon)} months, from the data)"
        )
        lines.extend(_load_lines(p, horizon))
    if p.warnings:
        lines.append(f"warnings ({len(p.warnings)}):")
        lines.extend(f"  {w}" for w in p.warnings)
    return "\n".join(lines)


def _load_lines(p: Portfolio, horizon: list[str]) -> list[str]:
    demand = p.demand.groupby("role")["fte"].sum()
    cap = p.capacity
    dated = cap[cap["month"].notna()].groupby(["role", "month"])["fte"].sum().to_dict()
    flat = cap[cap["month"].isna()].groupby("role")["fte"].sum().to_dict()
    rows = []
    for role in p.role_names:
        # a month's own rows replace the every-month rows (docs/model.md, rule 4)
        total = float(np.sum([dated.get((role, m), flat.get(role, 0.0)) for m in horizon]))
        need = float(demand.get(role, 0.0))
        share = f"{need / total:6.0%}" if total > 0 else ("   n/a" if need == 0 else "  none")
        rows.append(f"    {role:<24.24} {need:>10,.1f} {total:>10,.1f} {share}")
    head = f"    {'role':<24} {'demand':>10} {'capacity':>10} {'ratio':>6}"
    return [
        "  demand against capacity over the horizon (FTE-months, every project once):",
        head,
        *rows,
    ]
