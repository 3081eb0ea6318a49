"""Validation: every rule reports file, row, column and value; all problems come at once."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmo_opt.errors import InputError
from pmo_opt.inputs.data import read_tables
from pmo_opt.inputs.load import load_portfolio
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.summary import summary_text
from pmo_opt.inputs.validate import validate_tables

# A small valid portfolio using every table; each bad-input case edits one line of it.
VALID = {
    "projects": """\
project_id,name,category,status,earliest_start,deadline,duration,cost,benefit,risk
P01,Website,Growth,committed,2027-01,2027-12,6,120000,300000,0.2
P02,CRM,Growth,proposed,2027-03,2027-12,4,,150000,0.4
007,Data platform,Ops,in_flight,,,3,50000,80000,0.1
P04,Analytics,Ops,proposed,2027-02,,5,60000,90000,0.3
""",
    "demand": """\
project_id,role,fte,month_offset
P01,Developer,2,
P02,Developer,1.5,0
P02,Developer,1,1
P02,Data Engineer,0.5,
007,Data Engineer,1,
P04,Analyst,1,
""",
    "capacity": """\
role,fte,month
Developer,4,
Data Engineer,2,
Analyst,1,
Analyst,2,2027-06
""",
    "roles": """\
role,cost_per_fte_month,hire_cost_per_fte_month,max_hire_fte
Developer,9000,12000,1
Data Engineer,10000,13000,0.5
Analyst,8000,,
""",
    "budget": """\
period,amount
total,600000
2027,500000
2027-Q1,100000
2027-06,50000
""",
    "dependencies": """\
project_id,depends_on,kind
P02,P01,finish_to_start
P04,007,requires
P04,P02,excludes
""",
    "criteria": """\
criterion,weight,direction
Strategic fit,0.5,max
Risk,0.2,min
Value,0.3,
""",
    "scores": """\
project_id,criterion,score
P01,Strategic fit,4
P01,Risk,2
P02,Value,3
""",
    "pairwise": """\
criterion,over,ratio
Strategic fit,Risk,3
Strategic fit,Value,2
Value,Risk,1/2
""",
    "categories": """\
category,min_share,max_share
Growth,0.2,0.8
Ops,,0.6
""",
}


def write_portfolio(folder: Path, changes: dict[str, str | None] | None = None) -> Path:
    """Write VALID with ``changes`` (table -> CSV text, or None to leave the table out)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in {**VALID, **(changes or {})}.items():
        if text is not None:
            (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


def edit(table: str, old: str, new: str) -> dict[str, str]:
    """VALID's ``table`` with its first ``old`` replaced by ``new`` (``old`` must be there)."""
    assert old in VALID[table], f"{old!r} not in {table}"
    return {table: VALID[table].replace(old, new, 1)}


def add(table: str, line: str) -> dict[str, str]:
    return {table: VALID[table] + line + "\n"}


@pytest.fixture
def portfolio_dir(tmp_path: Path) -> Path:
    return write_portfolio(tmp_path / "portfolio")


def test_valid_portfolio_loads_without_problems(portfolio_dir: Path):
    assert validate_tables(read_tables(portfolio_dir)) == []
    p = load_portfolio(portfolio_dir)
    assert isinstance(p, Portfolio)
    assert p.project_ids == ["P01", "P02", "007", "P04"]
    assert p.projects.loc["007", "status"] == "in_flight"
    assert p.pairwise["ratio"].tolist() == pytest.approx([3, 2, 0.5])
    assert p.warnings == ()


# (case id, change, location "file:row:column", fragments the message must hold, severity)
CASES = [
    ("no-projects", {"projects": None}, "projects.csv:-:-", ["'projects' is missing"], "error"),
    ("no-capacity", {"capacity": None}, "capacity.csv:-:-", ["'capacity' is missing"], "error"),
    (
        "missing-column",
        edit("demand", "project_id,role,fte,", "project_id,role,ftes,"),
        "demand.csv:1:fte",
        ["'fte' is missing", "'ftes'"],
        "error",
    ),
    (
        "unknown-column",
        edit("projects", "benefit,risk", "benefit,risk,sponsr"),
        "projects.csv:1:sponsr",
        ["unknown column 'sponsr'"],
        "warning",
    ),
    (
        "duration-text",
        edit("projects", ",6,", ",six,"),
        "projects.csv:2:duration",
        ["'six'", "not a number"],
        "error",
    ),
    (
        "duration-fraction",
        edit("projects", ",4,", ",4.5,"),
        "projects.csv:3:duration",
        ["'4.5'", "whole number"],
        "error",
    ),
    (
        "duration-zero",
        edit("projects", ",6,", ",0,"),
        "projects.csv:2:duration",
        ["'0'", "at least 1 month"],
        "error",
    ),
    (
        "duration-negative",
        edit("projects", ",6,", ",-3,"),
        "projects.csv:2:duration",
        ["'-3'"],
        "error",
    ),
    (
        "duration-days",
        edit("projects", ",6,", ",5000,"),
        "projects.csv:2:duration",
        ["'5000'", "days"],
        "error",
    ),
    (
        "duration-empty",
        edit("projects", ",6,", ",,"),
        "projects.csv:2:duration",
        ["duration is empty"],
        "error",
    ),
    (
        "offset-fraction",
        edit("demand", "1,1", "1,1.5"),
        "demand.csv:4:month_offset",
        ["'1.5'", "whole number"],
        "error",
    ),
    (
        "offset-range",
        edit("demand", "1,1", "1,7"),
        "demand.csv:4:month_offset",
        ["'7'", "0..3"],
        "error",
    ),
    (
        "offset-negative",
        edit("demand", "1,1", "1,-1"),
        "demand.csv:4:month_offset",
        ["'-1'", "negative"],
        "error",
    ),
    (
        "empty-id",
        edit("projects", "P02,CRM", ",CRM"),
        "projects.csv:3:project_id",
        ["project_id is empty"],
        "error",
    ),
    (
        "duplicate-id",
        edit("projects", "P04,Analytics", "P01,Analytics"),
        "projects.csv:5:project_id",
        ["'P01'", "row 2"],
        "error",
    ),
    (
        "duplicate-role",
        edit("roles", "Analyst,8000", "Developer,8000"),
        "roles.csv:4:role",
        ["'Developer'", "row 2"],
        "error",
    ),
    (
        "duplicate-criterion",
        edit("criteria", "Value,0.3", "Risk,0.3"),
        "criteria.csv:4:criterion",
        ["'Risk'", "row 3"],
        "error",
    ),
    (
        "fte-negative",
        edit("demand", "P01,Developer,2", "P01,Developer,-2"),
        "demand.csv:2:fte",
        ["'-2'", "negative"],
        "error",
    ),
    (
        "capacity-text",
        edit("capacity", "Developer,4", "Developer,lots"),
        "capacity.csv:2:fte",
        ["'lots'", "not a number"],
        "error",
    ),
    (
        "capacity-empty",
        edit("capacity", "Developer,4", "Developer,"),
        "capacity.csv:2:fte",
        ["fte is empty"],
        "error",
    ),
    (
        "cost-negative",
        edit("projects", "120000", "-120000"),
        "projects.csv:2:cost",
        ["'-120000'", "negative"],
        "error",
    ),
    (
        "benefit-letter",
        edit("projects", "300000", "3OOOOO"),
        "projects.csv:2:benefit",
        ["'3OOOOO'", "not a number"],
        "error",
    ),
    (
        "benefit-infinite",
        edit("projects", "300000", "1e400"),
        "projects.csv:2:benefit",
        ["'1e400'", "not a number"],
        "error",
    ),
    (
        "amount-negative",
        edit("budget", "600000", "-1"),
        "budget.csv:2:amount",
        ["'-1'", "negative"],
        "error",
    ),
    (
        "weight-negative",
        edit("criteria", "0.5", "-0.5"),
        "criteria.csv:2:weight",
        ["'-0.5'"],
        "error",
    ),
    (
        "hire-negative",
        edit("roles", "12000", "-12000"),
        "roles.csv:2:hire_cost_per_fte_month",
        ["'-12000'"],
        "error",
    ),
    (
        "start-format",
        edit("projects", "2027-01,2027-12", "01/2027,2027-12"),
        "projects.csv:2:earliest_start",
        ["'01/2027'", "YYYY-MM"],
        "error",
    ),
    (
        "deadline-format",
        edit("projects", "2027-01,2027-12", "2027-01,2027-13"),
        "projects.csv:2:deadline",
        ["'2027-13'", "YYYY-MM"],
        "error",
    ),
    (
        "month-format",
        edit("capacity", "2027-06", "June"),
        "capacity.csv:5:month",
        ["'June'", "YYYY-MM"],
        "error",
    ),
    (
        "month-typo-year",
        edit("capacity", "2027-06", "2207-06"),
        "capacity.csv:5:month",
        ["'2207-06'", "plausible"],
        "error",
    ),
    (
        "start-after-deadline",
        edit("projects", "2027-03,2027-12", "2027-09,2027-05"),
        "projects.csv:3:deadline",
        ["2027-05", "before earliest_start 2027-09"],
        "error",
    ),
    (
        "deadline-unreachable",
        edit("projects", "2027-01,2027-12", "2027-01,2027-05"),
        "projects.csv:2:deadline",
        ["2027-05 cannot be met", "end in 2027-06"],
        "error",
    ),
    (
        "bad-status",
        edit("projects", "committed", "active"),
        "projects.csv:2:status",
        ["'active'", "proposed, committed, in_flight"],
        "error",
    ),
    (
        "status-typo",
        edit("projects", "committed", "comitted"),
        "projects.csv:2:status",
        ["did you mean 'committed'"],
        "error",
    ),
    (
        "demand-unknown-project",
        edit("demand", "P04,Analyst", "P99,Analyst"),
        "demand.csv:7:project_id",
        ["'P99'", "not a known project"],
        "error",
    ),
    (
        "demand-id-padding",
        edit("demand", "007,Data", "7,Data"),
        "demand.csv:6:project_id",
        ["'7'", "did you mean '007'"],
        "error",
    ),
    (
        "scores-unknown-project",
        edit("scores", "P02,Value", "P2,Value"),
        "scores.csv:4:project_id",
        ["'P2'", "did you mean 'P02'"],
        "error",
    ),
    (
        "unknown-role",
        edit("demand", "P02,Data Engineer", "P02,Data Engineeer"),
        "demand.csv:5:role",
        ["'Data Engineeer' is not a known role", "did you mean 'Data Engineer'?"],
        "error",
    ),
    (
        "unknown-criterion",
        edit("scores", "P01,Risk", "P01,Riskk"),
        "scores.csv:3:criterion",
        ["'Riskk'", "did you mean 'Risk'"],
        "error",
    ),
    (
        "duplicate-score",
        add("scores", "P01,Risk,5"),
        "scores.csv:5:criterion",
        ["'P01 / Risk'", "row 3"],
        "error",
    ),
    (
        "dependency-unknown",
        edit("dependencies", "P04,007,", "P04,P77,"),
        "dependencies.csv:3:depends_on",
        ["'P77'"],
        "error",
    ),
    (
        "dependency-self",
        edit("dependencies", "P04,007,", "P04,P04,"),
        "dependencies.csv:3:depends_on",
        ["'P04' depends on itself"],
        "error",
    ),
    (
        "dependency-kind",
        edit("dependencies", "requires", "blocks"),
        "dependencies.csv:3:kind",
        ["'blocks'", "requires, finish_to_start, excludes"],
        "error",
    ),
    (
        "dependency-cycle",
        add("dependencies", "P01,P02,finish_to_start"),
        "dependencies.csv:2:depends_on",
        ["cycle P01 -> P02 -> P01 (finish_to_start)", "rows 2, 5"],
        "error",
    ),
    (
        "requires-and-excludes",
        add("dependencies", "P02,P04,requires"),
        "dependencies.csv:4:kind",
        ["P04 excludes P02", "P02 requires P04 (row 5)"],
        "error",
    ),
    (
        "active-exclude",
        add("dependencies", "P01,007,excludes"),
        "dependencies.csv:5:kind",
        ["P01 (committed) excludes 007 (in_flight)"],
        "error",
    ),
    (
        "in-flight-waits",
        add("dependencies", "007,P04,finish_to_start"),
        "dependencies.csv:5:kind",
        ["007 is in_flight", "cannot wait for P04"],
        "error",
    ),
    (
        "period-quarter",
        edit("budget", "2027-Q1", "2027-Q5"),
        "budget.csv:4:period",
        ["'2027-Q5'", "'total'"],
        "error",
    ),
    (
        "period-words",
        edit("budget", "2027-Q1", "next year"),
        "budget.csv:4:period",
        ["'next year'"],
        "error",
    ),
    (
        "pairwise-unknown",
        edit("pairwise", "Value,Risk", "Value,Risks"),
        "pairwise.csv:4:over",
        ["'Risks'", "did you mean 'Risk'"],
        "error",
    ),
    (
        "ratio-large",
        edit("pairwise", "Risk,3", "Risk,12"),
        "pairwise.csv:2:ratio",
        ["'12'", "1/9 to 9"],
        "error",
    ),
    (
        "ratio-small",
        edit("pairwise", "Risk,3", "Risk,1/10"),
        "pairwise.csv:2:ratio",
        ["'1/10'", "1/9 to 9"],
        "error",
    ),
    (
        "ratio-zero",
        edit("pairwise", "Risk,3", "Risk,0"),
        "pairwise.csv:2:ratio",
        ["'0'", "more than 0"],
        "error",
    ),
    (
        "ratio-self",
        edit("pairwise", "Strategic fit,Risk", "Risk,Risk"),
        "pairwise.csv:2:over",
        ["'Risk' is compared with itself"],
        "error",
    ),
    (
        "ratio-reverse",
        add("pairwise", "Risk,Strategic fit,3"),
        "pairwise.csv:5:ratio",
        ["Risk over Strategic fit", "row 2", "reciprocal"],
        "error",
    ),
    (
        "direction",
        edit("criteria", "0.5,max", "0.5,maximise"),
        "criteria.csv:2:direction",
        ["'maximise'", "max, min"],
        "error",
    ),
    (
        "share-range",
        edit("categories", "0.2,0.8", "1.5,"),
        "categories.csv:2:min_share",
        ["'1.5'", "between 0 and 1"],
        "error",
    ),
    (
        "share-order",
        edit("categories", "0.2,0.8", "0.7,0.3"),
        "categories.csv:2:min_share",
        ["'0.7'", "'0.3'"],
        "error",
    ),
    (
        "share-sum",
        edit("categories", "Ops,,", "Ops,0.9,"),
        "categories.csv:-:min_share",
        ["add up to 1.1"],
        "error",
    ),
    ("empty-file", {"budget": ""}, "budget.csv:-:-", ["empty (0 bytes)"], "error"),
    (
        "header-only",
        {"projects": VALID["projects"].splitlines()[0] + "\n"},
        "projects.csv:-:-",
        ["no data rows"],
        "error",
    ),
    (
        "ragged-row",
        edit("capacity", "Analyst,1,", "Analyst,1,,9"),
        "capacity.csv:4:-",
        ["'9'", "4 cells", "header has 3"],
        "error",
    ),
    (
        "stray-file",
        {"projets": "a,b\n1,2\n"},
        "projets.csv:-:-",
        ["not a portfolio table", "did you mean 'projects'"],
        "warning",
    ),
    (
        "requires-cycle",
        add("dependencies", "007,P04,requires"),
        "dependencies.csv:3:depends_on",
        ["cycle 007 -> P04 -> 007", "selected together"],
        "warning",
    ),
]


@pytest.mark.parametrize(
    ("change", "where", "fragments", "severity"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_bad_input_is_reported_with_place_and_value(
    tmp_path: Path, change, where: str, fragments: list[str], severity: str
):
    folder = write_portfolio(tmp_path / "p", change)
    problems = validate_tables(read_tables(folder))
    matches = [
        p
        for p in problems
        if str(p).startswith(where + ":") and all(f in str(p) for f in fragments)
    ]
    assert matches, "\n".join(str(p) for p in problems)
    assert matches[0].severity == severity
    if severity == "error":
        with pytest.raises(InputError) as info:
            load_portfolio(folder)
        assert str(matches[0]) in str(info.value)
    else:
        assert str(matches[0]) in load_portfolio(folder).warnings


def test_at_least_thirty_bad_input_cases():
    assert len([c for c in CASES if c[-1] == "error"]) >= 30


def test_problems_in_several_files_come_in_one_error(tmp_path: Path):
    folder = write_portfolio(
        tmp_path / "p",
        {
            **edit("projects", ",6,", ",six,"),
            **edit("demand", "P02,Data Engineer", "P02,Data Engineeer"),
            **edit("capacity", "Developer,4", "Developer,-4"),
            **edit("budget", "2027-Q1", "Q1"),
            "criteria": "",
        },
    )
    with pytest.raises(InputError) as info:
        load_portfolio(folder)
    text = str(info.value)
    for where in (
        "projects.csv:2:duration: 'six'",
        "demand.csv:5:role: 'Data Engineeer'",
        "capacity.csv:2:fte: '-4'",
        "budget.csv:4:period: 'Q1'",
        "criteria.csv:-:-: the file is empty",
    ):
        assert where in text
    assert text.startswith("5 error(s) in the input:")
    assert {p.file for p in info.value.problems} == {
        "projects.csv",
        "demand.csv",
        "capacity.csv",
        "budget.csv",
        "criteria.csv",
    }


def test_one_bad_table_does_not_hide_or_flood_the_others(tmp_path: Path):
    """An unreadable projects file gives one problem, not one per demand row."""
    folder = write_portfolio(tmp_path / "p", {"projects": "", **edit("capacity", "4", "x")})
    problems = [p for p in validate_tables(read_tables(folder)) if p.severity == "error"]
    assert [(p.file, p.row, p.column) for p in problems] == [
        ("projects.csv", None, None),
        ("capacity.csv", 2, "fte"),
    ]


def test_longer_cycle_is_named_in_order(tmp_path: Path):
    deps = (
        "project_id,depends_on,kind\n"
        "P01,P04,finish_to_start\nP04,P02,finish_to_start\nP02,P01,finish_to_start\n"
        "P04,007,requires\n"
    )
    problems = validate_tables(read_tables(write_portfolio(tmp_path / "p", {"dependencies": deps})))
    cycles = [p for p in problems if "cycle" in p.message]
    assert [str(p) for p in cycles] == [
        "dependencies.csv:2:depends_on: dependency cycle P01 -> P04 -> P02 -> P01 "
        "(finish_to_start): each must finish before the next starts, so none of them can ever "
        "be scheduled; remove or change one of rows 2, 3, 4"
    ]


def test_cycle_with_a_requires_is_a_bundle_not_an_error(tmp_path: Path):
    """A finish_to_start back along a requires is satisfiable: both selected, one after the other."""
    deps = (
        "project_id,depends_on,kind\nP01,P04,finish_to_start\nP04,P02,requires\nP02,P01,requires\n"
    )
    folder = write_portfolio(tmp_path / "p", {"dependencies": deps})
    p = load_portfolio(folder)
    assert [w for w in p.warnings if "cycle" in w] == [
        "dependencies.csv:2:depends_on: warning: dependency cycle P01 -> P04 -> P02 -> P01 "
        "(finish_to_start and requires): these projects are selected together or not at all; "
        "if that is not meant, remove one of rows 2, 3, 4"
    ]


def test_warnings_do_not_stop_loading(tmp_path: Path):
    folder = write_portfolio(
        tmp_path / "p",
        {**edit("projects", "benefit,risk", "benefit,risk,owner"), "notes": "x\n1\n"},
    )
    p = load_portfolio(folder)
    assert any("unknown column 'owner'" in w for w in p.warnings)
    assert any("notes.csv is not a portfolio table" in w for w in p.warnings)
    assert "owner" not in p.projects.columns


def test_summary_text_counts_horizon_and_load(portfolio_dir: Path):
    text = summary_text(load_portfolio(portfolio_dir))
    assert "projects      4 (2 proposed, 1 committed, 1 in_flight)" in text
    assert "roles         3" in text
    assert "(1 requires, 1 finish_to_start, 1 excludes)" in text
    assert "2027-01 .. 2027-12 (12 months" in text
    lines = {line.split()[0]: line.split() for line in text.splitlines() if line.startswith("    ")}
    # Analyst: demand 1 FTE x 5 months; capacity 1 FTE for 11 months and 2 in June = 13
    assert lines["Analyst"][1:3] == ["5.0", "13.0"]
    # Developer: P01 2 x 6 + P02 1.5 + 1 = 14.5 against 4 x 12 = 48
    assert lines["Developer"][1:3] == ["14.5", "48.0"]


def test_summary_text_without_any_month(tmp_path: Path):
    projects = "project_id,duration\nA,2\n"
    folder = write_portfolio(
        tmp_path / "p",
        {
            "projects": projects,
            "demand": "project_id,role,fte\nA,Dev,1\n",
            "capacity": "role,fte\nDev,1\n",
            **dict.fromkeys(
                ["roles", "budget", "dependencies", "criteria", "scores", "pairwise", "categories"]
            ),
        },
    )
    text = summary_text(load_portfolio(folder))
    assert "horizon       not derived" in text
    assert "horizon_start" in text


# --------------------------------------------------------------------------------------------
# property: garbage in any cell gives InputError or a portfolio, never another exception

GARBAGE = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=12),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(
        [
            "",
            " ",
            ";",
            '"',
            '""',
            "'",
            ",",
            "\n",
            "1,5",
            "1.234,5",
            "1e400",
            "-0",
            "nan",
            "inf",
            "2027-02",
            "2207-01",
            "0000-00",
            "9999-12",
            "P01",
            "007",
            "7",
            "Developer",
            "total",
            "2027-Q1",
            "1/9",
            "1/0",
            "30%",
            "=SUM(A1)",
            "#REF!",
            "\x00",
            "\ufeff",
            "٣",
            "²",
            "in flight",
            "excludes",
            "finish_to_start",
        ]
    ),
)
CELLS = [(name, col) for name, text in VALID.items() for col in next(csv.reader(io.StringIO(text)))]


def _write_with(folder: Path, name: str, col: str, row: int, value: str, quoted: bool) -> None:
    rows = list(csv.reader(io.StringIO(VALID[name])))
    header, data = rows[0], rows[1:]
    data[row % len(data)][header.index(col)] = value
    if quoted:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows([header, *data])
        text = buf.getvalue()
    else:  # as a careless tool would write it: the garbage may break the row apart
        text = "\n".join(",".join(r) for r in [header, *data]) + "\n"
    write_portfolio(folder, {name: text})


@pytest.mark.slow
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cell=st.sampled_from(CELLS),
    row=st.integers(min_value=0, max_value=10),
    value=GARBAGE,
    quoted=st.booleans(),
)
def test_garbage_cells_give_input_error_or_a_portfolio(cell, row, value, quoted):
    name, col = cell
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _write_with(folder, name, col, row, value, quoted)
        try:
            portfolio = load_portfolio(folder)
        except InputError as exc:
            assert exc.problems
            assert all(p.severity in ("error", "warning") for p in exc.problems)
            return
        assert isinstance(summary_text(portfolio), str)  # what `pmo-opt validate` prints


@pytest.mark.slow
@settings(max_examples=40, deadline=None)
@given(table=st.sampled_from(sorted(VALID)), data=st.binary(max_size=200))
def test_random_bytes_as_a_table_give_input_error_or_a_portfolio(table, data):
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_portfolio(Path(tmp))
        (folder / f"{table}.csv").write_bytes(data)
        try:
            load_portfolio(folder)
        except InputError as exc:
            assert exc.problems
