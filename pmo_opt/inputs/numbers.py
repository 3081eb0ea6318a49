"""A column's number convention: decimal point or decimal comma, decided from all its cells.

Reading each cell on its own misreads a European file: ``1.234`` (German Excel's 1,234) looks
like a decimal number, while ``1.234.567`` in the same column can only be grouped thousands. So
every cell is read both ways, the cells that fit one convention only decide the column (or, when
the column has none, the other numeric columns of the file, then the file's separator), and a
cell that contradicts the column's convention is an error naming both readings, never a guess.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field

from pmo_opt.inputs.rules import AMOUNT, NUMBERS, NumberSpec

POINT, COMMA = "point", "comma"
#: how each convention is named in messages
SPOKEN = {POINT: "a decimal point", COMMA: "a decimal comma"}
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_SPACES = (" ", "\u00a0", "\u202f", "\u2009")
_SEPARATORS = {POINT: (".", ","), COMMA: (",", ".")}  # (decimal, thousands)


def _strict(s: str, convention: str) -> float | None:
    """``s`` (spaces removed) read in one convention only, or ``None`` when it does not fit."""
    decimal, thousands = _SEPARATORS[convention]
    if s.count(decimal) > 1:
        return None
    whole, mark, rest = s.partition(decimal)
    if thousands in rest:
        return None
    if thousands in whole:
        grouped = re.escape(thousands)
        if not re.fullmatch(rf"[+-]?[1-9]\d{{0,2}}(?:{grouped}\d{{3}})+", whole):
            return None
        whole = whole.replace(thousands, "")
    s = whole + ("." if mark else "") + rest
    if not _NUMBER.fullmatch(s):
        return None
    value = float(s)
    return value if math.isfinite(value) else None


@functools.lru_cache(maxsize=8192)
def readings(text: str, percent: bool = False, fraction: bool = False) -> dict[str, float | None]:
    """``{'point': value or None, 'comma': value or None}``: the cell read in each convention.

    Spaces (also no-break and thin ones) group thousands in both; ``30%`` is 0.3 when
    ``percent``; ``1/3`` is a ratio when ``fraction``; the minus sign U+2212 is a minus.
    """
    s = str(text).strip()
    for space in _SPACES:
        s = s.replace(space, "")
    s = s.replace("\u2212", "-")
    if fraction and s.count("/") == 1:
        top, bottom = s.split("/")
        out: dict[str, float | None] = {}
        for convention in (POINT, COMMA):
            a, b = _strict(top, convention), _strict(bottom, convention)
            out[convention] = None if a is None or b is None or b == 0 else a / b
        return out
    scale = 1.0
    if percent and s.endswith("%"):
        s, scale = s[:-1], 0.01
    return {c: (None if (v := _strict(s, c)) is None else v * scale) for c in (POINT, COMMA)}


@dataclass
class ColumnNumbers:
    """One column read in one convention.

    ``values`` holds a float per cell (``None`` where empty, unreadable or contradicting);
    ``conflicts`` the positions of cells that contradict ``convention``; ``guessed`` the
    positions of cells read differently in the two conventions when nothing in the file
    decided it (``convention`` then comes from the separator).
    """

    convention: str
    values: list[float | None]
    conflicts: list[int] = field(default_factory=list)
    guessed: list[int] = field(default_factory=list)


def _votes(cells: list[dict[str, float | None]]) -> dict[str, int]:
    """How many cells fit each convention only."""
    votes = {POINT: 0, COMMA: 0}
    for r in cells:
        p, c = r[POINT], r[COMMA]
        if (p is None) != (c is None):
            votes[POINT if c is None else COMMA] += 1
    return votes


def read_column(
    cells: list[str], spec: NumberSpec = AMOUNT, fallback: str = POINT, sure: bool = False
) -> ColumnNumbers:
    """Every cell read by the one convention the column's cells decide (see the module).

    ``fallback`` is the convention when no cell decides; ``sure`` when the file decided it
    (otherwise the cells it reads differently from the other convention are ``guessed``).
    """
    read = [readings(str(v), spec.percent, spec.fraction) for v in cells]
    votes = _votes(read)
    if votes[POINT] == votes[COMMA] == 0:
        convention, decided = fallback, False
    else:
        convention = COMMA if votes[COMMA] > votes[POINT] else POINT
        if votes[COMMA] == votes[POINT]:
            convention = fallback
        decided = True
    other = COMMA if convention == POINT else POINT
    mixed = votes[other] > 0
    column = ColumnNumbers(convention, [])
    for i, r in enumerate(read):
        mine, theirs = r[convention], r[other]
        differ = mine != theirs and theirs is not None
        if mixed and (mine is None and theirs is not None or mine is not None and differ):
            column.conflicts.append(i)
            column.values.append(None)
            continue
        if not decided and not sure and mine is not None and differ:
            column.guessed.append(i)
        column.values.append(mine)
    return column


def file_convention(
    columns: dict[str, list[str]], name: str, separator_says_comma: bool
) -> tuple[str, bool]:
    """``(convention, decided)`` for a table from the cells of all its numeric columns.

    Undecided when no cell fits one convention only; the separator then says which (a
    semicolon-separated file is written by a spreadsheet with a decimal comma).
    """
    votes = {POINT: 0, COMMA: 0}
    for col, cells in columns.items():
        spec = NUMBERS.get(name, {}).get(col, AMOUNT)
        read = [readings(str(v), spec.percent, spec.fraction) for v in cells]
        for convention, n in _votes(read).items():
            votes[convention] += n
    if votes[POINT] != votes[COMMA]:
        return (COMMA if votes[COMMA] > votes[POINT] else POINT), True
    return (COMMA if separator_says_comma else POINT), False


def read_table(
    columns: dict[str, list[str]], name: str, separator_says_comma: bool
) -> dict[str, ColumnNumbers]:
    """The numeric columns of one table, each read by its own convention.

    A column that no cell decides follows the file (:func:`file_convention`).
    """
    fallback, sure = file_convention(columns, name, separator_says_comma)
    return {
        col: read_column(cells, NUMBERS.get(name, {}).get(col, AMOUNT), fallback, sure)
        for col, cells in columns.items()
    }


def conflict_message(text: str, col: str, column: ColumnNumbers, spec: NumberSpec) -> str:
    """Why ``text`` is refused: its two readings and the convention of the rest of its column."""
    r = readings(text, spec.percent, spec.fraction)
    other = COMMA if column.convention == POINT else POINT

    def shown(convention: str) -> str:
        value = r[convention]
        return "not a number" if value is None else f"{value:,.10g}"

    return (
        f"{text!r} reads as {shown(other)} with {SPOKEN[other]} but as "
        f"{shown(column.convention)} with {SPOKEN[column.convention]}, which the other cells "
        f"of {col} use; write every number of the column the same way (e.g. 1234.5 or 1.234,5)"
    )
