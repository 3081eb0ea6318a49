"""``Ledger``: record runs, read them back, approve a run's plan.

>>> ledger = Ledger("sqlite:///ledger.sqlite")          # doctest: +SKIP
>>> run_id = ledger.record_run(record)                   # doctest: +SKIP
>>> ledger.approve(run_id, by="Board", note="Q1 plan")   # doctest: +SKIP
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa

from pmo_opt.errors import LedgerError
from pmo_opt.ledger import chain as ledger_chain
from pmo_opt.ledger import history as history_queries
from pmo_opt.ledger.connection import (
    create_ledger_engine,
    ledger_url,
    masked,
    timeout_s,
    transaction,
)
from pmo_opt.ledger.connection import translated as _translated
from pmo_opt.ledger.outputs import edited_files, output_hashes
from pmo_opt.ledger.record import PLAN_STATUSES, RunRecord, utc_now
from pmo_opt.ledger.schema import (
    SCHEMA_VERSION,
    approvals,
    current_version,
    decisions,
    migrate,
    run_files,
    runs,
)

#: files in an output folder that carry a run id
RUN_ID_FILES = ("manifest.json", "summary.json")


@dataclass(frozen=True)
class Approval:
    """One approval: ``run_id``'s plan became ``portfolio_name``'s approved plan.

    ``supersedes`` is the approval id it replaced (``None`` for the first one).
    """

    approval_id: int
    portfolio_name: str
    run_id: str
    approved_by: str
    approved_at: str
    note: str
    supersedes: int | None = None
    #: True when the run already was the approved plan (nothing new was recorded)
    already: bool = False


class Ledger:
    """The decision ledger behind a database URL.

    Parameters
    ----------
    url
        A SQLAlchemy URL (``sqlite:///ledger.sqlite``, ``postgresql+psycopg://user@host/db``);
        ``None``: :func:`~pmo_opt.ledger.connection.ledger_url` decides.
    wait_s
        Seconds to wait for a ledger that another process holds locked (default
        ``$PMO_OPT_LEDGER_TIMEOUT`` or 30).

    Raises
    ------
    LedgerError
        The ledger cannot be opened (unreachable, corrupt, locked, read-only and in need of a
        migration) or a newer pmo-opt wrote it.
    """

    def __init__(self, url: str | None = None, wait_s: float | None = None):
        self.url = ledger_url(url)
        self.wait_s = timeout_s(wait_s)
        self.engine = create_ledger_engine(self.url, self.wait_s)
        try:
            self._open()
        except BaseException:
            self.engine.dispose()
            raise

    def __repr__(self) -> str:
        return f"Ledger({masked(self.url)!r})"

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the connections."""
        self.engine.dispose()

    def _guard(self, action: str, run_id: str = ""):
        return _translated(self.url, action, self.wait_s, run_id)

    def _open(self) -> None:
        with self._guard("opening it"):
            with transaction(self.engine, write=False) as conn:
                version = current_version(conn)
            self._refuse_newer(version)
            if version < SCHEMA_VERSION:
                with transaction(self.engine, write=True) as conn:
                    self._refuse_newer(current_version(conn))
                    migrate(conn)
                    ledger_chain.ensure_genesis(conn, utc_now())

    def _refuse_newer(self, version: int) -> None:
        if version > SCHEMA_VERSION:
            raise LedgerError(
                f"this ledger was written by a newer pmo-opt (schema {version}, this version "
                f"knows {SCHEMA_VERSION}): upgrade pmo-opt (ledger {masked(self.url)})",
                url=masked(self.url),
            )

    @property
    def schema_version(self) -> int:
        """The schema version of the database (after opening: the code's)."""
        with self._guard("reading its schema version"), transaction(self.engine, False) as conn:
            return current_version(conn)

    # ----------------------------------------------------------------------------------------
    # runs

    def record_run(self, record: RunRecord) -> str:
        """Write ``record`` (its run row and one row per project decision) in one transaction.

        Returns
        -------
        str
            The run id.
        """
        row = {
            "run_id": record.run_id,
            "started_at": record.started_at,
            "finished_at": record.finished_at,
            "command": record.command,
            "user_name": record.user,
            "portfolio_name": record.portfolio_name,
            "portfolio_path": record.portfolio_path,
            "scenario_name": record.scenario_name,
            "scenario_yaml": record.scenario_yaml,
            "input_hashes": json.dumps(record.input_hashes, sort_keys=True),
            "package_version": record.package_version,
            "solver_versions": json.dumps(record.solver_versions, sort_keys=True),
            "status": record.status,
            "objective": _num(record.objective),
            "bound": _num(record.bound),
            "gap": _num(record.gap),
            "check_passed": record.check_passed,
            "out_dir": record.out_dir,
            "error": record.error,
        }
        rows = [
            {
                "run_id": record.run_id,
                "project_id": str(d["project_id"]),
                "name": "" if _missing(d.get("name")) else str(d["name"]),
                "selected": bool(d["selected"]),
                "start": None if _missing(d.get("start")) else str(d["start"]),
                "finish": None if _missing(d.get("finish")) else str(d["finish"]),
                "value": _num(d.get("value")),
                "reason": None if _missing(d.get("reason")) else str(d["reason"]),
            }
            for d in record.decisions.to_dict(orient="records")
        ]
        action = f"recording run {record.run_id}"
        with self._guard(action, record.run_id):
            with transaction(self.engine, write=True) as conn:
                found = conn.execute(sa.select(runs.c.run_id).where(runs.c.run_id == row["run_id"]))
                if found.first() is not None:
                    raise LedgerError(
                        f"run {record.run_id} is already in the ledger {masked(self.url)}: "
                        "a run is recorded once; make a new run id (new_run_id())",
                        url=masked(self.url),
                        run_id=record.run_id,
                        input_error=True,
                    )
                conn.execute(runs.insert(), [row])
                if rows:
                    conn.execute(decisions.insert(), rows)
                files = output_hashes(record.out_dir)
                if files:
                    conn.execute(
                        run_files.insert(),
                        [
                            {"run_id": record.run_id, "path": f, "sha256": h}
                            for f, h in files.items()
                        ],
                    )
                ledger_chain.append(conn, "run", record.run_id, utc_now())
        return record.run_id

    def get_run(self, run_id: str) -> RunRecord:
        """The recorded run ``run_id``; a LedgerError when there is none."""
        with self._guard(f"reading run {run_id}", run_id):
            with transaction(self.engine, write=False) as conn:
                row = (
                    conn.execute(sa.select(runs).where(runs.c.run_id == run_id)).mappings().first()
                )
                if row is None:
                    raise self._no_run(run_id)
                rows = conn.execute(
                    sa.select(decisions)
                    .where(decisions.c.run_id == run_id)
                    .order_by(decisions.c.project_id)
                ).mappings()
                table = pd.DataFrame([dict(r) for r in rows])
        return _record(row, table)

    def _no_run(self, run_id: str) -> LedgerError:
        return LedgerError(
            f"no run {run_id} in the ledger {masked(self.url)}: `pmo-opt history` lists the "
            "recorded runs (is --ledger / PMO_OPT_LEDGER the ledger the run was recorded in?)",
            url=masked(self.url),
            run_id=run_id,
            input_error=True,
        )

    # ----------------------------------------------------------------------------------------
    # approval

    def resolve_run(self, run_ref: str | Path) -> str:
        """A run id from ``run_ref``: a run id, or a report / plan output folder whose
        ``manifest.json`` or ``summary.json`` carries ``run_id``."""
        path = Path(run_ref).expanduser()
        if not path.is_dir():
            return str(run_ref)
        for name in RUN_ID_FILES:
            target = path / name
            if not target.is_file():
                continue
            try:
                found = json.loads(target.read_text(encoding="utf-8")).get("run_id")
            except (OSError, ValueError, AttributeError):
                found = None
            if found:
                return str(found)
        raise LedgerError(
            f"{path} has no run id: neither {' nor '.join(RUN_ID_FILES)} there carries "
            "`run_id` (was it written with --no-ledger, or by an older pmo-opt?); approve by "
            "run id instead (`pmo-opt history` lists them)",
            url=masked(self.url),
            input_error=True,
        )

    def approve(self, run_ref: str | Path, by: str, note: str = "") -> Approval:
        """Make the plan of ``run_ref`` the approved plan of its portfolio.

        Only a recorded run with a plan (status optimal or feasible) that passed ``check_plan``
        can be approved. An earlier approval of the same portfolio is superseded, not deleted.

        Parameters
        ----------
        run_ref
            A run id, or a report / plan output folder (see :meth:`resolve_run`).
        by
            Who approves (a name; required).
        note
            Why, in a few words (a board decision, a ticket).
        """
        run_id = self.resolve_run(run_ref)
        self.refuse_broken(f"approving run {run_id}")
        self.refuse_edited(run_ref, run_id)
        if not str(by).strip():
            raise LedgerError(
                f"approving run {run_id} needs the approver's name: --by NAME",
                run_id=run_id,
                input_error=True,
            )
        run = self.get_run(run_id)
        if run.status not in PLAN_STATUSES:
            detail = f": {run.error}" if run.error else ""
            raise LedgerError(
                f"run {run_id} cannot be approved: its status is {run.status}{detail}; only a "
                "run with a plan (optimal or feasible) can be; approve another run",
                url=masked(self.url),
                run_id=run_id,
                input_error=True,
            )
        if run.check_passed is not True:
            said = "was not checked" if run.check_passed is None else "failed check_plan"
            raise LedgerError(
                f"run {run_id} cannot be approved: its plan {said}; re-run `pmo-opt plan` and "
                "approve a plan that passes every rule",
                url=masked(self.url),
                run_id=run_id,
                input_error=True,
            )
        with self._guard(f"approving run {run_id}", run_id):
            with transaction(self.engine, write=True) as conn:
                current = (
                    conn.execute(
                        sa.select(approvals)
                        .where(approvals.c.portfolio_name == run.portfolio_name)
                        .order_by(approvals.c.approval_id.desc())
                        .limit(1)
                    )
                    .mappings()
                    .first()
                )
                if current is not None and current["run_id"] == run_id:
                    # approving the approved plan again would add a duplicate approval
                    return Approval(**dict(current), already=True)
                previous = current["approval_id"] if current is not None else None
                values = {
                    "portfolio_name": run.portfolio_name,
                    "run_id": run_id,
                    "approved_by": str(by).strip(),
                    "approved_at": utc_now(),
                    "note": note or "",
                    "supersedes": previous,
                }
                new_id = conn.execute(approvals.insert().values(**values)).inserted_primary_key[0]
                ledger_chain.append(conn, "approval", str(new_id), utc_now())
        return Approval(approval_id=int(new_id), **values)

    def approval(self, portfolio_name: str) -> Approval | None:
        """The current approval of ``portfolio_name`` (the newest), or ``None``."""
        with self._guard(f"reading the approval of {portfolio_name}"):
            with transaction(self.engine, write=False) as conn:
                row = (
                    conn.execute(
                        sa.select(approvals)
                        .where(approvals.c.portfolio_name == portfolio_name)
                        .order_by(approvals.c.approval_id.desc())
                        .limit(1)
                    )
                    .mappings()
                    .first()
                )
        return Approval(**dict(row)) if row is not None else None

    def approved_run(self, portfolio_name: str) -> RunRecord | None:
        """The run whose plan is ``portfolio_name``'s approved plan, or ``None``."""
        current = self.approval(portfolio_name)
        return self.get_run(current.run_id) if current is not None else None

    def approved_plan(self, portfolio_name: str) -> pd.DataFrame:
        """The approved plan of ``portfolio_name`` as ``plan.csv`` has it: ``project_id``,
        ``selected`` (bool), ``start``, ``finish``; a LedgerError when none is approved."""
        run = self.approved_run(portfolio_name)
        if run is None:
            raise LedgerError(
                f"portfolio {portfolio_name!r} has no approved plan in the ledger "
                f"{masked(self.url)}: approve one with `pmo-opt approve RUN_ID --by NAME` "
                "(`pmo-opt history` lists the runs)",
                url=masked(self.url),
                input_error=True,
            )
        table = run.decisions[["project_id", "selected", "start", "finish"]].copy()
        table["selected"] = table["selected"].astype(bool)
        return table.reset_index(drop=True)

    # ----------------------------------------------------------------------------------------
    # questions over several runs

    def history(self, project: str | None = None, since: str | date | None = None) -> pd.DataFrame:
        """What was decided, when, on which data, and which plans were approved.

        See :func:`pmo_opt.ledger.history.history` for the columns.
        """
        with self._guard("reading its history"), transaction(self.engine, False) as conn:
            return history_queries.history(conn, project=project, since=since)

    def diff(self, run_a: str | Path, run_b: str | Path) -> history_queries.RunDiff:
        """Projects entering, leaving and moving from ``run_a``'s plan to ``run_b``'s, and the
        inputs that changed (see :class:`pmo_opt.ledger.history.RunDiff`).

        A folder is compared by the plan it holds: one whose files were edited after its run
        is refused (see :meth:`refuse_edited`), so the recorded plan is the folder's plan.
        """
        ids = []
        for ref in (run_a, run_b):
            run_id = self.resolve_run(ref)
            self.refuse_edited(ref, run_id)
            ids.append(run_id)
        return history_queries.diff_runs(self.get_run(ids[0]), self.get_run(ids[1]))

    # ----------------------------------------------------------------------------------------
    # integrity

    def verify(self) -> ledger_chain.Verdict:
        """Check the hash chain over every record (see :mod:`pmo_opt.ledger.chain`)."""
        with self._guard("verifying it"), transaction(self.engine, False) as conn:
            return ledger_chain.verify_chain(conn)

    def refuse_broken(self, action: str) -> None:
        """A LedgerError naming the first record that does not match, when the chain is broken."""
        verdict = self.verify()
        if verdict.broken is not None:
            raise LedgerError(
                f"{action} refused: the ledger {masked(self.url)} was changed outside pmo-opt: "
                f"{verdict.broken}; `pmo-opt ledger verify` checks it, restore it from a backup",
                url=masked(self.url),
            )

    def run_files(self, run_id: str) -> dict[str, str]:
        """File name -> sha256 of the files run ``run_id`` wrote (empty for older runs)."""
        with self._guard(f"reading the files of run {run_id}", run_id):
            with transaction(self.engine, write=False) as conn:
                rows = conn.execute(sa.select(run_files).where(run_files.c.run_id == run_id))
                return {r.path: r.sha256 for r in rows}

    def refuse_edited(self, run_ref: str | Path, run_id: str) -> None:
        """A LedgerError naming the file when folder ``run_ref`` no longer holds what run
        ``run_id`` wrote (nothing to check for a run id, or a run recorded before this check)."""
        folder = Path(run_ref).expanduser()
        if not folder.is_dir():
            return
        edited = edited_files(folder, self.run_files(run_id))
        if edited:
            raise LedgerError(
                f"{folder} is not what run {run_id} wrote: {'; '.join(edited)}; use the "
                "folder the run wrote (or run `pmo-opt plan` again), or name the run by its id",
                url=masked(self.url),
                run_id=run_id,
                input_error=True,
            )


def _missing(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _num(x: Any) -> float | None:
    try:
        value = float(x)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _record(row: Any, table: pd.DataFrame) -> RunRecord:
    columns = ["project_id", "name", "selected", "start", "finish", "value", "reason"]
    if table.empty:
        table = pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    table = table[columns].reset_index(drop=True)
    table["selected"] = table["selected"].astype(bool)
    table["value"] = pd.to_numeric(table["value"], errors="coerce").astype(float)
    for column in ("start", "finish", "reason"):
        table[column] = table[column].astype(object).where(table[column].notna(), None)
    return RunRecord(
        run_id=row["run_id"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        command=row["command"],
        user=row["user_name"],
        portfolio_name=row["portfolio_name"],
        portfolio_path=row["portfolio_path"],
        scenario_name=row["scenario_name"],
        scenario_yaml=row["scenario_yaml"],
        input_hashes=json.loads(row["input_hashes"] or "{}"),
        package_version=row["package_version"],
        solver_versions=json.loads(row["solver_versions"] or "{}"),
        status=row["status"],
        objective=row["objective"],
        bound=row["bound"],
        gap=row["gap"],
        check_passed=None if row["check_passed"] is None else bool(row["check_passed"]),
        decisions=table,
        out_dir=row["out_dir"],
        error=row["error"],
    )
