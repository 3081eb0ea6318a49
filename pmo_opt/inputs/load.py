"""Load a portfolio: read its files (:mod:`~pmo_opt.inputs.data`), then validate them
(:mod:`~pmo_opt.inputs.validate`). The one way in from files to a :class:`Portfolio`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pmo_opt.errors import InputError
from pmo_opt.inputs import tables as table_spec
from pmo_opt.inputs.data import read_tables
from pmo_opt.inputs.portfolio import Portfolio, build_portfolio
from pmo_opt.inputs.validate import validate_tables


def load_portfolio(path: str | Path, progress: Callable[[str], None] | None = None) -> Portfolio:
    """Read, validate and type a portfolio; raise :class:`InputError` listing every problem.

    Parameters
    ----------
    path
        A folder of ``<table>.csv`` files or an ``.xlsx`` workbook with a sheet per table
        (a relative path is also tried against the project root).
    progress
        Called with a line of text before each long step (reading a file of
        :data:`PROGRESS_BYTES` or more, validating and typing :data:`PROGRESS_ROWS` rows or more).

    Returns
    -------
    Portfolio
        Typed tables; ``warnings`` holds what was accepted but looked odd (unknown columns).

    Raises
    ------
    InputError
        With every problem found in every table (errors and warnings), when any is an error.
    """
    tables = read_tables(path, progress)
    rows = sum(len(t.frame) for t in tables.values())
    say = progress if progress is not None and rows >= table_spec.PROGRESS_ROWS else None
    if say is not None:
        say(f"validating {rows:,} rows")
    problems = validate_tables(tables)
    if any(p.severity == "error" for p in problems):
        raise InputError(problems)
    if say is not None:
        say("building the portfolio")
    return build_portfolio(tables, source=str(path), warnings=[str(p) for p in problems])
