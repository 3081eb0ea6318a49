"""Why each left-out project is out and the cheapest way in (money; roles, FTE-months, months)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from IPython.display import Markdown

from pmo_opt.engine.plan import Plan
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.present.narrative.words import (
    as_markdown,
    currency,
    given,
    label,
    md_label,
    money,
    plural,
    points,
)
from pmo_opt.prioritise.scoring import value_rank
from pmo_opt.text import escape_markdown

#: left-out projects explained (highest value first; ``None``: all): each costs a few re-solves
WHY_NOT_MAX = None


#: left-out projects the board brief explains in words (the table lists them all)
WHY_NOT_WORDS = 3


def why_not_max(analyst: bool) -> int | None:
    """How many left-out projects a page explains: every one in a report run (``None``), the
    top :data:`WHY_NOT_WORDS` for an analyst in JupyterLab (each costs a few re-solves).

    ``analyst`` is "not a report run" (the notebook has no ``output_dir``), not the widgets
    switch: the stored outputs of ``make notebooks`` and a strict nbval run must agree."""
    return WHY_NOT_WORDS if analyst else WHY_NOT_MAX


def explanations_table(
    why: pd.DataFrame, plan: Plan, portfolio: Portfolio | None = None
) -> pd.DataFrame:
    """The why-not rows (:func:`pmo_opt.analysis.explain.why_not`) for people.

    Returns
    -------
    DataFrame
        ``project_id``, ``name``, ``value``, ``rank`` (by value among all projects, 1 = highest),
        ``value_lost_if_forced``, ``displaces``, ``extra_budget`` and ``extra_fte_months`` (the
        cheapest way in: money alone, staff alone, or both together; empty when none works),
        ``reason`` (one short line; with ``portfolio`` it also names a selected project it
        excludes) and ``detail`` (the full sentence).
    """
    cols = [
        "project_id", "name", "value", "rank", "value_lost_if_forced", "displaces",
        "extra_budget", "extra_fte_months", "staff", "reason", "detail",
    ]  # fmt: skip
    if why is None or not len(why):
        return pd.DataFrame(columns=cols)
    rank = value_rank(plan.projects["value"].astype(float))
    rows = []
    for _, row in why.iterrows():
        budget, fte = cheapest_way_in(row)
        rows.append(
            {
                "project_id": row["project_id"],
                "name": row.get("name"),
                "value": row.get("value"),
                "rank": int(rank.get(row["project_id"], 0)) or None,
                "value_lost_if_forced": row.get("value_lost"),
                "displaces": row.get("displaces"),
                "extra_budget": budget,
                "extra_fte_months": fte,
                "staff": staff_needed(row),
                "reason": short_reason(
                    row,
                    rival_label(row["project_id"], plan, portfolio),
                    currency(portfolio) if portfolio is not None else "",
                ),
                "detail": row.get("sentence"),
            }
        )
    return pd.DataFrame(rows, columns=cols)


def cheapest_way_in(row: pd.Series | dict) -> tuple[float, float]:
    """(extra money, extra FTE-months) of the cheapest option that brings the project in."""
    get = row.get
    if get("budget_ok") and given(get("extra_budget")):
        return float(get("extra_budget")), 0.0
    if get("capacity_ok") and given(get("extra_fte_months")):
        return 0.0, float(get("extra_fte_months"))
    if get("both_ok"):
        b, f = get("both_extra_budget"), get("both_extra_fte_months")
        return (float(b) if given(b) else 0.0), (float(f) if given(f) else 0.0)
    return np.nan, np.nan


def staff_needed(row: pd.Series | dict) -> str:
    """Which roles, how many FTE-months and when the cheapest way in needs ("" for none)."""
    get = row.get
    if get("budget_ok") and given(get("extra_budget")):
        return ""
    if get("capacity_ok") and given(get("extra_staff")):
        return str(get("extra_staff"))
    if get("both_ok") and given(get("both_extra_staff")):
        return str(get("both_extra_staff"))
    return ""


def rival_label(project_id: str, plan: Plan, portfolio: Portfolio | None) -> str | None:
    """A selected project that ``project_id`` excludes (an either-or pair), as a label."""
    if portfolio is None or not len(portfolio.dependencies):
        return None
    deps = portfolio.dependencies[portfolio.dependencies["kind"] == "excludes"]
    chosen = set(plan.selected)
    for a, b in zip(deps["project_id"], deps["depends_on"], strict=True):
        other = b if a == project_id else a if b == project_id else None
        if other is not None and other in chosen:
            return label(portfolio, other)
    return None


def short_reason(row: pd.Series | dict, rival: str | None = None, code: str = "") -> str:
    """One :func:`pmo_opt.analysis.explain.why_not` row in a line a board member reads: what forcing the
    project in would cost and the cheapest extra money or staff that would bring it in (naming
    the roles, how many FTE-months and when). Plain text: escape it where it becomes Markdown.

    ``rival`` names a selected project it excludes (an either-or pair), the first reason given;
    ``code`` is the currency of the money.
    """
    get = row.get
    parts = [f"it is the alternative to {rival}, which the plan selects"] if rival else []
    lost, displaces = get("value_lost"), get("displaces")
    ids = [d.strip() for d in str(displaces).split(",") if d.strip()] if given(displaces) else []
    if given(lost) and float(lost) > 0:
        text = f"forcing it in would cost {points(float(lost))} points of value elsewhere"
        if ids:
            text += f" ({plural(len(ids), 'project')} would have to go)"
        parts.append(text)
    elif get("status_forced") == "infeasible":
        parts.append("it cannot be added under today's rules even if forced in")
    budget, fte = cheapest_way_in(row)
    fixes = []
    if given(budget) and budget > 0:
        fixes.append(f"{code + ' ' if code else ''}{money(budget)} more budget")
    if given(fte) and fte > 0:
        staff = staff_needed(row)
        fixes.append(f"more people: {staff}" if staff else f"{fte:,.1f} more FTE-months")
    if fixes:
        parts.append("it would fit with " + " plus ".join(fixes))
    elif given(lost) and float(lost) > 0 and not rival:
        parts.append("more budget or staff alone would not fit it beside today's plan")
    if get("status_forced") not in (None, "", "optimal") and given(get("status_forced")):
        parts.append("(the forced re-solve was not proven optimal)")
    text = "; ".join(parts) or "it does not fit beside higher-value work"
    return text[0].upper() + text[1:] + "."


def why_out(row: pd.Series | dict, rival: str | None = None) -> str:
    """Why a left-out project is out, in a few plain words (no fix): the rival it excludes, what
    forcing it in would cost, or that it cannot fit at all."""
    get = row.get
    if rival:
        return f"the alternative to {rival}, which the plan selects"
    lost = get("value_lost") if given(get("value_lost")) else get("value_lost_if_forced")
    displaces = get("displaces")
    ids = [d.strip() for d in str(displaces).split(",") if d.strip()] if given(displaces) else []
    if given(lost) and float(lost) > 0:
        text = f"forcing it in would cost {points(float(lost))} points of value elsewhere"
        return text + (f" ({plural(len(ids), 'project')} would go)" if ids else "")
    if get("status_forced") == "infeasible":
        return "it cannot be added under today's rules even if forced in"
    return "higher-value work uses the money and people it needs"


def way_in(row: pd.Series | dict, code: str = "", *, when: bool = True) -> str:
    """The cheapest extra money and people that would bring a left-out project in, in words;
    ``when=False`` leaves out the months each role is needed in (the printed brief's short form).
    """
    budget = row.get("extra_budget")
    staff = row.get("staff") if "staff" in row else staff_needed(row)
    if "staff" not in row:
        budget, _ = cheapest_way_in(row)
    parts = []
    if given(budget) and float(budget) > 0:
        parts.append(f"{code + ' ' if code else ''}{money(float(budget))} more budget")
    if given(staff):
        parts.append(str(staff) if when else _without_months(str(staff)))
    if parts:
        return " plus ".join(parts)
    return "no extra money or people alone would fit it beside today's plan"


def _without_months(staff: str) -> str:
    """``data engineer 12.0 FTE-months in 2027-03 to 2027-08; ...`` without the ``in ...`` part."""
    unit = " FTE-months"
    return "; ".join(
        part[: part.index(unit) + len(unit)] if unit in part else part for part in staff.split("; ")
    )


def left_out_table(
    explanations: pd.DataFrame | None, plan: Plan, portfolio: Portfolio, *, when: bool = True
) -> pd.DataFrame:
    """Every project the plan leaves out, with why and the cheapest way in (``when=False``: the
    way in without the months each role is needed in).

    Returns
    -------
    DataFrame
        ``project`` (id and name), ``value``, ``benefit`` (stated, money), ``rank`` (by value
        among all projects, :func:`~pmo_opt.prioritise.scoring.value_rank`), ``why_out`` and
        ``way_in`` (plain text), highest value first; a project forced out by
        the scenario says so; one not explained (no why-not row) says "not analysed".
    """
    cols = ["project", "value", "benefit", "rank", "why_out", "way_in"]
    if not plan.has_solution:
        return pd.DataFrame(columns=cols)
    out = plan.projects[~plan.projects["selected"]].sort_values(
        ["value"], ascending=False, kind="stable"
    )
    rank = value_rank(plan.projects["value"].astype(float))
    by_id = (
        {str(r["project_id"]): r for _, r in explanations.iterrows()}
        if explanations is not None and len(explanations)
        else {}
    )
    code = currency(portfolio)
    rows = []
    for p in out.index:
        row = by_id.get(str(p))
        if p in plan.scenario.force_out:
            why, way = "out by the board's own decision", "a board decision to bring it back"
        elif row is None:
            why, way = "not analysed (lower value than the explained projects)", ""
        else:
            why = why_out(row, rival_label(str(p), plan, portfolio))
            way = way_in(row, code, when=when)
        rows.append(
            {
                "project": label(portfolio, p),
                "value": float(out.at[p, "value"]),
                "benefit": float(portfolio.projects.at[p, "benefit"]),
                "rank": int(rank.get(p, 0)) or None,
                "why_out": why,
                "way_in": way,
            }
        )
    return pd.DataFrame(rows, columns=cols)


def why_not_markdown(why: pd.DataFrame, portfolio: Portfolio) -> Markdown:
    """The left-out projects a reader will ask about, one line each."""
    if why is None or not len(why):
        return Markdown("Every proposed project the board could ask about is in the plan.\n")
    lines = ["**Why these high-value projects are out:**", ""]
    lines += [why_line(row, portfolio) for _, row in why.iterrows()]
    return as_markdown(lines)


def why_line(row: pd.Series, portfolio: Portfolio) -> str:
    rank = row.get("rank")
    where = f"ranked {int(rank)} of {len(portfolio.projects)}" if given(rank) else ""
    head = f"- **{md_label(portfolio, row['project_id'])}** (value {float(row['value']):.1f}"
    head += f", {where})" if where else ")"
    reason = row.get("reason")
    return f"{head}: {escape_markdown(reason if given(reason) else short_reason(row))}"


__all__ = [
    "why_not_max",
    "WHY_NOT_MAX",
    "WHY_NOT_WORDS",
    "cheapest_way_in",
    "explanations_table",
    "left_out_table",
    "rival_label",
    "short_reason",
    "staff_needed",
    "way_in",
    "why_line",
    "why_not_markdown",
    "why_out",
]
