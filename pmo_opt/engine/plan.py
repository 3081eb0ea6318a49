"""``Plan``: what was decided (selection, starts, hires) and what follows from it (load, spend)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pmo_opt.inputs import months
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import Scenario
from pmo_opt.text import csv_safe_frame

STATUSES = ("optimal", "feasible", "infeasible", "unbounded", "no_solution")


@dataclass(frozen=True)
class Plan:
    """A portfolio plan and how good it is.

    Attributes
    ----------
    projects : index ``project_id``; ``name``, ``category``, ``status``, ``selected`` (bool),
        ``start``/``finish`` (``YYYY-MM``, ``None`` when not selected), ``value``, ``benefit``
        (stated, in money, whatever ``value`` is), ``cost``, ``risk``.
    hires : ``role``, ``month``, ``fte`` (only rows with fte > 0).
    load : ``role``, ``month``, ``demand_fte``, ``capacity_fte``, ``hired_fte``.
    spend : ``month``, ``project_spend``, ``hire_spend``, ``total``.
    status : ``optimal`` (proven) | ``feasible`` (not proven: see ``gap``) | ``infeasible`` |
        ``unbounded`` | ``no_solution``.
    objective, bound, gap : the objective of this plan, the solver's proven bound, and the
        relative gap between them (0 when proven optimal; ``None`` when unknown).
    """

    scenario: Scenario
    horizon: tuple[str, ...]
    projects: pd.DataFrame
    hires: pd.DataFrame
    load: pd.DataFrame
    spend: pd.DataFrame
    status: str
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    solver: str = ""
    build_seconds: float = 0.0
    solve_seconds: float = 0.0
    message: str = ""
    details: dict = field(default_factory=dict)

    @property
    def has_solution(self) -> bool:
        return self.status in ("optimal", "feasible")

    @property
    def selected(self) -> list[str]:
        return list(self.projects.index[self.projects["selected"]])

    @property
    def starts(self) -> dict[str, str | None]:
        return self.projects["start"].to_dict()

    @property
    def total_value(self) -> float:
        return float(self.projects.loc[self.projects["selected"], "value"].sum())

    @property
    def total_spend(self) -> float:
        return float(self.spend["total"].sum())

    def summary(self) -> dict:
        """The facts of ``summary.json``."""
        sel = self.projects["selected"]
        facts = {
            "scenario": self.scenario.name,
            "status": self.status,
            "objective": _num(self.objective),
            "bound": _num(self.bound),
            "gap": _num(self.gap),
            "solver": self.solver,
            "build_seconds": round(self.build_seconds, 3),
            "solve_seconds": round(self.solve_seconds, 3),
            "horizon_start": self.horizon[0] if self.horizon else None,
            "horizon_months": len(self.horizon),
            "projects": int(len(self.projects)),
            "selected": int(sel.sum()),
            "value": round(self.total_value, 6),
            "spend": round(self.total_spend, 2),
            "hired_fte_months": round(float(self.hires["fte"].sum()), 3) if len(self.hires) else 0,
            "message": self.message,
        }
        # how the plan was found, when an engine says more: the neighbourhood search's slices
        # and bound, or both engines' outcomes under solver=auto; the ledger's run id; what a
        # re-plan changes against its baseline
        facts.update(
            {
                k: self.details[k]
                for k in ("search", "engines", "run_id", "replan")
                if k in self.details
            }
        )
        return facts

    def plan_table(self) -> pd.DataFrame:
        """``project_id``, ``selected`` 0/1, ``start``, ``finish`` (empty when not selected)."""
        t = self.projects.reset_index()[["project_id", "selected", "start", "finish"]].copy()
        t["selected"] = t["selected"].astype(int)
        return t

    def write(self, out: str | Path) -> Path:
        """Write ``plan.csv``, ``load.csv`` and ``summary.json`` into ``out``."""
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        self.plan_table().pipe(csv_safe_frame).to_csv(folder / "plan.csv", index=False)
        self.load.pipe(csv_safe_frame).to_csv(folder / "load.csv", index=False)
        (folder / "summary.json").write_text(json.dumps(self.summary(), indent=2) + "\n")
        return folder


def _num(x: float | None) -> float | None:
    if x is None or (isinstance(x, float) and not np.isfinite(x)):
        return None
    return float(x)


def capacity_grid(portfolio: Portfolio, horizon: list[str], scenario: Scenario) -> pd.DataFrame:
    """``role`` x ``month`` capacity in FTE (docs/model.md rule 4), long: role, month, fte."""
    cap = portfolio.capacity
    roles = sorted(set(portfolio.role_names) | set(scenario.extra_fte))
    flat = cap[cap["month"].isna()].groupby("role")["fte"].sum()
    dated = cap[cap["month"].notna()].groupby(["role", "month"])["fte"].sum()
    grid = pd.MultiIndex.from_product([roles, horizon], names=["role", "month"]).to_frame(
        index=False
    )
    grid["fte"] = grid["role"].map(flat).fillna(0.0)
    if len(dated):
        key = pd.MultiIndex.from_frame(grid[["role", "month"]])
        override = dated.reindex(key)
        grid["fte"] = np.where(override.notna(), override.to_numpy(), grid["fte"])
    extra = grid["role"].map(scenario.extra_fte).fillna(0.0)
    grid["fte"] = (grid["fte"].astype(float) + extra) * scenario.capacity_scale
    return grid


def spend_profile(portfolio: Portfolio) -> pd.DataFrame:
    """``project_id``, ``month_offset``, ``amount`` per docs/model.md rule 6."""
    pr = portfolio.projects
    rows = pr.loc[pr.index.repeat(pr["duration"])].reset_index()[["project_id", "duration", "cost"]]
    rows["month_offset"] = rows.groupby("project_id").cumcount()
    rate = portfolio.roles["cost_per_fte_month"].fillna(0.0) if len(portfolio.roles) else None
    labour = portfolio.demand.copy()
    labour["amount"] = labour["fte"] * (
        labour["role"].map(rate).fillna(0.0) if rate is not None else 0.0
    )
    labour = labour.groupby(["project_id", "month_offset"])["amount"].sum()
    key = pd.MultiIndex.from_frame(rows[["project_id", "month_offset"]])
    labour_amount = labour.reindex(key).fillna(0.0).to_numpy()
    rows["amount"] = np.where(
        rows["cost"].notna(), rows["cost"] / rows["duration"], labour_amount
    ).astype(float)
    return rows[["project_id", "month_offset", "amount"]]


def make_plan(
    portfolio: Portfolio,
    scenario: Scenario,
    horizon: list[str],
    starts: dict[str, str | None],
    hires: pd.DataFrame | None = None,
    values: pd.Series | None = None,
    **facts,
) -> Plan:
    """Build a :class:`Plan` from decisions: ``starts`` (project -> month or None) and ``hires``."""
    pr = portfolio.projects
    start = pd.Series([starts.get(p) for p in pr.index], index=pr.index, dtype=object)
    selected = start.notna()
    h0 = months.to_ordinal(horizon[0]) if horizon else 0
    # month index relative to the horizon start; a start outside the horizon keeps its index
    offset = {p: months.to_ordinal(s) - h0 for p, s in start.items() if s is not None}
    last = {
        p: o + int(d) - 1
        for (p, o), d in zip(offset.items(), pr.loc[list(offset), "duration"], strict=True)
    }
    finish = pd.Series(
        [months.from_ordinal(h0 + last[p]) if p in last else None for p in pr.index],
        index=pr.index,
        dtype=object,
    )
    profile = spend_profile(portfolio)
    cost = profile.groupby("project_id")["amount"].sum().reindex(pr.index).fillna(0.0)
    projects = pd.DataFrame(
        {
            "name": pr["name"],
            "category": pr["category"],
            "status": pr["status"],
            "selected": selected.reindex(pr.index).astype(bool),
            "start": start.reindex(pr.index),
            "finish": finish.reindex(pr.index),
            "value": (values if values is not None else pr["benefit"]).reindex(pr.index),
            "benefit": pr["benefit"].astype(float),
            "cost": cost,
            "risk": pr["risk"],
        }
    )
    projects.index.name = "project_id"
    if hires is None or len(hires) == 0:
        hires = pd.DataFrame({"role": [], "month": [], "fte": []})
    hires = hires[hires["fte"] > 1e-9].reset_index(drop=True)

    sel_start = offset
    dem = portfolio.demand[portfolio.demand["project_id"].isin(sel_start)].copy()
    dem["month_idx"] = dem["project_id"].map(sel_start) + dem["month_offset"]
    dem = dem[dem["month_idx"].between(0, len(horizon) - 1)]
    dem["month"] = [horizon[i] for i in dem["month_idx"]]
    used = dem.groupby(["role", "month"])["fte"].sum()
    load = capacity_grid(portfolio, horizon, scenario).rename(columns={"fte": "capacity_fte"})
    key = pd.MultiIndex.from_frame(load[["role", "month"]])
    load.insert(2, "demand_fte", used.reindex(key).fillna(0.0).to_numpy())
    hired = hires.groupby(["role", "month"])["fte"].sum() if len(hires) else pd.Series(dtype=float)
    load["hired_fte"] = hired.reindex(key).fillna(0.0).to_numpy()

    sp = profile[profile["project_id"].isin(sel_start)].copy()
    sp["month_idx"] = sp["project_id"].map(sel_start) + sp["month_offset"]
    sp = sp[sp["month_idx"].between(0, len(horizon) - 1)]
    proj_spend = sp.groupby("month_idx")["amount"].sum()
    hire_rate = (
        portfolio.roles["hire_cost_per_fte_month"].fillna(0.0)
        if len(portfolio.roles)
        else pd.Series(dtype=float)
    )
    hire_cost = hires.assign(amount=hires["fte"] * hires["role"].map(hire_rate).fillna(0.0))
    hire_spend = hire_cost.groupby("month")["amount"].sum() if len(hires) else pd.Series()
    spend = pd.DataFrame({"month": horizon})
    spend["project_spend"] = proj_spend.reindex(range(len(horizon))).fillna(0.0).to_numpy()
    spend["hire_spend"] = spend["month"].map(hire_spend).fillna(0.0).astype(float)
    spend["total"] = spend["project_spend"] + spend["hire_spend"]
    return Plan(
        scenario=scenario,
        horizon=tuple(horizon),
        projects=projects,
        hires=hires,
        load=load,
        spend=spend,
        **facts,
    )


def unschedulable_plan(
    portfolio: Portfolio,
    scenario: Scenario,
    horizon: list[str],
    projects: list[str],
    values: pd.Series | None = None,
    details: dict | None = None,
    **facts,
) -> Plan:
    """The infeasible plan of either engine when mandatory ``projects`` have no start at all."""
    return make_plan(
        portfolio,
        scenario,
        horizon,
        {},
        values=values,
        status="infeasible",
        message=f"must be done but cannot fit in the horizon, its earliest start and its "
        f"deadline (or its predecessors'): {', '.join(projects)}",
        details={**(details or {}), "unschedulable": list(projects)},
        **facts,
    )
