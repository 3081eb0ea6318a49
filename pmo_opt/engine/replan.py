"""What a plan changes against its baseline, and what that costs (docs/model.md rules 11-13).

Both engines put the same penalties in their objectives; this module evaluates them on a
finished plan, so that a plan's ``objective`` is value minus penalties whichever engine made it,
and ``plan.details["replan"]`` reports value and penalties apart.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from pmo_opt.engine.plan import Plan, make_plan
from pmo_opt.inputs import months
from pmo_opt.inputs.baseline import Baseline, baseline_of
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import Scenario


def penalised(scenario: Scenario) -> bool:
    """Whether the objective carries re-planning penalties (never under ``makespan``)."""
    return scenario.baseline is not None and scenario.objective != "makespan"


def replan_facts(plan: Plan, baseline: Baseline, scenario: Scenario) -> dict:
    """Changes against ``baseline``: counts, penalty totals and the ids entering, leaving, moving.

    A change is a project of the portfolio whose selection differs from the baseline (a new
    proposal that is selected enters); a move is a project selected in both whose start
    differs, by ``|s - s_baseline|`` months (work in flight has the horizon start as baseline).
    """
    h0 = months.to_ordinal(plan.horizon[0]) if plan.horizon else 0
    entering, leaving, moving = [], [], {}
    for p, sel, start in zip(
        plan.projects.index, plan.projects["selected"], plan.projects["start"], strict=True
    ):
        was = baseline.selected(p)
        if bool(sel) and not was:
            entering.append(p)
        elif was and not sel:
            leaving.append(p)
        elif was and sel:
            moved = abs(months.to_ordinal(start) - h0 - baseline.start_index(p))
            if moved:
                moving[p] = int(moved)
    changes = len(entering) + len(leaving)
    months_moved = int(sum(moving.values()))
    change_pen = scenario.change_penalty * changes
    move_pen = scenario.move_penalty * months_moved
    value = plan.total_value
    return {
        "baseline": scenario.baseline,
        "as_of": baseline.horizon_start,
        "value": round(value, 6),
        "changes": changes,
        "months_moved": months_moved,
        "change_penalty": round(change_pen, 6),
        "move_penalty": round(move_pen, 6),
        "penalty": round(change_pen + move_pen, 6),
        "entering": sorted(entering),
        "leaving": sorted(leaving),
        "moving": {p: moving[p] for p in sorted(moving)},
        "gone": list(baseline.gone),
        "in_flight": sorted(baseline.table.index[baseline.table["in_flight"]]),
        "frozen": sorted(baseline.frozen),
    }


def penalty_of(plan: Plan, portfolio: Portfolio, scenario: Scenario) -> float:
    """The re-planning penalty of ``plan`` (0 without a baseline, or under ``makespan``)."""
    baseline = baseline_of(portfolio, scenario) if penalised(scenario) else None
    if baseline is None:
        return 0.0
    facts = replan_facts(plan, baseline, scenario)
    return float(facts["change_penalty"] + facts["move_penalty"])


def with_replan(plan: Plan, portfolio: Portfolio, scenario: Scenario) -> Plan:
    """``plan`` with ``details["replan"]`` filled in when the scenario has a baseline."""
    baseline = baseline_of(portfolio, scenario)
    if baseline is None or not plan.has_solution:
        return plan
    return replace(plan, details={**plan.details, "replan": replan_facts(plan, baseline, scenario)})


def baseline_plan(
    portfolio: Portfolio, scenario: Scenario, horizon: list[str], values: pd.Series | None = None
) -> Plan | None:
    """The baseline itself as a plan of the re-planned portfolio (work in flight at the horizon
    start), or ``None`` without a baseline. Whether it is still feasible is the checker's to say."""
    baseline = baseline_of(portfolio, scenario)
    if baseline is None:
        return None
    starts = {
        p: baseline.table.at[p, "start"]
        for p in baseline.table.index
        if baseline.selected(p) and p in portfolio.projects.index
    }
    return make_plan(portfolio, scenario, horizon, starts, values=values, status="feasible")
