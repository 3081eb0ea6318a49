"""Reading portfolios: CSV dialects from Excel, workbooks, ids as text, files left untouched."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import math
import tempfile
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmo_opt.errors import InputError
from pmo_opt.inputs.cells import parse_number
from pmo_opt.inputs.data import read_tables
from pmo_opt.inputs.load import load_portfolio
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.tables import TABLES
from pmo_opt.inputs.validate import validate_tables

PROJECTS = [
    ["project_id", "name", "status", "earliest_start", "deadline", "duration", "cost", "benefit"],
    ["007", "Café tills", "committed", "2027-01", "2027-12", "3", "1500.5", "4000"],
    ["P2", "Straße", "proposed", "2027-02", "", "2", "", "2500.25"],
]
DEMAND = [
    ["project_id", "role", "fte", "month_offset"],
    ["007", "Développeur", "1.5", ""],
    ["P2", "Développeur", "0.5", "1"],
]
CAPACITY = [["role", "fte", "month"], ["Développeur", "2.5", ""]]
TABLE_ROWS = {"projects": PROJECTS, "demand": DEMAND, "capacity": CAPACITY}


def write_csvs(
    folder: Path,
    sep: str = ",",
    encoding: str = "utf-8",
    decimal: str = ".",
    tables: dict[str, list[list[str]]] | None = None,
) -> Path:
    """Write the small portfolio as a spreadsheet program would: any separator and encoding."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in (tables or TABLE_ROWS).items():
        lines = [
            sep.join(cell.replace(".", decimal) if _is_num(cell) else cell for cell in row)
            for row in rows
        ]
        (folder / f"{name}.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return folder


def _is_num(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def digest(path: Path) -> dict[str, str]:
    files = sorted(path.rglob("*")) if path.is_dir() else [path]
    return {str(f): hashlib.sha256(f.read_bytes()).hexdigest() for f in files if f.is_file()}


def check_small(p: Portfolio) -> None:
    assert p.project_ids == ["007", "P2"]
    assert p.projects.loc["007", "name"] == "Café tills"
    assert p.projects.loc["007", "cost"] == pytest.approx(1500.5)
    assert p.projects.loc["P2", "benefit"] == pytest.approx(2500.25)
    assert math.isnan(p.projects.loc["P2", "cost"])
    assert p.projects.loc["P2", "deadline"] is None
    assert p.role_names == ["Développeur"]
    assert p.capacity["fte"].tolist() == [2.5]
    d = p.demand.set_index(["project_id", "month_offset"])["fte"]
    assert d[("007", 0)] == d[("007", 2)] == 1.5
    assert d[("P2", 1)] == 0.5 and ("P2", 0) not in d.index


@pytest.mark.parametrize(
    ("sep", "encoding", "decimal"),
    [
        pytest.param(",", "utf-8", ".", id="plain"),
        pytest.param(",", "utf-8-sig", ".", id="utf8-bom"),
        pytest.param(";", "utf-8-sig", ",", id="excel-europe-bom"),
        pytest.param(";", "cp1252", ",", id="excel-europe-cp1252"),
        pytest.param(",", "cp1252", ".", id="cp1252"),
        pytest.param("\t", "utf-16", ".", id="excel-unicode-text"),
    ],
)
def test_csv_dialects_from_spreadsheets(tmp_path: Path, sep: str, encoding: str, decimal: str):
    folder = write_csvs(tmp_path / "p", sep, encoding, decimal)
    before = digest(folder)
    check_small(load_portfolio(folder))
    assert digest(folder) == before  # input files are never modified


def test_semicolon_file_reads_decimal_comma_and_thousands(tmp_path: Path):
    projects = [
        ["project_id", "duration", "cost", "benefit"],
        ["007", "2", "1.234,5", "1,5"],
        # German Excel's 2,000: the column's 1.234,5 says '.' groups thousands (issue 26)
        ["P2", "2", "2.000", "0,25"],
    ]
    folder = write_csvs(tmp_path / "p", ";", tables={**TABLE_ROWS, "projects": projects})
    tables = read_tables(folder)
    assert tables["projects"].decimal_comma
    p = load_portfolio(folder)
    assert p.projects["cost"].tolist() == [1234.5, 2000.0]
    assert p.projects["benefit"].tolist() == [1.5, 0.25]


def test_mixed_comma_file_reads_quoted_numbers(tmp_path: Path):
    (tmp_path / "p").mkdir()
    write_csvs(tmp_path / "p")
    (tmp_path / "p" / "projects.csv").write_text(
        'project_id,duration,cost,benefit\n007,3,"1,234.5","1,5"\nP2,2,,\n', encoding="utf-8"
    )
    p = load_portfolio(tmp_path / "p")
    assert p.projects.loc["007", "cost"] == 1234.5
    assert p.projects.loc["007", "benefit"] == 1.5


@pytest.mark.parametrize(
    ("text", "comma", "value"),
    [
        ("1.5", False, 1.5),
        ("1,5", False, 1.5),
        ("1,5", True, 1.5),
        ("1.5", True, 1.5),
        ("1,500", False, 1500.0),
        ("1,500", True, 1.5),
        ("1.234,5", True, 1234.5),
        ("1,234.5", False, 1234.5),
        ("1 234,5", True, 1234.5),
        ("1\u00a0234,5", True, 1234.5),
        ("1.234.567", True, 1234567.0),
        ("-3", False, -3.0),
        ("\u22123", False, -3.0),
        ("1e3", False, 1000.0),
        (" 7 ", False, 7.0),
        ("", False, None),
        ("abc", False, None),
        ("1,2,3", False, None),
        ("1.2.3", False, None),
        ("1.5,3", True, None),
        ("nan", False, None),
        ("inf", False, None),
        ("1e400", False, None),
        ("30%", False, None),
        ("1/3", False, None),
    ],
)
def test_parse_number(text: str, comma: bool, value: float | None):
    assert parse_number(text, comma) == value


def test_parse_number_percent_and_fraction():
    assert parse_number("30%", percent=True) == pytest.approx(0.3)
    assert parse_number("12,5%", True, percent=True) == pytest.approx(0.125)
    assert parse_number("1/3", fraction=True) == pytest.approx(1 / 3)
    assert parse_number("1/0", fraction=True) is None
    assert parse_number("1/x", fraction=True) is None


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_parse_number_reads_python_floats_back(x: float):
    assert parse_number(repr(x)) == x
    assert parse_number(str(x)) == x


def test_ids_stay_text_and_names_are_forgiving(tmp_path: Path):
    folder = write_csvs(tmp_path / "p")
    (folder / "projects.csv").write_text(
        " Project ID ,Duration,STATUS\n007,3,In Flight\n0042,2,Committed\n", encoding="utf-8"
    )
    (folder / "demand.csv").write_text(
        "project_id,role,fte\n007,Développeur,1\n0042,Développeur,1\n", encoding="utf-8"
    )
    (folder / "Capacity.CSV").write_text("role,fte\nDéveloppeur,3\n", encoding="utf-8")
    (folder / "capacity.csv").unlink()
    p = load_portfolio(folder)
    assert p.project_ids == ["007", "0042"]
    assert p.projects["status"].tolist() == ["in_flight", "committed"]
    assert set(p.demand["project_id"]) == {"007", "0042"}


def test_blank_rows_keep_spreadsheet_row_numbers(tmp_path: Path):
    folder = write_csvs(tmp_path / "p")
    (folder / "capacity.csv").write_text("role,fte\n\nDéveloppeur,2\n,,\nDéveloppeur,x\n")
    problems = validate_tables(read_tables(folder))
    assert [(p.row, p.column) for p in problems] == [(5, "fte")]
    assert "'x'" in problems[0].message


def test_quoted_newline_counts_as_one_row(tmp_path: Path):
    folder = write_csvs(tmp_path / "p")
    (folder / "capacity.csv").write_text('role,fte\n"Dévelop\npeur",2\nDéveloppeur,-1\n')
    problems = [p for p in validate_tables(read_tables(folder)) if p.column == "fte"]
    assert [p.row for p in problems] == [3]


def test_duplicate_header_is_an_error(tmp_path: Path):
    folder = write_csvs(tmp_path / "p")
    (folder / "capacity.csv").write_text("role,fte,FTE\nDéveloppeur,2,3\n")
    with pytest.raises(InputError, match=r"capacity.csv:1:fte: column 'fte' appears twice"):
        load_portfolio(folder)


def test_undecodable_bytes_do_not_crash(tmp_path: Path):
    folder = write_csvs(tmp_path / "p")
    # 0x81 is undefined in cp1252 and invalid UTF-8: read as latin-1, reported as a bad number
    (folder / "capacity.csv").write_bytes(b"role,fte\nD\xe9veloppeur,2\x81\n")
    with pytest.raises(InputError, match=r"capacity.csv:2:fte: '2"):
        load_portfolio(folder)


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        pytest.param(lambda p: p / "nowhere", "no such file or folder", id="missing"),
        pytest.param(
            lambda p: _file(p / "book.xlsx", b"project_id,duration\n"),
            "not an Excel workbook",
            id="csv-named-xlsx",
        ),
        pytest.param(
            lambda p: _zip(p / "book.xlsx"),
            "cannot be opened as an Excel workbook",
            id="zip-not-xlsx",
        ),
        pytest.param(
            lambda p: _file(p / "book.xls", b"\xd0\xcf\x11\xe0"),
            "Excel Workbook (.xlsx)",
            id="old-xls",
        ),
        pytest.param(lambda p: _file(p / "projects.csv", b"a\n"), "give the folder", id="one-csv"),
    ],
)
def test_paths_that_are_not_portfolios(tmp_path: Path, make, fragment: str):
    with pytest.raises(InputError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        load_portfolio(make(tmp_path))


def _file(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    return path


# --------------------------------------------------------------------------------------------
# workbooks


def write_workbook(path: Path, tables: dict[str, list[list[object]]] | None = None) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in (tables or TABLE_ROWS).items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append([_typed(c) for c in row])
    book.save(path)
    return path


def _typed(cell: object) -> object:
    """Numbers as Excel stores them, except ids (they stay text, as in a well-made workbook)."""
    if isinstance(cell, str) and _is_num(cell) and not cell.startswith("0"):
        return float(cell) if "." in cell else int(cell)
    return cell if cell != "" else None


def test_workbook_reads_like_the_csv_folder(tmp_path: Path):
    book = write_workbook(tmp_path / "p.xlsx")
    before = digest(book)
    p = load_portfolio(book)
    check_small(p)
    assert digest(book) == before
    folder = load_portfolio(write_csvs(tmp_path / "csv"))
    pd.testing.assert_frame_equal(p.projects, folder.projects)
    pd.testing.assert_frame_equal(p.demand, folder.demand)


def test_workbook_numeric_id_is_read_as_displayed(tmp_path: Path):
    book = write_workbook(tmp_path / "p.xlsx")
    wb = openpyxl.load_workbook(book)
    for sheet, cell in (("projects", "A2"), ("demand", "A2")):
        wb[sheet][cell] = 7
        wb[sheet][cell].number_format = "000"
    wb["projects"]["A3"] = 2.0  # 'P2' becomes the number 2, shown without decimals
    wb["demand"]["A3"] = 2
    wb.save(book)
    p = load_portfolio(book)
    assert p.project_ids == ["007", "2"]
    assert set(p.demand["project_id"]) == {"007", "2"}


def test_workbook_month_typed_as_date(tmp_path: Path):
    book = write_workbook(tmp_path / "p.xlsx")
    wb = openpyxl.load_workbook(book)
    wb["projects"]["D2"] = dt.datetime(2027, 3, 1)
    wb.save(book)
    assert load_portfolio(book).projects.loc["007", "earliest_start"] == "2027-03"


def test_workbook_formula_without_saved_value(tmp_path: Path):
    book = write_workbook(tmp_path / "p.xlsx")
    wb = openpyxl.load_workbook(book)
    wb["projects"]["F2"] = "=1+2"  # duration; openpyxl stores no cached result
    wb["capacity"]["B2"] = "=SUM(1,1)"
    wb.save(book)
    with pytest.raises(InputError) as info:
        load_portfolio(book)
    problems = info.value.problems
    text = str(info.value)
    assert "p.xlsx[projects]:2:duration: formula '=1+2' has no saved value" in text
    assert "p.xlsx[capacity]:2:fte: formula '=SUM(1,1)' has no saved value" in text
    assert len(problems) == 2  # not also 'duration is empty'


def test_workbook_formula_with_saved_value_is_read(tmp_path: Path):
    book = write_workbook(tmp_path / "p.xlsx")
    wb = openpyxl.load_workbook(book)
    wb["projects"]["F2"] = "=1+2"
    wb.save(book)
    _store_cached_value(book, "=1+2", "3")
    p = load_portfolio(book)
    assert p.projects.loc["007", "duration"] == 3


def _store_cached_value(book: Path, formula: str, value: str) -> None:
    """Add the result Excel would have saved next to a formula (openpyxl cannot)."""
    data = io.BytesIO(book.read_bytes())
    out = io.BytesIO()
    with zipfile.ZipFile(data) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                f = formula.lstrip("=").encode()
                content = content.replace(
                    b"<f>" + f + b"</f><v></v>", b"<f>" + f + b"</f><v>" + value.encode() + b"</v>"
                )
                content = content.replace(
                    b"<f>" + f + b"</f><v />", b"<f>" + f + b"</f><v>" + value.encode() + b"</v>"
                )
            dst.writestr(item, content)
    book.write_bytes(out.getvalue())


def test_workbook_sheet_problems(tmp_path: Path):
    tables = {
        **TABLE_ROWS,
        "Notes": [["anything"]],
        "capacity": [["role", "fte"]],  # header only: a required table needs rows
    }
    book = write_workbook(tmp_path / "p.xlsx", tables)
    with pytest.raises(InputError) as info:
        load_portfolio(book)
    text = str(info.value)
    assert "p.xlsx[capacity]:-:-: p.xlsx[capacity] has a header but no data rows" in text
    assert "p.xlsx[Notes]:-:-: warning: p.xlsx[Notes] is not a portfolio table" in text
    del tables["capacity"]
    book = write_workbook(tmp_path / "q.xlsx", tables)
    with pytest.raises(
        InputError,
        match=r"q.xlsx\[capacity\]:-:-: required table 'capacity' is missing; add a sheet",
    ):
        load_portfolio(book)


def test_table_spec_is_unchanged():
    """Other modules rely on these names."""
    assert TABLES["projects"][0] == ("project_id", "duration")
    assert TABLES["demand"] == (("project_id", "role", "fte"), ("month_offset",))
    assert TABLES["capacity"] == (("role", "fte"), ("month",))


CELL_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.datetimes(min_value=dt.datetime(1900, 1, 1)),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=10),
    st.sampled_from(["=1+1", "#REF!", "007", "2027-03", "1,5", "in flight"]),
)


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    table=st.sampled_from(sorted(TABLE_ROWS)),
    row=st.integers(min_value=1, max_value=2),
    col=st.integers(min_value=0, max_value=7),
    value=CELL_VALUES,
)
def test_workbook_garbage_cells_give_input_error_or_a_portfolio(table, row, col, value):
    with tempfile.TemporaryDirectory() as tmp:
        book = write_workbook(Path(tmp) / "p.xlsx")
        wb = openpyxl.load_workbook(book)
        sheet = wb[table]
        rows = TABLE_ROWS[table]
        sheet.cell(row=min(row, len(rows) - 1) + 1, column=col % len(rows[0]) + 1, value=value)
        wb.save(book)
        try:
            load_portfolio(book)
        except InputError as exc:
            assert exc.problems


def test_excel_sep_line_names_the_separator(tmp_path: Path):
    folder = write_csvs(tmp_path / "p")
    (folder / "capacity.csv").write_text("sep=;\nrole;fte\nDéveloppeur;2,5\n", encoding="utf-8")
    assert load_portfolio(folder).capacity["fte"].tolist() == [2.5]
    (folder / "capacity.csv").write_text("sep=;\nrole;fte\nDéveloppeur;-1\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"capacity.csv:2:fte: '-1'"):
        load_portfolio(folder)


def test_column_without_header_is_ignored_with_a_warning(tmp_path: Path):
    folder = write_csvs(tmp_path / "p")
    (folder / "capacity.csv").write_text("role,fte,\nDéveloppeur,2,note\n", encoding="utf-8")
    p = load_portfolio(folder)
    assert list(p.capacity.columns) == ["role", "month", "fte"]
    assert p.warnings == (
        "capacity.csv:1:column 3: warning: column 3 has data but no header; it is ignored (give it a name or delete it)",
    )
