"""Small MS Project XML (MSPDI) files written by the tests themselves."""

from __future__ import annotations

from pathlib import Path

NS = "http://schemas.microsoft.com/project"


def task(uid, name, level, start, finish, summary=None, deadline=None, cost=None):
    parts = [f"<UID>{uid}</UID>", f"<Name>{name}</Name>", f"<OutlineLevel>{level}</OutlineLevel>"]
    parts += [f"<Start>{start}</Start>", f"<Finish>{finish}</Finish>"]
    if summary is not None:
        parts.append(f"<Summary>{summary}</Summary>")
    if deadline:
        parts.append(f"<Deadline>{deadline}</Deadline>")
    if cost is not None:
        parts.append(f"<Cost>{cost}</Cost>")
    return "<Task>" + "".join(parts) + "</Task>"


def resource(uid, name, group=None, kind=1, max_units=1, rate=None, extra=""):
    parts = [f"<UID>{uid}</UID>", f"<Name>{name}</Name>", f"<Type>{kind}</Type>"]
    parts.append(f"<MaxUnits>{max_units}</MaxUnits>")
    if group:
        parts.append(f"<Group>{group}</Group>")
    if rate is not None:
        parts.append(f"<StandardRate>{rate}</StandardRate>")
    return "<Resource>" + "".join(parts) + extra + "</Resource>"


def hours(h: float) -> str:
    return f"PT{int(h)}H{int(round((h - int(h)) * 60))}M0S"


def assignment(task_uid, resource_uid, work_h, start, finish, segments=(), remaining_h=None):
    parts = [f"<TaskUID>{task_uid}</TaskUID>", f"<ResourceUID>{resource_uid}</ResourceUID>"]
    parts += [
        f"<Start>{start}</Start>",
        f"<Finish>{finish}</Finish>",
        f"<Work>{hours(work_h)}</Work>",
    ]
    if remaining_h is not None:
        parts.append(f"<RemainingWork>{hours(remaining_h)}</RemainingWork>")
    for kind, s, f, h in segments:
        parts.append(
            f"<TimephasedData><Type>{kind}</Type><Start>{s}</Start><Finish>{f}</Finish>"
            f"<Unit>2</Unit><Value>{hours(h)}</Value></TimephasedData>"
        )
    return "<Assignment>" + "".join(parts) + "</Assignment>"


def project(tasks, resources=(), assignments=(), minutes_per_day=480, title="", namespace=True,
            header=""):  # fmt: skip
    xmlns = f' xmlns="{NS}"' if namespace else ""
    head = f"<Title>{title}</Title>" if title else ""
    head += f"<MinutesPerDay>{minutes_per_day}</MinutesPerDay><DaysPerMonth>20</DaysPerMonth>"
    body = f"<Tasks>{''.join(tasks)}</Tasks>"
    if resources:
        body += f"<Resources>{''.join(resources)}</Resources>"
    if assignments:
        body += f"<Assignments>{''.join(assignments)}</Assignments>"
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Project{xmlns}>{head}{header}{body}</Project>\n'
    )


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def claims_portal(minutes_per_day: int = 450) -> str:
    """A programme file: two level-1 phases (summary tasks), leaf tasks with timephased and flat
    work, a material resource, an assignment to no resource, a resource without Group."""
    tasks = [
        task(0, "Claims Portal", 0, "2027-01-04T08:00:00", "2027-06-30T17:00:00", 1,
             deadline="2027-09-30T17:00:00", cost=250000),
        task(1, "Design", 1, "2027-01-04T08:00:00", "2027-02-26T17:00:00", 1),
        task(2, "Requirements", 2, "2027-01-04T08:00:00", "2027-01-29T17:00:00", 0, cost=40000),
        task(3, "Architecture", 2, "2027-02-01", "2027-02-26", 0, cost=30000),
        task(4, "Build", 1, "2027-03-01T08:00:00", "2027-06-30T17:00:00", 1),
        task(5, "Develop", 2, "2027-03-01T08:00:00", "2027-05-28T17:00:00", 0, cost=150000),
        task(6, "Go live", 2, "2027-06-30T17:00:00", "2027-06-30T17:00:00", 0),
    ]  # fmt: skip
    resources = [
        resource(1, "Ann Analyst", group="Business Analysts", rate=60),
        resource(2, "Bob Builder", group="Developers", max_units=3, rate=50),
        resource(3, "Cleo Contractor", rate=90),  # no Group: her name is the role
        resource(4, "Servers", kind=0),  # material
    ]
    assignments = [
        # timephased: 2 weeks in January of 40 h, given as two weekly segments
        assignment(2, 1, 80, "2027-01-04T08:00:00", "2027-01-15T17:00:00", segments=[
            (1, "2027-01-04T08:00:00", "2027-01-08T17:00:00", 40),
            (1, "2027-01-11T08:00:00", "2027-01-15T17:00:00", 40),
        ]),
        # flat, dates without a time
        assignment(3, 3, 150, "2027-02-01", "2027-02-26"),
        # flat over three months
        assignment(5, 2, 900, "2027-03-01T08:00:00", "2027-05-28T17:00:00"),
        assignment(5, 4, 10, "2027-03-01T08:00:00", "2027-05-28T17:00:00"),  # material
        assignment(5, -1, 30, "2027-03-01T08:00:00", "2027-05-28T17:00:00"),  # nobody
    ]  # fmt: skip
    return project(tasks, resources, assignments, minutes_per_day, title="Claims Portal")


#: hours assigned to work resources in :func:`claims_portal`
CLAIMS_HOURS = 80 + 150 + 900


def small_file(title: str = "Data Lake", group: str = "Data Engineers") -> str:
    tasks = [
        task(0, title, 0, "2027-04-05T08:00:00", "2027-05-28T17:00:00", 1),
        task(1, "Ingest", 1, "2027-04-05T08:00:00", "2027-05-28T17:00:00"),
    ]
    resources = [resource(1, "Dana", group=group, rate=70)]
    assignments = [assignment(1, 1, 320, "2027-04-05T08:00:00", "2027-05-28T17:00:00")]
    return project(tasks, resources, assignments, title=title, namespace=False)
