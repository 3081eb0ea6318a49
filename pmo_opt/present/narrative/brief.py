"""Page 06: the one-page board brief."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from IPython.display import Markdown

from pmo_opt.analysis.two_currencies import compare_in_both, value_score_sentence
from pmo_opt.engine.plan import Plan
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.present.narrative.capacity import hiring_pays
from pmo_opt.present.narrative.facts import (
    DECIDED,
    budget_use,
    role_use,
    status_sentence,
    total_budget,
)
from pmo_opt.present.narrative.left_out import left_out_table
from pmo_opt.present.narrative.selection import baseline_gain, gain_words, worth_words
from pmo_opt.present.narrative.words import (
    as_markdown,
    cash,
    join_words,
    md_label,
    plural,
    points,
    role_label,
    share,
    signed_share,
    span_text,
    value_unit,
)
from pmo_opt.text import escape_markdown

# the brief prints on two pages whatever the portfolio's size: it tabulates the highest-valued
# few left-out projects and its lists stop at a few names, each saying how many more there are
# and where the rest is (page 03, page 05, plan.xlsx)
LEFT_OUT_ROWS = 3
LIST_NAMES = 4


def board_brief(
    portfolio: Portfolio,
    plan: Plan,
    baseline: Plan | None = None,
    cut: Plan | None = None,
    explanations: pd.DataFrame | None = None,
    advice: Any | None = None,
    facts: Any | None = None,
    asked_above: bool = False,
    left_out: bool = True,
) -> Markdown:
    """The one-page brief: the decision asked, the recommended portfolio, value, spend against
    budget, key risks, what changes under the cut scenario, and the projects the board may ask
    about with why they are out.

    Parameters
    ----------
    plan, baseline
        The recommended plan and rank-and-fill's plan for the same scenario.
    cut
        The plan of a budget-cut scenario (its ``scenario.name`` and ``budget_scale`` are
        quoted).
    explanations
        :func:`explanations_table` rows for the left-out projects the board may ask about.
    advice
        :func:`pmo_opt.analysis.hiring.hiring_advice` for the scenario.
    facts
        The report's :class:`~pmo_opt.analysis.report_facts.ReportFacts`: value, disruption,
        net and the gain are quoted from it, and a re-plan's decision asked is its changes.
    asked_above
        True when the page shows the decision record (:mod:`pmo_opt.present.decision`) above
        the brief: its decision-asked sentence is not repeated, only what it commits.
    left_out
        False when the page shows :func:`left_out_brief` on its own, after the money.
    """
    s = plan.scenario
    horizon = list(plan.horizon)
    lines = [
        f"**Scenario**: {escape_markdown(s.name)} \u00b7 **Period**: {span_text(horizon)} "
        f"({len(horizon)} months)",
        "",
    ]
    if not plan.has_solution:
        lines += ["## The decision asked", "", status_sentence(plan), ""]
        lines += [f"- {escape_markdown(d)}" for d in plan.details.get("diagnosis", [])]
        return as_markdown(lines)
    sel = plan.projects[plan.projects["selected"]]
    new = sel[~sel["status"].isin(DECIDED)]
    lines += _asked_lines(portfolio, plan, sel, new, facts, asked_above)
    lines += ["## Why this portfolio", ""]
    lines.append(f"- **Value score**: {escape_markdown(value_score_sentence(portfolio, s))}")
    lines.append(_value_line(portfolio, plan, baseline, facts))
    if baseline is not None and baseline.has_solution:
        # the same comparison in money (issue 25): true in both currencies or saying why not
        both = compare_in_both(portfolio, plan, baseline, s, "rank-and-fill")
        money = f"- **In stated benefit (money)**: {escape_markdown(both.money)} than rank-and-fill"
        lines.append(money + (f", {escape_markdown(both.reason)}." if both.reason else "."))
    lines.append("- **Confidence**: " + status_sentence(plan))
    decisions = [f"{md_label(portfolio, p)} in" for p in s.force_in] + [
        f"{md_label(portfolio, p)} out" for p in s.force_out
    ]
    if decisions:
        lines.append("- **Board decisions kept**: " + "; ".join(decisions) + ".")
    lines += _mix_lines(portfolio, sel)
    top_new = new.sort_values("value", ascending=False).head(3)
    if len(top_new):
        lines.append(
            "- **Largest new commitments by value**: "
            + "; ".join(f"{md_label(portfolio, p)}" for p in top_new.index)
            + "."
        )
    lines.append("")

    use = budget_use(portfolio, plan)
    lines += ["## Money", "", _budget_line(portfolio, plan, use), ""]
    lines += ["## Key risks", ""]
    lines += _risks(portfolio, plan, use, advice)
    lines.append("")

    if cut is not None:
        cut_by = 1 - cut.scenario.budget_scale / s.budget_scale if s.budget_scale else 0.0
        lines += [f"## If the budget is cut by {cut_by:.0%}", ""]
        lines += _cut_lines(portfolio, plan, cut)
        lines.append("")

    if left_out:
        lines += _left_out_lines(portfolio, plan, explanations)
    return as_markdown(lines)


def _asked_lines(
    portfolio: Portfolio,
    plan: Plan,
    sel: pd.DataFrame,
    new: pd.DataFrame,
    facts: Any | None,
    asked_above: bool,
) -> list[str]:
    """ "The decision asked": the sentence (unless the decision record above says it), the new
    money against what is already committed, and the stated benefit of the selection
    (``sel``: the selected projects, ``new``: those not yet in flight or committed)."""
    decided = sel.drop(new.index)
    lines = ["## The decision asked", ""]
    if facts is not None and facts.settings_note:
        lines += [f"*Note: {escape_markdown(facts.settings_note)}.*", ""]
    if not asked_above:
        lines += [decision_asked(portfolio, plan, facts), ""]
    new_money = float(new["cost"].sum())
    lines += [
        f"- **New money asked for**: {cash(portfolio, new_money)} for the new projects; "
        f"{cash(portfolio, float(decided['cost'].sum()))} is already committed to the work in "
        "flight or committed.",
    ]
    benefit = portfolio.projects["benefit"].reindex(sel.index)
    if benefit.notna().any():
        new_benefit = float(benefit.reindex(new.index).fillna(0.0).sum())
        lines.append(
            f"- **Stated benefit** of the selection: {cash(portfolio, float(benefit.sum()))} "
            f"({cash(portfolio, new_benefit)} from the new projects), as the project cases "
            "state it."
        )
    return [*lines, ""]


def _value_line(portfolio: Portfolio, plan: Plan, baseline: Plan | None, facts: Any | None) -> str:
    """The plan's value and its gain over rank-and-fill: from the report's facts when given."""
    unit = escape_markdown(value_unit(plan.scenario, portfolio))
    if facts is not None:
        line = f"- **Value**: {worth_words(facts, unit).removeprefix('worth ')}"
        if facts.rank_fill is not None and facts.gain is not None:
            line += (
                f", {gain_words(facts.gain)} value than funding projects in priority order until "
                f"the money runs out ({points(facts.rank_fill.value)}), for the same money and "
                "people"
            )
        return line + "."
    if baseline is not None:
        gain = baseline_gain(plan, baseline)
        if gain is not None and baseline.objective is not None:
            return (
                f"- **Value**: {points(plan.objective)} {unit}, {gain_words(gain)} than "
                "funding projects in priority order until the money runs out "
                f"({points(baseline.objective)}), for the same money and people."
            )
    return f"- **Value**: {points(plan.objective)} {unit}."


def _mix_lines(portfolio: Portfolio, sel: pd.DataFrame) -> list[str]:
    """The selection by category: count and cost, the largest few and the rest together."""
    by_cat = sel.groupby("category", dropna=False).agg(n=("value", "size"), cost=("cost", "sum"))
    if len(by_cat) <= 1:
        return []
    by_cat = by_cat.sort_values("cost", ascending=False)
    parts = [
        f"{escape_markdown(c)} {int(r['n'])} ({cash(portfolio, r['cost'])})"
        for c, r in by_cat.head(LIST_NAMES).iterrows()
    ]
    rest = by_cat.iloc[LIST_NAMES:]
    if len(rest):
        parts.append(
            f"{plural(len(rest), 'other category', 'other categories')} "
            f"{int(rest['n'].sum())} ({cash(portfolio, rest['cost'].sum())})"
        )
    return ["- **Mix**: " + "; ".join(parts) + "."]


def _budget_line(portfolio: Portfolio, plan: Plan, use: pd.DataFrame) -> str:
    """Spend against each budget period in one line (a portfolio budgeted by quarter has many)."""
    if not len(use):
        return f"- Spend {cash(portfolio, plan.total_spend)}; no budget limits were given."
    parts = [
        f"{'whole period' if r['period'] == 'total' else escape_markdown(r['period'])}: "
        f"{cash(portfolio, r['spend'])} of {cash(portfolio, r['limit'])} "
        f"({share(r['use'], 1)}; {cash(portfolio, r['left'])} unallocated)"
        for _, r in use.head(LIST_NAMES).iterrows()
    ]
    if len(use) > LIST_NAMES:
        parts.append(
            f"and {plural(len(use) - LIST_NAMES, 'more budget period')} in plan.xlsx (sheet budget)"
        )
    return "- **Budget used**: " + "; ".join(parts) + "."


def left_out_brief(
    portfolio: Portfolio, plan: Plan, explanations: pd.DataFrame | None = None
) -> Markdown:
    """The brief's "Projects left out": the highest-valued few with why and the cheapest way in
    (the page shows it last when ``board_brief(..., left_out=False)``)."""
    return as_markdown(_left_out_lines(portfolio, plan, explanations))


def _left_out_lines(
    portfolio: Portfolio, plan: Plan, explanations: pd.DataFrame | None
) -> list[str]:
    lines: list[str] = []
    left = left_out_table(explanations, plan, portfolio, when=False)
    if len(left):
        # the highest-valued few, with why and the way in: the brief prints on two pages, and
        # every left-out project is on page 03 and in the workbook
        shown = left.head(LEFT_OUT_ROWS)
        lines += ["## Projects left out", ""]
        if len(shown) < len(left):
            lines.append(
                f"The {len(shown)} highest-valued of the {plural(len(left), 'project')} not in "
                "the plan, and why; all of them, with the months the extra people are needed "
                "in, are on page 03 and in plan.xlsx (sheet explanations):"
            )
        else:
            lines.append(f"The {plural(len(left), 'project')} not in the plan, and why:")
        lines += [
            "",
            "| Rank | Project | Value score | Stated benefit | Why it is out | Cheapest way in |",
            "|--:|---|--:|--:|---|---|",
        ]
        for _, r in shown.iterrows():
            lines.append(
                f"| {r['rank'] or '-'} | {escape_markdown(r['project'])} | {r['value']:,.1f} | "
                f"{cash(portfolio, r['benefit'])} | {escape_markdown(r['why_out'])} | "
                f"{escape_markdown(r['way_in']) or '-'} |"
            )
        lines.append("")
    return lines


def decision_asked(portfolio: Portfolio, plan: Plan, facts: Any | None = None) -> str:
    """The decision the board is asked to take, in one Markdown sentence (the brief's and the
    decision record's): the change to the approved plan for a re-plan, else the projects to
    approve, with the spend against the budget."""
    sel = plan.projects[plan.projects["selected"]]
    decided = sel[sel["status"].isin(DECIDED)]
    replan = plan.details.get("replan") if facts is not None and facts.replan else None
    if replan:
        ask = _change_ask(replan, len(sel), len(plan.projects))
    else:
        ask = (
            f"Approve **{len(sel) - len(decided)} new projects** to run alongside the "
            f"{len(decided)} already in flight or committed: "
            f"**{len(sel)} of the {len(plan.projects)} projects**"
        )
    budget = total_budget(portfolio, plan)
    ask += f", **{cash(portfolio, plan.total_spend)}**"
    return ask + (f" of the {cash(portfolio, budget)} budget." if budget else ".")


def _change_ask(replan: dict, funded: int, total: int) -> str:
    """The decision a re-plan asks for: its changes to the approved plan, not the portfolio."""
    enter, leave = len(replan.get("entering", [])), len(replan.get("leaving", []))
    moves = len(replan.get("moving", {}))
    n = enter + leave + moves
    parts = [
        f"{enter} {'enters' if enter == 1 else 'enter'}" if enter else "",
        f"{leave} {'leaves' if leave == 1 else 'leave'}" if leave else "",
        plural(moves, "start") + " moved" if moves else "",
    ]
    gone = replan.get("gone", [])
    done = f"; {plural(len(gone), 'project')} cancelled or complete" if gone else ""
    return (
        f"Approve **{plural(n, 'change')} to the approved plan** ({join_words(parts)}{done}), "
        f'listed under "Since the approved plan"; everything else continues as approved. The '
        f"plan then funds **{funded} of the {total} projects**"
    )


def _risks(portfolio: Portfolio, plan: Plan, use: pd.DataFrame, advice: Any | None) -> list[str]:
    out = []
    if len(use):
        tight = use[use["use"] >= 0.98]
        if len(tight):
            names = [("the whole-period" if p == "total" else p) for p in tight["period"]]
            if len(names) > LIST_NAMES:
                names = names[:LIST_NAMES] + [f"{len(names) - LIST_NAMES} more"]
            out.append(
                "- **No contingency**: "
                + join_words(names)
                + f" {'budget is' if len(tight) == 1 else 'budgets are'} at least 98% allocated;"
                " any overrun pushes a project out or needs new money."
            )
    roles = role_use(plan)
    busy = roles[roles["full_months"] > 0].head(3)
    if len(busy):
        parts = [
            f"{role_label(r)} ({f} of {len(plan.horizon)} months fully booked)"
            for r, f in zip(busy["role"], busy["full_months"], strict=True)
        ]
        out.append(
            "- **Key people**: "
            + join_words(parts)
            + "; losing one of them delays the projects that need them."
        )
    risk = portfolio.projects["risk"].dropna()
    if len(risk) and risk.max() > risk.min():
        sel = plan.projects[plan.projects["selected"]]
        # the top quarter of the rating scale the portfolio uses (4 and 5 on a 1-5 scale)
        high = float(risk.min() + 0.75 * (risk.max() - risk.min()))
        risky = sel[sel["risk"] >= high].sort_values(["risk", "value"], ascending=False)
        if len(risky):
            out.append(
                f"- **Delivery risk**: {plural(len(risky), 'selected project')} "
                f"{'is' if len(risky) == 1 else 'are'} rated {high:g} or more for risk "
                f"(on the portfolio's {risk.min():g}-{risk.max():g} scale), e.g. "
                + join_words([md_label(portfolio, p) for p in risky.index[:2]])
                + "."
            )
    if advice is not None and hiring_pays(advice):
        out.append(
            f"- **Hiring option**: contractors worth {cash(portfolio, float(advice.hires['cost'].sum()))} "
            f"would add {points(advice.value_gain)} {escape_markdown(value_unit(plan.scenario, portfolio))}."
        )
    if plan.status != "optimal":
        out.append("- **Analysis**: " + status_sentence(plan))
    return out or ["- No budget period or role is at its limit."]


def _more_or_less(portfolio: Portfolio, amount: float) -> str:
    """``EUR 5.88M less`` / ``EUR 1.20M more``: a difference in money without a minus sign."""
    return f"{cash(portfolio, abs(amount))} {'less' if amount < 0 else 'more'}"


def _cut_lines(portfolio: Portfolio, plan: Plan, cut: Plan) -> list[str]:
    if not cut.has_solution:
        why = [f"- {escape_markdown(d)}" for d in cut.details.get("diagnosis", [])[:3]]
        if why:  # the status would say "no plan keeps every rule" a second time
            return ["No plan keeps every rule with the cut. What would make it work:", "", *why]
        return [f"With the cut: {status_sentence(cut)}"]
    before, after = set(plan.selected), set(cut.selected)
    leave = sorted(before - after, key=lambda p: -float(plan.projects.at[p, "value"]))
    enter = sorted(after - before, key=lambda p: -float(cut.projects.at[p, "value"]))
    delta = (cut.objective or 0.0) / plan.objective - 1 if plan.objective else np.nan
    benefit = portfolio.projects["benefit"].astype(float)
    cut_benefit = float(benefit.reindex(cut.selected).sum())
    lines = [
        f"With the budget at {cut.scenario.budget_scale:.0%} of today's, the best plan is worth "
        f"{points(cut.objective)} ({signed_share(delta)}) with "
        f"{cash(portfolio, cut_benefit)} of stated benefit "
        f"({_more_or_less(portfolio, cut_benefit - float(benefit.reindex(plan.selected).sum()))} "
        f"than today's plan) and spends {cash(portfolio, cut.total_spend)}.",
        "",
    ]
    if leave:
        lines.append(
            f"- **Would stop**: {plural(len(leave), 'project')}: "
            + "; ".join(md_label(portfolio, p) for p in leave[:LIST_NAMES])
            + (f"; and {len(leave) - LIST_NAMES} more (page 05)" if len(leave) > LIST_NAMES else "")
            + "."
        )
    if enter:
        lines.append(
            "- **Would come in** (cheaper alternatives): "
            + "; ".join(md_label(portfolio, p) for p in enter[:LIST_NAMES])
            + (f"; and {len(enter) - LIST_NAMES} more" if len(enter) > LIST_NAMES else "")
            + "."
        )
    moved = [
        p for p in before & after if plan.projects.at[p, "start"] != cut.projects.at[p, "start"]
    ]
    if moved:
        lines.append(f"- **Would move**: {plural(len(moved), 'project')} start at another month.")
    if cut.status != "optimal":
        lines.append("- " + status_sentence(cut))
    return lines


__all__ = ["board_brief", "left_out_brief"]
