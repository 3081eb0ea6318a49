"""Issue 26, item 7: duplicate rows name their row, approving twice records one approval, a
repeated ``--set key=`` is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_ledger import record

from pmo_opt.cli import main
from pmo_opt.errors import InputError
from pmo_opt.inputs.baseline import read_baseline
from pmo_opt.inputs.scenario import parse_sets
from pmo_opt.ledger import Ledger

ROOT = Path(__file__).resolve().parents[1]


def test_approving_the_approved_run_again_adds_no_approval(tmp_path: Path, capsys):
    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    run = record()
    with Ledger(url) as ledger:
        ledger.record_run(run)
        first = ledger.approve(run.run_id, by="Ada")
    assert main(["approve", run.run_id, "--by", "Bob", "--ledger", url]) == 0
    assert "already is the approved plan of sample (approved by Ada" in capsys.readouterr().out
    with Ledger(url) as ledger:
        history = ledger.history()
        assert ledger.approval("sample").approval_id == first.approval_id
    assert history["event"].tolist().count("approval") == 1


def test_a_key_set_twice_is_refused(capsys, tmp_path: Path):
    with pytest.raises(InputError, match=r"time_limit_s is given twice \('5' and '9'\)"):
        parse_sets(["time_limit_s=5", "time_limit_s=9"])
    assert parse_sets(["seed=1", "seed=1"]) == {"seed": "1"}
    code = main(
        ["plan", str(ROOT / "data" / "sample"), "--set", "seed=1", "--set", "seed=2", "--no-ledger"]
    )
    assert code == 2 and "seed is given twice" in capsys.readouterr().err


def test_duplicate_baseline_row_names_its_row(tmp_path: Path):
    path = tmp_path / "plan.csv"
    path.write_text(
        "project_id,selected,start,finish\nA,1,2027-01,2027-02\nB,0,,\nA,0,,\n", encoding="utf-8"
    )
    with pytest.raises(InputError) as caught:
        read_baseline(path)
    assert "plan.csv:4:project_id: 'A' appears again (first in row 2)" in str(caught.value)
    assert ":-:" not in str(caught.value)
