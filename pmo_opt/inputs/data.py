"""The portfolio's data files: tables read from a CSV folder or an .xlsx workbook, as text.

Flow: :func:`read_tables` (raw text, nothing converted, read problems recorded on each table)
-> ``validate.validate_tables`` (every problem at once) -> ``portfolio.build_portfolio`` (typed,
indexed). ``load.load_portfolio`` does all three. The tables and their columns are in
``tables``; the readers in ``csv_reader`` and ``workbook_reader``; the number parser in ``cells``.

Reading is forgiving about how spreadsheets save files and strict about meaning:

- CSV: UTF-8 (with or without BOM), UTF-16 (Excel "Unicode text"), else cp1252; separator ``,``,
  ``;`` or tab, whichever splits the header into most columns. A ``;`` file comes from Excel in
  much of Europe and uses decimal commas, so there ``1,5`` is 1.5 and ``1.234,5`` is 1234.5.
  A lone dot is always a decimal point (``1.5``), whatever the separator.
- Column and table names ignore case, surrounding spaces, and spaces or hyphens inside
  (``Project ID`` is ``project_id``; ``Projects.CSV`` is the ``projects`` table).
- Identifiers stay text: ``007`` stays ``007``. In a workbook, an id typed as the number 7 is
  read as displayed: ``007`` when the cell's number format is ``000``, else ``7``. Store ids as
  text in Excel (format the column as Text, or type ``'007``) to be safe.
- Row numbers in messages are the spreadsheet's (header = row 1); blank rows are skipped but
  still counted, so the numbers match what Excel shows.
- Input files are only read, never written.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pmo_opt.errors import InputError, Problem
from pmo_opt.inputs import tables as table_spec
from pmo_opt.inputs.csv_reader import read_folder
from pmo_opt.inputs.tables import RawTable
from pmo_opt.inputs.workbook_reader import read_workbook
from pmo_opt.paths import resolve


def read_tables(
    path: str | Path, progress: Callable[[str], None] | None = None
) -> dict[str, RawTable]:
    """Read every table of a portfolio as text: a folder of ``<table>.csv`` or one ``.xlsx``.

    Problems with one table (an empty file, a ragged row, a formula without a saved value) are
    recorded in its ``problems`` for validation to report with the rest; only a path that is
    not a portfolio at all raises :class:`InputError` here. A CSV file or sheet whose name is not
    a table is listed unread (``usable=False``), so that validation can warn about it.
    """
    p = resolve(path)
    if not p.exists():
        raise InputError([Problem(str(path), None, None, "no such file or folder")])
    if p.is_dir():
        return read_folder(p, progress)
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        if progress is not None and p.stat().st_size >= table_spec.PROGRESS_BYTES // 10:
            progress(f"reading {p.name} ({p.stat().st_size / 1e6:,.0f} MB)")
        return read_workbook(p)
    hint = {
        ".csv": f"give the folder that holds it ({p.parent}), not one table",
        ".xls": "save it from Excel as 'Excel Workbook (.xlsx)'",
    }.get(p.suffix.lower(), "give a folder of CSV files or an .xlsx workbook")
    raise InputError(
        [
            Problem(
                p.name,
                None,
                None,
                f"is not a portfolio (a folder of CSV files or an .xlsx workbook); {hint}",
            )
        ]
    )
