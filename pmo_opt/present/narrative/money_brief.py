"""Page 06's money sections: when the money comes back (timeline, NPV, payback), the range of
the money (P10-P90, the chance of breaking a budget, what drives it) and the trade-off between
the value score and the stated benefit, with the plan of most stated benefit as the alternative."""

from __future__ import annotations

import pandas as pd
from IPython.display import Markdown

from pmo_opt.analysis.benefit_risk import MoneyRisk
from pmo_opt.analysis.money import MoneyView
from pmo_opt.engine.plan import Plan
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.present.narrative.words import as_markdown, cash, md_label, points, value_unit
from pmo_opt.text import escape_markdown


def money_over_time(portfolio: Portfolio, view: MoneyView) -> Markdown:
    """The benefits timeline in words and a table: cost and budget per year, stated benefit,
    cumulative benefit less cost; NPV at the discount rate and the payback year."""
    payback = f"pays back in **{view.payback_year}**" if view.payback_year else "does not pay back"
    lines = [
        "## When the money comes back",
        "",
        f"The plan costs **{cash(portfolio, view.total_cost)}** and its projects state "
        f"**{cash(portfolio, view.total_benefit)}** of benefit; at a discount rate of "
        f"{view.discount_rate:.0%} a year (the `discount_rate` setting) its net present value is "
        f"**{cash(portfolio, view.npv)}**, and it {payback} (cumulative benefit less cost turns "
        f"positive). {escape_markdown(view.rule)}",
        "",
        "| Year | Cost | Budget | Stated benefit | Cumulative benefit less cost |",
        "|---|--:|--:|--:|--:|",
    ]
    years = view.years
    spent = years.loc[years["cost"] > 0, "year"]
    # one row per year until the year after payback (or the last cost); the tail in one row
    shown_to = max([int(spent.max()) if len(spent) else 0, (view.payback_year or 0) + 1])
    head, tail = years[years["year"] <= shown_to], years[years["year"] > shown_to]
    for _, r in head.iterrows():
        budget = cash(portfolio, float(r["budget"])) if pd.notna(r["budget"]) else "-"
        lines.append(
            f"| {int(r['year'])} | {cash(portfolio, float(r['cost']))} | {budget} | "
            f"{cash(portfolio, float(r['benefit']))} | "
            f"{cash(portfolio, float(r['cumulative_net']))} |"
        )
    if len(tail):
        lines.append(
            f"| {int(tail['year'].min())}-{int(tail['year'].max())} | "
            f"{cash(portfolio, float(tail['cost'].sum()))} | - | "
            f"{cash(portfolio, float(tail['benefit'].sum()))} | "
            f"{cash(portfolio, float(tail['cumulative_net'].iloc[-1]))} |"
        )
    return as_markdown(lines)


def money_risk_words(portfolio: Portfolio, risk: MoneyRisk, top: int = 3) -> Markdown:
    """The range of the plan's money from the projects' low and high estimates."""
    b, c = risk.summary.loc["benefit"], risk.summary.loc["cost"]
    drivers = risk.drivers.head(top)
    names = "; ".join(
        f"{md_label(portfolio, p)} ({share:.0%})"
        for p, share in zip(drivers.index, drivers["share_of_spread"], strict=True)
    )
    lines = [
        "## Risk in money",
        "",
        f"- **Stated benefit**: {cash(portfolio, b['P10'])} to {cash(portfolio, b['P90'])} "
        f"(1 in 10 below, 1 in 10 above; median {cash(portfolio, b['P50'])}, stated "
        f"{cash(portfolio, b['stated'])}).",
        f"- **Cost**: {cash(portfolio, c['P10'])} to {cash(portfolio, c['P90'])} (median "
        f"{cash(portfolio, c['P50'])}, planned {cash(portfolio, c['stated'])}).",
    ]
    chance = (
        f"- **Chance that the cost breaks a budget**: {risk.chance_over_budget:.0%} of "
        f"{risk.draws:,} draws of the projects' low-to-high estimates (seed {risk.seed})"
    )
    if c["P50"] > c["stated"] * 1.01 and risk.chance_over_budget > 0.5:
        chance += (
            f", because the cost estimates lean to overrun (median "
            f"{cash(portfolio, c['P50'] - c['stated'])} above plan) while the plan uses nearly "
            "every budget: an overrun needs contingency or pushes work out"
        )
    lines.append(chance + ".")
    if len(drivers) and drivers["share_of_spread"].iloc[0] > 0:
        lines.append(f"- **What drives the range most**: {names}.")
    return as_markdown(lines)


def trade_off_words(
    portfolio: Portfolio, plan: Plan, table: pd.DataFrame, benefit_plan: Plan
) -> Markdown:
    """The score-benefit trade-off: the best value score at each level of stated benefit, and
    the plan of most stated benefit (``objective=benefit``) as the alternative view."""
    unit = escape_markdown(value_unit(plan.scenario, portfolio))
    first, last = table.iloc[0], table.iloc[-1]
    lines = [
        "## Value score against stated benefit",
        "",
        "The best value score at each level of stated benefit, under the same budget, people "
        "and rules (each plan solved by the optimiser):",
        "",
        f"| Plan | Value score ({unit}) | Stated benefit | Score given up | Benefit gained "
        "| Benefit per point |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    for _, r in table.iterrows():
        name = (
            "Recommended"
            if pd.isna(r["min_benefit"])
            else f"At least {cash(portfolio, float(r['min_benefit']))}"
        )
        per_point = (
            cash(portfolio, float(r["benefit_per_point"]))
            if pd.notna(r["benefit_per_point"])
            else "-"
        )
        lines.append(
            f"| {name} | {points(r['value_score'])} | {cash(portfolio, float(r['benefit']))} | "
            f"{points(r['score_given_up'])} | {cash(portfolio, float(r['benefit_gained']))} | "
            f"{per_point} |"
        )
    lines.append("")
    if len(table) > 1:
        step = table.iloc[1]
        most = (
            f"The first {cash(portfolio, float(step['benefit_gained']))} of extra stated benefit "
            f"costs {points(step['score_given_up'])} {unit}; all of it "
            f"({cash(portfolio, float(last['benefit_gained']))}) costs "
            f"{points(last['score_given_up'])} ({last['score_given_up'] / first['value_score']:.0%}"
            f" of the score), in the plan of most stated benefit (`objective=benefit`): "
            f"{len(benefit_plan.selected)} projects, {cash(portfolio, float(last['benefit']))} of "
            f"stated benefit, spending {cash(portfolio, benefit_plan.total_spend)}."
        )
    else:
        most = (
            f"The plan with the most stated benefit (`objective=benefit`) funds "
            f"{len(benefit_plan.selected)} projects for {cash(portfolio, float(last['benefit']))} "
            f"of stated benefit and spends {cash(portfolio, benefit_plan.total_spend)}."
        )
    lines.append(most)
    return as_markdown(lines)
