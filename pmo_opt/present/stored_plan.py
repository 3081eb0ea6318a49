"""A report's one plan, stored in a folder so that every notebook of the report shows it.

The report runner solves the scenario once, before any notebook runs, and writes the plan with
:func:`write_plan_dir`: ``plan.csv``, ``load.csv`` and ``summary.json`` (:meth:`Plan.write`),
plus ``hires.csv`` and ``scenario.json`` (what rebuilds the plan exactly). Each notebook receives
the folder as the papermill parameter ``plan_dir`` and :func:`read_plan_dir` rebuilds the same
:class:`~pmo_opt.engine.plan.Plan` from its starts and hires, keeping the solver's status,
objective, bound and gap: the selection, the schedule and the budget use are one set of numbers
on every page, even when two plans are equally good or the solve stopped at its time limit.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from pmo_opt.engine.objective import project_values
from pmo_opt.engine.plan import Plan, make_plan
from pmo_opt.errors import InputError, Problem
from pmo_opt.inputs import months
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import Scenario

PLAN_DIR = "plan"
HIRES_FILE = "hires.csv"
SCENARIO_FILE = "scenario.json"
_FACTS = ("status", "objective", "bound", "gap", "solver", "build_seconds", "solve_seconds",
          "message")  # fmt: skip


def write_plan_dir(plan: Plan, folder: str | Path) -> Path:
    """Write ``plan`` into ``folder`` (created): :meth:`Plan.write` plus hires and scenario.

    Parameters
    ----------
    plan
        The solved plan of the report's scenario.
    folder
        Where to write; usually ``<report>/plan``.

    Returns
    -------
    Path
        ``folder``.
    """
    target = plan.write(folder)
    plan.hires[["role", "month", "fte"]].to_csv(target / HIRES_FILE, index=False)
    (target / SCENARIO_FILE).write_text(
        json.dumps(plan.scenario.to_dict(), indent=1, default=str) + "\n", encoding="utf-8"
    )
    return target


def same_scenario(folder: str | Path, scenario: Scenario) -> bool:
    """Whether the plan in ``folder`` was solved for ``scenario`` (every field equal)."""
    path = Path(folder) / SCENARIO_FILE
    if not path.is_file():
        return False
    saved = json.loads(path.read_text(encoding="utf-8"))
    return saved == json.loads(json.dumps(scenario.to_dict(), default=str))


def read_plan_dir(folder: str | Path, portfolio: Portfolio, scenario: Scenario) -> Plan:
    """The plan :func:`write_plan_dir` stored in ``folder``, rebuilt for ``portfolio``.

    Parameters
    ----------
    folder
        A folder written by :func:`write_plan_dir`.
    portfolio, scenario
        The report's inputs (the same the plan was solved for).

    Returns
    -------
    Plan
        Starts and hires as stored; status, objective, bound, gap and solver from
        ``summary.json``.

    Raises
    ------
    InputError
        A file is missing or does not belong to ``portfolio`` (names the file and the fix).
    """
    folder = Path(folder)
    where = str(folder)
    needed = ("plan.csv", "summary.json", HIRES_FILE)
    missing = [n for n in needed if not (folder / n).is_file()]
    if missing:
        raise InputError(
            [
                Problem(
                    where,
                    None,
                    None,
                    f"no {', '.join(missing)} in the plan folder: pass the folder a report run "
                    "wrote (plan_dir), or None to solve here",
                )
            ]
        )
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    table = pd.read_csv(folder / "plan.csv", dtype=str, keep_default_na=False)
    unknown = sorted(set(table["project_id"]) - set(portfolio.projects.index))
    if unknown:
        raise InputError(
            [
                Problem(
                    f"{where}/plan.csv",
                    None,
                    "project_id",
                    f"{unknown[0]!r} is not a project of this portfolio: the plan folder is "
                    "from another portfolio; pass plan_dir=None to solve here",
                )
            ]
        )
    starts = {
        p: (s or None)
        for p, sel, s in zip(table["project_id"], table["selected"], table["start"], strict=True)
        if sel == "1" and s
    }
    hires = pd.read_csv(folder / HIRES_FILE, dtype={"role": str, "month": str})
    start = summary.get("horizon_start")
    count = int(summary.get("horizon_months") or 0)
    horizon = months.month_range(start, count) if start and count else []
    facts = {k: summary.get(k) for k in _FACTS if k in summary}
    # how the plan was found and what a re-plan changes: kept for the pages that tell it
    details = {k: summary[k] for k in ("search", "engines", "replan") if k in summary}
    return make_plan(
        portfolio,
        scenario,
        horizon,
        starts,
        hires,
        values=project_values(portfolio, scenario),
        details=details,
        **facts,
    )


__all__ = ["PLAN_DIR", "read_plan_dir", "same_scenario", "write_plan_dir"]
