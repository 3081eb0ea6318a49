"""The intake workbook a PMO sends to project sponsors (``pmo-opt template``), and the workbook
form of any portfolio's tables: an instructions sheet, one sheet per table with a note on each
column header, dropdowns drawn from the workbook's own sheets, number and month checks, frozen
headers. It reads back through :mod:`~pmo_opt.inputs.workbook_reader` as it was written."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pmo_opt.errors import InputError, Problem
from pmo_opt.inputs.rules import CHOICES, MONTH_COLUMNS, NUMBERS
from pmo_opt.inputs.tables import DEPENDENCY_KINDS, DIRECTIONS, STATUSES, TABLES

#: rows below the data that carry the checks, so a sponsor can add projects
SPARE_ROWS = 200
NOTES = {
    "project_id": "A short unique id, e.g. P001 or CLAIMS_PORTAL; used in every other sheet.",
    "name": "The project's name as the board knows it.",
    "category": "Strategic theme; pick one of the categories sheet.",
    "status": "proposed (to decide), committed (must happen) or in_flight (running now).",
    "earliest_start": "First month the project may start, YYYY-MM (e.g. 2027-03); blank = any.",
    "deadline": "Last month work may happen, YYYY-MM; blank = none.",
    "duration": "Whole months from start to finish.",
    "cost": "Total cost in the portfolio's currency; blank = the labour cost of its demand.",
    "benefit": "What the project is worth, in the portfolio's value unit.",
    "risk": "Risk rating (0 = none).",
    "cost_of_delay": "Value lost per month of delay.",
    "benefit_low": "Pessimistic benefit (uncertainty analysis).",
    "benefit_high": "Optimistic benefit.",
    "cost_low": "Lowest likely cost.",
    "cost_high": "Highest likely cost.",
    "role": "A role of the roles sheet.",
    "month_offset": "Month of the project, 0 = its first; blank = the same FTE every month.",
    "fte": "Full-time equivalents (1 = one person full time).",
    "month": "YYYY-MM for one month's figure; blank = every month.",
    "cost_per_fte_month": "Cost of one FTE for one month.",
    "hire_cost_per_fte_month": "Cost of one hired or contracted FTE for one month.",
    "max_hire_fte": "Most FTE that may be hired for this role.",
    "period": "A year (2027), quarter (2027-Q1) or month (2027-03).",
    "amount": "Spending limit for the period.",
    "depends_on": "The project this one depends on.",
    "kind": "requires, finish_to_start or excludes.",
    "criterion": "A criterion of the criteria sheet.",
    "weight": "Weight of the criterion (the weights are scaled to add up to 1).",
    "direction": "max (more is better) or min (less is better, e.g. risk).",
    "score": "Score of the project on the criterion, e.g. 1 to 10.",
    "over": "The criterion it is compared with.",
    "ratio": "How much more important, 1/9 to 9 (Saaty's scale).",
    "min_share": "Least share of spend on the category, 0 to 1.",
    "max_share": "Most share of spend on the category, 0 to 1.",
    "setting": "organisation, currency, fiscal_year_start or value_unit.",
    "value": "The setting's value.",
}
#: (sheet holding the allowed values, its column) for the id columns with a dropdown
LOOKUPS = {
    "project_id": ("projects", "A"),
    "depends_on": ("projects", "A"),
    "role": ("roles", "A"),
    "criterion": ("criteria", "A"),
    "over": ("criteria", "A"),
    "category": ("categories", "A"),
}
#: fixed choices, listed in the instructions sheet so a dropdown can point at them
FIXED = {"status": STATUSES, "kind": DEPENDENCY_KINDS, "direction": DIRECTIONS}
INSTRUCTIONS = (
    "How to fill in this workbook",
    "",
    "Each sheet is one table; row 1 holds the column names (hover over one for what it means).",
    "Fill in one row per item below the header; do not rename sheets or columns.",
    "Dropdowns offer the values of the other sheets (roles, criteria, categories, projects).",
    "Months are written YYYY-MM, e.g. 2027-03. Money is in the portfolio's currency.",
    "projects, demand and capacity are required; the other sheets may stay empty.",
    "Fill in roles, criteria and categories first: the dropdowns of the other sheets list them.",
    "Check the workbook with: pmo-opt validate THIS.xlsx",
)


def _frames(source: str | None) -> dict[str, pd.DataFrame]:
    if source is None:
        return {
            name: pd.DataFrame(columns=[*req, *opt], dtype=str)
            for name, (req, opt) in TABLES.items()
        }
    from pmo_opt.inputs.data import read_tables

    tables = read_tables(source)
    out = {}
    for name, (req, opt) in TABLES.items():
        raw = tables.get(name)
        if raw is not None and raw.usable:
            out[name] = raw.frame
        else:
            out[name] = pd.DataFrame(columns=[*req, *opt], dtype=str)
    return out


def write_template(path: str | Path, source: str | None = None) -> Path:
    """Write the intake workbook, empty or filled with the portfolio ``source``.

    Parameters
    ----------
    path
        The ``.xlsx`` file to write.
    source
        A portfolio (folder or workbook) whose tables fill the sheets; ``None`` for an empty
        workbook with every column.

    Returns
    -------
    Path
        Where it was written.
    """
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise InputError([Problem(str(target), None, None, "give a file name ending in .xlsx")])
    if source is not None and Path(source).resolve() == target.resolve():
        raise InputError([Problem(str(target), None, None, "is the source; write to a new file")])
    write_workbook(_frames(source), target)
    return target


def write_workbook(tables: dict[str, pd.DataFrame], path: Path) -> None:
    """Write ``tables`` (text frames) as an intake workbook at ``path``.

    Numbers are written as numbers and everything else as text, so the workbook reads back
    to the same tables.
    """
    import openpyxl

    book = openpyxl.Workbook()
    info = book.active
    info.title = "instructions"
    for r, line in enumerate(INSTRUCTIONS, start=1):
        info.cell(r, 1, line)
    info.column_dimensions["A"].width = 90
    fixed_ranges = {}
    for j, (col, values) in enumerate(FIXED.items(), start=3):
        letter = openpyxl.utils.get_column_letter(j)
        info.cell(1, j, col)
        for r, value in enumerate(values, start=2):
            info.cell(r, j, value)
        fixed_ranges[col] = f"instructions!${letter}$2:${letter}${len(values) + 1}"
    for name, frame in tables.items():
        _sheet(book, name, frame.fillna(""), fixed_ranges)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


def _cell_value(table: str, col: str, text: str) -> object:
    """A text cell as the workbook should hold it: numbers of numeric columns as numbers."""
    if text == "" or col not in NUMBERS.get(table, {}):
        return text if text != "" else None
    try:
        number = float(text)
    except ValueError:
        return text  # written as given; validation will name it
    return int(number) if number.is_integer() and abs(number) < 1e15 else number


def _sheet(book, name: str, frame: pd.DataFrame, fixed_ranges: dict[str, str]) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws = book.create_sheet(name)
    columns = list(frame.columns)
    for j, col in enumerate(columns, start=1):
        cell = ws.cell(1, j, col)
        cell.font = Font(bold=True)
        if col in NOTES:
            cell.comment = Comment(NOTES[col], "pmo-opt")
        ws.column_dimensions[get_column_letter(j)].width = max(12, len(col) + 4)
    for i, row in enumerate(frame.itertuples(index=False), start=2):
        for j, (col, text) in enumerate(zip(columns, row, strict=True), start=1):
            value = _cell_value(name, col, str(text))
            if value is not None:
                ws.cell(i, j, value)
    ws.freeze_panes = "A2"
    last = len(frame) + 1 + SPARE_ROWS
    for j, col in enumerate(columns, start=1):
        letter = get_column_letter(j)
        rng = f"{letter}2:{letter}{last}"
        rule = _validation(name, col, rng, fixed_ranges)
        if rule is not None:
            # Excel and LibreOffice refuse a wrong entry only with the error message shown
            rule.showErrorMessage = True
            rule.showInputMessage = True
            rule.promptTitle, rule.prompt = col, NOTES.get(col, "")[:250]
            ws.add_data_validation(rule)
            rule.add(rng)
        if col in MONTH_COLUMNS.get(name, ()) or col in ("period", "ratio"):
            for r in range(2, last + 1):
                ws.cell(r, j).number_format = "@"  # 2027-03 and 1/3 stay text, not dates


def _validation(table: str, col: str, rng: str, fixed_ranges: dict[str, str]):
    from openpyxl.worksheet.datavalidation import DataValidation

    first = rng.split(":")[0]
    if col in CHOICES.get(table, {}) and col in fixed_ranges:
        return _listed(DataValidation(type="list", formula1=fixed_ranges[col]), col)
    if col in LOOKUPS and (table, col) not in (("projects", "project_id"), ("roles", "role"),
                                                ("criteria", "criterion"), ("categories", "category")):  # fmt: skip
        sheet, letter = LOOKUPS[col]
        source = f"{sheet}!${letter}$2:${letter}${2000}"
        return _listed(DataValidation(type="list", formula1=source), col)
    if col in MONTH_COLUMNS.get(table, ()):
        rule = DataValidation(
            type="custom",
            formula1=f'OR(ISNUMBER({first}),AND(LEN({first})=7,MID({first},5,1)="-"))',
        )
        rule.error, rule.errorTitle = "Write the month as YYYY-MM, e.g. 2027-03.", "Month"
        return rule
    spec = NUMBERS.get(table, {}).get(col)
    if spec is None or spec.fraction:  # a ratio is written 1/3, which Excel would make a date
        return None
    kind = "whole" if spec.integer else "decimal"
    low = spec.low if spec.low is not None else -1e15
    high = spec.high if spec.high is not None else 1e15
    rule = DataValidation(type=kind, operator="between", formula1=str(low), formula2=str(high))
    rule.error = f"{col}: a number from {low:g} to {high:g}. {NOTES.get(col, '')}".strip()
    rule.errorTitle = col
    rule.allow_blank = not spec.required
    return rule


def _listed(rule, col: str):
    rule.error, rule.errorTitle = f"Pick {col} from the list.", col
    rule.allow_blank = True
    return rule
