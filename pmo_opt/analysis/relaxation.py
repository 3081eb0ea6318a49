"""A relaxation in words and applied: the extra FTE, money and deadline months the elastic model
found, described for a reader and added to a portfolio (rounded *up*, FTE to 0.01 and money to
three significant digits, so that applying them really is enough)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from pmo_opt.analysis.wording import (
    fte,
    join,
    label,
    money,
    months_word,
    period_text,
    runs,
    span,
)
from pmo_opt.errors import InputError, Problem
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import Scenario


def describe_relaxations(
    rows: pd.DataFrame, portfolio: Portfolio, style: str = "short", max_roles: int = 3
) -> list[str]:
    """Relaxation rows in words, one phrase per role, budget period, deadline or project.

    ``style="short"`` says what is missing ("Data Engineer is 1.5 FTE short in 2027-03 to
    2027-05"); ``style="more"`` says what to add ("0.5 more Data Engineer FTE in 2027-04").
    Only the ``max_roles`` roles short of most FTE-months are named; a role short in more than
    two separate runs of months gets one summary phrase (the rows hold every month).
    """
    phrases: list[str] = []
    cap = rows[rows["kind"] == "capacity"]
    by_size = cap.groupby("role")["amount"].sum().sort_values(ascending=False, kind="stable")
    for role in by_size.index[:max_roles]:
        amount = cap[cap["role"] == role].set_index("month")["amount"].sort_index()
        spans = runs(amount.index)
        if len(spans) <= 2:
            parts = []
            for run in spans:
                vals = amount.reindex(run)
                if np.allclose(vals, vals.iloc[0]):
                    size = f"{fte(vals.iloc[0])} FTE"
                else:
                    size = f"up to {fte(vals.max())} FTE ({fte(vals.sum())} FTE-months)"
                parts.append((size, span(run[0], run[-1])))
        else:  # scattered months: one summary, the table has the detail
            size = f"up to {fte(amount.max())} FTE ({fte(amount.sum())} FTE-months)"
            where = f"{len(amount)} months between {amount.index[0]} and {amount.index[-1]}"
            parts = [(size, where)]
        if style == "short":
            phrases.append(f"{role} is " + join([f"{z} short in {w}" for z, w in parts]))
        else:
            phrases.append(
                join([f"{z.replace(' FTE', f' more {role} FTE', 1)} in {w}" for z, w in parts])
            )
    if len(by_size) > max_roles:
        rest = len(by_size) - max_roles
        roles_word = f"{rest} other role{'s' if rest > 1 else ''}"
        if style == "short":
            phrases.append(f"{roles_word} short too (see the table)")
        else:
            phrases.append(f"more FTE in {roles_word} (see the table)")
    bud = rows[rows["kind"] == "budget"]
    for period, amount in zip(bud["period"], bud["amount"], strict=True):
        if style == "short":
            phrases.append(f"{period_text(period)} is {money(amount)} short")
        else:
            phrases.append(f"{money(amount)} more in {period_text(period)}")
    for p, late, dl in zip(
        *(rows.loc[rows["kind"] == "deadline", c] for c in ("project_id", "amount", "month")),
        strict=True,
    ):
        phrases.append(
            f"move {label(portfolio, p)}'s deadline by {months_word(int(late))} (to {dl})"
        )
    for p, reason in zip(
        *(rows.loc[rows["kind"] == "mandatory", c] for c in ("project_id", "detail")), strict=True
    ):
        if reason == "force_in":
            phrases.append(f"take {label(portfolio, p)} off the board's force_in list")
        elif reason == "makespan":
            phrases.append(f"leave {label(portfolio, p)} out (force_out)")
        else:
            words = "in-flight" if reason == "in_flight" else "committed"
            phrases.append(f"release {label(portfolio, p)} from its {words} status")
    return phrases


def add_capacity(portfolio: Portfolio, scenario: Scenario, extra: pd.DataFrame) -> Portfolio:
    """``portfolio`` with ``extra`` (role, month, fte: *effective* FTE, after capacity_scale)
    added as dated capacity rows (docs/model.md rule 4: a dated row replaces the undated ones for
    that month, so the undated figure is carried into the new row)."""
    if not len(extra):
        return portfolio
    scale = scenario.capacity_scale
    if scale <= 0:
        raise InputError(
            [Problem("scenario", None, "capacity_scale", "is 0, so no capacity can be added")]
        )
    cap = portfolio.capacity
    flat = cap[cap["month"].isna()].groupby("role")["fte"].sum()
    has_month = cap[cap["month"].notna()]
    dated = set(zip(has_month["role"], has_month["month"], strict=True))
    add = extra.groupby(["role", "month"], as_index=False)["fte"].sum()
    new_rows = []
    for r, m, f in zip(add["role"], add["month"], add["fte"], strict=True):
        base = 0.0 if (r, m) in dated else float(flat.get(r, 0.0))
        new_rows.append({"role": r, "month": m, "fte": base + float(f) / scale})
    capacity = pd.concat([cap, pd.DataFrame(new_rows)], ignore_index=True)
    capacity["month"] = capacity["month"].astype(object).where(capacity["month"].notna(), None)
    return dataclasses.replace(portfolio, capacity=capacity)


def apply_relaxation(
    portfolio: Portfolio, scenario: Scenario, relaxations: pd.DataFrame, option: int | None = None
) -> tuple[Portfolio, Scenario]:
    """The portfolio and scenario with the relaxation rows applied, ready to re-solve.

    Capacity rows add dated capacity rows, budget rows raise that budget row's amount, deadline
    rows move the deadline, mandatory rows make the project optional (off ``force_in``, status
    ``proposed``). Amounts are effective (after ``capacity_scale`` / ``budget_scale``) and are
    divided by the scale on the way in.

    Parameters
    ----------
    relaxations
        Rows as :attr:`Diagnosis.relaxations` or :attr:`Suggestion.relaxations`.
    option
        Apply only the rows of this option (default: every row given).
    """
    rows = relaxations
    if option is not None and "option" in rows:
        rows = rows[rows["option"] == option]
    cap = rows[rows["kind"] == "capacity"][["role", "month", "amount"]].rename(
        columns={"amount": "fte"}
    )
    portfolio = add_capacity(portfolio, scenario, cap)
    bud = rows[rows["kind"] == "budget"]
    if len(bud):
        if scenario.budget_scale <= 0:
            raise InputError(
                [Problem("scenario", None, "budget_scale", "is 0, so no budget can be added")]
            )
        budget = portfolio.budget.copy()
        for i, amount in zip(bud["budget_row"], bud["amount"], strict=True):
            budget.iloc[int(i), budget.columns.get_loc("amount")] += (
                float(amount) / scenario.budget_scale
            )
        portfolio = dataclasses.replace(portfolio, budget=budget)
    late = rows[rows["kind"] == "deadline"]
    mand = rows[rows["kind"] == "mandatory"]
    if len(late) or len(mand):
        projects = portfolio.projects.copy()
        for p, dl in zip(late["project_id"], late["month"], strict=True):
            projects.at[p, "deadline"] = dl
        force_in = tuple(p for p in scenario.force_in if p not in set(mand["project_id"]))
        force_out = list(scenario.force_out)
        for p, reason in zip(mand["project_id"], mand["detail"], strict=True):
            if reason == "makespan":
                force_out.append(p)
            elif reason in ("committed", "in_flight"):
                projects.at[p, "status"] = "proposed"
        portfolio = dataclasses.replace(portfolio, projects=projects)
        scenario = scenario.replace(force_in=force_in, force_out=tuple(force_out))
    return portfolio, scenario
