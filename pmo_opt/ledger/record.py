"""``RunRecord``: what the ledger keeps of one ``plan`` or ``report`` run, and how to make one.

A record is built in the process that ran (the command line or the report runner) and handed
to :meth:`pmo_opt.ledger.Ledger.record_run`, which writes it in one transaction.
"""

from __future__ import annotations

import getpass
import os
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from pmo_opt.engine.check import check_plan
from pmo_opt.engine.plan import Plan
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import Scenario
from pmo_opt.paths import sha256

#: the columns of :attr:`RunRecord.decisions`, in order
DECISION_COLUMNS = ("project_id", "name", "selected", "start", "finish", "value", "reason")
#: the statuses a run can have: a plan's status, or ``failed`` when the run broke
RUN_STATUSES = ("optimal", "feasible", "infeasible", "unbounded", "no_solution", "failed")
#: statuses that carry a plan (only these can be approved)
PLAN_STATUSES = ("optimal", "feasible")
_SOLVER_PACKAGES = ("pulp", "highspy", "ortools")


def empty_decisions() -> pd.DataFrame:
    """A decisions table with no rows and the columns of :data:`DECISION_COLUMNS`."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in DECISION_COLUMNS})


@dataclass(frozen=True)
class RunRecord:
    """One run as the ledger keeps it.

    Attributes
    ----------
    run_id : sortable id, see :func:`new_run_id`.
    started_at, finished_at : UTC times, ISO 8601 (seconds).
    command : the command that ran, e.g. ``pmo-opt plan data/sample --out out``.
    user : who ran it (the login name).
    portfolio_name : the portfolio's name (:func:`portfolio_name`); approvals are per name.
    portfolio_path : the portfolio folder or workbook, as given.
    scenario_name, scenario_yaml : the scenario's name and its resolved settings as YAML text.
    input_hashes : file name -> sha256 of every input file (:func:`hash_inputs`).
    package_version, solver_versions : pmo-opt's version; solver package -> version.
    status : a plan status (``optimal``, ``feasible``, ``infeasible``, ``unbounded``,
        ``no_solution``) or ``failed``.
    objective, bound, gap : the solver's facts (``None`` when unknown).
    check_passed : whether ``check_plan`` found no violation (``None``: not checked, no plan).
    decisions : one row per project: ``project_id``, ``name``, ``selected`` (bool), ``start``,
        ``finish`` (``YYYY-MM`` or ``None``), ``value``, ``reason`` (why a project is out, when
        one was computed).
    out_dir : the folder the run wrote (``None`` when it wrote none).
    error : what went wrong, for a failed run.
    """

    run_id: str
    started_at: str
    finished_at: str
    command: str
    user: str
    portfolio_name: str
    portfolio_path: str
    scenario_name: str
    scenario_yaml: str
    input_hashes: dict[str, str] = field(default_factory=dict)
    package_version: str = ""
    solver_versions: dict[str, str | None] = field(default_factory=dict)
    status: str = "failed"
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    check_passed: bool | None = None
    decisions: pd.DataFrame = field(default_factory=empty_decisions)
    out_dir: str | None = None
    error: str | None = None

    @property
    def has_plan(self) -> bool:
        """True when the run produced a plan (status ``optimal`` or ``feasible``)."""
        return self.status in PLAN_STATUSES


def utc_now() -> str:
    """The current UTC time, ISO 8601 to the second (``2026-11-29T12:05:01+00:00``)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def new_run_id(when: datetime | None = None) -> str:
    """A new run id that sorts by time: UTC ``YYYYMMDDTHHMMSS`` and 6 random hex digits.

    Examples
    --------
    >>> len(new_run_id())
    22
    """
    moment = (when or datetime.now(UTC)).astimezone(UTC)
    return f"{moment:%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"


def hash_inputs(portfolio_path: str | Path, scenario_path: str | Path | None = None) -> dict:
    """File name -> sha256 of each CSV file of a portfolio folder (or of the workbook).

    Parameters
    ----------
    portfolio_path
        A folder of CSV files or an .xlsx workbook.
    scenario_path
        The scenario YAML file, when there is one; it is hashed as ``scenario:<name>``.

    Returns
    -------
    dict
        ``{"projects.csv": "ab12...", ...}`` (for a workbook: its file name).
    """
    path = Path(portfolio_path)
    files = sorted(path.glob("*.csv")) if path.is_dir() else [path]
    out = {f.name: sha256(f) for f in files if f.is_file()}
    if scenario_path is not None and Path(scenario_path).is_file():
        out[f"scenario:{Path(scenario_path).name}"] = sha256(Path(scenario_path))
    return out


def portfolio_name(path: str | Path) -> str:
    """A portfolio's name: its folder's name, or its workbook's file name without suffix."""
    p = Path(path).expanduser().resolve()
    return p.name if p.is_dir() else p.stem


def scenario_yaml(scenario: Scenario | None) -> str:
    """The resolved settings of ``scenario`` as YAML text (empty text for ``None``)."""
    if scenario is None:
        return ""
    return yaml.safe_dump(scenario.to_dict(), sort_keys=False, allow_unicode=True)


def versions() -> tuple[str, dict[str, str | None]]:
    """pmo-opt's version and the solver packages' versions (``None`` when not installed)."""

    def version(name: str) -> str | None:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    return version("pmo-opt") or "", {name: version(name) for name in _SOLVER_PACKAGES}


def current_user() -> str:
    """The login name of whoever runs this process (``unknown`` when it cannot be told)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry and no USER variable
        return os.environ.get("USER", "unknown")


def plan_decisions(plan: Plan, reasons: dict[str, str] | None = None) -> pd.DataFrame:
    """The per-project decisions of ``plan`` as :data:`DECISION_COLUMNS` (``reasons``: project
    -> why it is out, for the projects where one was computed)."""
    t = plan.projects.reset_index()
    reasons = reasons or {}
    return pd.DataFrame(
        {
            "project_id": t["project_id"].astype(str),
            "name": t["name"].astype(str) if "name" in t else t["project_id"].astype(str),
            "selected": t["selected"].astype(bool),
            "start": [s if isinstance(s, str) else None for s in t["start"]],
            "finish": [f if isinstance(f, str) else None for f in t["finish"]],
            "value": pd.to_numeric(t["value"], errors="coerce").astype(float),
            "reason": [reasons.get(str(p)) for p in t["project_id"]],
        }
    )


def record_from_plan(
    *,
    run_id: str,
    started_at: str,
    command: str,
    portfolio: Portfolio,
    portfolio_path: str | Path,
    scenario: Scenario,
    plan: Plan,
    scenario_path: str | Path | None = None,
    out_dir: str | Path | None = None,
    reasons: dict[str, str] | None = None,
    check_passed: bool | None = None,
    baseline_hash: str | None = None,
) -> RunRecord:
    """The record of a run that produced ``plan``.

    ``check_passed`` is ``None`` when the plan has no solution (nothing to check), else whether
    :func:`pmo_opt.engine.check.check_plan` found no violation: the verdict the run already
    reached when it is given (a report's pages state it; the ledger must agree), else checked
    here on the inputs the plan was solved for. ``baseline_hash`` (a re-plan) is kept among the
    input hashes as ``baseline.csv``.
    """
    if not plan.has_solution:
        check_passed = None
    elif check_passed is None:
        check_passed = not check_plan(portfolio, scenario, plan)
    hashes = hash_inputs(portfolio_path, scenario_path)
    if baseline_hash:
        hashes["baseline.csv"] = baseline_hash
    package, solvers = versions()
    return RunRecord(
        run_id=run_id,
        started_at=started_at,
        finished_at=utc_now(),
        command=command,
        user=current_user(),
        portfolio_name=portfolio_name(portfolio_path),
        portfolio_path=str(portfolio_path),
        scenario_name=scenario.name,
        scenario_yaml=scenario_yaml(scenario),
        input_hashes=hashes,
        package_version=package,
        solver_versions=solvers,
        status=plan.status,
        objective=_num(plan.objective),
        bound=_num(plan.bound),
        gap=_num(plan.gap),
        check_passed=check_passed,
        decisions=plan_decisions(plan, reasons),
        out_dir=str(out_dir) if out_dir is not None else None,
        error=None,
    )


def failed_record(
    *,
    run_id: str,
    started_at: str,
    command: str,
    portfolio_path: str | Path,
    error: str,
    scenario: Scenario | None = None,
    scenario_path: str | Path | None = None,
    out_dir: str | Path | None = None,
) -> RunRecord:
    """The record of a run that broke before it had a plan: status ``failed`` and the error."""
    package, solvers = versions()
    try:
        hashes = hash_inputs(portfolio_path, scenario_path)
    except OSError:
        hashes = {}
    return RunRecord(
        run_id=run_id,
        started_at=started_at,
        finished_at=utc_now(),
        command=command,
        user=current_user(),
        portfolio_name=portfolio_name(portfolio_path),
        portfolio_path=str(portfolio_path),
        scenario_name=scenario.name if scenario is not None else "",
        scenario_yaml=scenario_yaml(scenario),
        input_hashes=hashes,
        package_version=package,
        solver_versions=solvers,
        status="failed",
        out_dir=str(out_dir) if out_dir is not None else None,
        error=error,
    )


def _num(x: Any) -> float | None:
    try:
        value = float(x)
    except (TypeError, ValueError):
        return None
    return value if value == value and abs(value) != float("inf") else None
