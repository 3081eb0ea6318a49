"""``check_plan``: an independent checker of a plan against every rule of docs/model.md.

It recomputes each quantity from the portfolio tables with plain loops over rows, never from the
model (``model.py``) nor from the helpers that build a plan's load and spend (``plan.py``), so that
one mistake cannot hide in both. It reads only the decisions of a plan: ``selected``, ``start``,
``finish`` (for consistency), ``hires`` and ``horizon``.

The inputs read row by row and :class:`Violation` are in :mod:`pmo_opt.engine.check_rows`,
rules 1-10 in :mod:`pmo_opt.engine.check_rules`, the re-planning rules in
:mod:`pmo_opt.engine.check_replan`.
"""

from __future__ import annotations

from dataclasses import asdict

import pandas as pd

from pmo_opt.engine.check_replan import check_freeze, check_max_changes, replan_penalties
from pmo_opt.engine.check_rows import (
    Violation,
    demand_rows,
    label,
    project_rows,
    read_starts,
    spend_rows,
)
from pmo_opt.engine.check_rules import (
    check_benefit_floor,
    check_budget,
    check_capacity,
    check_categories,
    check_dependencies,
    check_hiring,
    check_risk,
    check_status_and_board,
    check_window,
)
from pmo_opt.engine.plan import Plan
from pmo_opt.errors import InputError, Problem
from pmo_opt.inputs import months
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import Scenario, resolve_horizon

__all__ = [
    "RULES",
    "Violation",
    "assert_plan_ok",
    "check_plan",
    "replan_penalties",
    "unknown_forced",
    "violations_table",
]

#: every ``Violation.rule``, in the order docs/model.md states them
RULES = (
    "horizon",  # the plan's months are not the scenario's horizon
    "consistency",  # selected vs start, finish vs start + duration - 1, unknown/missing rows
    "window",  # rule 1
    "status",  # rule 2
    "force_in",  # rule 3
    "force_out",  # rule 3
    "capacity",  # rule 4
    "hiring",  # rule 5
    "budget",  # rules 6-7
    "requires",  # rule 8
    "finish_to_start",  # rule 8
    "excludes",  # rule 8
    "category",  # rule 9
    "risk",  # rule 10
    "benefit_floor",  # min_benefit: the selected projects' stated benefit reaches the floor
    "makespan",  # objective makespan: everything not forced out is selected
    "freeze",  # rule 13: a frozen project keeps its baseline decision
    "max_changes",  # rule 14: at most max_changes selection changes against the baseline
)


def unknown_forced(portfolio: Portfolio, scenario: Scenario) -> None:
    """Raise :class:`InputError` when ``force_in`` / ``force_out`` name a project that is not one."""
    known = set(portfolio.projects.index)
    problems = []
    for key in ("force_in", "force_out"):
        missing = [p for p in getattr(scenario, key) if p not in known]
        if missing:
            problems.append(
                Problem(
                    f"scenario {scenario.name!r}",
                    None,
                    key,
                    f"{', '.join(map(repr, missing))} not in the projects table; "
                    "check the project ids",
                )
            )
    if problems:
        raise InputError(problems)


def check_plan(
    portfolio: Portfolio, scenario: Scenario, plan: Plan, tol: float = 1e-6
) -> list[Violation]:
    """Every rule of docs/model.md that ``plan`` breaks, in words.

    Parameters
    ----------
    portfolio, scenario
        The inputs the plan was made for.
    plan
        Only its decisions are read: ``projects["selected"]``, ``projects["start"]``,
        ``projects["finish"]``, ``hires`` (``role``, ``month``, ``fte``) and ``horizon``.
    tol
        Relative tolerance for FTE and money: a limit ``L`` is broken when a quantity exceeds
        ``L + tol * max(1, |L|)``.

    Returns
    -------
    list of Violation
        Empty when the plan satisfies every rule.

    Raises
    ------
    InputError
        When the scenario forces in or out a project id that is not in the portfolio.
    """
    unknown_forced(portfolio, scenario)
    out: list[Violation] = []
    horizon = resolve_horizon(portfolio, scenario)
    first = months.to_ordinal(horizon[0])
    last = months.to_ordinal(horizon[-1])
    if tuple(plan.horizon) != tuple(horizon):
        got = f"{plan.horizon[0]}..{plan.horizon[-1]}" if len(plan.horizon) else "no months"
        out.append(
            Violation(
                "horizon",
                f"the plan covers {got} ({len(plan.horizon)} months) but the scenario's horizon "
                f"is {horizon[0]}..{horizon[-1]} ({len(horizon)} months)",
            )
        )

    info = project_rows(portfolio)
    starts = read_starts(plan, info, out)  # project -> start ordinal, selected projects only

    check_window(info, starts, first, last, out)
    check_status_and_board(info, starts, scenario, first, out)
    demand = demand_rows(portfolio)
    hired = check_hiring(portfolio, scenario, plan, first, last, tol, out)
    check_capacity(portfolio, scenario, demand, starts, hired, first, last, tol, out)
    spend = spend_rows(portfolio, info, demand)
    check_budget(portfolio, scenario, spend, starts, hired, first, last, tol, out)
    check_dependencies(portfolio, info, starts, out)
    check_categories(portfolio, info, spend, starts, tol, out)
    check_risk(scenario, info, starts, tol, out)
    check_benefit_floor(scenario, info, starts, tol, out)
    if scenario.baseline is not None:
        check_freeze(scenario, info, starts, first, out)
        check_max_changes(portfolio, scenario, plan, out)
    if scenario.objective == "makespan":
        forced_out = set(scenario.force_out)
        for p in info:
            if p not in forced_out and p not in starts:
                out.append(
                    Violation(
                        "makespan",
                        f"{label(info, p)} is not selected, but under the makespan objective "
                        "every project not forced out must be",
                        project_id=p,
                    )
                )
    return out


def assert_plan_ok(portfolio: Portfolio, scenario: Scenario, plan: Plan, tol: float = 1e-6) -> None:
    """Raise ``AssertionError`` listing every violation of ``plan`` (for tests)."""
    found = check_plan(portfolio, scenario, plan, tol)
    if found:
        raise AssertionError(
            f"{len(found)} violation(s) in plan:\n" + "\n".join(f"  {v}" for v in found)
        )


def violations_table(violations: list[Violation]) -> pd.DataFrame:
    """Violations as a tidy table: ``rule``, ``project_id``, ``role``, ``month``, ``period``,
    ``amount``, ``message`` (one row each; no rows when the plan is fine)."""
    columns = ["rule", "project_id", "role", "month", "period", "amount", "message"]
    return pd.DataFrame([asdict(v) for v in violations], columns=columns)
