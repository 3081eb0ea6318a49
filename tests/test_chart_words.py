"""Charts that say what they show: heatmap buckets that match the caption and cover the data,
alternative text from the numbers on every chart image of a page."""

from __future__ import annotations

import re

import nbformat
import numpy as np
import pandas as pd
from matplotlib.colors import to_hex

from pmo_opt.present.charts import capacity_heatmap, gantt, value_cost_bubble
from pmo_opt.present.charts.capacity import HEAT_BUCKETS, heat_bucket
from pmo_opt.present.html import NBCONVERT_DEFAULT_ALT, export_html


def load(values: dict[tuple[str, str], tuple[float, float]]) -> pd.DataFrame:
    rows = [
        {"role": r, "month": m, "demand_fte": d, "capacity_fte": c, "hired_fte": 0.0}
        for (r, m), (d, c) in values.items()
    ]
    return pd.DataFrame(rows)


def cell_colour(fig, i, j):
    image = fig.axes[0].get_images()[0]
    return to_hex(image.cmap(image.norm(image.get_array()[i, j])))


def test_heatmap_full_is_orange_and_483_percent_is_far_over():
    grid = load(
        {
            ("dev", "2027-01"): (2.0, 2.0),  # 100%: full, orange as the caption says
            ("dev", "2027-02"): (4.83, 1.0),  # 483%: beyond any 0-150% scale
            ("qa", "2027-01"): (0.2, 1.0),
            ("qa", "2027-02"): (1.2, 1.0),
        }
    )
    fig = capacity_heatmap(grid)
    names = {name: colour for name, _, colour in HEAT_BUCKETS}
    assert cell_colour(fig, 0, 0) == names["full (99-100%)"].lower()
    assert cell_colour(fig, 0, 0) not in (names["over (100-150%)"].lower(),)
    assert cell_colour(fig, 0, 1) == names["over 150%"].lower()
    assert cell_colour(fig, 1, 1) == names["over (100-150%)"].lower()
    assert cell_colour(fig, 1, 0) == names["under 50%"].lower()
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == [name for name, _, _ in HEAT_BUCKETS] and "over 150%" in legend
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert "483%" in texts and "100%" in texts
    assert "1 role-months full, 2 over" in fig.describe()
    assert "dev in 2027-02 at 483%" in fig.describe()


def test_heat_buckets_cover_everything():
    values = np.array([0.0, 0.49, 0.5, 0.95, 0.995, 1.0, 1.01, 1.5, 1.51, 100.0, np.inf])
    assert list(heat_bucket(values)) == [0, 0, 1, 2, 3, 3, 4, 4, 5, 5, 5]


def plan_table():
    return pd.DataFrame(
        {
            "project_id": ["P1", "P2", "P3"],
            "name": ["One", "Two", "Three"],
            "selected": [True, True, False],
            "start": ["2027-01", "2027-03", None],
            "finish": ["2027-04", "2027-03", None],
            "value": [50.0, 30.0, 40.0],
            "cost": [460_000.0, 200_000.0, 100_000.0],
        }
    )


def test_every_chart_has_alt_text_from_its_numbers():
    bubble = value_cost_bubble(plan_table(), currency="EUR", value_label="priority points")
    assert "2 selected (filled) cost 660k EUR for 80.0 priority points" in bubble.describe()
    assert "P3 (value 40.0, cost 100k EUR)" in bubble.describe()
    schedule = gantt(plan_table())
    assert schedule.describe().startswith("Schedule of the 2 selected projects, from 2027-01")
    assert "longest is P1 (4 months)" in schedule.describe()
    data, meta = bubble._repr_mimebundle_()
    assert meta["image/png"]["alt"] == bubble.describe() == data["text/plain"]


def test_page_images_carry_the_alt_text(tmp_path):
    fig = capacity_heatmap(load({("dev", "2027-01"): (1.0, 2.0)}))
    data, meta = fig._repr_mimebundle_()
    book = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("chart")
    cell.outputs = [nbformat.v4.new_output("display_data", data=data, metadata=meta)]
    plain = nbformat.v4.new_code_cell("other")
    plain.outputs = [
        nbformat.v4.new_output(
            "display_data", data={"image/png": data["image/png"][:-8] + "AAAAAAA=", "text/plain":
                                  "<Figure size 640x480 with 1 Axes>"}
        )
    ]  # fmt: skip
    book.cells = [cell, plain]
    path = tmp_path / "page.ipynb"
    nbformat.write(book, str(path))
    page = export_html(path).read_text()
    alts = re.findall(r'<img\b[^>]*\balt="([^"]*)"', page)
    assert len(alts) == 2
    assert alts[0].startswith("Share of capacity used for 1 roles over 1 months")
    assert "50%" in alts[0]
    assert NBCONVERT_DEFAULT_ALT not in page


def test_one_rank_per_project_on_every_page(tmp_path):
    """P018 and P006 tie at 56.89 points in the sample, but their values differ in the last
    bit (56.888888888888886 and 56.88888888888889): the ranking page said 16th, the left-out
    table 17th. One rank function (value_rank) now gives both the same rank."""
    from builders import make_portfolio

    from pmo_opt.engine.plan import make_plan
    from pmo_opt.inputs.scenario import Scenario, resolve_horizon
    from pmo_opt.present.narrative import left_out_table
    from pmo_opt.prioritise.scoring import value_rank

    pf = make_portfolio(
        tmp_path,
        projects=[{"project_id": p, "duration": 1, "cost": 1} for p in ("A", "B", "C")],
        demand=[{"project_id": p, "role": "dev", "fte": 1} for p in ("A", "B", "C")],
        capacity=[{"role": "dev", "fte": 1}],
    )
    scenario = Scenario(horizon_start="2027-01", horizon_months=1)
    values = pd.Series({"A": 60.0, "B": 56.888888888888886, "C": 56.88888888888889})
    assert values["B"] != values["C"]
    plan = make_plan(
        pf, scenario, resolve_horizon(pf, scenario), {"A": "2027-01"}, values=values,
        status="optimal",
    )  # fmt: skip
    table = left_out_table(None, plan, pf)
    assert sorted(table["rank"]) == [2, 2]  # a tie shares its rank, as on the ranking page
    assert list(value_rank(values)) == [1, 2, 2]


def test_generic_alt_text_names_categories_and_labels():
    from pmo_opt.present.charts import new_figure

    fig, ax = new_figure(4, 3)
    ax.bar([0, 1], [7.9e6, 8.6e6])
    ax.set_xticks([0, 1], ["2027", "2028"])
    ax.text(0, 7.9e6, "100%")
    ax.set_title("Spend per year")
    ax.set_xlabel("year")
    ax.set_ylabel("spend (EUR)")
    text = fig.describe()
    assert "Across: year: 2027, 2028." in text and "Labels: 100%." in text
    assert "Up: spend (EUR), 0 to " in text


def test_money_keeps_enough_digits_to_tell_projects_apart():
    """Amounts on pages, charts and in sentences: EUR 460k (or 0.46M), never EUR 0M."""
    from pmo_opt.analysis.two_currencies import amount
    from pmo_opt.analysis.wording import money as sentence_money
    from pmo_opt.present.charts import short_number
    from pmo_opt.present.narrative import money

    for fmt in (money, short_number, sentence_money, lambda x: amount(x, "")):
        small, close_a, close_b = fmt(460_000), fmt(1_210_000), fmt(1_250_000)
        assert small not in ("0M", "0") and "46" in small, (fmt, small)
        assert close_a != close_b, (fmt, close_a)
