"""Calendar months as text ``YYYY-MM`` outside, as integers (year * 12 + month - 1) inside."""

from __future__ import annotations

import re

_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


def to_ordinal(value: str) -> int:
    """``'2027-03'`` -> an integer that counts months; raises ``ValueError`` on anything else."""
    m = _MONTH.match(str(value))
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(f"{value!r} is not a month; write it as YYYY-MM, e.g. 2027-03")
    return int(m.group(1)) * 12 + int(m.group(2)) - 1


def from_ordinal(n: int) -> str:
    """Inverse of :func:`to_ordinal`."""
    return f"{n // 12:04d}-{n % 12 + 1:02d}"


def is_month(value: object) -> bool:
    """True when ``value`` reads as ``YYYY-MM``."""
    try:
        to_ordinal(str(value))
    except ValueError:
        return False
    return True


def normalise(value: str) -> str:
    """``'2027-3'`` -> ``'2027-03'``."""
    return from_ordinal(to_ordinal(value))


def month_range(start: str, count: int) -> list[str]:
    """``count`` consecutive months from ``start``."""
    first = to_ordinal(start)
    return [from_ordinal(first + i) for i in range(count)]


def shift(month: str, offset: int) -> str:
    """The month ``offset`` months after ``month``."""
    return from_ordinal(to_ordinal(month) + offset)


def period_months(period: str) -> list[str] | None:
    """Months a budget period covers: ``None`` for ``total``; ``2027``; ``2027-Q1``; ``2027-01``.

    Raises ``ValueError`` for anything else.
    """
    text = str(period).strip()
    if text.lower() == "total":
        return None
    if re.fullmatch(r"\d{4}", text):
        return month_range(f"{text}-01", 12)
    q = re.fullmatch(r"(\d{4})-[Qq]([1-4])", text)
    if q:
        return month_range(f"{q.group(1)}-{3 * int(q.group(2)) - 2:02d}", 3)
    if is_month(text):
        return [normalise(text)]
    raise ValueError(
        f"{period!r} is not a budget period; use 'total', a year (2027), "
        "a quarter (2027-Q1) or a month (2027-01)"
    )
