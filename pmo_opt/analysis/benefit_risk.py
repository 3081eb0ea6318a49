"""Risk in money: the plan's stated benefit and cost as ranges, from each project's low and high
estimates, and the chance that the plan's cost breaks a budget.

Each selected project's benefit is drawn from a triangular distribution (``benefit_low``,
``benefit``, ``benefit_high``) and its cost from (``cost_low``, its cost, ``cost_high``),
independently, with a seeded generator: the same seed gives the same figures. Where a low or
high estimate is missing the stated figure stands for it (no spread on that side). A drawn cost
scales the project's monthly spend, so every budget period is checked as the engine checks it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pmo_opt.engine.plan import Plan, spend_profile
from pmo_opt.inputs import months
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import Scenario

DRAWS = 5_000


@dataclass(frozen=True)
class MoneyRisk:
    """What :func:`money_risk` returns.

    Attributes
    ----------
    summary : rows ``benefit`` and ``cost``; columns ``P10``, ``P50``, ``P90``, ``stated``.
    chance_over_budget : the share of draws in which some budget period is exceeded (0..1).
    drivers : per selected project (index ``project_id``): ``name``, ``benefit_spread`` and
        ``cost_spread`` (P90 - P10 of its own draws), ``share_of_spread`` (its share of the
        variance of benefit minus cost), largest first.
    draws, seed : how many draws from which seed.
    """

    summary: pd.DataFrame
    chance_over_budget: float
    drivers: pd.DataFrame
    draws: int
    seed: int


def _triangular(
    rng: np.random.Generator, low: np.ndarray, mode: np.ndarray, high: np.ndarray, n: int
) -> np.ndarray:
    """``n`` draws per column; a column with low == high is that value every time."""
    lo, hi = np.minimum(low, mode), np.maximum(high, mode)
    flat = hi - lo <= 1e-12
    drawn = rng.triangular(lo, mode, np.where(flat, lo + 1.0, hi), size=(n, len(mode)))
    return np.where(flat, mode, drawn)


def _variance(low: np.ndarray, mode: np.ndarray, high: np.ndarray) -> np.ndarray:
    a, b, c = np.minimum(low, mode), np.maximum(high, mode), mode
    return (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0


def money_risk(
    portfolio: Portfolio,
    plan: Plan,
    scenario: Scenario | None = None,
    draws: int = DRAWS,
    seed: int | None = None,
) -> MoneyRisk:
    """P10/P50/P90 of the plan's stated benefit and cost, the chance of breaking a budget, and
    the projects that drive the spread (see the module notes for the draws).

    Parameters
    ----------
    portfolio, plan
        The inputs and a plan with a solution.
    scenario
        Supplies ``budget_scale`` and, unless ``seed`` is given, ``seed``; the plan's own when
        ``None``.
    draws
        How many joint draws (5,000 by default: P10/P90 then move by well under 1%).
    seed
        For the generator; ``scenario.seed`` when ``None``.

    Returns
    -------
    MoneyRisk
    """
    scenario = scenario or plan.scenario
    seed = scenario.seed if seed is None else seed
    sel = plan.selected
    pr = portfolio.projects.loc[sel]
    profile = spend_profile(portfolio)
    cost = profile.groupby("project_id")["amount"].sum().reindex(sel).fillna(0.0).to_numpy()
    benefit = pr["benefit"].to_numpy(dtype=float)
    b_lo = pr["benefit_low"].fillna(pr["benefit"]).to_numpy(dtype=float)
    b_hi = pr["benefit_high"].fillna(pr["benefit"]).to_numpy(dtype=float)
    c_lo = pr["cost_low"].fillna(pd.Series(cost, index=sel)).to_numpy(dtype=float)
    c_hi = pr["cost_high"].fillna(pd.Series(cost, index=sel)).to_numpy(dtype=float)
    rng = np.random.default_rng(seed)
    b_draw = _triangular(rng, b_lo, benefit, b_hi, draws)
    c_draw = _triangular(rng, c_lo, cost, c_hi, draws)
    hire = float(plan.spend["hire_spend"].sum())
    total_b, total_c = b_draw.sum(axis=1), c_draw.sum(axis=1) + hire
    quantiles = [10, 50, 90]
    summary = pd.DataFrame(
        [
            [*np.percentile(total_b, quantiles), float(benefit.sum())],
            [*np.percentile(total_c, quantiles), float(cost.sum()) + hire],
        ],
        index=pd.Index(["benefit", "cost"]),
        columns=["P10", "P50", "P90", "stated"],
    )
    ratio = np.divide(c_draw, cost, out=np.ones_like(c_draw), where=cost > 0)
    over = _over_budget(portfolio, plan, scenario, ratio)
    var = _variance(b_lo, benefit, b_hi) + _variance(c_lo, cost, c_hi)
    drivers = pd.DataFrame(
        {
            "name": pr["name"].to_numpy(),
            "benefit_spread": np.percentile(b_draw, 90, axis=0) - np.percentile(b_draw, 10, axis=0),
            "cost_spread": np.percentile(c_draw, 90, axis=0) - np.percentile(c_draw, 10, axis=0),
            "share_of_spread": var / var.sum() if var.sum() > 0 else np.zeros(len(sel)),
        },
        index=pd.Index(sel, name="project_id"),
    )
    drivers = drivers.sort_values(["share_of_spread"], ascending=False, kind="stable")
    return MoneyRisk(summary, over, drivers, draws, int(seed))


def _over_budget(portfolio: Portfolio, plan: Plan, scenario: Scenario, ratio: np.ndarray) -> float:
    """Share of draws in which the scaled monthly spend breaks some budget period's limit."""
    sel = plan.selected
    horizon = list(plan.horizon)
    index = {m: i for i, m in enumerate(horizon)}
    profile = spend_profile(portfolio)
    starts = {p: months.to_ordinal(plan.projects.at[p, "start"]) for p in sel}
    h0 = months.to_ordinal(horizon[0])
    grid = np.zeros((len(sel), len(horizon)))
    column = {p: k for k, p in enumerate(sel)}
    for p, offset, amount in profile[profile["project_id"].isin(starts)].itertuples(index=False):
        m = starts[p] - h0 + int(offset)
        if 0 <= m < len(horizon):
            grid[column[p], m] += float(amount)
    hires = plan.spend["hire_spend"].to_numpy(dtype=float)
    broken = np.zeros(ratio.shape[0], dtype=bool)
    for period, amount in zip(portfolio.budget["period"], portfolio.budget["amount"], strict=True):
        if pd.isna(amount):
            continue
        covered = months.period_months(str(period))
        cols = (
            list(range(len(horizon)))
            if covered is None
            else [index[c] for c in covered if c in index]
        )
        if not cols:
            continue
        per_project = grid[:, cols].sum(axis=1)
        spent = ratio @ per_project + hires[cols].sum()
        limit = float(amount) * scenario.budget_scale
        broken |= spent > limit * (1 + 1e-9)
    return float(broken.mean())
