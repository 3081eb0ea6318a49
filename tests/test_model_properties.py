"""Property tests: on random small portfolios the MILP finds the brute-force optimum, its plans
pass the independent checker, and it is never worse than rank-and-fill."""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path

import numpy as np
import pytest
from builders import make_portfolio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmo_opt.engine.optimise import optimise
from pmo_opt.inputs.months import month_range
from pmo_opt.inputs.scenario import Scenario


@st.composite
def portfolios(draw):
    T = draw(st.integers(1, 3))
    n = draw(st.integers(2, 9 if T == 1 else 5))
    roles = ["dev", "ops"][: draw(st.integers(1, 2))]
    projects, demand = [], []
    for i in range(n):
        d = draw(st.integers(1, min(2, T)))
        projects.append(
            {
                "project_id": f"P{i}",
                "duration": d,
                "benefit": draw(st.integers(1, 20)),
                "cost": draw(st.integers(0, 10)),
                "status": "committed" if i == 0 and draw(st.booleans()) else "proposed",
            }
        )
        for r in roles:
            fte = draw(st.integers(0, 3))
            if fte:
                demand.append({"project_id": f"P{i}", "role": r, "fte": fte})
    if not demand:
        demand.append({"project_id": "P0", "role": roles[0], "fte": 1})
    capacity = [{"role": r, "fte": draw(st.integers(1, 4))} for r in roles]
    total_cost = sum(p["cost"] for p in projects)
    budget = [{"period": "total", "amount": draw(st.integers(total_cost // 3, total_cost + 1))}]
    deps = []
    if n >= 3 and draw(st.booleans()):
        kind = draw(st.sampled_from(["requires", "excludes", "finish_to_start"]))
        deps.append({"project_id": "P2", "depends_on": "P1", "kind": kind})
    return T, {
        "projects": projects,
        "demand": demand,
        "capacity": capacity,
        "budget": budget,
        "dependencies": deps or [{"project_id": "P1", "depends_on": "P0", "kind": "requires"}][:0],
    }


def brute_force_optimum(T, tables) -> float | None:
    """Best total benefit over every combination of (skip | start month) per project."""
    projects = tables["projects"]
    ids = [p["project_id"] for p in projects]
    dur = {p["project_id"]: p["duration"] for p in projects}
    roles = sorted({c["role"] for c in tables["capacity"]})
    cap = np.array([next(c["fte"] for c in tables["capacity"] if c["role"] == r) for r in roles])
    need = {p: np.zeros(len(roles)) for p in ids}
    for row in tables["demand"]:
        need[row["project_id"]][roles.index(row["role"])] += row["fte"]
    budget = tables["budget"][0]["amount"]
    options = [[None, *range(T - dur[p] + 1)] for p in ids]
    best = None
    for combo in itertools.product(*options):
        start = dict(zip(ids, combo, strict=True))
        if any(p["status"] == "committed" and start[p["project_id"]] is None for p in projects):
            continue
        use = np.zeros((len(roles), T))
        for p, s in start.items():
            if s is not None:
                use[:, s : s + dur[p]] += need[p][:, None]
        if (use > cap[:, None] + 1e-9).any():
            continue
        if sum(p["cost"] for p in projects if start[p["project_id"]] is not None) > budget + 1e-9:
            continue
        ok = True
        for dep in tables["dependencies"]:
            a, b = start[dep["project_id"]], start[dep["depends_on"]]
            if dep["kind"] == "requires" and a is not None and b is None:
                ok = False
            if dep["kind"] == "excludes" and a is not None and b is not None:
                ok = False
            if dep["kind"] == "finish_to_start" and a is not None:
                ok = ok and b is not None and a >= b + dur[dep["depends_on"]]
        if not ok:
            continue
        value = sum(p["benefit"] for p in projects if start[p["project_id"]] is not None)
        best = value if best is None else max(best, value)
    return best


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(portfolios())
def test_milp_matches_brute_force_and_passes_checker(case):
    from pmo_opt.engine.check import check_plan
    from pmo_opt.engine.rank_fill import rank_and_fill

    T, tables = case
    with tempfile.TemporaryDirectory() as tmp:
        portfolio = make_portfolio(Path(tmp), **tables)
    scenario = Scenario(
        horizon_start="2027-01", horizon_months=T, objective="benefit", time_limit_s=30
    )
    plan = optimise(portfolio, scenario)
    best = brute_force_optimum(T, tables)
    if best is None:
        assert plan.status == "infeasible"
        return
    assert plan.status == "optimal"
    assert plan.objective == pytest.approx(best, abs=1e-6)
    assert check_plan(portfolio, scenario, plan) == []
    assert list(plan.horizon) == month_range("2027-01", T)
    baseline = rank_and_fill(portfolio, scenario)
    if baseline.has_solution and not check_plan(portfolio, scenario, baseline):
        assert (
            plan.objective
            >= baseline.projects.loc[baseline.selected].pipe(
                lambda s: portfolio.projects.loc[s.index, "benefit"].sum()
            )
            - 1e-6
        )
