"""Notebook parameters: what papermill injects is checked, the scenario and portfolio are built,
and a report run's notebooks share one plan and write their tables where the runner reads them."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from builders import write_portfolio
from papermill.translators import translate_parameters

from pmo_opt import paths
from pmo_opt.errors import InputError
from pmo_opt.inputs.scenario import Scenario
from pmo_opt.present.params import (
    INTERACTIVE_ENV,
    display_path,
    injected_names,
    notebook_setup,
)
from pmo_opt.present.stored_plan import write_plan_dir


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """Four one-dev projects of two months; two devs over four months fit four project-slots."""
    root = tmp_path_factory.mktemp("params")
    return write_portfolio(
        root / "pf",
        projects=[
            {"project_id": p, "name": f"Project {p}", "duration": 2, "cost": 100, "benefit": b}
            for p, b in (("P1", 10), ("007", 8), ("P3", 6), ("P4", 4), ("P5", 2))
        ],
        demand=[
            {"project_id": p, "role": "dev", "fte": 1} for p in ("P1", "007", "P3", "P4", "P5")
        ],
        capacity=[{"role": "dev", "fte": 2}],
        budget=[{"period": "total", "amount": 400}],
    )


def _injected(**values) -> str:
    """The cell papermill injects for ``values`` (its own translator, so the format is real)."""
    return translate_parameters("python3", "python", values, "Parameters")


def _namespace(folder, injected: dict | None = None, **cell) -> dict:
    """A notebook's globals after the parameters cell, (papermill's cell) and the setup cell."""
    ns = {
        "portfolio": str(folder),
        "scenario_file": None,
        "budget_scale": None,
        "time_limit_s": 20.0,
        "horizon_start": "2027-01",  # the data names no month
        "horizon_months": 4,
        "output_dir": None,
        "interactive": True,
        **cell,
    }
    history = ["", "portfolio: str = '...'  # the parameters cell"]
    if injected is not None:
        ns.update(injected)
        history.append(_injected(**injected))
    history.append("ctx = notebook_setup(globals())")
    ns["In"] = history
    return ns


def test_injected_names_come_from_papermills_last_injected_cell():
    history = [
        "",
        _injected(budget_scale=0.5),
        "x = 1",
        _injected(budget_scale=0.9, force_in=["P1"], weights={"a": 1.0}, max_avg_risk=None),
        "ctx = notebook_setup(globals())",
    ]
    assert injected_names(history) == ["budget_scale", "force_in", "weights", "max_avg_risk"]
    assert injected_names(["", "# Parameters of mine\nx = 1"]) == []  # not papermill's header
    assert injected_names(None) == []


def test_a_misspelt_parameter_is_an_error_with_a_suggestion(folder):
    ns = _namespace(folder, injected={"budget_scael": 0.8, "intractive": False})
    with pytest.raises(InputError) as err:
        notebook_setup(ns)
    text = str(err.value)
    assert "unknown parameter 'budget_scael'; did you mean 'budget_scale'?" in text
    assert "unknown parameter 'intractive'; did you mean 'interactive'?" in text


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("budget_scale", "0.8", "'0.8' is not valid for budget_scale: expected a number"),
        ("interactive", "yes", "'yes' is not valid for interactive: expected True or False"),
        ("seed", 1.5, "1.5 is not valid for seed: expected a whole number"),
        ("force_in", [1, 2], "is not valid for force_in: expected a list of project ids"),
        ("portfolio", 42, "42 is not valid for portfolio: expected a path"),
        ("budget_scale", -1.0, "budget_scale: must be 0 or more, got -1.0"),
        ("objective", "profit", "'profit' is not one of value, benefit"),
    ],
)
def test_a_wrong_value_names_the_parameter_and_the_value(folder, name, value, expected):
    with pytest.raises(InputError, match=name) as err:
        notebook_setup(_namespace(folder, injected={name: value}))
    assert expected in str(err.value)


def test_a_module_hiding_a_parameter_is_refused(folder):
    import pmo_opt.prioritise.scoring

    ns = _namespace(folder, scoring=pmo_opt.prioritise.scoring)  # `from pmo_opt import scoring`
    with pytest.raises(InputError, match="hides the parameter 'scoring'"):
        notebook_setup(ns)


def test_scenario_file_then_the_notebooks_values(folder, tmp_path):
    scenario_file = tmp_path / "cut.yaml"
    scenario_file.write_text("name: cut\nbudget_scale: 0.5\nmax_avg_risk: 3\nseed: 7\n")
    # None in the parameters cell means "from the file"; a value overrides it
    ctx = notebook_setup(_namespace(folder, scenario_file=str(scenario_file), time_limit_s=5))
    assert (ctx.scenario.name, ctx.scenario.budget_scale, ctx.scenario.time_limit_s) == (
        "cut",
        0.5,
        5.0,
    )
    assert ctx.scenario.max_avg_risk == 3.0 and ctx.scenario.seed == 7
    assert ctx.scenario_path == scenario_file.resolve()
    # what papermill injects is applied as given, None included
    ctx = notebook_setup(
        _namespace(
            folder,
            injected={"scenario_file": str(scenario_file), "max_avg_risk": None, "seed": 3},
        )
    )
    assert ctx.scenario.max_avg_risk is None and ctx.scenario.seed == 3
    assert ctx.scenario.budget_scale == 0.5
    with pytest.raises(InputError, match="budget_scale"):
        notebook_setup(_namespace(folder, injected={"budget_scale": None}))


def test_missing_scenario_file_broken_portfolio_unknown_decision_are_input_errors(folder, tmp_path):
    with pytest.raises(InputError, match="'P99' is not a project id"):
        notebook_setup(_namespace(folder, injected={"force_in": ["P99"]}))
    with pytest.raises(InputError, match="scenario file not found"):
        notebook_setup(_namespace(folder, scenario_file=str(tmp_path / "none.yaml")))
    broken = write_portfolio(tmp_path / "broken", projects=[{"project_id": "P1"}])
    with pytest.raises(InputError, match="duration"):
        notebook_setup(_namespace(broken))


def test_relative_paths_resolve_against_the_project_and_are_shown_relative(folder, monkeypatch):
    monkeypatch.chdir(folder.parent)  # as papermill: the working folder is elsewhere
    ctx = notebook_setup(
        _namespace(folder, portfolio="pf", scenario_file="data/scenarios/baseline.yaml")
    )
    assert ctx.portfolio_path == folder.resolve()
    assert ctx.scenario_path == paths.SCENARIOS_DIR / "baseline.yaml"
    assert ctx.scenario_label == "baseline (data/scenarios/baseline.yaml)"
    assert display_path(paths.SAMPLE_DIR) == "data/sample"
    assert display_path(folder) == "pf"  # outside the project: never an absolute path


def test_interactive_default_yields_to_the_environment_but_not_to_papermill(folder, monkeypatch):
    monkeypatch.delenv(INTERACTIVE_ENV, raising=False)
    assert notebook_setup(_namespace(folder)).interactive is True
    monkeypatch.setenv(INTERACTIVE_ENV, "0")
    assert notebook_setup(_namespace(folder)).interactive is False
    monkeypatch.setenv(INTERACTIVE_ENV, "1")
    assert notebook_setup(_namespace(folder, interactive=False)).interactive is True
    assert notebook_setup(_namespace(folder, injected={"interactive": False})).interactive is False


def test_without_output_dir_nothing_is_written(folder, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ctx = notebook_setup(_namespace(folder))
    assert ctx.output_dir is None
    plan = ctx.plan()
    assert ctx.write_table("selection", plan.projects) is None
    assert ctx.write_summary(plan) is None
    assert ctx.read_table("selection") is None
    assert list(tmp_path.iterdir()) == []


def test_tables_summary_and_one_plan_per_report_run(folder, tmp_path):
    out = tmp_path / "report"
    ns = _namespace(folder, injected={"output_dir": str(out), "interactive": False})
    first = notebook_setup(ns)
    plan = first.plan()
    assert plan.status == "optimal" and len(plan.selected) == 4
    first.write_table("selection", plan.projects)  # index project_id becomes a column
    first.write_summary(plan)
    table = pd.read_csv(out / "tables" / "selection.csv", dtype=str)
    assert table.columns[0] == "project_id" and "007" in set(table["project_id"])
    assert json.loads((out / "summary.json").read_text()) == plan.summary()
    assert first.read_table("selection")["project_id"].tolist() == plan.projects.index.tolist()
    with pytest.raises(InputError, match="sheet name"):
        first.write_table("../x", plan.projects)


def test_a_report_run_shows_the_plan_the_runner_stored(folder, tmp_path):
    out = tmp_path / "report"
    alone = notebook_setup(_namespace(folder))
    plan = alone.plan()
    write_plan_dir(plan, out)
    summary = json.loads((out / "summary.json").read_text())
    summary["message"] = "read back"
    (out / "summary.json").write_text(json.dumps(summary))
    ns = _namespace(folder, injected={"output_dir": str(out), "plan_dir": str(out)})
    again = notebook_setup(ns).plan()
    assert again.message == "read back"
    assert again.starts == plan.starts and again.objective == plan.objective
    pd.testing.assert_frame_equal(again.load, plan.load)
    pd.testing.assert_frame_equal(again.spend, plan.spend)
    assert (again.status, again.gap) == (plan.status, plan.gap)

    # another scenario with the same plan folder is solved, not read
    other = notebook_setup(_namespace(folder, plan_dir=str(out), budget_scale=0.5)).plan()
    assert other.message != "read back" and len(other.selected) == 2

    # a plan folder of another portfolio is a clear input error
    (out / "plan.csv").write_text("project_id,selected,start,finish\nZZ9,1,2027-01,2027-02\n")
    with pytest.raises(InputError, match="ZZ9.*another portfolio"):
        notebook_setup(ns).plan()


def test_fields_left_at_none_keep_the_defaults(folder):
    ctx = notebook_setup(_namespace(folder, time_limit_s=None, objective=None))
    assert ctx.scenario == Scenario(horizon_start="2027-01", horizon_months=4)
