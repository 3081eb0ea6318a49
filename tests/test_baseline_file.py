"""Hostile baselines (issue 26, item 4): read like portfolio tables, refused with exit 2 and one
clear message, ids outside the portfolio warned about with a count and a capped list."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from builders import make_portfolio

from pmo_opt.cli import main
from pmo_opt.errors import InputError
from pmo_opt.inputs.baseline import read_baseline

HEADER = "project_id,selected,start,finish\n"


def _portfolio(tmp_path: Path) -> Path:
    projects = [{"project_id": p, "duration": 2, "benefit": b} for p, b in (("A", 10), ("B", 8))]
    demand = [{"project_id": p["project_id"], "role": "dev", "fte": 1} for p in projects]
    make_portfolio(
        tmp_path / "pf", projects=projects, demand=demand, capacity=[{"role": "dev", "fte": 2}]
    )
    return tmp_path / "pf"


def _plan(tmp_path: Path, baseline: Path, capsys) -> tuple[int, str, str]:
    folder = _portfolio(tmp_path)
    args = ["plan", str(folder), "--set", "horizon_start=2027-01", "--set", "horizon_months=4"]
    args += ["--set", "objective=benefit", "--set", f"baseline={baseline}"]
    code = main([*args, "--set", "time_limit_s=5", "--out", str(tmp_path / "out")])
    captured = capsys.readouterr()
    return code, captured.err, captured.out


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"\x00\x01\x02\xff\xfe binary \x00" * 50, id="binary"),
        pytest.param(b"PK\x03\x04" + b"\x00" * 200, id="workbook"),
    ],
)
def test_binary_baseline_exits_2_with_one_message(tmp_path: Path, capsys, content: bytes):
    path = tmp_path / "plan.csv"
    path.write_bytes(content)
    code, err, out = _plan(tmp_path, path, capsys)
    assert code == 2
    assert "plan.csv" in err and "not a text file" in err and "Traceback" not in err


def test_windows_1252_semicolon_baseline_reads_like_a_portfolio_table(tmp_path: Path):
    path = tmp_path / "plan.csv"
    text = "sep=;\r\nproject_id;selected;start;finish\r\nA;1;2027-01;2027-02\r\nCafé;0;;\r\n"
    path.write_bytes(text.encode("cp1252"))
    before = path.read_bytes()
    table = read_baseline(path)
    assert list(table.index) == ["A", "Café"] and table.loc["A", "start"] == "2027-01"
    assert path.read_bytes() == before


def test_semicolon_baseline_without_hint_is_read(tmp_path: Path):
    path = tmp_path / "plan.csv"
    path.write_text("project_id;selected;start;finish\nA;1;2027-01;2027-02\n", encoding="utf-8")
    assert read_baseline(path).loc["A", "selected"]


def test_header_only_baseline_is_an_error_not_nothing_approved(tmp_path: Path, capsys):
    path = tmp_path / "plan.csv"
    path.write_text(HEADER, encoding="utf-8")
    code, err, out = _plan(tmp_path, path, capsys)
    assert code == 2 and "no rows" in err and "approves nothing" in err


def test_wrong_columns_name_what_was_found(tmp_path: Path):
    path = tmp_path / "plan.csv"
    path.write_text("id|chosen\nA|1\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"missing column \(found: id\|chosen\)"):
        read_baseline(path)


def test_many_unknown_ids_are_fast_and_warned_about_with_a_capped_list(tmp_path: Path, capsys):
    path = tmp_path / "plan.csv"
    rows = [f"X{i:06d},1,2027-01,2027-02" for i in range(100_000)]
    path.write_text(HEADER + "A,1,2027-01,2027-02\n" + "\n".join(rows) + "\n", encoding="utf-8")
    started = time.perf_counter()
    code, err, out = _plan(tmp_path, path, capsys)
    elapsed = time.perf_counter() - started
    assert code == 0, err
    assert "100,000 selected project(s) of the baseline are not in the portfolio" in err
    assert "'X000000'" in err and "'X000099'" not in err
    assert len(err) < 5_000, len(err)
    assert len(out) < 5_000, len(out)  # the gone list is capped on stdout too
    assert elapsed < 30, elapsed


def test_bad_rows_are_capped(tmp_path: Path):
    path = tmp_path / "plan.csv"
    path.write_text(HEADER + "".join(f"P{i},yes,,\n" for i in range(500)), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_baseline(path)
    assert len(caught.value.problems) == 21
    assert "480 more problems" in str(caught.value)
