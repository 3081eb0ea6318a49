"""``optimise(portfolio, scenario) -> Plan``: build, solve, read the answer. Everything calls this."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from . import months
from .compact import left_shift
from .data import Portfolio
from .errors import InputError, Problem
from .model import PortfolioModel, build_model
from .plan import Plan, make_plan, unschedulable_plan
from .scenario import Scenario, resolve_horizon
from .solve import solve_problem

#: start variables from which a neighbourhood search improves the first plan (pmo_opt.lns)
LNS_COLUMNS = 4_000
#: the share of the time limit that search may use; the MIP search gets the rest
LNS_SHARE = 0.85
#: the solver always gets at least this many seconds, however long the build took
MIN_SOLVE_S = 1.0


def project_values(portfolio: Portfolio, scenario: Scenario) -> pd.Series:
    """Value per project: the priority score for the ``value`` objective, else ``benefit``."""
    if scenario.objective != "value":
        return portfolio.projects["benefit"].astype(float)
    from .scoring import project_value

    return project_value(portfolio, scenario).reindex(portfolio.projects.index).fillna(0.0)


def check_decisions(portfolio: Portfolio, scenario: Scenario) -> None:
    """Board decisions must name real projects."""
    known = set(portfolio.projects.index)
    problems = [
        Problem(f"scenario {scenario.name!r}", None, key, f"{p!r} is not a project id")
        for key in ("force_in", "force_out")
        for p in getattr(scenario, key)
        if p not in known
    ]
    if problems:
        raise InputError(problems)


def scenario_warnings(portfolio: Portfolio, scenario: Scenario) -> list[Problem]:
    """Settings that are accepted but look like mistakes, as warnings (``pmo-opt`` prints them).

    An ``extra_fte`` or ``weights`` entry naming a role or criterion the portfolio does not
    have (it changes nothing a project needs), and a scoring method that falls back to the
    ``benefit`` column because the portfolio lacks its inputs.
    """
    from .data import suggest
    from .scoring import scoring_method

    where = f"scenario {scenario.name!r}"
    out: list[Problem] = []
    for key, known, what in (
        ("extra_fte", portfolio.role_names, "role"),
        ("weights", list(portfolio.criteria.index), "criterion"),
    ):
        for name in getattr(scenario, key):
            if name in known:
                continue
            close = suggest(name, known)
            hint = f"; did you mean {close!r}?" if close else f" (known: {', '.join(known)})"
            out.append(
                Problem(
                    where,
                    None,
                    key,
                    f"{name!r} is not a {what} of the portfolio, so it changes nothing{hint}",
                    "warning",
                )
            )
    if scenario.objective == "value" and scenario.scoring != "benefit":
        if scoring_method(portfolio, scenario) == "benefit":
            out.append(
                Problem(
                    where,
                    None,
                    "scoring",
                    f"scoring {scenario.scoring!r} needs scores and criteria (or pairwise "
                    "judgements, or cost_of_delay) that the portfolio lacks; the projects' "
                    "benefit is used instead",
                    "warning",
                )
            )
    return out


def optimise(
    portfolio: Portfolio,
    scenario: Scenario | None = None,
    warm_start: Plan | None = None,
    *,
    stop: threading.Event | None = None,
    offers: Callable[[], dict[str, int] | None] | None = None,
) -> Plan:
    """Choose and schedule projects under ``scenario``; the plan says how good it is.

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

    Returns
    -------
    Plan
        ``status`` is ``optimal`` only when proven; an infeasible or empty result is a plan with
        no selection and a ``message`` saying why, never an exception.
    """
    scenario = scenario or Scenario()
    started = time.perf_counter()  # time_limit_s bounds the preparation and build too
    check_decisions(portfolio, scenario)
    if scenario.solver in ("cpsat", "auto"):
        from .cpsat import optimise_cpsat  # the second engine (issue 8)

        return optimise_cpsat(portfolio, scenario, warm_start=warm_start)
    horizon = resolve_horizon(portfolio, scenario)
    values = project_values(portfolio, scenario)
    latest_finish = None
    if warm_start is None:
        # rank-and-fill's plan is the solver's first incumbent, so a time-limited plan is never
        # worse than the priority-list rule; under makespan its makespan also bounds every finish
        warm_start = _list_schedule(portfolio, scenario)
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
        _set_start(model, warm_start)
    limited = _remaining(scenario, started)  # what is left of time_limit_s after the build
    improve = _search(model, portfolio, limited) if warm_start is not None else None
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
    starts, hires = (
        read_decisions(model) if result.status in ("optimal", "feasible") else ({}, None)
    )
    if starts:
        starts = left_shift(portfolio, horizon, model.windows, starts, hires, scenario)
    if hires is not None and len(hires):
        hires = needed_hires(portfolio, scenario, horizon, starts)
    plan = make_plan(
        portfolio,
        scenario,
        horizon,
        starts,
        hires,
        values=values,
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
        details={"search": result.search} if result.search else {},
    )
    objective = objective_of(plan, portfolio, scenario) if plan.has_solution else None
    plan = _replace(plan, objective=objective)
    if warm_start is not None and warm_start.objective is not None and plan.status != "optimal":
        # the solver stopped early: never hand back less than the plan it started from
        start_obj = objective_of(warm_start, portfolio, scenario)
        worse = (
            objective is None
            or (scenario.objective == "makespan" and start_obj < objective - 1e-9)
            or (scenario.objective != "makespan" and start_obj > objective + 1e-9)
        )
        if worse:
            plan = _replace(
                warm_start,
                status="feasible",
                objective=start_obj,
                bound=result.bound,
                gap=_gap(start_obj, result.bound),
                solver=result.solver,
                build_seconds=build_seconds,
                solve_seconds=result.seconds,
                message=f"{result.message}; the solver's best was not better than the "
                "rank-and-fill plan it started from, so that plan is returned",
            )
    return plan


def _remaining(scenario: Scenario, started: float) -> Scenario:
    """The scenario with the time limit the solver has left after preparing and building.

    The solver gets ``time_limit_s`` minus the seconds since ``started``, but at least
    :data:`MIN_SOLVE_S` (so that a plan can be found at all); README, "Limits and safety".
    """
    left = scenario.time_limit_s - (time.perf_counter() - started)
    if left >= scenario.time_limit_s - 0.05:
        return scenario
    return scenario.replace(time_limit_s=round(max(left, MIN_SOLVE_S), 1))


def _search(model: PortfolioModel, portfolio: Portfolio, scenario: Scenario):
    """On large models, a large-neighbourhood search (:mod:`pmo_opt.lns`) improves the starting
    plan for ``LNS_SHARE`` of the time limit before the MIP search; ``None`` otherwise.

    Large means ``LNS_COLUMNS`` start variables or more: there HiGHS spends its whole limit on
    the root relaxation and returns the plan it started from. Not under ``makespan``, where
    CP-SAT is the stronger engine.
    """
    if scenario.objective == "makespan" or len(model.x) < LNS_COLUMNS:
        return None
    from .lns import Neighbourhoods, improve

    seconds = LNS_SHARE * scenario.time_limit_s

    def run(highs, values):
        hood = Neighbourhoods.of(model, portfolio.demand)  # the solver has indexed the columns
        return improve(highs, hood, np.asarray(values, dtype=float), seconds, seed=scenario.seed)

    return run


def _gap(objective: float, bound: float | None) -> float | None:
    """Relative gap between a plan's objective and a proven bound (None when no bound)."""
    if bound is None:
        return None
    return abs(bound - objective) / max(abs(objective), 1e-9)


def needed_hires(
    portfolio: Portfolio, scenario: Scenario, horizon: list[str], starts: dict[str, str]
) -> pd.DataFrame:
    """The least hiring the plan needs: demand above capacity per role-month (never more than
    the solver hired, since the solver's plan had capacity + hires >= demand)."""
    load = make_plan(portfolio, scenario, horizon, starts, status="feasible").load
    short = (load["demand_fte"] - load["capacity_fte"]).clip(lower=0.0)
    return load.assign(fte=short.round(9))[short > 1e-9][["role", "month", "fte"]]


def _list_schedule(portfolio: Portfolio, scenario: Scenario) -> Plan | None:
    """Rank-and-fill's serial list schedule, when it places all the work and passes the checker."""
    from .baseline import rank_and_fill
    from .check import check_plan

    plan = rank_and_fill(portfolio, scenario)
    if not plan.has_solution or check_plan(portfolio, scenario, plan):
        return None
    return _replace(plan, objective=objective_of(plan, portfolio, scenario))


def _replace(plan: Plan, **changes) -> Plan:
    from dataclasses import replace

    return replace(plan, **changes)


def objective_of(plan: Plan, portfolio: Portfolio, scenario: Scenario) -> float:
    """The scenario's objective evaluated on a plan (without the solver's tie-break)."""
    sel = plan.projects[plan.projects["selected"]]
    pr = portfolio.projects.loc[sel.index]
    if scenario.objective == "value":
        return float(sel["value"].sum())
    if scenario.objective == "benefit":
        return float(pr["benefit"].sum())
    h0 = months.to_ordinal(plan.horizon[0])
    if scenario.objective == "makespan":
        if not len(sel):
            return 0.0
        return float(max(months.to_ordinal(f) for f in sel["finish"]) - h0 + 1)
    start = sel["start"].map(months.to_ordinal) - h0
    earliest = pr["earliest_start"].map(
        lambda m: months.to_ordinal(m) - h0 if isinstance(m, str) else 0
    )
    delay = (start - earliest.clip(lower=0)).clip(lower=0)
    return float((pr["benefit"] - pr["cost_of_delay"] * delay).sum())


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
    if model.makespan is not None:
        d = model.windows["duration"]
        values[model.makespan.index] = float(
            max((t + int(d[p]) for p, t in starts.items()), default=0)
        )
    return values


def _set_start(model: PortfolioModel, plan: Plan) -> None:
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
    if model.makespan is not None:
        durations = model.windows["duration"]
        finishes = [t + int(durations[p]) for p, t in chosen if t is not None]
        model.makespan.setInitialValue(float(max(finishes, default=0)))


def plan_report_text(portfolio: Portfolio, plan: Plan) -> str:
    """A short human summary of a plan for the command line."""
    s = plan.summary()
    lines = [f"scenario {s['scenario']}: {plan.status}"]
    if plan.gap is not None and plan.has_solution:
        lines[0] += f" (gap {plan.gap:.4%})"
    lines[0] += f" - {plan.message}"
    if not plan.has_solution:
        for item in plan.details.get("diagnosis", []):
            lines.append(f"  - {item}")
        return "\n".join(lines)
    lines.append(
        f"selected {s['selected']} of {s['projects']} projects; value {plan.total_value:,.1f}; "
        f"spend {plan.total_spend:,.0f}"
    )
    if plan.objective is not None:
        lines.append(f"objective ({plan.scenario.objective}): {plan.objective:,.2f}")
    budget = portfolio.budget
    if len(budget):
        spend = plan.spend.set_index("month")["total"]
        for period, amount in zip(budget["period"], budget["amount"], strict=True):
            covered = months.period_months(period)
            used = spend.sum() if covered is None else spend.reindex(covered).fillna(0).sum()
            limit = amount * plan.scenario.budget_scale
            lines.append(
                f"  budget {period}: {used:,.0f} of {limit:,.0f} ({used / limit:.0%})"
                if limit
                else f"  budget {period}: {used:,.0f} of 0"
            )
    load = plan.load.assign(
        use=plan.load["demand_fte"]
        / (plan.load["capacity_fte"] + plan.load["hired_fte"]).where(lambda c: c > 0)
    ).dropna(subset=["use"])
    busiest = load.sort_values(["use", "role", "month"], ascending=[False, True, True]).head(5)
    if len(busiest):
        lines.append(
            "busiest role-months: "
            + "; ".join(
                f"{r} {m} {u:.0%}"
                for r, m, u in zip(busiest["role"], busiest["month"], busiest["use"], strict=True)
            )
        )
    if plan.scenario.objective in ("value", "benefit", "value_minus_delay"):
        lines.append(compare_with_baseline(portfolio, plan))
    return "\n".join(lines)


def compare_with_baseline(portfolio: Portfolio, plan: Plan) -> str:
    """One sentence: the optimised plan's objective against rank-and-fill's, same constraints."""
    from .baseline import rank_and_fill

    base = rank_and_fill(portfolio, plan.scenario)
    if not base.has_solution:
        return f"rank-and-fill finds no plan: {base.message}"
    if base.details.get("violations"):
        return "rank-and-fill's plan breaks a rule the optimiser keeps: " + "; ".join(
            str(v) for v in base.details["violations"][:3]
        )
    ours = plan.objective if plan.objective is not None else plan.total_value
    theirs = objective_of(base, portfolio, plan.scenario)
    gain = f" (+{(ours - theirs) / abs(theirs):.1%})" if theirs else ""
    return (
        f"{plan.scenario.objective} against rank-and-fill under the same constraints: "
        f"{ours:,.1f} vs {theirs:,.1f}{gain}"
    )
