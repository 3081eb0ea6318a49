"""Page 03: what was chosen, how good it is, the tables of the selection and the frontier in words."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from IPython.display import Markdown

from pmo_opt.engine.plan import Plan
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.present.narrative.facts import DECIDED, status_sentence, total_budget
from pmo_opt.present.narrative.whatif import ANALYSIS_GAP
from pmo_opt.present.narrative.words import (
    as_markdown,
    cash,
    join_words,
    md_label,
    money,
    plural,
    points,
    share,
    signed_share,
    value_unit,
)
from pmo_opt.text import escape_markdown


def baseline_gain(plan: Plan, baseline: Plan) -> float | None:
    """The plan's objective over rank-and-fill's, as a fraction (``None`` when not comparable)."""
    if not (plan.has_solution and baseline.has_solution):
        return None
    ours, theirs = plan.objective, baseline.objective
    if ours is None or theirs is None or theirs == 0 or baseline.details.get("violations"):
        return None
    if plan.scenario.objective == "makespan":  # fewer months is better
        return (theirs - ours) / abs(theirs)
    return (ours - theirs) / abs(theirs)


def gain_words(gain: float | None) -> str:
    """The gain over rank-and-fill as every page states it: ``**14.6% more**`` (one decimal),
    ``**the same**``, or ``""`` when not comparable."""
    if gain is None:
        return ""
    if abs(gain) < 0.0005:
        return "**the same**"
    return f"**{abs(gain):.1%} {'more' if gain > 0 else 'less'}**"


def worth_words(facts: Any, unit: str) -> str:
    """The plan's worth with value, disruption and net named apart when they differ."""
    if not facts.disruption:
        return f"worth **{points(facts.value)} {unit}**"
    return (
        f"worth **{points(facts.value)} {unit}** of value; the changes to the approved plan "
        f"cost {points(facts.disruption)} points of disruption, for a net of "
        f"**{points(facts.net)}**"
    )


def selection_headline(
    portfolio: Portfolio, plan: Plan, baseline: Plan | None = None, facts: Any | None = None
) -> Markdown:
    """What was chosen, how good it is (status and gap), value against rank-and-fill, budget use;
    with the report's ``facts`` (:class:`~pmo_opt.analysis.report_facts.ReportFacts`) its
    numbers are the ones every page quotes."""
    lines = [status_sentence(plan), ""]
    if not plan.has_solution:
        for item in plan.details.get("diagnosis", []):
            lines.append(f"- {escape_markdown(item)}")
        return as_markdown(lines)
    sel = plan.projects[plan.projects["selected"]]
    decided = int(sel["status"].isin(DECIDED).sum())
    unit = escape_markdown(value_unit(plan.scenario, portfolio))
    worth = (
        worth_words(facts, unit)
        if facts is not None
        else f"worth **{points(plan.objective)} {unit}**"
    )
    lines.append(
        f"The plan selects **{len(sel)} of {len(plan.projects)} projects** ({decided} in flight or "
        f"committed, {len(sel) - decided} new) {worth}."
    )
    budget = total_budget(portfolio, plan)
    if budget:
        lines.append(
            f"It spends **{cash(portfolio, plan.total_spend)} of the {cash(portfolio, budget)} "
            f"budget** ({share(plan.total_spend / budget, 1)})."
        )
    else:
        lines.append(f"It spends **{cash(portfolio, plan.total_spend)}**.")
    if baseline is not None:
        lines.append("")
        lines.append(baseline_sentence(plan, baseline, facts))
    out = plan.projects[~plan.projects["selected"]].sort_values("value", ascending=False)
    if len(out):
        names = [md_label(portfolio, p) for p in out.index[:3]]
        lines.append("")
        lines.append(
            f"Left out: {plural(len(out), 'project')}; the highest-valued are {join_words(names)}."
        )
    return as_markdown(lines)


def baseline_sentence(plan: Plan, baseline: Plan, facts: Any | None = None) -> str:
    """The plan against rank-and-fill (fund in priority order until money or people run out),
    in value: the gain is ``facts.gain`` when the report's facts are given."""
    if not baseline.has_solution:
        return (
            f"Funding in priority order finds no plan at all ({escape_markdown(baseline.message)})."
        )
    if baseline.details.get("violations"):
        return (
            "Funding in priority order (rank-and-fill) breaks a rule the optimiser keeps: "
            + "; ".join(escape_markdown(v) for v in baseline.details["violations"][:2])
            + "."
        )
    gain = facts.gain if facts is not None else baseline_gain(plan, baseline)
    worth = facts.rank_fill.value if facts is not None else baseline.objective
    unit = value_unit(plan.scenario)
    theirs = f"{points(worth)} {unit} with {plural(len(baseline.selected), 'project')}"
    text = (
        "Funding projects in priority order until the money or the people run out "
        f"(rank-and-fill, same rules) reaches {theirs}"
    )
    if gain is None:
        return text + "."
    return text + f": the optimised plan is worth {gain_words(gain)} in value."


def check_sentence(violations: Sequence[Any]) -> Markdown:
    """The independent checker's verdict (:func:`pmo_opt.engine.check.check_plan`) in words."""
    if not violations:
        return Markdown(
            "**Independent check passed**: re-deriving every rule from the input files (not from "
            "the optimisation model) finds no budget, capacity, date, dependency or category rule "
            "broken.\n"
        )
    lines = [f"**Independent check FAILED**: {plural(len(violations), 'rule')} broken:", ""]
    lines += [f"- {escape_markdown(v)}" for v in violations[:10]]
    return as_markdown(lines)


def selection_table(plan: Plan, baseline: Plan | None = None) -> pd.DataFrame:
    """Every project with the decision: ``project_id``, ``name``, ``category``, ``status``,
    ``selected`` (0/1), ``start``, ``finish``, ``value``, ``benefit`` (stated), ``cost``,
    ``risk`` and, with a
    baseline, ``rank_and_fill`` (0/1); selected first, then by value."""
    t = plan.projects.reset_index()
    t["selected"] = t["selected"].astype(int)
    if baseline is not None:
        chosen = set(baseline.selected)
        t["rank_and_fill"] = t["project_id"].isin(chosen).astype(int)
    t = t.sort_values(["selected", "value", "project_id"], ascending=[False, False, True])
    cols = ["project_id", "name", "category", "status", "selected", "start", "finish"]
    cols += ["value", "benefit", "cost", "risk"]
    cols += ["rank_and_fill"] if baseline is not None else []
    return t[cols].reset_index(drop=True)


def schedule_table(plan: Plan, portfolio: Portfolio) -> pd.DataFrame:
    """The selected projects in start order: ``project_id``, ``name``, ``category``, ``start``,
    ``finish``, ``months``, ``cost``."""
    t = plan.projects[plan.projects["selected"]].reset_index()
    t["months"] = t["project_id"].map(portfolio.projects["duration"]).astype(int)
    t = t.sort_values(["start", "project_id"])
    return t[["project_id", "name", "category", "start", "finish", "months", "cost"]].reset_index(
        drop=True
    )


def load_table(plan: Plan) -> pd.DataFrame:
    """The plan's load per role and month with ``utilisation`` (demand / (capacity + hired))."""
    t = plan.load.copy()
    supply = t["capacity_fte"] + t["hired_fte"]
    t["utilisation"] = (t["demand_fte"] / supply.where(supply > 0)).round(4)
    return t


def frontier_headline(
    frontier: pd.DataFrame, plan: Plan, portfolio: Portfolio | None = None
) -> Markdown:
    """What more (or less) money would buy, read off the (monotone) frontier; amounts in the
    portfolio's currency when ``portfolio`` is given."""

    def m(x: float) -> str:
        return cash(portfolio, x) if portfolio is not None else money(x)

    solved = frontier.dropna(subset=["value"]).sort_values("budget")
    if len(solved) < 2:
        return Markdown("Too few budget levels have a plan to draw a frontier.\n")
    lines = []
    current = solved[solved["is_current"].astype(bool)]
    cheaper = solved[~solved["is_current"].astype(bool) & (solved["budget_scale"] < 1)]
    dearer = solved[~solved["is_current"].astype(bool) & (solved["budget_scale"] > 1)]
    if len(current):
        c = current.iloc[0]
        lines.append(
            f"At today's budget ({m(c['budget'])}) the best plan is worth {points(c['value'])} "
            f"{escape_markdown(value_unit(plan.scenario, portfolio))}."
        )
        if len(dearer):
            d = dearer.iloc[0]
            lines.append(
                f"With {m(d['budget'] - c['budget'])} more ({m(d['budget'])}) it rises to "
                f"{points(d['value'])} ({signed_share(d['value'] / c['value'] - 1)})."
            )
        if len(cheaper):
            e = cheaper.iloc[-1]
            lines.append(
                f"With {m(c['budget'] - e['budget'])} less ({m(e['budget'])}) it falls to "
                f"{points(e['value'])} ({signed_share(e['value'] / c['value'] - 1)})."
            )
    knee = solved[solved["knee"].astype(bool)]
    if len(knee):
        lines.append(
            f"Beyond about {m(knee.iloc[0]['budget'])}, each extra unit of money buys little "
            "more value (the knee of the curve)."
        )
    lines.append(
        f"The other points are re-solved to within {share(ANALYSIS_GAP)} of their best "
        "(a tolerance that keeps the curve quick to draw)."
    )
    unproven = solved[solved["status"] != "optimal"]
    if len(unproven):
        lines.append(
            f"{plural(len(unproven), 'point')} of the curve {'is' if len(unproven) == 1 else 'are'} "
            "not proven optimal (drawn hollow); the curve never falls, as each point keeps the "
            "best plan of any cheaper point."
        )
    return Markdown(" ".join(lines) + "\n")


__all__ = [
    "baseline_gain",
    "baseline_sentence",
    "gain_words",
    "worth_words",
    "check_sentence",
    "frontier_headline",
    "load_table",
    "schedule_table",
    "selection_headline",
    "selection_table",
]
