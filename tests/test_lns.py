"""The neighbourhood search that improves the first plan on large models (pmo_opt.engine.lns)."""

from __future__ import annotations

import importlib.util
import sys

import highspy
import numpy as np
import pytest
from builders import built_milp, make_portfolio

from pmo_opt.engine.check import check_plan
from pmo_opt.engine.lns import Neighbourhoods, _Columns, _fits, aggregated_bound, improve
from pmo_opt.engine.optimise import optimise
from pmo_opt.engine.rank_fill import rank_and_fill
from pmo_opt.inputs.load import load_portfolio
from pmo_opt.inputs.scenario import Scenario, load_scenario
from pmo_opt.paths import ROOT


@pytest.fixture(scope="module")
def generated_s(tmp_path_factory):
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "benchmarks/generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    folder = module.generate_portfolio("S", 1, tmp_path_factory.mktemp("lns") / "S")
    return load_portfolio(folder), load_scenario(folder / "scenario.yaml")


def test_search_improves_the_start_and_every_answer_fits_the_full_model(generated_s):
    portfolio, scenario = generated_s
    model, highs, start = built_milp(portfolio, scenario)
    hood = Neighbourhoods.of(model, portfolio.demand)
    lp = highs.getLp()
    lower, upper = np.array(lp.col_lower_), np.array(lp.col_upper_)
    assert _fits(lp, lower, upper, start)
    cost = np.array(lp.col_cost_)
    values, facts = improve(highs, hood, start, seconds=3.0, seed=0)
    assert _fits(lp, lower, upper, values)
    assert facts["slices"] >= 1 and facts["last"] == pytest.approx(cost @ values)
    assert cost @ values <= cost @ start + 1e-9  # HiGHS minimises: never worse than the start
    assert facts["bound"] <= cost @ values  # the relaxation bounds every plan
    # the caller's model is untouched: same bounds and no solution of the slices in it
    assert np.array_equal(np.array(highs.getLp().col_lower_), lower)


def test_a_counted_search_repeats_and_stops_on_its_work(generated_s):
    portfolio, scenario = generated_s
    model, highs, start = built_milp(portfolio, scenario)
    hood = Neighbourhoods.of(model, portfolio.demand)
    runs = [improve(highs, hood, start, seconds=1.0, seed=3, work=20_000) for _ in range(2)]
    (first, facts), (again, facts_again) = runs
    assert np.array_equal(first, again)  # same model and seed: the same plan, whatever the clock
    assert facts["counted"] and facts["slices"] == facts_again["slices"]
    assert facts["work"] == facts_again["work"] >= 20_000  # it ran until the work was spent
    assert not facts["stopped_by_wall_clock"]
    lp = highs.getLp()
    assert _fits(lp, np.array(lp.col_lower_), np.array(lp.col_upper_), first)


def test_aggregated_relaxation_bounds_the_plans_and_is_weaker_than_the_full_one(generated_s):
    portfolio, scenario = generated_s
    model, highs, start = built_milp(portfolio, scenario)
    hood = Neighbourhoods.of(model, portfolio.demand)
    matrix = _Columns(highs.getLp())
    bound, values = aggregated_bound(matrix, hood.row_groups, seconds=30)
    assert bound is not None and len(values) == matrix.n
    assert bound <= matrix.cost @ start  # HiGHS minimises: below every plan's objective
    # one row per role with capacity rows, one for the budget, the rest as they were
    names = [c.name for c in model.problem.constraints()]
    capacity_roles = {n.rsplit("_", 1)[0] for n in names if n.startswith("capacity_")}
    other = sum(1 for n in names if not n.startswith(("capacity_", "budget_")))
    assert hood.row_groups.max() + 1 == len(capacity_roles) + 1 + other
    # the full relaxation is at least as tight (summing rows can only loosen)
    full = highspy.Highs()
    full.setOptionValue("output_flag", False)
    full.passModel(highs.getModel())
    n = matrix.n
    full.changeColsIntegrality(
        n, np.arange(n, dtype=np.int32), np.full(n, highspy.HighsVarType.kContinuous)
    )
    full.run()
    assert full.getInfo().objective_function_value >= bound


def test_a_large_model_gets_the_search_and_a_plan_no_worse_than_rank_and_fill(generated_s):
    portfolio, scenario = generated_s
    # S (about 900 start columns, demand 1.7x capacity) gets the search since issue 15
    short = scenario.replace(time_limit_s=4, solver="highs")
    plan = optimise(portfolio, short)
    search = plan.details["search"]
    assert search["slices"] >= 1 and search["bound"] is not None
    assert plan.status == "feasible" and plan.gap > short.mip_gap
    assert plan.bound >= plan.objective
    assert plan.objective >= rank_and_fill(portfolio, short).objective
    assert check_plan(portfolio, short, plan) == []


def test_small_models_are_solved_without_the_search(tmp_path):
    projects = [
        {"project_id": p, "duration": 2, "benefit": b, "cost": 100}
        for p, b in zip("ABC", (10, 8, 5), strict=True)
    ]
    portfolio = make_portfolio(
        tmp_path,
        projects=projects,
        demand=[{"project_id": p, "role": "dev", "fte": 2} for p in "ABC"],
        capacity=[{"role": "dev", "fte": 2}],
    )
    scenario = Scenario(horizon_start="2027-01", horizon_months=4, solver="highs")
    plan = optimise(portfolio, scenario)
    assert "search" not in plan.details and plan.status == "optimal"


def test_the_sample_is_left_to_highs_without_the_search():
    # about 1,000 start columns, above LNS_COLUMNS, but the work mostly fits (0.95 of capacity)
    portfolio = load_portfolio(ROOT / "data" / "sample")
    scenario = load_scenario(
        ROOT / "data" / "scenarios" / "baseline.yaml", time_limit_s=1, solver="highs"
    )
    plan = optimise(portfolio, scenario)
    assert "search" not in plan.details
