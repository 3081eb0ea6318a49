"""The CP-SAT engine (``solver=cpsat``) and ``solver=auto``: the MILP's hand cases, agreement with
the MILP on random portfolios, integer scaling that never loosens a limit, and RCPSP."""

from __future__ import annotations

import importlib.util
import sys
import tempfile
import threading
from pathlib import Path

import numpy as np
import pytest
import test_model as hand
import test_model_properties as props
from builders import built_milp, make_portfolio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmo_opt.engine.check import check_plan
from pmo_opt.engine.cpsat_model import decimal_scale
from pmo_opt.engine.lns import _fits as fits
from pmo_opt.engine.milp import start_vector
from pmo_opt.engine.optimise import optimise
from pmo_opt.engine.rank_fill import rank_and_fill
from pmo_opt.inputs.instances import RCPSP_DIR, makespan_months, rcpsp_to_portfolio, read_psplib_sm
from pmo_opt.inputs.load import load_portfolio
from pmo_opt.inputs.months import month_range
from pmo_opt.inputs.scenario import Scenario, load_scenario
from pmo_opt.paths import ROOT

H4 = {"horizon_start": "2027-01", "horizon_months": 4}

# --------------------------------------------------------------------------------------------
# every hand case of test_model.py, re-run with the second engine (and with auto)

HAND_CASES = sorted(n for n, f in vars(hand).items() if n.startswith("test_") and callable(f))


@pytest.mark.parametrize("solver", ["cpsat", pytest.param("auto", marks=pytest.mark.slow)])
@pytest.mark.parametrize("name", HAND_CASES)
def test_hand_case(name, solver, tmp_path, monkeypatch):
    real, used = hand.optimise, []

    def with_engine(portfolio, scenario=None, warm_start=None):
        plan = real(portfolio, (scenario or Scenario()).replace(solver=solver), warm_start)
        used.append(plan.solver)
        return plan

    # the hand case calls its module's ``optimise``; route it through the chosen engine
    monkeypatch.setattr(hand, "optimise", with_engine)
    getattr(hand, name)(tmp_path)
    assert all(s.startswith(solver) for s in used), used
    assert used or name == "test_unknown_forced_project_is_input_error"


def three(tmp_path, **extra):
    return hand.three(tmp_path, **extra)


# --------------------------------------------------------------------------------------------
# integers: exact where the data allow, never looser where they do not


def test_decimal_scale_is_the_smallest_exact_power_of_ten():
    assert decimal_scale([2, 4, 6], range(0, 5)) == (1.0, True)
    assert decimal_scale([0.29, 1.5], range(0, 5)) == (100.0, True)  # 0.29 * 100 is not 29.0
    assert decimal_scale([312000, 78000], range(-6, 10)) == (1e-3, True)
    assert decimal_scale([1 / 3], range(0, 5)) == (1e4, False)
    # a factor never scales the magnitude beyond the limit
    assert decimal_scale([1 / 3], range(0, 10), magnitude=1e6, limit=1e12) == (1e6, False)
    assert decimal_scale([], range(0, 5)) == (1.0, True)


def test_hand_data_are_scaled_exactly(tmp_path):
    plan = optimise(three(tmp_path), Scenario(**H4, solver="cpsat"))
    scaling = plan.details["scaling"]
    assert scaling["exact"] and scaling["rounded"] == []
    assert scaling["fte_units_per_fte"] == 1.0


def test_fractions_are_rounded_so_that_limits_are_never_loosened(tmp_path):
    # three thirds of an FTE fill one FTE exactly; in 1/10,000 FTE units each rounds up to
    # 3,334, so CP-SAT takes two, and the independent checker confirms the plan
    projects = [{"project_id": p, "duration": 1, "benefit": 1, "cost": 10} for p in "ABC"]
    demand = [{"project_id": p, "role": "dev", "fte": 1 / 3} for p in "ABC"]
    pf = make_portfolio(
        tmp_path,
        projects=projects,
        demand=demand,
        capacity=[{"role": "dev", "fte": 1}],
        budget=[{"period": "total", "amount": 100 / 3}],  # rounded down: 33.3333 (3 x 10 fit)
    )
    scenario = Scenario(horizon_start="2027-01", horizon_months=1, objective="benefit")
    plan = optimise(pf, scenario.replace(solver="cpsat"))
    assert plan.details["scaling"]["exact"] is False
    assert plan.details["scaling"]["rounded"] == ["fte", "money"]
    assert plan.status == "optimal" and len(plan.selected) == 2
    assert check_plan(pf, scenario, plan) == []


def test_time_varying_capacity_and_demand_profiles_match_the_milp(tmp_path):
    # dev has 2 FTE but none in March; A ramps up (1 then 2 FTE), B ramps down; hiring adds
    # up to 1 FTE in any month at a cost the total budget must carry
    projects = [
        {"project_id": "A", "duration": 2, "benefit": 10, "cost": 20},
        {"project_id": "B", "duration": 2, "benefit": 8, "cost": 20},
        {"project_id": "C", "duration": 3, "benefit": 9, "cost": 30},
    ]
    demand = [
        {"project_id": "A", "role": "dev", "month_offset": 0, "fte": 1},
        {"project_id": "A", "role": "dev", "month_offset": 1, "fte": 2},
        {"project_id": "B", "role": "dev", "month_offset": 0, "fte": 1.5},
        {"project_id": "B", "role": "dev", "month_offset": 1, "fte": 0.5},
        {"project_id": "C", "role": "dev", "month_offset": 1, "fte": 1},
    ]
    capacity = [{"role": "dev", "fte": 2}, {"role": "dev", "month": "2027-03", "fte": 0}]
    roles = [
        {"role": "dev", "cost_per_fte_month": 0, "hire_cost_per_fte_month": 4, "max_hire_fte": 1}
    ]
    pf = make_portfolio(
        tmp_path,
        projects=projects,
        demand=demand,
        capacity=capacity,
        roles=roles,
        budget=[{"period": "total", "amount": 74}],
    )
    for hiring in (False, True):
        scenario = Scenario(
            horizon_start="2027-01", horizon_months=5, objective="benefit", allow_hiring=hiring
        )
        milp = optimise(pf, scenario)
        cp = optimise(pf, scenario.replace(solver="cpsat"))
        assert (milp.status, cp.status) == ("optimal", "optimal")
        assert cp.objective == pytest.approx(milp.objective)
        assert check_plan(pf, scenario, cp) == []
        # no hire beyond what the chosen starts need
        if len(cp.hires):
            load = cp.load.set_index(["role", "month"])
            for r, mo, f in cp.hires[["role", "month", "fte"]].itertuples(index=False):
                assert f == pytest.approx(
                    load.at[(r, mo), "demand_fte"] - load.at[(r, mo), "capacity_fte"]
                )
    assert milp.objective == pytest.approx(27)  # hiring lets all three in
    assert cp.spend["hire_spend"].sum() == pytest.approx(cp.hires["fte"].sum() * 4)


# --------------------------------------------------------------------------------------------
# statuses, warm starts, determinism


def test_mandatory_work_that_cannot_fit_is_infeasible_data(tmp_path):
    projects = [{"project_id": "A", "duration": 6, "benefit": 1, "cost": 1, "status": "committed"}]
    pf = three(tmp_path, projects=projects, demand=[{"project_id": "A", "role": "dev", "fte": 1}])
    plan = optimise(pf, Scenario(**H4, solver="cpsat"))
    assert plan.status == "infeasible" and plan.selected == []
    assert "cannot fit in the horizon" in plan.message and plan.details["unschedulable"] == ["A"]


def _generated_s(tmp_path: Path) -> Path:
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "benchmarks/generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.generate_portfolio("S", 1, tmp_path / "S")


def test_time_limited_plan_is_feasible_with_an_honest_gap(tmp_path):
    folder = _generated_s(tmp_path)
    pf = load_portfolio(folder)
    scenario = load_scenario(folder / "scenario.yaml", solver="cpsat", time_limit_s=1)
    plan = optimise(pf, scenario)
    assert plan.status == "feasible" and plan.solver == "cpsat"
    assert plan.gap > scenario.mip_gap and plan.bound >= plan.objective
    assert plan.gap == pytest.approx((plan.bound - plan.objective) / plan.objective)
    assert check_plan(pf, scenario, plan) == []


def test_warm_start_and_repeat_runs_give_the_same_plan(tmp_path):
    pf = three(tmp_path, budget=[{"period": "2027-Q1", "amount": 250}])
    scenario = Scenario(**H4, solver="cpsat", threads=2)
    first = optimise(pf, scenario)
    again = optimise(pf, scenario)
    hinted = optimise(pf, scenario, warm_start=optimise(pf, scenario.replace(solver="highs")))
    assert first.status == again.status == hinted.status == "optimal"
    assert first.starts == again.starts  # same input, same seed: same plan
    assert (
        first.details["warm_start"] == "rank_and_fill" and hinted.details["warm_start"] == "given"
    )
    # a different hint may land on a different plan of the same value (A and B swap months)
    assert first.objective == hinted.objective == pytest.approx(18)
    assert sorted(hinted.starts.values(), key=str) == sorted(first.starts.values(), key=str)


# --------------------------------------------------------------------------------------------
# auto


def test_auto_runs_both_engines_and_the_first_proof_stops_the_other(tmp_path):
    pf = three(tmp_path, budget=[{"period": "total", "amount": 250}])
    scenario = Scenario(**H4, solver="auto")
    plan = optimise(pf, scenario)
    engines = plan.details["engines"]
    assert set(engines) == {"highs", "cpsat"}
    assert plan.status == "optimal" and plan.objective == pytest.approx(18)
    assert plan.details["warm_start"] == "rank_and_fill"
    assert check_plan(pf, scenario, plan) == []
    first = plan.details["chosen"]
    assert plan.solver == f"auto:{first}" and engines[first]["status"] == "optimal"
    other = "cpsat" if first == "highs" else "highs"
    if engines[other]["status"] == "optimal":
        # both proved before either was stopped: a tie goes to the MILP
        assert first == "highs"
        assert engines["highs"]["objective"] == pytest.approx(engines["cpsat"]["objective"])
    else:
        # the loser was stopped by the winner's proof, and says so
        assert engines[other]["status"] == "feasible"
        key = "stopped_after_cpsat_proof" if other == "highs" else "stopped_after_milp_proof"
        assert engines[other][key] is True


def test_a_plan_from_cpsat_becomes_milp_column_values_that_fit_the_model(tmp_path):
    # what auto hands HiGHS during its search: start months turned into the MILP's columns
    folder = _generated_s(tmp_path)
    pf = load_portfolio(folder)
    scenario = load_scenario(folder / "scenario.yaml", solver="cpsat", time_limit_s=2)
    plan = optimise(pf, scenario)
    assert plan.has_solution
    index = {m: i for i, m in enumerate(plan.horizon)}
    starts = {p: index[s] for p, s in plan.starts.items() if s is not None}
    model, highs, _ = built_milp(pf, scenario.replace(solver="highs"))
    values = start_vector(model, pf, scenario, starts)
    lp = highs.getLp()
    assert fits(lp, np.array(lp.col_lower_), np.array(lp.col_upper_), values)
    assert -np.array(lp.col_cost_) @ values == pytest.approx(plan.objective)  # maximised
    assert start_vector(model, pf, scenario, {next(iter(starts)): 10**6}) is None  # no window


def test_auto_hands_cpsat_plans_to_highs_during_the_search(tmp_path):
    folder = _generated_s(tmp_path)
    pf = load_portfolio(folder)
    scenario = load_scenario(folder / "scenario.yaml", solver="auto", time_limit_s=4)
    plan = optimise(pf, scenario)
    engines = plan.details["engines"]
    assert engines["cpsat"]["plans_sent"] >= 1  # at least its first (hinted) plan
    assert 0 <= engines["highs"]["cpsat_plans_taken"] <= engines["cpsat"]["plans_sent"]
    assert plan.has_solution and check_plan(pf, scenario, plan) == []


def test_a_set_stop_event_ends_the_milp_search_with_an_honest_status(tmp_path):
    # what auto does to HiGHS once CP-SAT has proven its plan optimal
    folder = _generated_s(tmp_path)
    pf = load_portfolio(folder)
    scenario = load_scenario(folder / "scenario.yaml", solver="highs", time_limit_s=120)
    stop = threading.Event()
    stop.set()
    plan = optimise(pf, scenario, stop=stop)
    assert plan.status == "feasible" and "stopped early" in plan.message
    assert plan.solve_seconds < 60  # far from its 120 s limit: the interrupt ended it
    assert plan.gap is None or plan.gap > scenario.mip_gap  # stopped before any bound: unknown
    start = rank_and_fill(pf, scenario)
    assert plan.objective >= start.objective  # never less than the plan it started from
    assert check_plan(pf, scenario, plan) == []


@pytest.mark.slow
def test_auto_is_at_least_as_good_as_each_engine_on_an_rcpsp_instance(tmp_path):
    inst = read_psplib_sm(RCPSP_DIR / "j301_1.sm")
    scenario = rcpsp_to_portfolio(inst, tmp_path).replace(time_limit_s=5)
    pf = load_portfolio(tmp_path)
    plans = {s: optimise(pf, scenario.replace(solver=s)) for s in ("highs", "cpsat", "auto")}
    for plan in plans.values():
        assert plan.has_solution and check_plan(pf, scenario, plan) == []
    auto = plans["auto"]
    assert auto.objective <= min(plans["highs"].objective, plans["cpsat"].objective)
    assert auto.objective == inst.optimum == 43 and auto.status == "optimal"
    assert auto.details["engines"]["cpsat"]["objective"] == 43


# --------------------------------------------------------------------------------------------
# RCPSP: CP-SAT's home ground


@pytest.mark.slow
def test_cpsat_reaches_the_optimal_makespan_of_j301_1(tmp_path):
    inst = read_psplib_sm(RCPSP_DIR / "j301_1.sm")
    scenario = rcpsp_to_portfolio(inst, tmp_path).replace(solver="cpsat", time_limit_s=20)
    pf = load_portfolio(tmp_path)
    plan = optimise(pf, scenario)
    assert plan.status == "optimal" and plan.gap == 0
    assert makespan_months(plan.starts, pf.projects["duration"].to_dict()) == inst.optimum == 43
    assert plan.objective == plan.bound == 43
    assert check_plan(pf, scenario, plan) == []


# --------------------------------------------------------------------------------------------
# random portfolios: CP-SAT against brute force, and against the MILP on every rule


@pytest.mark.slow
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(props.portfolios())
def test_cpsat_matches_brute_force_and_passes_checker(case):
    T, tables = case
    with tempfile.TemporaryDirectory() as tmp:
        portfolio = make_portfolio(Path(tmp), **tables)
    scenario = Scenario(
        horizon_start="2027-01", horizon_months=T, objective="benefit", solver="cpsat"
    )
    plan = optimise(portfolio, scenario)
    best = props.brute_force_optimum(T, tables)
    if best is None:
        assert plan.status == "infeasible"
        return
    assert plan.status == "optimal"
    assert plan.objective == pytest.approx(best, abs=1e-6)
    assert check_plan(portfolio, scenario, plan) == []


@st.composite
def rich_portfolios(draw):
    """Small portfolios using every rule: month-varying capacity, demand profiles, budgets per
    period, hiring, windows, dependencies, categories, risk; all figures exact in decimals."""
    objective = draw(st.sampled_from(["benefit", "value_minus_delay", "makespan"]))
    makespan = objective == "makespan"  # everything is in: fewer rules, or it rarely fits
    T = draw(st.integers(4, 8) if makespan else st.integers(2, 5))
    horizon = month_range("2027-01", T)
    n = draw(st.integers(2, 4 if makespan else 5))
    roles = ["dev", "ops"][: draw(st.integers(1, 2))]
    projects, demand = [], []
    for i in range(n):
        d = draw(st.integers(1, 2 if makespan else min(3, T)))
        row = {
            "project_id": f"P{i}",
            "duration": d,
            "benefit": draw(st.integers(1, 20)),
            "cost": d * draw(st.integers(0, 4)) if draw(st.booleans()) else None,
            "risk": draw(st.integers(1, 5)),
            "cost_of_delay": draw(st.integers(0, 4)),
            "category": draw(st.sampled_from(["run", "grow"])),
            "status": "committed" if i == 0 and draw(st.booleans()) else "proposed",
        }
        es = draw(st.integers(0, T - d)) if draw(st.booleans()) else None
        if es is not None:
            row["earliest_start"] = horizon[es]
        if draw(st.booleans()):
            row["deadline"] = horizon[draw(st.integers((es or 0) + d - 1, T - 1))]
        projects.append(row)
        for r in roles:
            for k in range(d):
                fte = draw(st.integers(0, 4)) / 2
                if fte:
                    demand.append({"project_id": f"P{i}", "role": r, "month_offset": k, "fte": fte})
    if not demand:
        demand.append({"project_id": "P0", "role": roles[0], "month_offset": 0, "fte": 1})
    least = 4 if makespan else 1  # every project must fit on its own under makespan
    capacity = [{"role": r, "fte": draw(st.integers(least, 8)) / 2} for r in roles]
    if draw(st.booleans()):
        capacity.append(
            {
                "role": roles[0],
                "month": horizon[draw(st.integers(0, T - 1))],
                "fte": draw(st.integers(0, 3)) / 2,
            }
        )
    role_rows = [
        {
            "role": r,
            "cost_per_fte_month": draw(st.integers(0, 3)),
            "hire_cost_per_fte_month": draw(st.integers(0, 3)),
            "max_hire_fte": draw(st.integers(0, 2)) / 2,
        }
        for r in roles
    ]
    budget = []
    for period in draw(
        st.lists(st.sampled_from(["total", "2027", "2027-Q1", "2027-02"]), max_size=2, unique=True)
    ):
        budget.append({"period": period, "amount": draw(st.integers(10 * least, 60))})
    deps = []
    if n >= 3 and draw(st.booleans()):
        kinds = ["requires", "finish_to_start"] + ([] if makespan else ["excludes"])
        deps.append({"project_id": "P2", "depends_on": "P1", "kind": draw(st.sampled_from(kinds))})
    categories = []
    if not makespan and draw(st.booleans()):
        categories.append(
            {
                "category": "grow",
                "min_share": draw(st.integers(0, 5)) / 10,
                "max_share": draw(st.integers(5, 10)) / 10,
            }
        )
    settings_ = {
        "horizon_start": "2027-01",
        "horizon_months": T,
        "objective": objective,
        "allow_hiring": draw(st.booleans()),
        "max_avg_risk": draw(st.integers(2, 8)) / 2
        if not makespan and draw(st.booleans())
        else None,
        # (makespan with a forced-out successor: model.py leaves its predecessor out of the
        # makespan rows, so the MILP's bound there is not a bound; see the issue 8 report)
        "force_out": (f"P{n - 1}",) if not makespan and draw(st.booleans()) else (),
        "mip_gap": 0.0,
        "time_limit_s": 30,
    }
    tables = {
        "projects": projects,
        "demand": demand,
        "capacity": capacity,
        "roles": role_rows,
        "budget": budget,
        "dependencies": deps,
        "categories": categories,
    }
    return tables, settings_


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rich_portfolios())
def test_both_engines_reach_the_same_optimum_and_pass_the_checker(case):
    tables, settings_ = case
    with tempfile.TemporaryDirectory() as tmp:
        portfolio = make_portfolio(Path(tmp), **tables)
    scenario = Scenario(**settings_)
    milp = optimise(portfolio, scenario)
    cp = optimise(portfolio, scenario.replace(solver="cpsat"))
    assert cp.details["scaling"]["exact"]
    assert milp.has_solution == cp.has_solution, (milp.message, cp.message)
    if not cp.has_solution:
        assert milp.status == cp.status == "infeasible"
        return
    assert cp.status == "optimal"
    assert cp.objective == pytest.approx(milp.objective, abs=1e-6)
    assert check_plan(portfolio, scenario, milp) == []
    assert check_plan(portfolio, scenario, cp) == []
    assert np.isfinite(cp.bound) and cp.gap == 0
