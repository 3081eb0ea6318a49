"""``pmo-opt validate``: exit 0 with a summary, or exit 2 listing every problem."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pmo_opt.cli import main
from pmo_opt.paths import ROOT

PROJECTS = """\
project_id,status,earliest_start,deadline,duration,cost
P01,committed,2027-01,2027-06,3,9000
P02,,2027-02,,2,
"""
DEMAND = "project_id,role,fte\nP01,Developer,1\nP02,Tester,0.5\n"
CAPACITY = "role,fte\nDeveloper,2\nTester,1\n"
BUDGET = "period,amount\n2027,50000\n"


@pytest.fixture
def good(tmp_path: Path) -> Path:
    folder = tmp_path / "good"
    folder.mkdir()
    for name, text in (
        ("projects", PROJECTS),
        ("demand", DEMAND),
        ("capacity", CAPACITY),
        ("budget", BUDGET),
    ):
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def bad(good: Path) -> Path:
    (good / "projects.csv").write_text(PROJECTS.replace(",3,", ",three,"), encoding="utf-8")
    (good / "demand.csv").write_text(DEMAND.replace("Tester", "Testr"), encoding="utf-8")
    (good / "budget.csv").write_text(BUDGET + "2027-Q7,100\n", encoding="utf-8")
    return good


def test_validate_ok_prints_summary(good: Path, capsys):
    assert main(["validate", str(good)]) == 0
    out = capsys.readouterr().out
    assert f"{good}: valid" in out
    assert "projects      2 (1 proposed, 1 committed)" in out
    assert "2027-01 .. 2027-12 (12 months" in out
    # Developer: 1 FTE x 3 months against 2 FTE x 12 months
    assert any(line.split()[:3] == ["Developer", "3.0", "24.0"] for line in out.splitlines())


def test_validate_bad_lists_every_problem(bad: Path, capsys):
    assert main(["validate", str(bad)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    err = captured.err
    assert err.startswith("error: 3 error(s) in the input:")
    assert "projects.csv:2:duration: 'three' is not a number" in err
    assert "demand.csv:3:role: 'Testr' is not a known role" in err
    assert "did you mean 'Tester'?" in err
    assert "budget.csv:3:period: '2027-Q7' is not a budget period" in err


def test_validate_warnings_are_shown_on_success(good: Path, capsys):
    (good / "capacity.csv").write_text(CAPACITY.replace("role,fte", "role,fte,notes"))
    assert main(["validate", str(good)]) == 0
    out = capsys.readouterr().out
    assert "warnings (1):" in out
    assert "capacity.csv:1:notes: warning: unknown column 'notes' is ignored" in out


def test_validate_missing_path(tmp_path: Path, capsys):
    assert main(["validate", str(tmp_path / "nope")]) == 2
    assert "no such file or folder" in capsys.readouterr().err


def _command() -> list[str]:
    exe = ROOT / ".venv" / "bin" / "pmo-opt"
    if not exe.exists():  # another virtualenv: the script next to this interpreter
        exe = Path(sys.executable).parent / "pmo-opt"
    return [str(exe)]


@pytest.mark.parametrize("which", ["good", "bad"])
def test_validate_subprocess_exit_codes(request, which: str):
    folder = request.getfixturevalue(which)
    run = subprocess.run(
        [*_command(), "validate", str(folder)], capture_output=True, text=True, timeout=120
    )
    if which == "good":
        assert run.returncode == 0, run.stderr
        assert "valid" in run.stdout
    else:
        assert run.returncode == 2, run.stdout
        assert "demand.csv:3:role: 'Testr'" in run.stderr
