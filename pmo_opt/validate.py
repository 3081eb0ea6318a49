"""Every rule a portfolio must satisfy, each a small mask-based check; all problems at once."""

from __future__ import annotations

from .data import REQUIRED_TABLES, TABLES, RawTable
from .errors import Problem


def validate_tables(tables: dict[str, RawTable]) -> list[Problem]:
    """Check raw tables; return every problem found (errors and warnings), never raise."""
    problems: list[Problem] = []
    for name in REQUIRED_TABLES:
        if name not in tables:
            problems.append(
                Problem(f"{name}.csv", None, None, f"required table {name!r} is missing")
            )
    for name, raw in tables.items():
        required, _ = TABLES[name]
        for col in required:
            if col not in raw.frame.columns:
                problems.append(Problem(raw.file, 1, col, f"required column {col!r} is missing"))
    return problems
