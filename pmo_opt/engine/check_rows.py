"""The independent checker's vocabulary: :class:`Violation`, and the portfolio and plan read
row by row with plain loops (never through ``model.py`` or ``plan.py``), for
:mod:`pmo_opt.engine.check` and its rule families (:mod:`pmo_opt.engine.check_rules`,
:mod:`pmo_opt.engine.check_replan`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pandas as pd

from pmo_opt.engine.plan import Plan
from pmo_opt.inputs import months
from pmo_opt.inputs.portfolio import Portfolio


@dataclass(frozen=True)
class Violation:
    """One broken rule, located as precisely as the rule allows.

    Attributes
    ----------
    rule : one of :data:`RULES`, e.g. ``"capacity"``.
    message : the violation in plain words, naming the project, role, month or period.
    project_id, role, month, period : where it happens (``None`` when not relevant).
    amount : by how much the limit is broken (FTE, money, share, months; 0 when not a quantity).
    """

    rule: str
    message: str
    project_id: str | None = None
    role: str | None = None
    month: str | None = None
    period: str | None = None
    amount: float = 0.0

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}"


def fmt(x: float) -> str:
    """Numbers for messages: ``6.0``, ``7.25``, ``1,250,000``."""
    x = float(x)
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    text = f"{x:.3f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def slack(limit: float, tol: float) -> float:
    """Absolute allowance above ``limit``: ``tol`` relative, at least ``tol`` absolute."""
    return tol * max(1.0, abs(limit))


def is_missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


# --------------------------------------------------------------------------------------------
# reading the inputs, row by row


def project_rows(portfolio: Portfolio) -> dict[str, dict]:
    """project -> plain dict of the facts the rules need (months as ordinals or None)."""
    pr = portfolio.projects
    info: dict[str, dict] = {}
    columns = ["name", "duration", "status", "category", "earliest_start", "deadline", "cost"]
    extra = ["risk", "benefit"]
    rows = zip(pr.index.tolist(), *(pr[c].tolist() for c in [*columns, *extra]), strict=True)
    for pid, name, duration, status, category, es, dl, cost, risk, benefit in rows:
        info[str(pid)] = {
            "name": str(name),
            "duration": int(duration),
            "status": str(status),
            "category": str(category),
            "earliest": None if is_missing(es) else months.to_ordinal(es),
            "deadline": None if is_missing(dl) else months.to_ordinal(dl),
            "cost": None if is_missing(cost) else float(cost),
            "risk": float(risk),
            "benefit": 0.0 if is_missing(benefit) else float(benefit),
        }
    return info


def label(info: dict[str, dict], p: str) -> str:
    name = info[p]["name"] if p in info else ""
    return f"{p} ({name})" if name and name != p else str(p)


def read_starts(plan: Plan, info: dict[str, dict], out: list[Violation]) -> dict[str, int]:
    """Start ordinals of the selected projects; flags rows that disagree with each other."""
    starts: dict[str, int] = {}
    table = plan.projects
    rows = {str(p): (sel, s, f) for p, sel, s, f in plan_rows(table)}
    for p in rows:
        if p not in info:
            out.append(
                Violation(
                    "consistency", f"the plan lists {p}, which is not a project", project_id=p
                )
            )
    for p, facts in info.items():
        if p not in rows:
            out.append(
                Violation(
                    "consistency",
                    f"{label(info, p)} is missing from the plan (counted as not selected)",
                    project_id=p,
                )
            )
            continue
        sel, start, finish = rows[p]
        selected = bool(sel) if not is_missing(sel) else False
        if is_missing(start):
            if selected:
                out.append(
                    Violation(
                        "consistency",
                        f"{label(info, p)} is marked selected but has no start month",
                        project_id=p,
                    )
                )
            if not is_missing(finish):
                out.append(
                    Violation(
                        "consistency",
                        f"{label(info, p)} has no start but a finish month {finish}",
                        project_id=p,
                    )
                )
            continue
        try:
            s = months.to_ordinal(str(start))
        except ValueError:
            out.append(
                Violation(
                    "consistency",
                    f"{label(info, p)} has start {start!r}, which is not a month (YYYY-MM)",
                    project_id=p,
                )
            )
            continue
        if not selected:
            out.append(
                Violation(
                    "consistency",
                    f"{label(info, p)} has start {start} but is not marked selected",
                    project_id=p,
                    month=months.from_ordinal(s),
                )
            )
        want = months.from_ordinal(s + facts["duration"] - 1)
        if is_missing(finish) or str(finish) != want:
            out.append(
                Violation(
                    "consistency",
                    f"{label(info, p)} starts {months.from_ordinal(s)} and lasts "
                    f"{facts['duration']} months, so it finishes {want}, but the plan says "
                    f"{finish if not is_missing(finish) else 'no finish'}",
                    project_id=p,
                    month=want,
                )
            )
        starts[p] = s
    return starts


def plan_rows(table: pd.DataFrame):
    finish = table["finish"] if "finish" in table.columns else [None] * len(table)
    return zip(table.index, table["selected"], table["start"], finish, strict=True)


def demand_rows(portfolio: Portfolio) -> dict[str, list[tuple[str, int, float]]]:
    """project -> [(role, month_offset, fte), ...] straight from ``Portfolio.demand``."""
    d = portfolio.demand
    rows: dict[str, list[tuple[str, int, float]]] = defaultdict(list)
    columns = (d[c].tolist() for c in ("project_id", "role", "month_offset", "fte"))
    for p, r, k, f in zip(*columns, strict=True):
        rows[str(p)].append((str(r), int(k), float(f)))
    return rows


def role_rate(portfolio: Portfolio, column: str) -> dict[str, float]:
    """role -> figure of ``roles[column]``; roles without it are absent (meaning 0)."""
    rates: dict[str, float] = {}
    if column not in portfolio.roles.columns:
        return rates
    for role, value in portfolio.roles[column].items():
        if not is_missing(value):
            rates[str(role)] = float(value)
    return rates


def spend_rows(
    portfolio: Portfolio, info: dict[str, dict], demand: dict[str, list[tuple[str, int, float]]]
) -> dict[str, list[float]]:
    """project -> spend of each of its months (rule 6): cost / duration, else labour cost."""
    rate = role_rate(portfolio, "cost_per_fte_month")
    spend: dict[str, list[float]] = {}
    for p, facts in info.items():
        d = facts["duration"]
        if facts["cost"] is not None:
            spend[p] = [facts["cost"] / d] * d
            continue
        by_month = [0.0] * d
        for role, k, fte in demand.get(p, []):
            if 0 <= k < d:
                by_month[k] += fte * rate.get(role, 0.0)
        spend[p] = by_month
    return spend
