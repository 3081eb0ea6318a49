"""The plan in money over time: cost and budget per year, the stated benefit as it comes back,
net present value and payback, per project and for the portfolio.

Cost is spread exactly as the engine's budget rows spread it (:func:`pmo_opt.engine.plan.
spend_profile`: a stated ``cost`` evenly over the project's months, else its labour at the roles'
rates), hires at their hire cost in the month they work. Years are calendar years, as budget
periods are (``2027`` covers 2027-01..2027-12, :func:`pmo_opt.inputs.months.period_months`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pmo_opt.engine.plan import Plan, spend_profile
from pmo_opt.inputs import months
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import Scenario

#: months over which a stated benefit without a cost of delay is spread, evenly
BENEFIT_MONTHS = 36

BENEFIT_RULE = (
    "Stated benefit starts the month after a project ends and comes back at its cost of delay "
    f"per month where one is given, otherwise evenly over {BENEFIT_MONTHS} months, until the "
    "whole stated benefit is counted."
)


@dataclass(frozen=True)
class MoneyView:
    """What :func:`money_view` returns.

    Attributes
    ----------
    years : one row per calendar year: ``year``, ``cost``, ``budget`` (NaN in a year no budget
        period covers), ``benefit``, ``net`` (benefit - cost), ``cumulative_net``,
        ``discounted_net``.
    projects : one row per selected project (index ``project_id``): ``name``, ``start``,
        ``finish``, ``cost``, ``benefit``, ``benefit_from`` (first month of benefit),
        ``benefit_per_month``, ``npv``, ``payback_year`` (None when it never pays back).
    project_years : long: ``project_id``, ``year``, ``cost``, ``benefit``, ``discounted``
        (the year's net discounted to the horizon start).
    npv : the portfolio's net present value at ``discount_rate``.
    payback_year : the first year whose cumulative net is 0 or more (None if none).
    discount_rate, currency, rule : the settings the figures rest on, in words for a page.
    """

    years: pd.DataFrame
    projects: pd.DataFrame
    project_years: pd.DataFrame
    npv: float
    payback_year: int | None
    discount_rate: float
    currency: str
    rule: str = BENEFIT_RULE

    @property
    def total_cost(self) -> float:
        return float(self.years["cost"].sum())

    @property
    def total_benefit(self) -> float:
        return float(self.years["benefit"].sum())


def benefit_months(portfolio: Portfolio, plan: Plan) -> pd.DataFrame:
    """``project_id``, ``month`` (ordinal), ``benefit``: each selected project's stated benefit
    month by month, by :data:`BENEFIT_RULE` (the last month carries what is left)."""
    pr = portfolio.projects
    rows: list[tuple[str, int, float]] = []
    for p in plan.selected:
        total = float(pr.at[p, "benefit"])
        if total <= 0:
            continue
        delay = float(pr.at[p, "cost_of_delay"])
        rate = delay if delay > 0 else total / BENEFIT_MONTHS
        first = months.to_ordinal(plan.projects.at[p, "finish"]) + 1
        left, m = total, first
        while left > 1e-9:
            amount = min(rate, left)
            rows.append((p, m, amount))
            left, m = left - amount, m + 1
    return pd.DataFrame(rows, columns=["project_id", "month", "benefit"])


def cost_months(portfolio: Portfolio, plan: Plan) -> pd.DataFrame:
    """``project_id``, ``month`` (ordinal), ``cost``: the selected projects' spend as the budget
    rows count it, plus hires under the project id ``"(hires)"``."""
    profile = spend_profile(portfolio)
    starts = {p: months.to_ordinal(plan.projects.at[p, "start"]) for p in plan.selected}
    sp = profile[profile["project_id"].isin(starts)].copy()
    sp["month"] = sp["project_id"].map(starts) + sp["month_offset"]
    frame = sp.rename(columns={"amount": "cost"})[["project_id", "month", "cost"]]
    hires = plan.spend[plan.spend["hire_spend"] > 0]
    if len(hires):
        extra = pd.DataFrame(
            {
                "project_id": "(hires)",
                "month": [months.to_ordinal(m) for m in hires["month"]],
                "cost": hires["hire_spend"].to_numpy(dtype=float),
            }
        )
        frame = pd.concat([frame, extra], ignore_index=True)
    return frame.reset_index(drop=True)


def budget_per_year(portfolio: Portfolio, scenario: Scenario) -> pd.Series:
    """Budget per calendar year (scaled by ``budget_scale``), as the budget rows limit it.

    A year's own period (``2027``) is its budget: quarter or month tranches inside it are
    further limits within that amount, not additions. A year without one gets the sum of its
    quarters and of its months outside those quarters. A ``total`` budget has no year.
    """
    by_kind: dict[int, dict[str, float]] = {}
    quarters_given: set[tuple[int, int]] = set()
    rows = zip(portfolio.budget["period"], portfolio.budget["amount"], strict=True)
    dated = []
    for period, amount in rows:
        covered = months.period_months(str(period))
        if covered is None or pd.isna(amount):
            continue
        first = months.to_ordinal(covered[0])
        kind = {12: "year", 3: "quarter"}.get(len(covered), "month")
        if kind == "quarter":
            quarters_given.add((first // 12, (first % 12) // 3))
        dated.append((first, kind, float(amount) * scenario.budget_scale))
    for first, kind, amount in dated:
        year = first // 12
        if kind == "month" and (year, (first % 12) // 3) in quarters_given:
            continue  # a month inside a given quarter limits within it
        slot = by_kind.setdefault(year, {})
        slot[kind] = slot.get(kind, 0.0) + amount
    out = {y: k["year"] if "year" in k else sum(k.values()) for y, k in by_kind.items()}
    return pd.Series(out, dtype=float)


def money_view(portfolio: Portfolio, plan: Plan, scenario: Scenario | None = None) -> MoneyView:
    """Cost, budget and stated benefit per year, NPV and payback of ``plan``.

    Benefit: :data:`BENEFIT_RULE` (starts the month after a project ends; per month at its
    ``cost_of_delay`` where given, else the stated benefit evenly over 36 months, until the whole
    stated benefit is counted). NPV discounts each month's net to the horizon's first month at
    ``scenario.discount_rate`` a year (month k by ``(1 + r) ** (k / 12)``).
    Payback is the first year whose cumulative undiscounted net is 0 or more.

    Parameters
    ----------
    portfolio, plan
        The inputs and a plan with a solution.
    scenario
        Supplies ``discount_rate`` and ``budget_scale``; the plan's own scenario when ``None``.

    Returns
    -------
    MoneyView
    """
    scenario = scenario or plan.scenario
    rate = float(scenario.discount_rate)
    cost = cost_months(portfolio, plan)
    benefit = benefit_months(portfolio, plan)
    cost["year"], benefit["year"] = cost["month"] // 12, benefit["month"] // 12
    h0 = months.to_ordinal(plan.horizon[0]) if plan.horizon else 0
    first = h0 // 12
    cost["discounted"] = -cost["cost"] / (1.0 + rate) ** ((cost["month"] - h0) / 12.0)
    benefit["discounted"] = benefit["benefit"] / (1.0 + rate) ** ((benefit["month"] - h0) / 12.0)
    last = int(max([first, *cost["year"], *benefit["year"]]))
    years = pd.DataFrame({"year": range(first, last + 1)})
    years["cost"] = years["year"].map(cost.groupby("year")["cost"].sum()).fillna(0.0)
    years["budget"] = years["year"].map(budget_per_year(portfolio, scenario))
    years["benefit"] = years["year"].map(benefit.groupby("year")["benefit"].sum()).fillna(0.0)
    years["net"] = years["benefit"] - years["cost"]
    years["cumulative_net"] = years["net"].cumsum()
    both = pd.concat([cost, benefit])
    years["discounted_net"] = years["year"].map(both.groupby("year")["discounted"].sum())
    years["discounted_net"] = years["discounted_net"].fillna(0.0)

    project_years = (
        pd.concat(
            [
                cost.groupby(["project_id", "year"])["cost"].sum(),
                benefit.groupby(["project_id", "year"])["benefit"].sum(),
                both.groupby(["project_id", "year"])["discounted"].sum(),
            ],
            axis=1,
        )
        .fillna(0.0)
        .reset_index()
        .sort_values(["project_id", "year"], kind="stable")
        .reset_index(drop=True)
    )
    projects = _project_table(portfolio, plan, project_years, benefit)
    payback = years.loc[years["cumulative_net"] >= -1e-6, "year"]
    return MoneyView(
        years=years.reset_index(drop=True),
        projects=projects,
        project_years=project_years,
        npv=float(years["discounted_net"].sum()),
        payback_year=int(payback.iloc[0]) if len(payback) else None,
        discount_rate=rate,
        currency=portfolio.settings.get("currency") or "",
    )


def _project_table(
    portfolio: Portfolio,
    plan: Plan,
    project_years: pd.DataFrame,
    benefit: pd.DataFrame,
) -> pd.DataFrame:
    """Per selected project: its cost, benefit, when the benefit starts, NPV and payback year."""
    pr = portfolio.projects
    sel = plan.selected
    py = project_years[project_years["project_id"].isin(sel)].copy()
    py["net"] = py["benefit"] - py["cost"]
    py["cumulative"] = py.groupby("project_id")["net"].cumsum()
    paid = py[py["cumulative"] >= -1e-6].groupby("project_id")["year"].min()
    starts = benefit.groupby("project_id")["month"].min()
    table = pd.DataFrame(index=pd.Index(sel, name="project_id"))
    table["name"] = pr.loc[sel, "name"]
    table["start"] = plan.projects.loc[sel, "start"]
    table["finish"] = plan.projects.loc[sel, "finish"]
    table["cost"] = py.groupby("project_id")["cost"].sum().reindex(sel).fillna(0.0)
    table["benefit"] = py.groupby("project_id")["benefit"].sum().reindex(sel).fillna(0.0)
    table["benefit_from"] = [
        months.from_ordinal(int(starts[p])) if p in starts.index else None for p in sel
    ]
    delay = pr.loc[sel, "cost_of_delay"].astype(float)
    stated = pr.loc[sel, "benefit"].astype(float)
    table["benefit_per_month"] = np.where(
        delay > 0, np.minimum(delay, stated), stated / BENEFIT_MONTHS
    )
    table["npv"] = py.groupby("project_id")["discounted"].sum().reindex(sel).fillna(0.0)
    payback = [int(paid[p]) if p in paid.index else None for p in sel]
    table["payback_year"] = pd.Series(payback, index=table.index, dtype=object)
    return table
