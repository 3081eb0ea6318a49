"""Numbers and names as people say them: money with its currency, points, shares, project
and role labels, all as literal Markdown where they carry data text."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from IPython.display import Markdown

from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import Scenario
from pmo_opt.text import escape_markdown


def money(x: float | None) -> str:
    """``12891250`` -> ``12.89M``; ``245000`` -> ``245k``; ``950`` -> ``950``."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "n/a"
    sign = "-" if x < 0 else ""
    x = abs(float(x))
    if x >= 1e9:
        return f"{sign}{x / 1e9:,.2f}bn"
    if x >= 1e6:
        return f"{sign}{x / 1e6:,.2f}M"
    if x >= 1e4:
        return f"{sign}{x / 1e3:,.0f}k"
    return f"{sign}{x:,.0f}"


def points(x: float | None) -> str:
    """A value total: whole numbers with thousands separators (``2,778``)."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "n/a"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.1f}"


def share(x: float | None, digits: int = 0) -> str:
    """``0.2851`` -> ``28.5%`` with ``digits=1``."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "n/a"
    return f"{x:.{digits}%}"


def signed_share(x: float) -> str:
    return ("+" if x >= 0 else "\u2212") + f"{abs(x):.1%}"


def currency(portfolio: Portfolio) -> str:
    """The portfolio's currency (its ``settings`` table), or ``""`` when not given."""
    return str(getattr(portfolio, "settings", {}).get("currency", "") or "")


def money_unit(portfolio: Portfolio) -> str:
    """What a chart's money axis is in: the currency, else ``money``."""
    return currency(portfolio) or "money"


def cash(portfolio: Portfolio, x: float | None) -> str:
    """:func:`money` with the portfolio's currency: ``EUR 12.89M`` (escaped for Markdown)."""
    code = currency(portfolio)
    return f"{escape_markdown(code)} {money(x)}" if code else money(x)


def label(portfolio: Portfolio, project_id: str) -> str:
    """``P020 Finance Reporting Warehouse Migration`` (the id alone when there is no name)."""
    name = portfolio.projects["name"].get(project_id)
    return (
        f"{project_id} {name}"
        if isinstance(name, str) and name and name != project_id
        else (str(project_id))
    )


def md_label(portfolio: Portfolio, project_id: str) -> str:
    """:func:`label` as literal Markdown text: data text never becomes markup."""
    return escape_markdown(label(portfolio, project_id))


def role_label(role: str) -> str:
    """``data_engineer`` -> ``data engineer``, as literal Markdown text."""
    return escape_markdown(str(role).replace("_", " "))


def join_words(parts: Sequence[str], word: str = "and") -> str:
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} {word} {parts[-1]}"


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def _settings_unit(portfolio: Portfolio | None) -> str:
    settings = getattr(portfolio, "settings", None) or {}
    return str(settings.get("value_unit", "") or "")


def value_unit(scenario: Scenario, portfolio: Portfolio | None = None) -> str:
    """What the objective's numbers are: priority points (or the portfolio's own ``value_unit``
    setting), benefit, or months. Plain text: escape it where it becomes Markdown."""
    if scenario.objective == "value" and _settings_unit(portfolio):
        return _settings_unit(portfolio)
    return {
        "value": "priority points",
        "benefit": "of benefit",
        "value_minus_delay": "of benefit net of delay cost",
        "makespan": "months",
    }.get(scenario.objective, "points")


def span_text(horizon: Sequence[str]) -> str:
    return f"{horizon[0]} to {horizon[-1]}" if horizon else "no months"


def as_markdown(lines: Iterable[str]) -> Markdown:
    return Markdown("\n".join(lines).strip() + "\n")


def value_axis(scenario: Scenario, portfolio: Portfolio | None = None) -> str:
    """A chart axis label for the objective's numbers (the ``value_unit`` setting when given)."""
    if scenario.objective == "value" and _settings_unit(portfolio):
        return f"portfolio value ({_settings_unit(portfolio)})"
    return {
        "value": "portfolio value (priority points)",
        "benefit": "portfolio benefit",
        "value_minus_delay": "benefit net of delay cost",
        "makespan": "months to finish",
    }.get(scenario.objective, "portfolio value")


def given(x: Any) -> bool:
    if x is None:
        return False
    if isinstance(x, float) and math.isnan(x):
        return False
    return not (isinstance(x, str) and not x.strip())


__all__ = [
    "money_unit",
    "as_markdown",
    "cash",
    "currency",
    "given",
    "join_words",
    "label",
    "md_label",
    "money",
    "plural",
    "points",
    "role_label",
    "share",
    "signed_share",
    "span_text",
    "value_axis",
    "value_unit",
]
