"""A re-plan's baseline looked up in the ledger: ``approved`` (the portfolio's approved plan) or
a run id, written as ``baseline.csv`` in the run's folder, with where it came from.

The command line (``pmo-opt plan``) and the report runner both re-plan against a plan that the
ledger holds; this is the one place that finds it. Next quarter's folder (``sample-2027-04``)
falls back to its portfolio's (``sample``) approval. What is returned besides the file is the
baseline's provenance, recorded by the run and shown on the pages: the approved run's id, who
approved it and when, the portfolio it was planned on, and the hash of the plan file written.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from pmo_opt.ledger.record import portfolio_name
from pmo_opt.ledger.store import Ledger
from pmo_opt.paths import sha256

BASELINE_FILE = "baseline.csv"


@dataclass(frozen=True)
class BaselineSource:
    """Where a re-plan's baseline came from.

    Attributes
    ----------
    run_id : the run whose plan is the baseline.
    sha256 : the hash of the ``baseline.csv`` written from it.
    approved_by, approved_at, note : the approval (empty when a run id was given that is not
        the current approval).
    portfolio : the folder or workbook the approved run planned (as the ledger recorded it).
    portfolio_name : the name its approval is filed under.
    """

    run_id: str
    sha256: str
    approved_by: str = ""
    approved_at: str = ""
    note: str = ""
    portfolio: str = ""
    portfolio_name: str = ""

    def to_dict(self) -> dict[str, str]:
        """Plain data for ``facts.json`` and the ledger."""
        return asdict(self)


def approval_name(ledger: Ledger, portfolio_path: str | Path) -> str:
    """The name ``portfolio_path``'s approval is filed under: its own, else (next quarter's
    folder ``sample-2027-04``) its portfolio's (``sample``) when that has an approval."""
    name = portfolio_name(portfolio_path)
    if ledger.approval(name) is None:
        stem = re.sub(r"-\d{4}-\d{2}$", "", name)
        if stem != name and ledger.approval(stem) is not None:
            return stem
    return name


def ledger_baseline(
    ledger: Ledger, word: str, portfolio_path: str | Path, folder: str | Path
) -> tuple[Path, BaselineSource]:
    """Write the baseline ``word`` names (``approved`` or a run id) as ``folder/baseline.csv``.

    Returns
    -------
    (Path, BaselineSource)
        The file written and where its plan came from.

    Raises
    ------
    LedgerError
        No approved plan, or no such run.
    """
    if word.lower() == "approved":
        name = approval_name(ledger, portfolio_path)
        ledger.approved_plan(name)  # a clear LedgerError when nothing is approved
        approval = ledger.approval(name)
        run = ledger.get_run(approval.run_id)
    else:
        run = ledger.get_run(ledger.resolve_run(word))
        current = ledger.approval(run.portfolio_name)
        approval = current if current is not None and current.run_id == run.run_id else None
    target = Path(folder) / BASELINE_FILE
    Path(folder).mkdir(parents=True, exist_ok=True)
    write_baseline(run.decisions, target)
    source = BaselineSource(
        run_id=run.run_id,
        sha256=sha256(target),
        approved_by=approval.approved_by if approval else "",
        approved_at=approval.approved_at if approval else "",
        note=approval.note if approval else "",
        portfolio=run.portfolio_path,
        portfolio_name=run.portfolio_name,
    )
    return target, source


def write_baseline(decisions: pd.DataFrame, target: Path) -> Path:
    """A run's decisions as a ``plan.csv``-shaped baseline: ``project_id``, ``selected`` 0/1,
    ``start``, ``finish``."""
    table = decisions[["project_id", "selected", "start", "finish"]]
    table.assign(selected=table["selected"].astype(bool).astype(int)).to_csv(target, index=False)
    return target


__all__ = ["BASELINE_FILE", "BaselineSource", "approval_name", "ledger_baseline", "write_baseline"]
