"""Hiring advice: which roles to hire for, when, and what each FTE would buy.

Like every explanation here the answers come from re-solving (:func:`pmo_opt.engine.optimise.optimise`),
never from LP dual values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pmo_opt.analysis.relaxation import add_capacity
from pmo_opt.analysis.wording import (
    capitalise_first,
    fte,
    label,
    money,
    runs,
    span,
)
from pmo_opt.engine.optimise import optimise
from pmo_opt.engine.plan import Plan
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import Scenario


@dataclass(frozen=True)
class HiringAdvice:
    """What hiring would buy (see :func:`hiring_advice`).

    Attributes
    ----------
    hires : ``role``, ``month``, ``fte``, ``cost`` (only months with a hire).
    runs : per role and run of consecutive months: ``role``, ``first_month``, ``last_month``,
        ``fte_max``, ``fte_months``, ``cost``, ``sentence``.
    value_without, value_with : the objective without and with hiring.
    entering, leaving : projects the hires bring in or push out.
    sentences : the advice in words.
    plan : the plan with hiring.
    """

    hires: pd.DataFrame
    runs: pd.DataFrame
    value_without: float | None
    value_with: float | None
    entering: list[str]
    leaving: list[str]
    sentences: list[str]
    plan: Plan | None = None

    @property
    def value_gain(self) -> float | None:
        if self.value_with is None or self.value_without is None:
            return None
        return self.value_with - self.value_without


def hiring_advice(
    portfolio: Portfolio, scenario: Scenario, plan: Plan | None = None
) -> HiringAdvice:
    """Re-solve with ``allow_hiring`` (hire costs and limits from the ``roles`` table) and say
    which roles to hire in which months and what value that buys.

    Parameters
    ----------
    plan
        Today's plan without hiring (solved here when ``None``; with ``allow_hiring`` switched
        off when the scenario has it on).
    """
    base_scenario = scenario.replace(allow_hiring=False)
    plan = plan if plan is not None else optimise(portfolio, base_scenario)
    run_cols = ["role", "first_month", "last_month", "fte_max", "fte_months", "cost", "sentence"]
    hire_cols = ["role", "month", "fte", "cost"]
    roles = portfolio.roles
    can = (
        roles.index[roles["max_hire_fte"].fillna(0) > 0].tolist()
        if len(roles) and "max_hire_fte" in roles
        else []
    )
    if not can:
        return HiringAdvice(
            pd.DataFrame(columns=hire_cols),
            pd.DataFrame(columns=run_cols),
            plan.objective,
            plan.objective,
            [],
            [],
            [
                "No role allows hiring: give max_hire_fte (and hire_cost_per_fte_month) in the "
                "roles table."
            ],
        )
    hired = optimise(portfolio, scenario.replace(allow_hiring=True), warm_start=plan)
    if not hired.has_solution:
        return HiringAdvice(
            pd.DataFrame(columns=hire_cols),
            pd.DataFrame(columns=run_cols),
            plan.objective,
            None,
            [],
            [],
            [f"The plan with hiring has no solution ({hired.status}: {hired.message})."],
            hired,
        )
    rate = roles["hire_cost_per_fte_month"].fillna(0.0)
    hires = hired.hires.copy()
    hires["cost"] = hires["fte"] * hires["role"].map(rate).fillna(0.0)
    hires = hires[hire_cols].sort_values(["role", "month"]).reset_index(drop=True)
    run_rows: list[dict] = []
    sentences: list[str] = []
    for role, g in hires.groupby("role", sort=True):
        g = g.set_index("month")
        parts = []
        for run in runs(g.index):
            part = g.loc[run]
            fte_max = float(part["fte"].max())
            even = bool(np.allclose(part["fte"], fte_max))
            size = f"{fte(fte_max)} FTE" if even else f"up to {fte(fte_max)} FTE"
            text = f"{size} in {span(run[0], run[-1])}"
            parts.append(text)
            run_rows.append(
                {
                    "role": role,
                    "first_month": run[0],
                    "last_month": run[-1],
                    "fte_max": fte_max,
                    "fte_months": float(part["fte"].sum()),
                    "cost": float(part["cost"].sum()),
                    "sentence": f"hire {role}: {text} (cost {money(float(part['cost'].sum()))})",
                }
            )
        sentences.append(f"Hire {role}: {', '.join(parts)} (cost {money(float(g['cost'].sum()))}).")
    runs_df = pd.DataFrame(run_rows, columns=run_cols)
    before, after = set(plan.selected), set(hired.selected)
    entering = sorted(after - before)
    leaving = sorted(before - after)
    gain = (hired.objective or 0.0) - (plan.objective or 0.0)
    if not len(hires):
        sentences = [
            "Hiring buys nothing here: no hire within the roles table's hiring limits adds value."
        ]
    else:
        what = f"This adds {gain:,.4g} value points"
        if entering:
            what += ", bringing in " + ", ".join(label(portfolio, q) for q in entering)
        if leaving:
            what += ", and pushes out " + ", ".join(label(portfolio, q) for q in leaving)
        sentences.append(what + f" (total hire cost {money(float(hires['cost'].sum()))}).")
    unproven = [
        f"{what} is {pl.status} (gap {pl.gap or 0:.2%})"
        for what, pl in (("today's plan", plan), ("the plan with hiring", hired))
        if pl.status != "optimal"
    ]
    if unproven:
        sentences.append(
            capitalise_first(" and ".join(unproven))
            + ": part of the difference may be the solver's progress, not the hires."
        )
    return HiringAdvice(
        hires, runs_df, plan.objective, hired.objective, entering, leaving, sentences, hired
    )


def _quarter(month: str) -> str:
    y, m = month.split("-")
    return f"{y}-Q{(int(m) - 1) // 3 + 1}"


def marginal_fte_value(
    portfolio: Portfolio,
    scenario: Scenario,
    roles: Sequence[str] | None = None,
    plan: Plan | None = None,
    *,
    fte: float = 1.0,
    max_solves: int | None = 48,
    progress: bool = False,
) -> pd.DataFrame:
    """The objective gained by ``fte`` more FTE of a role during one calendar quarter.

    One re-solve per (role, quarter), warm-started from today's plan (which stays feasible, so
    the gain is never negative unless a solve stops at its time limit: ``status`` says so). With
    many roles and quarters the solves are capped at ``max_solves``, taking the role-quarters
    whose peak utilisation is highest first; the others get ``NaN`` and ``tested`` False.

    Returns
    -------
    DataFrame
        ``role``, ``quarter``, ``first_month``, ``last_month``, ``peak_utilisation``,
        ``tested``, ``status``, ``value``, ``marginal_value`` (per ``fte``), ``entering``,
        ``note`` (set when either solve stopped at its time limit).
    """
    from tqdm.auto import tqdm

    plan = plan if plan is not None else optimise(portfolio, scenario)
    horizon = list(plan.horizon)
    roles = list(roles) if roles is not None else sorted(set(portfolio.demand["role"]))
    load = plan.load.copy()
    room = load["capacity_fte"] + load["hired_fte"]
    load["use"] = np.where(room > 0, load["demand_fte"] / room.where(room > 0, 1.0), 0.0)
    load["quarter"] = load["month"].map(_quarter)
    cells = []
    for r in roles:
        for q in dict.fromkeys(_quarter(m) for m in horizon):
            ms = [m for m in horizon if _quarter(m) == q]
            peak = load.loc[(load["role"] == r) & (load["quarter"] == q), "use"].max()
            cells.append(
                {
                    "role": r,
                    "quarter": q,
                    "first_month": ms[0],
                    "last_month": ms[-1],
                    "peak_utilisation": float(peak) if pd.notna(peak) else 0.0,
                }
            )
    table = pd.DataFrame(cells)
    order = table.sort_values(
        ["peak_utilisation", "role", "quarter"], ascending=[False, True, True], kind="stable"
    ).index
    chosen = set(order[: max_solves if max_solves is not None else None])
    table["tested"] = table.index.isin(chosen)
    out_status, out_value, out_enter = [], [], []
    bar = tqdm(total=len(chosen), desc="marginal FTE", disable=not progress)
    for i, row in table.iterrows():
        if i not in chosen:
            out_status.append("")
            out_value.append(np.nan)
            out_enter.append("")
            continue
        ms = [m for m in horizon if _quarter(m) == row["quarter"]]
        extra = pd.DataFrame(
            {"role": row["role"], "month": ms, "fte": fte * scenario.capacity_scale}
        )
        more = add_capacity(portfolio, scenario, extra)
        got = optimise(more, scenario, warm_start=plan if plan.has_solution else None)
        out_status.append(got.status)
        out_value.append(got.objective if got.has_solution else np.nan)
        out_enter.append(", ".join(sorted(set(got.selected) - set(plan.selected))))
        bar.update()
    bar.close()
    table["status"] = out_status
    table["value"] = out_value
    table["marginal_value"] = (table["value"] - (plan.objective or 0.0)) / fte
    table["entering"] = out_enter
    unproven = table["tested"] & ((table["status"] != "optimal") | (plan.status != "optimal"))
    table["note"] = np.where(
        unproven, "not proven optimal: the gain may be larger (or an artefact of the limit)", ""
    )
    return table
