"""The scenarios a notebook solves besides its own: the frontier's budget levels, the budget
cut, the scenarios to compare, and the what-if tolerance."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pmo_opt import paths
from pmo_opt.engine.plan import Plan
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import Scenario

#: what-if re-solves whose exact optimum matters less (frontier points other than today's, the
#: plan with hiring) stop once proven within this relative gap (or the scenario's own, when
#: larger): each one is a full MILP and a report runs several
ANALYSIS_GAP = 0.02


#: frontier budget levels, as multiples of the scenario's own budget scale
FRONTIER_SCALES = (0.8, 0.9, 1.0, 1.1, 1.2)


#: the board brief's "if the budget is cut" scenario: this share of the scenario's budget
CUT_FACTOR = 0.8


def analysis_scenario(scenario: Scenario) -> Scenario:
    """``scenario`` with the what-if tolerance (:data:`ANALYSIS_GAP`) for frontier and why-not."""
    return scenario.replace(mip_gap=max(scenario.mip_gap, ANALYSIS_GAP))


def frontier_scales(scenario: Scenario) -> list[float]:
    """The frontier's budget scales: :data:`FRONTIER_SCALES` times the scenario's own."""
    return [round(scenario.budget_scale * f, 9) for f in FRONTIER_SCALES]


def budget_frontier(portfolio: Portfolio, scenario: Scenario, plan: Plan) -> pd.DataFrame:
    """The efficient frontier around today's budget (:func:`frontier_scales`), with today's point
    being ``plan`` itself, so that the curve and the selection agree; the other points are
    re-solved with :func:`analysis_scenario` (:func:`pmo_opt.analysis.frontier.frontier_table` columns)."""
    from pmo_opt.analysis.frontier import frontier_plans, frontier_table

    others = [x for x in frontier_scales(scenario) if abs(x - scenario.budget_scale) > 1e-9]
    solved = frontier_plans(portfolio, analysis_scenario(scenario), scales=others)
    solved = [(at, p) for at, p in solved if abs(at.budget_scale - scenario.budget_scale) > 1e-9]
    points = sorted([*solved, (scenario, plan)], key=lambda item: item[0].budget_scale)
    return frontier_table(portfolio, scenario, points)


def cut_scenario(scenario: Scenario, factor: float = CUT_FACTOR) -> Scenario:
    """``scenario`` with every budget figure at ``factor`` of its value (the board's "what if
    the budget is cut"), under the same solver settings."""
    return scenario.replace(
        name=f"{scenario.name}, budget cut {1 - factor:.0%}",
        budget_scale=scenario.budget_scale * factor,
    )


def scenarios_to_compare(scenario: Scenario, folder: str | Path | None = None) -> dict:
    """This run's scenario first, then every ``*.yaml`` in ``folder`` (default
    ``data/scenarios/``; ``baseline.yaml`` first, the rest by name), skipping a file whose
    scenario has this run's name. Every scenario is solved with this run's solver settings
    (solver, time limit, gap, threads), so that the comparison is like for like; in a re-plan
    (this scenario has a baseline) every other scenario is asked the same question: it is
    re-planned from the same month against the same approved plan, at the same prices for
    changes, unless it names a baseline of its own. A scenario file written for the first
    quarter would otherwise be solved on a portfolio already rolled forward to ``as_of`` and
    find no plan."""
    from pmo_opt.analysis.compare import load_scenarios

    folder = Path(folder) if folder is not None else paths.SCENARIOS_DIR
    files = sorted(folder.glob("*.yaml"), key=lambda f: (f.stem != "baseline", f.name))
    solver = {k: getattr(scenario, k) for k in ("solver", "time_limit_s", "mip_gap", "threads")}
    frame = {}
    if scenario.baseline is not None:
        keys = ("baseline", "as_of", "horizon_start", "change_penalty", "move_penalty", "freeze")
        frame = {k: getattr(scenario, k) for k in keys}
    out = {scenario.name: scenario}
    for name, other in load_scenarios(files).items():
        if name in out:
            continue
        out[name] = other.replace(**solver, **(frame if other.baseline is None else {}))
    return out


__all__ = [
    "ANALYSIS_GAP",
    "CUT_FACTOR",
    "FRONTIER_SCALES",
    "analysis_scenario",
    "budget_frontier",
    "cut_scenario",
    "frontier_scales",
    "scenarios_to_compare",
]
