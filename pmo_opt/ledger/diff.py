"""The diff of two recorded runs: projects entering, leaving and moving, the inputs that
changed, and plain statements when the two cannot be compared project by project (another
portfolio, a run without a plan, a failed run). It never fails on what a ledger holds: a
missing hash, an empty decisions table or a start that is not a month is stated, not raised.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import pandas as pd

from pmo_opt.inputs import months
from pmo_opt.ledger.record import RunRecord

_COLUMNS = ["project_id", "name", "start", "finish", "value"]


@dataclass(frozen=True)
class RunDiff:
    """What changed from run ``run_a``'s plan to run ``run_b``'s.

    Attributes
    ----------
    entering : selected in b, not in a: ``project_id``, ``name``, ``start``, ``finish``,
        ``value`` (b's).
    leaving : selected in a, not in b: the same columns (a's start and finish, a's value).
    moving : selected in both with another start: ``project_id``, ``name``, ``start_a``,
        ``start_b``, ``months`` (b minus a, positive = later; ``None`` when a start is not a
        month), ``value``.
    changed_inputs : ``file``, ``hash_a``, ``hash_b`` for each input file (or ``scenario``
        settings) that differs; a hash is ``None`` when the file is absent from that run.
    notes : statements about the comparison itself (other portfolios, a run without a plan).
    comparable : False when one run has no plan, so no project-by-project comparison exists.
    """

    run_a: str
    run_b: str
    entering: pd.DataFrame
    leaving: pd.DataFrame
    moving: pd.DataFrame
    changed_inputs: pd.DataFrame
    notes: tuple[str, ...] = ()
    comparable: bool = True

    @property
    def unchanged(self) -> bool:
        """True when both runs have plans selecting the same projects at the same starts."""
        return self.comparable and not (len(self.entering) or len(self.leaving) or len(self.moving))


def _text(x: object) -> str | None:
    """``x`` as text, ``None`` for a missing value (``None``, NaN, pandas' NA)."""
    if x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA:
        return None
    return str(x)


def _no_plan(run: RunRecord) -> str | None:
    if run.has_plan and len(run.decisions):
        return None
    if run.status == "failed":
        why = f": {run.error}" if run.error else ""
        return f"run {run.run_id} failed{why}; it has no plan to compare"
    if run.has_plan:
        return f"run {run.run_id} recorded no project decisions; it has no plan to compare"
    return f"run {run.run_id} has no plan (status {run.status}); there is nothing to compare"


def _decisions(run: RunRecord) -> pd.DataFrame:
    table = run.decisions.copy()
    for column in ("project_id", "name", "start", "finish"):
        if column not in table.columns:
            table[column] = None
        table[column] = [_text(v) for v in table[column]]
    if "selected" not in table.columns:
        table["selected"] = False
    table["selected"] = [bool(v) if _text(v) is not None else False for v in table["selected"]]
    if "value" not in table.columns:
        table["value"] = float("nan")
    table["value"] = pd.to_numeric(table["value"], errors="coerce").astype(float)
    table = table[table["project_id"].notna()].drop_duplicates("project_id")
    return table.set_index("project_id")


def _rows(frame: pd.DataFrame, ids: set[str]) -> pd.DataFrame:
    if not ids:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in _COLUMNS})
    return frame.loc[sorted(ids)].reset_index()[_COLUMNS].reset_index(drop=True)


def _months(start_a: str | None, start_b: str | None) -> int | None:
    try:
        return months.to_ordinal(start_b) - months.to_ordinal(start_a)
    except (TypeError, ValueError, AttributeError):
        return None


def _text_hash(text: str | None) -> str:
    return hashlib.sha256((text or "").encode()).hexdigest()


def _changed_inputs(a: RunRecord, b: RunRecord) -> pd.DataFrame:
    def hashes(run: RunRecord) -> dict[str, str | None]:
        files = run.input_hashes if isinstance(run.input_hashes, dict) else {}
        out = {str(f): _text(h) for f, h in files.items()}
        return {**out, "scenario settings": _text_hash(run.scenario_yaml)}

    ha, hb = hashes(a), hashes(b)
    files = sorted(f for f in set(ha) | set(hb) if ha.get(f) != hb.get(f))
    return pd.DataFrame(
        {
            "file": pd.Series(files, dtype=object),
            "hash_a": pd.Series([ha.get(f) for f in files], dtype=object),
            "hash_b": pd.Series([hb.get(f) for f in files], dtype=object),
        }
    )


def diff_runs(a: RunRecord, b: RunRecord) -> RunDiff:
    """The :class:`RunDiff` between two recorded runs (never raises on what a ledger holds)."""
    notes = []
    if a.portfolio_name != b.portfolio_name:
        notes.append(
            f"the runs are of different portfolios ({a.portfolio_name} and {b.portfolio_name}); "
            "projects are compared by id"
        )
    missing = [m for m in (_no_plan(a), _no_plan(b)) if m]
    notes += missing
    da, db = _decisions(a), _decisions(b)
    if missing:
        da, db = da.iloc[0:0], db.iloc[0:0]
    sel_a, sel_b = set(da.index[da["selected"]]), set(db.index[db["selected"]])
    both = sorted(p for p in sel_a & sel_b if da.at[p, "start"] != db.at[p, "start"])
    moving = pd.DataFrame(
        {
            "project_id": pd.Series(both, dtype=object),
            "name": pd.Series([db.at[p, "name"] for p in both], dtype=object),
            "start_a": pd.Series([da.at[p, "start"] for p in both], dtype=object),
            "start_b": pd.Series([db.at[p, "start"] for p in both], dtype=object),
            "months": pd.Series(
                [_months(da.at[p, "start"], db.at[p, "start"]) for p in both], dtype=object
            ),
            "value": pd.Series([db.at[p, "value"] for p in both], dtype=float),
        }
    )
    return RunDiff(
        run_a=a.run_id,
        run_b=b.run_id,
        entering=_rows(db, sel_b - sel_a),
        leaving=_rows(da, sel_a - sel_b),
        moving=moving,
        changed_inputs=_changed_inputs(a, b),
        notes=tuple(notes),
        comparable=not missing,
    )


def _label(project_id: object, name: object) -> str:
    pid, text = _text(project_id) or "?", _text(name)
    return f"{pid} {text}" if text and text != pid else pid


def _value(r) -> str:
    value = getattr(r, "value", None)
    try:
        value = float(value)
    except (TypeError, ValueError):
        return ""
    return f", value {value:,.2f}" if math.isfinite(value) else ""


def _move(r) -> str:
    a, b = _text(r.start_a) or "no start", _text(r.start_b) or "no start"
    n = r.months if isinstance(r.months, int) else None
    if n is None:
        return f"{a} -> {b}"
    return f"{a} -> {b} ({abs(n)} month(s) {'later' if n > 0 else 'earlier'})"


def _hash(h: object, files: str) -> str:
    text = _text(h)
    return text[:12] if text else f"absent ({files})"


def diff_text(d: RunDiff) -> str:
    """The diff in lines a person reads (``pmo-opt diff``)."""
    lines = [f"from run {d.run_a} to run {d.run_b}:"]
    lines += [f"  note: {n}" for n in d.notes]
    if d.unchanged:
        lines.append("  the same projects at the same starts")
    for label, frame in (("entering", d.entering), ("leaving", d.leaving)):
        for r in frame.itertuples(index=False):
            start = _text(r.start) or "no start"
            lines.append(f"  {label}: {_label(r.project_id, r.name)} start {start}{_value(r)}")
    for r in d.moving.itertuples(index=False):
        lines.append(f"  moving: {_label(r.project_id, r.name)} {_move(r)}{_value(r)}")
    if len(d.changed_inputs):
        lines.append("inputs changed:")
        for r in d.changed_inputs.itertuples(index=False):
            a = _hash(r.hash_a, f"not in run {d.run_a}")
            b = _hash(r.hash_b, f"not in run {d.run_b}")
            lines.append(f"  {r.file}: {a} -> {b}")
    else:
        lines.append("inputs: the same files (by hash) and the same scenario settings")
    return "\n".join(lines)
