"""Schedules -> projects: which tasks make a project (the whole file, or each task at an outline
level), its months, deadline and cost, and its demand per role and month in FTE; and the account
of what was read and what was left out, for the import report."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

from pmo_opt.inputs.mspdi.schedule import WORK, Assignment, Schedule, Task
from pmo_opt.inputs.mspdi.timephased import Month, month_of, monthly_minutes

KIND_NAMES = {0: "material", 2: "cost"}


@dataclass
class ImportedProject:
    """One project as imported; ``demand`` is FTE per (role, month offset from ``start``)."""

    project_id: str
    name: str
    file: str
    start: Month
    duration: int
    status: str = "proposed"
    deadline: Month | None = None
    cost: float | None = None
    demand: dict[tuple[str, int], float] = field(default_factory=dict)

    @property
    def fte_months(self) -> float:
        return sum(self.demand.values())


@dataclass
class FileAccount:
    """What one file held, what was imported and what was left out (and why)."""

    file: str
    currency: str = ""
    fte_month_minutes: float = 9600.0
    tasks: int = 0
    summary_tasks: int = 0
    work_resources: int = 0
    other_resources: int = 0
    assignments: int = 0
    assigned_minutes: float = 0.0  # the file's work on work resources (the total to keep)
    kept_minutes: float = 0.0
    timephased: int = 0
    spread: int = 0
    roles: dict[str, str] = field(default_factory=dict)  # role <- "Group 'Developers'"
    projects: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def fte(self, minutes: float) -> float:
        return minutes / self.fte_month_minutes


def count(n: int, noun: str) -> str:
    """``count(1, 'task')`` -> ``'1 task'``, ``count(2, 'task')`` -> ``'2 tasks'``."""
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def role_id(label: str) -> str:
    """``'Senior Developers'`` -> ``'senior_developers'``: a role as the portfolio names it."""
    slug = re.sub(r"[^0-9a-z]+", "_", label.strip().lower()).strip("_")
    return slug or "unnamed_role"


def project_slug(name: str) -> str:
    """``'claims-portal v2.xml'`` -> ``'CLAIMS_PORTAL_V2'``: a readable, stable project id."""
    slug = re.sub(r"[^0-9A-Za-z]+", "_", name).strip("_").upper()[:40].strip("_")
    return slug or "PROJECT"


def unique_id(wanted: str, taken: set[str]) -> str:
    """``wanted``, or ``wanted_2``, ``wanted_3``... whichever is not yet ``taken``; taken then."""
    candidate, n = wanted, 1
    while candidate in taken:
        n += 1
        candidate = f"{wanted}_{n}"
    taken.add(candidate)
    return candidate


def _groups(
    s: Schedule, split_level: int | None, account: FileAccount
) -> list[tuple[str, Task | None, list[Task]]]:
    """(name, the task that stands for the project, its tasks) for each project of a file."""
    roots = [t for t in s.tasks if t.outline_level == 0]
    whole = [(s.title, roots[0] if roots else None, list(s.tasks))]
    if split_level is None:
        return whole
    heads = [t for t in s.tasks if t.outline_level == split_level]
    if not heads:
        account.warnings.append(
            f"no task at outline level {split_level}; the whole file is one project"
        )
        return whole
    parent = {t.uid: t.parent for t in s.tasks}
    head_ids = {t.uid for t in heads}
    members: dict[str, list[Task]] = defaultdict(list)
    rest: list[Task] = []
    for task in s.tasks:
        up: str | None = task.uid
        while up is not None and up not in head_ids:
            up = parent.get(up)
        if up is None:
            if task.outline_level > split_level or not task.summary:
                rest.append(task)
            elif task.outline_level < split_level:
                rest.append(task)  # a summary above the split keeps its own assignments
        else:
            members[up].append(task)
    groups = [(h.name or f"{s.title} task {h.uid}", h, members[h.uid]) for h in heads]
    if rest:
        groups.append((f"{s.title} (outside level {split_level})", None, rest))
    return groups


def _month_end(moment: dt.datetime) -> Month:
    return month_of(moment - dt.timedelta(seconds=1))


def import_schedule(
    s: Schedule, split_level: int | None, as_of: Month | None, taken: set[str]
) -> tuple[list[ImportedProject], FileAccount]:
    """The projects of one schedule, and the account of the file.

    Parameters
    ----------
    s
        A schedule from :func:`~pmo_opt.inputs.mspdi.schedule.read_schedule`.
    split_level
        Make each task at this outline level a project (``None``: the file is one project).
    as_of
        Keep only the work remaining from this month on; started projects become in flight.
    taken
        Project ids already used (by other files, or the portfolio merged into); updated.
    """
    acc = FileAccount(file=s.file, currency=s.currency, fte_month_minutes=s.fte_month_minutes)
    acc.tasks = sum(not t.summary for t in s.tasks)
    acc.summary_tasks = sum(t.summary for t in s.tasks)
    acc.work_resources = sum(r.kind == WORK for r in s.resources.values())
    acc.other_resources = len(s.resources) - acc.work_resources
    acc.assignments = len(s.assignments)
    for r in s.resources.values():
        if r.kind == WORK:
            acc.roles.setdefault(role_id(r.role_label), f"{r.role_source} {r.role_label!r}")
    if not s.resources:
        acc.warnings.append(
            "the file has no resources: its projects are imported with no demand; assign "
            "resources in the schedule and import again, or add demand rows by hand"
        )
    by_task = {t.uid: t for t in s.tasks}
    kept = _kept_assignments(s, by_task, acc)
    projects = []
    for name, head, tasks in _groups(s, split_level, acc):
        project = _project(s, name, head, tasks, kept, as_of, acc)
        if project is not None:
            project.project_id = unique_id(project_slug(project.project_id), taken)
            projects.append(project)
            acc.projects.append(project.project_id)
    no_work = [t for t in s.tasks if not t.summary and t.uid not in kept]
    if no_work:
        names = ", ".join(repr(t.name) for t in no_work[:5]) + (", ..." if len(no_work) > 5 else "")
        acc.left_out.append(
            f"{count(len(no_work), 'task')} with no work on a work resource (milestones, or nobody "
            f"assigned): {names}; they shape the dates only"
        )
    return projects, acc


def _kept_assignments(
    s: Schedule, by_task: dict[str, Task], acc: FileAccount
) -> dict[str, list[Assignment]]:
    """Assignments of work to work resources, by task UID; the rest counted as left out."""
    kept: dict[str, list[Assignment]] = defaultdict(list)
    unassigned, unknown_task, other = [0, 0.0], [0, 0.0], defaultdict(int)
    for a in s.assignments:
        resource = s.resources.get(a.resource_uid)
        if a.resource_uid in ("", "-1") or resource is None:
            unassigned[0] += 1
            unassigned[1] += a.work
        elif resource.kind != WORK:
            other[KIND_NAMES.get(resource.kind, f"type {resource.kind}")] += 1
        elif a.task_uid not in by_task:
            unknown_task[0] += 1
            unknown_task[1] += a.work
            acc.assigned_minutes += a.work
        elif a.work > 0:
            kept[a.task_uid].append(a)
            acc.assigned_minutes += a.work
    if unassigned[0]:
        acc.left_out.append(
            f"{count(unassigned[0], 'assignment')} to no resource (ResourceUID -1 or unknown), "
            f"{acc.fte(unassigned[1]):.2f} FTE-months: nobody is named to do the work; "
            "assign a resource in the schedule to count it"
        )
    for kind, n in sorted(other.items()):
        acc.left_out.append(
            f"{count(n, 'assignment')} to {kind} resources: they are not people's time"
        )
    if unknown_task[0]:
        acc.left_out.append(
            f"{count(unknown_task[0], 'assignment')} to a task the file does not hold, "
            f"{acc.fte(unknown_task[1]):.2f} FTE-months"
        )
    summary_work = sum(len(kept[t.uid]) for t in s.tasks if t.summary)
    if acc.summary_tasks:
        acc.left_out.append(
            f"the Work and Cost totals of {count(acc.summary_tasks, 'summary task')}: they add "
            "up their subtasks, which are counted once"
            + (
                f" ({summary_work} assignments made to a summary task itself are kept)"
                if summary_work
                else ""
            )
        )
    return kept


def _project(
    s: Schedule,
    name: str,
    head: Task | None,
    tasks: list[Task],
    kept: dict[str, list[Assignment]],
    as_of: Month | None,
    acc: FileAccount,
) -> ImportedProject | None:
    minutes: dict[tuple[str, Month], float] = defaultdict(float)
    firsts, lasts = [], []
    for task in tasks:
        if not task.summary and task.start is not None:
            firsts.append(month_of(task.start))
            lasts.append(_month_end(task.finish or task.start))
        for a in kept.get(task.uid, []):
            if a.start is None and a.finish is None:  # some tools date only the task
                a.start, a.finish = task.start, task.finish
            months, source = monthly_minutes(a, s.day_start, s.day_finish, as_of)
            acc.timephased += source == "timephased"
            acc.spread += source == "spread"
            if source == "undated":
                acc.warnings.append(
                    f"an assignment on {task.name!r} has {acc.fte(a.work):.2f} FTE-months of work "
                    "but no dates; it is left out: give the task a start and finish"
                )
            role = role_id(s.resources[a.resource_uid].role_label)
            for month, value in months.items():
                minutes[(role, month)] += value
            acc.kept_minutes += sum(months.values())
    used = [m for _, m in minutes]
    if not firsts and not used:
        if head is not None:
            acc.warnings.append(f"{name!r} has no dated task; it is left out")
        return None
    start, finish = min(firsts + used), max(lasts + used)
    status = "proposed"
    if as_of is not None:
        if start < as_of:
            if finish < as_of and not minutes:
                acc.left_out.append(f"{name!r}: finished before {_month_text(as_of)}")
                return None
            status, start, finish = "in_flight", as_of, max(finish, as_of)
    project = ImportedProject(
        project_id=name
        if head is not None and head.outline_level > 0
        else s.file.rsplit(".", 1)[0],
        name=name,
        file=s.file,
        start=start,
        duration=finish - start + 1,
        status=status,
    )
    for (role, month), value in minutes.items():
        key = (role, month - start)
        project.demand[key] = project.demand.get(key, 0.0) + value / s.fte_month_minutes
    project.cost = _cost(head, tasks, as_of)
    if head is not None and head.deadline is not None:
        deadline = month_of(head.deadline)
        if deadline >= finish:
            project.deadline = deadline
        else:
            acc.warnings.append(
                f"{name!r}: deadline {_month_text(deadline)} is before the scheduled finish "
                f"{_month_text(finish)}; left out (set it by hand if it binds)"
            )
    return project


def _cost(head: Task | None, tasks: list[Task], as_of: Month | None) -> float | None:
    """The project's cost from the file (remaining cost when re-planning); ``None`` if none."""
    pick = [head] if head is not None and head.cost > 0 else [t for t in tasks if not t.summary]
    if as_of is None:
        cost = sum(t.cost for t in pick)
    else:
        cost = sum(t.remaining_cost if t.remaining_cost is not None else t.cost for t in pick)
    return round(cost, 2) if cost > 0 else None


def _month_text(month: Month) -> str:
    return f"{month // 12:04d}-{month % 12 + 1:02d}"
