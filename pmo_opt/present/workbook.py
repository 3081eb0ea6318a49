"""The reviewer's workbook ``plan.xlsx``: the tables a report's notebooks wrote, one sheet each,
formatted for people.

Each table meant for the workbook is written by a notebook as ``<report>/tables/<sheet>.csv``
(UTF-8, a header row, no index). :func:`collect_tables` reads them back (:func:`read_table`: a
column becomes numbers only when every non-empty cell is a plain decimal number without a
leading zero and its name is not an identifier or a period) and :func:`write_workbook` writes
them, with the documented sheets first (:data:`SHEET_ORDER`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pmo_opt.text import csv_unquote

WORKBOOK_FILE = "plan.xlsx"
SHEET_ORDER = ("selection", "schedule", "load", "explanations")
TEXT_COLUMNS = frozenset(
    {
        "project_id",
        "depends_on",
        "name",
        "category",
        "status",
        "role",
        "criterion",
        "scenario",
        "period",
        "month",
        "start",
        "finish",
        "earliest_start",
        "deadline",
        "year",
        "quarter",
    }
)


#: yes/no columns: written as real booleans, whatever the CSV held (0/1, True/False)
FLAG_COLUMNS = frozenset({"selected", "rank_and_fill", "knee", "is_current", "forced", "binding"})
#: ``YYYY-MM`` columns: written as Excel dates shown ``yyyy-mm``
MONTH_COLUMNS = frozenset({"month", "start", "finish", "earliest_start", "deadline", "peak_month"})
#: money: whole numbers with thousands separators
MONEY_COLUMNS = frozenset(
    {"cost", "spend", "limit", "left", "amount", "benefit", "budget", "extra_budget",
     "cost_of_delay", "project_spend", "hire_spend", "total", "hire_cost", "spend_total"}
)  # fmt: skip
#: shares: per cent with one decimal
SHARE_COLUMNS = frozenset(
    {"use", "utilisation", "share", "min_share", "max_share", "p_top_k", "gap", "ratio",
     "decided_ratio", "peak", "table_weight", "ahp_weight", "weight_used"}
)  # fmt: skip
MONEY_COLUMNS |= {"net", "cumulative_net", "discounted_net", "npv", "benefit_per_month",
                  "benefit_spread", "cost_spread", "stated", "p10", "p50", "p90",
                  "stated_benefit", "min_benefit", "benefit_gained", "benefit_per_point"}  # fmt: skip
MONEY_FORMAT, SCORE_FORMAT, SHARE_FORMAT, MONTH_FORMAT = "#,##0", "#,##0.0", "0.0%", "yyyy-mm"
#: headers a finance analyst reads without a glossary; ``{cur}`` is the currency, ``{unit}`` the
#: value score's unit. Other columns: their name in words, money columns with the currency.
HEADER_WORDS = {
    "project_id": "Project",
    "depends_on": "Depends on",
    "selected": "Funded",
    "rank_and_fill": "Funded by rank-and-fill",
    "value": "Value score ({unit})",
    "value_score": "Value score ({unit})",
    "score": "Priority score (0-100)",
    "benefit": "Stated benefit ({cur})",
    "stated_benefit": "Stated benefit ({cur})",
    "benefit_per_month": "Stated benefit per month ({cur})",
    "benefit_from": "Benefit from",
    "cost": "Cost ({cur})",
    "npv": "Net present value ({cur})",
    "payback_year": "Pays back in",
    "net": "Benefit less cost ({cur})",
    "cumulative_net": "Cumulative benefit less cost ({cur})",
    "discounted_net": "Discounted benefit less cost ({cur})",
    "demand_fte": "Demand (FTE)",
    "capacity_fte": "Capacity (FTE)",
    "hired_fte": "Hired (FTE)",
    "fte": "FTE",
    "utilisation": "Share of capacity used",
    "months": "Months",
    "p10": "P10, 1 in 10 below ({cur})",
    "p50": "P50, the median ({cur})",
    "p90": "P90, 1 in 10 above ({cur})",
    "stated": "As stated ({cur})",
    "spread_share": "Share of the spread",
    "benefit_spread": "Benefit range P10-P90 ({cur})",
    "cost_spread": "Cost range P10-P90 ({cur})",
    "item": "Item",
}
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def number_format(column: str, series: pd.Series) -> str | None:
    """The Excel number format of a column, by what it holds: money without decimals, shares as
    %, months as ``yyyy-mm``, whole numbers with separators, other numbers one decimal."""
    name = str(column)
    if name in MONTH_COLUMNS:
        return MONTH_FORMAT
    if name in FLAG_COLUMNS and _is_flag(series):
        return None
    if pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
        return None
    if name in MONEY_COLUMNS or name.endswith(("_cost", "_budget", "_spend")):
        return MONEY_FORMAT
    if name in SHARE_COLUMNS or name.endswith(("_share", "_use")):
        return SHARE_FORMAT
    values = pd.to_numeric(series, errors="coerce").dropna()
    whole = bool(len(values)) and bool((values == values.round()).all())
    return MONEY_FORMAT if whole else SCORE_FORMAT


def header_text(column: str, currency: str = "", value_unit: str = "") -> str:
    """A column's header in words: ``benefit`` -> ``Stated benefit (EUR)`` (:data:`HEADER_WORDS`;
    otherwise the name in words, and the currency after a money column's)."""
    name = str(column)
    cur = currency or "money"
    template = HEADER_WORDS.get(name)
    if template is None:
        words = name.replace("_", " ").strip()
        words = words[:1].upper() + words[1:]
        money = name in MONEY_COLUMNS or name.endswith(("_cost", "_budget", "_spend"))
        template = f"{words} ({{cur}})" if money else words
    return template.format(cur=cur, unit=value_unit or "points")


def _is_flag(series: pd.Series) -> bool:
    known = {"true", "false", "1", "0", "1.0", "0.0"}
    return all(_is_missing(v) or str(v).strip().lower() in known for v in series)


def _typed(column: str, value: Any, flag: bool | None = None) -> Any:
    """A flag as a real boolean, a ``YYYY-MM`` month as a date; anything else as it is."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or (not isinstance(value, str) and _is_missing(value)):
        return None
    if column in FLAG_COLUMNS if flag is None else flag:
        if isinstance(value, str):
            return {"true": True, "1": True, "false": False, "0": False}.get(
                value.strip().lower(), value
            )
        return bool(value)
    if column in MONTH_COLUMNS and isinstance(value, str) and (m := _MONTH.match(value)):
        return datetime(int(m.group(1)), int(m.group(2)), 1)
    return value


def write_workbook(
    path: str | Path,
    sheets: Mapping[str, pd.DataFrame],
    currency: str | None = None,
    value_unit: str | None = None,
) -> Path:
    """Write ``sheets`` (sheet name -> table) as an .xlsx workbook formatted for people.

    Bold shaded header, frozen header row, an autofilter, column widths from the content, number
    formats by kind (:func:`number_format`: money ``#,##0``, scores one decimal, shares ``%``,
    months as dates shown ``yyyy-mm``), flags as real booleans, headers in words
    (:func:`header_text`: ``Stated benefit (EUR)``). One table per sheet: a sheet with ``role``,
    ``month`` and ``utilisation`` is followed by its own ``<name>_grid`` sheet, the role x month
    grid, coloured from spare (white) to full (orange) and over (red, from 150%). A sheet whose table has
    ``attrs["formats"]`` (row -> number format of its ``value``) and ``attrs["links"]`` (sheet
    names) is a summary: per-row formats, and links to those sheets below. Every text cell is stored
    as text, never as a formula: a name such as ``=HYPERLINK(...)``, ``+1`` or ``@x`` stays the
    literal text (and gets Excel's quote prefix so that editing the cell keeps it text). A named
    index (e.g. ``project_id``) becomes the first column. Sheet names are cut to Excel's 31
    characters without ``[]:*?/\\``.

    Parameters
    ----------
    path
        The ``.xlsx`` file to write (replaced if it exists).
    sheets
        Sheet name -> DataFrame, in the order the sheets should appear.
    currency, value_unit
        For the headers; when ``None``, from a sheet's ``attrs["currency"]`` /
        ``attrs["value_unit"]`` (the summary of :func:`report_sheets` carries them).

    Returns
    -------
    Path
        ``path``.
    """
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    def setting(key: str) -> str:
        return next((str(f.attrs[key]) for f in sheets.values() if f.attrs.get(key)), "")

    currency = setting("currency") if currency is None else currency
    value_unit = setting("value_unit") if value_unit is None else value_unit
    book = openpyxl.Workbook()
    book.remove(book.active)
    used: set[str] = set()
    bold, shade = Font(bold=True), PatternFill("solid", fgColor="DDE5EE")
    for name, frame in sheets.items():
        sheet = book.create_sheet(_sheet_title(name, used))
        frame = _with_index(frame)
        flags = {str(c) for c in frame.columns if str(c) in FLAG_COLUMNS and _is_flag(frame[c])}
        formats = [number_format(c, frame[c]) for c in frame.columns]
        row_formats = frame.attrs.get("formats", {})
        columns = [str(c) for c in frame.columns]
        headers = [header_text(c, currency, value_unit) for c in frame.columns]
        widths = [min(len(h), 24) for h in headers]
        for j, header in enumerate(headers, start=1):
            cell = sheet.cell(row=1, column=j)
            _put(cell, header)
            cell.font, cell.fill = bold, shade
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        for i, row in enumerate(frame.itertuples(index=False, name=None), start=2):
            for j, value in enumerate(row, start=1):
                fmt = row_formats.get(i - 2, formats[j - 1]) if j > 1 else formats[j - 1]
                typed = _typed(columns[j - 1], value, columns[j - 1] in flags)
                shown = _put(sheet.cell(row=i, column=j), typed, fmt)
                if i <= 1001:  # widths from the first thousand rows are enough
                    widths[j - 1] = max(widths[j - 1], shown)
        for j, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(j)].width = min(max(width + 2, 8), 60)
        sheet.freeze_panes = "A2"
        if len(frame.columns):
            last = get_column_letter(len(frame.columns))
            sheet.auto_filter.ref = f"A1:{last}{len(frame) + 1}"
        if frame.attrs.get("links"):
            _links(sheet, len(frame) + 3, frame.attrs["links"], used)
        if {"role", "month", "utilisation"} <= set(columns):
            grid = book.create_sheet(_sheet_title(f"{name}_grid", used))
            _load_grid(grid, frame, 1)
    if not sheets:
        book.create_sheet("empty")
    target = Path(path)
    book.save(target)
    return target


def _links(sheet, first_row: int, names: list[str], used: set[str]) -> None:
    """Below a summary: one link per sheet of the workbook."""
    from openpyxl.styles import Font
    from openpyxl.worksheet.hyperlink import Hyperlink

    sheet.cell(row=first_row, column=1, value="Sheets").font = Font(bold=True)
    for k, name in enumerate(names, start=1):
        title = re.sub(r"[\[\]:*?/\\]", "_", str(name)).strip("'")[:31]
        cell = sheet.cell(row=first_row + k, column=1, value=title)
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{title}'!A1", display=title)
        cell.font = Font(color="0563C1", underline="single")


def _load_grid(sheet, frame: pd.DataFrame, column: int) -> None:
    """A role x month grid of ``utilisation`` from ``column`` on, coloured by a 3-colour scale:
    white at 0, orange at 100% (full), red from 150% (far over)."""
    from openpyxl.formatting.rule import ColorScaleRule
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    grid = frame.pivot_table(index="role", columns="month", values="utilisation", aggfunc="max")
    grid = grid.reindex(index=sorted(grid.index), columns=sorted(grid.columns))
    corner = sheet.cell(row=1, column=column, value="Share of capacity used: role by month")
    corner.font = Font(bold=True)
    for j, month in enumerate(grid.columns, start=column + 1):
        cell = sheet.cell(row=1, column=j, value=_typed("month", str(month)))
        cell.number_format, cell.font = MONTH_FORMAT, Font(bold=True)
        sheet.column_dimensions[get_column_letter(j)].width = 8
    for i, role in enumerate(grid.index, start=2):
        sheet.cell(row=i, column=column, value=str(role)).font = Font(bold=True)
        for j, month in enumerate(grid.columns, start=column + 1):
            value = grid.at[role, month]
            if pd.notna(value):
                cell = sheet.cell(row=i, column=j, value=float(value))
                cell.number_format = "0%"
    sheet.freeze_panes = sheet.cell(row=2, column=column + 1)
    sheet.column_dimensions[get_column_letter(column)].width = max(
        [len(str(r)) for r in grid.index] + [12]
    )
    if len(grid.index) and len(grid.columns):
        area = (
            f"{get_column_letter(column + 1)}2:"
            f"{get_column_letter(column + len(grid.columns))}{len(grid.index) + 1}"
        )
        sheet.conditional_formatting.add(
            area,
            ColorScaleRule(
                start_type="num",
                start_value=0,
                start_color="FFFFFF",
                mid_type="num",
                mid_value=1,
                mid_color="F4A233",
                end_type="num",
                end_value=1.5,
                end_color="C00000",
            ),  # fmt: skip
        )


def _sheet_title(name: str, used: set[str]) -> str:
    title = re.sub(r"[\[\]:*?/\\]", "_", str(name)).strip("'") or "sheet"
    title = title[:31]
    candidate, n = title, 2
    while candidate.lower() in used:
        tail = f"-{n}"
        candidate, n = title[: 31 - len(tail)] + tail, n + 1
    used.add(candidate.lower())
    return candidate


def _with_index(frame: pd.DataFrame) -> pd.DataFrame:
    named = any(n is not None for n in frame.index.names)
    return frame.reset_index() if named else frame


def _put(cell, value: Any, number_format: str | None = None) -> int:
    """Store one value; return its displayed width. Text is always stored as text."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, np.generic):
        value = value.item()
    if value is None or (not isinstance(value, str) and _is_missing(value)):
        return 0
    if isinstance(value, bool):
        cell.value = value
        return 5
    if isinstance(value, datetime):
        cell.value = value
        cell.number_format = MONTH_FORMAT
        return 7
    if isinstance(value, int | float):
        cell.value = value
        if number_format is None:
            return len(str(value))
        cell.number_format = number_format
        if number_format == SHARE_FORMAT:
            return len(f"{value:.1%}")
        return len(f"{value:,.0f}" if number_format == MONEY_FORMAT else f"{value:,.1f}")
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))[:32767]  # Excel's cell limit
    cell.value = text
    cell.data_type = "s"  # openpyxl makes "=..." a formula on assignment; undo that
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        cell.quotePrefix = True
    return max((len(line) for line in text.splitlines()), default=0)


def _is_missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


_PLAIN_NUMBER = re.compile(r"^-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?$")


def read_table(path: Path) -> pd.DataFrame:
    """A ``tables/*.csv`` file with the typing rule of the module docstring (ids stay text)."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    # the writer (params.write_table) made formula-like text safe for spreadsheets; undo it
    frame = frame.map(csv_unquote).rename(columns=csv_unquote)
    out = {}
    for column in frame.columns:
        text = frame[column].astype(str)
        filled = text[text != ""]
        numeric = (
            str(column) not in TEXT_COLUMNS
            and not str(column).endswith("_id")
            and len(filled) > 0
            and bool(filled.str.match(_PLAIN_NUMBER).all())
        )
        if numeric:
            out[column] = pd.to_numeric(text.where(text != "", None), errors="coerce")
        else:
            out[column] = text.where(text != "", None).astype(object)
    return pd.DataFrame(out, columns=frame.columns)


def collect_tables(folder: Path) -> dict[str, pd.DataFrame]:
    """``folder/*.csv`` as sheet name -> table, in the documented sheet order."""
    files = {p.stem: p for p in Path(folder).glob("*.csv")} if Path(folder).is_dir() else {}
    order = [n for n in SHEET_ORDER if n in files] + sorted(
        n for n in files if n not in SHEET_ORDER
    )
    return {name: read_table(files[name]) for name in order}


def report_sheets(
    portfolio: Any, plan: Any, context: Any, others: list[str] | tuple[str, ...] = ()
) -> dict[str, pd.DataFrame]:
    """The workbook's first sheets: ``summary``, ``budget`` (spend against budget) and, with a
    plan, the money over time and its risk: ``money_by_year``, ``money_by_project``,
    ``risk_in_money`` and ``risk_drivers`` (:mod:`pmo_opt.analysis.money`,
    :mod:`pmo_opt.analysis.benefit_risk`).

    Parameters
    ----------
    portfolio, plan
        The report's portfolio and its one plan.
    context
        The report's :class:`~pmo_opt.present.html.PageContext`.
    others
        The names of the sheets that follow, linked from the summary.
    """
    from pmo_opt.present.narrative import budget_use, total_budget, value_unit

    currency = portfolio.settings.get("currency") or "money"
    budget = total_budget(portfolio, plan) if plan.has_solution else None
    spend = plan.total_spend if plan.has_solution else None
    sel = plan.projects[plan.projects["selected"]]
    decided = sel["status"].isin(("in_flight", "committed"))
    money = money_sheets(portfolio, plan) if plan.has_solution else {}
    rows: list[tuple[str, Any, str | None]] = [
        ("Organisation", context.organisation or "-", None),
        ("Scenario", context.scenario, None),
        ("Description", context.description or "-", None),
        ("Run date", context.run_date, None),
        ("Data fingerprint", context.fingerprint, None),
        ("Plan status", plan.status.replace("_", " "), None),
        ("Gap to the best possible", plan.gap if plan.gap is not None else "-", SHARE_FORMAT),
        (f"Value score ({value_unit(plan.scenario, portfolio)})", plan.objective, SCORE_FORMAT),
        ("Projects selected", f"{len(sel)} of {len(plan.projects)}", None),
        ("New projects", int((~decided).sum()), MONEY_FORMAT),
        (f"Stated benefit of the selection ({currency})",
         float(portfolio.projects["benefit"].reindex(sel.index).fillna(0.0).sum()), MONEY_FORMAT),
        (f"Spend ({currency})", spend, MONEY_FORMAT),
        (f"of which new money ({currency})", float(sel.loc[~decided, "cost"].sum()), MONEY_FORMAT),
        (f"of which already committed ({currency})", float(sel.loc[decided, "cost"].sum()),
         MONEY_FORMAT),
        (f"Budget ({currency})", budget if budget else "-", MONEY_FORMAT),
        ("Budget use", spend / budget if budget and spend is not None else "-", SHARE_FORMAT),
        *money.pop("facts", []),
    ]  # fmt: skip
    summary = pd.DataFrame(
        [(k, "-" if v is None else v) for k, v, _ in rows], columns=["item", "value"]
    )
    summary.attrs["formats"] = {i: f for i, (_, _, f) in enumerate(rows) if f}
    summary.attrs["links"] = ["budget", *money, *others]
    summary.attrs["currency"] = portfolio.settings.get("currency") or ""
    summary.attrs["value_unit"] = value_unit(plan.scenario, portfolio)
    use = budget_use(portfolio, plan) if plan.has_solution else pd.DataFrame()
    return {"summary": summary, "budget": use, **money}


def money_sheets(portfolio: Any, plan: Any) -> dict[str, Any]:
    """The money over time and its risk as sheets, and (under ``facts``) summary rows."""
    from pmo_opt.analysis.benefit_risk import money_risk
    from pmo_opt.analysis.money import money_view

    currency = portfolio.settings.get("currency") or "money"
    view = money_view(portfolio, plan)
    risk = money_risk(portfolio, plan)
    years = view.years
    projects = view.projects.drop(columns=["start", "finish"])
    summary = risk.summary.rename(columns=str.lower)
    summary.index = pd.Index(["Stated benefit", "Cost"], name="item")
    drivers = risk.drivers.rename(columns={"share_of_spread": "spread_share"})
    p10, p90 = risk.summary.loc["benefit", "P10"], risk.summary.loc["benefit", "P90"]
    facts = [
        (f"Net present value at {view.discount_rate:.0%} a year ({currency})", view.npv,
         MONEY_FORMAT),
        ("Pays back in", str(view.payback_year) if view.payback_year else "not by the data's end",
         None),
        (f"Stated benefit P10 to P90 ({currency})", f"{p10:,.0f} to {p90:,.0f}", None),
        ("Chance the cost breaks a budget", risk.chance_over_budget, SHARE_FORMAT),
        ("How benefit is timed", view.rule, None),
    ]  # fmt: skip
    return {
        "facts": facts,
        "money_by_year": years,
        "money_by_project": projects,
        "risk_in_money": summary,
        "risk_drivers": drivers,
    }
