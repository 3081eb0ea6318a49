"""Tables for people: what a notebook shows a reader instead of a raw DataFrame.

:func:`show` turns a tidy table into a pandas ``Styler``: no index, headers in words
(``demand_fte_months`` -> ``Demand FTE-months``), money with thousands separators and no
decimals, shares as per cent, flags as yes/no, months as they are, a dash for a missing value
(never ``None`` or ``NaN``), and every text cell HTML-escaped, so that data text cannot become
markup. The column kinds come from the column names (:data:`MONEY`, :data:`SHARES`,
:data:`FLAGS`), as in the workbook.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from pmo_opt.present.workbook import FLAG_COLUMNS, MONEY_COLUMNS, SHARE_COLUMNS

MISSING = "\u2013"  # an en dash: "not applicable / not given"
MONEY = MONEY_COLUMNS | {"extra_budget", "value_lost_if_forced_money"}
SHARES = SHARE_COLUMNS
FLAGS = FLAG_COLUMNS
#: words for parts of column names
_WORDS = {"fte": "FTE", "id": "id", "ahp": "AHP", "wsjf": "WSJF", "cod": "cost of delay"}


def header(column: object) -> str:
    """A column name in words: ``demand_fte_months`` -> ``Demand FTE months``."""
    text = str(column)
    if not text or text != text.lower() or "_" not in text and " " in text:
        return text  # already words
    words = [_WORDS.get(w, w) for w in text.split("_")]
    out = " ".join(words)
    return out[:1].upper() + out[1:]


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        return bool(pd.isna(value)) if not isinstance(value, str) else not value.strip()
    except (TypeError, ValueError):
        return False


def is_flag(series: pd.Series) -> bool:
    """Whether every value is a yes/no (``True``/``False``, ``1``/``0``, missing aside)."""
    known = {"true", "false", "1", "0", "1.0", "0.0"}
    return all(_is_missing(v) or str(v).strip().lower() in known for v in series)


def _kind(name: str, series: pd.Series) -> str:
    if name in FLAGS and is_flag(series):
        return "flag"
    numeric = pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
    if pd.api.types.is_bool_dtype(series):
        return "flag"
    if not numeric:
        return "text"
    if name in MONEY or name.endswith(("_cost", "_budget", "_spend")):
        return "money"
    if name in SHARES or name.endswith(("_share", "_use")):
        return "share"
    values = pd.to_numeric(series, errors="coerce").dropna()
    if len(values) and bool((values == values.round()).all()):
        return "whole"
    return "number"


def cell_text(value: Any, kind: str) -> str:
    """One cell as a reader sees it (before HTML escaping)."""
    if _is_missing(value):
        return MISSING
    if kind == "flag":
        truthy = str(value).strip().lower() in ("1", "true", "yes", "1.0")
        return "yes" if truthy else "no"
    if kind == "money":
        return f"{float(value):,.0f}"
    if kind == "share":
        return f"{float(value):.1%}"
    if kind == "whole":
        return f"{float(value):,.0f}"
    if kind == "number":
        return f"{float(value):,.1f}"
    return str(value).replace("_", " ") if kind == "words" else str(value)


def show(
    frame: pd.DataFrame,
    rename: Mapping[str, str] | None = None,
    words: Iterable[str] = (),
    kinds: Mapping[str, str] | None = None,
    max_rows: int | None = None,
) -> Any:
    """``frame`` for people: a ``Styler`` with no index and every cell formatted (see module).

    Parameters
    ----------
    frame
        A tidy table; a named index becomes the first column.
    rename
        Column -> header text (default :func:`header`).
    words
        Text columns whose ``snake_case`` values are shown as words (roles, statuses).
    kinds
        Column -> ``money``, ``share``, ``flag``, ``whole``, ``number`` or ``text``, overriding
        the kind read from the column name.
    max_rows
        Show only the first rows (the workbook has them all).

    Returns
    -------
    PeopleTable
        Renders as an HTML table in a notebook and in the report's HTML (``.styler`` is the
        pandas ``Styler``; plain text is the formatted cells).
    """
    table = frame.copy()
    if any(n is not None for n in table.index.names):
        table = table.reset_index()
    if max_rows is not None:
        table = table.head(max_rows)
    table = table.reset_index(drop=True)
    kinds = dict(kinds or {})
    words = set(words)
    shown = pd.DataFrame(index=table.index)
    for column in table.columns:
        kind = kinds.get(str(column)) or (
            "words" if column in words else _kind(str(column), table[column])
        )
        shown[column] = [cell_text(v, kind) for v in table[column]]
    names = {c: (rename or {}).get(str(c), header(c)) for c in table.columns}
    shown = shown.rename(columns=names)
    numeric = [
        names[c]
        for c in table.columns
        if (kinds.get(str(c)) or _kind(str(c), table[c])) in ("money", "share", "whole", "number")
    ]
    # a stable id (pandas draws a random one): the same table gives the same HTML every run
    uid = hashlib.sha256(repr((list(map(str, shown.columns)), shown.shape)).encode()).hexdigest()
    styler = shown.style.set_uuid(uid[:8]).hide(axis="index").format(escape="html")
    styler = styler.format_index(escape="html", axis=1)
    if numeric:
        styler = styler.set_properties(subset=numeric, **{"text-align": "right"})
    text = [names[c] for c in table.columns if names[c] not in numeric]
    if text:  # words read from the left (Jupyter's own style right-aligns every cell)
        styler = styler.set_properties(subset=text, **{"text-align": "left"})
    return PeopleTable(styler, shown)


class PeopleTable:
    """A formatted table as a notebook shows it: the ``Styler``'s HTML, and as plain text the
    same cells without an index (a Styler's own text form names a memory address, which would
    make a notebook's stored output differ on every run)."""

    def __init__(self, styler: Any, cells: pd.DataFrame) -> None:
        self.styler, self.data = styler, cells

    def _repr_html_(self) -> str:
        return self.styler.to_html()

    def to_html(self) -> str:
        """The table's HTML, as the notebook and the report show it."""
        return self.styler.to_html()

    def __repr__(self) -> str:
        return self.data.to_string(index=False)


def show_or(frame: pd.DataFrame | None, empty: str, **options: Any) -> Any:
    """:func:`show` for a table with rows, else ``empty`` as one line of Markdown (our own
    words, never data text): an empty section is said in one line, not drawn as a bare header.
    """
    from IPython.display import Markdown

    if frame is None or not len(frame):
        return Markdown(empty.strip() + "\n")
    return show(frame, **options)


__all__ = ["MISSING", "PeopleTable", "cell_text", "header", "show", "show_or"]
