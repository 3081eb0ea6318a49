"""Scenarios side by side, read from real YAML files."""

from __future__ import annotations

import pandas as pd
import pytest
from builders import make_portfolio

from pmo_opt.analysis.compare import compare_scenarios, load_scenarios
from pmo_opt.cli import main
from pmo_opt.engine.check import check_plan
from pmo_opt.errors import InputError
from pmo_opt.inputs.scenario import Scenario

WINDOW = "horizon_start: 2027-01\nhorizon_months: 4\n"


def portfolio(tmp_path):
    """A, B, C (values 10, 8, 5) each need 2 dev for two months and cost 100; dev has 2 FTE;
    the budget allows 100 per quarter."""
    return make_portfolio(
        tmp_path,
        projects=[
            {"project_id": p, "name": n, "duration": 2, "benefit": v, "cost": 100}
            for p, n, v in (("A", "Alpha", 10), ("B", "Beta", 8), ("C", "Gamma", 5))
        ],
        demand=[{"project_id": p, "role": "dev", "fte": 2} for p in "ABC"],
        capacity=[{"role": "dev", "fte": 2}],
        budget=[{"period": "2027-Q1", "amount": 150}, {"period": "2027-Q2", "amount": 150}],
    )


def scenario_files(folder):
    folder.mkdir()
    files = {
        "baseline": "name: baseline\n",
        "cut": "name: budget cut 20%\nbudget_scale: 0.5\n",
        "hire": "name: two more dev\nextra_fte:\n  dev: 2\nbudget_scale: 2\n",
        "board": "name: board\nforce_in: [C]\nforce_out: [A]\n",
    }
    paths = []
    for stem, text in files.items():
        path = folder / f"{stem}.yaml"
        path.write_text(WINDOW + text)
        paths.append(path)
    return paths


def test_compare_scenarios_from_yaml(tmp_path):
    pf = portfolio(tmp_path / "pf")
    scenarios = load_scenarios(scenario_files(tmp_path / "sc"))
    assert list(scenarios) == ["baseline", "budget cut 20%", "two more dev", "board"]
    cmp = compare_scenarios(pf, scenarios)
    summary = cmp.summary.set_index("scenario")
    assert summary["value"].to_dict() == pytest.approx(
        {"baseline": 18, "budget cut 20%": 10, "two more dev": 23, "board": 13}
    )
    assert (summary["status"] == "optimal").all()
    changes = cmp.changes.set_index(["scenario", "project_id"])["change"].to_dict()
    assert changes == {
        ("budget cut 20%", "B"): "leaves",
        ("two more dev", "C"): "enters",
        ("board", "C"): "enters",
        ("board", "A"): "leaves",
    }
    spend = cmp.spend.set_index(["scenario", "period"])
    assert spend.loc[("baseline", "2027-Q1"), "limit"] == 150
    assert spend.loc[("budget cut 20%", "2027-Q1"), "limit"] == 75
    assert spend.groupby("scenario")["spend"].sum().to_dict() == pytest.approx(
        {"baseline": 200, "budget cut 20%": 100, "two more dev": 300, "board": 200}
    )
    util = cmp.utilisation.set_index("scenario")
    assert util.loc["baseline", "utilisation"] == pytest.approx(1.0)  # 8 of 8 FTE-months
    assert util.loc["two more dev", "capacity_fte_months"] == pytest.approx(16)
    assert cmp.selection_matrix().loc["C"].tolist() == [0, 0, 1, 1]
    for name, plan in cmp.plans.items():
        assert check_plan(pf, scenarios[name], plan) == []


def test_list_of_scenarios_numbers_repeated_names(tmp_path):
    pf = portfolio(tmp_path)
    window = {"horizon_start": "2027-01", "horizon_months": 4}
    cmp = compare_scenarios(pf, [Scenario(**window), Scenario(**window, budget_scale=0.5)])
    assert cmp.summary["scenario"].tolist() == ["baseline", "baseline-2"]
    assert cmp.baseline == "baseline"
    with pytest.raises(InputError):
        load_scenarios([])


def test_without_budget_spend_is_per_quarter(tmp_path):
    pf = make_portfolio(
        tmp_path,
        projects=[{"project_id": "A", "duration": 2, "benefit": 1, "cost": 60}],
        demand=[{"project_id": "A", "role": "dev", "fte": 1}],
        capacity=[{"role": "dev", "fte": 1}],
    )
    cmp = compare_scenarios(pf, {"only": Scenario(horizon_start="2027-02", horizon_months=4)})
    assert cmp.spend["period"].tolist() == ["2027-Q1", "2027-Q2"]
    assert cmp.spend["spend"].sum() == pytest.approx(60)


def test_compare_command(tmp_path, capsys):
    portfolio(tmp_path / "pf")
    paths = scenario_files(tmp_path / "sc")
    args = ["compare", str(tmp_path / "pf"), "--out", str(tmp_path / "out")]
    for path in paths:
        args += ["--scenario", str(path)]
    assert main(args) == 0
    summary = pd.read_csv(tmp_path / "out" / "compare_summary.csv")
    assert summary["scenario"].tolist()[0] == "baseline"
    assert "board: C Gamma enters" in capsys.readouterr().out


def test_a_given_plan_is_compared_as_it_is_not_solved_again(tmp_path):
    from pmo_opt.engine.optimise import optimise

    pf = portfolio(tmp_path / "pf")
    scenarios = load_scenarios(scenario_files(tmp_path / "sc"))
    mine = optimise(pf, scenarios["baseline"])
    cmp = compare_scenarios(pf, scenarios, given={"baseline": mine}, workers=1)
    assert cmp.plans["baseline"] is mine  # the report's one plan, not a re-solve
    assert list(cmp.plans) == list(scenarios)
