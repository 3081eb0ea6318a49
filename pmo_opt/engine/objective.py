"""What every engine shares: each project's value, the scenario's objective evaluated on a plan,
the relative gap, and the board's decisions checked against the portfolio."""

from __future__ import annotations

import pandas as pd

from pmo_opt.engine.plan import Plan
from pmo_opt.engine.replan import penalty_of
from pmo_opt.errors import InputError, Problem
from pmo_opt.inputs import months
from pmo_opt.inputs.cells import suggest
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import Scenario
from pmo_opt.prioritise.scoring import project_value, scoring_method


def project_values(portfolio: Portfolio, scenario: Scenario) -> pd.Series:
    """Value per project: the priority score for the ``value`` objective, else ``benefit``."""
    if scenario.objective != "value":
        return portfolio.projects["benefit"].astype(float)
    return project_value(portfolio, scenario).reindex(portfolio.projects.index).fillna(0.0)


def check_decisions(portfolio: Portfolio, scenario: Scenario) -> None:
    """Board decisions must name real projects; a benefit floor needs the MILP (HiGHS or CBC).

    CP-SAT's model has no benefit-floor row, so ``min_benefit`` with ``solver=cpsat`` or
    ``auto`` is refused rather than silently ignored.
    """
    known = set(portfolio.projects.index)
    problems = [
        Problem(f"scenario {scenario.name!r}", None, key, f"{p!r} is not a project id")
        for key in ("force_in", "force_out")
        for p in getattr(scenario, key)
        if p not in known
    ]
    if scenario.min_benefit is not None and scenario.solver in ("cpsat", "auto"):
        problems.append(
            Problem(
                f"scenario {scenario.name!r}",
                None,
                "min_benefit",
                f"a benefit floor is solved by the MILP only; solver={scenario.solver} (CP-SAT) "
                "cannot apply it: set solver to default or highs, or leave min_benefit empty",
            )
        )
    if problems:
        raise InputError(problems)


def objective_of(plan: Plan, portfolio: Portfolio, scenario: Scenario) -> float:
    """The scenario's objective evaluated on a plan (without the solver's tie-break); with a
    baseline, minus the re-planning penalties (:func:`pmo_opt.engine.replan.penalty_of`)."""
    return _gain(plan, portfolio, scenario) - penalty_of(plan, portfolio, scenario)


def _gain(plan: Plan, portfolio: Portfolio, scenario: Scenario) -> float:
    sel = plan.projects[plan.projects["selected"]]
    pr = portfolio.projects.loc[sel.index]
    if scenario.objective == "value":
        return float(sel["value"].sum())
    if scenario.objective == "benefit":
        return float(pr["benefit"].sum())
    h0 = months.to_ordinal(plan.horizon[0])
    if scenario.objective == "makespan":
        if not len(sel):
            return 0.0
        return float(max(months.to_ordinal(f) for f in sel["finish"]) - h0 + 1)
    start = sel["start"].map(months.to_ordinal) - h0
    earliest = pr["earliest_start"].map(
        lambda m: months.to_ordinal(m) - h0 if isinstance(m, str) else 0
    )
    delay = (start - earliest.clip(lower=0)).clip(lower=0)
    return float((pr["benefit"] - pr["cost_of_delay"] * delay).sum())


def relative_gap(objective: float, bound: float | None) -> float | None:
    """Relative gap between a plan's objective and a proven bound (None when no bound)."""
    if bound is None:
        return None
    return abs(bound - objective) / max(abs(objective), 1e-9)


def scenario_warnings(portfolio: Portfolio, scenario: Scenario) -> list[Problem]:
    """Settings that are accepted but look like mistakes, as warnings (``pmo-opt`` prints them).

    An ``extra_fte`` or ``weights`` entry naming a role or criterion the portfolio does not
    have (it changes nothing a project needs), and a scoring method that falls back to the
    ``benefit`` column because the portfolio lacks its inputs.
    """
    where = f"scenario {scenario.name!r}"
    out: list[Problem] = []
    for key, known, what in (
        ("extra_fte", portfolio.role_names, "role"),
        ("weights", list(portfolio.criteria.index), "criterion"),
    ):
        for name in getattr(scenario, key):
            if name in known:
                continue
            close = suggest(name, known)
            hint = f"; did you mean {close!r}?" if close else f" (known: {', '.join(known)})"
            out.append(
                Problem(
                    where,
                    None,
                    key,
                    f"{name!r} is not a {what} of the portfolio, so it changes nothing{hint}",
                    "warning",
                )
            )
    if scenario.objective == "value" and scenario.scoring != "benefit":
        if scoring_method(portfolio, scenario) == "benefit":
            out.append(
                Problem(
                    where,
                    None,
                    "scoring",
                    f"scoring {scenario.scoring!r} needs scores and criteria (or pairwise "
                    "judgements, or cost_of_delay) that the portfolio lacks; the projects' "
                    "benefit is used instead",
                    "warning",
                )
            )
    return out
