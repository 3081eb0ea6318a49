"""The import report: per file what was read, the roles it mapped, what was left out and why,
and what the analyst fills in before the portfolio plans. Plain words, Markdown."""

from __future__ import annotations

from pmo_opt.inputs.months import from_ordinal
from pmo_opt.inputs.mspdi.projects import FileAccount, ImportedProject, count


def _file_section(
    acc: FileAccount, projects: list[ImportedProject], as_of: int | None
) -> list[str]:
    read = acc.fte(acc.assigned_minutes)
    kept = acc.fte(acc.kept_minutes)
    lines = [
        f"## {acc.file}",
        "",
        f"- read: {count(acc.tasks, 'task')} ({count(acc.summary_tasks, 'summary task')} "
        f"besides), {count(acc.work_resources, 'work resource')} "
        f"({acc.other_resources} material or cost), {count(acc.assignments, 'assignment')}",
        f"- work assigned to work resources: {read:,.2f} FTE-months "
        f"(one FTE-month = {acc.fte_month_minutes / 60:,.0f} hours, the file's MinutesPerDay "
        "x DaysPerMonth)",
    ]
    if as_of is None:
        share = f" ({kept / read:.1%} of it)" if read > 0 else ""
        lines.append(f"- imported as demand: {kept:,.2f} FTE-months{share}")
        if read > 0 and abs(kept / read - 1) > 0.02:
            acc.warnings.append(
                f"the demand imported differs from the work assigned by {kept / read - 1:+.1%}; "
                "see the lines above for what was left out"
            )
    else:
        lines.append(
            f"- imported as demand: {kept:,.2f} FTE-months still to do from {from_ordinal(as_of)}"
        )
    lines.append(
        f"- work per month from the file's timephased data for {acc.timephased} assignments, "
        f"spread over working days (Monday to Friday) for {acc.spread}"
    )
    if acc.roles:
        lines += ["", "| role | from |", "|---|---|"]
        lines += [f"| {role} | {source} |" for role, source in sorted(acc.roles.items())]
    lines += [
        "",
        "| project | name | status | start | months | demand (FTE-months) |",
        "|---|---|---|---|---:|---:|",
    ]
    for p in projects:
        lines.append(
            f"| {p.project_id} | {p.name} | {p.status.replace('_', ' ')} | {from_ordinal(p.start)} | "
            f"{p.duration} | {p.fte_months:,.2f} |"
        )
    if acc.left_out:
        lines += ["", "Left out:", ""] + [f"- {item}" for item in acc.left_out]
    if acc.warnings:
        lines += ["", "Warnings:", ""] + [f"- warning: {item}" for item in acc.warnings]
    return lines + [""]


def import_report(
    accounts: list[FileAccount],
    projects: list[ImportedProject],
    as_of: int | None,
    merge_notes: list[str],
    criteria: list[str],
) -> str:
    """The whole report, one section per file, then what to fill in.

    Parameters
    ----------
    accounts
        One per file, in the order given.
    projects
        Every imported project.
    as_of
        The re-planning month (ordinal), or ``None``.
    merge_notes
        What ``--merge-into`` did to each project (empty when not merging).
    criteria
        The criteria whose scores are left blank.
    """
    lines = ["# Import report", ""]
    total = sum(p.fte_months for p in projects)
    lines.append(
        f"{count(len(accounts), 'file')}, {count(len(projects), 'project')}, "
        f"{total:,.2f} FTE-months of demand."
    )
    lines.append("")
    for acc in accounts:
        lines += _file_section(acc, [p for p in projects if p.file == acc.file], as_of)
    if merge_notes:
        lines += ["## Merged", ""] + [f"- {note}" for note in merge_notes] + [""]
    lines += [
        "## To fill in",
        "",
        "A schedule cannot know what a project is worth. Before `pmo-opt plan`, fill in:",
        "",
        "- `projects.csv`: `benefit` of every project (and `category` if you bound spend by theme)",
        f"- `scores.csv`: the `score` of every project on {', '.join(criteria)}",
        "- `budget.csv` (period,amount) if spending is limited",
        "",
        "`pmo-opt validate` lists every cell still empty.",
    ]
    return "\n".join(lines) + "\n"
