"""Page 01: what the portfolio holds and how far demand exceeds money and people."""

from __future__ import annotations

import numpy as np
import pandas as pd
from IPython.display import Markdown

from pmo_opt.engine.plan import Plan, capacity_grid, make_plan
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import Scenario, resolve_horizon
from pmo_opt.present.narrative.facts import DECIDED, total_budget
from pmo_opt.present.narrative.words import (
    as_markdown,
    cash,
    join_words,
    plural,
    role_label,
    share,
    span_text,
)
from pmo_opt.text import escape_markdown


def role_pressure(portfolio: Portfolio, scenario: Scenario) -> pd.DataFrame:
    """Demand against capacity per role over the horizon, as if every project ran once.

    Returns
    -------
    DataFrame
        ``role``, ``demand_fte_months`` (all projects), ``decided_fte_months`` (in-flight and
        committed work only), ``capacity_fte_months`` (with the scenario's scaling and extra
        FTE), ``ratio`` (demand / capacity), ``decided_ratio``; highest ratio first.
    """
    horizon = resolve_horizon(portfolio, scenario)
    capacity = capacity_grid(portfolio, horizon, scenario).groupby("role")["fte"].sum()
    demand = portfolio.demand.groupby("role")["fte"].sum()
    decided_ids = portfolio.projects.index[portfolio.projects["status"].isin(DECIDED)]
    decided = (
        portfolio.demand[portfolio.demand["project_id"].isin(decided_ids)]
        .groupby("role")["fte"]
        .sum()
    )
    roles = sorted(set(capacity.index) | set(demand.index))
    out = pd.DataFrame({"role": roles})
    out["demand_fte_months"] = out["role"].map(demand).fillna(0.0).astype(float)
    out["decided_fte_months"] = out["role"].map(decided).fillna(0.0).astype(float)
    out["capacity_fte_months"] = out["role"].map(capacity).fillna(0.0).astype(float)
    cap = out["capacity_fte_months"].where(out["capacity_fte_months"] > 0)
    out["ratio"] = out["demand_fte_months"] / cap
    out["decided_ratio"] = out["decided_fte_months"] / cap
    return out.sort_values(["ratio", "role"], ascending=[False, True], kind="stable").reset_index(
        drop=True
    )


def earliest_start_plan(portfolio: Portfolio, scenario: Scenario) -> Plan:
    """Every project (not forced out) started in the first month it may: the unconstrained
    demand a PMO faces before choosing. Not a valid plan (``status`` ``feasible`` only so that
    charts accept it); use its ``load`` to show demand against capacity."""
    horizon = resolve_horizon(portfolio, scenario)
    first = horizon[0]
    starts = {}
    for p, row in portfolio.projects.iterrows():
        if p in scenario.force_out:
            continue
        early = row["earliest_start"]
        starts[p] = early if isinstance(early, str) and early > first else first
    return make_plan(
        portfolio,
        scenario,
        horizon,
        starts,
        status="feasible",
        message="every project at its earliest start (not a plan)",
    )


def data_overview(portfolio: Portfolio, scenario: Scenario, source: str = "") -> Markdown:
    """What the portfolio holds and how far it is oversubscribed, in money and in people."""
    pr = portfolio.projects
    horizon = resolve_horizon(portfolio, scenario)
    status = pr["status"].value_counts()
    by_status = join_words(
        [f"{int(status[s])} {s.replace('_', '-')}" for s in ("in_flight", "committed", "proposed")
         if s in status]
    )  # fmt: skip
    cats = pr["category"].dropna()
    lines = [
        f"**{len(pr)} projects** ({by_status})"
        + (f" in {cats.nunique()} categories" if len(cats) else "")
        + (f" from {escape_markdown(source)}" if source else "")
        + f", planned over **{len(horizon)} months** ({span_text(horizon)}).",
        "",
    ]
    plan = earliest_start_plan(portfolio, scenario)
    cost = float(plan.projects["cost"].sum())
    budget = total_budget(portfolio, plan)
    if budget:
        decided = float(plan.projects.loc[pr["status"].isin(DECIDED), "cost"].sum())
        lines.append(
            f"- **Money**: doing everything would cost **{cash(portfolio, cost)}** against a "
            f"budget of **{cash(portfolio, budget)}** ({cost / budget:.2f}x oversubscribed); the "
            f"in-flight and committed work alone takes {cash(portfolio, decided)} "
            f"({share(decided / budget)} of it)."
        )
    else:
        lines.append(
            f"- **Money**: doing everything would cost **{cash(portfolio, cost)}**; no budget "
            "given."
        )
    pressure = role_pressure(portfolio, scenario)
    short = pressure[pressure["ratio"] > 1.0]
    if len(short):
        worst = [
            f"{role_label(r)} {x:.2f}x" for r, x in zip(short["role"], short["ratio"], strict=True)
        ][:4]
        lines.append(
            f"- **People**: {plural(len(short), 'role')} of {len(pressure)} are asked for more "
            f"than they have over the horizon: {join_words(worst)} (demand / capacity)."
        )
    else:
        lines.append("- **People**: every role has enough capacity in total over the horizon.")
    deps = portfolio.dependencies
    if len(deps):
        kinds = deps["kind"].value_counts()
        words = {
            "requires": "requires",
            "finish_to_start": "finish-to-start",
            "excludes": "excludes",
        }
        lines.append(
            f"- **Rules**: {plural(len(deps), 'dependency', 'dependencies')} ("
            + ", ".join(f"{int(kinds[k])} {words[k]}" for k in words if k in kinds)
            + ")"
            + (
                f", {int(pr['deadline'].notna().sum())} deadlines"
                if pr["deadline"].notna().any()
                else ""
            )
            + (
                f", {int(pr['earliest_start'].notna().sum())} earliest starts."
                if pr["earliest_start"].notna().any()
                else "."
            )
        )
    if portfolio.warnings:
        lines.append(
            f"- **Warnings**: {plural(len(portfolio.warnings), 'thing')} accepted but odd "
            "(listed below)."
        )
    else:
        lines.append("- **Data quality**: the portfolio passed every check with no warnings.")
    return as_markdown(lines)


def category_table(portfolio: Portfolio) -> pd.DataFrame:
    """Per category: ``projects``, ``cost`` (given, else labour), ``benefit`` and the share
    bounds of the categories table (``min_share``, ``max_share``, empty when none)."""
    from pmo_opt.engine.plan import spend_profile

    pr = portfolio.projects
    cost = spend_profile(portfolio).groupby("project_id")["amount"].sum().reindex(pr.index)
    frame = pd.DataFrame(
        {"category": pr["category"].fillna("(none)"), "cost": cost, "benefit": pr["benefit"]}
    )
    out = frame.groupby("category", sort=True).agg(
        projects=("cost", "size"), cost=("cost", "sum"), benefit=("benefit", "sum")
    )
    cats = portfolio.categories
    for col in ("min_share", "max_share"):
        out[col] = out.index.map(cats[col]) if col in cats else np.nan
    return out.reset_index()


__all__ = ["category_table", "data_overview", "earliest_start_plan", "role_pressure"]
