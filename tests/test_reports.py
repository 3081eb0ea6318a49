"""Report runs: real papermill executions of tiny fixture notebooks into tmp folders."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from datetime import datetime
from pathlib import Path

import nbformat
import numpy as np
import openpyxl
import pandas as pd
import pytest

from pmo_opt.cli import main as cli_main
from pmo_opt.errors import InputError, PmoError
from pmo_opt.present import reports

FIXTURES = Path(__file__).parent / "notebooks_fixture"
TABLES_NB = FIXTURES / "01-fixture-tables.ipynb"
BOARD_NB = FIXTURES / "02-fixture-board.ipynb"
DATED = r"\d{4}-\d{2}-\d{2}_\d{6}"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    return {
        p.relative_to(folder).as_posix(): (_sha(p), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _errors(notebook: Path) -> list[str]:
    nb = nbformat.read(notebook, as_version=4)
    return [o.ename for c in nb.cells if c.cell_type == "code" for o in c.outputs if "ename" in o]


def _marked(notebook: Path) -> bool:
    nb = nbformat.read(notebook, as_version=4)
    return any("papermill-error-cell-tag" in c.metadata.get("tags", []) for c in nb.cells)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("inputs")
    folder = root / "portfolio"
    folder.mkdir()
    (folder / "projects.csv").write_text("project_id,duration,cost,benefit\nP1,2,100,10\n")
    (folder / "demand.csv").write_text("project_id,role,fte\nP1,dev,1\n")
    (folder / "capacity.csv").write_text("role,fte\ndev,2\n")
    files = {"portfolio": folder}
    for name, text in {
        "evil": 'name: "../x/.."\nbudget_scale: 0.9\n',
        "fail": "name: fail\ndescription: fail\n",
        "ok": "name: ok\n",
    }.items():
        files[name] = root / f"{name}.yaml"
        files[name].write_text(text)
    return files


@pytest.fixture(scope="module")
def good(inputs, tmp_path_factory) -> reports.ReportResult:
    """One successful run of both fixture notebooks, with a scenario named ``../x/..``."""
    out = tmp_path_factory.mktemp("reports")
    return reports.run_report(
        inputs["portfolio"], inputs["evil"], out=out, notebooks=[TABLES_NB, BOARD_NB]
    )


# --------------------------------------------------------------------------------------------
# folder names (no kernel needed)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../x/..", "x"),
        ("a/b\\c", "a_b_c"),
        ("Budget cut -20% (2027)", "Budget_cut_-20_2027"),
        ("..", "scenario"),
        ("", "scenario"),
        ("-rf", "rf"),
    ],
)
def test_safe_name(name, expected):
    assert reports.safe_name(name) == expected


def test_safe_name_is_bounded():
    assert len(reports.safe_name("x" * 500)) == reports.MAX_NAME


def test_runs_in_the_same_second_get_distinct_folders(tmp_path):
    when = datetime(2027, 3, 1, 9, 30, 5)
    claims = [reports.reserve_folder(tmp_path, "base", when) for _ in range(3)]
    stem = "2027-03-01_093005-base"
    assert [final for _, final in claims] == [stem, f"{stem}-2", f"{stem}-3"]
    assert all(partial.is_dir() and partial.name.startswith(".") for partial, _ in claims)
    # an earlier finished or failed run with the next names is skipped, never reused
    (tmp_path / f"{stem}-4").mkdir()
    (tmp_path / f"{stem}-5-FAILED").mkdir()
    assert reports.reserve_folder(tmp_path, "base", when)[1] == f"{stem}-6"


def test_placing_never_replaces_an_existing_report(tmp_path):
    partial, final = reports.reserve_folder(tmp_path, "base", datetime(2027, 1, 1))
    (partial / "new.txt").write_text("new")
    earlier = tmp_path / final  # appeared meanwhile (a race): must stay as it is
    earlier.mkdir()
    (earlier / "old.txt").write_text("old")
    placed = reports._place(partial, final, failed=False)
    assert placed.name == f"{final}-2"
    assert (earlier / "old.txt").read_text() == "old" and not (earlier / "new.txt").exists()
    assert (placed / "new.txt").read_text() == "new" and not partial.exists()


# --------------------------------------------------------------------------------------------
# workbook (no kernel needed)


def test_workbook_stores_every_text_cell_as_text(tmp_path):
    risky = ["=1+1", "+SUM(A1:A2)", "-2+3", "@cmd", '=HYPERLINK("http://x")', "007"]
    selection = pd.DataFrame(
        {
            "name": risky,
            "cost": [1500.5, 2.25, np.nan, 4.0, 5.0, 6.0],
            "selected": np.array([1, 0, 1, 1, 0, 1], dtype=np.int64),
            "forced": [True, False, False, False, False, True],
        },
        index=pd.Index(["P1", "P2", "P3", "P4", "P5", "P6"], name="project_id"),
    )
    load = pd.DataFrame({"role": ["dev"], "month": ["2027-01"], "demand_fte": [1.5]})
    path = reports.write_workbook(
        tmp_path / "plan.xlsx", {"selection": selection, "load/capacity: a long name here": load}
    )
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["selection", "load_capacity_ a long name here"[:31]]
    sheet = book["selection"]
    header = [c.value for c in sheet[1]]
    assert header == ["Project", "Name", "Cost (money)", "Funded", "Forced"]  # in words
    assert all(c.font.b for c in sheet[1])
    names = [sheet.cell(row=r, column=2) for r in range(2, 8)]
    assert [c.value for c in names] == risky
    assert {c.data_type for c in names} == {"s"}
    assert sheet["C2"].value == 1500.5 and sheet["C2"].number_format == "#,##0"  # money
    assert sheet["C4"].value is None  # NaN -> empty
    assert sheet["D2"].value is True  # a flag is a real boolean, whatever the table held
    assert sheet["E2"].value is True
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:E7"
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["D"].width


def test_tables_keep_ids_and_periods_as_text(tmp_path):
    csv = tmp_path / "schedule.csv"
    csv.write_text("project_id,period,fte,note,count\n007,2027,1.5,=2+2,3\nP2,2028,,x,4\n")
    table = reports.read_table(csv)
    assert table["project_id"].tolist() == ["007", "P2"]
    assert table["period"].tolist() == ["2027", "2028"]
    assert table["fte"].iloc[0] == 1.5 and pd.isna(table["fte"].iloc[1])
    assert table["note"].tolist() == ["=2+2", "x"]
    assert table["count"].tolist() == [3, 4]


# --------------------------------------------------------------------------------------------
# a successful run


@pytest.mark.slow
def test_report_folder_is_dated_safe_and_complete(good):
    assert good.ok, good.failure
    assert re.fullmatch(rf"{DATED}-x", good.folder.name)
    assert not [p for p in good.folder.parent.iterdir() if p.name.endswith(".partial")]
    # the board brief's PDF is there when headless Chromium is (else its page says why not)
    assert set(good.files) - {"02-fixture-board.pdf"} == {
        "01-fixture-tables.ipynb",
        "01-fixture-tables.html",
        "02-fixture-board.ipynb",
        "02-fixture-board.html",
        "plan.xlsx",
        "summary.json",
        "tables/load.csv",
        "tables/selection.csv",
        "index.html",
    }
    assert (good.folder / "manifest.json").is_file()
    index = (good.folder / "index.html").read_text(encoding="utf-8")
    for linked in ("01-fixture-tables.html", "02-fixture-board.html", "plan.xlsx", "manifest.json"):
        assert f'href="{linked}"' in index
    assert good.board_html == good.folder / "02-fixture-board.html"
    assert f"board summary: {good.board_html}" in good.message()


@pytest.mark.slow
def test_executed_notebooks_have_no_error(good):
    for notebook in good.notebooks:
        assert _errors(notebook) == []
        nb = nbformat.read(notebook, as_version=4)
        assert all(c.execution_count for c in nb.cells if c.cell_type == "code")
    first = nbformat.read(good.notebooks[0], as_version=4)
    printed = "".join(o.get("text", "") for c in first.cells for o in c.get("outputs", []))
    assert "cwd is output_dir: True" in printed  # notebooks run inside the report folder
    injected = next(c for c in first.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert "interactive = False" in injected.source and "budget_scale = 0.9" in injected.source


@pytest.mark.slow
def test_html_has_no_code_and_embeds_the_chart(good):
    html = (good.folder / "01-fixture-tables.html").read_text(encoding="utf-8")
    assert "FIXTURE-CODE-MARKER" not in html and "import pandas" not in html
    assert "FIXTURE-NARRATIVE" in html
    assert len(re.findall(r'<img [^>]*src="data:image/png;base64,', html)) == 1
    board = good.board_html.read_text(encoding="utf-8")
    assert "Board brief for scenario <strong>../x/..</strong>" in board
    assert "from IPython.display" not in board


@pytest.mark.slow
def test_manifest_records_inputs_versions_and_solver(good, inputs):
    manifest = json.loads(good.manifest.read_text())
    expected = {str(p.resolve()): _sha(p) for p in sorted(inputs["portfolio"].glob("*.csv"))}
    expected[str(inputs["evil"].resolve())] = _sha(inputs["evil"])
    assert {i["path"]: i["sha256"] for i in manifest["inputs"]} == expected
    assert manifest["outcome"] == "succeeded" and manifest["failure"] is None
    assert manifest["scenario"]["name"] == "../x/.." and manifest["scenario"]["budget_scale"] == 0.9
    assert manifest["solver"]["status"] == "optimal" and manifest["solver"]["gap"] == 0.0
    assert {"pmo-opt", "pandas", "pulp", "highspy", "papermill", "python"} <= set(
        manifest["versions"]
    )
    start = datetime.fromisoformat(manifest["started_utc"])
    end = datetime.fromisoformat(manifest["finished_utc"])
    assert start.utcoffset().total_seconds() == 0 and start <= end
    assert manifest["git_commit"] is None or re.fullmatch(r"[0-9a-f]{40}", manifest["git_commit"])
    sources = [(n["path"].rsplit("/", 1)[-1], n["sha256"]) for n in manifest["notebooks"]]
    assert sources == [(p.name, _sha(p)) for p in (TABLES_NB, BOARD_NB)]
    files = {f["path"]: f["sha256"] for f in manifest["files"]}
    assert files == {p: _sha(good.folder / p) for p in good.files if p != "manifest.json"}


@pytest.mark.slow
def test_workbook_assembled_from_the_tables_folder(good):
    book = openpyxl.load_workbook(good.workbook)
    assert book.sheetnames == ["selection", "load"]  # documented order, not alphabetical
    sheet = book["selection"]
    assert sheet["A2"].value == "007" and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == '=HYPERLINK("http://example.com")'
    assert sheet["B2"].data_type == "s" and sheet["B3"].value == "+1 plan"
    assert sheet["C2"].value == 1500.5


# --------------------------------------------------------------------------------------------
# failures


def test_bad_input_makes_no_folder(inputs, tmp_path):
    with pytest.raises(InputError):
        reports.run_report(tmp_path / "missing", out=tmp_path / "out", notebooks=[BOARD_NB])
    with pytest.raises(InputError, match="objective"):
        reports.run_report(
            inputs["portfolio"],
            out=tmp_path / "out",
            notebooks=[BOARD_NB],
            overrides={"objective": "profit"},
        )
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_cli_report_with_bad_scenario_exits_2_before_running(inputs, tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("budget_scael: 0.8\n")
    code = cli_main(
        ["report", str(inputs["portfolio"]), "--scenario", str(bad)]
        + ["--out", str(tmp_path / "out")]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "unknown setting 'budget_scael'" in err and "did you mean 'budget_scale'" in err
    assert not (tmp_path / "out").exists()


def test_a_kernel_from_another_environment_is_refused(tmp_path, monkeypatch):
    spec = tmp_path / "kernels" / "python3"
    spec.mkdir(parents=True)
    argv = ["/opt/elsewhere/bin/python", "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "x", "language": "python"})
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))  # searched before every other folder
    with pytest.raises(PmoError, match="/opt/elsewhere/bin/python"):
        reports.check_kernel()


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_failing_scenario_keeps_failed_folder_and_earlier_report(good, inputs, capsys):
    out = good.folder.parent
    before = _snapshot(good.folder)
    code = reports.run_reports(
        inputs["portfolio"], [inputs["fail"], inputs["ok"]], out=out, notebooks=[TABLES_NB]
    )
    captured = capsys.readouterr()
    assert code == 1
    assert (
        "FAILED (fail): 01-fixture-tables.ipynb, cell index 3 (In [3]): "
        "ValueError: description 'fail' makes this cell raise"
    ) in captured.err
    assert "report (ok):" in captured.out and "board summary:" in captured.out
    failed = [p for p in out.iterdir() if re.fullmatch(rf"{DATED}-fail-FAILED", p.name)]
    assert len(failed) == 1
    assert str(failed[0]) in captured.err
    assert _marked(failed[0] / "01-fixture-tables.ipynb")
    assert "ValueError" in _errors(failed[0] / "01-fixture-tables.ipynb")
    assert not (failed[0] / "plan.xlsx").exists()
    manifest = json.loads((failed[0] / "manifest.json").read_text())
    assert manifest["outcome"] == "failed" and manifest["failure"]["cell_index"] == 3
    assert [p for p in out.iterdir() if re.fullmatch(rf"{DATED}-ok", p.name)]
    assert not [p for p in out.iterdir() if p.name.endswith(".partial")]
    assert _snapshot(good.folder) == before  # the earlier report is untouched


@pytest.mark.slow
@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    ("behaviour", "timeout_s", "error"),
    [("sleep", 1, "CellTimeoutError"), ("die", 30, "DeadKernelError")],
)
def test_timeout_and_dead_kernel_fail_instead_of_hanging(
    inputs, tmp_path, behaviour, timeout_s, error
):
    result = reports.run_report(
        inputs["portfolio"],
        out=tmp_path,
        notebooks=[TABLES_NB],
        timeout_s=timeout_s,
        overrides={"description": behaviour},
    )
    assert not result.ok and result.failure.ename == error
    assert result.failure.notebook == "01-fixture-tables.ipynb"
    assert result.failure.cell_index == 3  # the cell that sleeps or exits
    assert result.folder.name.endswith("-FAILED")
    assert _marked(result.folder / "01-fixture-tables.ipynb")
    assert error in (result.folder / "01-fixture-tables.html").read_text(encoding="utf-8")
    assert result.seconds < 60


# --------------------------------------------------------------------------------------------
# refresh-notebooks


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_refresh_rewrites_good_notebooks_and_keeps_failing_ones(tmp_path):
    shutil.copy(BOARD_NB, tmp_path / "02-board.ipynb")
    failing = nbformat.read(TABLES_NB, as_version=4)
    params = next(c for c in failing.cells if "parameters" in c.metadata.get("tags", []))
    params.source = params.source.replace('description: str = ""', 'description: str = "fail"')
    nbformat.write(failing, tmp_path / "01-failing.ipynb")
    before = (tmp_path / "01-failing.ipynb").read_bytes()
    assert reports.main(["refresh-notebooks", "--folder", str(tmp_path), "--timeout", "60"]) == 1
    assert (tmp_path / "01-failing.ipynb").read_bytes() == before
    board = nbformat.read(tmp_path / "02-board.ipynb", as_version=4)
    outputs = [o for c in board.cells if c.cell_type == "code" for o in c.outputs]
    assert "Board brief for scenario **baseline**." in outputs[0]["data"]["text/markdown"]
    assert "papermill" not in board.metadata
    assert not any("papermill" in c.metadata or "execution" in c.metadata for c in board.cells)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["01-failing.ipynb", "02-board.ipynb"]


# --------------------------------------------------------------------------------------------
# the reviewers' HTML (no kernel needed)


def test_harden_leaves_no_script_and_escapes_the_context():
    from pmo_opt.present.html import CSP, PageContext, harden

    page = (
        "<html><head><script src='https://cdn.example/require.js'></script>"
        '<link rel="stylesheet" href="https://cdn.example/x.css">'
        "<SCRIPT>alert(1)</SCRIPT></head><body><p>page</p></body></html>"
    )
    context = PageContext("<b>Org</b>", "<img src=x onerror=alert(5)>", "d & e", "2027-01-02", "f1")
    out = harden(page, context, ["01-a.html", "02-b.html"], "02-b.html")
    assert "<script" not in out.lower() and "cdn.example" not in out
    assert f'content="{CSP}"' in out and "script-src 'none'" in CSP
    assert "&lt;img src=x onerror=alert(5)&gt;" in out and "<img" not in out
    assert "&lt;b&gt;Org&lt;/b&gt;" in out and "d &amp; e" in out
    assert '<a href="02-b.html" aria-current="page">B</a>' in out
    assert out.index("Content-Security-Policy") < out.index("<body>")


def test_index_links_the_pages_and_files(tmp_path):
    from pmo_opt.present.html import PageContext, write_index

    context = PageContext("Acme", "base", "", "2027-01-02", "abc", "EUR")
    index = write_index(
        tmp_path, ["01-review-data.html"], {"plan.xlsx": "tables"}, context, [("Plan", "optimal")]
    ).read_text()
    assert '<a href="01-review-data.html">Review data</a>' in index
    assert 'href="plan.xlsx"' in index and "Money in EUR" in index and "<script" not in index


def test_workbook_summary_links_and_load_grid(tmp_path):
    import datetime as dt

    summary = pd.DataFrame({"item": ["Budget use", "Spend (EUR)"], "value": [0.9932, 16476500]})
    summary.attrs["formats"] = {0: "0.0%", 1: "#,##0"}
    summary.attrs["links"] = ["load"]
    load = pd.DataFrame(
        {
            "role": ["dev", "dev", "ux"],
            "month": ["2027-01", "2027-02", "2027-01"],
            "demand_fte": [1.0, 2.0, 0.5],
            "utilisation": [0.5, 1.0, 0.25],
        }
    )
    path = reports.write_workbook(tmp_path / "plan.xlsx", {"summary": summary, "load": load})
    book = openpyxl.load_workbook(path)
    first = book["summary"]
    assert book.sheetnames[0] == "summary"
    assert first["B2"].number_format == "0.0%" and first["B3"].number_format == "#,##0"
    assert first["A6"].value == "load" and first["A6"].hyperlink.location == "'load'!A1"
    sheet = book["load"]
    assert sheet["B2"].value == dt.datetime(2027, 1, 1) and sheet["B2"].number_format == "yyyy-mm"
    assert sheet["D2"].number_format == "0.0%"  # a share
    assert sheet.max_column == 4  # one table per sheet: the grid has a sheet of its own
    grid = book["load_grid"]
    assert book.sheetnames == ["summary", "load", "load_grid"]
    assert grid["A1"].value == "Share of capacity used: role by month"
    assert [grid.cell(row=2, column=c).value for c in (1, 2, 3)] == ["dev", 0.5, 1.0]
    assert len(grid.conditional_formatting) == 1
