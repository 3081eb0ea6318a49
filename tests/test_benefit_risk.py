"""Risk in money (analysis.benefit_risk): seeded triangular draws of benefit and cost."""

from __future__ import annotations

import pytest
from builders import make_portfolio

from pmo_opt.analysis.benefit_risk import money_risk
from pmo_opt.engine.plan import make_plan
from pmo_opt.inputs.scenario import Scenario, resolve_horizon

H = {"horizon_start": "2027-01", "horizon_months": 12}


def portfolio(tmp_path, budget=10_000, **ranges):
    rows = [
        {
            "project_id": "WIDE",
            "duration": 2,
            "cost": 1000,
            "benefit": 5000,
            "benefit_low": 1000,
            "benefit_high": 9000,
            "cost_low": 900,
            "cost_high": 1500,
        },
        {
            "project_id": "NARROW",
            "duration": 2,
            "cost": 1000,
            "benefit": 2000,
            "benefit_low": 1900,
            "benefit_high": 2100,
            "cost_low": 990,
            "cost_high": 1010,
        },
        {"project_id": "POINT", "duration": 2, "cost": 500, "benefit": 700},
    ]
    for row in rows:
        row.update(ranges.get(row["project_id"], {}))
    return make_portfolio(
        tmp_path,
        projects=rows,
        demand=[{"project_id": r["project_id"], "role": "dev", "fte": 1} for r in rows],
        capacity=[{"role": "dev", "fte": 3}],
        budget=[{"period": "2027", "amount": budget}],
    )


def plan_of(pf, selected=("WIDE", "NARROW", "POINT")):
    scenario = Scenario(**H, seed=7)
    horizon = resolve_horizon(pf, scenario)
    return make_plan(pf, scenario, horizon, {p: "2027-01" for p in selected}, status="feasible")


def test_ranges_are_seeded_ordered_and_around_the_stated_figures(tmp_path):
    pf = portfolio(tmp_path)
    plan = plan_of(pf)
    risk = money_risk(pf, plan)
    again = money_risk(pf, plan)
    assert risk.summary.equals(again.summary)  # same seed, same figures
    other = money_risk(pf, plan, seed=8)
    assert not risk.summary.equals(other.summary)
    for row in ("benefit", "cost"):
        p10, p50, p90 = risk.summary.loc[row, ["P10", "P50", "P90"]]
        assert p10 < p50 < p90
    assert risk.summary.at["benefit", "stated"] == 7700
    # triangular (1000, 5000, 9000) is symmetric: the portfolio's median stays near 7,700
    assert risk.summary.at["benefit", "P50"] == pytest.approx(7700, rel=0.03)
    assert risk.draws == 5000 and risk.seed == 7
    # WIDE carries nearly all the spread; POINT has none
    assert list(risk.drivers.index) == ["WIDE", "NARROW", "POINT"]
    assert risk.drivers.at["POINT", "share_of_spread"] == 0
    assert risk.drivers["share_of_spread"].sum() == pytest.approx(1)


def test_no_ranges_means_no_spread(tmp_path):
    pf = portfolio(tmp_path)
    risk = money_risk(pf, plan_of(pf, ("POINT",)))
    assert list(risk.summary.loc["benefit", ["P10", "P50", "P90"]]) == [700, 700, 700]
    assert list(risk.summary.loc["cost", ["P10", "P90"]]) == [500, 500]


def test_chance_of_breaking_the_budget(tmp_path):
    ample = portfolio(tmp_path / "a", budget=10_000)
    assert money_risk(ample, plan_of(ample)).chance_over_budget == 0
    # stated cost 2,500 fits 2,600, but WIDE's overrun (up to +500) often breaks it
    tight = portfolio(tmp_path / "t", budget=2600)
    chance = money_risk(tight, plan_of(tight)).chance_over_budget
    assert 0.1 < chance < 0.9
    # the lowest cost of WIDE and POINT together (900 + 500) is above the budget: always over
    over_all = portfolio(tmp_path / "o2", budget=1300)
    assert money_risk(over_all, plan_of(over_all, ("WIDE", "POINT"))).chance_over_budget == 1
