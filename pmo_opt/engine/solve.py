"""Run a solver on a built problem and say truthfully what came back."""

from __future__ import annotations

import contextlib
import math
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pulp

from pmo_opt.errors import SolverError
from pmo_opt.inputs.scenario import Scenario


@dataclass(frozen=True)
class SolveResult:
    """What the solver proved. ``status``: optimal | feasible | infeasible | unbounded | no_solution.

    ``optimal`` means proven within the scenario's ``mip_gap``; a plan stopped by the time limit is
    ``feasible`` and ``gap`` says how far from proven it may be.
    """

    status: str
    objective: float | None
    bound: float | None
    gap: float | None
    seconds: float
    solver: str
    message: str = ""
    search: dict | None = None  # what a search before the MIP did (pmo_opt.engine.lns), if one ran


@contextlib.contextmanager
def quiet_native_output(enabled: bool = True):
    """Silence C-level stdout/stderr (HiGHS prints its banner even with output off)."""
    if not enabled:
        yield
        return
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    saved = [os.dup(1), os.dup(2)]
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (*saved, devnull):
            os.close(fd)


_THREADS_IN_PROCESS: list[int | None] = []

# From this many columns on, the root LP is solved by the interior-point method: on the
# time-indexed model dual simplex degenerates (benchmark M, 6,253 columns: 14.7 s simplex against
# 1.7 s IPM; L, 25,467 columns: no root bound in 120 s against 27 s). Smaller models (the sample
# has about 1,000) keep HiGHS's default, which is faster there.
IPM_ROOT_COLUMNS = 4_000

#: a search stopped by its work (not the clock; the default settings) is stopped by the wall
#: clock only at ``WALL_BACKSTOP`` times its seconds plus ``WALL_EXTRA_S`` (presolve and the
#: first batch cost seconds whatever the limit); the plan then says that it may not repeat
WALL_BACKSTOP = 3.0
WALL_EXTRA_S = 30.0


def wall_backstop(seconds: float) -> float:
    """The wall-clock seconds after which a work-limited search of ``seconds`` is stopped."""
    return WALL_BACKSTOP * float(seconds) + WALL_EXTRA_S


#: HiGHS heuristics that solve a MIP of their own, turned off inside a neighbourhood-search
#: slice and in the MIP search of a model from ``IPM_ROOT_COLUMNS`` columns: in HiGHS 1.16 the
#: presolve of a MIP nested two deep (RENS in RENS; root reduced cost in root reduced cost)
#: ran for more than 8 minutes without reading the clock, on a slice of the generated M
#: (seed 2) and in the MIP search after a search on it. RINS stays on: without it, generated
#: M seed 1 at 60 s gives 7,717.2 instead of 7,756.1.
SUB_MIP_HEURISTICS = (
    "mip_heuristic_run_rens",
    "mip_heuristic_run_root_reduced_cost",
)


def _highs_threads(wanted: int | None) -> int | None:
    """HiGHS fixes its thread pool at the first solve of a process; a later solve asking for
    another count silently finds nothing. So the first request wins for the whole process
    (parallel sweeps use fresh worker processes to get one thread each)."""
    if not _THREADS_IN_PROCESS:
        _THREADS_IN_PROCESS.append(wanted)
    return _THREADS_IN_PROCESS[0]


def same_threads(highs) -> None:
    """Give another HiGHS object of this process the thread count its first solve fixed (a
    different count makes its run fail; see :func:`_highs_threads`)."""
    wanted = _THREADS_IN_PROCESS[0] if _THREADS_IN_PROCESS else None
    if wanted:
        highs.setOptionValue("threads", int(wanted))


class _HiGHS(pulp.HiGHS):
    """pulp's in-process HiGHS, plus a MIP start from the variables' current values."""

    def __init__(
        self,
        *args,
        warm_start: bool = False,
        stop: threading.Event | None = None,
        improve: Callable | None = None,
        offer: Callable | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.warm_start = warm_start
        self.stop = stop
        self.improve = improve
        self.offer = offer
        self.search: dict | None = None

    def actualSolve(self, lp):  # noqa: N802 - pulp's name
        # pulp rebuilds and sorts the variable list on every lp.variables() call (three per
        # solve); on large models that is seconds. The list cannot change during a solve.
        variables = lp.variables()
        lp.variables = lambda: variables
        if len(variables) >= IPM_ROOT_COLUMNS:
            self.optionsDict["mip_lp_solver"] = "ipm"
            self.optionsDict.update(dict.fromkeys(SUB_MIP_HEURISTICS, False))
        try:
            return super().actualSolve(lp)
        finally:
            del lp.variables

    def callSolver(self, lp):  # noqa: N802 - pulp's name
        if self.warm_start:
            import highspy

            values = [float(v.varValue or 0.0) for v in lp.variables()]
            if self.improve is not None:
                # improve the start first, then give the MIP what is left of the time limit
                t0 = time.perf_counter()
                better, self.search = self.improve(lp.solverModel, values)
                values = [float(v) for v in better]
                left = float(self.timeLimit) - (time.perf_counter() - t0)
                lp.solverModel.setOptionValue("time_limit", max(left, 0.5))
                if self.search.get("then") == "none":
                    _hold(lp.solverModel, values)
            sol = highspy.HighsSolution()
            sol.col_value = values
            sol.value_valid = True
            lp.solverModel.setSolution(sol)
        if self.offer is not None:
            offer = self.offer

            def give(event) -> None:
                values = offer()
                if values is not None:
                    event.data_in.setSolution(values)

            lp.solverModel.cbMipUserSolution.subscribe(give)
        if self.stop is not None:
            stop = self.stop

            def interrupt(event) -> None:
                if stop.is_set():
                    event.data_in.user_interrupt = True

            lp.solverModel.cbMipInterrupt.subscribe(interrupt)
        super().callSolver(lp)


def _hold(highs, values: list[float]) -> None:
    """Fix every column at ``values``: HiGHS then only confirms the searched plan (a counted
    search on a large model, whose MIP search would be stopped by the clock, not by work)."""
    import highspy

    lp = highs.getLp()
    integer = list(lp.integrality_)
    fixed = [
        round(v) if integer and integer[i] == highspy.HighsVarType.kInteger else v
        for i, v in enumerate(values)
    ]
    n = len(fixed)
    highs.changeColsBounds(n, np.arange(n, dtype=np.int32), np.array(fixed), np.array(fixed))


def solve_problem(
    problem: pulp.LpProblem,
    scenario: Scenario,
    warm_start: bool = False,
    msg: bool = False,
    stop: threading.Event | None = None,
    improve: Callable | None = None,
    offer: Callable | None = None,
) -> SolveResult:
    """Solve ``problem`` with the scenario's solver and limits; never raise on a model outcome.

    Parameters
    ----------
    problem
        A built PuLP problem.
    scenario
        Supplies ``solver`` (``highs`` or ``cbc``), ``time_limit_s``, ``mip_gap``, ``threads``.
    warm_start
        Give the solver the variables' current values as a starting plan.
    msg
        Show the solver's log.
    stop
        When this event is set, HiGHS ends its search at its next check and the best plan so
        far comes back as ``feasible`` (``solver=auto`` sets it when CP-SAT has proven optimality).
    improve
        ``improve(highs, start_values) -> (values, facts)``, run on the built HiGHS model before
        the MIP search when ``warm_start`` is set (:func:`pmo_opt.engine.lns.improve`); its time counts
        against the limit and its facts come back as ``SolveResult.search``.
    offer
        ``offer() -> column values or None``, asked by HiGHS during its search for a plan found
        elsewhere (``solver=auto``: CP-SAT's latest); HiGHS checks it and keeps it if better.
    """
    name = "cbc" if scenario.solver == "cbc" else "highs"
    kwargs = {"timeLimit": scenario.time_limit_s, "gapRel": scenario.mip_gap, "msg": msg}
    # never more threads than cores (threads=1000 would start 1,000 threads on 2 cores)
    wanted = scenario.solver_threads if scenario.threads else None
    threads = _highs_threads(wanted) if name == "highs" else wanted
    if threads:
        kwargs["threads"] = threads
    if name == "highs":
        solver = _HiGHS(warm_start=warm_start, stop=stop, improve=improve, offer=offer, **kwargs)
    else:
        path = pulp.apis.coin_api.COIN_CMD().path if hasattr(pulp, "COIN_CMD") else None
        if not path or not os.path.exists(str(path)):
            import shutil

            path = shutil.which("cbc")
        if not path:
            raise SolverError(
                "CBC is not installed: install the cbc binary (Debian: apt-get install "
                "coinor-cbc) or use solver=highs",
                solver="cbc",
            )
        solver = pulp.COIN_CMD(path=path, warmStart=warm_start, **kwargs)
    start = time.perf_counter()
    try:
        with quiet_native_output(not msg):
            problem.solve(solver)
    except pulp.PulpSolverError as exc:
        raise SolverError(f"{name} failed: {exc}", solver=name) from None
    seconds = time.perf_counter() - start
    if warm_start and name == "highs" and not _values_match_solver(problem):
        # HiGHS 1.16 can map a MIP start wrongly through presolve and hand back the start's
        # values with another plan's objective; never trust that: solve again without a start
        return solve_problem(problem, scenario, warm_start=False, msg=msg, stop=stop, offer=offer)
    outcome = _read_outcome(problem, name, seconds, scenario)
    if name == "highs" and solver.search and solver.search.get("then") == "none":
        # HiGHS only confirmed the held plan: nothing is proven but what the relaxation says
        outcome = replace(
            outcome,
            status="feasible",
            bound=None,
            gap=None,
            message=f"stopped after the neighbourhood search's {solver.search['slices']} slices "
            "(the work set by the time limit) before proving optimality",
        )
    if name == "highs" and solver.search is not None:
        outcome = _with_search(outcome, solver.search, problem.sense == pulp.LpMaximize)
    if stop is not None and stop.is_set() and outcome.status in ("feasible", "no_solution"):
        outcome = replace(
            outcome, message="stopped early: the other engine proved its plan optimal"
        )
    return outcome


def _with_search(outcome: SolveResult, search: dict, maximise: bool) -> SolveResult:
    """The outcome with the search's facts, and its relaxation bound when that is tighter."""
    bound, gap = outcome.bound, outcome.gap
    relaxed = search.get("bound")
    if relaxed is not None:
        relaxed = -relaxed if maximise else relaxed  # HiGHS minimised the negated objective
        if bound is None or (relaxed < bound if maximise else relaxed > bound):
            bound = relaxed
            if outcome.objective is not None:
                gap = max(0.0, abs(bound - outcome.objective) / max(abs(outcome.objective), 1e-9))
    status, message = outcome.status, outcome.message
    if status == "feasible" and gap is not None and gap <= 1e-9:
        status, message = "optimal", "proven optimal by the search's relaxation bound"
    return replace(outcome, search=search, bound=bound, gap=gap, status=status, message=message)


def _values_match_solver(problem: pulp.LpProblem) -> bool:
    """The objective of the values HiGHS returned equals the objective HiGHS reports."""
    if problem.sol_status not in (1, 2) or problem.solverModel is None:
        return True
    reported = problem.solverModel.getInfo().objective_function_value
    if problem.sense == pulp.LpMaximize:
        reported = -reported
    ours = pulp.value(problem.objective) or 0.0
    return abs(ours - reported) <= 1e-6 * max(1.0, abs(reported))


def _read_outcome(
    problem: pulp.LpProblem, name: str, seconds: float, scenario: Scenario
) -> SolveResult:
    sol = problem.sol_status
    objective = pulp.value(problem.objective) if sol in (1, 2) else None
    bound, gap = None, None
    if name == "highs" and problem.solverModel is not None:
        info = problem.solverModel.getInfo()
        raw_bound = getattr(info, "mip_dual_bound", None)
        if raw_bound is not None and math.isfinite(raw_bound):
            # pulp hands HiGHS the negated objective when maximising
            bound = -raw_bound if problem.sense == pulp.LpMaximize else raw_bound
        raw_gap = getattr(info, "mip_gap", None)
        if raw_gap is not None and math.isfinite(raw_gap):
            gap = max(0.0, float(raw_gap))
        import highspy

        proven = problem.solverModel.getModelStatus() == highspy.HighsModelStatus.kOptimal
    else:
        proven = sol == 1
    if sol == 1 and proven:
        status = "optimal"
        if gap is None:
            gap = 0.0
    elif sol in (1, 2):
        status = "feasible"
    elif sol == -1 or problem.status == -1:
        status = "infeasible"
    elif sol == -2 or problem.status == -2:
        status = "unbounded"
    else:
        status = "no_solution"
    if status == "optimal" and gap is not None and gap > scenario.mip_gap + 1e-9:
        status = "feasible"  # never call a plan optimal beyond the asked tolerance
    message = {
        "optimal": f"proven optimal within a relative gap of {scenario.mip_gap:g}",
        "feasible": f"stopped at the {scenario.time_limit_s:g} s limit before proving optimality",
        "infeasible": "no plan satisfies every constraint",
        "unbounded": "the objective is unbounded (a modelling error: please report it)",
        "no_solution": f"no plan found within the {scenario.time_limit_s:g} s limit",
    }[status]
    return SolveResult(status, objective, bound, gap, seconds, name, message)
