"""Every rule a portfolio must satisfy, each a small mask-based check; all problems at once.

:func:`validate_tables` is the one entry point. It runs on the raw text of
:func:`pmo_opt.inputs.data.read_tables`, so every check must cope with garbage in any cell; it never
raises. Each problem names the file, the spreadsheet row (header = 1) and the column, quotes the
offending value and says how to fix it. ``portfolio.build_portfolio`` runs only when no problem
is an error, and relies on these checks: a number it converts has been parsed by the same parser.

The rules as data are in ``rules``; the table under check and the cross-table facts in
``checked_table``; the checks in ``column_checks`` (every table), ``project_checks`` and
``criteria_checks`` (one table, and between tables); :func:`summary.summary_text` describes a valid
portfolio.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from pmo_opt.errors import Problem
from pmo_opt.inputs.checked_table import Context, TableView
from pmo_opt.inputs.column_checks import check_cells, check_columns, check_table_set
from pmo_opt.inputs.criteria_checks import (
    check_categories,
    check_criteria,
    check_pairwise,
    check_scores,
    check_settings,
)
from pmo_opt.inputs.project_checks import (
    check_budget,
    check_demand,
    check_dependencies,
    check_far_dates,
    check_projects,
    check_roles,
)
from pmo_opt.inputs.tables import TABLES, RawTable


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
    check_table_set(tables, problems)
    views: dict[str, TableView] = {}
    for name, raw in tables.items():
        if name in TABLES and raw.usable:
            views[name] = t = TableView(raw, problems)
            check_columns(t)
            check_cells(t)
    ctx = Context(views)
    for name, check in _TABLE_CHECKS.items():
        if name in views:
            check(views[name], ctx)
    # a cell already reported while reading (a formula without a saved value) is not re-reported
    seen = {(p.file, p.row, p.column) for p in read if p.severity == "error"}
    problems = read + [p for p in problems if (p.file, p.row, p.column) not in seen]
    order = {raw.file: i for i, raw in enumerate(sorted(tables.values(), key=_table_rank))}
    problems.sort(key=lambda p: (p.severity != "error", order.get(p.file, -1), p.row or 0))
    sheets = {raw.file: raw for raw in tables.values() if raw.sheet}
    return [_with_cell(p, sheets) for p in dict.fromkeys(problems)]


def _with_cell(problem: Problem, sheets: dict[str, RawTable]) -> Problem:
    """A problem in a workbook cell names the cell as Excel does (``projects!H14``)."""
    raw = sheets.get(problem.file)
    ref = raw.cell_ref(problem.row, problem.column) if raw is not None else None
    if ref is None:
        return problem
    return replace(problem, message=f"{problem.message} (cell {ref})")


def _table_rank(raw: RawTable) -> int:
    names = list(TABLES)
    return names.index(raw.name) if raw.name in names else len(names)


_TABLE_CHECKS: dict[str, Callable[[TableView, Context], None]] = {
    "projects": lambda t, ctx: (check_projects(t, ctx), check_far_dates(t, ctx)),
    "roles": check_roles,
    "demand": check_demand,
    "budget": check_budget,
    "dependencies": check_dependencies,
    "criteria": check_criteria,
    "scores": check_scores,
    "pairwise": check_pairwise,
    "categories": check_categories,
    "settings": check_settings,
}
