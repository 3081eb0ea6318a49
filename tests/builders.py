"""Small portfolios for tests, written as real CSV folders and loaded the normal way."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pmo_opt.data import Portfolio, load_portfolio


def write_portfolio(folder: Path, **tables: list[dict] | pd.DataFrame) -> Path:
    """Write each table (list of row dicts or DataFrame) as ``<name>.csv`` into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        if isinstance(rows, list) and not rows:
            continue  # an empty table is the same as no table
        frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows)
        frame.to_csv(folder / f"{name}.csv", index=False)
    return folder


def make_portfolio(folder: Path, **tables: list[dict] | pd.DataFrame) -> Portfolio:
    """Write and load a portfolio; ``capacity`` defaults to nothing beyond what is given."""
    return load_portfolio(write_portfolio(folder, **tables))
