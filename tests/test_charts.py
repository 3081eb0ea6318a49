"""Charts: what each one draws (bars, points, labels, titles), never pixels."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import LineCollection, PathCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.image import AxesImage  # noqa: E402

from pmo_opt.engine.plan import make_plan  # noqa: E402
from pmo_opt.inputs.load import load_portfolio  # noqa: E402
from pmo_opt.inputs.scenario import Scenario  # noqa: E402
from pmo_opt.present import charts  # noqa: E402

HORIZON = ["2027-01", "2027-02", "2027-03", "2027-04", "2027-05", "2027-06"]


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory):
    folder = tmp_path_factory.mktemp("portfolio")
    tables = {
        "projects": [
            ("project_id", "name", "category", "duration", "cost", "benefit", "risk"),
            ("P1", "CRM upgrade", "Growth", 3, 300, 50, 0.2),
            ("P2", "Data lake", "Run", 2, 200, 30, 0.8),
            ("P3", "Mobile app", "Growth", 2, 150, 25, 0.5),
            ("P4", "Archive", "Compliance", 1, 50, 5, 0.1),
        ],
        "demand": [("project_id", "role", "fte"), ("P1", "dev", 1), ("P2", "dev", 2)]
        + [("P3", "ux", 1), ("P4", "dev", 1)],
        "capacity": [("role", "fte"), ("dev", 2), ("ux", 1)],
        "roles": [("role", "hire_cost_per_fte_month"), ("dev", 10), ("ux", 8)],
        "budget": [("period", "amount"), ("total", 900), ("2027-Q1", 400)]
        + [("2027-Q2", 300), ("2027", 1000), ("2030", 5)],
    }
    for name, rows in tables.items():
        lines = [",".join(str(v) for v in row) for row in rows]
        (folder / f"{name}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_portfolio(folder)


@pytest.fixture(scope="module")
def plan(portfolio):
    hires = pd.DataFrame({"role": ["dev"], "month": ["2027-02"], "fte": [1.0]})
    starts = {"P1": "2027-01", "P2": "2027-02", "P3": "2027-04"}
    return make_plan(portfolio, Scenario(), HORIZON, starts, hires=hires, status="optimal")


def _title(fig: Figure) -> str:
    return fig.axes[0].get_title()


def test_value_cost_bubble_draws_one_point_per_project(plan, portfolio):
    fig = charts.value_cost_bubble(plan, risk=portfolio.projects["risk"])
    ax = fig.axes[0]
    points = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert [len(c.get_offsets()) for c in points] == [3, 1]  # selected, not selected
    selected_sizes = points[0].get_sizes()
    assert selected_sizes.max() > selected_sizes.min()  # size follows risk (0.2, 0.8, 0.5)
    assert ax.get_xlabel().startswith("cost (") and ax.get_ylabel().startswith("value")
    assert "3 of 4 projects selected" in ax.get_title()
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[:2] == ["selected", "not selected"] and any("risk" in t for t in legend)
    assert {t.get_text() for t in ax.texts} == {"P1", "P2", "P3", "P4"}


def test_charts_render_as_png_for_jupyter(plan):
    fig = charts.value_cost_bubble(plan)
    assert isinstance(fig, Figure)
    assert fig._repr_png_()[:8] == b"\x89PNG\r\n\x1a\n"


def test_efficient_frontier_marks_knee_and_current_budget():
    frontier = pd.DataFrame(
        {"budget": [0, 100, 200, 300, 400], "value": [0, 60, 80, 88, 90]}
        | {"marginal": [0, 0.6, 0.2, 0.08, 0.02]}
    )
    fig = charts.efficient_frontier(frontier, current_budget=250)
    top, bottom = fig.axes[:2]
    line = top.get_lines()[0]
    assert list(line.get_xdata()) == [0, 100, 200, 300, 400]
    assert any(t.get_text() == "knee: 100" for t in top.texts)
    dashed = [ln for ln in top.get_lines() if ln.get_linestyle() == "--"]
    assert len(dashed) == 1 and dashed[0].get_xdata()[0] == 250
    assert [(b.get_x(), b.get_width()) for b in bottom.patches] == [(0, 100), (100, 100)] + [
        (200, 100),
        (300, 100),
    ]  # one bar per step between budget levels
    # value per extra million of budget
    assert [b.get_height() for b in bottom.patches] == pytest.approx([6e5, 2e5, 8e4, 2e4])
    assert bottom.get_xlabel().startswith("budget (")
    assert "frontier" in top.get_title().lower()


def test_efficient_frontier_without_bend_has_no_knee():
    straight = pd.DataFrame({"budget": [0, 1, 2, 3], "value": [0, 1, 2, 3]})
    fig = charts.efficient_frontier(straight)
    assert len(fig.axes) == 1
    assert not any("knee" in t.get_text() for t in fig.axes[0].texts)


def test_efficient_frontier_reads_the_frontier_modules_columns():
    frontier = pd.DataFrame(
        {
            "budget": [0.0, 50.0, 100.0, 150.0],
            "value": [0.0, 30.0, 35.0, np.nan],  # the last level found no plan
            "marginal_value": [np.nan, 0.6, 0.1, np.nan],
            "knee": [False, False, True, False],
            "is_current": [False, True, False, False],
        }
    )
    fig = charts.efficient_frontier(frontier)
    top, bottom = fig.axes[:2]
    assert list(top.get_lines()[0].get_xdata()) == [0, 50, 100]
    assert any(t.get_text() == "knee: 100" for t in top.texts)  # the table's knee, not ours
    dashed = [ln for ln in top.get_lines() if ln.get_linestyle() == "--"]
    assert dashed[0].get_xdata()[0] == 50
    assert [p.get_height() for p in bottom.patches] == pytest.approx([6e5, 1e5])


def test_capacity_heatmap_shows_utilisation_per_role_and_month(plan):
    fig = charts.capacity_heatmap(plan.load)
    ax = fig.axes[0]
    image = next(a for a in ax.get_children() if isinstance(a, AxesImage))
    grid = image.get_array()
    assert grid.shape == (2, 6)  # roles dev, ux x six months
    # dev in 2027-02: P1 (1) + P2 (2) against 2 + 1 hired = 100%; ux in 2027-01: nothing used
    # (the image holds colour buckets: 3 is full, 0 is under 50%)
    assert grid[0, 1] == 3 and grid[1, 0] == 0
    assert [t.get_text() for t in ax.get_yticklabels()] == ["dev", "ux"]
    assert "100%" in {t.get_text() for t in ax.texts}
    # one set of named buckets on every page; full is deep orange, spare pale
    legend = ax.get_legend()
    assert legend.get_title().get_text() == "demand / (capacity + hired)"
    assert "full (99-100%)" in [t.get_text() for t in legend.get_texts()]
    assert "utilisation" in _title(fig).lower()


def test_capacity_heatmap_flags_demand_without_capacity():
    load = pd.DataFrame(
        {"role": ["qa", "qa"], "month": ["2027-01", "2027-02"]}
        | {"demand_fte": [1.0, 0.0], "capacity_fte": [0.0, 0.0]}
    )
    fig = charts.capacity_heatmap(load)
    image = next(a for a in fig.axes[0].get_children() if isinstance(a, AxesImage))
    assert np.ma.is_masked(image.get_array()[0, 1])  # neither demand nor capacity: grey
    assert "no cap" in {t.get_text() for t in fig.axes[0].texts}


def test_gantt_draws_selected_projects_coloured_by_category(plan):
    fig = charts.gantt(plan)
    ax = fig.axes[0]
    bars = ax.patches
    assert len(bars) == 3
    assert [b.get_x() for b in bars] == [24324, 24325, 24327]  # 2027-01, -02, -04 as ordinals
    assert [b.get_width() for b in bars] == [3, 2, 2]
    assert bars[0].get_facecolor() == bars[2].get_facecolor()  # both Growth
    assert bars[0].get_facecolor() != bars[1].get_facecolor()
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["P1 CRM upgrade", "P2 Data lake", "P3 Mobile app"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Growth", "Run"]
    assert ax.get_xticklabels()[0].get_text() == "2027-01"
    assert "3 selected" in ax.get_title()


def test_spend_vs_budget_has_a_panel_per_kind_of_period(plan, portfolio):
    fig = charts.spend_vs_budget(plan, portfolio.budget)
    total, year, quarter = fig.axes
    assert "total" in total.get_title() and "year" in year.get_title()
    assert "quarter" in quarter.get_title()
    cumulative = total.get_lines()[0].get_ydata()
    assert cumulative[-1] == pytest.approx(plan.total_spend)
    assert any(ln.get_ydata()[0] == 900 for ln in total.get_lines()[1:])  # the total limit
    # quarters: project and hiring bars per quarter, one limit line each; 2030 is left out
    assert len(quarter.patches) == 4
    assert [t.get_text() for t in quarter.get_xticklabels()] == ["2027-Q1", "2027-Q2"]
    q1 = plan.spend[plan.spend["month"] <= "2027-03"]
    assert quarter.patches[0].get_height() == pytest.approx(q1["project_spend"].sum())
    limits = [c for c in quarter.collections if isinstance(c, LineCollection)]
    assert sorted(s[0][1] for c in limits for s in c.get_segments()) == [300, 400]
    assert quarter.get_ylabel().startswith("spend (")


def test_spend_vs_budget_applies_the_budget_scale(plan, portfolio):
    fig = charts.spend_vs_budget(plan, portfolio.budget, budget_scale=0.5)
    total = fig.axes[0]
    assert any(ln.get_ydata()[0] == 450 for ln in total.get_lines()[1:])


def test_rank_stability_draws_a_range_per_project():
    table = pd.DataFrame(
        {
            "name": ["Alpha", "Beta", "Gamma"],
            "base_rank": [1, 2, 3],
            "min_rank": [1, 1, 2],
            "median_rank": [1, 2, 3],
            "max_rank": [2, 3, 3],
            "p_top_k": [1.0, 0.55, 0.1],
        },
        index=pd.Index(["A", "B", "C"], name="project_id"),
    )
    fig = charts.rank_stability(table, top_k=2)
    ax = fig.axes[0]
    ranges = next(c for c in ax.collections if isinstance(c, LineCollection))
    segments = ranges.get_segments()
    assert [(s[0][0], s[1][0]) for s in segments] == [(1, 2), (1, 3), (2, 3)]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A Alpha", "B Beta", "C Gamma"]
    assert {"in top 2", "100%", "55%", "10%"} <= {t.get_text() for t in ax.texts}
    assert ax.get_xlabel().startswith("rank")


def test_rank_stability_accepts_long_draws():
    draws = pd.DataFrame(
        {"project_id": ["A", "B"] * 3, "draw": [0, 0, 1, 1, 2, 2], "rank": [1, 2, 2, 1, 1, 2]}
    )
    ax = charts.rank_stability(draws).axes[0]
    segments = next(c for c in ax.collections if isinstance(c, LineCollection)).get_segments()
    assert len(segments) == 2 and all((s[0][0], s[1][0]) == (1, 2) for s in segments)


def test_scenario_comparison_draws_value_and_spend_per_scenario():
    table = pd.DataFrame(
        {"scenario": ["baseline", "cut 20%", "hire"], "value": [90, 70, 95]}
        | {"spend": [900, 720, 980]}
    )
    fig = charts.scenario_comparison(table)
    value, spend = fig.axes
    assert [p.get_width() for p in value.patches] == [90, 70, 95]
    assert [p.get_width() for p in spend.patches] == [900, 720, 980]
    assert [t.get_text() for t in value.get_yticklabels()] == ["baseline", "cut 20%", "hire"]
    assert spend.get_xlabel().startswith("spend (")
    assert fig.get_suptitle() == "Scenario comparison"


def test_scenario_comparison_names_scenarios_without_a_proven_plan():
    table = pd.DataFrame(
        {"scenario": ["base", "tight", "rushed"], "value": [90.0, np.nan, 80.0]}
        | {"spend": [900.0, np.nan, 800.0], "status": ["optimal", "infeasible", "feasible"]}
    )
    value = charts.scenario_comparison(table).axes[0]
    assert [p.get_width() for p in value.patches] == [90, 0, 80]
    assert [t.get_text() for t in value.texts] == ["90", "no plan (infeasible)", "80 (feasible)"]


def test_a_dollar_in_a_name_is_a_dollar_not_mathtext():
    plan = pd.DataFrame(
        {
            "project_id": ["P1", "P$2"],
            "name": ["Cut $ fees by 10% ($ plan)", "$x$ and $y"],
            "category": ["$ ops", "IT"],
            "selected": [True, True],
            "start": ["2027-01", "2027-02"],
            "finish": ["2027-03", "2027-04"],
            "cost": [10.0, 20.0],
            "value": [1.0, 2.0],
        }
    )
    for fig in (charts.gantt(plan), charts.value_cost_bubble(plan, currency="$")):
        assert fig._repr_png_()[:4] == b"\x89PNG"  # renders: no mathtext ParseException
