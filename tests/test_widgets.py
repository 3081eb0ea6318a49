"""The analyst panels, driven as an analyst would: set control values, press the button.

Everything runs for real (HiGHS, rank-and-fill, scoring); the assertions read the plan the panel
kept (its ``scenario`` is the one passed to ``optimise``) and the result area's outputs.
"""

from __future__ import annotations

import importlib.util

import pytest
import yaml
from builders import make_portfolio

from pmo_opt.errors import InputError
from pmo_opt.inputs.scenario import Scenario, load_scenario
from pmo_opt.present.widgets import (
    PrioritisationPanel,
    SelectionPanel,
    prioritisation_panel,
    safe_scenario_name,
    selection_panel,
)

BASE = Scenario(name="base", horizon_start="2027-01", horizon_months=4, time_limit_s=20)
IDS = ["P1", "P2", "P3", "P4", "P5"]


@pytest.fixture
def portfolio(tmp_path):
    """Five two-month projects, one dev each; two devs and a budget of 1000 fit four of them.

    Impact falls and urgency rises from P1 to P5; benefit falls from P1 to P5.
    """
    return make_portfolio(
        tmp_path / "pf",
        projects=[
            {"project_id": p, "name": f"Project {p}", "duration": 2, "cost": 100, "benefit": b}
            for p, b in zip(IDS, [10, 8, 6, 4, 2], strict=True)
        ],
        demand=[{"project_id": p, "role": "dev", "fte": 1} for p in IDS],
        capacity=[{"role": "dev", "fte": 2}],
        budget=[{"period": "total", "amount": 1000}],
        criteria=[{"criterion": "impact", "weight": 1}, {"criterion": "urgency", "weight": 1}],
        scores=[
            {"project_id": p, "criterion": c, "score": s}
            for i, p in enumerate(IDS)
            for c, s in (("impact", 5 - i), ("urgency", 1 + i))
        ],
    )


@pytest.fixture
def panel(portfolio, tmp_path) -> SelectionPanel:
    # charts cost a second or two per solve; one test draws them
    return selection_panel(portfolio, BASE, scenarios_dir=tmp_path / "scenarios", charts=False)


def html_of(panel) -> str:
    """All HTML shown in the result area."""
    return "\n".join(o["data"].get("text/html", "") for o in panel.output.outputs)


def solve(panel, **values):
    for name, value in values.items():
        getattr(panel, name).value = value
    panel.solve_button.click()
    assert panel.error is None, panel.error
    return panel.plan


# --------------------------------------------------------------------------------------------
# selection panel: each control reaches the scenario passed to optimise, and the result shown


def test_panel_displays_its_widget(panel):
    bundle = panel._repr_mimebundle_()
    view = bundle["application/vnd.jupyter.widget-view+json"]
    assert view["model_id"] == panel.widget.model_id
    assert panel.output in panel.widget.children
    assert panel.solve_button.description == "Solve"


def test_nothing_solves_until_the_button(panel):
    placeholder = panel.output.outputs
    assert panel.plan is None and "No result yet" in html_of(panel)
    panel.budget_scale.value = 0.3
    panel.force_out.value = ("P1",)
    assert panel.plan is None and panel.solves == 0 and panel.output.outputs == placeholder


def test_slider_change_alone_does_not_solve(panel):
    first = solve(panel)
    shown = panel.output.outputs
    panel.budget_scale.value = 0.3
    panel.capacity_scale.value = 0.5
    panel.weights["impact"].value = 0.0
    assert panel.plan is first and panel.solves == 1
    assert panel.output.outputs == shown
    assert "Settings changed" in panel.state.value


@pytest.mark.slow  # draws the charts
def test_first_solve_shows_status_selection_baseline_and_charts(panel):
    panel.show_charts.value = True
    plan = solve(panel)
    assert plan.status == "optimal"
    assert len(plan.selected) == 4  # two devs over four months: four two-month projects
    assert plan.scenario == BASE  # untouched controls change nothing
    text = html_of(panel)
    assert "optimal (gap 0.00%)" in text
    assert "Selected projects (4 of 5)" in text
    for p in plan.selected:
        assert f"<td>{p}</td>" in text
    assert "Against rank-and-fill" in text and "First solve" in text
    gain = plan.objective - panel.baseline.objective
    assert f"Value against rank-and-fill: <b>{gain:+,.1f}</b>" in text
    assert panel.baseline.solver == "rank_and_fill"
    assert plan.total_value >= panel.baseline.total_value - 1e-6
    pngs = [o for o in panel.output.outputs if "image/png" in o["data"]]
    if importlib.util.find_spec("pmo_opt.present.charts"):
        assert len(pngs) == 2
    else:
        assert not pngs and "Charts are not available" in text
    assert "up to date" in panel.state.value
    panel.show_charts.value = False
    solve(panel)
    assert not [o for o in panel.output.outputs if "image/png" in o["data"]]
    assert "Charts are not available" not in html_of(panel)


def test_budget_scale_selects_fewer_and_reports_who_left(panel):
    before = solve(panel)
    after = solve(panel, budget_scale=0.3)
    assert after.scenario.budget_scale == pytest.approx(0.3)
    assert len(after.selected) == 3 < len(before.selected)  # 300 pays for three projects
    assert panel.previous is before
    assert panel.changes["left"] == sorted(set(before.selected) - set(after.selected))
    assert panel.changes["entered"] == []
    text = html_of(panel)
    assert "Selected projects (3 of 5)" in text
    assert "<b>Left:</b> " + panel.changes["left"][0] in text


def test_capacity_scale_selects_fewer(panel):
    plan = solve(panel, capacity_scale=0.5)
    assert plan.scenario.capacity_scale == pytest.approx(0.5)
    assert len(plan.selected) == 2  # one dev over four months


def test_force_out_removes_a_project(panel):
    # the five projects tie on priority score, so take one the first solve actually chose
    chosen = solve(panel).selected[0]
    plan = solve(panel, force_out=(chosen,))
    assert plan.scenario.force_out == (chosen,)
    assert chosen not in plan.selected
    assert chosen in panel.changes["left"]


def test_force_in_takes_a_project_the_budget_would_drop(panel):
    # a budget for one project, and the board insists on P3
    plan = solve(panel, budget_scale=0.1, force_in=("P3",))
    assert plan.scenario.force_in == ("P3",)
    assert plan.selected == ["P3"]


def test_weights_change_what_is_valued(panel):
    panel.budget_scale.value = 0.1  # room for one project: the most valuable
    panel.weights["urgency"].value = 0.0
    assert solve(panel).selected == ["P1"]  # impact only
    assert panel.plan.scenario.weights == {"urgency": 0.0}
    panel.weights["urgency"].value = 1.0
    panel.weights["impact"].value = 0.0
    plan = solve(panel)
    assert plan.scenario.weights == {"impact": 0.0}
    assert plan.selected == ["P5"]  # urgency only
    assert panel.changes == {"entered": ["P5"], "left": ["P1"], "moved": []}
    assert "impact 0%" in panel.weight_shares.value and "urgency 100%" in panel.weight_shares.value


def test_objective_changes_what_is_maximised(panel):
    panel.budget_scale.value = 0.1
    panel.weights["impact"].value = 0.0  # value (priority score) now favours P5
    assert solve(panel, objective="value").selected == ["P5"]
    plan = solve(panel, objective="benefit")  # benefit favours P1
    assert plan.scenario.objective == "benefit"
    assert plan.selected == ["P1"]
    plan = solve(panel, objective="makespan", budget_scale=1.0, capacity_scale=1.5)
    assert plan.selected == IDS  # makespan takes everything: three devs fit five projects
    assert plan.objective == 4 and "Makespan: <b>4</b> months" in html_of(panel)


def test_time_limit_reaches_the_solver(panel):
    plan = solve(panel, time_limit=7)
    assert plan.scenario.time_limit_s == 7.0


def test_contradicting_controls_show_the_problem_not_a_crash(panel):
    panel.force_in.value = ("P2",)
    panel.force_out.value = ("P2",)
    panel.solve_button.click()
    assert isinstance(panel.error, InputError)
    assert panel.plan is None
    assert "Cannot use these settings" in html_of(panel)
    assert "both forced in and forced out" in html_of(panel)
    assert "failed" in panel.state.value


def test_infeasible_settings_show_the_status(panel):
    panel.capacity_scale.value = 0.0
    plan = solve(panel, force_in=("P1",))
    assert plan.status == "infeasible"
    assert "infeasible" in html_of(panel)
    assert "Selected projects" not in html_of(panel)


def test_fields_without_a_control_carry_through(portfolio, tmp_path):
    base = BASE.replace(allow_hiring=True, seed=7, description="board pack")
    panel = selection_panel(portfolio, base, scenarios_dir=tmp_path, charts=False)
    # compared as dicts: Scenario.replace leaves untouched force lists as lists, not tuples
    assert panel.current_scenario().to_dict() == base.to_dict()
    assert solve(panel, budget_scale=0.5).scenario.to_dict() == {
        **base.to_dict(),
        "budget_scale": 0.5,
    }


# --------------------------------------------------------------------------------------------
# save as scenario


def test_save_writes_yaml_that_loads_back_to_the_same_settings(panel, tmp_path):
    panel.budget_scale.value = 0.8
    panel.force_in.value = ("P4",)
    panel.weights["impact"].value = 1.5
    panel.objective.value = "benefit"
    panel.save_name.value = "Budget cut 20%"
    panel.save_button.click()
    path = tmp_path / "scenarios" / "Budget-cut-20.yaml"
    assert panel.saved_path == path and path.exists()
    assert "Saved" in panel.save_message.value
    loaded = load_scenario(path).to_dict()
    assert loaded.pop("name") == "Budget-cut-20"
    assert (
        loaded.pop("description")
        == "saved from the portfolio selection panel, starting from 'base'"
    )
    expected = panel.current_scenario().to_dict()
    assert {k: v for k, v in expected.items() if k not in ("name", "description")} == loaded
    raw = yaml.safe_load(path.read_text())
    assert raw["budget_scale"] == 0.8 and raw["force_in"] == ["P4"]
    assert panel.solves == 0  # saving does not solve


def test_save_refuses_to_overwrite(panel, tmp_path):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    existing = folder / "what-if.yaml"
    existing.write_text("name: what-if\nbudget_scale: 0.5\n")
    panel.budget_scale.value = 1.7
    panel.save_name.value = "what-if"
    panel.save_button.click()
    assert panel.saved_path is None
    assert existing.read_text() == "name: what-if\nbudget_scale: 0.5\n"
    assert "Not saved" in panel.save_message.value
    assert "already exists" in panel.save_message.value
    # a fresh name works, and saving it a second time is refused too
    assert panel.save_scenario("what-if-2") == folder / "what-if-2.yaml"
    first = (folder / "what-if-2.yaml").read_bytes()
    panel.budget_scale.value = 0.2
    assert panel.save_scenario("what-if-2") is None
    assert (folder / "what-if-2.yaml").read_bytes() == first
    assert "already exists" in panel.save_message.value


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd", "etc-passwd"),
        ("a/b\\c", "a-b-c"),
        ("..", ""),
        ("  spring review.yaml ", "spring-review"),
        ("hire_2_devs", "hire_2_devs"),
    ],
)
def test_safe_scenario_name(name, safe):
    assert safe_scenario_name(name) == safe


def test_save_sanitises_the_name_into_the_folder(panel, tmp_path):
    folder = tmp_path / "scenarios"
    path = panel.save_scenario("../outside/x")
    assert path == folder / "outside-x.yaml"
    assert not (tmp_path / "outside").exists()
    assert panel.save_scenario("../..") is None
    assert "no usable characters" in panel.save_message.value
    assert sorted(p.name for p in folder.iterdir()) == ["outside-x.yaml"]


def test_save_refuses_contradicting_settings(panel, tmp_path):
    panel.force_in.value = ("P2",)
    panel.force_out.value = ("P2",)
    assert panel.save_scenario("both") is None
    assert "both forced in and forced out" in panel.save_message.value
    assert not (tmp_path / "scenarios" / "both.yaml").exists()


# --------------------------------------------------------------------------------------------
# prioritisation panel


@pytest.fixture
def ranking_panel(portfolio, tmp_path) -> PrioritisationPanel:
    return prioritisation_panel(portfolio, BASE, scenarios_dir=tmp_path / "scenarios")


def test_prioritisation_ranks_only_on_the_button(ranking_panel):
    ranking_panel.weights["urgency"].value = 0.0
    assert ranking_panel.ranking is None and ranking_panel.solves == 0
    ranking_panel.solve_button.click()
    assert ranking_panel.error is None
    assert list(ranking_panel.ranking.index[:2]) == ["P1", "P2"]
    assert ranking_panel.scenario.weights == {"urgency": 0.0}


def test_prioritisation_weights_reorder_and_show_moves(ranking_panel):
    p = ranking_panel
    p.weights["urgency"].value = 0.0
    p.solve_button.click()
    p.weights["urgency"].value = 1.0
    p.weights["impact"].value = 0.0
    p.solve_button.click()
    assert p.error is None
    assert p.ranking.index[0] == "P5" and p.ranking.loc["P5", "rank"] == 1
    assert p.previous_ranking.index[0] == "P1"
    text = html_of(p)
    assert "up 4" in text and "down 4" in text
    assert "urgency 100%" in text  # the scoring sentence names the weights in effect


def test_prioritisation_funded_line_follows_budget(ranking_panel):
    p = ranking_panel
    p.solve_button.click()
    assert p.ranking["funded"].sum() == 4 == len(p.baseline.selected)
    p.budget_scale.value = 0.2
    p.solve_button.click()
    assert p.ranking["funded"].sum() == 2
    assert set(p.ranking.index[p.ranking["funded"]]) == set(p.baseline.selected)
    assert "Rank-and-fill funds <b>2</b> of 5" in html_of(p)


def test_prioritisation_scoring_method(ranking_panel):
    p = ranking_panel
    p.weights["impact"].value = 0.0
    p.solve_button.click()
    assert p.ranking.index[0] == "P5"
    p.scoring.value = "benefit"
    p.solve_button.click()
    assert p.scenario.scoring == "benefit"
    assert list(p.ranking.index) == IDS  # benefit 10, 8, 6, 4, 2
    assert p.save_scenario("by-benefit") is not None
    assert load_scenario(p.saved_path).scoring == "benefit"
