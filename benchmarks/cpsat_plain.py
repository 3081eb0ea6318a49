"""Plain CP-SAT on a PSPLIB instance: the textbook model, to compare pmo-opt's engine against.

One interval per job, one ``AddCumulative`` per resource, precedence rows and a makespan to
minimise; nothing else (no hints, no horizon tightening). ``run.py --suite psplib`` solves
each instance with this and with pmo-opt's default settings, at the same time and workers.
"""

from __future__ import annotations

from ortools.sat.python import cp_model


def solve_plain(instance, time_limit_s: float, workers: int, seed: int = 0) -> dict:
    """Minimise the makespan of ``instance`` (an ``RcpspInstance``); returns status, makespan,
    bound and wall seconds."""
    model = cp_model.CpModel()
    horizon = int(instance.durations.sum())
    start, end, interval = {}, {}, {}
    for j, d in zip(instance.jobs, instance.durations, strict=True):
        start[j] = model.new_int_var(0, horizon, f"s{j}")
        end[j] = model.new_int_var(0, horizon, f"e{j}")
        interval[j] = model.new_interval_var(start[j], int(d), end[j], f"i{j}")
    for k, capacity in enumerate(instance.capacities):
        jobs = [i for i, j in enumerate(instance.jobs) if instance.requests[i, k] > 0]
        model.add_cumulative(
            [interval[instance.jobs[i]] for i in jobs],
            [int(instance.requests[i, k]) for i in jobs],
            int(capacity),
        )
    for j, succ in zip(instance.jobs, instance.successors, strict=True):
        for b in succ:
            model.add(start[b] >= end[j])
    makespan = model.new_int_var(0, horizon, "makespan")
    model.add_max_equality(makespan, list(end.values()))
    model.minimize(makespan)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(time_limit_s)
    solver.parameters.num_workers = int(workers)
    solver.parameters.random_seed = int(seed)
    code = solver.solve(model)
    found = code in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    return {
        "status": {cp_model.OPTIMAL: "optimal", cp_model.FEASIBLE: "feasible"}.get(
            code, "no_solution"
        ),
        "objective": int(solver.objective_value) if found else None,
        "bound": int(solver.best_objective_bound) if found else None,
        "wall_seconds": round(solver.wall_time, 2),
    }
