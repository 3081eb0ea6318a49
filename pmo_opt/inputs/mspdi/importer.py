"""``pmo-opt import mspdi``: read every file, build the portfolio tables, merge them into an
existing portfolio when asked, write the folder (or workbook) and the import report beside it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pmo_opt.errors import InputError, Problem
from pmo_opt.inputs import months
from pmo_opt.inputs.mspdi import portfolio_writer as writer
from pmo_opt.inputs.mspdi.projects import FileAccount, ImportedProject, import_schedule
from pmo_opt.inputs.mspdi.report import import_report
from pmo_opt.inputs.mspdi.schedule import read_schedule


@dataclass
class ImportResult:
    """What an import wrote: the tables, the report's text and where both went."""

    tables: dict[str, pd.DataFrame]
    projects: list[ImportedProject]
    accounts: list[FileAccount]
    report: str
    written: list[Path] = field(default_factory=list)


def _portfolio_frames(path: str) -> dict[str, pd.DataFrame]:
    """An existing portfolio's tables as text frames (a folder or workbook), validated first
    so that a merge never builds on a broken portfolio."""
    from pmo_opt.inputs.data import read_tables
    from pmo_opt.inputs.validate import validate_tables

    tables = read_tables(path)
    problems = [p for p in validate_tables(tables) if p.severity == "error"]
    blank_only = all("empty" in p.message for p in problems)
    if problems and not blank_only:
        raise InputError(problems)
    return {name: t.frame for name, t in tables.items() if t.usable and name in writer.TABLES}


def run_import(
    files: list[str],
    out: str,
    split_level: int | None = None,
    role_field: str | None = None,
    criteria_from: str | None = None,
    merge_into: str | None = None,
    as_of: str | None = None,
) -> ImportResult:
    """Import MSPDI files as a portfolio.

    Parameters
    ----------
    files
        MS Project XML files; each is one project (or several with ``split_level``).
    out
        A folder (created) or an ``.xlsx`` workbook to write.
    split_level
        Each task at this outline level becomes a project.
    role_field
        Where a resource's role is (default: its Group, else its name); see
        :func:`~pmo_opt.inputs.mspdi.schedule.read_schedule`.
    criteria_from
        A portfolio whose criteria the scores use (default :data:`DEFAULT_CRITERIA`).
    merge_into
        A portfolio to update: matched projects keep benefit and scores (it is not modified).
    as_of
        ``YYYY-MM``: only remaining work; started projects become ``in_flight``.

    Returns
    -------
    ImportResult

    Raises
    ------
    InputError
        A file cannot be imported (one line naming it), or an option is wrong.
    """
    as_of_month = _as_of(as_of)
    target = Path(out)
    for source in (merge_into, criteria_from):
        if source and Path(source).resolve() == target.resolve():
            raise InputError(
                [Problem(out, None, None, "is also an input; write the import to a new folder")]
            )
    _refuse_overwrite(target)
    schedules = [read_schedule(Path(f), role_field) for f in files]
    existing = _portfolio_frames(merge_into) if merge_into else None
    taken: set[str] = set()  # ids unique among the files; a portfolio's own id is a match
    projects: list[ImportedProject] = []
    accounts: list[FileAccount] = []
    for s in schedules:
        found, account = import_schedule(s, split_level, as_of_month, taken)
        projects += found
        accounts.append(account)
    criteria = writer.default_criteria()
    if criteria_from:
        criteria = _portfolio_frames(criteria_from).get("criteria", criteria)
    capacity, roles = writer.role_rows(schedules)
    tables = {
        "projects": writer.project_rows(projects),
        "demand": writer.demand_rows(projects),
        "capacity": capacity,
        "roles": roles,
        "criteria": criteria,
        "scores": writer.blank_scores([p.project_id for p in projects], criteria),
        "settings": writer.settings_rows(schedules),
    }
    notes: list[str] = []
    if existing is not None:
        tables, notes = writer.merge(existing, tables)
    report = import_report(
        accounts, projects, as_of_month, notes, list(tables["criteria"]["criterion"])
    )
    result = ImportResult(tables, projects, accounts, report)
    result.written = _write(tables, report, target)
    return result


def _as_of(as_of: str | None) -> int | None:
    if as_of is None:
        return None
    if not months.is_month(as_of):
        raise InputError(
            [
                Problem(
                    "--as-of", None, None, f"{as_of!r} is not a month; write YYYY-MM, e.g. 2027-04"
                )
            ]
        )
    return months.to_ordinal(as_of)


def _refuse_overwrite(target: Path) -> None:
    """A portfolio already at ``target`` may hold filled-in benefits and scores: never
    overwrite it (the analyst merges into it instead)."""
    held = target if target.suffix.lower() == ".xlsx" else target / "projects.csv"
    if held.exists():
        raise InputError(
            [
                Problem(
                    str(target),
                    None,
                    None,
                    "already holds a portfolio, whose filled-in cells an import would overwrite; "
                    f"give a new --out, or --merge-into {target} with a new --out",
                )
            ]
        )


def _write(tables: dict[str, pd.DataFrame], report: str, target: Path) -> list[Path]:
    if target.suffix.lower() == ".xlsx":
        from pmo_opt.inputs.template import write_workbook

        target.parent.mkdir(parents=True, exist_ok=True)
        write_workbook(tables, target)
        report_path = target.with_name(target.stem + "-import-report.md")
        written = [target]
    else:
        if target.exists() and not target.is_dir():
            raise InputError(
                [Problem(str(target), None, None, "is a file; give a folder or an .xlsx")]
            )
        written = writer.write_folder(tables, target)
        report_path = target / "import-report.md"
    report_path.write_text(report, encoding="utf-8")
    return [*written, report_path]
