"""Scenarios side by side: which projects enter or leave, value, spend per period, utilisation.

The first scenario is the baseline every other one is compared with. Each scenario is one solve
of the engine (:func:`pmo_opt.engine.optimise.optimise`) with one solver thread, run as an independent
task of a sweep (:mod:`pmo_opt.analysis.sweep`) on local processes or a Dask cluster, with the same
results either way; the tables are tidy (one row per scenario and project / period / role) so that
notebooks can pivot or chart them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pmo_opt.analysis.diagnose import with_diagnosis
from pmo_opt.analysis.sweep import for_sweep, map_ordered, solve_task
from pmo_opt.engine.objective import check_decisions
from pmo_opt.engine.plan import Plan
from pmo_opt.errors import InputError, Problem
from pmo_opt.inputs import months
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import Scenario, load_scenario


@dataclass(frozen=True)
class ScenarioComparison:
    """Plans for several scenarios and the tables that compare them.

    Attributes
    ----------
    plans : scenario name -> plan, in the order given (the first is the baseline).
    summary : per scenario: ``scenario``, ``status``, ``gap``, ``objective``, ``value``,
        ``benefit`` (the stated benefit of its selection, money), ``spend``, ``selected``, ``hired_fte_months``, ``entering``, ``leaving``,
        ``solve_seconds``.
    changes : projects whose selection differs from the baseline: ``scenario``,
        ``project_id``, ``name``, ``change`` (``enters`` | ``leaves``), ``value``.
    selection : per scenario and project: ``selected``, ``start``, ``finish``.
    spend : per scenario and budget period (calendar quarters when there is no budget table):
        ``period``, ``spend``, ``limit``, ``use``.
    utilisation : per scenario and role: ``demand_fte_months``, ``capacity_fte_months``,
        ``hired_fte_months``, ``utilisation`` (demand / (capacity + hired) over the horizon),
        ``peak`` (the highest month), ``peak_month``.
    """

    plans: dict[str, Plan]
    summary: pd.DataFrame
    changes: pd.DataFrame
    selection: pd.DataFrame
    spend: pd.DataFrame
    utilisation: pd.DataFrame

    @property
    def baseline(self) -> str:
        return next(iter(self.plans))

    def selection_matrix(self) -> pd.DataFrame:
        """Projects x scenarios, 1 when selected (for a heat map)."""
        return (
            self.selection.pivot(index="project_id", columns="scenario", values="selected")
            .astype(int)
            .reindex(columns=list(self.plans))
        )


def load_scenarios(paths: Iterable[str | Path]) -> dict[str, Scenario]:
    """Scenario YAML files by name (the ``name`` field, else the file name).

    A name that repeats gets ``-2``, ``-3`` ... so that no scenario hides another.
    """
    out: dict[str, Scenario] = {}
    for path in paths:
        scenario = load_scenario(path)
        name, n = scenario.name, 2
        while name in out:
            name, n = f"{scenario.name}-{n}", n + 1
        out[name] = scenario
    if not out:
        raise InputError([Problem("scenarios", None, None, "no scenario files given")])
    return out


def _named(scenarios: Mapping[str, Scenario] | Sequence[Scenario]) -> dict[str, Scenario]:
    if isinstance(scenarios, Mapping):
        return dict(scenarios)
    out: dict[str, Scenario] = {}
    for s in scenarios:
        name, n = s.name, 2
        while name in out:
            name, n = f"{s.name}-{n}", n + 1
        out[name] = s
    return out


def _quarter(month: str) -> str:
    y, m = month.split("-")
    return f"{y}-Q{(int(m) - 1) // 3 + 1}"


def _spend_rows(name: str, portfolio: Portfolio, scenario: Scenario, plan: Plan) -> list[dict]:
    spend = plan.spend.set_index("month")["total"] if plan.has_solution else pd.Series(dtype=float)
    horizon = list(plan.horizon)
    rows = []
    if len(portfolio.budget):
        for period, amount in zip(
            portfolio.budget["period"], portfolio.budget["amount"], strict=True
        ):
            covered = months.period_months(period)
            ms = horizon if covered is None else [m for m in covered if m in set(horizon)]
            if not ms:
                continue
            used = float(spend.reindex(ms).fillna(0.0).sum())
            limit = float(amount) * scenario.budget_scale
            rows.append(
                {
                    "scenario": name,
                    "period": period,
                    "spend": used,
                    "limit": limit,
                    "use": used / limit if limit > 0 else np.nan,
                }
            )
        return rows
    for q in dict.fromkeys(_quarter(m) for m in horizon):
        ms = [m for m in horizon if _quarter(m) == q]
        used = float(spend.reindex(ms).fillna(0.0).sum())
        rows.append({"scenario": name, "period": q, "spend": used, "limit": np.nan, "use": np.nan})
    return rows


def _utilisation_rows(name: str, plan: Plan) -> list[dict]:
    load = plan.load.copy()
    load["room"] = load["capacity_fte"] + load["hired_fte"]
    load["use"] = load["demand_fte"] / load["room"].where(load["room"] > 0)
    rows = []
    for role, g in load.groupby("role", sort=True):
        room = float(g["room"].sum())
        peak_at = g["use"].idxmax() if g["use"].notna().any() else None
        rows.append(
            {
                "scenario": name,
                "role": role,
                "demand_fte_months": float(g["demand_fte"].sum()),
                "capacity_fte_months": float(g["capacity_fte"].sum()),
                "hired_fte_months": float(g["hired_fte"].sum()),
                "utilisation": float(g["demand_fte"].sum()) / room if room > 0 else np.nan,
                "peak": float(g.at[peak_at, "use"]) if peak_at is not None else np.nan,
                "peak_month": g.at[peak_at, "month"] if peak_at is not None else None,
            }
        )
    return rows


def compare_scenarios(
    portfolio: Portfolio,
    scenarios: Mapping[str, Scenario] | Sequence[Scenario],
    *,
    progress: bool = False,
    workers: int | None = None,
    scheduler: str | None = None,
    given: Mapping[str, Plan] | None = None,
) -> ScenarioComparison:
    """Solve every scenario and compare each with the first (the baseline).

    Parameters
    ----------
    portfolio
        The portfolio all scenarios share.
    scenarios
        ``{name: Scenario}`` or a list (named by their ``name``, repeats numbered); the first
        is the baseline.
    progress
        Show a progress bar.
    workers
        Local processes to solve the scenarios on (``None`` = all cores); each solve uses one
        solver thread, so the results are the same for any number.
    scheduler
        A Dask scheduler address (``tcp://10.0.0.5:8786``) to solve them on a cluster instead;
        ``None`` = the first ``scheduler`` setting among the scenarios, ``""`` = local processes.
    given
        Plans already solved, by scenario name (a report's one plan): used as they are, not
        solved again, so that the comparison shows the plan the other pages show.

    Returns
    -------
    ScenarioComparison
        See its attributes; each plan was solved for its scenario with one solver thread
        (:func:`pmo_opt.analysis.sweep.for_sweep`).
    """
    named = _named(scenarios)
    if not named:
        raise InputError([Problem("scenarios", None, None, "no scenarios to compare")])
    for scenario in named.values():
        check_decisions(portfolio, scenario)  # here: an InputError from a worker loses its problems
    if scheduler is None:
        scheduler = next((s.scheduler for s in named.values() if s.scheduler), None)
    given = dict(given or {})
    to_solve = [name for name in named if name not in given]
    solved = map_ordered(
        solve_task,
        [(portfolio, for_sweep(named[name])) for name in to_solve],
        workers=workers,
        scheduler=scheduler,
        progress=progress,
        desc="scenarios",
    )
    given.update(zip(to_solve, solved, strict=True))
    # a scenario with no plan says why, in the diagnosis's words (which budget, role, project)
    plans: dict[str, Plan] = {
        name: with_diagnosis(portfolio, for_sweep(named[name]), given[name]) for name in named
    }
    base_name = next(iter(plans))
    base = set(plans[base_name].selected)
    pr = portfolio.projects
    summary, changes, selection, spend, util = [], [], [], [], []
    for name, plan in plans.items():
        chosen = set(plan.selected)
        enters = sorted(chosen - base) if plan.has_solution else []
        leaves = sorted(base - chosen) if plan.has_solution else []
        summary.append(
            {
                "scenario": name,
                "status": plan.status,
                "gap": plan.gap,
                "objective": plan.objective,
                "value": plan.total_value if plan.has_solution else np.nan,
                "benefit": float(pr["benefit"].reindex(plan.selected).sum())
                if plan.has_solution
                else np.nan,
                "spend": plan.total_spend if plan.has_solution else np.nan,
                "selected": len(chosen),
                "hired_fte_months": float(plan.hires["fte"].sum()) if len(plan.hires) else 0.0,
                "entering": len(enters),
                "leaving": len(leaves),
                "solve_seconds": plan.solve_seconds,
            }
        )
        for change, ids in (("enters", enters), ("leaves", leaves)):
            for p in ids:
                changes.append(
                    {
                        "scenario": name,
                        "project_id": p,
                        "name": pr.at[p, "name"],
                        "change": change,
                        "value": float(plan.projects.at[p, "value"]),
                    }
                )
        t = plan.projects.reset_index()[["project_id", "selected", "start", "finish"]]
        selection.append(t.assign(scenario=name))
        spend += _spend_rows(name, portfolio, named[name], plan)
        util += _utilisation_rows(name, plan)
    selection_df = pd.concat(selection, ignore_index=True)[
        ["scenario", "project_id", "selected", "start", "finish"]
    ]
    changes_df = pd.DataFrame(
        changes, columns=["scenario", "project_id", "name", "change", "value"]
    )
    return ScenarioComparison(
        plans=plans,
        summary=pd.DataFrame(summary),
        changes=changes_df,
        selection=selection_df,
        spend=pd.DataFrame(spend, columns=["scenario", "period", "spend", "limit", "use"]),
        utilisation=pd.DataFrame(util),
    )
