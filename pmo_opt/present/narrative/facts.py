"""Plan facts several pages state: the solver's outcome in words, budget use, role use."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmo_opt.engine.plan import Plan
from pmo_opt.inputs import months
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.present.narrative.words import share
from pmo_opt.text import escape_markdown

FULL = 0.99  # a role-month at or above this share of its capacity counts as fully booked


DECIDED = ("in_flight", "committed")


def status_sentence(plan: Plan) -> str:
    """The solver's outcome in one honest sentence."""
    s = plan.scenario
    if plan.status == "optimal":
        if plan.gap is not None and plan.gap > 1e-6:
            return (
                f"The plan is proven to be within {share(s.mip_gap, 2 if s.mip_gap < 0.01 else 1)} "
                f"of the best possible (the agreed solver tolerance; the proven gap is "
                f"{share(plan.gap, 2)})."
            )
        return "The plan is proven optimal: no plan that keeps every rule is worth more."
    if plan.status == "feasible":
        gap = f"at most {share(plan.gap, 2)} below" if plan.gap is not None else "below"
        return (
            f"**Not proven optimal**: the solver stopped at its {s.time_limit_s:g}-second limit; "
            f"the best possible plan may be {gap} this one."
        )
    if plan.status == "infeasible":
        return (
            "**No plan keeps every rule**: the committed work, deadlines, budget and teams clash."
        )
    if plan.status == "no_solution":
        return f"**No plan was found** within the {s.time_limit_s:g}-second limit."
    return f"**The solver reported {plan.status}**: {escape_markdown(plan.message)}"


def budget_use(portfolio: Portfolio, plan: Plan) -> pd.DataFrame:
    """Spend against each budget row: ``period``, ``spend``, ``limit``, ``use``, ``left``.

    Periods wholly outside the horizon limit nothing and are left out (docs/model.md, rule 7).
    """
    spend = plan.spend.set_index("month")["total"]
    horizon = list(plan.horizon)
    rows = []
    for period, amount in zip(portfolio.budget["period"], portfolio.budget["amount"], strict=True):
        covered = months.period_months(str(period))
        ms = horizon if covered is None else [m for m in covered if m in set(horizon)]
        if not ms:
            continue
        used = float(spend.reindex(ms).fillna(0.0).sum())
        limit = float(amount) * plan.scenario.budget_scale
        rows.append(
            {
                "period": str(period),
                "spend": used,
                "limit": limit,
                "use": used / limit if limit > 0 else np.nan,
                "left": limit - used,
            }
        )
    return pd.DataFrame(rows, columns=["period", "spend", "limit", "use", "left"])


def total_budget(portfolio: Portfolio, plan: Plan) -> float | None:
    """The money the budget allows over the horizon at this scenario's scale (``None`` without a
    budget): see :func:`pmo_opt.analysis.frontier.budget_reference`."""
    from pmo_opt.analysis.frontier import budget_reference

    if not len(portfolio.budget):
        return None
    return budget_reference(portfolio, list(plan.horizon)) * plan.scenario.budget_scale


def role_use(plan: Plan) -> pd.DataFrame:
    """Per role over the horizon: ``demand_fte_months``, ``supply_fte_months`` (capacity plus
    hires), ``utilisation``, ``full_months`` (months at or above 99%), ``peak``, ``peak_month``;
    busiest first."""
    load = plan.load.copy()
    load["supply"] = load["capacity_fte"] + load["hired_fte"]
    load["use"] = load["demand_fte"] / load["supply"].where(load["supply"] > 0)
    rows = []
    for role, g in load.groupby("role", sort=True):
        supply = float(g["supply"].sum())
        demand = float(g["demand_fte"].sum())
        peak_at = g["use"].idxmax() if g["use"].notna().any() else None
        rows.append(
            {
                "role": role,
                "demand_fte_months": demand,
                "supply_fte_months": supply,
                "utilisation": demand / supply if supply > 0 else np.nan,
                "full_months": int((g["use"] >= FULL).sum()),
                "peak": float(g.at[peak_at, "use"]) if peak_at is not None else np.nan,
                "peak_month": g.at[peak_at, "month"] if peak_at is not None else None,
            }
        )
    out = pd.DataFrame(rows)
    if not len(out):
        return out
    return out.sort_values(
        ["full_months", "utilisation", "role"], ascending=[False, False, True], kind="stable"
    ).reset_index(drop=True)


__all__ = ["DECIDED", "FULL", "budget_use", "role_use", "status_sentence", "total_budget"]
