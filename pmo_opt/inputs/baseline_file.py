"""A baseline ``plan.csv`` read like a portfolio table: encoding and separator detected, binary,
empty and oversized files refused with a clear :class:`InputError`, every bad cell named.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from pmo_opt.errors import InputError, Problem
from pmo_opt.inputs import months
from pmo_opt.inputs.csv_reader import read_csv_table

COLUMNS = ("project_id", "selected", "start", "finish")
#: a plan has a row per project: beyond this it is not a plan.csv (or not one of this portfolio)
MAX_BASELINE_BYTES = 50_000_000
#: bad rows listed one by one; the rest are counted
MAX_LISTED = 20
_WRITTEN_BY = (
    "a baseline is a plan.csv as `pmo-opt plan` writes it (project_id, selected, start, finish)"
)


def read_baseline(path: str | Path) -> pd.DataFrame:
    """A baseline ``plan.csv`` as a table indexed by ``project_id``.

    Parameters
    ----------
    path
        The ``plan.csv``.

    Returns
    -------
    pandas.DataFrame
        ``selected`` (bool), ``start``, ``finish`` (``YYYY-MM`` or ``None``).

    Raises
    ------
    InputError
        For a binary, unreadable, oversized or empty file, a missing column, or bad rows (each
        named by row and column).
    """
    p = Path(path)
    stamp = p.stat().st_mtime_ns if p.is_file() else 0
    return _read(str(p), stamp).copy()


def _refuse(name: str, message: str, column: str | None = None) -> InputError:
    return InputError([Problem(name, None, column, message)])


def _check_file(p: Path) -> None:
    name = p.name
    try:
        size = p.stat().st_size
        with p.open("rb") as handle:
            head = handle.read(1 << 16)
    except OSError as exc:
        raise _refuse(name, f"cannot read the baseline plan ({exc.strerror or exc})") from None
    if size > MAX_BASELINE_BYTES:
        raise _refuse(
            name,
            f"the baseline plan is {size:,} bytes (at most {MAX_BASELINE_BYTES:,}); "
            f"{_WRITTEN_BY}: is it the right file?",
        )
    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
    if (b"\x00" in head and not utf16) or head.startswith(b"PK\x03\x04"):
        raise _refuse(
            name,
            "the baseline plan is not a text file (a binary or a workbook file?); "
            f"{_WRITTEN_BY}: give that file, or save the sheet as CSV",
        )


@lru_cache(maxsize=16)
def _read(path: str, stamp: int) -> pd.DataFrame:
    p = Path(path)
    name = p.name
    _check_file(p)
    raw = read_csv_table(p, "baseline")
    errors = [q for q in raw.problems if q.severity == "error"]
    if errors or not raw.usable:
        raise InputError(errors or [Problem(name, None, None, "cannot read the baseline plan")])
    frame = raw.frame
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        found = ", ".join(frame.columns[:6]) or "none"
        raise InputError(
            [
                Problem(name, None, c, f"missing column (found: {found}); {_WRITTEN_BY}")
                for c in missing
            ]
        )
    if frame.empty:
        raise _refuse(
            name,
            "the baseline plan has a header but no rows, so it approves nothing and every "
            "selected project would count as a change; give the approved plan.csv, or leave "
            "out baseline to plan without one",
        )
    return _table(raw.frame, raw.row_number, name)


def _table(frame: pd.DataFrame, row_of, name: str) -> pd.DataFrame:
    problems: list[Problem] = []
    rows = []
    first: dict[str, int] = {}
    for i, rec in enumerate(frame[list(COLUMNS)].itertuples(index=False)):
        pid, sel, start, finish = (str(v).strip() for v in rec)
        row = row_of(i)
        if pid in first:
            problems.append(
                Problem(
                    name,
                    row,
                    "project_id",
                    f"{pid!r} appears again (first in row {first[pid]}); a plan names each "
                    "project once: delete one of the rows",
                )
            )
            continue
        first[pid] = row
        if sel not in ("0", "1"):
            problems.append(Problem(name, row, "selected", f"{sel!r} is not 0 or 1"))
            continue
        chosen = sel == "1"
        for col, month in (("start", start), ("finish", finish)):
            if chosen and not months.is_month(month):
                problems.append(
                    Problem(
                        name,
                        row,
                        col,
                        f"{month!r} is not a month; a selected project needs YYYY-MM",
                    )
                )
        rows.append(
            (
                pid,
                chosen,
                months.normalise(start) if chosen and months.is_month(start) else None,
                months.normalise(finish) if chosen and months.is_month(finish) else None,
            )
        )
    if problems:
        shown = problems[:MAX_LISTED]
        if len(problems) > MAX_LISTED:
            shown.append(
                Problem(name, None, None, f"... and {len(problems) - MAX_LISTED} more problems")
            )
        raise InputError(shown)
    table = pd.DataFrame(rows, columns=list(COLUMNS)).set_index("project_id")
    table["selected"] = table["selected"].astype(bool)
    return table
