"""The score-benefit trade-off (analysis.score_benefit) and the engine's benefit floor."""

from __future__ import annotations

import pytest
from builders import make_portfolio

from pmo_opt.analysis.score_benefit import plan_score_and_benefit, score_benefit_frontier
from pmo_opt.engine.check import check_plan
from pmo_opt.engine.choice import choose_engine
from pmo_opt.engine.optimise import optimise
from pmo_opt.errors import InputError
from pmo_opt.inputs.scenario import Scenario

H = {"horizon_start": "2027-01", "horizon_months": 3, "time_limit_s": 10}


def disagreeing(tmp_path):
    """Money for two of four one-month projects: the score prefers S1, S2 (high score, little
    benefit), the stated benefit prefers M1, M2."""
    ids = ["S1", "S2", "M1", "M2"]
    score = {"S1": 5, "S2": 4, "M1": 2, "M2": 1}
    benefit = {"S1": 100, "S2": 200, "M1": 900, "M2": 800}
    return make_portfolio(
        tmp_path,
        projects=[{"project_id": p, "duration": 1, "cost": 10, "benefit": benefit[p]} for p in ids],
        demand=[{"project_id": p, "role": "dev", "fte": 1} for p in ids],
        capacity=[{"role": "dev", "fte": 1}],
        budget=[{"period": "total", "amount": 20}],
        criteria=[{"criterion": "impact", "weight": 1}],
        scores=[{"project_id": p, "criterion": "impact", "score": score[p]} for p in ids],
    )


def test_floor_in_the_engine_and_the_checker(tmp_path):
    pf = disagreeing(tmp_path)
    free = optimise(pf, Scenario(**H))
    assert sorted(free.selected) == ["S1", "S2"]
    floor = Scenario(**H, min_benefit=1000)
    assert choose_engine(pf, floor) == "highs"
    held = optimise(pf, floor)
    assert held.status == "optimal"
    assert plan_score_and_benefit(pf, held, floor)[1] >= 1000
    assert sorted(held.selected) == ["M1", "S1"]  # 1,000 of benefit, best score among those
    assert check_plan(pf, floor, held) == []
    # the independent checker sees the value plan break the floor
    broken = check_plan(pf, floor, free)
    assert [v.rule for v in broken] == ["benefit_floor"]
    assert "short by 700" in broken[0].message
    impossible = optimise(pf, Scenario(**H, min_benefit=5000))
    assert impossible.status == "infeasible"


def test_cpsat_refuses_a_floor(tmp_path):
    pf = disagreeing(tmp_path)
    for solver in ("cpsat", "auto"):
        with pytest.raises(InputError, match="min_benefit.*MILP only"):
            optimise(pf, Scenario(**H, solver=solver, min_benefit=100))
    with pytest.raises(InputError, match="min_benefit"):
        Scenario(min_benefit=-1)


def test_frontier_trades_score_for_money(tmp_path):
    pf = disagreeing(tmp_path)
    table, benefit_plan = score_benefit_frontier(pf, Scenario(**H), levels=3)
    assert sorted(benefit_plan.selected) == ["M1", "M2"]
    assert table.iloc[0]["benefit"] == 300 and table.iloc[-1]["benefit"] == 1700
    assert table["benefit"].is_monotonic_increasing
    assert table["value_score"].is_monotonic_decreasing
    assert (table["status"] == "optimal").all()
    # each floor is met, and the benefit gained per point given up is stated
    floors = table["min_benefit"].dropna()
    assert (table.loc[floors.index, "benefit"] >= floors).all()
    assert table["benefit_per_point"].iloc[1:].notna().all()
    assert table["score_given_up"].iloc[0] == 0
