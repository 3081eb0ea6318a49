"""Rules for every table: presence, columns, empty keys, duplicates, numbers, months, choices."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmo_opt.errors import Problem
from pmo_opt.inputs import months
from pmo_opt.inputs.cells import choice_text, suggest
from pmo_opt.inputs.checked_table import TableView, listing
from pmo_opt.inputs.numbers import SPOKEN, ColumnNumbers, conflict_message
from pmo_opt.inputs.rules import (
    CHOICES,
    IDENTIFIERS,
    KEYS,
    MONTH_COLUMNS,
    NUMBERS,
    UNIQUE,
    YEARS,
    NumberSpec,
)
from pmo_opt.inputs.tables import REQUIRED_TABLES, TABLES, RawTable
from pmo_opt.text import FORMULA_STARTS


def check_table_set(tables: dict[str, RawTable], out: list[Problem]) -> None:
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


def check_columns(t: TableView) -> None:
    required, optional = TABLES[t.name]
    known = [*required, *optional]
    unknown = [c for c in t.df.columns if c not in known]
    for col in required:
        if not t.has(col):
            close = [u for u in unknown if suggest(u, [col]) == col]
            hint = (
                f"; found {close[0]!r}, rename it to {col!r}"
                if close
                else f" (the header is: {listing(t.df.columns, 20)})"
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


def check_cells(t: TableView) -> None:
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
        check_unique(t, [UNIQUE[t.name]])
    for col, spec in NUMBERS.get(t.name, {}).items():
        if t.has(col):
            check_number(t, col, spec)
    for col in MONTH_COLUMNS.get(t.name, ()):
        if t.has(col):
            text = t.text(col)
            bad = (text != "") & t.month(col).isna()
            t.add(bad, col, lambda i, c=col: month_message(t.cell(i, c)))
    for col, allowed in CHOICES.get(t.name, {}).items():
        if t.has(col):
            value = t.choice(col)
            bad = (value != "") & ~value.isin(allowed)
            t.add(bad, col, lambda i, c=col, a=allowed: choice_message(t.cell(i, c), c, a))


def choice_message(value: str, col: str, allowed: tuple[str, ...]) -> str:
    close = suggest(choice_text(pd.Series([value])).iloc[0], list(allowed))
    hint = f"; did you mean {close!r}?" if close else ""
    return f"{value!r} is not a valid {col}; use one of {', '.join(allowed)}{hint}"


def check_unique(t: TableView, cols: list[str], what: str | None = None) -> None:
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


def check_number(t: TableView, col: str, spec: NumberSpec) -> None:
    text, value = t.text(col), t.number(col)
    empty = text == ""
    if spec.required and t.name == "scores" and t.has("project_id") and t.has("criterion"):
        # an imported portfolio leaves every score blank: each cell is named, none elided
        t.add(
            empty,
            col,
            lambda i: (
                f"score of {t.cell(i, 'project_id')} on {t.cell(i, 'criterion')} is empty; "
                "fill in a number (0 if none)"
            ),
            limit=None,
        )
    elif spec.required:
        t.add(empty, col, lambda i: f"{col} is empty; fill in a number (0 if none)")
    read = t.numbers(col)
    conflict = np.zeros(len(text), dtype=bool)
    conflict[read.conflicts] = True
    t.add(conflict, col, lambda i: conflict_message(t.cell(i, col), col, read, spec))
    if read.guessed:
        check_guessed(t, col, read)
    bad = ~empty & value.isna() & ~conflict
    t.add(bad, col, lambda i: number_message(t.cell(i, col), spec))
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
            f"{t.cell(i, col)!r} cannot be meant as {col}: beyond {spec.magnitude:,.0f} the "
            "solvers cannot hold it exactly; check the unit and look for a typo such as a "
            "missing decimal point"
        ),
    )
    unusual = (value.abs() > spec.plausible) & ~huge
    if spec.high is not None:
        unusual &= ~(value > spec.high + 1e-9)
    t.add(
        unusual,
        col,
        lambda i: (
            f"{t.cell(i, col)!r} is unusually large for {col} (more than {spec.plausible:,.0f}); "
            "it is used as written: check the unit if it is not meant"
        ),
        "warning",
    )


def check_guessed(t: TableView, col: str, read: ColumnNumbers) -> None:
    """One warning for a column whose cells read differently in the two conventions and that
    nothing in the file decides (``1.250`` alone in a semicolon file is taken as 1,250)."""
    first = read.guessed[0]
    value = read.values[first]
    t.note(
        t.row(first),
        col,
        f"{len(read.guessed)} cell(s) of {col} such as {t.cell(first, col)!r} read as "
        f"{value:,.10g} with {SPOKEN[read.convention]}, as the file's separator suggests: no cell "
        "of the file shows which convention it uses; if that is wrong, write the numbers "
        "unambiguously (e.g. 1250 or 1,25)",
        "warning",
    )


def number_message(value: str, spec: NumberSpec) -> str:
    if value.startswith("#"):
        return f"{value!r} is an Excel error, not a number; fix the formula in the workbook"
    forms = "1.5 or 1,5" + (", or a fraction like 1/3" if spec.fraction else "")
    forms += ", or 25%" if spec.percent else ""
    return f"{value!r} is not a number; write it like {forms}"


def month_message(value: str) -> str:
    try:
        months.to_ordinal(value)
    except ValueError:
        return f"{value!r} is not a month; write it as YYYY-MM, e.g. 2027-03"
    return f"{value!r} is not a plausible month; years run from {YEARS[0]} to {YEARS[1]}"
