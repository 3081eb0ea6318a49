"""``solver="auto"``: the MILP (HiGHS) and CP-SAT at once, each on one thread; the better
plan is kept and the tighter bound proves it. The only module besides the front door
(:mod:`~pmo_opt.engine.optimise`) that knows both engines."""

from __future__ import annotations

import concurrent.futures
import math
import threading
import time
from dataclasses import replace as _replace

from ortools.sat.python import cp_model

from pmo_opt.engine.cpsat import cp_relative_gap, incumbent, optimise_cpsat
from pmo_opt.engine.milp import optimise_milp
from pmo_opt.engine.plan import Plan
from pmo_opt.engine.problem import Problem, problem_for
from pmo_opt.errors import SolverError
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import Scenario


class _Mailbox:
    """The latest plan from one engine for the other, each plan delivered at most once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._plan: dict[str, int] | None = None
        self.sent = self.taken = 0

    def put(self, plan: dict[str, int]) -> None:
        with self._lock:
            self._plan, self.sent = plan, self.sent + 1

    def take(self) -> dict[str, int] | None:
        with self._lock:
            plan, self._plan = self._plan, None
            self.taken += plan is not None
            return plan


def _engine_facts(plan: Plan | None, error: str | None = None) -> dict:
    if plan is None:
        return {"status": "error", "objective": None, "bound": None, "gap": None, "error": error}
    return {
        "status": plan.status,
        "objective": plan.objective,
        "bound": plan.bound,
        "gap": plan.gap,
        "build_seconds": round(plan.build_seconds, 3),
        "solve_seconds": round(plan.solve_seconds, 3),
        "message": plan.message,
    }


def optimise_auto(
    portfolio: Portfolio,
    scenario: Scenario,
    warm_start: Plan | None = None,
    *,
    problem: Problem | None = None,
) -> Plan:
    """Run the MILP (HiGHS, one thread) and CP-SAT (one worker) at once; keep the better plan.

    Both start from the same incumbent: ``warm_start`` when given, else the rank-and-fill plan
    when it breaks no rule (hints for CP-SAT; the MILP path makes the same plan its MIP start
    itself, and under ``makespan`` also cuts the horizon at its makespan; CP-SAT does too).
    During the search every improving CP-SAT plan is offered to HiGHS, which asks for one
    whenever it can take a user solution (``kCallbackMipUserSolution``) and keeps it when it is
    better; the other way is closed (CP-SAT takes hints only before its search starts). Whichever engine proves optimality first stops the other: CP-SAT through
    ``stop_search``, HiGHS through its MIP interrupt callback (``optimise(..., stop=event)``).
    So the proven objective repeats, but which engine's plan comes back can depend on which
    proves first: use ``highs`` or ``cpsat`` when the exact plan must repeat run after run. A proven optimum wins, else the better objective, ties
    go to the MILP. The kept plan's ``bound`` is the tighter of the two engines' bounds, so one
    engine's bound can prove the other's plan optimal. ``details["engines"]`` holds both
    outcomes; ``solver`` is ``auto:highs`` or ``auto:cpsat``.
    """
    t0 = time.perf_counter()
    problem = problem_for(problem, portfolio, scenario)  # both engines read the same facts
    start = incumbent(portfolio, scenario, problem) if warm_start is None else None
    prep = time.perf_counter() - t0
    milp_scenario = scenario.replace(solver="highs", threads=1)
    cp_scenario = scenario.replace(solver="cpsat", threads=1)
    cp_solver = cp_model.CpSolver()
    milp_stop = threading.Event()
    mailbox = _Mailbox()  # CP-SAT's plans for HiGHS, which asks for them during its search
    plans: dict[str, Plan | None] = {"highs": None, "cpsat": None}
    errors: dict[str, str] = {}
    t1 = time.perf_counter()
    stopped = {"highs": False, "cpsat": False}
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        futures = {
            "highs": pool.submit(
                optimise_milp,
                portfolio,
                milp_scenario,
                warm_start,
                stop=milp_stop,
                offers=mailbox.take,
                problem=problem,
            ),
            "cpsat": pool.submit(
                optimise_cpsat,
                portfolio,
                cp_scenario,
                warm_start,
                workers=1,
                solver=cp_solver,
                start=start,
                on_solution=mailbox.put,
                problem=problem,
            ),
        }
        names = {f: n for n, f in futures.items()}
        pending = set(futures.values())
        while pending:
            done, pending = concurrent.futures.wait(
                pending, return_when=concurrent.futures.FIRST_COMPLETED
            )
            for future in done:
                name = names[future]
                try:
                    plans[name] = future.result()
                except Exception as exc:  # one engine failing must not lose the other's plan
                    errors[name] = f"{type(exc).__name__}: {exc}"
                    continue
                if plans[name].status != "optimal" or not pending:
                    continue
                # nothing left to win: stop the other engine
                if name == "cpsat":
                    stopped["highs"] = True
                    milp_stop.set()  # HiGHS checks it at its next interrupt point
                else:
                    stopped["cpsat"] = True
                    while not futures["cpsat"].done():  # retried until its search has started
                        cp_solver.stop_search()
                        concurrent.futures.wait([futures["cpsat"]], timeout=0.05)
    wall = time.perf_counter() - t1
    engines = {n: _engine_facts(plans[n], errors.get(n)) for n in plans}
    engines["cpsat"]["stopped_after_milp_proof"] = stopped["cpsat"]
    engines["highs"]["stopped_after_cpsat_proof"] = stopped["highs"]
    engines["highs"]["cpsat_plans_taken"] = mailbox.taken
    engines["cpsat"]["plans_sent"] = mailbox.sent
    if all(p is None for p in plans.values()):
        raise SolverError(f"both engines failed: {errors}", solver="auto")
    maximise = scenario.objective != "makespan"

    def rank(name: str) -> tuple:
        p = plans[name]
        if p is None:
            return (-1, 0.0, 0)
        if not p.has_solution:
            return (0, 0.0, int(name == "highs"))
        obj = p.objective if maximise else -p.objective
        return (2 if p.status == "optimal" else 1, round(obj, 9), int(name == "highs"))

    chosen = max(plans, key=rank)
    plan = plans[chosen]
    details = {
        **plan.details,
        "engines": engines,
        "chosen": chosen,
        "warm_start": "given" if warm_start is not None else start[1],
    }
    changes: dict = {
        "solver": f"auto:{chosen}",
        "details": details,
        "build_seconds": prep + plan.build_seconds,
        "solve_seconds": max(wall - plan.build_seconds, 0.0),
    }
    if plan.has_solution:
        bound = _combined_bound(plans, maximise)
        if bound is not None:
            bound = max(bound, plan.objective) if maximise else min(bound, plan.objective)
            gap = cp_relative_gap(plan.objective, bound)
            changes.update(bound=bound, gap=gap)
            if plan.status != "optimal" and gap <= scenario.mip_gap + 1e-9:
                other = "cpsat" if chosen == "highs" else "highs"
                changes.update(
                    status="optimal",
                    message=f"proven optimal within a relative gap of {scenario.mip_gap:g} "
                    f"by the {other} engine's bound",
                )
    else:
        # e.g. one out of time and one proving infeasibility: the proof is the better answer
        proofs = [
            n
            for n in ("highs", "cpsat")
            if plans[n] is not None and plans[n].status == "infeasible"
        ]
        if proofs and proofs[0] != chosen:
            chosen, plan = proofs[0], plans[proofs[0]]
            details.update(plan.details, chosen=chosen)
            changes["solver"] = f"auto:{chosen}"
    return _replace(plan, **changes)


def _combined_bound(plans: dict[str, Plan | None], maximise: bool) -> float | None:
    """The tighter valid bound of the two engines, in the objective's units.

    HiGHS reports its bound within its own feasibility tolerances, so it is loosened by a
    relative 1e-6 before it is trusted to prove CP-SAT's plan optimal.
    """
    bounds = []
    for name, p in plans.items():
        if p is None or p.bound is None or not math.isfinite(p.bound):
            continue
        b = float(p.bound)
        if name == "highs":
            slack = 1e-6 * max(1.0, abs(b))
            b = b + slack if maximise else b - slack
        bounds.append(b)
    if not bounds:
        return None
    return min(bounds) if maximise else max(bounds)
