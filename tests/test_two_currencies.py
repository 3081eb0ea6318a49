"""Comparisons in both currencies (analysis.two_currencies): true in both or saying why not."""

from __future__ import annotations

from builders import make_portfolio

from pmo_opt.analysis.two_currencies import (
    amount,
    compare_in_both,
    money_table,
    value_score_sentence,
)
from pmo_opt.engine.plan import make_plan
from pmo_opt.inputs.scenario import Scenario, resolve_horizon

H = {"horizon_start": "2027-01", "horizon_months": 3}


def portfolio(tmp_path):
    """S scores on urgency (no benefit to speak of), M on value (and states the money)."""
    ids = ["S", "M", "N"]
    scores = {
        "S": {"urgency": 5, "value": 1},
        "M": {"urgency": 1, "value": 3},
        "N": {"urgency": 1, "value": 1},
    }
    return make_portfolio(
        tmp_path,
        projects=[
            {"project_id": "S", "duration": 1, "cost": 10, "benefit": 100_000},
            {"project_id": "M", "duration": 1, "cost": 10, "benefit": 2_460_000},
            {"project_id": "N", "duration": 1, "cost": 10, "benefit": 100_000},
        ],
        demand=[{"project_id": p, "role": "dev", "fte": 1} for p in ids],
        capacity=[{"role": "dev", "fte": 3}],
        criteria=[{"criterion": "urgency", "weight": 0.7}, {"criterion": "value", "weight": 0.3}],
        scores=[
            {"project_id": p, "criterion": c, "score": v} for p in ids for c, v in scores[p].items()
        ],
        settings=[{"setting": "currency", "value": "EUR"}],
    )


def plan(pf, ids):
    scenario = Scenario(**H)
    starts = {p: "2027-01" for p in ids}
    return make_plan(pf, scenario, resolve_horizon(pf, scenario), starts, status="feasible")


def test_disagreement_is_stated_with_its_reason(tmp_path):
    pf = portfolio(tmp_path)
    scenario = Scenario(**H)
    result = compare_in_both(pf, plan(pf, ["S", "N"]), plan(pf, ["M", "N"]), scenario)
    assert not result.agree
    assert result.score_a > result.score_b and result.benefit_a < result.benefit_b
    assert "in value score; EUR 2.36M less stated benefit (EUR 200k against EUR 2.56M)" in (
        result.sentence
    )
    assert result.sentence.startswith("+")
    assert "score higher on urgency" in result.sentence
    assert result.sentence.endswith("does not price.")


def test_agreement_says_so_without_a_reason(tmp_path):
    pf = portfolio(tmp_path)
    scenario = Scenario(**H)
    result = compare_in_both(pf, plan(pf, ["S", "M"]), plan(pf, ["N"]), scenario, "doing less")
    assert result.agree
    assert "because" not in result.sentence
    assert "more stated benefit" in result.sentence and result.sentence.endswith("doing less.")
    same = compare_in_both(pf, plan(pf, ["S"]), plan(pf, ["S"]), scenario)
    assert same.sentence.startswith("the same value score; the same stated benefit")


def test_value_score_named_and_explained(tmp_path):
    pf = portfolio(tmp_path)
    text = value_score_sentence(pf, Scenario(**H))
    assert text.startswith("The value score (priority points)")
    assert "urgency 70%" in text and "not money" in text
    table = money_table(pf, {"a": plan(pf, ["S"]), "b": plan(pf, ["M", "N"])}, Scenario(**H))
    assert table.loc["b", "stated_benefit"] == 2_560_000 and table.loc["b", "projects"] == 2


def test_amount_keeps_enough_digits():
    assert amount(460_000, "EUR") == "EUR 460k"
    assert amount(30_000_000, "EUR") == "EUR 30.00M"
    assert amount(1_234, "") == "1,234"
    assert amount(-2_170_000, "EUR") == "EUR -2.17M"
