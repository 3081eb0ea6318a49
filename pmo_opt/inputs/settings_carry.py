"""The approved quarter's portfolio, and the settings a quarter carries over from it.

A quarter's folder often holds only what changed; ``data/sample-2027-04`` had projects, budget
and people but no ``settings.csv``, and its pages lost the organisation's name and the
currency. :func:`quarter_settings` finds the portfolio the approved plan was made on (the path
the ledger recorded, else the folder this one is the next cycle of), takes its settings when
this quarter has none of its own, and says so once; a settings table of the quarter's own
always wins. The approved quarter's portfolio is also what a re-plan's causes are measured
against (:mod:`pmo_opt.analysis.quarter_changes`).
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from pmo_opt.inputs.portfolio import Portfolio


def previous_cycle(path: str | Path | None) -> Path | None:
    """The portfolio ``path`` is the next cycle of: ``data/sample`` for ``data/sample-2027-04``
    (the reverse of :func:`pmo_opt.inputs.baseline.next_cycle`), ``None`` when there is none."""
    if path is None:
        return None
    p = Path(path)
    found = re.fullmatch(r"(.+)-(\d{4}-\d{2})", p.stem if p.suffix else p.name)
    if found is None:
        return None
    for candidate in (p.with_name(found.group(1)), p.with_name(found.group(1) + p.suffix)):
        if candidate != p and candidate.exists():
            return candidate
    return None


def approved_quarter(
    portfolio_path: str | Path | None, recorded: str | None = None
) -> Portfolio | None:
    """The approved quarter's portfolio: ``recorded`` (the approved run's portfolio path, as
    the ledger has it) when it still loads, else the folder ``portfolio_path`` is the next cycle
    of; ``None`` when neither loads (or it is ``portfolio_path`` itself)."""
    from pmo_opt.errors import PmoError
    from pmo_opt.inputs.load import load_portfolio

    here = Path(portfolio_path).resolve() if portfolio_path is not None else None
    for candidate in (recorded, previous_cycle(portfolio_path)):
        if not candidate:
            continue
        try:
            if here is not None and Path(candidate).resolve() == here:
                continue
            return load_portfolio(candidate)
        except (PmoError, OSError):
            continue
    return None


def quarter_settings(
    portfolio: Portfolio, earlier: Portfolio | None, earlier_name: str = ""
) -> tuple[Portfolio, str]:
    """``portfolio`` with ``earlier``'s settings when it has none of its own, and the sentence
    that says so (``""`` when nothing was carried over)."""
    if portfolio.own_settings:
        return portfolio, ""
    if earlier is None or not earlier.own_settings:
        return portfolio, (
            "this portfolio has no settings table and no approved quarter's settings were "
            "found: organisation and currency are not known; add settings.csv"
        )
    carried = dataclasses.replace(portfolio, settings=dict(earlier.settings))
    shown = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in earlier.settings.items() if v)
    where = f" {earlier_name}" if earlier_name else ""
    return carried, (
        f"settings carried over from the approved quarter's portfolio{where} ({shown}): "
        "this portfolio has no settings table of its own"
    )


__all__ = ["approved_quarter", "previous_cycle", "quarter_settings"]
