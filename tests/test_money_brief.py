"""The brief's money sections and charts: the numbers on the page are the analysis' numbers."""

from __future__ import annotations

import pytest
from builders import make_portfolio

from pmo_opt.analysis.benefit_risk import money_risk
from pmo_opt.analysis.money import money_view
from pmo_opt.analysis.score_benefit import score_benefit_frontier
from pmo_opt.engine.optimise import optimise
from pmo_opt.inputs.scenario import Scenario
from pmo_opt.present import charts, narrative

H = {"horizon_start": "2027-01", "horizon_months": 12, "time_limit_s": 10}


@pytest.fixture
def case(tmp_path):
    ids = ["S1", "S2", "M1", "M2"]
    score = {"S1": 5, "S2": 4, "M1": 2, "M2": 1}
    benefit = {"S1": 100_000, "S2": 200_000, "M1": 900_000, "M2": 800_000}
    pf = make_portfolio(
        tmp_path,
        projects=[
            {
                "project_id": p,
                "duration": 2,
                "cost": 100_000,
                "benefit": benefit[p],
                "cost_low": 90_000,
                "cost_high": 160_000,
            }
            for p in ids
        ],  # fmt: skip
        demand=[{"project_id": p, "role": "dev", "fte": 1} for p in ids],
        capacity=[{"role": "dev", "fte": 1}],
        budget=[{"period": "2027", "amount": 200_000}],
        criteria=[{"criterion": "impact", "weight": 1}],
        scores=[{"project_id": p, "criterion": "impact", "score": score[p]} for p in ids],
        settings=[{"setting": "currency", "value": "EUR"}],
    )
    scenario = Scenario(**H)
    return pf, scenario, optimise(pf, scenario)


def test_money_words_state_the_analysis_numbers(case):
    pf, scenario, plan = case
    view = money_view(pf, plan)
    text = narrative.money_over_time(pf, view).data
    assert f"net present value is **EUR {view.npv / 1e3:,.0f}k**" in text
    assert "| 2027 | EUR 200k | EUR 200k |" in text
    assert "evenly over 36 months" in text
    risk = money_risk(pf, plan)
    words = narrative.money_risk_words(pf, risk).data
    assert f"{risk.chance_over_budget:.0%} of 5,000 draws" in words
    assert "lean to overrun" in words  # cost_high is far above plan, the budget is full


def test_trade_off_words_and_the_alternative(case):
    pf, scenario, plan = case
    table, benefit_plan = score_benefit_frontier(pf, scenario, plan, levels=1)
    text = narrative.trade_off_words(pf, plan, table, benefit_plan).data
    assert "| Recommended |" in text
    assert "`objective=benefit`" in text and "EUR 1.70M of stated benefit" in text
    assert text.count("| At least EUR") == 2


def test_money_charts_describe_their_numbers(case):
    pf, _, plan = case
    view = money_view(pf, plan)
    timeline = charts.benefit_timeline(view, "EUR")
    assert "pays back in" in timeline.describe() or "no payback" in timeline.describe()
    assert f"net present value {charts.short_number(view.npv)} EUR" in timeline.describe()
    spread = charts.money_range(money_risk(pf, plan), 200_000, "EUR")
    assert "against a budget of 200k" in spread.describe()
    assert spread._repr_png_()[:4] == b"\x89PNG"
