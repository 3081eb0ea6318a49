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

``python -m pmo_opt.present.reports refresh-notebooks`` re-executes ``notebooks/`` in place with their
default parameters (the sample portfolio) so that the committed outputs are true (``make
notebooks``).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import dataclasses
import itertools
import multiprocessing
import os
import re
import signal
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from queue import Empty
from typing import Any

from pmo_opt import paths
from pmo_opt.errors import InputError, Problem
from pmo_opt.present.execution import (
    KERNEL_NAME,
    NOTEBOOK_PATTERN,
    NotebookFailure,
    check_kernel,
    execute_notebook,
    list_notebooks,
    refresh_notebooks,
    strip_volatile,
)
from pmo_opt.present.html import PageContext, export_html, html_exporter, write_index
from pmo_opt.present.manifest import (
    MANIFEST_FILE,
    SUMMARY_FILE,
    fingerprint,
    git_commit,
    input_files,
    package_versions,
    produced,
    sha256,
    shown,
    solver_facts,
    utc_now,
    write_manifest,
)
from pmo_opt.present.report_ledger import new_run_id, record_in_ledger, resolve_report_baseline
from pmo_opt.present.stopping import STOPPED, Interrupted, stoppable
from pmo_opt.present.workbook import (
    SHEET_ORDER,
    TEXT_COLUMNS,
    WORKBOOK_FILE,
    collect_tables,
    read_table,
    report_sheets,
    write_workbook,
)
from pmo_opt.text import terminal_safe

TABLES_DIR = "tables"
MAX_NAME = 60
_FAILED = "-FAILED"


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
    run_id: str | None = None  # the decision ledger's id of this run (None: not recorded)
    ledger_error: str | None = None  # why recording it in the ledger failed

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


def _board(html: list[Path]) -> Path | None:
    named = [p for p in html if "board" in p.name.lower()]
    return named[-1] if named else (html[-1] if html else None)


# --------------------------------------------------------------------------------------------
# workbook


# --------------------------------------------------------------------------------------------
# manifest


# --------------------------------------------------------------------------------------------
# runs


def _inputs(portfolio_path, scenario_path, overrides):
    """Resolve and check the inputs before any folder is made (InputError: exit code 2); the
    portfolio is loaded and validated here, once for the whole run."""
    from pmo_opt.inputs.load import load_portfolio
    from pmo_opt.inputs.scenario import load_scenario

    portfolio = paths.resolve(portfolio_path)
    loaded = load_portfolio(portfolio)
    scenario_file = paths.resolve(scenario_path) if scenario_path is not None else None
    scenario = load_scenario(scenario_file, **dict(overrides or {}))
    return portfolio, scenario_file, scenario, loaded


#: notebooks that ``make notebooks`` refreshes but a report does not run: 07 re-plans the
#: portfolio's next cycle (data/sample-2027-04), an input the report's manifest does not record
NOT_IN_REPORTS = ("07-replan-quarter.ipynb",)


def _notebook_list(notebooks: Iterable[str | Path] | None) -> list[Path]:
    found = (
        [p for p in list_notebooks() if p.name not in NOT_IN_REPORTS]
        if notebooks is None
        else [paths.resolve(n) for n in notebooks]
    )
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
    ledger_url: str | None = None,
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
    ledger_url
        The decision ledger to record the run in, after its folder is in place (``None``: not
        recorded); ``manifest.json`` then carries the ``run_id``. A ledger failure leaves the
        folder as it is and is reported in ``ReportResult.ledger_error``.

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

    started, clock = utc_now(), time.perf_counter()
    run_id = new_run_id() if ledger_url is not None else None
    portfolio, scenario_file, scenario, loaded = _inputs(portfolio_path, scenario_path, overrides)
    sources = _notebook_list(notebooks)
    check_kernel()
    reports = Path(out).expanduser().resolve() if out is not None else paths.REPORTS_DIR
    reports.mkdir(parents=True, exist_ok=True)
    partial, final = reserve_folder(reports, scenario.name)
    source: dict[str, str] = {}
    if scenario.baseline is not None:  # `approved` or a run id: the ledger's plan, kept here
        path, source = resolve_report_baseline(scenario.baseline, ledger_url, portfolio, partial)
        scenario = scenario.replace(baseline=str(path))
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
        {"kind": kind, "path": shown(p), "sha256": sha256(p), "bytes": p.stat().st_size}
        for kind, p in input_files(portfolio, scenario_file)
    ]
    run = _Run(hashed, scenario, tuple(sources), timeout_s, started, run_id)
    executed: list[Path] = []
    html: list[Path] = []
    workbook: Path | None = None
    failure: NotebookFailure | None = None
    step = "report"
    plan, facts, solved = None, None, scenario
    pages = [source.with_suffix(".html").name for source in sources]
    context = PageContext(
        "", scenario.name, scenario.description, started[:10], fingerprint(hashed)
    )
    try:
        step = "solving the scenario"
        loaded, solved, plan, facts = solve_once(loaded, scenario, partial, source, portfolio)
        if plan is None:  # the notebooks solve (and say why they cannot) themselves
            parameters["plan_dir"] = None
        elif facts.settings_note:
            print(f"note: {facts.settings_note}", file=sys.stderr)
        context = dataclasses.replace(
            context,
            organisation=loaded.settings["organisation"],
            currency=loaded.settings["currency"],
        )
        exporter = html_exporter()
        for source in sources:
            step = source.name
            target = partial / source.name
            failure = execute_notebook(source, target, parameters, partial, timeout_s)
            if STOPPED:  # the signal reached nbclient, which reported a dead kernel instead
                raise Interrupted(f"stopped by {signal.Signals(STOPPED[0]).name}")
            executed.append(target)
            html.append(export_html(target, target.with_suffix(".html"), exporter, context, pages))
            if progress is not None:
                progress(source.name)
            if failure is not None:
                break
        if failure is None:
            step = WORKBOOK_FILE
            tables = collect_tables(partial / TABLES_DIR)
            first = report_sheets(loaded, plan, context, list(tables)) if plan is not None else {}
            sheets = {**first, **tables}
            workbook = write_workbook(partial / WORKBOOK_FILE, sheets)
    except Exception as exc:  # anything else that broke: still a FAILED folder and a message
        failure = NotebookFailure(step, None, None, type(exc).__name__, str(exc))
    except BaseException as exc:  # Ctrl-C: keep what ran, marked as failed, and stop
        stop = NotebookFailure(step, None, None, type(exc).__name__, str(exc))
        folder = _finish(partial, final, run, stop)
        if ledger_url is not None:  # the manifest names this run: the ledger must have it too
            record_in_ledger(
                ledger_url, run_id=run_id, started=started, folder=folder,
                portfolio_path=portfolio, scenario_file=scenario_file, scenario=scenario,
                portfolio=None, plan=None, failure=str(exc) or "stopped",
            )  # fmt: skip
        raise
    _index(partial, [p.name for p in html], context, workbook is not None, failure)
    folder = _finish(partial, final, run, failure)
    if scenario.baseline is not None and Path(scenario.baseline).parent == partial:
        kept = str(folder / Path(scenario.baseline).name)  # the report's own copy, in place
        scenario, solved = scenario.replace(baseline=kept), solved.replace(baseline=kept)
    ledger_error = None
    if ledger_url is not None:
        ledger_error = record_in_ledger(
            ledger_url,
            run_id=run_id,
            started=started,
            folder=folder,
            portfolio_path=portfolio,
            scenario_file=scenario_file,
            scenario=solved,
            portfolio=loaded,
            plan=plan,
            failure=failure,
            tables_dir=TABLES_DIR,
            facts=facts,
        )
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
        files=tuple(f["path"] for f in produced(folder)),
        run_id=run_id,
        ledger_error=ledger_error,
    )


def solve_once(
    portfolio: Any,
    scenario: Any,
    folder: Path,
    baseline: Mapping[str, str] | None = None,
    portfolio_path: Path | None = None,
) -> tuple[Any, Any, Any | None, Any | None]:
    """Solve ``scenario`` once and store the plan and its facts in ``folder`` for every notebook.

    Writes ``plan.csv``, ``load.csv``, ``summary.json``, ``hires.csv`` and ``scenario.json``
    (:func:`pmo_opt.present.stored_plan.write_plan_dir`) and ``facts.json``
    (:class:`pmo_opt.analysis.report_facts.ReportFacts`: the value, disruption, net, check
    and comparisons every page quotes). A quarter without settings of its own carries them
    over from the approved quarter's portfolio (``baseline["portfolio"]``, else the folder it
    is the next cycle of).

    Returns
    -------
    tuple
        The portfolio and scenario as solved (rolled forward for a re-plan), the plan and its
        facts; no plan (and no facts) when the scenario cannot be solved as given (a portfolio
        without months and a scenario without ``horizon_start``): then each notebook that
        needs a plan says why itself.
    """
    from pmo_opt.analysis.report_facts import build_facts
    from pmo_opt.engine.optimise import optimise
    from pmo_opt.inputs.baseline import replan_inputs
    from pmo_opt.inputs.settings_carry import approved_quarter, quarter_settings
    from pmo_opt.present.stored_plan import write_plan_dir

    baseline = dict(baseline or {})
    note, earlier = "", None
    if scenario.baseline is not None:
        earlier = approved_quarter(portfolio_path, baseline.get("portfolio"))
        name = Path(earlier.source).name if earlier is not None else ""
        portfolio, note = quarter_settings(portfolio, earlier, name)
    portfolio, scenario = replan_inputs(portfolio, scenario)
    try:
        plan = optimise(portfolio, scenario)
    except InputError:
        return portfolio, scenario, None, None
    write_plan_dir(plan, folder)
    facts = build_facts(
        portfolio, scenario, plan, baseline=baseline, settings_note=note, approved=earlier
    )
    facts.write(folder)
    return portfolio, scenario, plan, facts


def _index(
    folder: Path,
    pages: list[str],
    context: PageContext,
    workbook: bool,
    failure: NotebookFailure | None,
) -> None:
    """``index.html``: the pages in reading order, the workbook and the manifest."""
    files = {WORKBOOK_FILE: "the plan's tables for reviewers (Excel)"} if workbook else {}
    files[MANIFEST_FILE] = "what the run read and produced, with hashes (JSON)"
    facts = [("Outcome", "failed: " + str(failure) if failure is not None else "")]
    summary = folder / SUMMARY_FILE
    if summary.is_file():
        import json

        solved = json.loads(summary.read_text(encoding="utf-8"))
        status = str(solved.get("status", ""))
        gap = solved.get("gap")
        if status == "feasible" and gap is not None:
            status += f" (within {gap:.2%} of the best possible)"
        facts += [
            ("Plan", status.replace("_", " ")),
            ("Projects selected", f"{solved.get('selected', 0)} of {solved.get('projects', 0)}"),
        ]
    write_index(folder, pages, files, context, facts)


@dataclass(frozen=True)
class _Run:
    """The facts of a run that the manifest records."""

    inputs: list[dict[str, Any]]
    scenario: Any
    sources: tuple[Path, ...]
    timeout_s: float | None
    started: str
    run_id: str | None = None


def _finish(partial: Path, final: str, run: _Run, failure: NotebookFailure | None) -> Path:
    """Write the manifest and rename the build folder into place (``-FAILED`` on failure)."""
    commit, dirty = git_commit()
    facts = {
        "run_id": run.run_id,
        "outcome": "failed" if failure is not None else "succeeded",
        "scenario_name": run.scenario.name,
        "scenario": run.scenario.to_dict(),
        "inputs": run.inputs,
        "data_fingerprint": fingerprint(run.inputs),  # shown on every page
        "notebooks": [{"path": shown(p), "sha256": sha256(p)} for p in run.sources],
        "kernel": KERNEL_NAME,
        "cell_timeout_s": run.timeout_s,
        "versions": package_versions(),
        "solver": solver_facts(partial),
        "started_utc": run.started,
        "finished_utc": utc_now(),
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
    with stoppable():
        return run_report(**kwargs, progress=(lambda name: queue.put(1)) if queue else None)


def run_reports(
    portfolio_path: str | Path,
    scenario_paths: Iterable[str | Path | None],
    out: str | Path | None = None,
    notebooks: Iterable[str | Path] | None = None,
    timeout_s: float | None = 600,
    ledger_url: str | None = None,
) -> int:
    """Run a report for each scenario (in parallel, one process each) and print the outcome.

    Every input is checked before anything runs. One scenario runs in this process; several
    run in at most ``os.cpu_count()`` worker processes, started with ``spawn`` (so a script
    that calls this needs the usual ``if __name__ == "__main__":`` guard). A tqdm bar on stderr counts notebooks
    (it hides itself when stderr is not a terminal). At the end each successful run prints its
    folder and the path of its board summary HTML; each failure prints notebook, cell index
    and error to stderr. With ``ledger_url`` each run is recorded in the decision ledger once
    its folder is in place; a ledger failure is printed (``ledger: ...``) and makes the exit
    code 1, the folder stays.

    Returns
    -------
    int
        The exit code: 0 when every report succeeded (and was recorded), 1 otherwise.
    """
    from tqdm import tqdm

    scenarios = list(scenario_paths) or [None]
    for scenario in scenarios:  # bad input: InputError (exit 2) before any folder exists
        _inputs(portfolio_path, scenario, None)  # each run loads it again, in its own process
    sources = [str(p) for p in _notebook_list(notebooks)]
    check_kernel()
    jobs = [
        {
            "portfolio_path": str(portfolio_path),
            "scenario_path": None if s is None else str(s),
            "out": None if out is None else str(out),
            "notebooks": sources,
            "timeout_s": timeout_s,
            "ledger_url": ledger_url,
        }
        for s in scenarios
    ]
    total = len(jobs) * len(sources)
    with (
        stoppable(),
        tqdm(total=total, unit="notebook", desc="report", file=sys.stderr, disable=None) as bar,
    ):
        if len(jobs) == 1:
            results = [run_report(**jobs[0], progress=lambda name: bar.update(1))]
        else:
            results = _run_parallel(jobs, bar)
    for result in results:  # the ledger first: a report's last line stays its board summary
        if result.ledger_error is not None:
            print(f"ledger: {result.ledger_error}", file=sys.stderr)
        elif result.run_id is not None:
            print(f"ledger: run {result.run_id} recorded ({result.scenario})")
    for result in results:
        # scenario names and failure text come from the data: shown, never obeyed by the terminal
        text = terminal_safe(result.message())
        print(text, file=sys.stdout if result.ok else sys.stderr)
    return 0 if all(r.ok and r.ledger_error is None for r in results) else 1


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
        try:
            while pending:
                _, pending = concurrent.futures.wait(pending, timeout=0.2)
                drain()
        except KeyboardInterrupt:
            # each worker turns SIGTERM into a -FAILED folder and ends its kernel; then the
            # workers (which would wait for more work) are ended
            processes = list((getattr(pool, "_processes", None) or {}).values())
            for process in processes:
                with contextlib.suppress(OSError):
                    process.terminate()
            concurrent.futures.wait(futures, timeout=30)
            for process in processes:
                with contextlib.suppress(OSError):
                    process.kill()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        results = [f.result() for f in futures]
    drain()
    return results


# --------------------------------------------------------------------------------------------
# refreshing the committed notebooks


def main(argv: list[str] | None = None) -> int:
    """``python -m pmo_opt.present.reports refresh-notebooks [--folder DIR] [--timeout S]``."""
    parser = argparse.ArgumentParser(prog="python -m pmo_opt.present.reports")
    sub = parser.add_subparsers(dest="command", required=True)
    refresh = sub.add_parser("refresh-notebooks", help="re-execute notebooks/ in place")
    refresh.add_argument("--folder", default=str(paths.NOTEBOOKS_DIR))
    refresh.add_argument("--timeout", type=float, default=600, help="per-cell seconds")
    args = parser.parse_args(argv)
    return refresh_notebooks(args.folder, args.timeout)


if __name__ == "__main__":
    sys.exit(main())


#: names other modules and tests import from here (the runner's public face)
__all__ = [
    "KERNEL_NAME",
    "MANIFEST_FILE",
    "NOTEBOOK_PATTERN",
    "SHEET_ORDER",
    "TEXT_COLUMNS",
    "WORKBOOK_FILE",
    "NotebookFailure",
    "ReportResult",
    "check_kernel",
    "collect_tables",
    "execute_notebook",
    "list_notebooks",
    "read_table",
    "refresh_notebooks",
    "reserve_folder",
    "run_report",
    "run_reports",
    "safe_name",
    "sha256",
    "strip_volatile",
    "write_workbook",
]
