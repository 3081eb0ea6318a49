"""Re-planning against an approved plan: what re-optimising buys against keeping the plan, and
the stability frontier (value against the number of changes from the baseline).

Every point is an independent solve of a sweep (:mod:`pmo_opt.analysis.sweep`), so the tables
are the same on any number of local processes. A cluster's workers must be able to read the
baseline ``plan.csv`` at the same path.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pmo_opt.analysis.sweep import for_sweep, map_ordered, solve_task
from pmo_opt.engine.check import check_plan
from pmo_opt.engine.objective import objective_of
from pmo_opt.engine.optimise import optimise
from pmo_opt.engine.plan import Plan
from pmo_opt.engine.problem import build_problem
from pmo_opt.engine.replan import baseline_plan, replan_facts
from pmo_opt.errors import InputError, Problem
from pmo_opt.inputs.baseline import next_cycle, read_baseline, replan_inputs
from pmo_opt.inputs.load import load_portfolio
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import Scenario

STABILITY_COLUMNS = [
    "max_changes",
    "changes",
    "value",
    "objective",
    "months_moved",
    "entering",
    "leaving",
    "status",
    "gap",
    "marginal_value",
]
COMPARISON_COLUMNS = [
    "plan",
    "value",
    "changes",
    "months_moved",
    "penalty",
    "objective",
    "selected",
    "breaks_rules",
    "status",
]
#: at most this many points when the change counts are not given
MAX_POINTS = 16


def _need_baseline(scenario: Scenario) -> None:
    if scenario.baseline is None:
        raise InputError(
            [
                Problem(
                    "scenario",
                    None,
                    "baseline",
                    "a stability frontier needs a baseline plan: set baseline to a plan.csv "
                    "(e.g. --set baseline=out/plan.csv)",
                )
            ]
        )
    if scenario.objective == "makespan":
        raise InputError(
            [Problem("scenario", None, "objective", "a stability frontier needs a value objective")]
        )


def stability_frontier(
    portfolio: Portfolio,
    scenario: Scenario,
    changes: Sequence[int] | None = None,
    *,
    progress: bool = False,
    workers: int | None = None,
    scheduler: str | None = None,
) -> pd.DataFrame:
    """Value against the number of changes from the baseline: one solve per ``max_changes = k``.

    Parameters
    ----------
    portfolio, scenario
        The inputs; the scenario needs a ``baseline``. It is rolled forward to ``as_of``
        (:func:`~pmo_opt.inputs.baseline.replan_inputs`). The change penalty is replaced by the
        limit ``changes <= k``; the move penalty and ``freeze`` stay.
    changes
        The limits ``k`` to solve; default ``0 .. K``, ``K`` the changes of the unlimited
        re-plan, at most :data:`MAX_POINTS` evenly spread points.
    progress, workers, scheduler
        As for every sweep (:func:`pmo_opt.analysis.sweep.map_ordered`).

    Returns
    -------
    DataFrame
        :data:`STABILITY_COLUMNS`, one row per limit ``k``: the plan's value, objective (value
        minus the move penalty), changes actually made, months moved, the ids entering and
        leaving (comma-separated), status and gap, and ``marginal_value`` (value bought per
        additional change against the previous row).
    """
    _need_baseline(scenario)
    portfolio, scenario = replan_inputs(portfolio, scenario)
    one = for_sweep(scenario).replace(change_penalty=0.0)
    if changes is None:
        free = solve_task((portfolio, one.replace(max_changes=None)))
        top = free.details.get("replan", {}).get("changes", 0) if free.has_solution else 0
        grid = sorted({int(round(k)) for k in np.linspace(0, top, min(top + 1, MAX_POINTS))})
    else:
        grid = sorted({int(k) for k in changes if int(k) >= 0})
    at = [one.replace(max_changes=k) for k in grid]
    plans = map_ordered(
        solve_task,
        [(portfolio, a) for a in at],
        progress=progress,
        desc="stability",
        workers=workers,
        scheduler=scenario.scheduler if scheduler is None else scheduler,
    )
    rows = []
    for k, plan in zip(grid, plans, strict=True):
        facts = plan.details.get("replan", {}) if plan.has_solution else {}
        rows.append(
            {
                "max_changes": k,
                "changes": facts.get("changes"),
                "value": plan.total_value if plan.has_solution else np.nan,
                "objective": plan.objective if plan.has_solution else np.nan,
                "months_moved": facts.get("months_moved"),
                "entering": ", ".join(facts.get("entering", [])),
                "leaving": ", ".join(facts.get("leaving", [])),
                "status": plan.status,
                "gap": plan.gap,
            }
        )
    table = pd.DataFrame(rows, columns=STABILITY_COLUMNS[:-1])
    step = table["changes"].astype(float).diff()
    gain = table["value"].diff()
    table["marginal_value"] = (gain / step.where(step > 0)).astype(float)
    return table[STABILITY_COLUMNS]


def fresh_scenario(scenario: Scenario) -> Scenario:
    """The same settings with no baseline: a fresh optimisation of the re-planned portfolio
    (same horizon; work in flight stays in flight)."""
    return scenario.replace(
        baseline=None,
        as_of=None,
        change_penalty=0.0,
        move_penalty=0.0,
        freeze=(),
        max_changes=None,
        horizon_start=resolve_horizon_start(scenario),
    )


def resolve_horizon_start(scenario: Scenario) -> str | None:
    return scenario.horizon_start or scenario.as_of


def approve_first(
    portfolio: Portfolio, scenario: Scenario, folder: str | Path
) -> tuple[Plan, Path]:
    """The plan of an earlier cycle, as the board approved it: ``portfolio`` (that cycle's data)
    optimised under ``scenario`` without any re-planning settings, written as
    ``folder/plan.csv`` (the file a re-plan's ``baseline`` names).

    Returns
    -------
    (Plan, Path)
        The plan and the path of its ``plan.csv``.
    """
    plain = scenario.replace(
        baseline=None,
        as_of=None,
        change_penalty=0.0,
        move_penalty=0.0,
        freeze=(),
        max_changes=None,
        horizon_start=None,
        horizon_months=None,
    )
    plan = optimise(portfolio, plain)
    plan.write(folder)
    return plan, Path(folder) / "plan.csv"


def _row(name: str, plan: Plan, portfolio: Portfolio, scenario: Scenario) -> dict:
    baseline = build_problem(portfolio, scenario).baseline
    facts = replan_facts(plan, baseline, scenario) if plan.has_solution else {}
    broken = len(check_plan(portfolio, plan.scenario, plan)) if plan.has_solution else np.nan
    value = plan.total_value if plan.has_solution else np.nan
    objective = objective_of(plan, portfolio, scenario) if plan.has_solution else np.nan
    return {
        "plan": name,
        "value": value,
        "changes": facts.get("changes"),
        "months_moved": facts.get("months_moved"),
        "penalty": facts.get("penalty"),
        "objective": objective,
        "selected": len(plan.selected),
        "breaks_rules": broken,
        "status": plan.status,
    }


def replan_comparison(
    portfolio: Portfolio, scenario: Scenario, replan: Plan, fresh: Plan
) -> pd.DataFrame:
    """Keeping the approved plan against re-planning against it and a fresh optimisation.

    Parameters
    ----------
    portfolio, scenario
        The re-planned inputs (after :func:`~pmo_opt.inputs.baseline.replan_inputs`).
    replan
        The plan solved under ``scenario`` (with its penalties).
    fresh
        The plan solved with no baseline (the same portfolio and settings otherwise).

    Returns
    -------
    DataFrame
        :data:`COMPARISON_COLUMNS`, three rows: ``keep`` (the approved plan as it stands on the
        new data; ``breaks_rules`` counts the rules it now breaks, e.g. a budget cut or a
        leaver), ``replan`` and ``fresh``; changes, moves and penalties all against the baseline
        and at the scenario's penalties.
    """
    _need_baseline(scenario)
    problem = build_problem(portfolio, scenario)
    keep = baseline_plan(portfolio, scenario, problem.horizon, problem.values)
    rows = [
        _row("keep", keep, portfolio, scenario),
        _row("replan", replan, portfolio, scenario),
        _row("fresh", fresh, portfolio, scenario),
    ]
    return pd.DataFrame(rows, columns=COMPARISON_COLUMNS)


@dataclass(frozen=True)
class ReplanCycle:
    """One planning cycle: the approved plan, the re-plan against it and a fresh optimisation.

    Attributes
    ----------
    portfolio, scenario : the re-planned inputs (rolled forward to ``as_of``; the scenario's
        ``baseline`` is the approved ``plan.csv``).
    approved : the approved plan when this run made it (``None`` when ``baseline`` was given).
    approved_table : the approved ``plan.csv`` as read (:func:`read_baseline`).
    plan : the re-plan; ``details["replan"]`` says what changes.
    fresh : the same portfolio optimised with no baseline.
    comparison : :func:`replan_comparison` of keep, re-plan and fresh.
    """

    portfolio: Portfolio
    scenario: Scenario
    approved: Plan | None
    approved_table: pd.DataFrame
    plan: Plan
    fresh: Plan
    comparison: pd.DataFrame

    @property
    def facts(self) -> dict:
        """``plan.details["replan"]``; empty when the re-plan has no solution."""
        return self.plan.details.get("replan", {})

    @property
    def changes(self) -> int | None:
        """The re-plan's number of selection changes (``None`` without a plan)."""
        return self.facts.get("changes")


def replan_cycle(
    portfolio: Portfolio,
    scenario: Scenario,
    portfolio_path: str | Path | None = None,
    folder: str | Path | None = None,
) -> ReplanCycle:
    """One planning cycle from a notebook's inputs.

    With ``scenario.baseline``: re-plan ``portfolio`` against it. Without one, the optimal plan
    of ``portfolio`` is approved now (written as ``folder/approved/plan.csv``, a temporary folder
    when ``folder`` is ``None``) and the re-plan runs on the portfolio's next cycle when one is
    stored beside it (:func:`~pmo_opt.inputs.baseline.next_cycle`: ``data/sample-2027-04`` for
    ``data/sample``, ``as_of`` its month unless the scenario sets one), else on ``portfolio``
    itself (unchanged data: the re-plan returns the approved plan).
    """
    approved = None
    if scenario.baseline is None:
        later = next_cycle(portfolio_path) if portfolio_path is not None else None
        where = (
            Path(folder) / "approved"
            if folder is not None
            else Path(tempfile.mkdtemp(prefix="pmo-opt-approved-"))
        )
        approved, path = approve_first(portfolio, scenario, where)
        scenario = scenario.replace(baseline=str(path))
        if later is not None:
            portfolio = load_portfolio(later[0])
            scenario = scenario.replace(as_of=scenario.as_of or later[1])
    portfolio, scenario = replan_inputs(portfolio, scenario)
    plan = optimise(portfolio, scenario)
    fresh = optimise(portfolio, fresh_scenario(scenario))
    table = read_baseline(scenario.baseline)
    comparison = replan_comparison(portfolio, scenario, plan, fresh)
    return ReplanCycle(portfolio, scenario, approved, table, plan, fresh, comparison)
