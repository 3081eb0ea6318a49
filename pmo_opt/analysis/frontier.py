"""Efficient frontiers: portfolio value against budget (and against a risk cap).

Each point is an exact re-solve of the engine's MILP at one ``budget_scale``. The points are
independent tasks of a sweep (:mod:`pmo_opt.analysis.sweep`): they run in parallel on local processes or
on a Dask cluster, each with one solver thread and the engine's own deterministic start (the
rank-and-fill plan), never a neighbour's plan, so that no point depends on which worker solved
which other point and the frontier is the same for any number of workers.

The frontier is monotone by construction: a cheaper point's plan keeps every rule at a higher
budget (only the budget rows grow), so each point is the best of its own solve and every cheaper
point's plan (:func:`monotone_plans`). A point's own solve can come out below a cheaper one when
it stopped at its time limit or within its gap tolerance; it then shows the cheaper plan, keeps
its own bound and status, and says so in the ``note`` column.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
import pandas as pd

from pmo_opt.analysis.sweep import executor, for_sweep, map_ordered, solve_task
from pmo_opt.engine.objective import check_decisions, relative_gap
from pmo_opt.engine.optimise import optimise
from pmo_opt.engine.plan import Plan
from pmo_opt.engine.problem import build_problem
from pmo_opt.errors import InputError, Problem
from pmo_opt.inputs import months
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import Scenario

FRONTIER_COLUMNS = [
    "budget_scale",
    "budget",
    "value",
    "spend",
    "selected",
    "status",
    "gap",
    "solve_seconds",
    "marginal_value",
    "knee",
    "is_current",
    "note",
]
_LEVELS = ("total", "year", "quarter", "month")


def _level(period: str) -> str:
    if period == "total":
        return "total"
    if len(period) == 4:
        return "year"
    return "quarter" if "Q" in period else "month"


def budget_reference(portfolio: Portfolio, horizon: Sequence[str]) -> float:
    """The money the budget table allows over the horizon at ``budget_scale = 1``.

    Per level (total, years, quarters, months), the sum over its periods that touch the horizon
    of the smallest amount given for that period; the smallest such sum among the levels that
    cover every horizon month (a level that leaves months uncovered does not limit them). When
    no level covers the whole horizon, the level covering most months. 0 without a budget.
    """
    budget = portfolio.budget
    if not len(budget):
        return 0.0
    inside = set(horizon)
    sums: dict[str, tuple[float, int]] = {}
    for level in _LEVELS:
        rows = budget[budget["period"].map(_level) == level]
        covered: set[str] = set()
        total = 0.0
        for period, amount in rows.groupby("period")["amount"].min().items():
            ms = months.period_months(period)
            ms = list(inside) if ms is None else [m for m in ms if m in inside]
            if ms:
                covered |= set(ms)
                total += float(amount)
        if covered:
            sums[level] = (total, len(covered))
    full = [total for total, n in sums.values() if n == len(inside)]
    if full:
        return min(full)
    return max(sums.values(), key=lambda tn: tn[1])[0] if sums else 0.0


def _period_spend(plan: Plan, period: str) -> float:
    spend = plan.spend.set_index("month")["total"]
    covered = months.period_months(period)
    return float(spend.sum() if covered is None else spend.reindex(covered).fillna(0.0).sum())


def unconstrained_scale(portfolio: Portfolio, scenario: Scenario) -> tuple[float, Plan]:
    """The budget scale from which no budget row binds, and the plan with unlimited money.

    Solves once without the budget table; the scale is the largest ratio of that plan's spend
    in a budget period to the period's amount (rows with amount 0 that the plan spends in can
    never be met by scaling and are left out). At that scale the unlimited plan fits, so the
    frontier reaches its top value there.
    """
    free = dataclasses.replace(portfolio, budget=portfolio.budget.iloc[0:0])
    top = optimise(free, scenario)
    if not top.has_solution:
        return 1.0, top
    ratios = [
        _period_spend(top, period) / float(amount)
        for period, amount in zip(
            portfolio.budget["period"], portfolio.budget["amount"], strict=True
        )
        if float(amount) > 0
    ]
    scale = max(ratios, default=0.0)
    return (scale if scale > 0 else 1.0), top


def frontier_plans(
    portfolio: Portfolio,
    scenario: Scenario,
    points: int = 11,
    budgets: Sequence[float] | None = None,
    *,
    scales: Sequence[float] | None = None,
    progress: bool = False,
    workers: int | None = None,
    scheduler: str | None = None,
) -> list[tuple[Scenario, Plan]]:
    """Solve the portfolio at a range of budget scales, each point an independent solve.

    Parameters
    ----------
    portfolio, scenario
        The inputs; the scenario's own ``budget_scale`` is always one of the points.
    points
        Evenly spaced scales from 0 (no money) to the scale at which no budget binds
        (:func:`unconstrained_scale`).
    budgets
        Instead of ``points``: budget amounts in money, turned into scales through
        :func:`budget_reference`.
    scales
        Instead of ``points``: the budget scales themselves.
    progress
        Show a progress bar.
    workers
        Local processes (``None`` = all cores); the same results for any number.
    scheduler
        A Dask scheduler address (``tcp://10.0.0.5:8786``) to solve the points on a cluster
        instead; ``None`` = the scenario's ``scheduler`` setting, ``""`` = local processes.

    Returns
    -------
    list of (Scenario, Plan)
        Sorted by ``budget_scale``; each scenario is the one its plan was solved for: the given
        one at that scale, with one solver thread (:func:`pmo_opt.analysis.sweep.for_sweep`).
    """
    if scenario.objective == "makespan":
        raise InputError(
            [Problem("scenario", None, "objective", "a budget frontier needs a value objective")]
        )
    if not len(portfolio.budget):
        raise InputError(
            [Problem("budget", None, None, "the portfolio has no budget table to vary")]
        )
    check_decisions(portfolio, scenario)
    horizon = build_problem(portfolio, scenario).horizon
    one = for_sweep(scenario)
    grid: list[float] | None = None
    if scales is not None:
        grid = [float(s) for s in scales]
    elif budgets is not None:
        reference = budget_reference(portfolio, horizon)
        if reference <= 0:
            raise InputError(
                [Problem("budget", None, "amount", "the budget is 0, so amounts have no scale")]
            )
        grid = [float(b) / reference for b in budgets]
    tasks = (len(grid) if grid is not None else max(int(points), 2)) + 1
    address = scenario.scheduler if scheduler is None else scheduler
    with executor(workers, address, tasks=tasks) as pool:
        if grid is None:
            # solved as a task too, so that the grid does not depend on this machine's threads
            top, _ = pool.submit(unconstrained_scale, portfolio, one).result()
            grid = list(np.linspace(0.0, top, max(int(points), 2)))
        grid = sorted({round(s, 12) for s in [*grid, scenario.budget_scale] if s >= 0})
        at = [one.replace(budget_scale=scale) for scale in grid]
        plans = map_ordered(
            solve_task,
            [(portfolio, a) for a in at],
            pool=pool,
            progress=progress,
            desc="frontier",
        )
    return list(zip(at, plans, strict=True))


def monotone_plans(plans: list[tuple[Scenario, Plan]]) -> list[tuple[Scenario, Plan]]:
    """Each point as the best of its own plan and every cheaper point's plan.

    ``plans`` are (scenario, plan) pairs; they are taken in order of ``budget_scale``. A plan of
    a cheaper point keeps every rule at a higher budget, so when it is worth more than a point's
    own plan, the point takes it: the same starts, hires, value and spend, with the point's own
    scenario, status and bound, the gap recomputed against that bound, and
    ``details["from_scale"]`` naming the cheaper point.

    Returns
    -------
    list of (Scenario, Plan)
        In order of ``budget_scale``; the values never fall as the budget grows.
    """
    ordered = sorted(plans, key=lambda item: item[0].budget_scale)
    out: list[tuple[Scenario, Plan]] = []
    best: tuple[Scenario, Plan] | None = None
    for at, plan in ordered:
        if (
            best is not None
            and best[1].objective is not None
            and (not plan.has_solution or plan.objective is None
                 or best[1].objective > plan.objective + 1e-9 * max(1.0, abs(plan.objective)))
        ):  # fmt: skip
            cheaper_at, cheaper = best
            status = plan.status if plan.has_solution else "feasible"
            plan = dataclasses.replace(
                cheaper,
                scenario=at,
                status=status,
                bound=plan.bound,
                gap=relative_gap(cheaper.objective, plan.bound)
                if plan.bound is not None
                else cheaper.gap,
                solve_seconds=plan.solve_seconds,
                details={**cheaper.details, "from_scale": cheaper_at.budget_scale},
            )
        if plan.has_solution and (best is None or best[1].objective is None
                                  or plan.objective > best[1].objective):  # fmt: skip
            best = (at, plan)
        out.append((at, plan))
    return out


def frontier_table(
    portfolio: Portfolio,
    scenario: Scenario,
    plans: list[tuple[Scenario, Plan]],
    knee_ratio: float = 0.1,
) -> pd.DataFrame:
    """The frontier as a table (:data:`FRONTIER_COLUMNS`), one row per solved scale.

    ``value`` is the scenario's objective, made monotone first (:func:`monotone_plans`: a point
    never shows less than a cheaper point's plan is worth); ``budget`` the money of
    :func:`budget_reference` times the scale; ``marginal_value`` the value gained per extra unit
    of money since the previous point. ``knee`` marks the point after which every further step pays less than
    ``knee_ratio`` (10%) of the frontier's average slope (value gained / money added from the
    first to the last point): beyond it, more money buys little. No point is marked when the
    last step still pays.
    """
    horizon = build_problem(portfolio, scenario).horizon
    reference = budget_reference(portfolio, horizon)
    rows = []
    for at, plan in monotone_plans(plans):
        value = plan.objective if plan.has_solution else np.nan
        note = ""
        if "from_scale" in plan.details:
            note = (
                f"the plan of the cheaper point at scale {plan.details['from_scale']:g}, worth "
                "more than this point's own solve (it stopped within its gap tolerance or "
                "time limit)"
            )
        rows.append(
            {
                "budget_scale": at.budget_scale,
                "budget": reference * at.budget_scale,
                "value": value,
                "spend": plan.total_spend if plan.has_solution else np.nan,
                "selected": len(plan.selected) if plan.has_solution else 0,
                "status": plan.status,
                "gap": plan.gap,
                "solve_seconds": plan.solve_seconds,
                "knee": False,
                "is_current": abs(at.budget_scale - scenario.budget_scale) < 1e-9,
                "note": note,
            }
        )
    table = pd.DataFrame(rows)
    if not len(table):
        return pd.DataFrame(columns=FRONTIER_COLUMNS)
    step_value = table["value"].diff()
    step_money = table["budget"].diff()
    table["marginal_value"] = (step_value / step_money.where(step_money > 0)).astype(float)
    solved = table.dropna(subset=["value"])
    if len(solved) >= 2:
        span_money = solved["budget"].iloc[-1] - solved["budget"].iloc[0]
        span_value = solved["value"].iloc[-1] - solved["value"].iloc[0]
        if span_money > 0 and span_value > 0:
            slope = span_value / span_money
            pays = (table["marginal_value"] >= knee_ratio * slope).to_numpy()
            last_paying = int(np.nonzero(pays)[0].max()) if pays.any() else 0
            if last_paying < len(table) - 1:
                table.loc[table.index[last_paying], "knee"] = True
    return table[FRONTIER_COLUMNS]


def efficient_frontier(
    portfolio: Portfolio,
    scenario: Scenario,
    points: int = 11,
    budgets: Sequence[float] | None = None,
    *,
    scales: Sequence[float] | None = None,
    knee_ratio: float = 0.1,
    progress: bool = False,
    workers: int | None = None,
    scheduler: str | None = None,
) -> pd.DataFrame:
    """Portfolio value against budget, from no money to the point where no budget binds.

    Parameters
    ----------
    portfolio, scenario
        The inputs; every budget row is scaled together (``budget_scale``).
    points, budgets, scales
        Which budget levels to solve (see :func:`frontier_plans`).
    knee_ratio
        Where adding money stops paying off (see :func:`frontier_table`).
    progress
        Show a progress bar.
    workers, scheduler
        Where the points are solved: local processes (``None`` = all cores) or a Dask
        scheduler address (see :func:`frontier_plans`); the table is the same either way.

    Returns
    -------
    DataFrame
        :data:`FRONTIER_COLUMNS`, one row per budget level, cheapest first; ``is_current`` marks
        the scenario's own budget.

    Examples
    --------
    >>> table = efficient_frontier(load_portfolio("data/sample"), Scenario())  # doctest: +SKIP
    >>> table.loc[table["knee"], ["budget", "value"]]  # doctest: +SKIP
    """
    plans = frontier_plans(
        portfolio,
        scenario,
        points,
        budgets,
        scales=scales,
        progress=progress,
        workers=workers,
        scheduler=scheduler,
    )
    return frontier_table(portfolio, scenario, plans, knee_ratio)


def risk_frontier(
    portfolio: Portfolio,
    scenario: Scenario,
    points: int = 11,
    *,
    progress: bool = False,
    workers: int | None = None,
    scheduler: str | None = None,
) -> pd.DataFrame:
    """Portfolio value against a cap on the average risk of the selected projects.

    Caps run evenly from the lowest to the highest project ``risk`` (plus the scenario's own
    ``max_avg_risk`` when set), loosest last; each cap is an independent solve of a sweep, with
    one solver thread, on local processes (``workers``, ``None`` = all cores) or on the Dask
    cluster at ``scheduler`` (``None`` = the scenario's setting), as :func:`frontier_plans`.

    Returns
    -------
    DataFrame
        ``max_avg_risk``, ``value``, ``avg_risk`` (of the selected projects), ``selected``,
        ``status``, ``gap``, ``is_current``.
    """
    risk = portfolio.projects["risk"].dropna()
    if not len(risk):
        raise InputError(
            [Problem("projects", None, "risk", "no project has a risk, so there is no frontier")]
        )
    check_decisions(portfolio, scenario)
    grid = list(np.linspace(float(risk.min()), float(risk.max()), max(int(points), 2)))
    if scenario.max_avg_risk is not None:
        grid.append(scenario.max_avg_risk)
    caps = sorted({round(c, 12) for c in grid})
    one = for_sweep(scenario)
    plans = map_ordered(
        solve_task,
        [(portfolio, one.replace(max_avg_risk=cap)) for cap in caps],
        workers=workers,
        scheduler=scenario.scheduler if scheduler is None else scheduler,
        progress=progress,
        desc="risk",
    )
    rows = []
    for cap, plan in zip(caps, plans, strict=True):
        chosen = portfolio.projects.loc[plan.selected, "risk"] if plan.has_solution else None
        rows.append(
            {
                "max_avg_risk": cap,
                "value": plan.objective if plan.has_solution else np.nan,
                "avg_risk": float(chosen.mean()) if chosen is not None and len(chosen) else np.nan,
                "selected": len(plan.selected),
                "status": plan.status,
                "gap": plan.gap,
                "is_current": scenario.max_avg_risk is not None
                and abs(cap - scenario.max_avg_risk) < 1e-9,
            }
        )
    return pd.DataFrame(rows)
