"""``pmo-opt import mspdi``: real MSPDI files the tests write, imported into real folders,
validated and planned."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from mspdi_builders import (
    CLAIMS_HOURS,
    assignment,
    claims_portal,
    project,
    resource,
    small_file,
    task,
    write,
)

from pmo_opt.cli import main
from pmo_opt.inputs.load import load_portfolio
from pmo_opt.inputs.mspdi.importer import run_import


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def demand_total(folder: Path) -> float:
    return sum(float(r["fte"]) for r in rows(folder / "demand.csv"))


def fill_in(folder: Path, benefit: str = "400000", score: str = "5") -> None:
    for name, col, value in (("projects", "benefit", benefit), ("scores", "score", score)):
        table = rows(folder / f"{name}.csv")
        for r in table:
            r[col] = value
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
            out = csv.DictWriter(handle, fieldnames=list(table[0]))
            out.writeheader()
            out.writerows(table)


@pytest.fixture
def claims(tmp_path: Path) -> Path:
    return write(tmp_path, "claims-portal.xml", claims_portal(450))


def test_every_assigned_minute_is_demand_at_the_files_own_minutes_per_day(claims, tmp_path):
    out = tmp_path / "out"
    run_import([str(claims)], str(out))
    fte_month_hours = 450 * 20 / 60  # 150 h, not 160
    assert demand_total(out) == pytest.approx(CLAIMS_HOURS / fte_month_hours, rel=1e-4)
    demand = rows(out / "demand.csv")
    assert {r["project_id"] for r in demand} == {"CLAIMS_PORTAL"}
    assert all(r["month_offset"] != "" for r in demand)
    by_month = {}
    for r in demand:
        by_month[int(r["month_offset"])] = by_month.get(int(r["month_offset"]), 0) + float(r["fte"])
    # timephased January (80 h), flat February (150 h), March to May the 900 h of Develop
    assert by_month[0] == pytest.approx(80 / 150, rel=1e-4)
    assert by_month[1] == pytest.approx(150 / 150, rel=1e-4)
    assert sum(by_month[m] for m in (2, 3, 4)) == pytest.approx(900 / 150, rel=1e-4)
    assert 5 not in by_month  # the go-live milestone carries no work


def test_project_facts_roles_and_what_was_left_out(claims, tmp_path):
    out = tmp_path / "out"
    result = run_import([str(claims)], str(out))
    (p,) = rows(out / "projects.csv")
    assert p["name"] == "Claims Portal"
    assert (p["earliest_start"], p["duration"], p["deadline"]) == ("2027-01", "6", "2027-09")
    assert p["cost"] == "250000" and p["benefit"] == "" and p["status"] == "proposed"
    roles = {r["role"]: r for r in rows(out / "roles.csv")}
    assert set(roles) == {"business_analysts", "developers", "cleo_contractor"}  # no servers
    assert float(roles["developers"]["cost_per_fte_month"]) == pytest.approx(50 * 150)
    capacity = {r["role"]: float(r["fte"]) for r in rows(out / "capacity.csv")}
    assert capacity == {"business_analysts": 1, "developers": 3, "cleo_contractor": 1}
    report = (out / "import-report.md").read_text()
    assert report == result.report
    assert "1 assignment to no resource (ResourceUID -1" in report
    assert "1 assignment to material resources" in report
    assert "the Work and Cost totals of 3 summary tasks" in report
    assert "'Go live'" in report  # a task with no work, named
    assert "Group 'Developers'" in report and "name 'Cleo Contractor'" in report


def test_split_level_makes_each_phase_a_project(claims, tmp_path):
    out = tmp_path / "out"
    run_import([str(claims)], str(out), split_level=1)
    projects = {r["project_id"]: r for r in rows(out / "projects.csv")}
    assert set(projects) == {"DESIGN", "BUILD"}
    assert (projects["BUILD"]["earliest_start"], projects["BUILD"]["duration"]) == ("2027-03", "4")
    assert projects["DESIGN"]["cost"] == "70000"  # its tasks' costs: the phase has none
    per = {}
    for r in rows(out / "demand.csv"):
        per[r["project_id"]] = per.get(r["project_id"], 0) + float(r["fte"])
    assert per["DESIGN"] == pytest.approx(230 / 150, rel=1e-4)
    assert per["BUILD"] == pytest.approx(900 / 150, rel=1e-4)


def test_several_files_one_project_each_ids_unique(tmp_path):
    a = write(tmp_path, "data lake.xml", small_file("Data Lake"))
    b = write(tmp_path, "Data-Lake.xml", small_file("Data Lake again", group="Developers"))
    out = tmp_path / "out"
    run_import([str(a), str(b)], str(out))
    ids = [r["project_id"] for r in rows(out / "projects.csv")]
    assert ids == ["DATA_LAKE", "DATA_LAKE_2"]
    assert demand_total(out) == pytest.approx(2 * 320 / 160, rel=1e-4)
    # the same person in two files is counted once per role, at her largest
    capacity = {r["role"]: float(r["fte"]) for r in rows(out / "capacity.csv")}
    assert capacity == {"data_engineers": 1, "developers": 1}


def test_validate_names_the_blank_cells_and_once_filled_it_plans(claims, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["import", "mspdi", str(claims), "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["validate", str(out)]) == 2
    err = capsys.readouterr().err
    for criterion in ("business_value", "strategic_fit", "risk_reduction", "delivery_risk"):
        assert f"score of CLAIMS_PORTAL on {criterion} is empty; fill in" in err
    assert "projects.csv:2:benefit: warning: benefit of CLAIMS_PORTAL is empty; fill in" in err
    fill_in(out)
    assert main(["validate", str(out)]) == 0
    plan_dir = tmp_path / "plan"
    code = main(
        [
            "plan",
            str(out),
            "--set",
            "scoring=benefit",
            "--set",
            "time_limit_s=5",
            "--out",
            str(plan_dir),
            "--no-ledger",
        ]  # fmt: skip
    )
    assert code == 0
    plan = rows(plan_dir / "plan.csv")
    assert [r["project_id"] for r in plan if r["selected"] in ("True", "true", "1")] == [
        "CLAIMS_PORTAL"
    ]


def test_criteria_copied_from_a_portfolio(claims, tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    (source / "projects.csv").write_text("project_id,duration\nX,1\n")
    (source / "demand.csv").write_text("project_id,role,fte\nX,dev,1\n")
    (source / "capacity.csv").write_text("role,fte\ndev,1\n")
    (source / "criteria.csv").write_text(
        "criterion,weight,direction\nvalue,0.7,max\nrisk,0.3,min\n"
    )
    out = tmp_path / "out"
    run_import([str(claims)], str(out), criteria_from=str(source))
    assert [r["criterion"] for r in rows(out / "criteria.csv")] == ["value", "risk"]
    assert [r["criterion"] for r in rows(out / "scores.csv")] == ["value", "risk"]


def test_no_resources_imports_with_a_warning(tmp_path):
    text = project([task(1, "Plan it", 1, "2027-01-04T08:00:00", "2027-02-26T17:00:00")])
    path = write(tmp_path, "bare.xml", text)
    out = tmp_path / "out"
    result = run_import([str(path)], str(out))
    assert [r["project_id"] for r in rows(out / "projects.csv")] == ["BARE"]
    assert rows(out / "demand.csv") == []
    assert "warning: the file has no resources" in result.report


def test_as_of_keeps_remaining_work_and_marks_in_flight(tmp_path):
    tasks = [
        task(1, "Analysis", 1, "2027-01-04T08:00:00", "2027-02-26T17:00:00"),
        task(2, "Build", 1, "2027-03-01T08:00:00", "2027-04-30T17:00:00"),
    ]
    resources = [resource(1, "Eve", group="Developers")]
    assignments = [
        assignment(1, 1, 320, "2027-01-04T08:00:00", "2027-02-26T17:00:00", remaining_h=40),
        assignment(2, 1, 320, "2027-03-01T08:00:00", "2027-04-30T17:00:00", remaining_h=320),
    ]
    path = write(tmp_path, "running.xml", project(tasks, resources, assignments))
    out = tmp_path / "out"
    run_import([str(path)], str(out), as_of="2027-03")
    (p,) = rows(out / "projects.csv")
    assert (p["status"], p["earliest_start"], p["duration"]) == ("in_flight", "2027-03", "2")
    # 40 h overdue from February are due in March, with Build's 320 h
    assert demand_total(out) == pytest.approx(360 / 160, rel=1e-4)


def test_merge_into_keeps_benefit_and_scores(claims, tmp_path):
    first = tmp_path / "first"
    run_import([str(claims)], str(first))
    fill_in(first, benefit="123456", score="7")
    (first / "projects.csv").write_text(
        (first / "projects.csv").read_text() + "OTHER,Other project,,proposed,2027-01,,3,,10\n"
    )
    (first / "scores.csv").write_text(
        (first / "scores.csv").read_text()
        + "".join(
            f"OTHER,{c},1\n"
            for c in ("business_value", "strategic_fit", "risk_reduction", "delivery_risk")
        )
    )
    before = {p.name: p.read_bytes() for p in first.iterdir()}
    moved = write(tmp_path, "claims-portal.xml", claims_portal(480))  # 480 min/day now
    out = tmp_path / "merged"
    result = run_import([str(moved)], str(out), merge_into=str(first))
    assert {p.name: p.read_bytes() for p in first.iterdir()} == before  # input untouched
    projects = {r["project_id"]: r for r in rows(out / "projects.csv")}
    assert set(projects) == {"CLAIMS_PORTAL", "OTHER"}
    assert projects["CLAIMS_PORTAL"]["benefit"] == "123456"
    claims_demand = [r for r in rows(out / "demand.csv") if r["project_id"] == "CLAIMS_PORTAL"]
    assert sum(float(r["fte"]) for r in claims_demand) == pytest.approx(CLAIMS_HOURS / 160, 1e-4)
    assert {r["score"] for r in rows(out / "scores.csv")} == {"7", "1"}
    assert "CLAIMS_PORTAL: schedule facts updated" in result.report
    load_portfolio(out)  # merged and complete: it loads


def test_role_from_a_custom_field_by_alias(tmp_path):
    field = (
        "<ExtendedAttribute><FieldID>205520904</FieldID><Value>Testers</Value></ExtendedAttribute>"
    )
    header = (
        "<ExtendedAttributes><ExtendedAttribute><FieldID>205520904</FieldID>"
        "<FieldName>Text1</FieldName><Alias>Role</Alias></ExtendedAttribute></ExtendedAttributes>"
    )
    tasks = [task(1, "Test", 1, "2027-01-04T08:00:00", "2027-01-29T17:00:00")]
    resources = [resource(1, "Tom", group="QA", extra=field), resource(2, "Uma", group="QA")]
    assignments = [
        assignment(1, 1, 80, "2027-01-04T08:00:00", "2027-01-29T17:00:00"),
        assignment(1, 2, 80, "2027-01-04T08:00:00", "2027-01-29T17:00:00"),
    ]
    path = write(tmp_path, "qa.xml", project(tasks, resources, assignments, header=header))
    out = tmp_path / "out"
    run_import([str(path)], str(out), role_field="Role")
    assert {r["role"] for r in rows(out / "demand.csv")} == {"testers", "uma"}


def test_an_undated_assignment_takes_its_tasks_dates_and_an_undated_task_is_named(tmp_path):
    tasks = [
        task(1, "Dated", 1, "2027-01-04T08:00:00", "2027-01-29T17:00:00"),
        "<Task><UID>2</UID><Name>Somewhen</Name><OutlineLevel>1</OutlineLevel></Task>",
    ]
    undated = [
        f"<Assignment><TaskUID>{t}</TaskUID><ResourceUID>1</ResourceUID>"
        "<Work>PT80H0M0S</Work></Assignment>"
        for t in (1, 2)
    ]
    text = project(tasks, [resource(1, "Vic")], undated)
    out = tmp_path / "out"
    result = run_import([str(write(tmp_path, "undated.xml", text))], str(out))
    assert demand_total(out) == pytest.approx(0.5, rel=1e-4)  # the dated task's 80 h
    assert "on 'Somewhen' has 0.50 FTE-months of work but no dates" in result.report
    assert "differs from the work assigned by -50.0%" in result.report


def test_merge_matches_a_project_by_name_when_the_ids_differ(claims, tmp_path):
    base = tmp_path / "base"
    base.mkdir()
    (base / "projects.csv").write_text(
        "project_id,name,status,duration,benefit\nP007,claims portal,proposed,3,99000\n"
    )
    (base / "demand.csv").write_text("project_id,role,fte\nP007,developers,1\n")
    (base / "capacity.csv").write_text("role,fte\ndevelopers,4\n")
    out = tmp_path / "out"
    run_import([str(claims)], str(out), merge_into=str(base))
    (p,) = rows(out / "projects.csv")
    assert (p["project_id"], p["benefit"], p["duration"]) == ("P007", "99000", "6")
    assert {r["project_id"] for r in rows(out / "demand.csv")} == {"P007"}
    assert demand_total(out) == pytest.approx(CLAIMS_HOURS / 150, rel=1e-4)
    capacity = {r["role"]: r["fte"] for r in rows(out / "capacity.csv")}
    assert capacity["developers"] == "4"  # the portfolio's own capacity is kept


def test_an_existing_portfolio_is_never_overwritten(claims, tmp_path, capsys):
    out = tmp_path / "out"
    run_import([str(claims)], str(out))
    fill_in(out, benefit="777")
    assert main(["import", "mspdi", str(claims), "--out", str(out)]) == 2
    assert "already holds a portfolio" in capsys.readouterr().err
    assert rows(out / "projects.csv")[0]["benefit"] == "777"
