"""``pmo-opt template``: the intake workbook (instructions, notes, dropdowns, checks, frozen
headers), its round trip of the sample to the same plan, and cells named in its errors."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pmo_opt import paths
from pmo_opt.cli import main
from pmo_opt.engine.optimise import optimise
from pmo_opt.errors import InputError
from pmo_opt.inputs.load import load_portfolio
from pmo_opt.inputs.scenario import Scenario

SAMPLE = paths.resolve("data/sample")


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "intake.xlsx"
    assert main(["template", str(path), "--from", str(SAMPLE)]) == 0
    return path


def test_the_sample_reads_back_as_the_same_portfolio(filled):
    mine, theirs = load_portfolio(filled), load_portfolio(SAMPLE)
    for table in ("projects", "demand", "capacity", "roles", "budget", "dependencies",
                  "criteria", "scores", "pairwise", "categories"):  # fmt: skip
        pd.testing.assert_frame_equal(
            getattr(mine, table), getattr(theirs, table), check_dtype=False
        )
    assert mine.settings == theirs.settings
    assert not [w for w in mine.warnings if "instructions" in w]


@pytest.mark.slow
def test_the_sample_workbook_plans_to_the_same_value(filled):
    # a limit far above the sample's solve time: both solves end proven optimal, so the values
    # compare under any machine load (a 5 s limit stopped one of them early on a busy machine)
    scenario = Scenario(time_limit_s=300)
    a = optimise(load_portfolio(filled), scenario)
    b = optimise(load_portfolio(SAMPLE), scenario)
    assert a.objective == pytest.approx(b.objective, rel=1e-9)
    assert a.status == b.status == "optimal" and a.objective > 0


def test_dropdowns_notes_checks_and_frozen_headers(filled):
    book = openpyxl.load_workbook(filled)
    assert book.sheetnames[0] == "instructions"
    projects = book["projects"]
    assert projects.freeze_panes == "A2"
    header = {c.value: c for c in projects[1]}
    assert "YYYY-MM" in header["earliest_start"].comment.text
    rules = {str(r.sqref).split(":")[0][0]: r for r in projects.data_validations.dataValidation}
    letter = {name: c.column_letter for name, c in header.items()}
    assert rules[letter["status"]].type == "list"
    assert rules[letter["status"]].showErrorMessage  # a wrong entry is refused, not just hinted
    assert rules[letter["status"]].formula1.startswith("instructions!")
    assert rules[letter["category"]].formula1.startswith("categories!")
    assert rules[letter["duration"]].type == "whole"
    assert rules[letter["cost"]].type == "decimal"
    assert rules[letter["deadline"]].type == "custom"
    demand_rules = {r.formula1 for r in book["demand"].data_validations.dataValidation}
    assert any(f.startswith("roles!") for f in demand_rules if f)
    assert any(f.startswith("projects!") for f in demand_rules if f)
    score_rules = {r.formula1 for r in book["scores"].data_validations.dataValidation}
    assert any(f.startswith("criteria!") for f in score_rules if f)


def test_an_error_names_sheet_and_cell(filled, tmp_path):
    book = openpyxl.load_workbook(filled)
    ws = book["projects"]
    col = next(c.column_letter for c in ws[1] if c.value == "cost")
    ws[f"{col}14"] = "lots"
    broken = tmp_path / "broken.xlsx"
    book.save(broken)
    with pytest.raises(InputError) as err:
        load_portfolio(broken)
    assert f"(cell projects!{col}14)" in str(err.value)


def test_empty_template_has_every_table_and_column(tmp_path):
    path = tmp_path / "blank.xlsx"
    assert main(["template", str(path)]) == 0
    book = openpyxl.load_workbook(path)
    assert "projects" in book.sheetnames and "scores" in book.sheetnames
    assert [c.value for c in book["demand"][1]] == ["project_id", "role", "fte", "month_offset"]


def test_not_an_xlsx_name(tmp_path, capsys):
    assert main(["template", str(tmp_path / "intake.csv")]) == 2
    assert "ending in .xlsx" in capsys.readouterr().err
