"""The decision ledger on real databases: SQLite files and a PostgreSQL server the tests start
themselves (``ledger_servers.py``); real processes, no mocks."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from ledger_servers import start_cluster

from pmo_opt.errors import LedgerError
from pmo_opt.ledger import (
    SCHEMA_VERSION,
    Ledger,
    RunRecord,
    hash_inputs,
    ledger_url,
    new_run_id,
    portfolio_name,
    utc_now,
)
from pmo_opt.ledger.schema import MIGRATIONS, metadata, schema_version

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def pg_cluster():
    cluster = start_cluster()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    """An empty ledger database of each kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.sqlite'}"
        return
    cluster = request.getfixturevalue("pg_cluster")
    name = cluster.create_database()
    yield cluster.url(name)
    cluster.drop_database(name)


def record(
    selected=("P1",),
    starts=None,
    portfolio="sample",
    status="optimal",
    check_passed=True,
    **kw,
) -> RunRecord:
    """A run over projects P1..P3: ``selected`` ones start in ``starts`` (default 2027-01)."""
    starts = starts or {}
    ids = ["P1", "P2", "P3"]
    start = [starts.get(p, "2027-01") if p in selected else None for p in ids]
    finish = [s[:5] + "12" if s else None for s in start]
    decisions = pd.DataFrame(
        {
            "project_id": ids,
            "name": ["Alpha", "Beta", "Gamma"],
            "selected": [p in selected for p in ids],
            "start": start,
            "finish": finish,
            "value": [10.0, 20.0, 30.0],
            "reason": [None if p in selected else "budget" for p in ids],
        }
    )
    facts = {
        "run_id": new_run_id(),
        "started_at": utc_now(),
        "finished_at": utc_now(),
        "command": "pmo-opt plan data/sample",
        "user": "tester",
        "portfolio_name": portfolio,
        "portfolio_path": f"data/{portfolio}",
        "scenario_name": "baseline",
        "scenario_yaml": "name: baseline\n",
        "input_hashes": {"projects.csv": "a" * 64, "demand.csv": "b" * 64},
        "package_version": "0.1.0",
        "solver_versions": {"highspy": "1.7"},
        "status": status,
        "objective": 30.0,
        "bound": 30.0,
        "gap": 0.0,
        "check_passed": check_passed,
        "decisions": decisions,
        "out_dir": None,
    }
    return RunRecord(**{**facts, **kw})


# --------------------------------------------------------------------------------------------
# record helpers


def test_run_ids_sort_by_time_and_are_unique():
    ids = [new_run_id() for _ in range(50)]
    assert len(set(ids)) == 50
    assert all(len(i) == 22 and i[8] == "T" and i[15] == "-" for i in ids)


def test_ledger_url_order(monkeypatch):
    monkeypatch.setenv("PMO_OPT_LEDGER", "sqlite:///from-env.sqlite")
    assert ledger_url("sqlite:///given.sqlite") == "sqlite:///given.sqlite"
    assert ledger_url(None) == "sqlite:///from-env.sqlite"
    monkeypatch.delenv("PMO_OPT_LEDGER")
    assert ledger_url(None) == "sqlite:///ledger.sqlite"


def test_inputs_hashed_per_file_and_named_by_folder():
    hashes = hash_inputs(ROOT / "data" / "sample")
    assert "projects.csv" in hashes and all(len(h) == 64 for h in hashes.values())
    assert set(hash_inputs(ROOT / "data" / "sample.xlsx")) == {"sample.xlsx"}
    assert portfolio_name(ROOT / "data" / "sample") == "sample"
    assert portfolio_name(ROOT / "data" / "sample.xlsx") == "sample"


def test_record_and_get_round_trip(url):
    r = record(selected=("P1", "P3"), starts={"P3": "2027-04"})
    with Ledger(url) as ledger:
        assert ledger.record_run(r) == r.run_id
        back = ledger.get_run(r.run_id)
    assert back.input_hashes == r.input_hashes and back.solver_versions == r.solver_versions
    assert (back.status, back.objective, back.check_passed) == ("optimal", 30.0, True)
    d = back.decisions.set_index("project_id")
    assert list(d.index) == ["P1", "P2", "P3"]
    assert d.loc["P3", "start"] == "2027-04" and bool(d.loc["P3", "selected"])
    assert d.loc["P2", "start"] is None and d.loc["P2", "reason"] == "budget"
    assert d.loc["P2", "value"] == 20.0
    with Ledger(url) as ledger, pytest.raises(LedgerError, match="already in the ledger"):
        ledger.record_run(r)


def test_a_failed_run_is_recorded_as_failed(url):
    r = record(status="failed", check_passed=None, error="SolverError: HiGHS crashed")
    r = replace(r, decisions=r.decisions.iloc[0:0])
    with Ledger(url) as ledger:
        ledger.record_run(r)
        back = ledger.get_run(r.run_id)
        assert (back.status, back.error, len(back.decisions)) == ("failed", r.error, 0)
        with pytest.raises(LedgerError, match="cannot be approved: its status is failed") as e:
            ledger.approve(r.run_id, by="Board")
        assert e.value.input_error and e.value.run_id == r.run_id
        history = ledger.history()
    assert history.loc[0, "status"] == "failed" and "HiGHS crashed" in history.loc[0, "note"]


def test_approve_supersede_and_the_approved_plan(url):
    first, second = record(), record(selected=("P1", "P2"), starts={"P1": "2027-03"})
    with Ledger(url) as ledger:
        ledger.record_run(first)
        ledger.record_run(second)
        with pytest.raises(LedgerError, match="no approved plan.*pmo-opt approve"):
            ledger.approved_plan("sample")
        a1 = ledger.approve(first.run_id, by="Ada", note="Q1 board")
        assert ledger.approved_run("sample").run_id == first.run_id
        a2 = ledger.approve(second.run_id, by="Bob")
        assert a2.supersedes == a1.approval_id and a1.supersedes is None
        plan = ledger.approved_plan("sample")
        assert ledger.approved_run("other") is None
        history = ledger.history()
    assert list(plan.columns) == ["project_id", "selected", "start", "finish"]
    assert plan.set_index("project_id").loc["P1", "start"] == "2027-03"
    assert plan["selected"].tolist() == [True, True, False]
    approvals = history[history["event"] == "approval"]
    assert approvals["by"].tolist() == ["Ada", "Bob"]
    assert approvals["current"].tolist() == [False, True]
    assert approvals["note"].tolist() == ["Q1 board", ""]


def test_only_a_checked_plan_can_be_approved(url, tmp_path):
    bad = record(check_passed=False)
    unchecked = record(check_passed=None)
    with Ledger(url) as ledger:
        ledger.record_run(bad)
        ledger.record_run(unchecked)
        with pytest.raises(LedgerError, match="failed check_plan"):
            ledger.approve(bad.run_id, by="Ada")
        with pytest.raises(LedgerError, match="was not checked"):
            ledger.approve(unchecked.run_id, by="Ada")
        with pytest.raises(LedgerError, match="no run 20990101T000000-abcdef"):
            ledger.approve("20990101T000000-abcdef", by="Ada")
        with pytest.raises(LedgerError, match="has no run id"):
            ledger.approve(tmp_path, by="Ada")
        with pytest.raises(LedgerError, match="--by NAME"):
            ledger.approve(bad.run_id, by=" ")
        assert ledger.approval("sample") is None


def test_approve_by_output_folder(url, tmp_path):
    r = record()
    (tmp_path / "summary.json").write_text(json.dumps({"status": "optimal", "run_id": r.run_id}))
    with Ledger(url) as ledger:
        ledger.record_run(r)
        assert ledger.approve(tmp_path, by="Ada").run_id == r.run_id


def test_history_of_a_project_and_since(url):
    runs = [
        record(started_at="2026-11-01T09:00:00+00:00"),
        record(started_at="2026-11-02T09:00:00+00:00", selected=("P1", "P2")),
        record(started_at="2026-11-03T09:00:00+00:00", portfolio="other", selected=()),
    ]
    with Ledger(url) as ledger:
        for r in runs:
            ledger.record_run(r)
        ledger.approve(runs[1].run_id, by="Ada", note="go")
        p2 = ledger.history(project="P2")
        assert ledger.history(since="2999-01-01").empty
        assert len(ledger.history(since="2026-11-02")) == 3  # two runs and the approval
    assert p2["event"].tolist() == ["run", "run", "run", "approval"]
    assert p2["selected"].tolist() == [False, True, False, True]
    assert p2["reason"].tolist()[0] == "budget"
    assert p2.iloc[-1][["by", "note", "run_id"]].tolist() == ["Ada", "go", runs[1].run_id]


def test_diff_entering_leaving_moving_and_inputs(url):
    a = record(selected=("P1", "P2"))
    b = record(
        selected=("P1", "P3"),
        starts={"P1": "2027-04"},
        input_hashes={"projects.csv": "c" * 64, "demand.csv": "b" * 64, "budget.csv": "d" * 64},
    )
    with Ledger(url) as ledger:
        ledger.record_run(a)
        ledger.record_run(b)
        d = ledger.diff(a.run_id, b.run_id)
        same = ledger.diff(a.run_id, a.run_id)
    assert d.entering["project_id"].tolist() == ["P3"] and d.entering["value"].tolist() == [30.0]
    assert d.leaving["project_id"].tolist() == ["P2"]
    assert d.moving[["project_id", "start_a", "start_b", "months"]].values.tolist() == [
        ["P1", "2027-01", "2027-04", 3]
    ]
    assert d.changed_inputs["file"].tolist() == ["budget.csv", "projects.csv"]
    assert pd.isna(d.changed_inputs.set_index("file").loc["budget.csv", "hash_a"])
    assert same.unchanged and same.changed_inputs.empty


def test_a_ledger_from_a_newer_pmo_opt_is_refused(url):
    with Ledger(url) as ledger:
        engine = ledger.engine
        with engine.begin() as conn:
            conn.execute(schema_version.insert().values(version=SCHEMA_VERSION + 1, applied_at="x"))
    with pytest.raises(LedgerError) as e:
        Ledger(url)
    text = str(e.value)
    assert (
        f"this ledger was written by a newer pmo-opt (schema {SCHEMA_VERSION + 1}, this version "
        f"knows {SCHEMA_VERSION}): upgrade pmo-opt" in text
    )


def test_opening_applies_the_missing_migrations(url):
    engine = sa.create_engine(url)
    with engine.begin() as conn:  # a ledger as version 1 left it
        schema_version.create(conn)
        MIGRATIONS[0][2](conn)
        conn.execute(schema_version.insert().values(version=1, applied_at="then", note="v1"))
    engine.dispose()
    with Ledger(url) as ledger:
        assert ledger.schema_version == SCHEMA_VERSION
        ledger.record_run(r := record())
        ledger.approve(r.run_id, by="Ada")
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        versions = conn.execute(sa.select(schema_version.c.version)).scalars().all()
        assert sorted(versions) == [m[0] for m in MIGRATIONS]
        assert set(metadata.tables) <= set(sa.inspect(conn).get_table_names())
    engine.dispose()


WRITER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {tests!r})
    from test_ledger import record
    from pmo_opt.ledger import Ledger

    with Ledger({url!r}) as ledger:
        for i in range(20):
            ledger.record_run(record(command=f"writer {{sys.argv[1]}} run {{i}}"))
    """
)


def test_two_processes_writing_at_once_lose_nothing(url):
    Ledger(url).close()  # created before: the race is about runs, opening is tested apart
    script = WRITER.format(tests=str(Path(__file__).parent), url=url)
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(n)], stderr=subprocess.PIPE, text=True)
        for n in (1, 2)
    ]
    errors = [p.communicate(timeout=300)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errors
    with Ledger(url) as ledger:
        history = ledger.history()
        engine = ledger.engine
        with engine.connect() as conn:
            n_decisions = conn.execute(sa.text("SELECT count(*) FROM decisions")).scalar()
    assert len(history) == 40 and history["run_id"].is_unique
    assert n_decisions == 120


def test_two_processes_opening_a_new_ledger_at_once(url):
    script = WRITER.format(tests=str(Path(__file__).parent), url=url).replace(
        "range(20)", "range(3)"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(n)], stderr=subprocess.PIPE, text=True)
        for n in (1, 2)
    ]
    errors = [p.communicate(timeout=300)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errors
    with Ledger(url) as ledger:
        assert len(ledger.history()) == 6 and ledger.schema_version == SCHEMA_VERSION


# --------------------------------------------------------------------------------------------
# a ledger that cannot be used: a clear LedgerError naming the URL and the fix


def test_a_corrupt_file_is_not_a_ledger(tmp_path):
    path = tmp_path / "ledger.sqlite"
    path.write_bytes(b"this is a spreadsheet, honest\n" * 200)
    with pytest.raises(LedgerError) as e:
        Ledger(f"sqlite:///{path}")
    assert str(path) in str(e.value) and "not a pmo-opt ledger" in str(e.value)
    assert "move the file aside" in str(e.value) and not e.value.input_error


def test_a_read_only_ledger(tmp_path):
    path = tmp_path / "ledger.sqlite"
    Ledger(f"sqlite:///{path}").close()
    # SQLite's own read-only mode: it holds for root too, where chmod would not
    read_only = f"sqlite:///file:{path}?mode=ro&uri=true"
    with Ledger(read_only) as ledger:
        assert ledger.history().empty  # reading works
        with pytest.raises(LedgerError, match="is read-only") as e:
            ledger.record_run(record())
    assert str(path) in str(e.value) and "--no-ledger" in str(e.value)
    fresh = tmp_path / "fresh.sqlite"
    sqlite3.connect(fresh).close()  # an empty database that needs its tables
    with pytest.raises(LedgerError, match="is read-only"):
        Ledger(f"sqlite:///file:{fresh}?mode=ro&uri=true")


def test_a_locked_ledger(tmp_path, monkeypatch):
    path = tmp_path / "ledger.sqlite"
    Ledger(f"sqlite:///{path}").close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        monkeypatch.setenv("PMO_OPT_LEDGER_TIMEOUT", "0.3")
        with pytest.raises(LedgerError, match="is locked by another process") as e:
            Ledger(f"sqlite:///{path}").record_run(record())
    finally:
        holder.rollback()
        holder.close()
    assert str(path) in str(e.value) and "PMO_OPT_LEDGER_TIMEOUT" in str(e.value)
    with Ledger(f"sqlite:///{path}") as ledger:  # released: usable again
        ledger.record_run(record())


def test_an_unreachable_server_and_a_masked_password(tmp_path):
    url = f"postgresql+psycopg://ann:s3cret@/ledger?host={tmp_path / 'no-server'}"
    with pytest.raises(LedgerError, match="cannot be reached") as e:
        Ledger(url, wait_s=2)
    assert "s3cret" not in str(e.value) and "ann:***@" in str(e.value)
    assert "s3cret" not in e.value.url


def test_not_a_url():
    with pytest.raises(LedgerError, match="is not a database URL") as e:
        Ledger("ledger.sqlite")
    assert e.value.input_error


def test_missing_folder(tmp_path):
    with pytest.raises(LedgerError, match="cannot be opened.*folder does not exist"):
        Ledger(f"sqlite:///{tmp_path / 'nope' / 'ledger.sqlite'}")


def test_ledger_error_survives_pickling():
    import pickle

    e = pickle.loads(pickle.dumps(LedgerError("x", url="u", run_id="r", input_error=True)))
    assert (str(e), e.url, e.run_id, e.input_error) == ("x", "u", "r", True)


# --------------------------------------------------------------------------------------------
# the command line


@pytest.fixture(scope="module")
def sample_runs(tmp_path_factory):
    """Two ``pmo-opt plan`` runs of the sample into one ledger, the first one approved."""
    from pmo_opt.cli import main

    root = tmp_path_factory.mktemp("cli")
    url = f"sqlite:///{root / 'ledger.sqlite'}"
    outs = [root / "q1", root / "q1-cut"]
    base = ["plan", str(ROOT / "data" / "sample"), "--set", "time_limit_s=20", "--ledger", url]
    assert main([*base, "--out", str(outs[0])]) == 0
    assert main([*base, "--set", "budget_scale=0.8", "--out", str(outs[1])]) == 0
    ids = [json.loads((o / "summary.json").read_text())["run_id"] for o in outs]
    return {"url": url, "outs": outs, "ids": ids, "root": root}


def test_plan_records_its_run_with_the_run_id_in_summary(sample_runs):
    with Ledger(sample_runs["url"]) as ledger:
        run = ledger.get_run(sample_runs["ids"][0])
    assert run.status == "optimal" and run.check_passed is True
    assert run.portfolio_name == "sample" and run.command.startswith("pmo-opt plan ")
    assert run.out_dir == str(sample_runs["outs"][0]) and "name: baseline" in run.scenario_yaml
    plan = pd.read_csv(sample_runs["outs"][0] / "plan.csv", dtype=str, keep_default_na=False)
    d = run.decisions.set_index("project_id")
    assert sorted(d.index) == sorted(plan["project_id"])
    chosen = plan[plan["selected"] == "1"].set_index("project_id")["start"]
    assert d.loc[d["selected"], "start"].sort_index().to_dict() == chosen.sort_index().to_dict()
    assert run.input_hashes == hash_inputs(ROOT / "data" / "sample")


def test_approve_then_history_of_p020(sample_runs, capsys):
    from pmo_opt.cli import main

    url, (first, second) = sample_runs["url"], sample_runs["ids"]
    folder = str(sample_runs["outs"][0])
    assert (
        main(["approve", folder, "--by", "Ada Lovelace", "--note", "Q1 board", "--ledger", url])
        == 0
    )
    assert f"approved run {first} as the plan of sample by Ada Lovelace" in capsys.readouterr().out
    out_csv = sample_runs["root"] / "history.csv"
    code = main(["history", "--project", "P020", "--ledger", url, "--out", str(out_csv)])
    text = capsys.readouterr().out
    assert code == 0
    lines = text.splitlines()
    assert any(first in line and " run " in line and "P020" in line for line in lines)
    assert any(second in line and " run " in line and "P020" in line for line in lines)
    approval = [line for line in lines if "approved run" in line]
    assert len(approval) == 1 and first in approval[0]
    assert "by Ada Lovelace: Q1 board" in approval[0] and " UTC " in approval[0]  # who, when
    table = pd.read_csv(out_csv, dtype=str)
    assert table["event"].tolist().count("run") == 2 and "approval" in table["event"].tolist()
    # approving the second run supersedes the first; history keeps both
    assert main(["approve", second, "--by", "Bob", "--ledger", url]) == 0
    assert "supersedes approval" in capsys.readouterr().out
    assert main(["history", "--ledger", url]) == 0
    text = capsys.readouterr().out
    assert "approved (superseded) run " + first in text and "approved run " + second in text


def test_diff_of_two_plan_runs(sample_runs, capsys):
    from pmo_opt.cli import main

    first, second = sample_runs["ids"]
    assert main(["diff", first, str(sample_runs["outs"][1]), "--ledger", sample_runs["url"]]) == 0
    text = capsys.readouterr().out
    assert f"from run {first} to run {second}" in text
    assert "leaving: " in text and "moving: " in text and "month(s)" in text
    assert "inputs changed:\n  scenario settings:" in text  # only budget_scale changed


def test_bad_ledger_requests_exit_2(sample_runs, capsys):
    from pmo_opt.cli import main

    url = sample_runs["url"]
    assert main(["approve", "20990101T000000-abcdef", "--by", "Ada", "--ledger", url]) == 2
    assert "ledger: no run 20990101T000000-abcdef" in capsys.readouterr().err
    assert main(["history", "--since", "yesterday", "--ledger", url]) == 2


def small_portfolio(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "projects.csv").write_text("project_id,duration,cost,benefit\nP1,2,100,10\n")
    (folder / "demand.csv").write_text("project_id,role,fte\nP1,dev,1\n")
    months = ("2027-01", "2027-02", "2027-03")
    (folder / "capacity.csv").write_text(
        "role,fte,month\n" + "".join(f"dev,2,{m}\n" for m in months)
    )
    return folder


@pytest.mark.parametrize("kind", ["missing folder", "corrupt file"])
def test_a_ledger_failure_keeps_the_plan_and_exits_1(tmp_path, kind):
    if kind == "missing folder":
        url = "sqlite:////proc/nope/ledger.sqlite"
    else:
        (tmp_path / "bad.sqlite").write_text("not a database\n" * 100)
        url = f"sqlite:///{tmp_path / 'bad.sqlite'}"
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "pmo_opt", "plan", str(small_portfolio(tmp_path / "pf"))]
        + ["--set", "time_limit_s=10", "--out", str(out), "--ledger", url],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1, done.stderr
    assert "ledger: the ledger sqlite:///" in done.stderr and "Traceback" not in done.stderr
    assert "--no-ledger" in done.stderr
    assert (out / "plan.csv").is_file() and (out / "summary.json").is_file()


def test_no_ledger_records_nothing(tmp_path, monkeypatch, capsys):
    from pmo_opt.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PMO_OPT_LEDGER")
    out = tmp_path / "out"
    pf = str(small_portfolio(tmp_path / "pf"))
    assert main(["plan", pf, "--set", "time_limit_s=10", "--out", str(out), "--no-ledger"]) == 0
    assert "run_id" not in json.loads((out / "summary.json").read_text())
    assert not (tmp_path / "ledger.sqlite").exists()
    # without --ledger and PMO_OPT_LEDGER: ledger.sqlite in the working folder
    assert main(["plan", pf, "--set", "time_limit_s=10", "--out", str(out)]) == 0
    assert (tmp_path / "ledger.sqlite").is_file()
    assert "recorded in sqlite:///ledger.sqlite" in capsys.readouterr().out


def test_a_plan_run_that_fails_is_recorded_as_failed(tmp_path):
    from pmo_opt.cli import main

    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    pf = str(small_portfolio(tmp_path / "pf"))
    assert main(["plan", pf, "--set", "force_in=[NOPE]", "--ledger", url]) == 2
    with Ledger(url) as ledger:
        history = ledger.history()
    assert history["status"].tolist() == ["failed"] and "NOPE" in history.loc[0, "note"]


# --------------------------------------------------------------------------------------------
# report runs


PLAN_NOTEBOOK = """
from pathlib import Path

from pmo_opt.inputs.load import load_portfolio
from pmo_opt.present.params import NotebookContext
from pmo_opt.inputs.scenario import load_scenario

ctx = NotebookContext(
    load_portfolio(portfolio), load_scenario(None, name=name), Path(output_dir), False,
    Path(portfolio),
)
plan = ctx.plan()
ctx.write_summary(plan)
"""


def _notebook(path: Path, code: str) -> Path:
    import nbformat

    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell(
        'portfolio = ""\noutput_dir = None\nname = "baseline"\ndescription = ""\n'
    )
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(code)]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)
    return path


def test_a_report_records_its_plan_and_a_failed_report_is_failed(tmp_path):
    from pmo_opt.present import reports

    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    pf = small_portfolio(tmp_path / "pf")
    good = _notebook(tmp_path / "01-plan.ipynb", PLAN_NOTEBOOK)
    bad = _notebook(tmp_path / "02-fail.ipynb", "raise ValueError('broken on purpose')")
    ok = reports.run_report(pf, out=tmp_path / "reports", notebooks=[good], ledger_url=url)
    failed = reports.run_report(pf, out=tmp_path / "reports", notebooks=[good, bad], ledger_url=url)
    assert ok.ok and ok.ledger_error is None and not failed.ok
    manifest = json.loads(ok.manifest.read_text())
    assert manifest["run_id"] == ok.run_id
    with Ledger(url) as ledger:
        run = ledger.get_run(ok.run_id)
        assert (run.status, run.check_passed, run.out_dir) == ("optimal", True, str(ok.folder))
        assert run.decisions["selected"].tolist() == [True] and run.command.startswith(
            "pmo-opt report"
        )
        assert ledger.approve(ok.folder, by="Ada").run_id == ok.run_id  # by its folder
        broken = ledger.get_run(failed.run_id)
    assert broken.status == "failed" and "broken on purpose" in broken.error
    assert json.loads(failed.manifest.read_text())["run_id"] == failed.run_id
    skipped = reports.run_report(pf, out=tmp_path / "reports", notebooks=[good], ledger_url=None)
    assert skipped.run_id is None and json.loads(skipped.manifest.read_text())["run_id"] is None


def test_a_report_whose_ledger_fails_keeps_its_folder(tmp_path, capsys):
    from pmo_opt.present import reports

    pf = small_portfolio(tmp_path / "pf")
    good = _notebook(tmp_path / "01-plan.ipynb", PLAN_NOTEBOOK)
    url = "sqlite:////proc/nope/ledger.sqlite"
    code = reports.run_reports(
        pf, [None], out=tmp_path / "reports", notebooks=[good], ledger_url=url
    )
    assert code == 1
    assert "ledger: the ledger sqlite:////proc/nope/ledger.sqlite cannot be opened" in (
        capsys.readouterr().err
    )
    (folder,) = (tmp_path / "reports").iterdir()
    assert (folder / "manifest.json").is_file() and not folder.name.endswith("FAILED")


@pytest.mark.slow
def test_replan_against_the_approved_plan_through_the_ledger(tmp_path, capsys):
    """The cycle from the command line: plan, approve, then next quarter's folder re-plans
    against ``baseline=approved``; the plan it was measured against sits beside it."""
    from pmo_opt.cli import main

    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    q1, q2 = tmp_path / "q1", tmp_path / "q2"
    quick = ["--set", "time_limit_s=20", "--ledger", url]
    assert main(["plan", str(ROOT / "data" / "sample"), *quick, "--out", str(q1)]) == 0
    assert main(["approve", str(q1), "--by", "Portfolio board", "--ledger", url]) == 0
    replan = ["--set", "baseline=approved", "--set", "as_of=2027-04"]
    replan += ["--set", "change_penalty=20", "--set", "move_penalty=2"]
    code = main(["plan", str(ROOT / "data" / "sample-2027-04"), *replan, *quick, "--out", str(q2)])
    assert code == 0
    approved = pd.read_csv(q1 / "plan.csv", dtype=str, keep_default_na=False)
    baseline = pd.read_csv(q2 / "baseline.csv", dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(approved, baseline)
    facts = json.loads((q2 / "summary.json").read_text())["replan"]
    assert facts["as_of"] == "2027-04" and facts["changes"] >= 1
    assert "P010" in facts["gone"]  # cancelled in the new quarter's data
    assert "selection changes" in capsys.readouterr().out
    # without the ledger, the words cannot be resolved: a clear input error, exit 2
    code = main(["plan", str(ROOT / "data" / "sample-2027-04"), *replan, "--no-ledger"])
    assert code == 2
    assert "--no-ledger" in capsys.readouterr().err
