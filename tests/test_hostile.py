"""Issue 16: hostile and careless input, one test per defect of the input, CLI and CSV side.

Every case works on a copy of ``data/sample`` (or ``data/sample.xlsx``) in ``tmp_path``; the
originals are never written. Cases with a resource bound run the command in a subprocess and
measure its wall time and peak memory (``ru_maxrss`` of that one child, via a small wrapper).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmo_opt.cli import main
from pmo_opt.errors import MAX_LISTED, InputError
from pmo_opt.inputs import tables as tables_module
from pmo_opt.inputs.scenario import FIELDS, Scenario, load_scenario, parse_sets, with_overrides
from pmo_opt.paths import ROOT
from pmo_opt.text import (
    csv_safe,
    csv_safe_frame,
    csv_unquote,
    escape_markdown,
    escape_mathtext,
    terminal_safe,
)

SAMPLE = ROOT / "data" / "sample"
SAMPLE_XLSX = ROOT / "data" / "sample.xlsx"
GB = 1024**3

# Runs a command and reports its own peak memory (KiB on Linux) as the last line of stderr.
_MEASURE = (
    "import resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[1:])\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "print(f'PEAK_KIB={peak}', file=sys.stderr)\n"
    "sys.exit(done.returncode)\n"
)


def pmo(*args: str, timeout: float = 120, **kw) -> tuple[subprocess.CompletedProcess, float, int]:
    """Run ``pmo-opt ARGS`` in a subprocess: (result, wall seconds, peak bytes)."""
    command = [sys.executable, "-c", _MEASURE, sys.executable, "-m", "pmo_opt", *args]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=ROOT, **kw)
    wall = time.perf_counter() - started
    lines = done.stderr.rstrip().splitlines()
    peak = int(lines[-1].split("=")[1]) * 1024 if lines and "PEAK_KIB=" in lines[-1] else 0
    done.stderr = "\n".join(lines[:-1])
    return done, wall, peak


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A scratch copy of the sample portfolio."""
    return Path(shutil.copytree(SAMPLE, tmp_path / "sample"))


def edit(folder: Path, table: str, row: int, column: str, value: str) -> None:
    """Set one cell (spreadsheet ``row``: header = 1) of ``folder/table.csv``."""
    path = folder / f"{table}.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[row - 2, column] = value
    frame.to_csv(path, index=False)


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# --------------------------------------------------------------------------------------------
# the helpers other modules use


def test_text_helpers_make_data_text_inert():
    link = escape_markdown("[x](javascript:alert(3))")
    assert "](" not in link and "\\[x\\]" in link
    tag = escape_markdown("<img src=x onerror=alert(2)>")
    assert "<" not in tag and "&lt;img" in tag
    assert escape_markdown("a_b*c`d") == "a\\_b\\*c\\`d"
    assert escape_markdown("Tom & 'Jerry'") == "Tom &amp; &#x27;Jerry&#x27;"
    assert escape_mathtext("Cut $ fees by 10% ($ plan)") == r"Cut \$ fees by 10% (\$ plan)"
    assert csv_safe("=1+1") == "'=1+1" and csv_safe("@SUM(A1)") == "'@SUM(A1)"
    assert csv_safe("-5") == "-5" and csv_safe(-5) == -5 and csv_safe("ok") == "ok"
    assert csv_safe("\tx") == "'\tx" and csv_unquote(csv_safe("+x")) == "+x"
    frame = pd.DataFrame({"name": ["=cmd|' /C calc'!A0", "fine"], "fte": [-1.0, 2.0]})
    safe = csv_safe_frame(frame)
    assert safe["name"].tolist() == ["'=cmd|' /C calc'!A0", "fine"]
    assert safe["fte"].tolist() == [-1.0, 2.0] and frame["name"][0].startswith("=")
    assert terminal_safe("x\x1b]0;pwned\x07y\nz") == "x\\x1b]0;pwned\\x07y\nz"
    assert terminal_safe("a\nb", keep_newlines=False) == "a\\nb"


# --------------------------------------------------------------------------------------------
# 2. workbooks are read by their real data


@pytest.mark.slow
def test_2_stray_cell_and_formatting_cost_nothing(tmp_path: Path):
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.load_workbook(SAMPLE_XLSX)
    book["roles"]["A1048576"] = ""  # a blank cell at the last row
    book["roles"]["A1048576"].font = Font(bold=True)
    book["capacity"]["ZZ20000"].font = Font(bold=True)
    bold = Font(bold=True)
    for row in book["demand"].iter_rows(min_row=1, max_row=10_000, max_col=10):
        for cell in row:  # 100k formatted cells
            cell.font = bold
    book["dependencies"].sheet_state = "hidden"
    book["projects"].merge_cells("C2:C4")  # category of rows 3-4 lost
    path = tmp_path / "hostile.xlsx"
    book.save(path)
    done, wall, peak = pmo("validate", str(path))
    assert done.returncode == 0, done.stderr
    assert wall < 20 and peak < GB, (wall, peak)
    assert "hostile.xlsx[projects]:2:category: warning: cells C2:C4 are merged" in done.stdout
    assert "hostile.xlsx[dependencies]:-:-: warning: sheet 'dependencies' is hidden" in done.stdout


# --------------------------------------------------------------------------------------------
# 3. YAML: no aliases, no duplicate keys


def test_3_yaml_alias_bomb_and_duplicate_keys_are_refused(tmp_path: Path):
    bomb = tmp_path / "bomb.yaml"
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        lines.append(f"{name}: &{name} [{','.join([f'*{prev}'] * 9)}]")
    lines.append("name: *i")
    bomb.write_text("\n".join(lines) + "\n")
    assert bomb.stat().st_size < 400
    done, wall, peak = pmo("plan", str(SAMPLE), "--scenario", str(bomb))
    assert done.returncode == 2, done.stderr
    assert "bomb.yaml:2:-: is not valid YAML: alias *a is not allowed" in done.stderr
    assert "Traceback" not in done.stderr
    assert wall < 20 and peak < GB, (wall, peak)

    twice = tmp_path / "twice.yaml"
    twice.write_text("name: a\nbudget_scale: 0.8\nbudget_scale: 1.2\n")
    with pytest.raises(InputError) as caught:
        load_scenario(twice)
    assert str(caught.value.problems[0]).startswith("twice.yaml:3:-:")
    assert "key 'budget_scale' is given twice (first on line 2)" in str(caught.value)


# --------------------------------------------------------------------------------------------
# 4. no CSV cell can become a formula


def test_4_formula_ids_are_refused_and_free_text_is_neutralised(sample: Path, tmp_path, capsys):
    bad = Path(shutil.copytree(sample, tmp_path / "bad"))
    edit(bad, "projects", 3, "project_id", "=cmd|' /C calc'!A0")
    code, _, err = run(capsys, "validate", str(bad))
    assert code == 2
    assert "projects.csv:3:project_id: \"=cmd|' /C calc'!A0\" starts with '='" in err
    assert "rename it" in err

    edit(sample, "projects", 2, "name", '=HYPERLINK("http://x","y")')
    edit(sample, "projects", 3, "category", "@SUM(A1)")
    out = tmp_path / "out"
    code, _, _ = run(capsys, "rank", str(sample), "--out", str(out))
    assert code == 0
    text = (out / "ranking.csv").read_text()
    assert "'=HYPERLINK" in text and "'@SUM(A1)" in text
    assert not any(line.startswith(("=", "+", "@")) for line in text.splitlines())
    for cell in pd.read_csv(out / "ranking.csv", dtype=str, keep_default_na=False).stack():
        assert not cell.startswith(("=", "+", "@", "\t", "\r")) or cell == csv_unquote(cell)


def test_4_report_tables_are_formula_safe_and_read_back_as_written(tmp_path: Path):
    from pmo_opt.present.params import NotebookContext
    from pmo_opt.present.reports import read_table

    ctx = NotebookContext(
        portfolio=None, scenario=Scenario(), output_dir=tmp_path, interactive=False,
        portfolio_path=tmp_path,
    )  # fmt: skip
    table = pd.DataFrame({"project_id": ["P1", "P2"], "name": ["=1+1", "@x"], "value": [-1, 2]})
    ctx.write_table("selection", table)
    text = (tmp_path / "tables" / "selection.csv").read_text()
    assert "'=1+1" in text and "'@x" in text and "\n=" not in text
    assert read_table(tmp_path / "tables" / "selection.csv")["name"].tolist() == ["=1+1", "@x"]
    assert ctx.read_table("selection")["name"].tolist() == ["=1+1", "@x"]


# --------------------------------------------------------------------------------------------
# 5. bounded horizon and a time limit that bounds the command


def test_5_horizon_is_bounded_and_far_dates_are_warned(sample: Path, capsys):
    for setting, words in (
        ("horizon_start=0000-01", "horizon_start: '0000-01' is not a plausible month"),
        ("horizon_months=2400", "horizon_months: must be 1 to 600 (50 years), got 2400"),
    ):
        started = time.perf_counter()
        code, _, err = run(capsys, "plan", str(sample), "--set", setting)
        assert code == 2 and words in err
        assert time.perf_counter() - started < 10
    edit(sample, "projects", 2, "deadline", "2127-09")  # 2027-09 mistyped
    code, out, _ = run(capsys, "validate", str(sample))
    assert code == 0
    assert "projects.csv:2:deadline: warning: deadline 2127-09 is more than 10 years" in out
    code, _, err = run(capsys, "plan", str(sample))
    assert code == 2 and "more than 120 (10 years); look for a mistyped year" in err


def test_5_time_limit_bounds_build_and_solve():
    from pmo_opt.engine.optimise import optimise
    from pmo_opt.inputs.load import load_portfolio

    portfolio = load_portfolio(SAMPLE)
    started = time.perf_counter()
    plan = optimise(portfolio, Scenario(time_limit_s=2, threads=1))
    wall = time.perf_counter() - started
    assert plan.has_solution
    assert wall < 2 + 3, wall  # the README's margin
    assert "3 s limit" not in plan.message and ("2 s limit" in plan.message or plan.gap == 0)


# --------------------------------------------------------------------------------------------
# 6. numbers beyond sane magnitudes


def test_6_huge_numbers_are_input_errors(sample: Path, capsys):
    edit(sample, "demand", 3, "fte", "1e308")
    edit(sample, "projects", 4, "cost", "1e20")
    code, _, err = run(capsys, "plan", str(sample))
    assert code == 2
    assert "demand.csv:3:fte: '1e308' cannot be meant as fte: beyond 100,000,000" in err
    assert "projects.csv:4:cost: '1e20' cannot be meant as cost: beyond" in err
    assert "Traceback" not in err


def test_6_unusual_but_possible_numbers_are_warnings(sample: Path, capsys):
    # issue 26: 15,000 FTE of developers was refused as "beyond any sane fte"
    edit(sample, "capacity", 2, "fte", "15000")
    edit(sample, "projects", 4, "cost", "1e12")
    code, out, err = run(capsys, "validate", str(sample))
    assert code == 0, err
    both = out + err
    assert "capacity.csv:2:fte: warning: '15000' is unusually large for fte" in both
    assert "projects.csv:4:cost: warning: '1e12' is unusually large for cost" in both


# --------------------------------------------------------------------------------------------
# 8. likely mistakes are warned, each with file, row and column


def test_8_likely_mistakes_are_warned(sample: Path, capsys, monkeypatch):
    raw = (sample / "projects.csv").read_bytes()
    raw = raw.replace(b"Sandbox", "Sandbox é".encode())  # UTF-8 accent
    raw = raw.replace(b"DORA ICT", b"DORA \xe9 ICT", 1)  # one cp1252 byte, row 2
    (sample / "projects.csv").write_bytes(raw)
    edit(sample, "roles", 2, "role", "busines_analyst")
    code, out, _ = run(capsys, "validate", str(sample))
    assert code == 0
    assert "projects.csv:2:name: warning: this line is not UTF-8" in out
    assert "roles.csv:2:role: warning: role 'busines_analyst' is named by no demand" in out
    assert "did you mean 'business_analyst'?" in out

    from pmo_opt.inputs.load import load_portfolio

    names = load_portfolio(sample).projects["name"]
    assert names["P001"].startswith("DORA é ICT") and names["P002"].endswith("Sandbox é")

    (sample / "scores.csv").unlink()
    monkeypatch.setattr("pmo_opt.cli.plan.PROGRESS_PROJECTS", 10)  # the sample's 72 count as large
    code, _, err = run(
        capsys, "plan", str(sample), "--set", "extra_fte={testr: 2}", "--set", "time_limit_s=5"
    )
    assert code == 0
    assert "scenario 'baseline':-:extra_fte: warning: 'testr' is not a role" in err
    assert "scenario 'baseline':-:scoring: warning: scoring 'weighted' needs scores" in err
    assert "... planning 72 projects with highs (time limit 5 s" in err


# --------------------------------------------------------------------------------------------
# 9. capped listings, progress


def test_9_error_listing_is_capped_and_progress_shown(sample: Path, capsys, monkeypatch):
    demand = pd.read_csv(sample / "demand.csv", dtype=str, keep_default_na=False)
    demand = pd.concat([demand] * 20, ignore_index=True)
    demand["fte"] = "lots"
    demand.to_csv(sample / "demand.csv", index=False)
    monkeypatch.setattr(tables_module, "PROGRESS_ROWS", 1000)
    code, _, err = run(capsys, "validate", str(sample))
    assert code == 2
    lines = err.splitlines()
    assert len(lines) <= MAX_LISTED + 5, len(lines)
    assert "more rows like the ones above" in err and "fix those and run again" in err
    assert "... validating" in err


# --------------------------------------------------------------------------------------------
# 10. messages, not tracebacks; output folders checked before the solve


def test_10_bad_out_folders_fail_before_the_solve(sample: Path, tmp_path: Path, capsys):
    existing = tmp_path / "plan.txt"
    existing.write_text("x")
    started = time.perf_counter()
    code, _, err = run(capsys, "plan", str(sample), "--out", str(existing))
    assert code == 2 and "plan.txt is a file, not a folder" in err
    assert time.perf_counter() - started < 5  # no solve ran
    for command in ("plan", "rank"):
        code, _, err = run(capsys, command, str(sample), "--out", "/proc/pmo-opt-test/out")
        assert code == 1 and "cannot write to --out /proc/pmo-opt-test/out" in err
    code, _, err = run(capsys, "report", str(sample), "--out", "/proc/pmo-opt-test")
    assert code == 1 and "error: /proc/pmo-opt-test" in err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["plan", "--set", "weights=["], "--set:-:weights: '[' is not valid for weights"),
        (["plan", "--set", "extra_fte=[1"], "--set:-:extra_fte: '[1' is not valid"),
        (["plan", "--set", "extra_fte={dev: x}"], "is not valid for extra_fte"),
        (["plan", "--set", "max_avg_risk=.nan"], "is not valid for max_avg_risk"),
        (["plan", "--set", "time_limit_s=inf"], "is not valid for time_limit_s"),
        (["plan", "--set", "horizon_months=1e400"], "is not valid for horizon_months"),
        (["montecarlo", "--seed", "-1"], "--seed:-:-: -1 is not a seed"),
    ],
)
def test_10_malformed_settings_are_messages(args, words, capsys):
    code, _, err = run(capsys, args[0], str(SAMPLE), *args[1:])
    assert code == 2 and words in err and "Traceback" not in err


def test_10_nan_in_a_scenario_file_and_a_closed_pipe(tmp_path: Path, capsys):
    scenario = tmp_path / "nan.yaml"
    scenario.write_text("max_avg_risk: .nan\n")
    code, _, err = run(capsys, "plan", str(SAMPLE), "--scenario", str(scenario))
    assert code == 2 and "nan.yaml:-:max_avg_risk: nan is not valid" in err

    reader, writer = os.pipe()
    os.close(reader)  # `validate ... | head -1` after head has gone
    saved = sys.stdout
    sys.stdout = os.fdopen(writer, "w")
    try:
        code = main(["validate", str(SAMPLE)])
    finally:
        sys.stdout.close()
        sys.stdout = saved
    assert code == 1


# --------------------------------------------------------------------------------------------
# 11. SIGTERM during a report


@pytest.mark.slow
@pytest.mark.parametrize(
    ("signum", "scenarios"),
    [
        (signal.SIGTERM, ["baseline"]),
        (signal.SIGINT, ["baseline"]),
        (signal.SIGTERM, ["baseline", "budget_cut_20"]),  # worker processes, one per scenario
    ],
)
def test_11_a_signal_leaves_failed_folders_and_no_process(
    tmp_path: Path, signum: int, scenarios: list[str]
):
    out = tmp_path / "reports"
    marker = f"pmo-opt-hostile-{os.getpid()}-{time.time_ns()}"
    env = {**os.environ, "PMO_OPT_TEST_MARKER": marker}
    process = subprocess.Popen(
        [sys.executable, "-m", "pmo_opt", "report", str(SAMPLE), "--out", str(out)]
        + [arg for name in scenarios for arg in ("--scenario", f"data/scenarios/{name}.yaml")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # the runner solves once before the first notebook: wait until every run has a notebook
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and len(list(out.glob(".*.partial/*.ipynb"))) < len(
        scenarios
    ):
        time.sleep(0.2)
    time.sleep(1.0)  # a kernel is running a notebook
    process.send_signal(signum)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 1, err
    name = signal.Signals(signum).name
    assert err.splitlines()[-1] == f"stopped: stopped by {name}" and "Traceback" not in err
    failed = list(out.glob("*-FAILED"))
    assert len(failed) == len(scenarios) and not list(out.glob(".*.partial"))
    for folder in failed:
        manifest = json.loads((folder / "manifest.json").read_text())
        assert manifest["outcome"] == "failed" and manifest["failure"]["ename"] == "Interrupted"
        # the evidence: the notebooks that ran, or the step it was stopped in (the one solve)
        assert (
            list(folder.glob("*.ipynb"))
            or manifest["failure"]["notebook"] == "solving the scenario"
        )
    time.sleep(0.5)
    assert _marked_processes(marker) == []


def _marked_processes(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker.encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


# --------------------------------------------------------------------------------------------
# 12. threads capped at the cores


def test_12_threads_are_capped_at_the_cores():
    from ortools.sat.python import cp_model

    from pmo_opt.engine.cpsat import configure

    cores = os.cpu_count() or 1
    solver = cp_model.CpSolver()
    configure(solver, Scenario(threads=1000))
    assert solver.parameters.num_workers == cores
    assert Scenario(threads=1000).solver_threads == cores
    assert Scenario(threads=1).solver_threads == 1
    assert Scenario().solver_threads == cores


# --------------------------------------------------------------------------------------------
# 13. a reused --out never mixes old and new files


def test_13_reused_out_never_mixes_runs(sample: Path, tmp_path: Path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "summary.json").write_text("{}")  # not written by a recorded run
    code, _, err = run(capsys, "plan", str(sample), "--set", "time_limit_s=5", "--out", str(out))
    assert code == 2 and "already holds summary.json" in err
    (out / "summary.json").unlink()
    (out / "notes.txt").write_text("mine")
    assert run(capsys, "plan", str(sample), "--set", "time_limit_s=5", "--out", str(out))[0] == 0
    # as if that run had been infeasible: its diagnosis.csv is recorded
    record = json.loads((out / ".pmo-opt-files.json").read_text())
    record["files"].append("diagnosis.csv")
    (out / ".pmo-opt-files.json").write_text(json.dumps(record))
    (out / "diagnosis.csv").write_text("old\n")
    assert run(capsys, "plan", str(sample), "--set", "time_limit_s=5", "--out", str(out))[0] == 0
    assert not (out / "diagnosis.csv").exists()
    assert (out / "notes.txt").read_text() == "mine"
    assert {p.name for p in out.iterdir()} == {
        "plan.csv",
        "load.csv",
        "summary.json",
        "notes.txt",
        ".pmo-opt-files.json",
    }


# --------------------------------------------------------------------------------------------
# 14. clear messages


def test_14_unclosed_quote_long_cell_negative_risk_and_escapes(sample: Path, tmp_path, capsys):
    quoted = Path(shutil.copytree(sample, tmp_path / "quoted"))
    lines = (quoted / "projects.csv").read_text().splitlines()
    lines[4] = lines[4].replace(",", ',"', 1)
    (quoted / "projects.csv").write_text("\n".join(lines) + "\n")
    code, _, err = run(capsys, "validate", str(quoted))
    assert code == 2 and err.startswith("error: 1 error(s)")
    assert 'projects.csv:5:name: a quote (") opened in this cell is never closed' in err

    long = Path(shutil.copytree(sample, tmp_path / "long"))
    edit(long, "projects", 3, "name", "x" * 200_000)
    code, _, err = run(capsys, "validate", str(long))
    assert code == 2 and "projects.csv:3:name: the cell holds 200,000 characters" in err
    assert len(err) < 2_000

    code, _, err = run(capsys, "plan", str(sample), "--set", "max_avg_risk=-1")
    assert code == 2 and "max_avg_risk: must be a number, 0 or more" in err

    edit(sample, "projects", 2, "name", "Evil\x1b]0;pwned\x07\x1b[2J")
    code, out, _ = run(capsys, "rank", str(sample))
    assert code == 0
    assert "\x1b" not in out and "Evil\\x1b]0;pwned\\x07" in out


# --------------------------------------------------------------------------------------------
# fuzzing: scenario YAML and --set values give clean errors only

_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60
) | st.sampled_from(
    ["[", "{", "*a", "&a x", ".nan", ".inf", "-.inf", "1e400", "!!python/object:os.system", "~",
     "[1, 2", "{a: [}", "- - -", "? x", "2027-13", "0000-01", "99999999999999999999", "'",
     "!!int x", "!!float y", "!!timestamp 2027-99", "!!binary %%", "!!set {a, b}", "{[1]: 2}",
     "2027-01-01", "{dev: .nan}", "{dev: -1}", "<<: {a: 1}", "!!omap [a: 1]", "\x00"]
)  # fmt: skip


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(key=st.sampled_from(sorted(FIELDS)), value=_TEXT)
def test_fuzz_set_values_give_input_errors_only(key: str, value: str):
    try:
        with_overrides(Scenario(), parse_sets([f"{key}={value}"]))
    except InputError:
        pass


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.one_of(
        _TEXT,
        st.dictionaries(st.sampled_from(sorted(FIELDS)), _TEXT, max_size=4).map(
            lambda d: "\n".join(f"{k}: {v}" for k, v in d.items())
        ),
        st.tuples(st.sampled_from(sorted(FIELDS)), _TEXT, _TEXT).map(
            lambda t: f"{t[0]}:\n  - {t[1]}\n  - {{{t[2]}: {t[1]}}}\n"
        ),
    )
)
def test_fuzz_scenario_yaml_gives_input_errors_only(tmp_path: Path, body: str):
    path = tmp_path / "fuzz.yaml"
    path.write_text(body, encoding="utf-8", errors="surrogatepass")
    try:
        load_scenario(path)
    except InputError:
        pass
