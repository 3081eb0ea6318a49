"""``Problem``: what a validated portfolio and a scenario resolve to, derived once.

Every engine and analysis needs the same facts: the planning months, the capacity of each role
in each of them, what each project is worth under the objective, where each project may start,
the baseline being re-planned, the projects already under way, the budget of each period, the
currency and the organisation. Before this module each of them derived those facts again from
the raw portfolio and scenario; now :func:`build_problem` makes one frozen ``Problem`` and the
callers read its attributes.

Each fact is computed the first time it is read and kept (``functools.cached_property`` on a
frozen dataclass): a caller that needs only the horizon does not pay for the start windows, and
no fact is ever computed twice for one problem. The facts are shared, so callers treat the
frames and series as read-only.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from pmo_opt.engine.objective import project_values
from pmo_opt.engine.plan import capacity_grid
from pmo_opt.engine.windows import start_windows
from pmo_opt.inputs.baseline import Baseline, baseline_of
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import Scenario, resolve_horizon


@dataclass(frozen=True, eq=False)
class Problem:
    """One portfolio under one scenario, with the facts every engine reads.

    Attributes
    ----------
    portfolio : the validated portfolio (never modified).
    scenario : the settings it is planned under.
    """

    portfolio: Portfolio
    scenario: Scenario

    @cached_property
    def horizon(self) -> list[str]:
        """The planning months, ``YYYY-MM``, first to last."""
        return resolve_horizon(self.portfolio, self.scenario)

    @property
    def months(self) -> int:
        """How many months the horizon has."""
        return len(self.horizon)

    @cached_property
    def capacity(self) -> pd.DataFrame:
        """Long ``role``, ``month``, ``fte``: each role's capacity in each month of the horizon,
        with the scenario's extra FTE and scale applied (docs/model.md rule 4)."""
        return capacity_grid(self.portfolio, self.horizon, self.scenario)

    @cached_property
    def values(self) -> pd.Series:
        """Per project: the priority score under the ``value`` objective, else the benefit."""
        return project_values(self.portfolio, self.scenario)

    @cached_property
    def windows(self) -> pd.DataFrame:
        """Per project: ``lo``/``hi`` start month index, ``mandatory``, ``duration`` (see
        :func:`pmo_opt.engine.windows.start_windows`), with no makespan bound."""
        return start_windows(self.portfolio, self.scenario, self.horizon)

    @cached_property
    def baseline(self) -> Baseline | None:
        """The plan being re-planned, against this portfolio; ``None`` when planning afresh."""
        return baseline_of(self.portfolio, self.scenario)

    @cached_property
    def in_flight(self) -> list[str]:
        """The projects already under way (they start in the first month, whatever else)."""
        projects = self.portfolio.projects
        return sorted(projects.index[projects["status"] == "in_flight"])

    @cached_property
    def budget(self) -> pd.Series:
        """Money available per budget ``period`` (index), in the portfolio's currency."""
        budget = self.portfolio.budget
        return budget.set_index("period")["amount"].astype(float)

    @property
    def currency(self) -> str:
        """The currency every amount is in (the ``settings`` table; empty when not given)."""
        return str(self.portfolio.settings.get("currency", ""))

    @property
    def organisation(self) -> str:
        """Whose portfolio this is (the ``settings`` table)."""
        return str(self.portfolio.settings.get("organisation", ""))


def build_problem(portfolio: Portfolio, scenario: Scenario | None = None) -> Problem:
    """The problem ``portfolio`` poses under ``scenario`` (defaults when ``None``).

    Parameters
    ----------
    portfolio
        A loaded, validated portfolio.
    scenario
        The settings; :class:`~pmo_opt.inputs.scenario.Scenario` defaults when ``None``.

    Returns
    -------
    Problem
        Its facts are derived when first read, once.
    """
    return Problem(portfolio, scenario or Scenario())


#: the scenario's engine and limits: they change how a problem is solved, never a fact of it
RUN_SETTINGS = ("solver", "time_limit_s", "mip_gap", "threads", "scheduler")


def problem_for(problem: Problem | None, portfolio: Portfolio, scenario: Scenario) -> Problem:
    """``problem`` when it was built from this portfolio and a scenario that differs from
    ``scenario`` at most in :data:`RUN_SETTINGS`, else a new one (an engine called on its own,
    or with other settings, builds its own).

    Parameters
    ----------
    problem
        The problem the caller was handed, if any.
    portfolio, scenario
        What the caller is asked to solve.

    Returns
    -------
    Problem
        One whose facts are those of ``portfolio`` under ``scenario``.
    """
    if problem is not None and problem.portfolio is portfolio:
        run = {name: getattr(scenario, name) for name in RUN_SETTINGS}
        if problem.scenario.replace(**run) == scenario:
            return problem
    return build_problem(portfolio, scenario)
