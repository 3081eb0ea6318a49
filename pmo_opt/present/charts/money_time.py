"""Charts of money over time and its range: the benefits timeline against cost and budget, and
the P10-P90 range of the portfolio's stated benefit and cost."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from pmo_opt.present.charts.style import (
    BLUE,
    GREY,
    ORANGE,
    VERMILLION,
    new_figure,
    short_number,
    thousands,
    tidy,
)
from pmo_opt.text import escape_mathtext


def benefit_timeline(view, currency: str = "") -> Figure:
    """Cost and stated benefit per year as bars, the budget as marks, and the cumulative benefit
    less cost as a line (where it crosses zero the plan has paid back).

    Parameters
    ----------
    view
        A :class:`pmo_opt.analysis.money.MoneyView`.
    currency
        The axis unit.
    """
    years = view.years
    x = np.arange(len(years))
    fig, ax = new_figure(8, 4.2)
    ax.bar(x - 0.2, years["cost"], width=0.4, color=ORANGE, label="cost")
    ax.bar(x + 0.2, years["benefit"], width=0.4, color=BLUE, label="stated benefit")
    budget = years["budget"].to_numpy(dtype=float)
    if np.isfinite(budget).any():
        ax.scatter(x - 0.2, budget, marker="_", s=500, color="black", label="budget", zorder=4)
    ax.plot(x, years["cumulative_net"], color=VERMILLION, marker="o", label="cumulative net")
    ax.axhline(0, color=GREY, linewidth=0.8)
    ax.set_xticks(x, [str(y) for y in years["year"]])
    unit = escape_mathtext(currency or "money")
    ax.set_ylabel(f"{unit} per year")
    payback = f"pays back in {view.payback_year}" if view.payback_year else "no payback in view"
    ax.set_title(
        f"When the money comes back: NPV {short_number(view.npv)} {unit} at "
        f"{view.discount_rate:.0%}, {payback}"
    )
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    thousands(ax, "y")
    tidy(ax, "y")
    peak = years.loc[years["benefit"].idxmax()] if len(years) else None
    fig.alt_text = (
        f"Cost and stated benefit per year, {years['year'].iloc[0]} to {years['year'].iloc[-1]}: "
        f"cost {short_number(view.total_cost)} {unit}, benefit {short_number(view.total_benefit)}"
        f" {unit} in all, most benefit in {int(peak['year'])} "
        f"({short_number(float(peak['benefit']))}); net present value {short_number(view.npv)}"
        f" {unit} at {view.discount_rate:.0%} a year; {payback}."
        if peak is not None
        else "Benefits timeline with no years."
    ).replace("$", "")
    return fig


def money_range(risk, budget: float | None = None, currency: str = "") -> Figure:
    """The P10 to P90 range of the plan's stated benefit and cost, the median marked, and the
    budget as a line.

    Parameters
    ----------
    risk
        A :class:`pmo_opt.analysis.benefit_risk.MoneyRisk`.
    budget
        The total budget, drawn as a line when given.
    currency
        The axis unit.
    """
    s = risk.summary
    fig, ax = new_figure(8, 2.6)
    rows = [("stated benefit", "benefit", BLUE), ("cost", "cost", ORANGE)]
    for y, (label, key, colour) in enumerate(rows):
        lo, mid, hi = (float(s.at[key, c]) for c in ("P10", "P50", "P90"))
        ax.barh(y, hi - lo, left=lo, height=0.5, color=colour, alpha=0.6, label=f"{label} P10-P90")
        ax.plot([mid, mid], [y - 0.25, y + 0.25], color="black", linewidth=2)
        ax.text(hi, y, f"  {short_number(lo)} to {short_number(hi)}", va="center", fontsize=8)
    if budget:
        ax.axvline(budget, color=VERMILLION, linestyle="--", label="budget")
    unit = escape_mathtext(currency or "money")
    ax.set_yticks(range(len(rows)), [r[0] for r in rows])
    ax.set_xlabel(f"{unit} over the plan (black mark: the median)")
    ax.set_title(
        f"Risk in money: {risk.draws:,} draws; the cost breaks a budget in "
        f"{risk.chance_over_budget:.0%} of them"
    )
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize=8)
    thousands(ax, "x")
    tidy(ax, "x")
    b, c = s.loc["benefit"], s.loc["cost"]
    fig.alt_text = (
        f"Stated benefit from {short_number(b['P10'])} to {short_number(b['P90'])} {unit} "
        f"(P10 to P90, median {short_number(b['P50'])}); cost from {short_number(c['P10'])} to "
        f"{short_number(c['P90'])} (median {short_number(c['P50'])})"
        + (f" against a budget of {short_number(budget)}" if budget else "")
        + f"; the cost breaks a budget in {risk.chance_over_budget:.0%} of {risk.draws:,} draws."
    ).replace("$", "")
    return fig
