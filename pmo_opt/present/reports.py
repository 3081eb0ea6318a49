"""Report runs: execute the notebooks with papermill into a dated folder, plus HTML, Excel, manifest.

One run of :func:`run_report` makes one folder ``<out>/<YYYY-MM-DD_HHMMSS>-<scenario>/`` (local
time of the start; ``-2``, ``-3`` ... when that name is taken) holding:

- ``NN-*.ipynb``: every notebook, executed (papermill, kernel ``python3`` = this interpreter's
  environment, a per-cell timeout);
- ``NN-*.html``: the same notebooks for reviewers, without code and prompts, images embedded;
- ``plan.xlsx``: the run's tables, formatted for people (:func:`write_workbook`);
- ``manifest.json``: hashes of the inputs, the resolved scenario, versions, solver status and gap,
  start and end time (UTC), git commit, and every produced file with its hash.

Conventions a notebook follows (it receives these papermill parameters: every field of
``Scenario.to_dict()`` plus ``portfolio`` (path text), ``scenario_file`` (path text or ``None``),
``output_dir`` (the absolute path of the report folder being built) and ``interactive=False``):

- **Tables**: each table meant for ``plan.xlsx`` is written as ``<output_dir>/tables/<sheet>.csv``
  (UTF-8, a header row, no index). The runner assembles them into ``plan.xlsx``, one sheet per
  file: ``selection``, ``schedule``, ``load``, ``explanations`` first, any other names after, in
  alphabetical order. A column becomes numbers only when every non-empty cell is a plain decimal
  number without a leading zero and its name is not an identifier or a period (``project_id``,
  ``*_id``, ``role``, ``month``, ...); everything else stays text exactly as written.
- **Solver facts**: the selection notebook writes ``Plan.summary()`` as
  ``<output_dir>/summary.json``; the manifest copies its status and gap.
- **Board summary**: the notebook whose file name contains ``board`` (else the last one); its HTML
  path is printed at the end of a successful run.
- The working directory of every notebook is the report folder being built, so a stray relative
  write lands in this run's folder, never in the project or an earlier report. The folder is
  built aside as ``.<name>.partial`` and renamed when the run is over, so a notebook must not
  print or store ``output_dir`` itself; inputs are passed as absolute paths.

A run that fails (a cell raises, a cell exceeds the timeout, the kernel dies, or anything else
breaks) is renamed ``<name>-FAILED`` instead: it keeps the executed notebooks up to the failing
one, marked with papermill's error banner at the failing cell, their HTML copies and the
manifest; there is no ``plan.xlsx``. Earlier folders are never opened for writing.

``python -m pmo_opt.reports refresh-notebooks`` re-executes ``notebooks/`` in place with their
default parameters (the sample portfolio) so that the committed outputs are true (``make
notebooks``).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import dataclasses
import hashlib
import itertools
import json
import logging
import math
import multiprocessing
import os
import platform
import re
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from queue import Empty
from typing import Any

import numpy as np
import pandas as pd

from pmo_opt import paths
from pmo_opt.errors import InputError, PmoError, Problem

KERNEL_NAME = "python3"
NOTEBOOK_PATTERN = re.compile(r"^\d{2}-.+\.ipynb$")
TABLES_DIR = "tables"
SUMMARY_FILE = "summary.json"
WORKBOOK_FILE = "plan.xlsx"
MANIFEST_FILE = "manifest.json"
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
VERSIONED_PACKAGES = ("pmo-opt", "pandas", "pulp", "highspy", "ortools", "papermill", "nbconvert")
MAX_NAME = 60
_FAILED = "-FAILED"
# The kernel's own log (e.g. ipykernel 7's "running over TCP without encryption") is noise in a
# report run; cell output is captured in the notebook whatever this level is.
_KERNEL_ARGS = ["--IPKernelApp.log_level=CRITICAL"]


class _KnownParameters(logging.Filter):
    """Every notebook receives every scenario field, used or not (a notebook that forgot to
    declare one still gets it): papermill's "Passed unknown parameter" warning is noise here."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Passed unknown parameter")


@dataclass(frozen=True)
class NotebookFailure:
    """Where and why a run stopped; ``cell_index`` is papermill's 0-based index of the cell in
    the executed notebook (``None`` when no cell was running), ``exec_count`` its ``In [n]``."""

    notebook: str
    cell_index: int | None
    exec_count: int | None
    ename: str
    evalue: str

    def __str__(self) -> str:
        where = self.notebook
        if self.cell_index is not None:
            where += f", cell index {self.cell_index}"
            if self.exec_count is not None:
                where += f" (In [{self.exec_count}])"
        return f"{where}: {self.ename}: {self.evalue}"


@dataclass(frozen=True)
class ReportResult:
    """What one report run produced (plain data, so it crosses process boundaries)."""

    scenario: str
    folder: Path
    ok: bool
    notebooks: tuple[Path, ...] = ()
    html: tuple[Path, ...] = ()
    workbook: Path | None = None
    manifest: Path | None = None
    board_html: Path | None = None
    failure: NotebookFailure | None = None
    seconds: float = 0.0
    files: tuple[str, ...] = field(default=())

    def message(self) -> str:
        """Lines for the terminal: the folder and the board summary, or what failed."""
        if self.ok:
            lines = [f"report ({self.scenario}): {self.folder}"]
            if self.board_html is not None:
                lines.append(f"board summary: {self.board_html}")
            return "\n".join(lines)
        return (
            f"FAILED ({self.scenario}): {self.failure}\n  executed notebooks kept in {self.folder}"
        )


# --------------------------------------------------------------------------------------------
# folders


def safe_name(text: str, max_len: int = MAX_NAME) -> str:
    """A folder-safe form of ``text``: only ``[A-Za-z0-9_-]``, no ``..`` or slashes, bounded.

    Runs of other characters become one ``_``; leading and trailing ``_``/``-`` are dropped (a
    name never starts like an option); an empty result is ``scenario``.
    """
    name = re.sub(r"[^A-Za-z0-9_-]+", "_", str(text))
    name = name[:max_len].strip("_-")
    return name or "scenario"


def reserve_folder(out: Path, name: str, when: datetime | None = None) -> tuple[Path, str]:
    """Claim a fresh report name under ``out``; return the hidden build folder and the name.

    The claim is an atomic ``mkdir`` (no ``exist_ok``) of ``.<name>.partial``; a name whose final
    folder, ``-FAILED`` folder or build folder exists is skipped, so runs started in the same
    second get ``<stem>``, ``<stem>-2``, ``<stem>-3`` ...
    """
    when = when or datetime.now()
    stem = f"{when:%Y-%m-%d_%H%M%S}-{safe_name(name)}"
    for n in range(1, 10_000):
        final = stem if n == 1 else f"{stem}-{n}"
        if (out / final).exists() or (out / f"{final}{_FAILED}").exists():
            continue
        partial = out / f".{final}.partial"
        try:
            partial.mkdir()
        except FileExistsError:
            continue
        return partial, final
    raise OSError(f"no free report folder name for {stem!r} in {out}")


def _place(partial: Path, final: str, failed: bool) -> Path:
    """Rename the build folder into place without ever replacing an existing folder."""
    out = partial.parent
    suffix = _FAILED if failed else ""
    for n in itertools.count(1):
        name = final if n == 1 else f"{final}-{n}"
        target = out / f"{name}{suffix}"
        if target.exists() or (n > 1 and (out / f".{name}.partial").exists()):
            continue
        try:
            # POSIX rename refuses a non-empty target, and every report folder has files.
            partial.rename(target)
        except OSError:
            if n > 1000:
                raise
            continue
        return target
    raise AssertionError("unreachable")


# --------------------------------------------------------------------------------------------
# notebooks


def list_notebooks(folder: str | Path = paths.NOTEBOOKS_DIR) -> list[Path]:
    """The notebooks of a report: ``NN-*.ipynb`` in ``folder``, in name order."""
    return sorted(p for p in Path(folder).glob("*.ipynb") if NOTEBOOK_PATTERN.match(p.name))


def execute_notebook(
    source: Path,
    target: Path,
    parameters: Mapping[str, Any] | None,
    cwd: Path,
    timeout_s: float | None,
) -> NotebookFailure | None:
    """Run ``source`` with papermill into ``target``; ``None`` when every cell succeeded.

    A cell error, a cell timeout and a dead kernel all come back as a :class:`NotebookFailure`,
    and ``target`` is left marked at the failing cell (papermill does it for errors; for the
    other two, which papermill does not mark, :func:`_mark_failure` does).
    """
    import papermill as pm
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    quiet = _KnownParameters()
    logging.getLogger("papermill").addFilter(quiet)
    try:
        pm.execute_notebook(
            str(source),
            str(target),
            parameters=dict(parameters) if parameters else None,
            kernel_name=KERNEL_NAME,
            cwd=str(cwd),
            execution_timeout=math.ceil(timeout_s) if timeout_s else None,
            progress_bar=False,
            log_output=False,
            extra_arguments=list(_KERNEL_ARGS),
        )
    except pm.PapermillExecutionError as exc:
        return NotebookFailure(
            source.name, exc.cell_index, exc.exec_count, exc.ename, str(exc.evalue)
        )
    except CellTimeoutError:
        why = f"a cell ran longer than the per-cell timeout of {timeout_s:g} s"
        return _mark_failure(target, source.name, "CellTimeoutError", why)
    except DeadKernelError:
        why = "the kernel died (out of memory, a crash in compiled code, or os._exit)"
        return _mark_failure(target, source.name, "DeadKernelError", why)
    finally:
        logging.getLogger("papermill").removeFilter(quiet)
    return None


def _mark_failure(target: Path, notebook: str, ename: str, evalue: str) -> NotebookFailure:
    """Mark the cell that was running as failed, the way papermill marks a cell error."""
    import nbformat
    from papermill.execute import ERROR_ANCHOR_MSG, ERROR_MARKER_TAG, ERROR_MESSAGE_TEMPLATE

    if not target.exists():
        return NotebookFailure(notebook, None, None, ename, evalue)
    nb = nbformat.read(target, as_version=4)
    started = [
        i
        for i, cell in enumerate(nb.cells)
        if cell.get("metadata", {}).get("papermill", {}).get("start_time")
    ]
    if not started:
        return NotebookFailure(notebook, None, None, ename, evalue)
    index = started[-1]
    cell = nb.cells[index]
    cell.metadata.papermill["exception"] = True
    cell.metadata.papermill["status"] = "failed"
    nb.metadata.setdefault("papermill", {})["exception"] = True
    if cell.cell_type == "code":
        cell.outputs.append(
            nbformat.v4.new_output(
                "error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"]
            )
        )
    count = cell.get("execution_count")
    banner = nbformat.v4.new_markdown_cell(ERROR_MESSAGE_TEMPLATE % str(count))
    anchor = nbformat.v4.new_markdown_cell(ERROR_ANCHOR_MSG)
    banner.metadata["tags"] = [ERROR_MARKER_TAG]
    anchor.metadata["tags"] = [ERROR_MARKER_TAG]
    nb.cells.insert(index, anchor)
    nb.cells.insert(0, banner)
    nbformat.write(nb, target)
    return NotebookFailure(notebook, index, count, ename, evalue)


def _html_exporter():
    from nbconvert import HTMLExporter

    return HTMLExporter(
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )


def export_html(notebook: Path, target: Path | None = None, exporter=None) -> Path:
    """Write the reviewers' HTML of an executed notebook: no code, no prompts, images inline."""
    target = target or notebook.with_suffix(".html")
    body, _ = (exporter or _html_exporter()).from_filename(str(notebook))
    target.write_text(body, encoding="utf-8")
    return target


def _board(html: list[Path]) -> Path | None:
    named = [p for p in html if "board" in p.name.lower()]
    return named[-1] if named else (html[-1] if html else None)


# --------------------------------------------------------------------------------------------
# workbook


def write_workbook(path: str | Path, sheets: Mapping[str, pd.DataFrame]) -> Path:
    """Write ``sheets`` (sheet name -> table) as an .xlsx workbook formatted for people.

    Bold shaded header, frozen header row, an autofilter, column widths from the content, number
    formats (``#,##0`` for whole numbers, ``#,##0.00##`` otherwise). Every text cell is stored
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

    Returns
    -------
    Path
        ``path``.
    """
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = openpyxl.Workbook()
    book.remove(book.active)
    used: set[str] = set()
    bold, shade = Font(bold=True), PatternFill("solid", fgColor="DDE5EE")
    for name, frame in sheets.items():
        sheet = book.create_sheet(_sheet_title(name, used))
        frame = _with_index(frame)
        formats = [_number_format(frame[c]) for c in frame.columns]
        widths = [len(str(c)) for c in frame.columns]
        for j, column in enumerate(frame.columns, start=1):
            cell = sheet.cell(row=1, column=j)
            _put(cell, str(column))
            cell.font, cell.fill = bold, shade
            cell.alignment = Alignment(vertical="center")
        for i, row in enumerate(frame.itertuples(index=False, name=None), start=2):
            for j, value in enumerate(row, start=1):
                shown = _put(sheet.cell(row=i, column=j), value, formats[j - 1])
                if i <= 1001:  # widths from the first thousand rows are enough
                    widths[j - 1] = max(widths[j - 1], shown)
        for j, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(j)].width = min(max(width + 2, 8), 60)
        sheet.freeze_panes = "A2"
        if len(frame.columns):
            last = get_column_letter(len(frame.columns))
            sheet.auto_filter.ref = f"A1:{last}{len(frame) + 1}"
    if not sheets:
        book.create_sheet("empty")
    target = Path(path)
    book.save(target)
    return target


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


def _number_format(series: pd.Series) -> str | None:
    if pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
        return None
    values = pd.to_numeric(series, errors="coerce").dropna()
    whole = bool(len(values)) and bool((values == values.round()).all())
    return "#,##0" if whole else "#,##0.00##"


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
    if isinstance(value, int | float):
        cell.value = value
        if number_format is None:
            return len(str(value))
        cell.number_format = number_format
        return len(f"{value:,.0f}" if number_format == "#,##0" else f"{value:,.2f}")
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


# --------------------------------------------------------------------------------------------
# manifest


def sha256(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def input_files(portfolio: Path, scenario_file: Path | None) -> list[tuple[str, Path]]:
    """(kind, path) of every input: each CSV of a portfolio folder, or the workbook; the scenario."""
    files = sorted(portfolio.glob("*.csv")) if portfolio.is_dir() else [portfolio]
    out = [("portfolio", f) for f in files]
    if scenario_file is not None:
        out.append(("scenario", scenario_file))
    return out


def _shown(path: Path) -> str:
    """A path as the manifest shows it: relative to the project root when inside it."""
    try:
        return path.resolve().relative_to(paths.ROOT).as_posix()
    except ValueError:
        return path.resolve().as_posix()


def package_versions() -> dict[str, str | None]:
    """Versions of the packages a result depends on, and of Python."""
    out: dict[str, str | None] = {}
    for name in VERSIONED_PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    out["python"] = platform.python_version()
    return out


def git_commit(root: Path = paths.ROOT) -> tuple[str | None, bool | None]:
    """The commit checked out in ``root`` and whether the tree has changes; ``None`` if unknown."""

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", *args], cwd=root, capture_output=True, text=True, timeout=10
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if commit is None:
        return None, None
    status = git("status", "--porcelain", "--untracked-files=no")
    return commit.strip(), (bool(status.strip()) if status is not None else None)


def _solver_facts(folder: Path) -> dict[str, Any] | None:
    path = folder / SUMMARY_FILE
    if not path.is_file():
        return None
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"status": None, "gap": None, "error": f"{SUMMARY_FILE} is not valid JSON"}
    keys = ("status", "gap", "objective", "bound", "solver")
    return {k: summary.get(k) for k in keys} if isinstance(summary, dict) else None


def _produced(folder: Path) -> list[dict[str, Any]]:
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST_FILE)
    return [
        {"path": p.relative_to(folder).as_posix(), "sha256": sha256(p), "bytes": p.stat().st_size}
        for p in files
    ]


def write_manifest(folder: Path, facts: Mapping[str, Any]) -> Path:
    """Write ``manifest.json``: ``facts`` plus every file the run left in ``folder``."""
    manifest = {**facts, "files": _produced(folder)}
    target = folder / MANIFEST_FILE
    target.write_text(json.dumps(manifest, indent=2, default=str) + "\n", encoding="utf-8")
    return target


def _utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# --------------------------------------------------------------------------------------------
# runs


def _inputs(portfolio_path, scenario_path, overrides):
    """Resolve and check the inputs before any folder is made (InputError: exit code 2)."""
    from pmo_opt.inputs.load import load_portfolio
    from pmo_opt.inputs.scenario import load_scenario

    portfolio = paths.resolve(portfolio_path)
    load_portfolio(portfolio)
    scenario_file = paths.resolve(scenario_path) if scenario_path is not None else None
    scenario = load_scenario(scenario_file, **dict(overrides or {}))
    return portfolio, scenario_file, scenario


def check_kernel() -> None:
    """Make sure kernel ``python3`` runs this interpreter (where pmo_opt is installed).

    jupyter_client starts ``sys.executable`` for a kernelspec whose command is plain
    ``python``/``python3``; a user-level kernelspec of the same name pointing elsewhere would
    silently run the notebooks in another environment, so it is refused with the fix.
    """
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    except NoSuchKernel:
        raise PmoError(
            f"no Jupyter kernel named {KERNEL_NAME!r}; install it into this environment with "
            f"`{sys.executable} -m ipykernel install --sys-prefix`"
        ) from None
    command = spec.argv[0] if spec.argv else ""
    bare = {"python", f"python{sys.version_info[0]}", "python{}.{}".format(*sys.version_info)}
    if command in bare or Path(command).resolve() == Path(sys.executable).resolve():
        return
    raise PmoError(
        f"Jupyter kernel {KERNEL_NAME!r} ({spec.resource_dir}) runs {command}, not this "
        f"environment's {sys.executable}; remove that kernelspec or run "
        f"`{sys.executable} -m ipykernel install --sys-prefix`"
    )


def _notebook_list(notebooks: Iterable[str | Path] | None) -> list[Path]:
    found = list_notebooks() if notebooks is None else [paths.resolve(n) for n in notebooks]
    missing = [p for p in found if not p.is_file()]
    if missing or not found:
        where = ", ".join(str(p) for p in missing) or str(paths.NOTEBOOKS_DIR)
        raise InputError([Problem(where, None, None, "no notebook to run (NN-name.ipynb)")])
    return found


def run_report(
    portfolio_path: str | Path,
    scenario_path: str | Path | None = None,
    out: str | Path | None = None,
    notebooks: Iterable[str | Path] | None = None,
    timeout_s: float | None = 600,
    overrides: Mapping[str, Any] | None = None,
    progress: Callable[[str], None] | None = None,
) -> ReportResult:
    """Execute the notebooks for one scenario into a new report folder.

    Parameters
    ----------
    portfolio_path
        A portfolio folder of CSV files or an .xlsx workbook (validated first).
    scenario_path
        A scenario YAML file, or ``None`` for the default scenario.
    out
        The reports folder (default ``reports/`` of the project); created if missing.
    notebooks
        The notebooks to run, in order (default: ``notebooks/NN-*.ipynb``).
    timeout_s
        Per-cell execution timeout in seconds (``None``: no limit).
    overrides
        Scenario fields to override, as ``--set`` would.
    progress
        Called with each notebook's name once it has run.

    Returns
    -------
    ReportResult
        ``ok`` is False when a notebook failed; the folder then ends in ``-FAILED``.

    Raises
    ------
    InputError
        The portfolio, the scenario or the notebook list is wrong; no folder is made.
    PmoError
        Kernel ``python3`` is missing or runs another environment (:func:`check_kernel`).
    """
    import time

    started, clock = _utc_now(), time.perf_counter()
    portfolio, scenario_file, scenario = _inputs(portfolio_path, scenario_path, overrides)
    sources = _notebook_list(notebooks)
    check_kernel()
    reports = Path(out).expanduser().resolve() if out is not None else paths.REPORTS_DIR
    reports.mkdir(parents=True, exist_ok=True)
    partial, final = reserve_folder(reports, scenario.name)
    parameters = {
        **scenario.to_dict(),
        "portfolio": str(portfolio),
        "scenario_file": str(scenario_file) if scenario_file is not None else None,
        "output_dir": str(partial),
        "interactive": False,
        "plan_dir": str(partial),
    }
    # hashed before the run: the manifest describes what the notebooks read
    hashed = [
        {"kind": kind, "path": _shown(p), "sha256": sha256(p), "bytes": p.stat().st_size}
        for kind, p in input_files(portfolio, scenario_file)
    ]
    run = _Run(hashed, scenario, tuple(sources), timeout_s, started)
    executed: list[Path] = []
    html: list[Path] = []
    workbook: Path | None = None
    failure: NotebookFailure | None = None
    step = "report"
    try:
        step = "solving the scenario"
        solve_once(portfolio, scenario, partial)
        exporter = _html_exporter()
        for source in sources:
            step = source.name
            target = partial / source.name
            failure = execute_notebook(source, target, parameters, partial, timeout_s)
            executed.append(target)
            html.append(export_html(target, target.with_suffix(".html"), exporter))
            if progress is not None:
                progress(source.name)
            if failure is not None:
                break
        if failure is None:
            step = WORKBOOK_FILE
            tables = collect_tables(partial / TABLES_DIR)
            if tables:
                workbook = write_workbook(partial / WORKBOOK_FILE, tables)
    except Exception as exc:  # anything else that broke: still a FAILED folder and a message
        failure = NotebookFailure(step, None, None, type(exc).__name__, str(exc))
    except BaseException as exc:  # Ctrl-C: keep what ran, marked as failed, and stop
        _finish(partial, final, run, NotebookFailure(step, None, None, type(exc).__name__, ""))
        raise
    folder = _finish(partial, final, run, failure)
    html_final = tuple(folder / p.name for p in html)
    return ReportResult(
        scenario=scenario.name,
        folder=folder,
        ok=failure is None,
        notebooks=tuple(folder / p.name for p in executed),
        html=html_final,
        workbook=folder / workbook.name if workbook is not None else None,
        manifest=folder / MANIFEST_FILE,
        board_html=_board(list(html_final)) if failure is None else None,
        failure=failure,
        seconds=round(time.perf_counter() - clock, 3),
        files=tuple(f["path"] for f in _produced(folder)),
    )


def solve_once(portfolio_path: Path, scenario: Any, folder: Path) -> None:
    """Solve ``scenario`` once and store the plan in ``folder`` for every notebook (``plan_dir``).

    Writes ``plan.csv``, ``load.csv``, ``summary.json``, ``hires.csv`` and ``scenario.json``
    (:func:`pmo_opt.present.stored_plan.write_plan_dir`).
    """
    from pmo_opt.engine.optimise import optimise
    from pmo_opt.inputs.load import load_portfolio
    from pmo_opt.present.stored_plan import write_plan_dir

    write_plan_dir(optimise(load_portfolio(portfolio_path), scenario), folder)


@dataclass(frozen=True)
class _Run:
    """The facts of a run that the manifest records."""

    inputs: list[dict[str, Any]]
    scenario: Any
    sources: tuple[Path, ...]
    timeout_s: float | None
    started: str


def _finish(partial: Path, final: str, run: _Run, failure: NotebookFailure | None) -> Path:
    """Write the manifest and rename the build folder into place (``-FAILED`` on failure)."""
    commit, dirty = git_commit()
    facts = {
        "outcome": "failed" if failure is not None else "succeeded",
        "scenario_name": run.scenario.name,
        "scenario": run.scenario.to_dict(),
        "inputs": run.inputs,
        "notebooks": [{"path": _shown(p), "sha256": sha256(p)} for p in run.sources],
        "kernel": KERNEL_NAME,
        "cell_timeout_s": run.timeout_s,
        "versions": package_versions(),
        "solver": _solver_facts(partial),
        "started_utc": run.started,
        "finished_utc": _utc_now(),
        "git_commit": commit,
        "git_dirty": dirty,
        "failure": None
        if failure is None
        else {**dataclasses.asdict(failure), "message": str(failure)},
    }
    write_manifest(partial, facts)
    return _place(partial, final, failed=failure is not None)


_PROGRESS = None  # a worker process's queue to the parent's progress bar


def _init_worker(queue) -> None:
    global _PROGRESS
    _PROGRESS = queue


def _worker(kwargs: dict[str, Any]) -> ReportResult:
    """One scenario in a worker process; each finished notebook is reported to the parent."""
    queue = _PROGRESS
    return run_report(**kwargs, progress=(lambda name: queue.put(1)) if queue else None)


def run_reports(
    portfolio_path: str | Path,
    scenario_paths: Iterable[str | Path | None],
    out: str | Path | None = None,
    notebooks: Iterable[str | Path] | None = None,
    timeout_s: float | None = 600,
) -> int:
    """Run a report for each scenario (in parallel, one process each) and print the outcome.

    Every input is checked before anything runs. One scenario runs in this process; several
    run in at most ``os.cpu_count()`` worker processes, started with ``spawn`` (so a script
    that calls this needs the usual ``if __name__ == "__main__":`` guard). A tqdm bar on stderr counts notebooks
    (it hides itself when stderr is not a terminal). At the end each successful run prints its
    folder and the path of its board summary HTML; each failure prints notebook, cell index
    and error to stderr.

    Returns
    -------
    int
        The exit code: 0 when every report succeeded, 1 otherwise.
    """
    from tqdm import tqdm

    scenarios = list(scenario_paths) or [None]
    for scenario in scenarios:  # bad input: InputError (exit 2) before any folder exists
        _inputs(portfolio_path, scenario, None)
    sources = [str(p) for p in _notebook_list(notebooks)]
    check_kernel()
    jobs = [
        {
            "portfolio_path": str(portfolio_path),
            "scenario_path": None if s is None else str(s),
            "out": None if out is None else str(out),
            "notebooks": sources,
            "timeout_s": timeout_s,
        }
        for s in scenarios
    ]
    total = len(jobs) * len(sources)
    with tqdm(total=total, unit="notebook", desc="report", file=sys.stderr, disable=None) as bar:
        if len(jobs) == 1:
            results = [run_report(**jobs[0], progress=lambda name: bar.update(1))]
        else:
            results = _run_parallel(jobs, bar)
    for result in results:
        print(result.message(), file=sys.stdout if result.ok else sys.stderr)
    return 0 if all(r.ok for r in results) else 1


def _run_parallel(jobs: list[dict[str, Any]], bar) -> list[ReportResult]:
    # spawn, not fork: the parent has threads (tqdm's monitor) and fork would copy their locks
    context = multiprocessing.get_context("spawn")
    workers = max(1, min(len(jobs), os.cpu_count() or 1))
    queue = context.Queue()  # handed over at process start, the only way a Queue may travel

    def drain() -> None:
        while True:
            try:
                bar.update(queue.get_nowait())
            except Empty:
                return

    with concurrent.futures.ProcessPoolExecutor(
        workers, mp_context=context, initializer=_init_worker, initargs=(queue,)
    ) as pool:
        futures = [pool.submit(_worker, job) for job in jobs]
        pending = set(futures)
        while pending:
            _, pending = concurrent.futures.wait(pending, timeout=0.2)
            drain()
        results = [f.result() for f in futures]
    drain()
    return results


# --------------------------------------------------------------------------------------------
# refreshing the committed notebooks


def strip_volatile(nb) -> None:
    """Drop run metadata (papermill's and nbclient's timings) so that a refresh diffs cleanly."""
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)


def refresh_notebooks(folder: str | Path = paths.NOTEBOOKS_DIR, timeout_s: float = 600) -> int:
    """Re-execute every ``NN-*.ipynb`` in ``folder`` in place with its default parameters.

    Each notebook runs from ``folder`` (as in JupyterLab) into a hidden temporary file that
    replaces the original only when every cell succeeded; a failing notebook is left as it
    was. Returns 0 when all succeeded, 1 otherwise.
    """
    import nbformat

    folder = Path(folder)
    sources = list_notebooks(folder)
    if not sources:
        print(f"no NN-name.ipynb notebooks in {folder}", file=sys.stderr)
        return 1
    check_kernel()
    failed = 0
    for source in sources:
        temporary = source.with_name(f".{source.stem}.refresh.ipynb")
        try:
            failure = execute_notebook(source, temporary, None, folder, timeout_s)
            if failure is None:
                nb = nbformat.read(temporary, as_version=4)
                strip_volatile(nb)
                nbformat.write(nb, temporary)
                os.replace(temporary, source)
                print(f"refreshed {source.name}")
            else:
                failed += 1
                print(f"FAILED {failure}; {source.name} left unchanged", file=sys.stderr)
        finally:
            temporary.unlink(missing_ok=True)
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    """``python -m pmo_opt.reports refresh-notebooks [--folder DIR] [--timeout S]``."""
    parser = argparse.ArgumentParser(prog="python -m pmo_opt.reports")
    sub = parser.add_subparsers(dest="command", required=True)
    refresh = sub.add_parser("refresh-notebooks", help="re-execute notebooks/ in place")
    refresh.add_argument("--folder", default=str(paths.NOTEBOOKS_DIR))
    refresh.add_argument("--timeout", type=float, default=600, help="per-cell seconds")
    args = parser.parse_args(argv)
    return refresh_notebooks(args.folder, args.timeout)


if __name__ == "__main__":
    sys.exit(main())
