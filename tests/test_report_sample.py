"""``pmo-opt report`` end to end on the sample portfolio, with the real notebooks.

One command runs two scenarios (the baseline and the 20% budget cut) in parallel; the folders are
checked the way a reviewer would use them: executed notebooks without errors, HTML without code
but with the charts, a workbook with the documented sheets, a manifest whose hashes match the
inputs. Then a scenario with a board decision naming no project fails inside the first notebook
(the parameter check of ``notebook_setup``): a ``-FAILED`` folder, a message naming notebook,
cell and error, exit code 1, and the earlier reports untouched. tests/test_reports.py covers the
runner itself with tiny fixture notebooks (folder names, timeouts, dead kernels, workbook
formatting); this file covers what the real notebooks put into a report.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import openpyxl
import pytest

from pmo_opt import paths
from pmo_opt.present.reports import execute_notebook

pytestmark = [pytest.mark.slow]

SCENARIOS = [paths.SCENARIOS_DIR / "baseline.yaml", paths.SCENARIOS_DIR / "budget_cut_20.yaml"]
NOTEBOOKS = [
    "01-review-data",
    "02-prioritise-projects",
    "03-select-portfolio",
    "04-plan-capacity",
    "05-compare-scenarios",
    "06-board-summary",
]
SHEETS = [
    "summary",  # the reviewer's first page, then spend against budget
    "budget",
    "money_by_year",  # issue 25: the money over time and its risk
    "money_by_project",
    "risk_in_money",
    "risk_drivers",
    "selection",
    "schedule",
    "load",
    "load_grid",  # the load sheet's role x month grid, on a sheet of its own
    "explanations",  # the documented four first, then the rest alphabetically
    "demand_capacity",
    "frontier",
    "hiring",
    "ranking",
    "scenario_changes",
    "scenarios",
    "trade_off",  # written by the board brief (06)
    "utilisation",
]
#: charts each notebook shows (``<img`` in its HTML), at least
CHARTS = {"01": 1, "02": 1, "03": 3, "04": 2, "05": 1, "06": 1}
DATED = r"\d{4}-\d{2}-\d{2}_\d{6}"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    return {
        p.relative_to(folder).as_posix(): (_sha(p), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _pmo_opt(*args: str, timeout: float = 1700) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pmo_opt", *args],
        cwd=paths.ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """One ``pmo-opt report`` with two scenarios; returns (out folder, process, folders)."""
    out = tmp_path_factory.mktemp("reports")
    scenarios = [a for s in SCENARIOS for a in ("--scenario", str(s))]
    done = _pmo_opt("report", "data/sample", *scenarios, "--out", str(out))
    folders = {
        name: [p for p in out.iterdir() if re.fullmatch(rf"{DATED}-{name}", p.name)]
        for name in ("baseline", "budget_cut_20")
    }
    return out, done, folders


@pytest.mark.timeout(1800)
def test_both_scenarios_succeed_and_print_the_board_summary(run):
    out, done, folders = run
    assert done.returncode == 0, done.stderr[-4000:]
    for name, found in folders.items():
        assert len(found) == 1, (name, sorted(p.name for p in out.iterdir()))
        board = found[0] / "06-board-summary.html"
        assert f"report ({name}): {found[0]}" in done.stdout
        assert f"board summary: {board}" in done.stdout
    assert not [p for p in out.iterdir() if p.name.endswith((".partial", "-FAILED"))]
    assert "Unable to parse" not in done.stderr  # papermill reads every parameters cell


@pytest.mark.timeout(1800)
@pytest.mark.parametrize("name", ["baseline", "budget_cut_20"])
def test_every_notebook_ran_and_every_html_shows_results_not_code(run, name):
    folder = run[2][name][0]
    for stem in NOTEBOOKS:
        nb = nbformat.read(folder / f"{stem}.ipynb", as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(c.execution_count for c in code), stem
        errors = [o for c in code for o in c.outputs if o.output_type == "error"]
        assert not errors, (stem, errors)
        injected = next(c for c in code if "injected-parameters" in c.metadata.get("tags", []))
        assert "interactive = False" in injected.source
        html = (folder / f"{stem}.html").read_text(encoding="utf-8")
        assert "notebook_setup(globals())" not in html and "ctx.write_table" not in html, stem
        assert not re.search(r'<div class="[^"]*(jp-CodeMirrorEditor|highlight)', html), stem
        assert "In&nbsp;[" not in html, stem
        images = re.findall(r'<img [^>]*src="data:image/png;base64,', html)
        assert len(images) >= CHARTS[stem[:2]], (stem, len(images))
        assert str(folder) not in html and "/tmp/" not in html, stem  # no absolute paths


@pytest.mark.timeout(1800)
def test_the_board_brief_differs_where_the_scenarios_differ(run):
    briefs = {
        name: (found[0] / "06-board-summary.html").read_text(encoding="utf-8")
        for name, found in run[2].items()
    }
    summaries = {
        name: json.loads((found[0] / "summary.json").read_text()) for name, found in run[2].items()
    }
    for name, html in briefs.items():
        assert "The decision asked" in html and "Projects left out" in html
        assert f"<strong>Scenario</strong>: {name}" in html
        assert summaries[name]["status"] == "optimal"
        assert f"{summaries[name]['value']:,.0f} priority points" in html
    assert summaries["budget_cut_20"]["value"] < summaries["baseline"]["value"]
    assert summaries["budget_cut_20"]["spend"] < summaries["baseline"]["spend"]


@pytest.mark.timeout(1800)
@pytest.mark.parametrize("name", ["baseline", "budget_cut_20"])
def test_workbook_and_manifest(run, name):
    folder = run[2][name][0]
    book = openpyxl.load_workbook(folder / "plan.xlsx", read_only=True)
    assert book.sheetnames == SHEETS
    summary = json.loads((folder / "summary.json").read_text())
    selection = book["selection"]
    header = [c.value for c in next(selection.iter_rows(max_row=1))]
    assert header[:5] == ["Project", "Name", "Category", "Status", "Funded"]
    flags = [row[4] for row in selection.iter_rows(min_row=2, values_only=True)]
    assert {type(f) for f in flags} == {bool}  # real booleans, not 1/0
    assert sum(flags) == summary["selected"]
    first = book["summary"]
    items = {row[0]: row[1] for row in first.iter_rows(min_row=2, values_only=True) if row[0]}
    assert items["Organisation"] == "Harbourline Mutual" and items["Scenario"] == name
    assert items["Plan status"] == "optimal" and "Spend (EUR)" in items

    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["outcome"] == "succeeded" and manifest["scenario_name"] == name
    scenario_file = paths.SCENARIOS_DIR / f"{name}.yaml"
    expected = {
        p.relative_to(paths.ROOT).as_posix(): _sha(p)
        for p in [*sorted(paths.SAMPLE_DIR.glob("*.csv")), scenario_file]
    }
    assert {i["path"]: i["sha256"] for i in manifest["inputs"]} == expected
    assert manifest["solver"]["status"] == summary["status"]
    assert manifest["solver"]["gap"] == summary["gap"]
    files = {f["path"]: f["sha256"] for f in manifest["files"]}
    produced = {
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and p.name != "manifest.json"
    }
    assert set(files) == produced
    assert all(files[p] == _sha(folder / p) for p in files)
    notebooks = [Path(n["path"]).stem for n in manifest["notebooks"]]
    assert notebooks == NOTEBOOKS


@pytest.mark.timeout(1800)
def test_a_bad_board_decision_fails_in_the_first_notebook_and_leaves_reports_alone(run, tmp_path):
    out, _, folders = run
    before = {name: _snapshot(found[0]) for name, found in folders.items()}
    bad = tmp_path / "typo.yaml"
    bad.write_text("name: typo\nforce_in: [P999]\n")  # a valid scenario naming no project
    done = _pmo_opt("report", "data/sample", "--scenario", str(bad), "--out", str(out))
    assert done.returncode == 1
    failed = [p for p in out.iterdir() if re.fullmatch(rf"{DATED}-typo-FAILED", p.name)]
    assert len(failed) == 1, sorted(p.name for p in out.iterdir())
    assert "FAILED (typo): 01-review-data.ipynb, cell index 3" in done.stderr
    assert "InputError" in done.stderr and "'P999' is not a project id" in done.stderr
    assert str(failed[0]) in done.stderr
    assert sorted(p.name for p in failed[0].iterdir()) == [
        "01-review-data.html",
        "01-review-data.ipynb",
        "index.html",
        "manifest.json",
    ]
    nb = nbformat.read(failed[0] / "01-review-data.ipynb", as_version=4)
    assert any("papermill-error-cell-tag" in c.metadata.get("tags", []) for c in nb.cells)
    assert {name: _snapshot(found[0]) for name, found in folders.items()} == before


@pytest.mark.timeout(300)
def test_a_misspelt_parameter_stops_the_notebook_with_a_suggestion(tmp_path):
    """Papermill itself only warns about an unknown parameter; the setup cell refuses it."""
    source = paths.NOTEBOOKS_DIR / "01-review-data.ipynb"
    failure = execute_notebook(
        source,
        tmp_path / source.name,
        {"budget_scael": 0.8, "interactive": False},
        tmp_path,
        timeout_s=120,
    )
    assert failure is not None and failure.ename == "InputError"
    assert failure.cell_index == 3  # papermill's banner, the parameters, the injected cell, setup
    assert "unknown parameter 'budget_scael'; did you mean 'budget_scale'?" in failure.evalue


# --------------------------------------------------------------------------------------------
# pages a board can read: one plan, money, context, every left-out project, no Python leftovers

TABLE = re.compile(r"<table\b.*?</table>", re.DOTALL)
CELL = re.compile(r"<t[dh]\b[^>]*>(.*?)</t[dh]>", re.DOTALL)


def _cells(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c).strip() for t in TABLE.findall(html) for c in CELL.findall(t)]


@pytest.mark.timeout(1800)
def test_every_page_is_for_a_board(run):
    folder = run[2]["baseline"][0]
    manifest = json.loads((folder / "manifest.json").read_text())
    run_date = manifest["started_utc"][:10]
    pages = {p.stem: p.read_text(encoding="utf-8") for p in folder.glob("*.html")}
    assert set(pages) == {*NOTEBOOKS, "index"}
    for stem, html in pages.items():
        cells = _cells(html)
        for bad in ("None", "NaN", "nan", "inf"):
            assert bad not in cells, (stem, bad)
        assert '<script src="http' not in html and "<script" not in html, stem
        assert "Harbourline Mutual" in html and run_date in html, stem
        assert "Scenario <b>baseline</b>" in html, stem
        assert f"Data {manifest['data_fingerprint']}" in html, stem
        if stem != "index":
            assert "Money in EUR" in html, stem
            for other in NOTEBOOKS:
                assert f'href="{other}.html"' in html, (stem, other)
    brief = pages["06-board-summary"]
    assert "New money asked for" in brief and "Stated benefit" in brief
    assert "scarce staff" not in brief


@pytest.mark.timeout(1800)
def test_one_plan_on_every_page_and_every_left_out_project_explained(run):
    import pandas as pd

    folder = run[2]["baseline"][0]
    plan = pd.read_csv(folder / "plan.csv", dtype=str)
    summary = json.loads((folder / "summary.json").read_text())
    selected = plan[plan["selected"] == "1"]
    left_out = plan.loc[plan["selected"] == "0", "project_id"].tolist()
    assert len(selected) == summary["selected"]
    pages = {stem: (folder / f"{stem}.html").read_text(encoding="utf-8") for stem in NOTEBOOKS}
    shown = re.compile(rf"{summary['selected']} of (the )?{summary['projects']} projects")
    for stem in ("03-select-portfolio", "06-board-summary"):
        assert shown.search(pages[stem]), stem
    assert f"{summary['selected']} projects)" in pages["05-compare-scenarios"]
    # budget use per period: the same shares on pages 03, 05 and 06
    use = pd.read_csv(folder / "tables" / "scenarios.csv")  # written by page 05
    assert use.loc[use["scenario"] == "baseline", "selected"].iloc[0] == summary["selected"]
    budget = openpyxl.load_workbook(folder / "plan.xlsx", read_only=True)["budget"]
    shares = [f"{row[3]:.1%}" for row in budget.iter_rows(min_row=2, values_only=True)]
    assert shares
    for stem in ("03-select-portfolio", "05-compare-scenarios", "06-board-summary"):
        for text in shares:
            assert text in pages[stem], (stem, text)
    # every left-out project: in the explanations sheet and in the page's table, with a reason
    explained = pd.read_csv(folder / "tables" / "explanations.csv", dtype=str)
    assert set(left_out) <= set(explained["project_id"]) | set()
    assert explained["reason"].str.len().gt(10).all()
    cells = " ".join(_cells(pages["03-select-portfolio"]))
    for p in left_out:
        assert p in cells, p


@pytest.mark.timeout(1800)
def test_the_frontier_in_the_report_never_falls(run):
    import pandas as pd

    folder = run[2]["baseline"][0]
    frontier = pd.read_csv(folder / "tables" / "frontier.csv").dropna(subset=["value"])
    assert frontier.sort_values("budget")["value"].is_monotonic_increasing
