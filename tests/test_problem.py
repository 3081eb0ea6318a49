"""The problem a portfolio poses under a scenario: its facts are those of the derivations, each
derived once, and ``optimise`` hands one problem to whichever engine it runs (issue 23)."""

from __future__ import annotations

import pytest
from builders import make_portfolio

import pmo_opt.engine.problem as problem_module
from pmo_opt.engine.objective import project_values
from pmo_opt.engine.optimise import optimise
from pmo_opt.engine.plan import capacity_grid
from pmo_opt.engine.problem import build_problem, problem_for
from pmo_opt.engine.windows import start_windows
from pmo_opt.inputs.scenario import Scenario, resolve_horizon

SCENARIO = Scenario(horizon_start="2027-01", horizon_months=3, time_limit_s=5)


@pytest.fixture
def portfolio(tmp_path):
    projects = [
        {"project_id": "A", "duration": 2, "benefit": 5, "cost": 10, "status": "in_flight"},
        {"project_id": "B", "duration": 1, "benefit": 3, "cost": 4},
        {"project_id": "C", "duration": 2, "benefit": 2, "cost": 6, "deadline": "2027-02"},
    ]
    return make_portfolio(
        tmp_path,
        projects=projects,
        demand=[{"project_id": p, "role": "dev", "fte": 1} for p in "ABC"],
        capacity=[{"role": "dev", "fte": 2}],
        budget=[{"period": "2027", "amount": 18}],
        settings=[
            {"setting": "currency", "value": "EUR"},
            {"setting": "organisation", "value": "Acme"},
        ],
    )


def test_the_facts_are_those_of_the_derivations(portfolio):
    problem = build_problem(portfolio, SCENARIO)
    horizon = resolve_horizon(portfolio, SCENARIO)
    assert problem.horizon == horizon == ["2027-01", "2027-02", "2027-03"]
    assert problem.months == 3
    assert problem.capacity.equals(capacity_grid(portfolio, horizon, SCENARIO))
    assert problem.values.equals(project_values(portfolio, SCENARIO))
    assert problem.windows.equals(start_windows(portfolio, SCENARIO, horizon))
    assert problem.windows.loc["C", "hi"] == 0  # two months before a February deadline
    assert problem.baseline is None
    assert problem.in_flight == ["A"]
    assert problem.budget.to_dict() == {"2027": 18.0}
    assert (problem.currency, problem.organisation) == ("EUR", "Acme")


def test_a_problem_is_frozen_and_derives_each_fact_once(portfolio, monkeypatch):
    calls = []
    derive = problem_module.resolve_horizon
    monkeypatch.setattr(problem_module, "resolve_horizon", lambda *a: calls.append(1) or derive(*a))
    problem = build_problem(portfolio, SCENARIO)
    assert problem.horizon is problem.horizon
    assert len(calls) == 1
    with pytest.raises(AttributeError):
        problem.scenario = Scenario()


def test_other_limits_keep_the_problem_and_other_facts_do_not(portfolio):
    problem = build_problem(portfolio, SCENARIO)
    faster = SCENARIO.replace(solver="cpsat", time_limit_s=1, threads=1)
    assert problem_for(problem, portfolio, faster) is problem
    smaller = SCENARIO.replace(capacity_scale=0.5)
    other = problem_for(problem, portfolio, smaller)
    assert other is not problem and other.capacity["fte"].sum() == 3.0
    assert problem_for(None, portfolio, SCENARIO).horizon == problem.horizon


@pytest.mark.parametrize("solver", ["default", "highs", "cpsat"])
def test_optimise_builds_the_problem_once_for_every_engine(portfolio, monkeypatch, solver):
    counts = {"horizon": 0, "values": 0}
    horizon, values = problem_module.resolve_horizon, problem_module.project_values

    def counted_horizon(*args):
        counts["horizon"] += 1
        return horizon(*args)

    def counted_values(*args):
        counts["values"] += 1
        return values(*args)

    monkeypatch.setattr(problem_module, "resolve_horizon", counted_horizon)
    monkeypatch.setattr(problem_module, "project_values", counted_values)
    plan = optimise(portfolio, SCENARIO.replace(solver=solver))
    assert plan.status == "optimal" and plan.selected == ["A", "B"]
    assert counts == {"horizon": 1, "values": 1}
