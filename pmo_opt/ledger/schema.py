"""The ledger's tables (SQLAlchemy Core) and their migrations.

The schema is versioned by a small ordered list of migrations, :data:`MIGRATIONS`; the table
``schema_version`` keeps one row per migration applied (``version``, ``applied_at``, ``note``).
Opening a ledger applies the missing ones in one transaction (:func:`migrate`); a ledger that
a newer pmo-opt wrote (a version this code does not know) is refused, never changed.

Tables
------
``runs``
    One row per ``plan`` or ``report`` run (see :class:`pmo_opt.ledger.record.RunRecord`);
    ``input_hashes`` and ``solver_versions`` are JSON text.
``decisions``
    One row per project and run: ``selected``, ``start``, ``finish``, ``value``, ``reason``.
``approvals``
    One row per approval; the newest approval of a portfolio is its approved plan, and each
    approval names the one it ``supersedes``.
``run_files``
    The sha256 of each file a run wrote that an approval is bound to (``plan.csv``,
    ``summary.json``, the report pages; see :mod:`pmo_opt.ledger.outputs`).
``chain``
    The hash chain over runs (with their decisions and files) and approvals, one row per record
    in the order written (see :mod:`pmo_opt.ledger.chain`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

metadata = sa.MetaData()

schema_version = sa.Table(
    "schema_version",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("applied_at", sa.String(32), nullable=False),
    sa.Column("note", sa.Text, nullable=False, default=""),
)

runs = sa.Table(
    "runs",
    metadata,
    sa.Column("run_id", sa.String(64), primary_key=True),
    sa.Column("started_at", sa.String(32), nullable=False),
    sa.Column("finished_at", sa.String(32), nullable=False),
    sa.Column("command", sa.Text, nullable=False, default=""),
    sa.Column("user_name", sa.String(200), nullable=False, default=""),
    sa.Column("portfolio_name", sa.String(200), nullable=False),
    sa.Column("portfolio_path", sa.Text, nullable=False, default=""),
    sa.Column("scenario_name", sa.String(200), nullable=False, default=""),
    sa.Column("scenario_yaml", sa.Text, nullable=False, default=""),
    sa.Column("input_hashes", sa.Text, nullable=False, default="{}"),
    sa.Column("package_version", sa.String(64), nullable=False, default=""),
    sa.Column("solver_versions", sa.Text, nullable=False, default="{}"),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("objective", sa.Float, nullable=True),
    sa.Column("bound", sa.Float, nullable=True),
    sa.Column("gap", sa.Float, nullable=True),
    sa.Column("check_passed", sa.Boolean, nullable=True),
    sa.Column("out_dir", sa.Text, nullable=True),
    sa.Column("error", sa.Text, nullable=True),
    sa.Index("ix_runs_portfolio", "portfolio_name", "started_at"),
)

decisions = sa.Table(
    "decisions",
    metadata,
    sa.Column(
        "run_id", sa.String(64), sa.ForeignKey("runs.run_id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("project_id", sa.String(200), primary_key=True),
    sa.Column("name", sa.Text, nullable=False, default=""),
    sa.Column("selected", sa.Boolean, nullable=False),
    sa.Column("start", sa.String(7), nullable=True),
    sa.Column("finish", sa.String(7), nullable=True),
    sa.Column("value", sa.Float, nullable=True),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Index("ix_decisions_project", "project_id"),
)

approvals = sa.Table(
    "approvals",
    metadata,
    sa.Column("approval_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("portfolio_name", sa.String(200), nullable=False),
    sa.Column("run_id", sa.String(64), sa.ForeignKey("runs.run_id"), nullable=False),
    sa.Column("approved_by", sa.String(200), nullable=False),
    sa.Column("approved_at", sa.String(32), nullable=False),
    sa.Column("note", sa.Text, nullable=False, default=""),
    sa.Column("supersedes", sa.Integer, nullable=True),
    sa.Index("ix_approvals_portfolio", "portfolio_name", "approval_id"),
)


run_files = sa.Table(
    "run_files",
    metadata,
    sa.Column(
        "run_id", sa.String(64), sa.ForeignKey("runs.run_id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("path", sa.String(400), primary_key=True),
    sa.Column("sha256", sa.String(64), nullable=False),
)

chain = sa.Table(
    "chain",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("ref", sa.String(64), nullable=False),
    sa.Column("keyed", sa.Boolean, nullable=False),
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("recorded_at", sa.String(32), nullable=False),
)


def _create(*tables: sa.Table) -> Callable[[Connection], None]:
    def step(conn: Connection) -> None:
        for table in tables:
            table.create(conn, checkfirst=True)

    return step


#: (version, what it does, the step); append only, never edit a released step
MIGRATIONS: tuple[tuple[int, str, Callable[[Connection], None]], ...] = (
    (1, "runs and their per-project decisions", _create(runs, decisions)),
    (2, "approvals", _create(approvals)),
    (3, "files a run wrote, and a hash chain over every record", _create(run_files, chain)),
)
#: the schema version this code writes
SCHEMA_VERSION = MIGRATIONS[-1][0]


def current_version(conn: Connection) -> int:
    """The schema version of the database behind ``conn`` (0 for an empty database)."""
    if not sa.inspect(conn).has_table(schema_version.name):
        return 0
    found = conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar()
    return int(found or 0)


def migrate(conn: Connection) -> list[int]:
    """Apply the missing migrations inside the caller's transaction; the versions applied.

    The caller holds the write lock (SQLite ``BEGIN IMMEDIATE``, a PostgreSQL advisory lock),
    so two processes opening a new ledger at once migrate it once.
    """
    schema_version.create(conn, checkfirst=True)
    have = current_version(conn)
    applied = []
    for version, note, step in MIGRATIONS:
        if version <= have:
            continue
        step(conn)
        conn.execute(
            schema_version.insert().values(
                version=version,
                applied_at=datetime.now(UTC).isoformat(timespec="seconds"),
                note=note,
            )
        )
        applied.append(version)
    return applied
