"""Budget and risk frontiers: exact re-solves that never lose value as money grows."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from builders import make_portfolio

from pmo_opt.analysis.frontier import (
    budget_reference,
    efficient_frontier,
    frontier_plans,
    frontier_table,
    risk_frontier,
)
from pmo_opt.cli import main
from pmo_opt.engine.check import check_plan
from pmo_opt.engine.optimise import optimise
from pmo_opt.inputs.scenario import Scenario


def scen(**kw) -> Scenario:
    return Scenario(horizon_start="2027-01", horizon_months=4, **kw)


def portfolio(tmp_path, budget=None, **extra):
    """A, B, C, D: values 10, 8, 5, 0.1, each costs 100 over two months; dev 4 FTE."""
    values = {"A": 10, "B": 8, "C": 5, "D": 0.1}
    tables = {
        "projects": [
            {"project_id": p, "duration": 2, "benefit": v, "cost": 100, "risk": r}
            for (p, v), r in zip(values.items(), (5, 1, 3, 2), strict=True)
        ],
        "demand": [{"project_id": p, "role": "dev", "fte": 2} for p in values],
        "capacity": [{"role": "dev", "fte": 4}],
        "budget": budget or [{"period": "total", "amount": 100}],
    }
    tables.update(extra)
    return make_portfolio(tmp_path, **tables)


def test_frontier_never_decreases_and_every_point_is_a_valid_plan(tmp_path):
    pf, sc = portfolio(tmp_path), scen()
    plans = frontier_plans(pf, sc, points=5)
    table = frontier_table(pf, sc, plans)
    # unlimited money: all four (spend 400) -> top scale 4; points 0, 1, 2, 3, 4
    assert table["budget_scale"].tolist() == pytest.approx([0, 1, 2, 3, 4])
    assert table["value"].tolist() == pytest.approx([0, 10, 18, 23, 23.1])
    assert table["value"].is_monotonic_increasing
    assert (table["status"] == "optimal").all()
    for at, plan in plans:
        assert check_plan(pf, at, plan) == [], at.budget_scale
    assert table["is_current"].tolist() == [False, True, False, False, False]
    assert table["budget"].tolist() == pytest.approx([0, 100, 200, 300, 400])
    assert table["marginal_value"].iloc[1:].tolist() == pytest.approx([0.1, 0.08, 0.05, 0.001])
    # average slope 23.1 / 400; the last step (0.001) is below 10% of it: the knee is at 300
    assert table.loc[table["knee"], "budget"].tolist() == [300]
    assert (table["note"] == "").all()


def test_frontier_includes_the_current_budget_and_accepts_money_amounts(tmp_path):
    pf = portfolio(tmp_path, budget=[{"period": "2027-Q1", "amount": 150},
                                     {"period": "2027-Q2", "amount": 50}])  # fmt: skip
    assert budget_reference(pf, [f"2027-0{i}" for i in range(1, 5)]) == 200
    table = efficient_frontier(pf, scen(budget_scale=1.25), budgets=[0, 400])
    assert table["budget"].tolist() == pytest.approx([0, 250, 400])
    assert table["is_current"].tolist() == [False, True, False]
    assert table["value"].is_monotonic_increasing


def test_a_point_never_shows_less_than_a_cheaper_points_plan(tmp_path):
    pf, sc = portfolio(tmp_path), scen()
    cheap, dear = sc.replace(budget_scale=2), sc.replace(budget_scale=3)
    good = optimise(pf, cheap)
    # a poor own solve at the higher budget, as a solve stopped at its time limit could give
    poor = dataclasses.replace(
        optimise(pf, dear.replace(force_out=("A", "B"))), scenario=dear, status="feasible",
        bound=20.0,
    )  # fmt: skip
    table = frontier_table(pf, sc, [(dear, poor), (cheap, good)])
    assert table["value"].tolist() == pytest.approx([18, 18])
    assert table["value"].is_monotonic_increasing
    assert table["status"].tolist() == ["optimal", "feasible"]  # its own status and bound
    assert table["gap"].iloc[1] == pytest.approx((20 - 18) / 18)
    assert "cheaper point at scale 2" in table["note"].iloc[1]
    assert table["note"].iloc[0] == ""


def test_risk_frontier(tmp_path):
    pf, sc = portfolio(tmp_path, budget=[{"period": "total", "amount": 1000}]), scen()
    table = risk_frontier(pf, sc, points=5)
    assert table["max_avg_risk"].tolist() == pytest.approx([1, 2, 3, 4, 5])
    assert table["value"].is_monotonic_increasing
    assert (table["avg_risk"] <= table["max_avg_risk"] + 1e-9).all()
    assert table["value"].iloc[0] == pytest.approx(8)  # only B (risk 1) fits a cap of 1


def test_frontier_command_writes_the_table(tmp_path, capsys):
    portfolio(tmp_path / "pf")
    code = main(
        ["frontier", str(tmp_path / "pf"), "--points", "3", "--set", "horizon_start=2027-01",
         "--set", "horizon_months=4", "--out", str(tmp_path / "out")]
    )  # fmt: skip
    assert code == 0
    table = pd.read_csv(tmp_path / "out" / "frontier.csv")
    assert table["budget_scale"].tolist() == pytest.approx([0, 1, 2, 4])
    assert "current budget" in capsys.readouterr().out
