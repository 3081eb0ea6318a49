"""diff and history never crash (issue 21, item 3): files on one side only, other portfolios,
runs without plans, failed runs and a ledger of the previous schema each get a plain statement."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_ledger import record

from pmo_opt.cli import main
from pmo_opt.ledger import Ledger, diff_text, history_text
from pmo_opt.ledger.record import new_run_id
from pmo_opt.ledger.schema import MIGRATIONS, runs, schema_version


def _ledger(tmp_path: Path, *records) -> str:
    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    with Ledger(url) as ledger:
        for r in records:
            ledger.record_run(r)
    return url


def test_a_file_in_one_run_only_is_stated_not_a_traceback(tmp_path: Path, capsys):
    # the reproduction of issue 21: hash NaN -> TypeError 'float' object is not subscriptable
    a = record()
    b = record(input_hashes={"projects.csv": "a" * 64, "demand.csv": "b" * 64, "x.csv": "c" * 64})
    url = _ledger(tmp_path, a, b)
    for first, second in ((a, b), (b, a)):
        assert main(["diff", first.run_id, second.run_id, "--ledger", url]) == 0
        out = capsys.readouterr().out
        assert "x.csv: " in out and f"absent (not in run {a.run_id})" in out


def test_other_portfolio_failed_and_planless_runs_are_stated(tmp_path: Path, capsys):
    other = record(portfolio="other")
    failed = record(status="failed", error="stopped by SIGTERM", check_passed=None)
    failed = failed.__class__(**{**failed.__dict__, "decisions": failed.decisions.iloc[0:0]})
    none = record(status="infeasible", check_passed=None)
    base = record()
    url = _ledger(tmp_path, other, failed, none, base)
    assert main(["diff", base.run_id, other.run_id, "--ledger", url]) == 0
    assert "different portfolios (sample and other)" in capsys.readouterr().out
    assert main(["diff", base.run_id, failed.run_id, "--ledger", url]) == 0
    out = capsys.readouterr().out
    assert f"run {failed.run_id} failed: stopped by SIGTERM" in out
    assert "the same projects" not in out
    assert main(["diff", none.run_id, base.run_id, "--ledger", url]) == 0
    assert "has no plan (status infeasible)" in capsys.readouterr().out
    assert main(["history", "--ledger", url]) == 0
    assert "nan" not in capsys.readouterr().out.lower()


def test_a_ledger_of_the_previous_schema_reads_after_migration(tmp_path: Path, capsys):
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:  # a ledger as version 1 left it, with one run and no approvals
        schema_version.create(conn)
        MIGRATIONS[0][2](conn)
        conn.execute(schema_version.insert().values(version=1, applied_at="then", note="v1"))
        conn.execute(
            runs.insert().values(
                run_id="20260101T000000-aaaaaa",
                started_at="2026-01-01T00:00:00+00:00",
                finished_at="2026-01-01T00:00:01+00:00",
                portfolio_name="sample",
                status="failed",
                input_hashes="",
                solver_versions="",
            )
        )
    engine.dispose()
    assert main(["history", "--ledger", url]) == 0
    assert "20260101T000000-aaaaaa" in capsys.readouterr().out
    r = record()
    with Ledger(url) as ledger:
        ledger.record_run(r)
    assert main(["diff", "20260101T000000-aaaaaa", r.run_id, "--ledger", url]) == 0
    assert "failed; it has no plan" in capsys.readouterr().out


# --------------------------------------------------------------------------------------------
# property: diff both ways on generated pairs of runs, through a real SQLite ledger

MONTHS = st.one_of(st.none(), st.sampled_from(["2027-01", "2027-06", "2028-12", "soon", ""]))


@st.composite
def runs_of(draw):
    ids = draw(st.lists(st.sampled_from(["P1", "P2", "P3", "P4"]), unique=True, max_size=4))
    decisions = pd.DataFrame(
        {
            "project_id": ids,
            "name": [draw(st.one_of(st.none(), st.text("xyz é", max_size=5))) for _ in ids],
            "selected": [draw(st.booleans()) for _ in ids],
            "start": [draw(MONTHS) for _ in ids],
            "finish": [draw(MONTHS) for _ in ids],
            "value": [draw(st.one_of(st.none(), st.floats(allow_nan=True))) for _ in ids],
            "reason": [draw(st.one_of(st.none(), st.text("xyz é", max_size=5))) for _ in ids],
        }
    )
    files = draw(
        st.dictionaries(st.sampled_from(["projects.csv", "demand.csv", "budget.csv"]), st.text())
    )
    return record(
        run_id=new_run_id(),
        portfolio=draw(st.sampled_from(["sample", "other"])),
        status=draw(st.sampled_from(["optimal", "feasible", "infeasible", "failed"])),
        check_passed=draw(st.sampled_from([True, False, None])),
        error=draw(st.one_of(st.none(), st.text("xyz é:", max_size=10))),
        input_hashes=files,
        scenario_yaml=draw(st.sampled_from(["", "name: a\n", "name: b\n"])),
        decisions=decisions,
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(runs_of(), runs_of())
def test_diff_of_any_two_recorded_runs_never_fails(a, b):
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'ledger.sqlite'}"
        with Ledger(url) as ledger:
            ledger.record_run(a)
            ledger.record_run(b)
            texts = [diff_text(ledger.diff(x.run_id, y.run_id)) for x, y in ((a, b), (b, a))]
            history = history_text(ledger.history())
            by_project = history_text(ledger.history(project="P1"), "P1")
    for text in texts:
        assert text.startswith("from run ") and "nan" not in text
        if a.status not in ("optimal", "feasible") or b.status not in ("optimal", "feasible"):
            assert "has no plan" in text or "no project decisions" in text or "failed" in text
    assert a.run_id in history and b.run_id in history and isinstance(by_project, str)
