"""Notebook parameters: check what papermill injected, build the scenario, load the portfolio.

Every notebook in ``notebooks/`` has one cell tagged ``parameters`` (annotated literals) and, right
after it, ``ctx = notebook_setup(globals())``. That call

1. finds the cell papermill injected (IPython's input history ``In``: the injected cell starts with
   the line ``# Parameters``) and refuses any name in it that is not a parameter, with a "did you
   mean": papermill itself only logs a warning for a misspelt parameter, and a report built on a
   silently ignored ``budget_scael = 0.8`` would be wrong without anyone noticing;
2. checks the type of every parameter value and builds the :class:`~pmo_opt.inputs.scenario.Scenario`:
   the scenario file (when given), then every scenario field set in the notebook (a field left at
   ``None`` in the parameters cell means "from the scenario file, else the default"; a field
   papermill injected is applied as given, ``None`` included);
3. loads the portfolio (a relative path is resolved by :func:`pmo_opt.paths.resolve`, so it works
   from ``notebooks/``, from a report folder and from anywhere else);
4. returns a frozen :class:`NotebookContext`.

The parameters are every :class:`Scenario` field plus ``portfolio``, ``scenario_file``,
``output_dir`` (the report folder; ``None`` in JupyterLab, where nothing is written) and
``interactive`` (build widget panels; ``True`` for an analyst, papermill runs pass ``False``).

The environment variable ``PMO_OPT_INTERACTIVE`` (``0``/``1``) overrides the *default* of
``interactive`` (never a value papermill injected): ``make notebooks`` and the nbval run set it to
``0`` so that the outputs committed with the notebooks, and the ones nbval compares them with, are
the static results a report shows, without widget state.
"""

from __future__ import annotations

import ast
import difflib
import json
import os
import re
import types
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from pmo_opt import paths
from pmo_opt.analysis.report_facts import ReportFacts, build_facts
from pmo_opt.engine.objective import check_decisions
from pmo_opt.engine.plan import Plan
from pmo_opt.errors import InputError, Problem
from pmo_opt.inputs.baseline import replan_inputs
from pmo_opt.inputs.load import load_portfolio
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import FIELDS, Scenario, load_scenario, with_overrides
from pmo_opt.inputs.settings_carry import approved_quarter, quarter_settings
from pmo_opt.present.stored_plan import read_plan_dir, same_scenario
from pmo_opt.text import csv_safe_frame, csv_unquote

#: parameters that are not scenario fields
RUN_PARAMETERS = ("portfolio", "scenario_file", "output_dir", "interactive", "plan_dir")
#: every name a notebook's parameters may set
KNOWN_PARAMETERS = (*FIELDS, *RUN_PARAMETERS)
INTERACTIVE_ENV = "PMO_OPT_INTERACTIVE"
TABLES_DIR = "tables"  # as pmo_opt.present.reports.TABLES_DIR (reports sits above this module)
SUMMARY_FILE = "summary.json"
WHERE = "notebook parameters"
_INJECTED_MARK = "# Parameters"
_TABLE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,30}$")

_FLOATS = ("budget_scale", "capacity_scale", "time_limit_s", "mip_gap", "max_avg_risk")
_FLOATS += ("change_penalty", "move_penalty")  # re-planning (issue 14)
_FLOATS += ("discount_rate", "min_benefit")  # money views and the benefit floor (issue 25)
_INTS = ("horizon_months", "threads", "seed", "max_changes")
_BOOLS = ("allow_hiring", "interactive")
_LISTS = ("force_in", "force_out", "freeze")
_MAPPINGS = ("weights", "extra_fte")
_PATHS = ("portfolio", "scenario_file", "output_dir", "plan_dir")


@dataclass(frozen=True)
class NotebookContext:
    """What a notebook works with after :func:`notebook_setup`.

    Attributes
    ----------
    portfolio : the loaded, validated portfolio.
    scenario : the settings of this run.
    output_dir : the report folder, or ``None`` (an analyst in JupyterLab: nothing is written).
    interactive : build widget panels (JupyterLab) or not (papermill runs).
    portfolio_path, scenario_path : the resolved input paths (``scenario_path`` ``None`` without a
        scenario file).
    injected : names papermill injected (empty when the notebook was run by hand).
    plan_dir : the folder of the report's one plan (:mod:`pmo_opt.present.stored_plan`), or
        ``None``: :meth:`plan` solves.
    """

    portfolio: Portfolio
    scenario: Scenario
    output_dir: Path | None
    interactive: bool
    portfolio_path: Path
    scenario_path: Path | None = None
    injected: tuple[str, ...] = ()
    plan_dir: Path | None = None

    @property
    def portfolio_label(self) -> str:
        """The portfolio path as people should read it: relative to the project when inside it."""
        return display_path(self.portfolio_path)

    @property
    def scenario_label(self) -> str:
        """The scenario's name and, when there is one, its file (relative to the project)."""
        if self.scenario_path is None:
            return self.scenario.name
        return f"{self.scenario.name} ({display_path(self.scenario_path)})"

    def write_table(self, name: str, table: pd.DataFrame) -> None:
        """Write ``table`` as ``<output_dir>/tables/<name>.csv`` (a sheet of ``plan.xlsx``).

        A named index (``project_id``) becomes the first column; a plain range index is dropped.
        Nothing is written when there is no ``output_dir``. Returns nothing, so that a notebook
        cell ending with it shows no output (a path would differ between runs).
        """
        if not _TABLE_NAME.match(name):
            raise InputError(
                [Problem("write_table", None, None, f"{name!r} is not a sheet name: use a-z 0-9 _")]
            )
        if self.output_dir is None:
            return
        frame = table
        if any(n is not None for n in frame.index.names):
            frame = frame.reset_index()
        folder = self.output_dir / TABLES_DIR
        folder.mkdir(parents=True, exist_ok=True)
        csv_safe_frame(frame).to_csv(folder / f"{name}.csv", index=False, encoding="utf-8")

    def plan(self) -> Plan:
        """The scenario's plan: the report's one plan when ``plan_dir`` is given, else solved.

        A report run solves the scenario once, before any notebook, and passes the folder it
        wrote as ``plan_dir``; every notebook then rebuilds the identical plan
        (:func:`pmo_opt.present.stored_plan.read_plan_dir`), so the pages show one selection and
        one budget use, even when a solve stops at its time limit. Without ``plan_dir`` (a
        notebook in JupyterLab), or when the notebook's scenario differs from the stored plan's,
        it solves (:func:`pmo_opt.engine.optimise.optimise`).
        """
        from pmo_opt.engine.optimise import optimise

        if self.plan_dir is not None and same_scenario(self.plan_dir, self.scenario):
            return read_plan_dir(self.plan_dir, self.portfolio, self.scenario)
        return optimise(self.portfolio, self.scenario)

    def facts(self, plan: Plan | None = None) -> ReportFacts:
        """The facts every page quotes about the plan (value, disruption, net, the check, the
        gain over rank-and-fill): the report's ``facts.json`` when this is the report's plan,
        else built here for ``plan`` (default :meth:`plan`) the same way the report builds them
        (:func:`pmo_opt.analysis.report_facts.build_facts`)."""
        if self.plan_dir is not None and same_scenario(self.plan_dir, self.scenario):
            stored = ReportFacts.read(self.plan_dir)
            if stored is not None:
                return stored
        return build_facts(self.portfolio, self.scenario, plan if plan is not None else self.plan())

    def read_table(self, name: str) -> pd.DataFrame | None:
        """A table an earlier notebook of this report run wrote with :meth:`write_table`, or
        ``None`` (no ``output_dir``, or not written). Identifiers stay text."""
        if self.output_dir is None:
            return None
        path = self.output_dir / TABLES_DIR / f"{name}.csv"
        if not path.is_file():
            return None
        table = pd.read_csv(path, dtype={c: str for c in _TEXT_COLUMNS}, keep_default_na=True)
        return table.map(csv_unquote).rename(columns=csv_unquote)  # as write_table quoted it

    def write_summary(self, plan: Plan) -> None:
        """Write ``plan.summary()`` as ``<output_dir>/summary.json`` (the manifest copies status
        and gap from it); nothing without ``output_dir``."""
        if self.output_dir is None or self.plan_dir is not None:
            return  # a report run: the runner wrote the plan's summary.json with the plan
        self.output_dir.mkdir(parents=True, exist_ok=True)
        target = self.output_dir / SUMMARY_FILE
        target.write_text(json.dumps(plan.summary(), indent=2) + "\n", encoding="utf-8")


_TEXT_COLUMNS = ("project_id", "name", "category", "status", "role", "month", "start", "finish",
                 "displaces", "period", "scenario")  # fmt: skip


def display_path(path: str | Path) -> str:
    """``path`` relative to the project root when it lies inside it, else its last part.

    Notebook outputs never show an absolute path: it differs between machines and report folders.
    """
    p = Path(path)
    try:
        return p.resolve().relative_to(paths.ROOT).as_posix()
    except ValueError:
        return p.name


# --------------------------------------------------------------------------------------------
# finding and checking the parameters


def injected_names(history: Sequence[str] | None) -> list[str]:
    """Names assigned in the last cell of ``history`` that papermill injected (``# Parameters``).

    ``history`` is IPython's ``In`` list; an empty list when no cell was injected (a notebook run
    by hand in JupyterLab). A cell that does not parse is an :class:`InputError`.
    """
    for source in reversed(list(history or [])):
        lines = source.lstrip().splitlines() if isinstance(source, str) else []
        if lines and lines[0].rstrip() == _INJECTED_MARK:
            return _assigned_names(source)
    return []


def _assigned_names(source: str) -> list[str]:
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise InputError(
            [Problem(WHERE, None, None, f"the injected parameters cell does not parse: {exc}")]
        ) from None
    names: list[str] = []
    for node in tree.body:
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, ast.AnnAssign)
            else []
        )
        for target in targets:
            if isinstance(target, ast.Name) and target.id not in names:
                names.append(target.id)
    return names


def check_names(names: Sequence[str]) -> None:
    """Refuse any name that is not a parameter, suggesting the closest one."""
    problems = []
    for name in names:
        if name in KNOWN_PARAMETERS:
            continue
        close = difflib.get_close_matches(name, KNOWN_PARAMETERS, n=1)
        hint = (
            f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(KNOWN_PARAMETERS)}"
        )
        problems.append(Problem(WHERE, None, name, f"unknown parameter {name!r}{hint}"))
    if problems:
        raise InputError(problems)


def _type_problem(name: str, value: Any) -> str | None:
    """Why ``value`` has the wrong type for parameter ``name`` (``None`` when it is fine)."""
    nullable = name in _PATHS[1:] or (name in FIELDS and FIELDS[name].default is None)
    if value is None:
        return None if nullable or name in FIELDS else "a value is required"
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if name in _FLOATS:
        return None if number else "expected a number"
    if name in _INTS:
        whole = isinstance(value, int) and not isinstance(value, bool)
        return None if whole else "expected a whole number"
    if name in _BOOLS:
        return None if isinstance(value, bool) else "expected True or False"
    if name in _LISTS:
        if isinstance(value, str):
            return None
        if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            return None
        return "expected a list of project ids (text), e.g. ['P01', 'P07']"
    if name in _MAPPINGS:
        if isinstance(value, Mapping) and all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in value.values()
        ):
            return None
        return "expected a mapping of name: number, e.g. {'business_value': 0.5}"
    if name in _PATHS:
        if isinstance(value, str | os.PathLike):
            return None if str(value).strip() or name != "portfolio" else "a path is required"
        return "expected a path (text)"
    return None if isinstance(value, str) else "expected text"


def check_values(values: Mapping[str, Any]) -> None:
    """Refuse every parameter value of the wrong type, naming the parameter and the value."""
    problems = []
    for name, value in values.items():
        if isinstance(value, types.ModuleType | types.FunctionType | type):
            what = getattr(value, "__name__", type(value).__name__)
            problems.append(
                Problem(
                    WHERE,
                    None,
                    name,
                    f"{name!r} is {what!r}, not a value: an import or definition in the notebook "
                    f"hides the parameter {name!r}; import it under another name",
                )
            )
        elif (why := _type_problem(name, value)) is not None:
            problems.append(Problem(WHERE, None, name, f"{value!r} is not valid for {name}: {why}"))
    if problems:
        raise InputError(problems)


def _interactive(namespace: Mapping[str, Any], injected: Sequence[str]) -> bool:
    if "interactive" in injected:
        return bool(namespace["interactive"])
    setting = os.environ.get(INTERACTIVE_ENV, "").strip().lower()
    if setting in ("0", "false", "no", "off"):
        return False
    if setting in ("1", "true", "yes", "on"):
        return True
    return bool(namespace.get("interactive", False))


def _path_or_none(value: Any) -> Path | None:
    if value is None or not str(value).strip():
        return None
    return paths.resolve(value)


def build_scenario(
    values: Mapping[str, Any], injected: Sequence[str] = (), scenario_path: Path | None = None
) -> Scenario:
    """The scenario file (or the defaults) with the notebook's scenario fields applied.

    A field counts as set when papermill injected it, or when its value is not ``None``.
    """
    base = load_scenario(scenario_path) if scenario_path is not None else Scenario()
    changes = {
        name: values[name]
        for name in FIELDS
        if name in values and (name in injected or values[name] is not None)
    }
    return with_overrides(base, changes, where=WHERE) if changes else base


def _plain_warning(message, category, filename, lineno, line=None) -> str:
    # the default format starts with the file's absolute path, which differs between machines
    return f"{category.__name__}: {message}\n"


def notebook_setup(namespace: Mapping[str, Any]) -> NotebookContext:
    """Check the notebook's parameters and load what the notebook needs.

    Call it as ``ctx = notebook_setup(globals())`` in the cell after the ``parameters`` cell.

    Parameters
    ----------
    namespace
        The notebook's globals: the parameter values and IPython's input history ``In``.

    Returns
    -------
    NotebookContext
        Portfolio, scenario, output folder and the ``interactive`` switch.

    Notes
    -----
    For the notebook's own display it also shows warnings without their source file (a path
    differs between machines) and lets tables of up to 200 rows show whole.

    Raises
    ------
    InputError
        A misspelt parameter (with a suggestion), a value of the wrong type or out of range, a
        missing scenario file, a portfolio that does not load (every problem listed), or a
        board decision (``force_in``, ``force_out``) naming no project.
    """
    warnings.formatwarning = _plain_warning
    pd.set_option("display.max_rows", 200)
    injected = injected_names(namespace.get("In"))
    check_names(injected)
    values = {name: namespace[name] for name in KNOWN_PARAMETERS if name in namespace}
    check_values(values)
    if "portfolio" not in values:
        raise InputError(
            [Problem(WHERE, None, "portfolio", "no portfolio parameter: set portfolio = '...'")]
        )
    scenario_path = _path_or_none(values.get("scenario_file"))
    scenario = build_scenario(values, injected, scenario_path)
    portfolio_path = paths.resolve(values["portfolio"])
    # re-planning: the portfolio rolled forward to as_of against the baseline plan.csv (the
    # report runner has resolved `approved` or a run id into one through the ledger)
    plan_dir = _path_or_none(values.get("plan_dir"))
    portfolio = load_portfolio(portfolio_path)
    if scenario.baseline is not None:  # a quarter without settings: the approved quarter's
        stored = ReportFacts.read(plan_dir) if plan_dir is not None else None
        approved = stored.baseline.get("portfolio") if stored is not None else None
        portfolio, _ = quarter_settings(portfolio, approved_quarter(portfolio_path, approved))
    portfolio, scenario = replan_inputs(portfolio, scenario)
    check_decisions(portfolio, scenario)  # force_in / force_out name real projects
    output_dir = _path_or_none(values.get("output_dir"))
    return NotebookContext(
        portfolio=portfolio,
        scenario=scenario,
        output_dir=output_dir,
        interactive=_interactive(namespace, injected),
        portfolio_path=portfolio_path,
        scenario_path=scenario_path,
        injected=tuple(injected),
        plan_dir=plan_dir,
    )


__all__ = [
    "INTERACTIVE_ENV",
    "KNOWN_PARAMETERS",
    "NotebookContext",
    "build_scenario",
    "check_names",
    "check_values",
    "display_path",
    "injected_names",
    "notebook_setup",
]
