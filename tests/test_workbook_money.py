"""plan.xlsx in words and money: headers, one table per sheet, number formats, the stated
benefit beside the value score, and the money and risk sheets, read back with openpyxl."""

from __future__ import annotations

import openpyxl
import pytest
from builders import make_portfolio

from pmo_opt.analysis.money import money_view
from pmo_opt.engine.optimise import optimise
from pmo_opt.inputs.scenario import Scenario
from pmo_opt.present.html import PageContext
from pmo_opt.present.narrative import load_table, selection_table
from pmo_opt.present.workbook import header_text, report_sheets, write_workbook

H = {"horizon_start": "2027-01", "horizon_months": 12, "time_limit_s": 10}


def portfolio(tmp_path):
    ids = ["A", "B", "C"]
    return make_portfolio(
        tmp_path,
        projects=[
            {
                "project_id": "A",
                "duration": 2,
                "cost": 460_000,
                "benefit": 900_000,
                "benefit_low": 600_000,
                "benefit_high": 1_200_000,
                "cost_low": 400_000,
                "cost_high": 600_000,
            },
            {
                "project_id": "B",
                "duration": 3,
                "cost": 300_000,
                "benefit": 450_000,
                "cost_of_delay": 20_000,
            },
            {"project_id": "C", "duration": 2, "cost": 900_000, "benefit": 100_000},
        ],  # fmt: skip
        demand=[{"project_id": p, "role": "dev", "fte": 1} for p in ids],
        capacity=[{"role": "dev", "fte": 2}],
        budget=[{"period": "2027", "amount": 1_000_000}],
        settings=[{"setting": "currency", "value": "EUR"}],
    )


@pytest.fixture
def book(tmp_path):
    pf = portfolio(tmp_path / "p")
    plan = optimise(pf, Scenario(**H, scoring="benefit"))
    assert plan.status == "optimal" and plan.selected == ["A", "B"]
    context = PageContext("Org", "baseline", "", "2027-01-01", "abc", currency="EUR")
    sheets = {
        **report_sheets(pf, plan, context, ["selection", "load"]),
        "selection": selection_table(plan),
        "load": load_table(plan),
    }
    path = write_workbook(tmp_path / "plan.xlsx", sheets)
    return openpyxl.load_workbook(path), pf, plan


def header(sheet):
    return [c.value for c in sheet[1]]


def test_headers_in_words_with_the_currency(book):
    wb, _, _ = book
    selection = header(wb["selection"])
    assert "project_id" not in selection and selection[0] == "Project"
    value = selection.index("Value score (priority points)")
    assert selection[value + 1] == "Stated benefit (EUR)"  # beside the value score
    assert "Cost (EUR)" in selection and "Funded" in selection
    for name in wb.sheetnames:
        for text in header(wb[name]):
            assert text is None or "_" not in str(text), (name, text)


def test_one_table_per_sheet_and_formats(book):
    wb, _, _ = book
    load = wb["load"]
    assert load.max_column == len([c for c in header(load) if c])  # nothing beside the table
    assert "Share of capacity used" in header(load)
    grid = wb["load_grid"]
    assert grid["A1"].value == "Share of capacity used: role by month"
    assert grid["A2"].value == "dev" and grid["B2"].number_format == "0%"
    selection = wb["selection"]
    column = header(selection).index("Stated benefit (EUR)") + 1
    assert selection.cell(row=2, column=column).number_format == "#,##0"


def test_money_sheets_match_the_analysis(book):
    wb, pf, plan = book
    view = money_view(pf, plan)
    years = wb["money_by_year"]
    assert header(years)[:4] == ["Year", "Cost (EUR)", "Budget (EUR)", "Stated benefit (EUR)"]
    rows = list(years.iter_rows(min_row=2, values_only=True))
    assert sum(r[3] for r in rows) == pytest.approx(900_000 + 450_000)
    assert sum(r[1] for r in rows) == pytest.approx(view.total_cost)
    assert rows[0][2] == 1_000_000
    by_project = wb["money_by_project"]
    assert "Net present value (EUR)" in header(by_project)
    risk = wb["risk_in_money"]
    assert header(risk)[:2] == ["Item", "P10, 1 in 10 below (EUR)"]
    assert risk["A2"].value == "Stated benefit" and risk["B2"].value < risk["D2"].value
    items = {r[0]: r[1] for r in wb["summary"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert items["Net present value at 8% a year (EUR)"] == pytest.approx(view.npv)
    assert items["Pays back in"] == str(view.payback_year)
    assert 0 <= items["Chance the cost breaks a budget"] <= 1
    drivers = wb["risk_drivers"]
    assert drivers["A2"].value == "A"  # the only project with a range


def test_header_text():
    assert header_text("benefit", "EUR") == "Stated benefit (EUR)"
    assert header_text("hire_spend", "GBP") == "Hire spend (GBP)"
    assert header_text("demand_fte") == "Demand (FTE)"
    assert header_text("cost") == "Cost (money)"


def test_brief_claims_recomputed_from_the_workbook(tmp_path):
    """Every money and score figure of the brief's comparison with rank-and-fill is what
    plan.xlsx gives when the funded rows are added up."""
    from builders import write_portfolio

    from pmo_opt.engine.rank_fill import rank_and_fill
    from pmo_opt.inputs.load import load_portfolio
    from pmo_opt.present.narrative import board_brief, cash, points

    folder = tmp_path / "p"
    portfolio(folder)  # the CSV folder, then scores added to it
    scores = {"A": 2, "B": 5, "C": 4}
    write_portfolio(  # a weighted score that is not the benefit
        folder,
        criteria=[{"criterion": "impact", "weight": 1}],
        scores=[{"project_id": p, "criterion": "impact", "score": v} for p, v in scores.items()],
    )
    pf = load_portfolio(folder)
    scenario = Scenario(**H)
    plan = optimise(pf, scenario)
    baseline = rank_and_fill(pf, scenario)
    path = write_workbook(
        tmp_path / "plan.xlsx",
        {"selection": selection_table(plan, baseline)},
        currency="EUR",
        value_unit="priority points",
    )
    sheet = openpyxl.load_workbook(path)["selection"]
    names = header(sheet)
    rows = [dict(zip(names, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)]
    benefit = sum(r["Stated benefit (EUR)"] for r in rows if r["Funded"])
    other = sum(r["Stated benefit (EUR)"] for r in rows if r["Funded by rank-and-fill"])
    score = sum(r["Value score (priority points)"] for r in rows if r["Funded"])
    text = board_brief(pf, plan, baseline).data
    assert cash(pf, benefit) in text and cash(pf, other) in text
    assert f"- **Value**: {points(score)} " in text  # the score summed from the workbook
    if benefit < other:
        assert "less stated benefit" in text and "because" in text
