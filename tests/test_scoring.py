"""Scoring: AHP against published examples, weighted scores and WSJF by hand, rank stability."""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pandas as pd
import pytest
from builders import make_portfolio

from pmo_opt.analysis.uncertainty import selection_stability
from pmo_opt.errors import InputError
from pmo_opt.inputs.scenario import Scenario
from pmo_opt.prioritise.ahp import InconsistentJudgementsWarning, ahp_weights
from pmo_opt.prioritise.scoring import (
    benefit_cost_ratio,
    criteria_weights,
    normalised_scores,
    priority_scores,
    project_value,
    ranking_table,
    scoring_method,
    wsjf,
)
from pmo_opt.prioritise.stability import perturb_weights, rank_stability, rank_swaps


def pairwise_from_matrix(names: list[str], matrix: list[list[float]]) -> pd.DataFrame:
    """The upper triangle of a reciprocal matrix as ``pairwise`` rows."""
    rows = [
        (names[i], names[j], matrix[i][j])
        for i in range(len(names))
        for j in range(i + 1, len(names))
    ]
    return pd.DataFrame(rows, columns=["criterion", "over", "ratio"])


# --------------------------------------------------------------------------------------------
# AHP against published worked examples


def test_ahp_saaty_drinks_example():
    """Saaty, T. L. (2008) 'Decision making with the analytic hierarchy process', Int. J.
    Services Sciences 1(1), 83-98: relative consumption of drinks in the United States.
    Published priorities .177 .019 .042 .116 .190 .129 .327 and C.R. .022 (matrix and values
    also reproduced in the AHPy README, github.com/PhilipGriffith/AHPy)."""
    names = ["Coffee", "Wine", "Tea", "Beer", "Soda", "Milk", "Water"]
    n9 = 1 / 9
    matrix = [
        [1, 9, 5, 2, 1, 1, 1 / 2],
        [n9, 1, 1 / 3, n9, n9, n9, n9],
        [1 / 5, 3, 1, 1 / 3, 1 / 4, 1 / 3, n9],
        [1 / 2, 9, 3, 1, 1 / 2, 1, 1 / 3],
        [1, 9, 4, 2, 1, 2, 1 / 2],
        [1, 9, 3, 1, 1 / 2, 1, 1 / 3],
        [2, 9, 9, 3, 2, 3, 1],
    ]
    published = [0.177, 0.019, 0.042, 0.116, 0.190, 0.129, 0.327]
    result = ahp_weights(pairwise_from_matrix(names, matrix))
    assert list(result.weights.index) == names
    assert result.weights.to_numpy() == pytest.approx(published, abs=1e-3)
    assert result.cr == pytest.approx(0.022, abs=1e-3)
    assert result.random_index == 1.32  # Saaty (1980), n = 7
    assert result.consistent
    assert result.weights.sum() == pytest.approx(1.0)


def test_ahp_wikipedia_leader_example():
    """Wikipedia, 'Analytic hierarchy process - leader example': criteria Experience,
    Education, Charisma, Age weighted .547, .127, .270, .056. The judgements are those of the
    article (also in the R package ahp, gluc/ahp inst/extdata/tom_dick_harry.ahp); CR 0.044 as
    reproduced by AHPy's README."""
    pairwise = pd.DataFrame(
        [
            ("Experience", "Education", 4),
            ("Experience", "Charisma", 3),
            ("Experience", "Age", 7),
            ("Education", "Charisma", 1 / 3),
            ("Education", "Age", 3),
            ("Age", "Charisma", 1 / 5),  # given the other way round: the reciprocal is filled
        ],
        columns=["criterion", "over", "ratio"],
    )
    result = ahp_weights(pairwise)
    w = result.weights
    assert w["Experience"] == pytest.approx(0.547, abs=1e-3)
    assert w["Education"] == pytest.approx(0.127, abs=1e-3)
    assert w["Charisma"] == pytest.approx(0.270, abs=1e-3)
    assert w["Age"] == pytest.approx(0.056, abs=1e-3)
    assert result.cr == pytest.approx(0.044, abs=1e-3)
    assert result.matrix.loc["Charisma", "Age"] == pytest.approx(5)


def test_ahp_car_example_criteria():
    """Wikipedia, 'Analytic hierarchy process - car example', criteria judgements (Cost,
    Safety, Style, Capacity); principal-eigenvector weights .510 .234 .041 .215 as published
    in AHPy's README (the article's own figures come from a demo site that approximates)."""
    names = ["Cost", "Safety", "Style", "Capacity"]
    matrix = [[1, 3, 7, 3], [1 / 3, 1, 9, 1], [1 / 7, 1 / 9, 1, 1 / 7], [1 / 3, 1, 7, 1]]
    result = ahp_weights(pairwise_from_matrix(names, matrix))
    assert result.weights.to_numpy() == pytest.approx([0.510, 0.234, 0.041, 0.215], abs=1e-3)
    # CI / RI with Saaty's 1980 index for n = 4 (0.90)
    assert result.cr == pytest.approx(result.ci / 0.90)
    assert result.lambda_max > 4


def test_ahp_consistent_matrix_recovers_weights_exactly():
    # weights 8:4:2:1 and judgements that are exactly their ratios
    w = {"A": 8, "B": 4, "C": 2, "D": 1}
    rows = [(a, b, w[a] / w[b]) for a in w for b in w if a < b]
    result = ahp_weights(pd.DataFrame(rows, columns=["criterion", "over", "ratio"]))
    assert result.weights.to_numpy() == pytest.approx(np.array([8, 4, 2, 1]) / 15)
    assert result.lambda_max == pytest.approx(4)
    assert result.cr == pytest.approx(0, abs=1e-9)
    assert result.worst_judgements["factor"].to_numpy() == pytest.approx([1.0] * 6)


def test_ahp_one_or_two_criteria_have_cr_zero():
    two = ahp_weights(pd.DataFrame([("A", "B", 7)], columns=["criterion", "over", "ratio"]))
    assert two.weights.to_numpy() == pytest.approx([7 / 8, 1 / 8])
    assert two.cr == 0 and two.consistent
    one = ahp_weights(
        pd.DataFrame(columns=["criterion", "over", "ratio"]).astype({"ratio": float}),
        criteria=["Only"],
    )
    assert one.weights.to_dict() == {"Only": 1.0}
    assert one.cr == 0


def inconsistent_pairwise() -> pd.DataFrame:
    """Consistent with weights 8:4:2:1 except Risk vs Speed, which says 1/7 instead of 2."""
    return pd.DataFrame(
        [
            ("Strategy", "Cost", 2),
            ("Strategy", "Risk", 4),
            ("Strategy", "Speed", 8),
            ("Cost", "Risk", 2),
            ("Cost", "Speed", 4),
            ("Risk", "Speed", 1 / 7),
        ],
        columns=["criterion", "over", "ratio"],
    )


def test_inconsistent_judgements_warn_naming_the_worst_one():
    with pytest.warns(InconsistentJudgementsWarning) as record:
        result = ahp_weights(inconsistent_pairwise())
    assert result.cr > 0.10
    assert not result.consistent
    worst = result.worst_judgements.iloc[0]
    assert (worst["criterion"], worst["over"]) == ("Risk", "Speed")
    assert worst["implied"] == pytest.approx(result.weights["Risk"] / result.weights["Speed"])
    text = str(record[0].message)
    # the stated judgement, turned the way a board member would say it, comes first
    assert "(1) You said Speed is 7x as important as Risk" in text
    assert "imply Speed is about" in text
    assert f"{result.cr:.2f}" in text
    assert "INCONSISTENT" in result.summary()


def test_consistent_judgements_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ahp_weights(pd.DataFrame([("A", "B", 3)], columns=["criterion", "over", "ratio"]))


def test_missing_pairs_are_named():
    pw = pd.DataFrame(
        [("Cost", "Risk", 3), ("Cost", "Speed", 5)], columns=["criterion", "over", "ratio"]
    )
    with pytest.raises(InputError) as err:
        ahp_weights(pw, criteria=["Cost", "Risk", "Speed", "Reach"])
    text = str(err.value)
    assert "Risk vs Speed" in text
    assert "Cost vs Reach" in text
    assert len(err.value.problems) == 4  # Cost-Reach, Risk-Speed, Risk-Reach, Speed-Reach


def test_contradictory_duplicates_and_bad_ratios_are_errors():
    pw = pd.DataFrame(
        [("A", "B", 3), ("B", "A", 1 / 5), ("A", "C", 0), ("B", "C", 2)],
        columns=["criterion", "over", "ratio"],
    )
    with pytest.raises(InputError) as err:
        ahp_weights(pw)
    text = str(err.value)
    assert "judged twice" in text
    assert "positive number" in text
    # an agreeing duplicate is fine
    ok = pd.DataFrame([("A", "B", 3), ("B", "A", 1 / 3)], columns=["criterion", "over", "ratio"])
    assert ahp_weights(ok).weights["A"] == pytest.approx(0.75)


# --------------------------------------------------------------------------------------------
# weighted scoring on a small portfolio


PROJECTS = [
    {"project_id": "P1", "duration": 2, "benefit": 10, "cost": 100},
    {"project_id": "P2", "duration": 3, "benefit": 20, "cost": 100},
    {"project_id": "P3", "duration": 1, "benefit": 30, "cost": 100},
    {"project_id": "P4", "duration": 4, "benefit": 40, "cost": 100},
]
CRITERIA = [
    {"criterion": "fit", "weight": 3, "direction": "max"},
    {"criterion": "risk", "weight": 1, "direction": "min"},
    {"criterion": "reach", "weight": 1, "direction": ""},
]
RAW = {  # fit, risk, reach: P1 is best on everything, P3 worst; P2 and P4 trade off
    "P1": (5, 1, 3),
    "P2": (3, 2, 3),
    "P3": (1, 5, 3),
    "P4": (4, 4, 3),
}


def scores_rows(raw=RAW) -> list[dict]:
    names = ("fit", "risk", "reach")
    return [
        {"project_id": p, "criterion": c, "score": v}
        for p, vals in raw.items()
        for c, v in zip(names, vals, strict=True)
    ]


def four(tmp_path, **extra):
    tables = {
        "projects": PROJECTS,
        "demand": [{"project_id": p["project_id"], "role": "dev", "fte": 1} for p in PROJECTS],
        "capacity": [{"role": "dev", "fte": 10}],
        "criteria": CRITERIA,
        "scores": scores_rows(),
    }
    tables.update(extra)
    return make_portfolio(tmp_path / "portfolio", **tables)


def test_min_max_normalisation_by_hand(tmp_path):
    norm = normalised_scores(four(tmp_path))
    # fit 1..5 onto 0..1; risk reversed (lower is better); reach constant -> 1 for everyone
    assert norm.loc[["P1", "P2", "P3", "P4"], "fit"].tolist() == pytest.approx([1, 0.5, 0, 0.75])
    assert norm.loc[["P1", "P2", "P3", "P4"], "risk"].tolist() == pytest.approx([1, 0.75, 0, 0.25])
    assert (norm["reach"] == 1.0).all()


def test_priority_scores_by_hand(tmp_path):
    table = priority_scores(four(tmp_path))
    # weights 3:1:1 -> 60/20/20 points; P2 = 60*.5 + 20*.75 + 20 = 65, P4 = 45 + 5 + 20 = 70
    assert table["score"].to_dict() == pytest.approx({"P1": 100, "P4": 70, "P2": 65, "P3": 20})
    assert list(table.index) == ["P1", "P4", "P2", "P3"]
    assert table["rank"].tolist() == [1, 2, 3, 4]
    assert table.loc["P2", "contrib_risk"] == pytest.approx(15)
    assert table.loc["P4", "norm_fit"] == pytest.approx(0.75)
    contrib = table[[c for c in table.columns if c.startswith("contrib_")]]
    assert contrib.sum(axis=1).to_numpy() == pytest.approx(table["score"].to_numpy())


def test_project_value_is_the_priority_score_and_obeys_scenario_weights(tmp_path):
    pf = four(tmp_path)
    value = project_value(pf, Scenario())
    assert list(value.index) == ["P1", "P2", "P3", "P4"]  # projects table order
    assert value.to_dict() == pytest.approx({"P1": 100, "P2": 65, "P3": 20, "P4": 70})
    # what-if: risk matters as much as fit -> P2 (better risk) overtakes P4
    what_if = project_value(pf, Scenario(weights={"risk": 3}))
    assert what_if["P2"] > what_if["P4"]
    assert what_if["P2"] == pytest.approx(100 * (3 * 0.5 + 3 * 0.75 + 1) / 7)
    assert criteria_weights(pf, "weighted", {"risk": 3}).to_dict() == pytest.approx(
        {"fit": 3 / 7, "risk": 3 / 7, "reach": 1 / 7}
    )


def test_unknown_weight_name_is_an_error_with_a_suggestion(tmp_path):
    with pytest.raises(InputError, match="did you mean 'risk'"):
        project_value(four(tmp_path), Scenario(weights={"Risk ": 2}))


def test_missing_score_names_project_and_criterion(tmp_path):
    rows = [r for r in scores_rows() if not (r["project_id"] == "P3" and r["criterion"] == "risk")]
    pf = four(tmp_path, scores=rows)
    with pytest.raises(InputError) as err:
        project_value(pf, Scenario())
    assert "project P3 has no score for criterion 'risk'" in str(err.value)


def test_duplicate_score_is_an_error(tmp_path):
    # the loader rejects a duplicate too; scoring must not rely on it (portfolios are built
    # in notebooks as well), so the duplicate is added after loading
    pf = four(tmp_path)
    extra = pd.DataFrame([{"project_id": "P1", "criterion": "fit", "score": 2.0}])
    pf = dataclasses.replace(pf, scores=pd.concat([pf.scores, extra], ignore_index=True))
    with pytest.raises(InputError, match="P1 has more than one score for 'fit'"):
        priority_scores(pf)


def test_ahp_scoring_uses_the_pairwise_weights(tmp_path):
    # fit 3x risk, fit 3x reach, risk = reach: exactly consistent weights .6/.2/.2, i.e. 3:1:1
    pairwise = [
        {"criterion": "fit", "over": "risk", "ratio": 3},
        {"criterion": "fit", "over": "reach", "ratio": 3},
        {"criterion": "risk", "over": "reach", "ratio": 1},
    ]
    pf = four(tmp_path, pairwise=pairwise)
    ahp = project_value(pf, Scenario(scoring="ahp"))
    assert ahp.to_numpy() == pytest.approx(project_value(pf, Scenario()).to_numpy())
    # and it differs when the judgements differ: risk 3x as important as fit
    pf2 = four(
        tmp_path / "b",
        pairwise=[
            {"criterion": "risk", "over": "fit", "ratio": 3},
            {"criterion": "fit", "over": "reach", "ratio": 1},
            {"criterion": "risk", "over": "reach", "ratio": 3},
        ],
    )
    assert scoring_method(pf2, Scenario(scoring="ahp")) == "ahp"
    v = project_value(pf2, Scenario(scoring="ahp"))
    assert v["P2"] > v["P4"]


def test_ahp_scoring_without_pairwise_table_is_an_error(tmp_path):
    with pytest.raises(InputError, match="needs a pairwise table"):
        project_value(four(tmp_path), Scenario(scoring="ahp"))


def test_without_scores_every_method_falls_back_to_benefit(tmp_path):
    pf = make_portfolio(
        tmp_path,
        projects=PROJECTS,
        demand=[{"project_id": "P1", "role": "dev", "fte": 1}],
        capacity=[{"role": "dev", "fte": 1}],
    )
    for method in ("weighted", "ahp", "wsjf", "benefit"):
        scenario = Scenario(scoring=method)
        assert scoring_method(pf, scenario) == "benefit"
        assert project_value(pf, scenario).tolist() == [10, 20, 30, 40]


def test_benefit_scoring_ignores_criteria(tmp_path):
    value = project_value(four(tmp_path), Scenario(scoring="benefit"))
    assert value.to_dict() == {"P1": 10, "P2": 20, "P3": 30, "P4": 40}


# --------------------------------------------------------------------------------------------
# WSJF and benefit/cost by hand


def wsjf_portfolio(tmp_path, with_size: bool = False):
    raw = {  # business value, time criticality, risk reduction (, job size)
        "A": (8, 5, 3, 4),
        "B": (3, 8, 2, 13),
        "C": (13, 1, 1, 3),
    }
    parts = ["Business Value", "time criticality", "RR|OE"] + (["job_size"] if with_size else [])
    scores = [
        {"project_id": p, "criterion": c, "score": v}
        for p, vals in raw.items()
        for c, v in zip(parts, vals, strict=False)
    ]
    return make_portfolio(
        tmp_path / ("sized" if with_size else "plain"),
        projects=[
            {"project_id": "A", "duration": 2, "benefit": 100, "cost": 50},
            {"project_id": "B", "duration": 1, "benefit": 30},
            {"project_id": "C", "duration": 5, "benefit": 0, "cost": 0},
        ],
        demand=[
            {"project_id": "A", "role": "dev", "fte": 1},
            {"project_id": "B", "role": "dev", "fte": 2},
            {"project_id": "C", "role": "dev", "fte": 1},
        ],
        capacity=[{"role": "dev", "fte": 5}],
        roles=[{"role": "dev", "cost_per_fte_month": 10}],
        criteria=[{"criterion": c, "weight": 1} for c in parts],
        scores=scores,
    )


def test_wsjf_by_hand(tmp_path):
    table = wsjf(wsjf_portfolio(tmp_path))
    # CoD A 8+5+3=16, B 3+8+2=13, C 13+1+1=15; size = duration 2, 1, 5
    assert table["cod_score"].to_dict() == {"A": 16, "B": 13, "C": 15}  # points, not money
    assert "cost_of_delay" not in table
    assert table["wsjf"].to_dict() == pytest.approx({"B": 13, "A": 8, "C": 3})
    assert list(table.index) == ["B", "A", "C"]
    assert table["rank"].tolist() == [1, 2, 3]


def test_wsjf_uses_a_job_size_score_when_given(tmp_path):
    table = wsjf(wsjf_portfolio(tmp_path, with_size=True))
    # sizes 4, 13, 3 -> A 16/4=4, B 13/13=1, C 15/3=5
    assert table["wsjf"].to_dict() == pytest.approx({"C": 5, "A": 4, "B": 1})
    assert table["job_size"].to_dict() == {"A": 4, "B": 13, "C": 3}


def test_wsjf_from_cost_of_delay_column_and_as_value(tmp_path):
    pf = make_portfolio(
        tmp_path,
        projects=[
            {"project_id": "A", "duration": 2, "cost_of_delay": 100},
            {"project_id": "B", "duration": 1, "cost_of_delay": 50},
            {"project_id": "C", "duration": 4, "cost_of_delay": 0},
        ],
        demand=[{"project_id": "A", "role": "dev", "fte": 1}],
        capacity=[{"role": "dev", "fte": 1}],
    )
    table = wsjf(pf)
    assert table["wsjf"].to_dict() == {"A": 50, "B": 50, "C": 0}
    assert table.loc[["A", "B"], "rank"].tolist() == [1, 1]  # a tie shares the rank
    assert table["business_value"].isna().all()
    assert table["cost_of_delay"].to_dict() == {"A": 100, "B": 50, "C": 0}  # money per month
    value = project_value(pf, Scenario(scoring="wsjf"))
    assert value.to_dict() == {"A": 50, "B": 50, "C": 0}


def test_wsjf_with_a_part_missing_is_an_error(tmp_path):
    pf = make_portfolio(
        tmp_path,
        projects=[{"project_id": "A", "duration": 1}],
        demand=[{"project_id": "A", "role": "dev", "fte": 1}],
        capacity=[{"role": "dev", "fte": 1}],
        criteria=[{"criterion": "business_value", "weight": 1}],
        scores=[{"project_id": "A", "criterion": "business_value", "score": 5}],
    )
    with pytest.raises(InputError, match="missing: time_criticality, risk_reduction"):
        wsjf(pf)


def test_benefit_cost_ratio_by_hand(tmp_path):
    table = benefit_cost_ratio(wsjf_portfolio(tmp_path))
    # A 100/50; B has no cost: labour 2 fte x 1 month x 10 = 20 -> 30/20; C 0/0 -> NaN, last
    assert table.loc["A", "benefit_cost"] == pytest.approx(2.0)
    assert table.loc["B", "cost"] == pytest.approx(20)
    assert table.loc["B", "cost_source"] == "labour"
    assert table.loc["B", "benefit_cost"] == pytest.approx(1.5)
    assert np.isnan(table.loc["C", "benefit_cost"])
    assert list(table.index) == ["A", "B", "C"]


def test_ranking_table(tmp_path):
    table = ranking_table(wsjf_portfolio(tmp_path), Scenario(scoring="wsjf"))
    assert list(table.columns) == ["name", "category", "score", "rank", "wsjf", "benefit_cost"]
    assert table.index.name == "project_id"
    assert list(table.index) == ["B", "A", "C"]
    assert table["score"].tolist() == table["wsjf"].tolist()
    weighted = ranking_table(four(tmp_path), Scenario())
    assert list(weighted.index) == ["P1", "P4", "P2", "P3"]
    assert weighted["wsjf"].isna().all()  # no WSJF inputs in this portfolio


# --------------------------------------------------------------------------------------------
# rank stability


def test_perturbed_weights_are_centred_with_the_asked_spread():
    base = pd.Series({"a": 0.25, "b": 0.25, "c": 0.25, "d": 0.25})
    draws = perturb_weights(base, draws=20000, spread=0.2, seed=1)
    assert draws.sum(axis=1).to_numpy() == pytest.approx(1.0)
    assert draws.mean().to_numpy() == pytest.approx(base.to_numpy(), abs=0.005)
    cv = draws.std() / draws.mean()
    assert cv.to_numpy() == pytest.approx([0.2] * 4, rel=0.05)
    uniform = perturb_weights(base, draws=2000, spread=0.3, seed=1, method="uniform")
    assert uniform.sum(axis=1).to_numpy() == pytest.approx(1.0)
    # zero weights stay zero
    with_zero = perturb_weights(pd.Series({"a": 0.5, "b": 0.5, "z": 0.0}), draws=50, seed=3)
    assert (with_zero["z"] == 0).all()


def test_rank_stability_is_deterministic_for_a_seed(tmp_path):
    pf = four(tmp_path)
    a = rank_stability(pf, Scenario(), draws=300, seed=7, top_k=2)
    b = rank_stability(pf, Scenario(), draws=300, seed=7, top_k=2)
    pd.testing.assert_frame_equal(a, b)
    swaps_a = rank_swaps(pf, Scenario(), draws=300, seed=7)
    pd.testing.assert_frame_equal(swaps_a, rank_swaps(pf, Scenario(), draws=300, seed=7))
    w = criteria_weights(pf)
    same = perturb_weights(w, draws=50, seed=7)
    pd.testing.assert_frame_equal(same, perturb_weights(w, draws=50, seed=7))
    assert not np.allclose(same.to_numpy(), perturb_weights(w, draws=50, seed=8).to_numpy())


@pytest.mark.parametrize("method", ["dirichlet", "uniform"])
def test_dominant_project_is_first_in_every_draw(tmp_path, method):
    pf = four(tmp_path)
    table = rank_stability(pf, Scenario(), draws=500, spread=0.5, seed=0, top_k=1, method=method)
    assert list(table.index[:1]) == ["P1"]
    p1 = table.loc["P1"]
    assert (p1["base_rank"], p1["min_rank"], p1["max_rank"]) == (1, 1, 1)
    assert p1["p_top_k"] == 1.0
    # the worst-on-everything project is last in every draw
    assert table.loc["P3", "min_rank"] == 4
    # P2 and P4 trade fit against risk, so they swap in some draws but not all
    assert table.loc["P4", "min_rank"] == 2 and table.loc["P4", "max_rank"] == 3
    swaps = rank_swaps(pf, Scenario(), draws=500, spread=0.5, seed=0, method=method)
    assert list(swaps.iloc[0][["ahead", "behind"]]) == ["P4", "P2"]
    assert 0 < swaps.iloc[0]["p_swap"] < 1
    assert "P1" not in set(swaps["behind"])


def test_rank_stability_needs_criteria_weights(tmp_path):
    with pytest.raises(InputError, match="rank stability perturbs criteria weights"):
        rank_stability(four(tmp_path), Scenario(scoring="benefit"), draws=5)


@pytest.mark.slow
def test_selection_stability_re_solves_per_draw(tmp_path):
    # capacity for one project at a time over a 4-month window: P1 (100 points, 2 months)
    # always fits; P4 (4 months) never fits beside it
    pf = four(tmp_path, capacity=[{"role": "dev", "fte": 1}])
    scenario = Scenario(horizon_start="2027-01", horizon_months=4, time_limit_s=10)
    table = selection_stability(pf, scenario, draws=4, spread=0.3, seed=0)
    assert table.loc["P1", "base_selected"]
    assert table.loc["P1", "p_selected"] == 1.0
    assert table["draws_solved"].eq(4).all()
    assert table["p_selected"].between(0, 1).all()
