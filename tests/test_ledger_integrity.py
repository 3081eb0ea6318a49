"""A tamper-evident ledger bound to the files it approves (issue 26, items 2 and 3)."""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from test_ledger import pg_cluster, record  # noqa: F401 - the PostgreSQL fixture, reused

from pmo_opt.cli import main
from pmo_opt.ledger import Ledger
from pmo_opt.ledger.chain import KEY_ENV
from pmo_opt.ledger.schema import MIGRATIONS, metadata, schema_version

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def planned(tmp_path_factory):
    """A real ``pmo-opt plan`` run of the sample, recorded and approved, and a second run."""
    root = tmp_path_factory.mktemp("integrity")
    url = f"sqlite:///{root / 'ledger.sqlite'}"
    base = ["plan", str(ROOT / "data" / "sample"), "--set", "time_limit_s=10", "--ledger", url]
    assert main([*base, "--out", str(root / "q1")]) == 0
    assert main([*base, "--set", "budget_scale=0.8", "--out", str(root / "q1-cut")]) == 0
    assert main(["approve", str(root / "q1"), "--by", "Ada", "--ledger", url]) == 0
    return root, url


def _copy(planned, tmp_path: Path) -> tuple[Path, str]:
    root, _ = planned
    db = tmp_path / "ledger.sqlite"
    shutil.copy(root / "ledger.sqlite", db)
    return db, f"sqlite:///{db}"


def test_an_edited_folder_is_refused_naming_the_file(planned, tmp_path: Path, capsys):
    root, url = planned
    copy = tmp_path / "q1edit"
    shutil.copytree(root / "q1", copy)
    capsys.readouterr()
    assert main(["diff", str(root / "q1"), str(copy), "--ledger", url]) == 0  # an intact copy
    assert "the same projects at the same starts" in capsys.readouterr().out
    plan = (copy / "plan.csv").read_text(encoding="utf-8").splitlines()
    plan[1] = plan[1].replace(",1,", ",0,", 1) if ",1," in plan[1] else plan[1] + " "
    (copy / "plan.csv").write_text("\n".join(plan) + "\n", encoding="utf-8")
    assert main(["approve", str(copy), "--by", "Mallory", "--ledger", url]) == 2
    err = capsys.readouterr().err
    assert "plan.csv was edited after the run" in err and "Traceback" not in err
    assert main(["diff", str(root / "q1"), str(copy), "--ledger", url]) == 2
    assert "plan.csv was edited after the run" in capsys.readouterr().err
    summary = json.loads((root / "q1" / "summary.json").read_text())
    (copy / "plan.csv").write_bytes((root / "q1" / "plan.csv").read_bytes())
    (copy / "summary.json").write_text(json.dumps({**summary, "objective": 1e9}))
    assert main(["approve", str(copy), "--by", "Mallory", "--ledger", url]) == 2
    assert "summary.json was edited after the run" in capsys.readouterr().err


def test_verify_an_intact_ledger(planned, tmp_path: Path, capsys):
    _, url = _copy(planned, tmp_path)
    assert main(["ledger", "verify", "--ledger", url]) == 0
    assert "4 chained record(s) intact" in capsys.readouterr().out  # genesis, 2 runs, approval


@pytest.mark.parametrize(
    ("sql", "named"),
    [
        ("UPDATE approvals SET approved_by = 'Mallory'", "approval 1"),
        ("UPDATE runs SET objective = objective + 1 WHERE rowid = 1", "run "),
        ("UPDATE runs SET check_passed = 0 WHERE rowid = 2", "run "),
        ("UPDATE decisions SET selected = 1 - selected WHERE rowid = 3", "run "),
        ("UPDATE runs SET input_hashes = '{}' WHERE rowid = 1", "run "),
        ("UPDATE run_files SET sha256 = 'x' WHERE rowid = 1", "run "),
        ("DELETE FROM approvals", "approval 1"),
        ("DELETE FROM chain WHERE seq = 2", "chain record 2 is missing"),
    ],
)
def test_edits_with_an_sqlite_tool_are_named(planned, tmp_path: Path, capsys, sql, named):
    db, url = _copy(planned, tmp_path)
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute(sql)
    assert main(["ledger", "verify", "--ledger", url]) == 1
    err = capsys.readouterr().err
    assert "BROKEN" in err and named in err
    root, _ = planned
    assert main(["approve", str(root / "q1-cut"), "--by", "Bob", "--ledger", url]) == 1
    assert "refused: the ledger" in capsys.readouterr().err
    assert main(["history", "--ledger", url]) == 0
    assert "WARNING: the ledger was changed outside pmo-opt" in capsys.readouterr().err


def test_random_edits_to_a_real_ledger_are_always_detected(planned, tmp_path: Path):
    """Fuzz: one random cell of a random record changed, 60 times; verify always names it."""
    rng = random.Random(26)
    root, _ = planned
    for i in range(60):
        db = tmp_path / f"ledger{i}.sqlite"
        shutil.copy(root / "ledger.sqlite", db)
        with sqlite3.connect(db) as conn:
            conn.execute("PRAGMA foreign_keys = OFF")
            table = rng.choice(["runs", "decisions", "approvals", "run_files"])
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            column = rng.choice(columns)
            rowid = rng.choice([r[0] for r in conn.execute(f"SELECT rowid FROM {table}")])
            (old,) = conn.execute(
                f"SELECT {column} FROM {table} WHERE rowid = ?", (rowid,)
            ).fetchone()
            new = _other(old, rng)
            conn.execute(f"UPDATE {table} SET {column} = ? WHERE rowid = ?", (new, rowid))
        with Ledger(f"sqlite:///{db}") as ledger:
            verdict = ledger.verify()
        assert verdict.broken is not None, (table, column, old, new)


def _other(value, rng: random.Random):
    if isinstance(value, bool) or value in (0, 1):
        return 1 - int(value or 0)
    if isinstance(value, int | float):
        return value + rng.choice([-1, 0.5, 1e-9 * (abs(value) or 1)])
    if value is None:
        return "x"
    return str(value) + rng.choice(["x", " ", "0"])


def test_with_a_key_a_recomputed_chain_is_still_detected(tmp_path: Path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'keyed.sqlite'}"
    monkeypatch.setenv(KEY_ENV, "board secret")
    with Ledger(url) as ledger:
        ledger.record_run(r := record())
        ledger.approve(r.run_id, by="Ada")
        assert ledger.verify().broken is None and ledger.verify().keyed
    # a forger without the key edits the approval and recomputes every digest unkeyed
    monkeypatch.delenv(KEY_ENV)
    with sqlite3.connect(tmp_path / "keyed.sqlite") as conn:
        conn.execute("UPDATE approvals SET approved_by = 'Mallory'")
        conn.execute("UPDATE chain SET keyed = 0")
    from pmo_opt.ledger.chain import _digest, content

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        previous = ""
        for row in conn.execute(sa.text("SELECT seq, kind, ref FROM chain ORDER BY seq")).all():
            digest = _digest(previous, content(conn, row.kind, row.ref), None)
            conn.execute(
                sa.text("UPDATE chain SET digest = :d WHERE seq = :s"), {"d": digest, "s": row.seq}
            )
            previous = digest
    engine.dispose()
    with Ledger(url) as ledger:  # without the key, it looks intact ...
        assert ledger.verify().broken is None
    monkeypatch.setenv(KEY_ENV, "board secret")
    with Ledger(url) as ledger:  # ... with the key, the unkeyed records are named
        assert "chain record 1 (genesis) is not keyed" in ledger.verify().broken


def test_an_old_ledger_is_chained_from_the_migration_on(tmp_path: Path, capsys):
    url = f"sqlite:///{tmp_path / 'v2.sqlite'}"
    engine = sa.create_engine(url)
    old = record()
    with engine.begin() as conn:  # a ledger as version 2 left it, with one run
        schema_version.create(conn)
        for version, note, step in MIGRATIONS[:2]:
            step(conn)
            conn.execute(schema_version.insert().values(version=version, applied_at="t", note=note))
        conn.execute(
            metadata.tables["runs"]
            .insert()
            .values(
                run_id=old.run_id,
                started_at=old.started_at,
                finished_at=old.finished_at,
                portfolio_name="sample",
                status="optimal",
                check_passed=True,
            )
        )
    engine.dispose()
    with Ledger(url) as ledger:
        ledger.record_run(record())
    assert main(["ledger", "verify", "--ledger", url]) == 0
    out = capsys.readouterr().out
    assert "2 chained record(s) intact" in out and "1 record(s) from before the chain" in out
    with sqlite3.connect(tmp_path / "v2.sqlite") as conn:
        conn.execute(
            "INSERT INTO approvals (portfolio_name, run_id, approved_by, approved_at, note)"
            f" VALUES ('sample', '{old.run_id}', 'Mallory', 't', '')"
        )
    assert main(["ledger", "verify", "--ledger", url]) == 1
    assert "approval 1 is not in the chain" in capsys.readouterr().err


def test_postgresql_chains_and_verifies_the_same(pg_cluster):  # noqa: F811
    name = pg_cluster.create_database()
    url = pg_cluster.url(name)
    try:
        with Ledger(url) as ledger:
            ledger.record_run(r := record())
            ledger.approve(r.run_id, by="Ada")
            assert ledger.verify().broken is None and ledger.verify().chained == 3
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE decisions SET value = value + 1 WHERE project_id = 'P2'"))
        engine.dispose()
        with Ledger(url) as ledger:
            assert f"run {r.run_id}" in ledger.verify().broken
    finally:
        pg_cluster.drop_database(name)
