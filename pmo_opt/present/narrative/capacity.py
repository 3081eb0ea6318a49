"""Page 04: the bottleneck roles and months, and what hiring would buy."""

from __future__ import annotations

from typing import Any

import pandas as pd
from IPython.display import Markdown

from pmo_opt.engine.plan import Plan
from pmo_opt.present.narrative.facts import FULL, role_use, status_sentence
from pmo_opt.present.narrative.words import (
    as_markdown,
    join_words,
    plural,
    points,
    role_label,
    share,
)
from pmo_opt.text import escape_markdown


def capacity_headline(plan: Plan, advice: Any | None = None, top: int = 3) -> Markdown:
    """The busiest roles and months, and what hiring would buy."""
    if not plan.has_solution:
        return Markdown(status_sentence(plan) + "\n")
    use = role_use(plan)
    busy = use[use["full_months"] > 0].head(top)
    n = len(plan.horizon)
    lines = []
    if len(busy):
        parts = [
            f"**{role_label(r)}** fully booked in {f} of {n} months ({share(u)} used overall)"
            for r, f, u in zip(busy["role"], busy["full_months"], busy["utilisation"], strict=True)
        ]
        lines.append("The bottlenecks: " + join_words(parts) + ".")
    else:
        lines.append("No role is fully booked in any month: people are not the limit.")
    load = plan.load.copy()
    supply = load["capacity_fte"] + load["hired_fte"]
    load["full"] = (load["demand_fte"] / supply.where(supply > 0)) >= FULL
    per_month = load.groupby("month")["full"].sum()
    if per_month.max() > 0:
        worst = per_month[per_month == per_month.max()].index.tolist()
        lines.append(
            f"The tightest {'month is' if len(worst) == 1 else 'months are'} {join_words(worst[:3])}"
            + (f" and {len(worst) - 3} more" if len(worst) > 3 else "")
            + f", with {plural(int(per_month.max()), 'role')} at capacity."
        )
    slack = use[(use["utilisation"] < 0.75) & (use["full_months"] == 0)]
    if len(slack):
        lines.append(
            "Spare capacity: "
            + join_words([f"{role_label(r)} ({share(u)} used)" for r, u in
                     zip(slack["role"], slack["utilisation"], strict=True)][:3])
            + "."
        )  # fmt: skip
    if advice is not None:
        lines += ["", "**Hiring**: " + hiring_sentence(advice)]
    return as_markdown(lines)


def hiring_pays(advice: Any) -> bool:
    """Whether hiring adds value beyond the re-solve's own tolerance (its proven gap)."""
    gain, value = advice.value_gain, advice.value_with
    if gain is None or value is None or not len(advice.hires):
        return False
    gap = advice.plan.gap if advice.plan is not None and advice.plan.gap is not None else 0.0
    return gain > gap * abs(value) + 1e-9


def hiring_sentence(advice: Any) -> str:
    """What :func:`pmo_opt.analysis.hiring.hiring_advice` found, without claiming a gain smaller than the
    re-solve's tolerance (a plan with hiring allowed is never worse; one solved to a looser gap
    can come out a little below today's plan)."""
    if hiring_pays(advice):
        return escape_markdown(" ".join(advice.sentences))
    if advice.value_with is None:
        return escape_markdown(" ".join(advice.sentences))
    if not len(advice.hires) and advice.sentences:
        return escape_markdown(" ".join(advice.sentences))
    gap = advice.plan.gap if advice.plan is not None and advice.plan.gap is not None else 0.0
    return (
        "hiring contractors (within the roles table's limits) buys no measurable value: the best "
        f"plan found with hiring allowed is worth {points(advice.value_with)}, against "
        f"{points(advice.value_without)} without"
        + (f" (that re-solve is proven only to within {share(gap, 1)})" if gap > 1e-6 else "")
        + ". Contractors are paid from the same budget as the projects."
    )


def hiring_table(advice: Any) -> pd.DataFrame:
    """The hires worth making (:attr:`HiringAdvice.runs`), empty when hiring does not pay."""
    return advice.runs if hiring_pays(advice) else advice.runs.iloc[0:0]


__all__ = ["capacity_headline", "hiring_pays", "hiring_sentence", "hiring_table"]
