"""The default settings (``solver="default"``): the engine chosen by the shape of the problem,
and the same plan for the same input, run after run (issue 15)."""

from __future__ import annotations

import importlib.util
import sys

import pytest
from builders import make_portfolio

from pmo_opt.engine.check import check_plan
from pmo_opt.engine.choice import choose_engine
from pmo_opt.engine.optimise import optimise
from pmo_opt.engine.rank_fill import rank_and_fill
from pmo_opt.inputs.load import load_portfolio
from pmo_opt.inputs.scenario import Scenario, load_scenario
from pmo_opt.paths import ROOT, SAMPLE_DIR


def _generate(size: str, seed: int, folder):
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "benchmarks/generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.generate_portfolio(size, seed, folder)


def _fingerprint(plan):
    return plan.status, round(plan.objective, 6), sorted(plan.starts.items()), plan.solver


def test_the_default_needs_no_flag_and_chooses_by_shape(tmp_path):
    assert Scenario().solver == "default"
    projects = [
        {"project_id": p, "duration": 1, "benefit": b, "cost": 1}
        for p, b in zip("ABC", (3, 2, 1), strict=True)
    ]
    pf = make_portfolio(
        tmp_path,
        projects=projects,
        demand=[{"project_id": p, "role": "dev", "fte": 1} for p in "ABC"],
        capacity=[{"role": "dev", "fte": 2}],
    )
    one_month = Scenario(horizon_start="2027-01", horizon_months=1)
    assert choose_engine(pf, one_month) == "highs"  # selection only: the MILP proves it
    assert choose_engine(pf, one_month.replace(objective="makespan")) == "cpsat"
    plan = optimise(pf, one_month)
    assert plan.status == "optimal" and plan.selected == ["A", "B"]
    assert plan.details["engine_choice"] == "by problem shape"


@pytest.mark.slow
def test_the_sample_gives_the_same_plan_twice_under_the_default():
    portfolio = load_portfolio(SAMPLE_DIR)
    scenario = Scenario()  # the work mostly fits (0.95 of capacity): HiGHS, which proves it
    first, again = optimise(portfolio, scenario), optimise(portfolio, scenario)
    assert first.solver == "highs" and first.status == "optimal"
    assert _fingerprint(first) == _fingerprint(again)
    assert check_plan(portfolio, scenario, first) == []


@pytest.mark.slow
def test_a_generated_s_gives_the_same_plan_twice_and_beats_rank_and_fill(tmp_path):
    folder = _generate("S", 1, tmp_path / "S")
    portfolio = load_portfolio(folder)
    scenario = load_scenario(folder / "scenario.yaml", time_limit_s=2)
    first, again = optimise(portfolio, scenario), optimise(portfolio, scenario)
    assert first.solver == "cpsat" and first.status == "feasible"
    assert _fingerprint(first) == _fingerprint(again)
    assert first.details["work_used"] == again.details["work_used"]
    assert not first.details["stopped_by_wall_clock"]
    assert first.objective >= rank_and_fill(portfolio, scenario).objective
    assert check_plan(portfolio, scenario, first) == []


@pytest.mark.slow
def test_a_generated_m_gives_the_same_plan_twice_through_the_counted_search(tmp_path):
    folder = _generate("M", 1, tmp_path / "M")
    portfolio = load_portfolio(folder)
    scenario = load_scenario(folder / "scenario.yaml", time_limit_s=3)
    assert choose_engine(portfolio, scenario) == "highs"  # 6,000 start options: HiGHS + search
    first, again = optimise(portfolio, scenario), optimise(portfolio, scenario)
    assert _fingerprint(first) == _fingerprint(again)
    search = first.details["search"]
    assert search["counted"] and search["then"] == "none"
    assert first.details["stopped_by_wall_clock"] is False
    assert search["work"] == again.details["search"]["work"]
    # nothing proven beyond the relaxation's bound, and the message says what stopped it
    assert first.status == "feasible" and 0 < first.gap < 1
    assert "slices" in first.message
    assert first.objective >= rank_and_fill(portfolio, scenario).objective
    assert check_plan(portfolio, scenario, first) == []
