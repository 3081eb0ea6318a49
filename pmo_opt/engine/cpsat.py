"""The second engine's solve: OR-Tools CP-SAT on the model of :mod:`pmo_opt.engine.cpsat_model`.

It builds from the same ``Portfolio`` and ``Scenario`` as the MILP (``model.py``, which stays the
reference formulation) and returns the same ``Plan``, checked by the same ``check_plan``.

The model (formulation and integer scaling) is built in :mod:`pmo_opt.engine.cpsat_model`; this
module configures the solver, solves, and reads the plan back.

Determinism: with more than one worker CP-SAT's parallel portfolio depends on thread timing, so
``interleave_search`` is on: the workers' chunks are scheduled in a fixed order, the same input
and seed give the same plan (short of the wall-clock limit cutting a different chunk). Under
the default settings (``deterministic``, see :func:`configure`) the limit is deterministic work
on a fixed number of workers, so not even the load changes the plan.

Warm start: every decision of ``warm_start`` is a hint; without one, the rank-and-fill plan
(when it breaks no rule, the MILP path's own first incumbent) is, and under ``makespan`` its
makespan also caps every window. ``solver="auto"`` (:func:`optimise_auto`) runs this engine
and the MILP side by side and keeps the better plan.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import replace as _replace

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model

from pmo_opt.engine.compact import hold_baseline, left_shift
from pmo_opt.engine.cpsat_model import CpsatModel, add_hints, build_cpsat
from pmo_opt.engine.objective import check_decisions, objective_of
from pmo_opt.engine.plan import Plan, make_plan, unschedulable_plan
from pmo_opt.engine.problem import Problem, problem_for
from pmo_opt.engine.replan import with_replan
from pmo_opt.engine.solve import wall_backstop
from pmo_opt.engine.start import first_plan
from pmo_opt.errors import SolverError
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import Scenario


def least_hires(m: CpsatModel, starts: dict[str, int]) -> pd.DataFrame:
    """The fewest hired FTE per role-month that the placed projects need (``role``, ``month``,
    ``fte``): the solver may hire more than needed, since hiring is not in the objective."""
    if not m.hire:
        return pd.DataFrame({"role": [], "month": [], "fte": []})
    load = np.zeros_like(m.cap)
    for p, t in starts.items():
        load[:, t : t + m.need[p].shape[1]] += m.need[p]
    rows = []
    for r, mi in sorted(m.hire, key=lambda k: (m.roles.index(k[0]), k[1])):
        units = int(load[m.roles.index(r), mi] - m.cap[m.roles.index(r), mi])
        if units > 0:
            rows.append((r, m.horizon[mi], units / m.scaling.fte))
    return pd.DataFrame(rows, columns=["role", "month", "fte"])


def incumbent(
    portfolio: Portfolio, scenario: Scenario, problem: Problem | None = None
) -> tuple[Plan | None, str | None]:
    """The rank-and-fill plan (or, when re-planning, the baseline when it is still feasible and
    no worse) as a first incumbent, when it breaks no rule (else ``None``).

    The same plan the MILP path starts from. A complete, feasible hint gives CP-SAT a solution
    before its search starts, so a short time limit still returns a plan; it costs a fraction
    of a second on the S benchmark."""
    return first_plan(portfolio, scenario, problem)


_STATUS = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.UNKNOWN: "no_solution",
}


#: deterministic work units per second of ``time_limit_s`` under the default settings: the
#: first ``WORK_RAMP_S`` seconds get ``WORK_PER_SECOND``, every second after that
#: ``LATER_WORK_PER_SECOND``. The first seconds of a search cost more wall time per unit
#: (presolve, first solutions). Measured on the 2-core benchmark machine, generated S: 0.5
#: units took 3.2-3.9 s; 22 units took 39-43 s (value at 60 s: 1,847.8 / 1,770.3 / 1,913.3,
#: where 6 units, 0.1 per second, stopped after 17-26 s at 1,767.2 / 1,755.0 / 1,872.2).
WORK_PER_SECOND = 0.1
WORK_RAMP_S = 10.0
LATER_WORK_PER_SECOND = 0.4
#: workers and tasks per batch of interleaved search under the default settings: fixed, not
#: the machine's core count, since the plan depends on both (measured: 1 and 2 workers give
#: different plans of generated S)
DETERMINISTIC_WORKERS = 2
INTERLEAVE_BATCH = 6
#: schedules (``makespan``) get more work per second and one task per batch: CP-SAT does about
#: 0.4 units per wall second on PSPLIB j60 against 0.1 on the generated portfolios, and a
#: batch of six overran the limit by up to 5x (work is checked between batches). Measured on
#: five j60 instances at 10 s: makespans 113/143/121/114/114 in 7-9 s wall, where 0.1 with
#: batches of six gave 115/149/120/114/113 in 3-13 s (benchmarks/README.md).
MAKESPAN_WORK_PER_SECOND = 0.4
MAKESPAN_BATCH = 1


def configure(
    solver: cp_model.CpSolver,
    scenario: Scenario,
    workers: int | None = None,
    *,
    deterministic: bool = False,
) -> None:
    """Limits and determinism: see the module docstring.

    With ``deterministic`` (``solver="default"``) the search is interleaved on a fixed number
    of workers (``threads``, else ``DETERMINISTIC_WORKERS``) with a fixed batch size, and stopped after
    :func:`work_limit` units of CP-SAT's deterministic time, not by the wall
    clock, so machine load cannot change the plan; the wall clock stops it only at
    :func:`~pmo_opt.engine.solve.wall_backstop` of the limit.
    """
    p = solver.parameters
    p.max_time_in_seconds = float(scenario.time_limit_s)
    p.relative_gap_limit = float(scenario.mip_gap)
    p.num_workers = int(workers or scenario.solver_threads)  # capped at the cores
    p.random_seed = int(scenario.seed)
    p.interleave_search = p.num_workers > 1
    if deterministic:
        p.num_workers = int(workers or scenario.threads or DETERMINISTIC_WORKERS)
        p.interleave_search = True
        schedule = scenario.objective == "makespan"
        p.interleave_batch_size = MAKESPAN_BATCH if schedule else INTERLEAVE_BATCH
        p.max_deterministic_time = work_limit(scenario)
        p.max_time_in_seconds = wall_backstop(scenario.time_limit_s)
    p.log_search_progress = False


def work_limit(scenario: Scenario) -> float:
    """CP-SAT's deterministic work for ``time_limit_s`` under the default settings (see
    ``WORK_PER_SECOND`` and ``MAKESPAN_WORK_PER_SECOND``)."""
    seconds = float(scenario.time_limit_s)
    if scenario.objective == "makespan":
        return MAKESPAN_WORK_PER_SECOND * seconds
    ramp = min(seconds, WORK_RAMP_S)
    return WORK_PER_SECOND * ramp + LATER_WORK_PER_SECOND * (seconds - ramp)


def optimise_cpsat(
    portfolio: Portfolio,
    scenario: Scenario,
    warm_start: Plan | None = None,
    *,
    workers: int | None = None,
    solver: cp_model.CpSolver | None = None,
    start: tuple[Plan | None, str | None] | None = None,
    on_solution: Callable[[dict[str, int]], None] | None = None,
    deterministic: bool = False,
    problem: Problem | None = None,
) -> Plan:
    """Choose and schedule projects with CP-SAT (``solver="cpsat"``), or with both engines at
    once (``solver="auto"``, see :func:`optimise_auto`).

    Parameters
    ----------
    portfolio, scenario
        The inputs; ``scenario`` supplies the objective and ``time_limit_s``, ``mip_gap``,
        ``threads`` (CP-SAT workers; default all cores) and ``seed``.
    warm_start
        A plan whose decisions are given to CP-SAT as hints.
    workers
        CP-SAT workers, overriding ``scenario.threads`` (``auto`` runs it with one).
    solver
        A ``CpSolver`` to use, so that another thread can stop it (``auto``).
    start
        ``(plan, name)`` from :func:`incumbent`, when the caller has it already (``auto``).
    on_solution
        Called with ``{project_id: start month index}`` for every improving plan CP-SAT finds
        (``auto`` passes them on to HiGHS).
    deterministic
        Stop on deterministic work instead of the wall clock (see :func:`configure`), so the
        same input gives the same plan whatever the load (``solver="default"``).
    problem
        The facts of ``portfolio`` under ``scenario``
        (:func:`~pmo_opt.engine.problem.build_problem`), as
        :func:`~pmo_opt.engine.optimise.optimise` hands them on; built here when ``None``.

    Returns
    -------
    Plan
        ``solver="cpsat"``; ``status`` ``optimal`` (proven within ``mip_gap``), ``feasible``
        (time limit; ``gap`` from CP-SAT's best bound), ``infeasible`` or ``no_solution``;
        ``objective`` and ``bound`` in the objective's own units; ``details["scaling"]`` gives
        the integer units used.

    Raises
    ------
    SolverError
        When CP-SAT calls the model invalid (a bug here, not a property of the data).
    """
    check_decisions(portfolio, scenario)
    problem = problem_for(problem, portfolio, scenario)
    horizon, values = problem.horizon, problem.values
    t0 = time.perf_counter()
    if warm_start is not None:
        seed, seed_name = warm_start, "given"
    else:
        seed, seed_name = start if start is not None else incumbent(portfolio, scenario, problem)
    # a checked rank-and-fill schedule's makespan bounds every finish, as on the MILP path
    latest_finish = (
        int(round(seed.objective))
        if seed_name == "rank_and_fill" and scenario.objective == "makespan"
        else None
    )
    m = build_cpsat(portfolio, scenario, horizon, values, latest_finish)
    if seed is not None:
        add_hints(m, seed)
    build_seconds = time.perf_counter() - t0
    facts = {"solver": "cpsat", "build_seconds": build_seconds}
    details = {"scaling": m.scaling.as_dict(), "warm_start": seed_name}
    if m.empty_mandatory:
        return unschedulable_plan(
            portfolio, scenario, horizon, m.empty_mandatory, values, details, **facts
        )
    solver = solver or cp_model.CpSolver()
    configure(solver, scenario, workers, deterministic=deterministic)
    if deterministic:
        details["work_limit"] = solver.parameters.max_deterministic_time
    t1 = time.perf_counter()
    code = solver.solve(m.model, Relay(m, on_solution) if on_solution else None)
    facts["solve_seconds"] = time.perf_counter() - t1
    if code == cp_model.MODEL_INVALID:
        raise SolverError(f"CP-SAT rejected the model: {m.model.validate()}", solver="cpsat")
    status = _STATUS.get(code, "no_solution")
    if status not in ("optimal", "feasible"):
        return _no_plan(problem, scenario, m, status, details, facts)
    starts, hires = _decisions(m, solver, problem, scenario)
    plan = make_plan(
        portfolio, scenario, horizon, starts, hires, values=values, status=status, **facts
    )
    objective = objective_of(plan, portfolio, scenario)
    bound = float(solver.best_objective_bound) / m.scaling.objective
    bound = max(bound, objective) if m.maximise else min(bound, objective)
    gap = cp_relative_gap(objective, bound)
    if status == "optimal" and gap > scenario.mip_gap + 1e-9:
        status = "feasible"  # rounding of the objective: never claim more than proven
    message = _stop_message(scenario, status, solver, details, deterministic)
    plan = _replace(
        plan,
        status=status,
        objective=objective,
        bound=bound,
        gap=gap,
        message=message,
        details=details,
    )
    return with_replan(plan, portfolio, scenario)


def _no_plan(
    problem: Problem, scenario: Scenario, m: CpsatModel, status: str, details: dict, facts: dict
) -> Plan:
    """The empty plan of a search that found none, saying why (infeasible, or out of time)."""
    message = {
        "infeasible": "no plan satisfies every constraint",
        "no_solution": f"no plan found within the {scenario.time_limit_s:g} s limit",
    }[status]
    if status == "infeasible" and not m.scaling.exact:
        message += f" (with {', '.join(m.scaling.rounded)} rounded to whole units)"
    return make_plan(
        problem.portfolio,
        scenario,
        problem.horizon,
        {},
        values=problem.values,
        status=status,
        message=message,
        details=details,
        **facts,
    )


def _decisions(
    m: CpsatModel, solver: cp_model.CpSolver, problem: Problem, scenario: Scenario
) -> tuple[dict[str, str], pd.DataFrame]:
    """The solution's starts (project -> month), held at the baseline where they may be and
    shifted left, and the least hiring the solution needs."""
    horizon = problem.horizon
    index = {p: int(solver.value(s)) for p, s in m.s.items() if solver.boolean_value(m.y[p])}
    hires = least_hires(m, index)
    starts = {p: horizon[t] for p, t in index.items()}
    if starts:
        windows = hold_baseline(m.windows, problem.baseline, starts, horizon)
        starts = left_shift(problem.portfolio, horizon, windows, starts, hires, scenario)
    return starts, hires


def _stop_message(
    scenario: Scenario,
    status: str,
    solver: cp_model.CpSolver,
    details: dict,
    deterministic: bool,
) -> str:
    """Why the search stopped, in words; a deterministic search also notes in ``details`` the
    work it used and whether only the wall clock stopped it (then the plan may not repeat)."""
    if deterministic:
        details["work_used"] = round(solver.deterministic_time, 3)
        details["stopped_by_wall_clock"] = bool(
            status != "optimal" and solver.deterministic_time < 0.99 * details["work_limit"]
        )
    if status == "optimal":
        return f"proven optimal within a relative gap of {scenario.mip_gap:g}"
    if deterministic and solver.deterministic_time >= 0.99 * details["work_limit"]:
        return (
            f"stopped at its deterministic work limit ({details['work_limit']:g} units, set "
            f"from time_limit_s={scenario.time_limit_s:g}) before proving optimality"
        )
    return f"stopped at the {scenario.time_limit_s:g} s limit before proving optimality"


class Relay(cp_model.CpSolverSolutionCallback):
    """Hands each improving CP-SAT plan on as project -> start month index."""

    def __init__(self, m: CpsatModel, send: Callable[[dict[str, int]], None]):
        super().__init__()
        self.m, self.send = m, send

    def on_solution_callback(self) -> None:  # CP-SAT's name
        m = self.m
        self.send({p: int(self.value(s)) for p, s in m.s.items() if self.boolean_value(m.y[p])})


def cp_relative_gap(objective: float, bound: float) -> float:
    diff = abs(bound - objective)
    if diff <= 1e-9 * max(1.0, abs(objective)):
        return 0.0
    return diff / abs(objective) if objective else math.inf
