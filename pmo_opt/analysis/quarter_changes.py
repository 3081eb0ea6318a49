"""What changed in the inputs between the approved quarter and this one, named from the data.

A re-plan is defended by its causes: the budget that was cut, the specialist who left, the
project that slipped or was cancelled, the proposals that arrived. :func:`input_changes`
compares the approved quarter's portfolio with this quarter's (before the roll forward) over
this quarter's months and returns one row per cause, each with the amounts before and after.
"""

from __future__ import annotations

import pandas as pd

from pmo_opt.engine.plan import capacity_grid
from pmo_opt.inputs import months
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import Scenario

#: the columns of :func:`input_changes`
CHANGE_COLUMNS = ("kind", "subject", "before", "after", "from_month", "project_id")
#: a capacity change smaller than this (FTE) is noise, not a cause
FTE_TOLERANCE = 1e-6


def input_changes(
    approved: Portfolio,
    current: Portfolio,
    scenario: Scenario,
    horizon: list[str],
    approved_plan: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The causes of a re-plan, one row each (:data:`CHANGE_COLUMNS`).

    Parameters
    ----------
    approved, current
        The approved quarter's portfolio and this quarter's, as loaded (not rolled forward).
    scenario
        This quarter's scenario (capacity scaling and extra FTE apply to both sides alike).
    horizon
        This quarter's planning months.
    approved_plan
        The approved ``plan.csv`` (``project_id`` index; ``selected``, ``start``, ``finish``):
        tells a slipped project (its finish moved later in the data) from one that is late.

    Returns
    -------
    DataFrame
        ``kind`` is ``budget`` (``subject`` a period, amounts in money), ``capacity`` (a role,
        FTE per month, ``from_month`` the first month it differs), ``cancelled`` (a project in
        the approved plan that the data no longer holds), ``slipped`` (an in-flight project with
        more months left than the approved plan allowed, ``before``/``after`` its finish month), ``new`` (a proposal the approved quarter did not have, ``after`` its
        cost).
    """
    rows = _budget(approved, current, horizon)
    rows += _capacity(approved, current, scenario, horizon)
    rows += _projects(approved, current, horizon, approved_plan)
    return pd.DataFrame(rows, columns=list(CHANGE_COLUMNS))


def _budget(approved: Portfolio, current: Portfolio, horizon: list[str]) -> list[dict]:
    """Budget rows whose amount differs, for periods that reach into ``horizon``."""
    inside = set(horizon)
    before = dict(zip(approved.budget["period"], approved.budget["amount"], strict=True))
    rows = []
    for period, amount in zip(current.budget["period"], current.budget["amount"], strict=True):
        covered = months.period_months(str(period))
        if covered is not None and not inside.intersection(covered):
            continue
        was = before.get(period)
        if was is None or abs(float(was) - float(amount)) > 0.5:
            rows.append(_row("budget", str(period), was, float(amount)))
    return rows


def _capacity(
    approved: Portfolio, current: Portfolio, scenario: Scenario, horizon: list[str]
) -> list[dict]:
    """Per role, the first month of ``horizon`` whose FTE differs, with both amounts."""
    old = capacity_grid(approved, horizon, scenario).set_index(["role", "month"])["fte"]
    new = capacity_grid(current, horizon, scenario).set_index(["role", "month"])["fte"]
    both = pd.concat({"old": old, "new": new}, axis=1).fillna(0.0)
    rows = []
    for role, grid in both.groupby(level="role", sort=True):
        differs = grid[(grid["new"] - grid["old"]).abs() > FTE_TOLERANCE]
        if differs.empty:
            continue
        first = differs.index[0][1]
        rows.append(
            _row(
                "capacity",
                str(role),
                float(differs["old"].iloc[0]),
                float(differs["new"].iloc[0]),
                from_month=first,
            )
        )
    return rows


def _projects(
    approved: Portfolio,
    current: Portfolio,
    horizon: list[str],
    plan: pd.DataFrame | None,
) -> list[dict]:
    rows = []
    old, new = approved.projects, current.projects
    chosen = plan.index[plan["selected"].astype(bool)] if plan is not None else old.index[:0]
    for p in sorted(set(chosen) - set(new.index)):
        rows.append(_row("cancelled", str(old.at[p, "name"]) if p in old.index else p, project=p))
    first = months.to_ordinal(horizon[0]) if horizon else None
    for p in sorted(set(chosen) & set(new.index)):
        finish = plan.at[p, "finish"]
        if first is None or not isinstance(finish, str) or new.at[p, "status"] != "in_flight":
            continue
        now = first + int(new.at[p, "duration"]) - 1  # in flight: runs from the first month
        was = months.to_ordinal(finish)
        if now > was:
            rows.append(
                _row("slipped", str(new.at[p, "name"]), finish, months.from_ordinal(now), project=p)
            )
    for p in sorted(set(new.index) - set(old.index)):
        rows.append(_row("new", str(new.at[p, "name"]), None, float(new.at[p, "cost"]), project=p))
    return rows


def _row(kind, subject, before=None, after=None, from_month=None, project=None) -> dict:
    return {
        "kind": kind,
        "subject": subject,
        "before": before,
        "after": after,
        "from_month": from_month,
        "project_id": project,
    }


__all__ = ["CHANGE_COLUMNS", "input_changes"]
