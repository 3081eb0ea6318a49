"""``pmo-opt plan``: files, columns and exit codes as the design says."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import yaml
from builders import write_portfolio

from pmo_opt.cli import main

PROJECTS = [
    {"project_id": "007", "name": "Claims Portal", "duration": 2, "benefit": 10, "cost": 100},
    {"project_id": "B", "name": "Data Lake", "duration": 2, "benefit": 8, "cost": 100},
]
DEMAND = [{"project_id": p, "role": "dev", "fte": 2} for p in ("007", "B")]
CAPACITY = [{"role": "dev", "fte": 2, "month": m} for m in ("2027-01", "2027-02", "2027-03")]


def portfolio(tmp_path, **kw):
    tables = {"projects": PROJECTS, "demand": DEMAND, "capacity": CAPACITY, **kw}
    return write_portfolio(tmp_path / "pf", **tables)


def test_plan_writes_the_three_files(tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["plan", str(portfolio(tmp_path)), "--set", "time_limit_s=10", "--out", str(out)])
    assert code == 0
    plan = pd.read_csv(out / "plan.csv", dtype=str, keep_default_na=False)
    assert list(plan.columns) == ["project_id", "selected", "start", "finish"]
    row = plan.set_index("project_id").loc["007"]  # the id stays text
    assert (row["selected"], row["start"], row["finish"]) == ("1", "2027-01", "2027-02")
    assert plan.set_index("project_id").loc["B", "start"] == ""  # not selected: empty
    load = pd.read_csv(out / "load.csv")
    assert list(load.columns) == ["role", "month", "demand_fte", "capacity_fte", "hired_fte"]
    assert len(load) == 3
    summary = json.loads((out / "summary.json").read_text())
    for key in ("status", "objective", "bound", "gap", "build_seconds", "solve_seconds", "solver"):
        assert key in summary
    assert summary["status"] == "optimal" and summary["selected"] == 1
    text = capsys.readouterr().out
    assert "optimal" in text and "selected 1 of 2" in text


def test_scenario_file_and_set_override(tmp_path):
    scenario = tmp_path / "cut.yaml"
    scenario.write_text(yaml.safe_dump({"name": "cut", "capacity_scale": 0.5}))
    out = tmp_path / "out"
    assert (
        main(["plan", str(portfolio(tmp_path)), "--scenario", str(scenario), "--out", str(out)])
        == 0
    )
    assert json.loads((out / "summary.json").read_text())["selected"] == 0
    assert (
        main(
            [
                "plan",
                str(portfolio(tmp_path)),
                "--scenario",
                str(scenario),
                "--set",
                "capacity_scale=1",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert json.loads((out / "summary.json").read_text())["selected"] == 1


def test_bad_setting_exits_2(tmp_path, capsys):
    assert main(["plan", str(portfolio(tmp_path)), "--set", "budget_scal=0.5"]) == 2
    assert "did you mean 'budget_scale'" in capsys.readouterr().err


def test_infeasible_exits_3(tmp_path):
    projects = [{**p, "status": "committed"} for p in PROJECTS]
    out = tmp_path / "out"
    assert main(["plan", str(portfolio(tmp_path, projects=projects)), "--out", str(out)]) == 3
    assert json.loads((out / "summary.json").read_text())["status"] == "infeasible"


def test_command_line_entry_point(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pmo_opt",
            "plan",
            str(portfolio(tmp_path)),
            "--out",
            str(tmp_path / "o"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Running HiGHS" not in result.stdout + result.stderr  # solver banner stays out
    assert (tmp_path / "o" / "plan.csv").exists()


def test_help_and_version(capsys):
    import pytest

    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert "pmo-opt" in capsys.readouterr().out
    assert main([]) == 0
    text = capsys.readouterr().out
    for command in ("validate", "plan", "rank", "frontier", "report"):
        assert command in text
