"""Questions over several runs: the history of decisions and approvals, and the diff of two
runs' plans."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pmo_opt.errors import InputError, Problem
from pmo_opt.inputs import months
from pmo_opt.ledger.record import RunRecord
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


@dataclass(frozen=True)
class RunDiff:
    """What changed from run ``run_a``'s plan to run ``run_b``'s.

    Attributes
    ----------
    entering : selected in b, not in a: ``project_id``, ``name``, ``start``, ``finish``,
        ``value`` (b's).
    leaving : selected in a, not in b: the same columns (a's start and finish, a's value).
    moving : selected in both with another start: ``project_id``, ``name``, ``start_a``,
        ``start_b``, ``months`` (b minus a, positive = later), ``value``.
    changed_inputs : ``file``, ``hash_a``, ``hash_b`` for each input file (or ``scenario``
        settings) that differs; a hash is ``None`` when the file is absent from that run.
    """

    run_a: str
    run_b: str
    entering: pd.DataFrame
    leaving: pd.DataFrame
    moving: pd.DataFrame
    changed_inputs: pd.DataFrame

    @property
    def unchanged(self) -> bool:
        """True when both plans select the same projects at the same starts."""
        return not (len(self.entering) or len(self.leaving) or len(self.moving))


def diff_runs(a: RunRecord, b: RunRecord) -> RunDiff:
    """The :class:`RunDiff` between two recorded runs."""
    da = a.decisions.set_index("project_id")
    db = b.decisions.set_index("project_id")
    sel_a = set(da.index[da["selected"].astype(bool)])
    sel_b = set(db.index[db["selected"].astype(bool)])
    cols = ["project_id", "name", "start", "finish", "value"]

    def rows(frame: pd.DataFrame, ids: set[str]) -> pd.DataFrame:
        out = frame.loc[sorted(ids)].reset_index() if ids else pd.DataFrame(columns=cols)
        return out[cols].reset_index(drop=True)

    both = sorted(p for p in sel_a & sel_b if da.at[p, "start"] != db.at[p, "start"])
    moving = pd.DataFrame(
        {
            "project_id": both,
            "name": [db.at[p, "name"] for p in both],
            "start_a": [da.at[p, "start"] for p in both],
            "start_b": [db.at[p, "start"] for p in both],
            "months": [_months(da.at[p, "start"], db.at[p, "start"]) for p in both],
            "value": [db.at[p, "value"] for p in both],
        }
    )
    hashes_a = {**a.input_hashes, "scenario settings": _text_hash(a.scenario_yaml)}
    hashes_b = {**b.input_hashes, "scenario settings": _text_hash(b.scenario_yaml)}
    files = sorted(f for f in set(hashes_a) | set(hashes_b) if hashes_a.get(f) != hashes_b.get(f))
    changed = pd.DataFrame(
        {
            "file": files,
            "hash_a": [hashes_a.get(f) for f in files],
            "hash_b": [hashes_b.get(f) for f in files],
        }
    )
    return RunDiff(
        run_a=a.run_id,
        run_b=b.run_id,
        entering=rows(db, sel_b - sel_a),
        leaving=rows(da, sel_a - sel_b),
        moving=moving,
        changed_inputs=changed,
    )


def _months(start_a: str, start_b: str) -> int | None:
    try:
        return months.to_ordinal(start_b) - months.to_ordinal(start_a)
    except (TypeError, ValueError):
        return None


def _text_hash(text: str) -> str:
    return hashlib.sha256((text or "").encode()).hexdigest()


def diff_text(d: RunDiff) -> str:
    """The diff in lines a person reads (``pmo-opt diff``)."""
    lines = [f"from run {d.run_a} to run {d.run_b}:"]
    if d.unchanged:
        lines.append("  the same projects at the same starts")
    for label, frame in (("entering", d.entering), ("leaving", d.leaving)):
        for r in frame.itertuples(index=False):
            lines.append(f"  {label}: {_label(r.project_id, r.name)} start {r.start}{_value(r)}")
    for r in d.moving.itertuples(index=False):
        later = "later" if (r.months or 0) > 0 else "earlier"
        lines.append(
            f"  moving: {_label(r.project_id, r.name)} {r.start_a} -> {r.start_b} "
            f"({abs(r.months or 0)} month(s) {later}){_value(r)}"
        )
    if len(d.changed_inputs):
        lines.append("inputs changed:")
        for r in d.changed_inputs.itertuples(index=False):
            a = (r.hash_a or "absent")[:12]
            b = (r.hash_b or "absent")[:12]
            lines.append(f"  {r.file}: {a} -> {b}")
    else:
        lines.append("inputs: the same files (by hash) and the same scenario settings")
    return "\n".join(lines)


def _label(project_id: str, name: str | None) -> str:
    return f"{project_id} {name}" if name and name != project_id else str(project_id)


def _value(r) -> str:
    value = getattr(r, "value", None)
    return f", value {value:,.2f}" if value is not None and value == value else ""


def history_text(table: pd.DataFrame, project: str | None = None) -> str:
    """The history as lines a person reads (``pmo-opt history``)."""
    if table.empty:
        return "no runs recorded" + (f" that decided about {project}" if project else "")
    lines = []
    for r in table.to_dict(orient="records"):
        when = str(r["time"]).replace("T", " ").replace("+00:00", " UTC")
        if r["event"] == "run":
            text = f"{when}  run {r['run_id']}  {r['portfolio']}/{r['scenario']}  {r['status']}"
            if r["check_passed"] is not None and r["status"] != "failed":
                text += "  check " + ("passed" if r["check_passed"] else "FAILED")
            text += f"  by {r['by']}  inputs {r['inputs']}"
            if project is not None:
                text += "  " + _decision(r)
            if r["note"]:
                text += f"  error: {r['note']}"
        else:
            state = "approved" if r["current"] else "approved (superseded)"
            text = f"{when}  {state} run {r['run_id']} for {r['portfolio']} by {r['by']}"
            if r["note"]:
                text += f": {r['note']}"
            if project is not None:
                text += "  " + _decision(r)
        lines.append(text)
    return "\n".join(lines)


def _decision(r: dict) -> str:
    if bool(r.get("selected")):
        return f"{r['project_id']} selected, {r['start']}..{r['finish']}"
    reason = f" ({r['reason']})" if r.get("reason") else ""
    return f"{r['project_id']} not selected{reason}"


__all__ = ["HISTORY_COLUMNS", "RunDiff", "diff_runs", "diff_text", "history", "history_text"]
