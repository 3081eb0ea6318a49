"""Left-shift: start each selected project as early as the plan's other decisions allow.

The MILP's objective is indifferent to when most projects start (``value`` and ``benefit`` do not
depend on it) and the solver stops within its gap, so two equally good plans can differ only in
timing. A PMO expects work to start as soon as it can: this pass moves each project to its
earliest start that keeps every rule of docs/model.md, with the selection and hires unchanged.
It never lowers any objective (earlier is never worse for ``value_minus_delay`` or ``makespan``)
and is deterministic (projects in order of start, then id).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmo_opt.engine.plan import capacity_grid, spend_profile
from pmo_opt.inputs import months
from pmo_opt.inputs.baseline import Baseline
from pmo_opt.inputs.portfolio import Portfolio

TOL = 1e-7


def left_shift(
    portfolio: Portfolio,
    horizon: list[str],
    windows: pd.DataFrame,
    starts: dict[str, str],
    hires: pd.DataFrame,
    scenario,
) -> dict[str, str]:
    """Return ``starts`` with every project moved as early as capacity, budget and
    predecessors allow (``windows['lo']`` is each project's earliest allowed start index)."""
    T = len(horizon)
    index = {m: i for i, m in enumerate(horizon)}
    start = {p: index[s] for p, s in starts.items()}
    if not start:
        return starts
    roles = sorted(set(portfolio.role_names) | set(scenario.extra_fte))
    r_index = {r: i for i, r in enumerate(roles)}
    cap = (
        capacity_grid(portfolio, horizon, scenario)["fte"]
        .to_numpy(copy=True)
        .reshape(len(roles), T)
    )
    if len(hires):
        for r, m, f in hires[["role", "month", "fte"]].itertuples(index=False):
            cap[r_index[r], index[m]] += f
    duration = portfolio.projects["duration"].astype(int)
    dem = portfolio.demand[portfolio.demand["project_id"].isin(start)]
    need: dict[str, np.ndarray] = {p: np.zeros((len(roles), int(duration[p]))) for p in start}
    for p, r, k, f in dem[["project_id", "role", "month_offset", "fte"]].itertuples(index=False):
        need[p][r_index[r], k] += f
    profile = spend_profile(portfolio)
    profile = profile[profile["project_id"].isin(start)]
    pay = {p: np.zeros(int(duration[p])) for p in start}
    for p, k, a in profile.itertuples(index=False):
        pay[p][k] += a
    use = np.zeros((len(roles), T))
    spend = np.zeros(T)
    for p, s in start.items():
        use[:, s : s + len(pay[p])] += need[p]
        spend[s : s + len(pay[p])] += pay[p]
    if len(hires):
        rate = portfolio.roles["hire_cost_per_fte_month"].fillna(0.0)
        for r, m, f in hires[["role", "month", "fte"]].itertuples(index=False):
            spend[index[m]] += f * float(rate.get(r, 0.0))
    limits = []
    for period, amount in zip(portfolio.budget["period"], portfolio.budget["amount"], strict=True):
        covered = months.period_months(period)
        mask = np.ones(T, bool) if covered is None else np.isin(horizon, covered)
        if mask.any():
            limits.append((mask, amount * scenario.budget_scale))
    fs = portfolio.dependencies[portfolio.dependencies["kind"] == "finish_to_start"]
    preds: dict[str, list[str]] = {}
    for a, b in zip(fs["project_id"], fs["depends_on"], strict=True):
        preds.setdefault(a, []).append(b)

    def fits(p: str, s: int) -> bool:
        d = len(pay[p])
        old = start[p]
        trial_use = use.copy()
        trial_use[:, old : old + d] -= need[p]
        trial_use[:, s : s + d] += need[p]
        if (trial_use[:, s : s + d] > cap[:, s : s + d] + TOL).any():
            return False
        trial_spend = spend.copy()
        trial_spend[old : old + d] -= pay[p]
        trial_spend[s : s + d] += pay[p]
        return all(trial_spend[mask].sum() <= lim + TOL * max(1.0, lim) for mask, lim in limits)

    for _ in range(len(start)):
        moved = False
        for p in sorted(start, key=lambda q: (start[q], q)):
            lo = int(windows.at[p, "lo"])
            lo = max([lo] + [start[b] + int(duration[b]) for b in preds.get(p, []) if b in start])
            for s in range(lo, start[p]):
                if fits(p, s):
                    d = len(pay[p])
                    use[:, start[p] : start[p] + d] -= need[p]
                    spend[start[p] : start[p] + d] -= pay[p]
                    use[:, s : s + d] += need[p]
                    spend[s : s + d] += pay[p]
                    start[p], moved = s, True
                    break
        if not moved:
            break
    return {p: horizon[s] for p, s in start.items()}


def hold_baseline(
    windows: pd.DataFrame, baseline: Baseline | None, starts: dict[str, str], horizon: list[str]
) -> pd.DataFrame:
    """Windows for the left-shift: with a baseline, a project the baseline selected stays where
    the solver put it (moving it would change the move penalty); new work may still move left."""
    if baseline is None:
        return windows
    index = {mo: i for i, mo in enumerate(horizon)}
    held = [p for p in starts if baseline.selected(p)]
    if not held:
        return windows
    windows = windows.copy()
    windows.loc[held, "lo"] = [index[starts[p]] for p in held]
    return windows
