"""Making data text safe where it lands: Markdown/HTML, chart labels, CSV cells, the terminal.

Text from a portfolio (ids, names, categories, roles, criteria) and from a scenario (name,
description) is data, never markup, a formula or a terminal command. Every writer passes it
through one of these helpers at the point where it leaves pmo-opt:

- :func:`escape_markdown`: for the narrative's Markdown (and the HTML made from it);
- :func:`escape_mathtext`: for matplotlib labels, where ``$`` starts mathtext;
- :func:`csv_safe` / :func:`csv_safe_frame`: for every CSV pmo-opt writes (OWASP's CSV
  injection advice: a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
  return gets a leading apostrophe, so a spreadsheet shows it as text);
- :func:`terminal_safe`: for anything from the data printed on a terminal (control characters
  and escape sequences are shown as ``\\x1b`` and so on, never interpreted).

This module is at the bottom of the package: it imports nothing from pmo_opt.
"""

from __future__ import annotations

import html
import re
from typing import Any

import pandas as pd

#: first characters that make a spreadsheet read a cell as a formula (OWASP)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
# Markdown characters that can start or end markup; HTML's are made entities first
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>$])")  # $: no maths either
# C0 and C1 controls and DEL, except the newline and tab that text may keep
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_ALL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def escape_markdown(text: Any) -> str:
    """``text`` as literal Markdown: it renders as itself and can never become markup.

    HTML's ``< > & " '`` become entities (so ``<img src=x onerror=...>`` is shown, not run) and
    every Markdown special character is backslash-escaped (so ``[x](javascript:alert(3))`` is
    not a link, ``*`` or ``_`` do not turn on emphasis and ``$`` starts no maths). Line breaks become spaces: data
    text is one line of a paragraph or table cell.

    Parameters
    ----------
    text
        Any value; ``None`` is the empty string, anything else is ``str(text)``.

    Returns
    -------
    str
        Text safe to put into Markdown (and the HTML nbconvert makes from it).
    """
    if text is None:
        return ""
    s = _CONTROL.sub("", str(text)).replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    s = html.escape(s, quote=True)  # & first, then < > " '
    # entities contain '#' and ';' only; escape the Markdown specials outside them
    parts = re.split(r"(&(?:amp|lt|gt|quot|#x27);)", s)
    return "".join(p if i % 2 else _MARKDOWN_SPECIALS.sub(r"\\\1", p) for i, p in enumerate(parts))


def escape_mathtext(text: Any) -> str:
    """``text`` for a matplotlib label: ``$`` becomes ``\\$`` so that it never starts mathtext.

    Parameters
    ----------
    text
        Any value; ``None`` is the empty string.

    Returns
    -------
    str
        The label text, shown literally by matplotlib.
    """
    if text is None:
        return ""
    return str(text).replace("$", r"\$")


def csv_safe(value: Any) -> Any:
    """One CSV cell that a spreadsheet cannot run as a formula (OWASP CSV injection advice).

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
    apostrophe (``=1+1`` -> ``'=1+1``), which Excel and LibreOffice show as text. Numbers, and
    text that is a plain number (``-5``, ``+1.5e3``), are left alone: they cannot be formulas.

    Parameters
    ----------
    value
        A cell value of any type.

    Returns
    -------
    Any
        ``value`` unchanged, or the apostrophe-prefixed text.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        if _PLAIN_NUMBER.fullmatch(value):
            return value
        return "'" + value
    return value


def csv_unquote(value: Any) -> Any:
    """Undo :func:`csv_safe` when reading back a CSV pmo-opt wrote (``'=1+1`` -> ``=1+1``).

    Parameters
    ----------
    value
        A cell as read.

    Returns
    -------
    Any
        ``value`` without the apostrophe :func:`csv_safe` added; anything else unchanged.
    """
    if isinstance(value, str) and value.startswith("'") and value[1:2] in FORMULA_STARTS:
        return value[1:]
    return value


def csv_safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with :func:`csv_safe` applied to every text cell, index and header.

    Numeric columns are not touched (and keep their dtype).

    Parameters
    ----------
    frame
        The table about to be written with ``to_csv``.

    Returns
    -------
    pandas.DataFrame
        The table to write instead.
    """
    out = frame.copy()
    for i in range(out.shape[1]):
        series = out.iloc[:, i]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            continue
        out.isetitem(i, series.map(csv_safe))
    out.columns = [csv_safe(c) for c in out.columns]
    if isinstance(out.index, pd.MultiIndex):
        out.index = out.index.set_levels(
            [lvl.map(csv_safe) if lvl.dtype == object else lvl for lvl in out.index.levels]
        )
    elif not pd.api.types.is_numeric_dtype(out.index):
        out.index = out.index.map(csv_safe)
    if out.index.names is not None:
        out.index.names = [csv_safe(n) for n in out.index.names]
    return out


def terminal_safe(text: Any, keep_newlines: bool = True) -> str:
    """``text`` with control characters shown, not obeyed: ``\\x1b`` -> ``\\\\x1b``.

    An escape sequence in a cell or header (``\\x1b]0;title\\x07`` retitles a terminal,
    ``\\x1b[2J`` clears it) becomes visible text. Tabs are kept; newlines are kept unless
    ``keep_newlines`` is False (then shown as ``\\n``).

    Parameters
    ----------
    text
        Any value; ``None`` is the empty string.
    keep_newlines
        Keep ``\\n`` (multi-line messages); False for one-line fields.

    Returns
    -------
    str
        Printable text.
    """
    if text is None:
        return ""
    pattern = _CONTROL if keep_newlines else _CONTROL_ALL
    s = str(text)
    if keep_newlines:
        s = s.replace("\r\n", "\n")
    return pattern.sub(lambda m: _visible(m.group(0), keep_newlines), s)


def _visible(char: str, keep_newlines: bool) -> str:
    if char == "\t":
        return char
    if char == "\n" and keep_newlines:
        return char
    return {"\n": "\\n", "\r": "\\r"}.get(char, f"\\x{ord(char):02x}")


def escape_html(text: Any) -> str:
    """``text`` as literal characters inside HTML (entities for ``< > & " '``)."""
    return html.escape(str(text), quote=True)
