"""The meaning of a cell's text: numbers (one parser for validation and typing, so they cannot
disagree), choices, and suggestions for a mistyped name.
"""

from __future__ import annotations

import difflib
import functools
import math
import re

import numpy as np
import pandas as pd

_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_PLAIN = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_GROUPED = {
    ",": re.compile(r"[+-]?[1-9]\d{0,2}(?:,\d{3})+"),
    ".": re.compile(r"[+-]?[1-9]\d{0,2}(?:\.\d{3})+"),
}


def parse_number(
    text: object, decimal_comma: bool = False, *, percent: bool = False, fraction: bool = False
) -> float | None:
    """Text -> a finite float, or ``None`` when it is not one ('' is ``None`` too).

    Accepts ``1.5``, ``1,5``, ``1.234,5``, ``1,234.5``, ``1 234,5`` and ``1e3``. A single comma
    is a decimal comma when ``decimal_comma`` or when it cannot be a thousands separator
    (``1,5``); ``1,500`` reads as 1500 otherwise. ``percent`` also takes ``30%`` (0.3);
    ``fraction`` also takes ``1/3`` (Saaty ratios).
    """
    s = str(text).strip()
    if _PLAIN.fullmatch(s):  # the common case, fast
        value = float(s)
        return value if math.isfinite(value) else None
    return _parse_number(s, decimal_comma, percent, fraction)


@functools.lru_cache(maxsize=4096)
def _parse_number(s: str, decimal_comma: bool, percent: bool, fraction: bool) -> float | None:
    for space in (" ", "\u00a0", "\u202f", "\u2009"):
        s = s.replace(space, "")
    s = s.replace("\u2212", "-")
    if not s:
        return None
    if fraction and s.count("/") == 1:
        top, bottom = (parse_number(x, decimal_comma) for x in s.split("/"))
        if top is None or bottom is None or bottom == 0:
            return None
        return top / bottom
    if percent and s.endswith("%"):
        value = parse_number(s[:-1], decimal_comma)
        return None if value is None else value / 100
    if "," in s and "." in s:
        decimal = "," if s.rindex(",") > s.rindex(".") else "."
        thousands = "." if decimal == "," else ","
        whole, _, rest = s.rpartition(decimal)
        if not _GROUPED[thousands].fullmatch(whole) or thousands in rest:
            return None
        s = whole.replace(thousands, "") + "." + rest
    elif "," in s:
        if s.count(",") > 1 or (not decimal_comma and _GROUPED[","].fullmatch(s)):
            if not _GROUPED[","].fullmatch(s):
                return None
            s = s.replace(",", "")
        else:
            s = s.replace(",", ".")
    elif s.count(".") > 1:
        if not _GROUPED["."].fullmatch(s):
            return None
        s = s.replace(".", "")
    if not _NUMBER.fullmatch(s):
        return None
    value = float(s)
    return value if math.isfinite(value) else None


def to_number(series: pd.Series, decimal_comma: bool = False, **kinds: bool) -> pd.Series:
    """Text -> float; '' and anything unreadable -> NaN (see :func:`parse_number`)."""
    values = [parse_number(v, decimal_comma, **kinds) for v in series.tolist()]
    return pd.Series([np.nan if v is None else v for v in values], index=series.index, dtype=float)


def choice_text(series: pd.Series) -> pd.Series:
    """``' In Flight '`` -> ``'in_flight'``: how status, kind and direction are matched."""
    return series.astype(str).str.strip().str.lower().str.replace(r"[\s\-]+", "_", regex=True)


def suggest(value: str, known: list[str] | tuple[str, ...], fuzzy: bool = True) -> str | None:
    """The known name a misspelt ``value`` most likely meant, or ``None``.

    Case, spaces and leading zeros are tried first (``p01`` -> ``P01``, ``7`` -> ``007``); with
    ``fuzzy`` also close spellings (``Data Engineeer`` -> ``Data Engineer``). Ids such as
    ``P09`` are close to every other id, so callers pass ``fuzzy=False`` for them.
    """

    def plain(text: str) -> str:
        return re.sub(r"(?<!\d)0+(?=\d)", "", re.sub(r"\s+", " ", str(text).strip().lower()))

    text = str(value).strip()
    same = [k for k in known if plain(k) == plain(text) and k != text]
    if same:
        return same[0]
    if not fuzzy:
        return None
    close = difflib.get_close_matches(text, list(known), n=1, cutoff=0.6)
    return close[0] if close else None
