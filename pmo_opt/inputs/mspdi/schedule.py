"""An MSPDI file's facts as plain records: the project header (calendar units, currency), tasks
in outline order (summary tasks found by outline as well as by flag), resources with the role
each maps to, and assignments with their timephased work."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from pmo_opt.inputs.mspdi.reader import duration_minutes, moment, number, read_project_xml, text

#: MSPDI resource types (Resource/Type); a missing type is a work resource
WORK, MATERIAL, COST = 1, 0, 2
#: TimephasedData/Type: assignment remaining work, assignment actual work
REMAINING_WORK, ACTUAL_WORK = 1, 2
DEFAULT_MINUTES_PER_DAY, DEFAULT_DAYS_PER_MONTH = 480, 20


@dataclass
class Task:
    uid: str
    name: str
    outline_level: int
    start: dt.datetime | None
    finish: dt.datetime | None
    deadline: dt.datetime | None = None
    cost: float = 0.0
    remaining_cost: float | None = None
    summary: bool = False
    parent: str | None = None  # the UID of the enclosing summary task


@dataclass
class Resource:
    uid: str
    name: str
    kind: int
    role_source: str  # where the role came from: the role field, Group or name
    role_label: str  # the text as written in the file
    max_units: float
    hourly_rate: float


@dataclass
class Segment:
    kind: int
    start: dt.datetime
    finish: dt.datetime
    minutes: float


@dataclass
class Assignment:
    task_uid: str
    resource_uid: str
    start: dt.datetime | None
    finish: dt.datetime | None
    work: float  # minutes
    remaining: float
    segments: list[Segment] = field(default_factory=list)


@dataclass
class Schedule:
    file: str
    title: str
    company: str
    currency: str
    minutes_per_day: float
    days_per_month: float
    day_start: dt.time
    day_finish: dt.time
    tasks: list[Task]
    resources: dict[str, Resource]
    assignments: list[Assignment]
    notes: list[str] = field(default_factory=list)

    @property
    def fte_month_minutes(self) -> float:
        """Minutes of work in one FTE-month: the file's MinutesPerDay x DaysPerMonth."""
        return self.minutes_per_day * self.days_per_month


def read_schedule(path: Path, role_field: str | None = None) -> Schedule:
    """Read one MSPDI file.

    Parameters
    ----------
    path
        The file.
    role_field
        Where a resource's role is: ``None`` for its Group (else its name); an element of
        ``<Resource>`` (``Code``), or a custom field by alias, field name (``Text1``) or
        FieldID (``205520904``), falling back to the name where empty.

    Returns
    -------
    Schedule
    """
    root = read_project_xml(path)
    notes: list[str] = []
    per_day = number(root, "MinutesPerDay", DEFAULT_MINUTES_PER_DAY) or DEFAULT_MINUTES_PER_DAY
    per_month = number(root, "DaysPerMonth", DEFAULT_DAYS_PER_MONTH) or DEFAULT_DAYS_PER_MONTH
    currency = text(root, "CurrencyCode") or text(root, "CurrencySymbol")
    title = text(root, "Title") or text(root, "Name") or path.stem
    if title.lower().endswith((".xml", ".mpp")):
        title = title.rsplit(".", 1)[0]
    field_id = _field_id(root, role_field, notes) if role_field else None
    return Schedule(
        file=path.name,
        title=title,
        company=text(root, "Company"),
        currency=currency,
        minutes_per_day=per_day,
        days_per_month=per_month,
        day_start=_clock(text(root, "DefaultStartTime"), dt.time(8)),
        day_finish=_clock(text(root, "DefaultFinishTime"), dt.time(17)),
        tasks=_tasks(root),
        resources=_resources(root, role_field, field_id),
        assignments=_assignments(root),
        notes=notes,
    )


def _clock(value: str, default: dt.time) -> dt.time:
    try:
        return dt.time.fromisoformat(value) if value else default
    except ValueError:
        return default


def _field_id(root: ET.Element, role_field: str, notes: list[str]) -> str | None:
    """The FieldID of the custom field ``role_field`` names (alias, name or id), if any."""
    if re.fullmatch(r"\d+", role_field):
        return role_field
    wanted = role_field.strip().lower()
    for attr in root.iterfind("ExtendedAttributes/ExtendedAttribute"):
        if wanted in (text(attr, "Alias").lower(), text(attr, "FieldName").lower()):
            return text(attr, "FieldID") or None
    return None


def _tasks(root: ET.Element) -> list[Task]:
    tasks: list[Task] = []
    for el in root.iterfind("Tasks/Task"):
        if text(el, "IsNull") == "1":
            continue
        remaining = text(el, "RemainingCost")
        tasks.append(
            Task(
                uid=text(el, "UID") or str(len(tasks)),
                name=text(el, "Name"),
                outline_level=int(number(el, "OutlineLevel", 1)),
                start=moment(text(el, "Start")),
                finish=moment(text(el, "Finish"), end_of_day=True),
                deadline=moment(text(el, "Deadline")),
                cost=number(el, "Cost"),
                remaining_cost=float(remaining) if _is_number(remaining) else None,
                summary=text(el, "Summary") == "1",
            )
        )
    # a task is a summary when the next one is deeper in the outline, flagged or not
    # (ProjectLibre and hand-made files leave out <Summary>); the stack finds each parent
    stack: list[Task] = []
    for i, task in enumerate(tasks):
        nxt = tasks[i + 1] if i + 1 < len(tasks) else None
        if nxt is not None and nxt.outline_level > task.outline_level:
            task.summary = True
        while stack and stack[-1].outline_level >= task.outline_level:
            stack.pop()
        task.parent = stack[-1].uid if stack else None
        stack.append(task)
    return tasks


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _resources(
    root: ET.Element, role_field: str | None, field_id: str | None
) -> dict[str, Resource]:
    out: dict[str, Resource] = {}
    for el in root.iterfind("Resources/Resource"):
        uid = text(el, "UID")
        name = text(el, "Name")
        if not uid or (not name and text(el, "IsNull") == "1"):
            continue
        if uid == "0" and not name:  # MS Project's unnamed placeholder resource
            continue
        kind = int(number(el, "Type", WORK))
        label, source = _role_of(el, name, role_field, field_id)
        out[uid] = Resource(
            uid=uid,
            name=name or f"resource {uid}",
            kind=kind,
            role_source=source,
            role_label=label,
            max_units=number(el, "MaxUnits", 1.0),
            hourly_rate=number(el, "StandardRate"),
        )
    return out


def _role_of(
    el: ET.Element, name: str, role_field: str | None, field_id: str | None
) -> tuple[str, str]:
    if role_field:
        if field_id is not None:
            for attr in el.iterfind("ExtendedAttribute"):
                if text(attr, "FieldID") == field_id and text(attr, "Value"):
                    return text(attr, "Value"), role_field
        elif text(el, role_field):
            return text(el, role_field), role_field
    elif text(el, "Group"):
        return text(el, "Group"), "Group"
    return name or f"resource {text(el, 'UID')}", "name"


def _assignments(root: ET.Element) -> list[Assignment]:
    out: list[Assignment] = []
    for el in root.iterfind("Assignments/Assignment"):
        segments = []
        for td in el.iterfind("TimephasedData"):
            start = moment(text(td, "Start"))
            finish = moment(text(td, "Finish"), end_of_day=True) or start
            minutes = duration_minutes(text(td, "Value"))
            if start is None or not minutes or minutes <= 0:
                continue
            segments.append(Segment(int(number(td, "Type", -1)), start, finish, minutes))
        work = duration_minutes(text(el, "Work"))
        actual = duration_minutes(text(el, "ActualWork")) or 0.0
        remaining = duration_minutes(text(el, "RemainingWork"))
        if work is None:  # files that leave out Work: remaining + actual, else the segments
            work = (remaining + actual) if remaining is not None else None
        if work is None:
            work = sum(s.minutes for s in segments if s.kind in (REMAINING_WORK, ACTUAL_WORK))
        if remaining is None:
            remaining = max(work * (1 - number(el, "PercentWorkComplete") / 100), 0.0)
        out.append(
            Assignment(
                task_uid=text(el, "TaskUID"),
                resource_uid=text(el, "ResourceUID", "-1"),
                start=moment(text(el, "Start")),
                finish=moment(text(el, "Finish"), end_of_day=True),
                work=max(work, 0.0),
                remaining=max(remaining, 0.0),
                segments=segments,
            )
        )
    return out
