"""The trade-off between the two currencies of value: for a few levels of stated benefit, the plan
that is best in value score (an epsilon-constraint frontier computed by the engine).

Each point is an exact solve of the engine's MILP under the scenario's rules with one more row,
``Scenario.min_benefit`` (:func:`pmo_opt.engine.model.add_benefit_floor`): maximise the value
score subject to the selected projects stating at least that much benefit. The ends are the value
plan (no floor) and the plan of most stated benefit (``objective=benefit``), so the board sees
what each further unit of money costs in score. Every point starts from the plan of most benefit,
which meets every floor, and the same input gives the same points.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmo_opt.engine.objective import project_values
from pmo_opt.engine.optimise import optimise
from pmo_opt.engine.plan import Plan
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import Scenario

TRADE_OFF_COLUMNS = [
    "point",
    "min_benefit",
    "value_score",
    "benefit",
    "selected",
    "status",
    "score_given_up",
    "benefit_gained",
    "benefit_per_point",
]


def plan_score_and_benefit(
    portfolio: Portfolio, plan: Plan, scenario: Scenario
) -> tuple[float, float]:
    """(value score, stated benefit) of ``plan``'s selection, the score as the ``value`` objective
    under ``scenario``'s scoring counts it, whatever objective the plan was made for."""
    scores = project_values(portfolio, scenario.replace(objective="value"))
    sel = plan.selected
    return float(scores.reindex(sel).sum()), float(portfolio.projects.loc[sel, "benefit"].sum())


def score_benefit_frontier(
    portfolio: Portfolio,
    scenario: Scenario,
    value_plan: Plan | None = None,
    levels: int = 3,
) -> tuple[pd.DataFrame, Plan]:
    """The best value score at ``levels`` evenly spaced floors of stated benefit between the
    value plan's benefit and the most the rules allow, with both ends.

    Parameters
    ----------
    portfolio, scenario
        The inputs; ``scenario`` should have ``objective=value`` (its scoring, budget, capacity
        and board decisions apply to every point; its ``min_benefit`` is replaced).
    value_plan
        The scenario's plan, when the caller has it (it is the first point); solved when ``None``.
    levels
        Floors strictly between the two ends.

    Returns
    -------
    (DataFrame, Plan)
        :data:`TRADE_OFF_COLUMNS`, one row per point from the value plan to the plan of most
        benefit (``score_given_up``, ``benefit_gained`` against the value plan;
        ``benefit_per_point`` their ratio), and the ``objective=benefit`` plan itself.
    """
    base = scenario.replace(objective="value", min_benefit=None)
    if value_plan is None:
        value_plan = optimise(portfolio, base)
    benefit_plan = optimise(portfolio, base.replace(objective="benefit"))
    points: list[tuple[str, float | None, Plan]] = [("Best value score", None, value_plan)]
    low = plan_score_and_benefit(portfolio, value_plan, base)[1]
    high = plan_score_and_benefit(portfolio, benefit_plan, base)[1]
    floors = np.linspace(low, high, levels + 2)[1:-1] if high > low + 1 else []
    for floor in floors:
        floor = float(np.floor(floor))  # whole currency units: the row is not lost to rounding
        plan = optimise(portfolio, base.replace(min_benefit=floor), warm_start=benefit_plan)
        points.append((f"At least {floor:,.0f} stated benefit", floor, plan))
    if high > low + 1:
        top = optimise(portfolio, base.replace(min_benefit=float(np.floor(high))), benefit_plan)
        points.append(("Most stated benefit, best score", float(np.floor(high)), top))
    rows = []
    for name, floor, plan in points:
        score, benefit = plan_score_and_benefit(portfolio, plan, base)
        rows.append([name, floor, score, benefit, len(plan.selected), plan.status])
    table = pd.DataFrame(rows, columns=TRADE_OFF_COLUMNS[:6])
    first = table.iloc[0]
    table["score_given_up"] = first["value_score"] - table["value_score"]
    table["benefit_gained"] = table["benefit"] - first["benefit"]
    table["benefit_per_point"] = table["benefit_gained"] / table["score_given_up"].where(
        table["score_given_up"] > 1e-9
    )
    return table[TRADE_OFF_COLUMNS], benefit_plan
