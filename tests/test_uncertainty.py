"""Seeded Monte Carlo of re-solves: reproducible, whatever the number of workers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from builders import make_portfolio

from pmo_opt.analysis.uncertainty import (
    DrawTask,
    _triangular,
    bounds,
    monte_carlo,
    perturb,
    solve_draw,
)
from pmo_opt.inputs.scenario import Scenario

SC = Scenario(horizon_start="2027-01", horizon_months=4)


def portfolio(tmp_path):
    """D dominates (huge benefit, cheap); X can never fit the budget; B and C compete: B always
    fits beside D, C only when cheap enough, never both."""
    return make_portfolio(
        tmp_path,
        projects=[
            {"project_id": "D", "duration": 2, "benefit": 100, "cost": 10},
            {
                "project_id": "B",
                "duration": 2,
                "benefit": 10,
                "cost": 100,
                "benefit_low": 5,
                "benefit_high": 20,
            },
            {
                "project_id": "C",
                "duration": 2,
                "benefit": 10,
                "cost": 100,
                "cost_low": 60,
                "cost_high": 140,
            },
            {"project_id": "X", "duration": 2, "benefit": 50, "cost": 1000},
        ],  # fmt: skip
        demand=[{"project_id": p, "role": "dev", "fte": 1} for p in "DBCX"],
        capacity=[{"role": "dev", "fte": 4}],
        budget=[{"period": "total", "amount": 140}],
    )


def test_triangular_matches_its_distribution():
    u = np.random.default_rng(1).random(200_000)
    x = _triangular(u, np.full(u.size, 1.0), np.full(u.size, 2.0), np.full(u.size, 6.0))
    assert x.min() >= 1 and x.max() <= 6
    assert x.mean() == pytest.approx(3.0, abs=0.02)  # (1 + 2 + 6) / 3
    assert np.median(x) == pytest.approx(6 - np.sqrt(0.5 * 5 * 4), abs=0.02)
    same = _triangular(np.array([0.3]), np.array([4.0]), np.array([4.0]), np.array([4.0]))
    assert same.tolist() == [4.0]


def test_bounds_use_columns_where_given_else_the_spread(tmp_path):
    pf = portfolio(tmp_path)
    b = bounds(pf, spread=0.1)
    assert b.loc["B", ["benefit_low", "benefit", "benefit_high"]].tolist() == [5, 10, 20]
    assert b.loc["C", ["benefit_low", "benefit_high"]].tolist() == pytest.approx([9, 11])
    assert b.loc["C", ["cost_low", "cost", "cost_high"]].tolist() == [60, 100, 140]
    assert b.loc["D", ["cost_low", "cost_high"]].tolist() == pytest.approx([9, 11])
    drawn = [perturb(pf, np.random.default_rng(s), 0.1) for s in range(20)]
    benefit_b = [d.projects.at["B", "benefit"] for d in drawn]
    assert 5 <= min(benefit_b) and max(benefit_b) <= 20 and len(set(benefit_b)) == 20


def test_one_draw_is_a_pure_function_of_its_seed(tmp_path):
    pf = portfolio(tmp_path)
    seed = np.random.SeedSequence(7).spawn(3)[2]
    first = solve_draw(DrawTask(pf, SC.replace(threads=1), 2, seed, 0.2))
    again = solve_draw(DrawTask(pf, SC.replace(threads=1), 2, seed, 0.2))
    first.pop("seconds"), again.pop("seconds")
    assert first == again


@pytest.mark.slow
def test_monte_carlo_is_reproducible_and_worker_count_does_not_matter(tmp_path):
    pf = portfolio(tmp_path)
    one = monte_carlo(pf, SC, draws=10, seed=3, workers=1, progress=False)
    two = monte_carlo(pf, SC, draws=10, seed=3, workers=2, progress=False)
    cols = ["draw", "status", "objective", "value", "benefit", "spend", "selected"]
    pd.testing.assert_frame_equal(one.draws[cols], two.draws[cols])
    pd.testing.assert_frame_equal(one.selections, two.selections)
    pd.testing.assert_frame_equal(one.frequency, two.frequency)
    assert (one.draws["status"] == "optimal").all()
    freq = one.frequency["frequency"]
    assert freq["D"] == 1.0  # dominant in every draw
    assert freq["X"] == 0.0  # never affordable
    assert freq["B"] + freq["C"] == pytest.approx(1.0)  # budget leaves room for one of them
    assert 0 < freq["B"] < 1  # and which one moves with the draws
    assert one.frequency["base_selected"].to_dict() == {
        "D": True,
        "B": True,
        "C": False,
        "X": False,
    }
    summary = one.summary()
    assert summary["draws"] == 10 and summary["always"] == 1 and summary["never"] == 1
    assert summary["p05"] <= summary["p50"] <= summary["p95"]
    other = monte_carlo(pf, SC, draws=4, seed=4, workers=1, progress=False, base=False)
    assert not other.draws["objective"].equals(one.draws["objective"].iloc[:4])


@pytest.mark.slow
def test_montecarlo_command(tmp_path, capsys):
    from pmo_opt.cli import main

    portfolio(tmp_path / "pf")
    code = main(
        ["montecarlo", str(tmp_path / "pf"), "--draws", "4", "--workers", "1", "--set",
         "horizon_start=2027-01", "--set", "horizon_months=4", "--out", str(tmp_path / "out")]
    )  # fmt: skip
    assert code == 0
    freq = pd.read_csv(tmp_path / "out" / "montecarlo_frequency.csv", dtype={"project_id": str})
    assert freq.set_index("project_id").loc["D", "frequency"] == 1.0
    assert "4 draws, 4 with a plan" in capsys.readouterr().out
