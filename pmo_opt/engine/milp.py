"""The MILP engine: build the model (:mod:`~pmo_opt.engine.model`), start it from the
rank-and-fill plan, search (HiGHS, with a neighbourhood search on large models) and read the
answer back as a :class:`~pmo_opt.engine.plan.Plan`."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pandas as pd

from pmo_opt.engine.choice import CAPACITY_BOUND, capacity_load
from pmo_opt.engine.compact import hold_baseline, left_shift
from pmo_opt.engine.model import PortfolioModel, build_model
from pmo_opt.engine.objective import objective_of, relative_gap
from pmo_opt.engine.plan import Plan, make_plan, unschedulable_plan
from pmo_opt.engine.problem import Problem, problem_for
from pmo_opt.engine.replan import with_replan
from pmo_opt.engine.solve import SolveResult, solve_problem
from pmo_opt.engine.start import first_plan
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import Scenario

#: start variables from which a neighbourhood search improves the first plan (pmo_opt.engine.lns)
LNS_COLUMNS = 500
#: the share of the time limit that search may use; the MIP search gets the rest
LNS_SHARE = 0.85
#: the solver always gets at least this many seconds, however long the build took
MIN_SOLVE_S = 1.0
#: below this many start variables HiGHS can often prove the optimum itself: the search then
#: gets at most ``LNS_SMALL_SECONDS`` and the MIP search the rest
LNS_LARGE_COLUMNS = 4_000
LNS_SMALL_SECONDS = 5.0


def optimise_milp(
    portfolio: Portfolio,
    scenario: Scenario | None = None,
    warm_start: Plan | None = None,
    *,
    stop: threading.Event | None = None,
    offers: Callable[[], dict[str, int] | None] | None = None,
    deterministic: bool = False,
    problem: Problem | None = None,
) -> Plan:
    """Choose and schedule projects with the MILP (PuLP + HiGHS, ``solver="highs"``).

    Parameters
    ----------
    portfolio
        A loaded, validated portfolio.
    scenario
        Settings (objective, scales, board decisions, solver limits); defaults when ``None``.
    warm_start
        A plan to start the solver from (for example the neighbouring frontier point).
    stop
        An event that ends the MILP search early when set (``solver=auto`` sets it when the
        other engine has proven optimality); the plan is then ``feasible`` with its gap.
    offers
        ``offers() -> {project_id: start month index} or None``: plans found elsewhere during
        the search (``solver=auto``: CP-SAT's), handed to HiGHS as it asks for them.
    deterministic
        Count the neighbourhood search's work instead of timing it (``solver="default"``, see
        :func:`search_plan`), so the same input gives the same plan whatever the load.
    problem
        The facts of ``portfolio`` under ``scenario``
        (:func:`~pmo_opt.engine.problem.build_problem`), as
        :func:`~pmo_opt.engine.optimise.optimise` hands them on; built here when ``None``.

    Returns
    -------
    Plan
        ``status`` is ``optimal`` only when proven; an infeasible or empty result is a plan with
        no selection and a ``message`` saying why, never an exception.
    """
    started = time.perf_counter()  # time_limit_s bounds the preparation and build too
    problem = problem_for(problem, portfolio, scenario)
    horizon, values = problem.horizon, problem.values
    latest_finish = None
    start_name = "given"
    if warm_start is None:
        # rank-and-fill's plan is the solver's first incumbent, so a time-limited plan is never
        # worse than the priority-list rule; under makespan its makespan also bounds every finish.
        # When re-planning, the baseline itself starts the search when it is still feasible.
        warm_start, start_name = first_plan(portfolio, scenario, problem)
        if warm_start is not None and scenario.objective == "makespan":
            latest_finish = int(round(warm_start.objective))
    t0 = time.perf_counter()
    model = build_model(portfolio, scenario, horizon, values, latest_finish)
    build_seconds = time.perf_counter() - t0
    if model.empty_mandatory:
        return unschedulable_plan(
            portfolio,
            scenario,
            horizon,
            model.empty_mandatory,
            values,
            solver=scenario.solver,
            build_seconds=build_seconds,
        )
    if warm_start is not None:
        set_start(model, warm_start)
    limited = _remaining(scenario, started)  # what is left of time_limit_s after the build
    improve = (
        _search(model, problem, limited, scenario.time_limit_s if deterministic else None)
        if warm_start is not None
        else None
    )
    offer = None
    if offers is not None:

        def offer():
            starts = offers()
            return None if starts is None else start_vector(model, portfolio, scenario, starts)

    result = solve_problem(
        model.problem,
        limited,
        warm_start=warm_start is not None,
        stop=stop,
        improve=improve,
        offer=offer,
    )
    plan = _plan_of(model, problem, scenario, result, limited, build_seconds)
    if warm_start is not None and warm_start.objective is not None and plan.status != "optimal":
        plan = _not_worse_than(warm_start, start_name, plan, problem, scenario, result)
    return with_replan(plan, portfolio, scenario)


def _plan_of(
    model: PortfolioModel,
    problem: Problem,
    scenario: Scenario,
    result: SolveResult,
    limited: Scenario,
    build_seconds: float,
) -> Plan:
    """The solved model as a plan: its starts held at the baseline where they may be, shifted
    left, the least hiring they need, and the solver's facts (status, bound, gap, timings)."""
    portfolio, horizon = problem.portfolio, problem.horizon
    starts, hires = (
        read_decisions(model) if result.status in ("optimal", "feasible") else ({}, None)
    )
    if starts:
        windows = hold_baseline(model.windows, problem.baseline, starts, horizon)
        starts = left_shift(portfolio, horizon, windows, starts, hires, scenario)
    if hires is not None and len(hires):
        hires = needed_hires(portfolio, scenario, horizon, starts)
    plan = make_plan(
        portfolio,
        scenario,
        horizon,
        starts,
        hires,
        values=problem.values,
        status=result.status,
        bound=result.bound,
        gap=result.gap,
        solver=result.solver,
        build_seconds=build_seconds,
        solve_seconds=result.seconds,
        # the limit the user set (the solver had what the build left of it)
        message=result.message.replace(
            f"{limited.time_limit_s:g} s limit", f"{scenario.time_limit_s:g} s limit"
        ),
        details=_search_details(result.search),
    )
    objective = objective_of(plan, portfolio, scenario) if plan.has_solution else None
    return replace(plan, objective=objective)


def _not_worse_than(
    warm_start: Plan,
    start_name: str,
    plan: Plan,
    problem: Problem,
    scenario: Scenario,
    result: SolveResult,
) -> Plan:
    """``plan``, or the plan the solver started from when the solver stopped early without
    beating it: a time-limited plan is never worse than its start."""
    objective = plan.objective
    start_obj = objective_of(warm_start, problem.portfolio, scenario)
    worse = (
        objective is None
        or (scenario.objective == "makespan" and start_obj < objective - 1e-9)
        or (scenario.objective != "makespan" and start_obj > objective + 1e-9)
    )
    if not worse:
        return plan
    return replace(
        warm_start,
        status="feasible",
        objective=start_obj,
        bound=result.bound,
        gap=relative_gap(start_obj, result.bound),
        solver=result.solver,
        build_seconds=plan.build_seconds,
        solve_seconds=result.seconds,
        message=f"{result.message}; the solver's best was not better than the "
        f"{start_name.replace('_', '-')} plan it started from, so that plan is returned",
        details=_search_details(result.search),
    )


def _remaining(scenario: Scenario, started: float) -> Scenario:
    """The scenario with the time limit the solver has left after preparing and building.

    The solver gets ``time_limit_s`` minus the seconds since ``started``, but at least
    :data:`MIN_SOLVE_S` (so that a plan can be found at all); README, "Limits and safety".
    """
    left = scenario.time_limit_s - (time.perf_counter() - started)
    if left >= scenario.time_limit_s - 0.05:
        return scenario
    return scenario.replace(time_limit_s=round(max(left, MIN_SOLVE_S), 1))


def _search(
    model: PortfolioModel,
    problem: Problem,
    scenario: Scenario,
    counted_for: float | None = None,
):
    """On large models, a large-neighbourhood search (:mod:`pmo_opt.engine.lns`) improves the starting
    plan for ``LNS_SHARE`` of the time limit before the MIP search; ``None`` otherwise.

    With ``counted_for`` (the time limit the user set, under the default settings) the search
    is counted, not timed: :func:`search_plan` turns those seconds into simplex iterations,
    so that the plan repeats.

    From ``LNS_LARGE_COLUMNS`` start variables the search gets ``LNS_SHARE`` of the limit
    (there HiGHS spends its whole limit on the root relaxation). From ``LNS_COLUMNS`` (the
    generated S has about 900) it gets at most ``LNS_SMALL_SECONDS``, and only where capacity
    binds (demand at least ``CAPACITY_BOUND`` times capacity, as in the generated portfolios):
    there HiGHS otherwise returns the plan it started from at a short limit (S at 5 s:
    rank-and-fill's 1,523.9; with the search 1,671.1), while a portfolio whose work mostly fits
    (the sample) is proven by HiGHS in seconds and keeps all its time for that.
    Not under ``makespan``, where CP-SAT is the stronger engine.
    """
    if scenario.objective == "makespan" or len(model.x) < LNS_COLUMNS:
        return None
    seconds = LNS_SHARE * scenario.time_limit_s
    if len(model.x) < LNS_LARGE_COLUMNS:
        # the time limit is the only setting ``scenario`` changes: the problem's load is its own
        if capacity_load(problem.portfolio, problem.scenario, problem) < CAPACITY_BOUND:
            return None
        seconds = min(seconds, LNS_SMALL_SECONDS)
    from pmo_opt.engine.lns import Neighbourhoods, improve

    counted = None if counted_for is None else search_plan(len(model.x), counted_for)

    def run(highs, values):
        hood = Neighbourhoods.of(
            model, problem.portfolio.demand
        )  # the solver has indexed the columns
        start = np.asarray(values, dtype=float)
        if counted is None:
            return improve(highs, hood, start, seconds, seed=scenario.seed)
        best, facts = improve(highs, hood, start, seconds, seed=scenario.seed, work=counted["work"])
        return best, {**facts, "then": counted["then"]}

    return run


#: a counted search's simplex iterations per second of the time limit: on the quiet 2-core
#: benchmark machine the search does 15,000-18,000 per second on the generated M (9,000 under
#: load), so that a counted search takes about as long as a timed one on a quiet machine
ITERATIONS_PER_SECOND = 18_000


def _search_details(search: dict | None) -> dict:
    """The plan's ``details`` from the search's facts: ``search``, and for a counted search
    ``stopped_by_wall_clock`` (True when only the backstop stopped it: the plan may not repeat)."""
    if not search:
        return {}
    if search.get("counted"):
        return {"search": search, "stopped_by_wall_clock": bool(search["stopped_by_wall_clock"])}
    return {"search": search}


def search_plan(columns: int, seconds: float) -> dict:
    """The counted search for a model of ``columns`` start variables and a limit of ``seconds``:
    its ``work`` in simplex iterations (its share of the limit times
    ``ITERATIONS_PER_SECOND``). No MIP search follows a counted search (``then: "none"``):
    HiGHS's root relaxation alone takes a load-dependent time on these models, and a MIP search
    stopped by the clock would make the plan depend on the load."""
    share = LNS_SHARE * seconds
    if columns < LNS_LARGE_COLUMNS:
        share = min(share, LNS_SMALL_SECONDS)
    return {"work": ITERATIONS_PER_SECOND * share, "then": "none"}


def needed_hires(
    portfolio: Portfolio, scenario: Scenario, horizon: list[str], starts: dict[str, str]
) -> pd.DataFrame:
    """The least hiring the plan needs: demand above capacity per role-month (never more than
    the solver hired, since the solver's plan had capacity + hires >= demand)."""
    load = make_plan(portfolio, scenario, horizon, starts, status="feasible").load
    short = (load["demand_fte"] - load["capacity_fte"]).clip(lower=0.0)
    return load.assign(fte=short.round(9))[short > 1e-9][["role", "month", "fte"]]


def read_decisions(model: PortfolioModel) -> tuple[dict[str, str], pd.DataFrame]:
    """Starts (project -> month) and hires (role, month, fte) from a solved model."""
    starts = {p: model.horizon[t] for (p, t), v in model.x.items() if (v.varValue or 0) > 0.5}
    hires = pd.DataFrame(
        [(r, model.horizon[m], float(h.varValue or 0)) for (r, m), h in model.hire.items()],
        columns=["role", "month", "fte"],
    )
    return starts, hires


def start_vector(
    model: PortfolioModel, portfolio: Portfolio, scenario: Scenario, starts: dict[str, int]
) -> np.ndarray | None:
    """The solver's column values for a plan given as project -> start month index (the
    variables' ``index`` as pulp's HiGHS numbered them), with the least hiring it needs;
    ``None`` when a start is outside the model's windows."""
    columns = model.problem.variables()
    values = np.zeros(len(columns))
    for p, t in starts.items():
        x = model.x.get((p, int(t)))
        if x is None:
            return None
        values[x.index] = 1.0
        if p in model.y:
            values[model.y[p].index] = 1.0
    if model.hire:
        months_ = {p: model.horizon[int(t)] for p, t in starts.items()}
        index = {mo: i for i, mo in enumerate(model.horizon)}
        need = needed_hires(portfolio, scenario, model.horizon, months_)
        for r, mo, fte in need[["role", "month", "fte"]].itertuples(index=False):
            h = model.hire.get((r, index[mo]))
            if h is None:
                return None
            values[h.index] = float(fte)
    if model.constant is not None:
        values[model.constant.index] = 1.0
    if model.makespan is not None:
        d = model.windows["duration"]
        values[model.makespan.index] = float(
            max((t + int(d[p]) for p, t in starts.items()), default=0)
        )
    return values


def set_start(model: PortfolioModel, plan: Plan) -> None:
    index = {m: i for i, m in enumerate(model.horizon)}
    chosen = {(p, index.get(s)) for p, s in plan.starts.items() if s is not None}
    for key, v in model.x.items():
        v.setInitialValue(1 if key in chosen else 0)
    selected = {p for p, _ in chosen}
    for p, y in model.y.items():
        y.setInitialValue(1 if p in selected else 0)
    hired = {
        (r, index.get(m)): f
        for r, m, f in plan.hires[["role", "month", "fte"]].itertuples(index=False)
    }
    for key, h in model.hire.items():
        h.setInitialValue(hired.get(key, 0.0))
    if model.constant is not None:
        model.constant.setInitialValue(1.0)
    if model.makespan is not None:
        durations = model.windows["duration"]
        finishes = [t + int(durations[p]) for p, t in chosen if t is not None]
        model.makespan.setInitialValue(float(max(finishes, default=0)))
