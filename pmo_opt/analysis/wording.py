"""Words and numbers for explanations: project labels, FTE and money as a board reads them,
runs of months as spans, lists joined with "and". Package-internal helpers of
:mod:`pmo_opt.analysis.diagnose`, :mod:`pmo_opt.analysis.explain` and :mod:`pmo_opt.analysis.hiring`."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from pmo_opt.inputs import months
from pmo_opt.inputs.portfolio import Portfolio

_NUMBER_WORDS = "zero one two three four five six seven eight nine ten eleven twelve".split()


def label(portfolio: Portfolio, p: str) -> str:
    name = portfolio.projects.at[p, "name"] if p in portfolio.projects.index else None
    return f"{p} {name}" if isinstance(name, str) and name and name != p else str(p)


def fte(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def money(x: float) -> str:
    """``120000`` -> ``120k``; ``1250000`` -> ``1.25M``; ``950`` -> ``950``."""
    for size, suffix in ((1e9, "bn"), (1e6, "M"), (1e3, "k")):
        if abs(x) >= size:
            return f"{x / size:.3g}{suffix}"
    return f"{x:.3g}" if x != int(x) else f"{int(x)}"


def ceil_fte(x: float) -> float:
    return math.ceil(x * 100 - 1e-6) / 100


def ceil_money(x: float) -> float:
    """Round up to three significant digits (so a sentence's figure is enough, not short)."""
    if x <= 0:
        return 0.0
    step = 10 ** max(math.floor(math.log10(x)) - 2, 0)
    return float(math.ceil(x / step - 1e-6) * step)


def months_word(n: int) -> str:
    word = _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else str(n)
    return f"{word} month" + ("" if n == 1 else "s")


def span(first: str, last: str) -> str:
    return first if first == last else f"{first} to {last}"


def period_text(period: str) -> str:
    return "the total budget" if period == "total" else f"the {period} budget"


def runs(month_list: Iterable[str]) -> list[list[str]]:
    """Consecutive runs of months: ``['2027-01', '2027-02', '2027-05']`` -> two runs."""
    runs: list[list[str]] = []
    for m in sorted(set(month_list)):
        if runs and months.to_ordinal(m) == months.to_ordinal(runs[-1][-1]) + 1:
            runs[-1].append(m)
        else:
            runs.append([m])
    return runs


def capitalise(text: str) -> str:
    """Capitalise a sentence that starts with one of our own words, never a role's name."""
    first = text.split(" ", 1)[0]
    if first in ("the", "move", "release", "take", "leave"):
        return text[0].upper() + text[1:]
    return text


def capitalise_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def join(parts: Sequence[str], word: str = "and") -> str:
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} {word} {parts[-1]}"


# --------------------------------------------------------------------------------------------
# the elastic model


def safe(text: object) -> str:
    # must match pmo_opt.engine.model's constraint naming (capacity_<role>_<m>, budget_<i>_<period>)
    return "".join(ch if ch.isalnum() else "_" for ch in str(text))
