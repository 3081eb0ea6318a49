"""Money over time (analysis.money): cost as the budget rows count it, benefit by the stated rule,
NPV and payback, on small real portfolios worked by hand."""

from __future__ import annotations

import pytest
from builders import make_portfolio

from pmo_opt.analysis.money import BENEFIT_MONTHS, budget_per_year, money_view
from pmo_opt.engine.optimise import optimise
from pmo_opt.engine.plan import make_plan
from pmo_opt.errors import InputError
from pmo_opt.inputs.scenario import Scenario, load_scenario, resolve_horizon

H = {"horizon_start": "2027-01", "horizon_months": 24}


def two(tmp_path, **extra):
    """A: 2 months, cost 1,200, benefit 3,600 (no cost of delay: 100 a month over 36 months).
    B: 3 months, cost 300, benefit 500 at a cost of delay of 200 a month (200, 200, 100)."""
    tables = {
        "projects": [
            {"project_id": "A", "duration": 2, "cost": 1200, "benefit": 3600},
            {"project_id": "B", "duration": 3, "cost": 300, "benefit": 500, "cost_of_delay": 200},
        ],
        "demand": [{"project_id": p, "role": "dev", "fte": 1} for p in "AB"],
        "capacity": [{"role": "dev", "fte": 2}],
        "budget": [
            {"period": "2027", "amount": 2000},
            {"period": "2027-Q1", "amount": 1500},
            {"period": "2028", "amount": 500},
        ],
    }
    tables.update(extra)
    return make_portfolio(tmp_path, **tables)


def planned(pf, starts, **kw):
    scenario = Scenario(**{**H, **kw})
    return make_plan(pf, scenario, resolve_horizon(pf, scenario), starts, status="feasible")


def test_benefit_rule_and_years(tmp_path):
    pf = two(tmp_path)
    plan = planned(pf, {"A": "2027-11", "B": "2027-01"}, discount_rate=0.0)
    view = money_view(pf, plan)
    years = view.years.set_index("year")
    # A spends 600 in Nov and Dec 2027; B 100 a month Jan-Mar 2027
    assert years.at[2027, "cost"] == pytest.approx(1500)
    # B's benefit: Apr 200, May 200, Jun 100 (all 2027); A's from Jan 2028, 100 a month, 36 months
    assert years.at[2027, "benefit"] == pytest.approx(500)
    assert years.at[2028, "benefit"] == pytest.approx(1200)
    assert years.at[2030, "benefit"] == pytest.approx(1200)
    assert list(years.index) == [2027, 2028, 2029, 2030]
    assert view.total_benefit == pytest.approx(3600 + 500)  # the whole stated benefit, no more
    a = view.projects.loc["A"]
    assert a["benefit_from"] == "2028-01"
    assert a["benefit_per_month"] == pytest.approx(3600 / BENEFIT_MONTHS)
    assert view.projects.at["B", "benefit_per_month"] == pytest.approx(200)
    # at 0% the NPV is plain benefit minus cost; cumulative net turns positive in 2028
    assert view.npv == pytest.approx(4100 - 1500)
    assert view.payback_year == 2028
    assert view.projects.at["A", "payback_year"] == 2028  # -1200 + 1200 by Dec 2028


def test_npv_discounts_by_month(tmp_path):
    pf = two(tmp_path)
    plan = planned(pf, {"B": "2027-01"}, discount_rate=0.10)
    view = money_view(pf, plan)
    expected = -sum(100 / 1.1 ** (k / 12) for k in range(3)) + sum(
        amount / 1.1 ** (k / 12) for k, amount in ((3, 200), (4, 200), (5, 100))
    )
    assert view.npv == pytest.approx(expected)
    assert view.projects.at["B", "npv"] == pytest.approx(expected)
    assert view.discount_rate == 0.10 and view.currency == ""  # no settings table


def test_cost_per_year_is_what_the_budget_rows_count(tmp_path):
    pf = two(tmp_path)
    plan = optimise(pf, Scenario(**H, time_limit_s=10))
    assert plan.status == "optimal"
    view = money_view(pf, plan)
    spend = plan.spend.assign(year=plan.spend["month"].str[:4].astype(int))
    by_year = spend.groupby("year")["total"].sum()
    for year, cost in zip(view.years["year"], view.years["cost"], strict=True):
        assert cost == pytest.approx(by_year.get(year, 0.0))
        assert cost <= view.years.set_index("year")["budget"].fillna(float("inf"))[year] + 1e-6


def test_budget_tranches_are_not_added_to_the_year(tmp_path):
    pf = two(tmp_path)
    budget = budget_per_year(pf, Scenario(**H, budget_scale=0.5))
    # 2027 has a year budget of 2,000 and a Q1 tranche of 1,500 inside it: 2,000, not 3,500
    assert budget.to_dict() == {2027: 1000.0, 2028: 250.0}
    quarters = two(
        tmp_path / "q",
        budget=[{"period": "2027-Q1", "amount": 10}, {"period": "2027-Q2", "amount": 20}],
    )
    assert budget_per_year(quarters, Scenario(**H)).to_dict() == {2027: 30.0}


def test_discount_rate_setting(tmp_path):
    assert Scenario().discount_rate == 0.08
    with pytest.raises(InputError, match="discount_rate"):
        Scenario(discount_rate=1.5)
    path = tmp_path / "s.yaml"
    path.write_text("discount_rate: 0.05\n")
    assert load_scenario(path).discount_rate == 0.05
    path.write_text("discount_rate: eight\n")
    with pytest.raises(InputError, match="discount_rate"):
        load_scenario(path)
