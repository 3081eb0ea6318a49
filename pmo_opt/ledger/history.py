"""Questions over several runs: the history of decisions and approvals, and the diff of two
runs' plans."""

from __future__ import annotations

import hashlib
from datetime import date

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pmo_opt.errors import InputError, Problem
from pmo_opt.ledger.diff import RunDiff, diff_runs, diff_text
from pmo_opt.ledger.schema import approvals, decisions, runs

#: the columns of :func:`history`, in order
HISTORY_COLUMNS = (
    "time", "event", "run_id", "portfolio", "scenario", "status", "check_passed", "by", "note",
    "inputs", "project_id", "name", "selected", "start", "finish", "value", "reason", "current",
)  # fmt: skip


def _since_text(since: str | date | None) -> str | None:
    if since is None or since == "":
        return None
    if isinstance(since, date):
        return since.isoformat()
    try:
        return date.fromisoformat(str(since).strip()).isoformat()
    except ValueError:
        raise InputError(
            [Problem("--since", None, None, f"{since!r} is not a date; write YYYY-MM-DD")]
        ) from None


def inputs_fingerprint(input_hashes_json: str) -> str:
    """12 hex digits that change whenever any input file changes (same data, same text)."""
    return hashlib.sha256((input_hashes_json or "{}").encode()).hexdigest()[:12]


def history(conn: Connection, project: str | None = None, since: str | date | None = None):
    """Runs and approvals, oldest first, as one table of events.

    Parameters
    ----------
    conn
        A connection to the ledger.
    project
        Only runs that decided about this project id (with that decision: ``selected``,
        ``start``, ``finish``, ``value``, ``reason``) and the approvals of those runs.
    since
        Only events on or after this day (``YYYY-MM-DD``, UTC).

    Returns
    -------
    pandas.DataFrame
        :data:`HISTORY_COLUMNS`: ``event`` is ``run`` or ``approval``; ``by`` is who ran or who
        approved; ``note`` the approval's note or a failed run's error; ``inputs`` a
        fingerprint of the input files' hashes; ``current`` marks the approval in force for its
        portfolio (superseded approvals stay, with ``current`` False).
    """
    since_text = _since_text(since)
    query = sa.select(runs)
    if project is not None:
        query = sa.select(
            runs,
            decisions.c.project_id,
            decisions.c.name,
            decisions.c.selected,
            decisions.c.start,
            decisions.c.finish,
            decisions.c.value,
            decisions.c.reason,
        ).join(decisions, decisions.c.run_id == runs.c.run_id)
        query = query.where(decisions.c.project_id == str(project))
    if since_text is not None:
        query = query.where(runs.c.started_at >= since_text)
    events = []
    decided: dict[str, dict] = {}
    for r in conn.execute(query.order_by(runs.c.started_at, runs.c.run_id)).mappings():
        facts = {k: r.get(k) for k in ("project_id", "name", "selected", "start", "finish")}
        facts.update({k: r.get(k) for k in ("value", "reason")})
        decided[r["run_id"]] = facts
        events.append(
            {
                "time": r["started_at"],
                "event": "run",
                "run_id": r["run_id"],
                "portfolio": r["portfolio_name"],
                "scenario": r["scenario_name"],
                "status": r["status"],
                "check_passed": r["check_passed"],
                "by": r["user_name"],
                "note": r["error"] or "",
                "inputs": inputs_fingerprint(r["input_hashes"]),
                **facts,
                "current": None,
            }
        )
    current = {
        row.portfolio_name: row.latest
        for row in conn.execute(
            sa.select(
                approvals.c.portfolio_name, sa.func.max(approvals.c.approval_id).label("latest")
            ).group_by(approvals.c.portfolio_name)
        )
    }
    query = sa.select(approvals, runs.c.scenario_name, runs.c.status, runs.c.check_passed)
    query = query.join(runs, runs.c.run_id == approvals.c.run_id)
    if project is not None:
        query = query.join(decisions, decisions.c.run_id == approvals.c.run_id).where(
            decisions.c.project_id == str(project)
        )
        query = query.add_columns(
            *(decisions.c[k] for k in ("name", "selected", "start", "finish", "value", "reason"))
        ).add_columns(decisions.c.project_id)
    if since_text is not None:
        query = query.where(approvals.c.approved_at >= since_text)
    for a in conn.execute(query.order_by(approvals.c.approval_id)).mappings():
        facts = {k: a.get(k) for k in ("project_id", "name", "selected", "start", "finish")}
        facts.update({k: a.get(k) for k in ("value", "reason")})
        events.append(
            {
                "time": a["approved_at"],
                "event": "approval",
                "run_id": a["run_id"],
                "portfolio": a["portfolio_name"],
                "scenario": a["scenario_name"],
                "status": a["status"],
                "check_passed": a["check_passed"],
                "by": a["approved_by"],
                "note": a["note"],
                "inputs": None,
                **facts,
                "current": current.get(a["portfolio_name"]) == a["approval_id"],
            }
        )
    table = pd.DataFrame(events, columns=list(HISTORY_COLUMNS))
    order = table["event"].map({"run": 0, "approval": 1})  # a run before its approval
    table = table.assign(_order=order).sort_values(["time", "_order"], kind="stable")
    table = table.drop(columns="_order").reset_index(drop=True)
    if project is None:
        table = table.drop(columns=["project_id", "name", "selected", "start", "finish"])
        table = table.drop(columns=["value", "reason"])
    return table


def _clean(r: dict) -> dict:
    """A history row with missing values (``None``, NaN) as ``None``: pandas turns ``None`` into
    NaN in text columns, and NaN is truthy."""
    return {
        k: (None if v is None or (isinstance(v, float) and v != v) else v) for k, v in r.items()
    }


def history_text(table: pd.DataFrame, project: str | None = None) -> str:
    """The history as lines a person reads (``pmo-opt history``)."""
    if table.empty:
        return "no runs recorded" + (f" that decided about {project}" if project else "")
    lines = []
    for r in map(_clean, table.to_dict(orient="records")):
        when = str(r["time"]).replace("T", " ").replace("+00:00", " UTC")
        by = r["by"] or "unknown"
        if r["event"] == "run":
            text = f"{when}  run {r['run_id']}  {r['portfolio']}/{r['scenario']}  {r['status']}"
            if r["check_passed"] is not None and r["status"] != "failed":
                text += "  check " + ("passed" if r["check_passed"] else "FAILED")
            text += f"  by {by}  inputs {r['inputs'] or 'unknown'}"
            if project is not None:
                text += "  " + _decision(r)
            if r["note"]:
                text += f"  error: {r['note']}"
        else:
            state = "approved" if r["current"] else "approved (superseded)"
            text = f"{when}  {state} run {r['run_id']} for {r['portfolio']} by {by}"
            if r["note"]:
                text += f": {r['note']}"
            if project is not None:
                text += "  " + _decision(r)
        lines.append(text)
    return "\n".join(lines)


def _decision(r: dict) -> str:
    if r.get("selected"):
        start, finish = r.get("start") or "?", r.get("finish") or "?"
        return f"{r['project_id']} selected, {start}..{finish}"
    reason = f" ({r['reason']})" if r.get("reason") else ""
    return f"{r['project_id']} not selected{reason}"


__all__ = ["HISTORY_COLUMNS", "RunDiff", "diff_runs", "diff_text", "history", "history_text"]
