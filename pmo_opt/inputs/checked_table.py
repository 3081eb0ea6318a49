"""A raw table under check (:class:`TableView`: parsed columns cached, a mask of rows reported at
once) and the :class:`Context` of facts other tables are checked against.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from pmo_opt.errors import Problem
from pmo_opt.inputs import months
from pmo_opt.inputs.cells import choice_text, suggest
from pmo_opt.inputs.numbers import ColumnNumbers, read_column, read_table
from pmo_opt.inputs.rules import MAX_DURATION, MAX_PER_RULE, NUMBERS, YEARS
from pmo_opt.inputs.tables import RawTable


class TableView:
    """A raw table with parsed columns cached; ``add`` reports a mask of rows."""

    def __init__(self, raw: RawTable, problems: list[Problem]):
        self.raw, self.name, self.file = raw, raw.name, raw.file
        self.df = raw.frame.reset_index(drop=True)
        self.out = problems
        self._cache: dict[tuple[str, str], pd.Series] = {}
        self._numbers: dict[str, ColumnNumbers] | None = None

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

    def numbers(self, col: str) -> ColumnNumbers:
        """A numeric column read by the convention its cells (or the file's) decide."""
        if self._numbers is None:
            columns = {c: self.text(c).tolist() for c in NUMBERS.get(self.name, {}) if self.has(c)}
            self._numbers = read_table(columns, self.name, self.raw.decimal_comma)
        if col not in self._numbers:
            self._numbers[col] = read_column(self.text(col).tolist())
        return self._numbers[col]

    def number(self, col: str) -> pd.Series:
        """Parsed numbers; NaN where empty, not a valid number or against the column's convention."""
        key = ("number", col)
        if key not in self._cache:
            values = self.numbers(col).values
            self._cache[key] = pd.Series([np.nan if v is None else v for v in values], dtype=float)
        return self._cache[key]

    def month(self, col: str) -> pd.Series:
        """Months as ordinals; NaN where empty or not a month."""
        key = ("month", col)
        if key not in self._cache:
            self._cache[key] = pd.Series([ordinal(v) for v in self.text(col)], dtype=float)
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
        limit: int | None = MAX_PER_RULE,
    ) -> None:
        """One problem per row where ``mask`` holds; ``message(i)`` says what and how to fix.

        At most ``limit`` rows are reported one by one; the rest are counted in one more
        problem (a 10-million-row file with a bad value in every row gives a short list).
        ``limit=None`` lists every row: cells left blank to fill in, which the analyst needs
        one by one.
        """
        rows = np.flatnonzero(np.asarray(mask, dtype=bool))
        limit = len(rows) if limit is None else limit
        for i in rows[:limit]:
            self.out.append(Problem(self.file, self.row(int(i)), col, message(int(i)), severity))
        if len(rows) > limit:
            first, last = self.row(int(rows[limit])), self.row(int(rows[-1]))
            self.out.append(
                Problem(
                    self.file,
                    first,
                    col,
                    f"... and {len(rows) - limit} more rows like the ones above "
                    f"(rows {first} to {last}); fix those and run again",
                    severity,
                )
            )

    def note(self, row: int | None, col: str | None, message: str, severity: str = "error") -> None:
        self.out.append(Problem(self.file, row, col, message, severity))


def ordinal(value: str) -> float:
    try:
        n = months.to_ordinal(value)
    except ValueError:
        return np.nan
    return float(n) if YEARS[0] <= n // 12 <= YEARS[1] else np.nan


def listing(values, limit: int = 8) -> str:
    values = list(dict.fromkeys(str(v) for v in values))
    if len(values) <= limit:
        return ", ".join(values) or "none"
    return f"{', '.join(values[:limit])}, ... ({len(values)} in all)"


def unknown(value: str, what: str, known: list[str], where: str, fuzzy: bool = True) -> str:
    """``'Data Engineeer' is not a known role (known: ...); did you mean 'Data Engineer'?``"""
    close = suggest(value, known, fuzzy)
    hint = f"; did you mean {close!r}?" if close else f"; add it to {where} or fix the name"
    return f"{value!r} is not a known {what} (known: {listing(sorted(known))}){hint}"


class Context:
    """Facts other tables are checked against; ``None`` where the source table is unusable."""

    def __init__(self, views: dict[str, TableView]):
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
                    dated += [v for v in (ordinal(covered[0]), ordinal(covered[-1])) if v == v]
        self.span = (min(dated), max(dated)) if dated else None
