"""Imported projects -> portfolio tables (text frames, columns as :data:`TABLES` names them),
merged into an existing portfolio when asked, and written as a folder of CSV files."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pandas as pd

from pmo_opt.inputs.months import from_ordinal
from pmo_opt.inputs.mspdi.projects import ImportedProject, role_id
from pmo_opt.inputs.mspdi.schedule import WORK, Schedule
from pmo_opt.inputs.tables import TABLES
from pmo_opt.text import csv_safe

#: the criteria an import starts with when no portfolio lends its own (weights add up to 1)
DEFAULT_CRITERIA = (
    ("business_value", "0.4", "max"),
    ("strategic_fit", "0.3", "max"),
    ("risk_reduction", "0.2", "max"),
    ("delivery_risk", "0.1", "min"),
)
PROJECT_COLUMNS = (
    "project_id", "name", "category", "status", "earliest_start", "deadline", "duration",
    "cost", "benefit",
)  # fmt: skip


def _number(value: float, digits: int = 6) -> str:
    text = f"{round(value, digits):.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def project_rows(projects: list[ImportedProject]) -> pd.DataFrame:
    """The ``projects`` table: schedule facts filled, benefit (and category) left blank."""
    rows = [
        {
            "project_id": p.project_id,
            "name": p.name,
            "category": "",
            "status": p.status,
            "earliest_start": from_ordinal(p.start),
            "deadline": from_ordinal(p.deadline) if p.deadline is not None else "",
            "duration": str(p.duration),
            "cost": _number(p.cost, 2) if p.cost is not None else "",
            "benefit": "",
        }
        for p in projects
    ]
    return pd.DataFrame(rows, columns=list(PROJECT_COLUMNS), dtype=str)


def demand_rows(projects: list[ImportedProject]) -> pd.DataFrame:
    """The ``demand`` table: FTE per project, role and month of the project."""
    rows = [
        {"project_id": p.project_id, "role": role, "month_offset": str(offset), "fte": _number(fte)}
        for p in projects
        for (role, offset), fte in sorted(p.demand.items(), key=lambda kv: (kv[0][1], kv[0][0]))
        if fte > 0
    ]
    return pd.DataFrame(rows, columns=["project_id", "role", "month_offset", "fte"], dtype=str)


def role_rows(schedules: list[Schedule]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``capacity`` and ``roles`` tables from the work resources of every file.

    A role's capacity is the sum of its resources' maximum units (a person in several files
    counts once, at their largest); its cost per FTE-month is the units-weighted mean of their
    standard rates (per hour) times the hours of the file's FTE-month.
    """
    units: dict[str, dict[str, float]] = defaultdict(dict)
    rates: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for s in schedules:
        hours = s.fte_month_minutes / 60
        for r in s.resources.values():
            if r.kind != WORK:
                continue
            role = role_id(r.role_label)
            units[role][r.name] = max(units[role].get(r.name, 0.0), r.max_units)
            if r.hourly_rate > 0:
                rates[role].append((max(r.max_units, 1e-9), r.hourly_rate * hours))
    capacity = [
        {"role": role, "month": "", "fte": _number(sum(people.values()), 4)}
        for role, people in sorted(units.items())
    ]
    roles = []
    for role in sorted(units):
        weights = rates.get(role, [])
        mean = sum(w * v for w, v in weights) / sum(w for w, _ in weights) if weights else None
        roles.append(
            {
                "role": role,
                "cost_per_fte_month": _number(mean, 2) if mean is not None else "",
                "hire_cost_per_fte_month": "",
                "max_hire_fte": "",
            }
        )
    return (
        pd.DataFrame(capacity, columns=["role", "month", "fte"], dtype=str),
        pd.DataFrame(roles, columns=list(("role", *TABLES["roles"][1])), dtype=str),
    )


def blank_scores(project_ids: list[str], criteria: pd.DataFrame) -> pd.DataFrame:
    """One empty score per project and criterion: the cells the analyst fills in."""
    rows = [
        {"project_id": p, "criterion": c, "score": ""}
        for p in project_ids
        for c in criteria["criterion"]
    ]
    return pd.DataFrame(rows, columns=["project_id", "criterion", "score"], dtype=str)


def default_criteria() -> pd.DataFrame:
    return pd.DataFrame(DEFAULT_CRITERIA, columns=["criterion", "weight", "direction"], dtype=str)


def settings_rows(schedules: list[Schedule]) -> pd.DataFrame:
    """Organisation and currency from the first file that names them."""
    company = next((s.company for s in schedules if s.company), "")
    currency = next((s.currency for s in schedules if s.currency), "")
    rows = [("organisation", company), ("currency", currency)]
    return pd.DataFrame([r for r in rows if r[1]], columns=["setting", "value"], dtype=str)


def merge(
    existing: dict[str, pd.DataFrame], imported: dict[str, pd.DataFrame]
) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """``imported`` merged into ``existing``: projects matched by id or name get the imported
    schedule facts and demand, and keep their benefit, scores and everything else; new projects
    and roles are added; every other table is kept as it is.

    Returns
    -------
    dict, list of str
        The merged tables, and one line per project saying what happened to it.
    """
    out = {name: frame.copy() for name, frame in existing.items()}
    old = out["projects"]
    by_name = {
        str(n).strip().lower(): i
        for i, n in zip(old["project_id"], old.get("name", old["project_id"]), strict=True)
    }
    renames: dict[str, str] = {}
    notes: list[str] = []
    new_rows = []
    for _, row in imported["projects"].iterrows():
        pid = row["project_id"]
        match = pid if pid in set(old["project_id"]) else by_name.get(row["name"].strip().lower())
        if match is None:
            new_rows.append(row)
            notes.append(f"{pid}: new project")
            continue
        renames[pid] = match
        at = old.index[old["project_id"] == match][0]
        for col in ("status", "earliest_start", "deadline", "duration", "cost"):
            if col not in old.columns:
                old[col] = ""
            old.at[at, col] = row[col]
        notes.append(f"{match}: schedule facts updated from the file (benefit and scores kept)")
    out["projects"] = pd.concat([old, pd.DataFrame(new_rows)], ignore_index=True).fillna("")
    demand = imported["demand"].assign(project_id=imported["demand"]["project_id"].replace(renames))
    kept = out.get("demand", pd.DataFrame(columns=demand.columns))
    kept = kept[~kept["project_id"].isin(set(demand["project_id"]) | set(renames.values()))]
    out["demand"] = pd.concat([kept, demand], ignore_index=True).fillna("")
    for table in ("capacity", "roles"):
        have = out.get(table, pd.DataFrame(columns=imported[table].columns))
        extra = imported[table][~imported[table]["role"].isin(set(have["role"]))]
        out[table] = pd.concat([have, extra], ignore_index=True).fillna("")
    new_ids = [r["project_id"] for r in new_rows]
    scores = out.get("scores")
    criteria = out.get("criteria")
    if criteria is None:
        out["criteria"] = criteria = imported["criteria"]
    fresh = blank_scores(new_ids, criteria)
    out["scores"] = fresh if scores is None else pd.concat([scores, fresh], ignore_index=True)
    return out, notes


def write_folder(tables: dict[str, pd.DataFrame], folder: Path) -> list[Path]:
    """Write each table as ``<name>.csv`` (text made safe for spreadsheets); return the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in tables.items():
        path = folder / f"{name}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(list(frame.columns))
            for row in frame.itertuples(index=False):
                writer.writerow([csv_safe(str(v)) for v in row])
        written.append(path)
    return written
