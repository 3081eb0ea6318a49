"""Page 05: each scenario against the baseline."""

from __future__ import annotations

from typing import Any

import numpy as np
from IPython.display import Markdown

from pmo_opt.analysis.two_currencies import compare_in_both
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.present.narrative.words import (
    as_markdown,
    cash,
    join_words,
    plural,
    points,
    signed_share,
)
from pmo_opt.text import escape_markdown


def comparison_headline(comparison: Any, portfolio: Portfolio) -> Markdown:
    """Each scenario against the first (the baseline): value, spend, projects in and out."""
    summary = comparison.summary.set_index("scenario")
    base_name = comparison.baseline
    base = summary.loc[base_name]
    lines = [
        f"Against **{escape_markdown(base_name)}** ({points(base['value'])} value, {cash(portfolio, base['spend'])} spent, "
        f"{int(base['selected'])} projects):",
        "",
    ]
    changes = comparison.changes
    for name, row in summary.iterrows():
        if name == base_name:
            continue
        if not np.isfinite(row["value"]):
            why = comparison.plans[name].details.get("diagnosis") or []
            reason = (
                " ".join(escape_markdown(w) for w in why[:2])
                if why
                else "the solver found none within its time limit"
                if row["status"] == "no_solution"
                else escape_markdown(comparison.plans[name].message or "")
            )
            lines.append(
                f"- **{escape_markdown(name)}**: no plan ({str(row['status']).replace('_', ' ')})"
                + (f": {reason}" if reason else ".")
            )
            continue
        delta = row["value"] / base["value"] - 1 if base["value"] else np.nan
        text = (
            f"- **{escape_markdown(name)}**: value {points(row['value'])} ({signed_share(delta)}), "
            "spend "
            f"{cash(portfolio, row['spend'])}"
        )
        mine = changes[changes["scenario"] == name]
        leave = [escape_markdown(p) for p in mine.loc[mine["change"] == "leaves", "project_id"]]
        enter = [escape_markdown(p) for p in mine.loc[mine["change"] == "enters", "project_id"]]
        moves = []
        if leave:
            moves.append(f"{plural(len(leave), 'project')} leave ({', '.join(leave[:6])}"
                         + (", ..." if len(leave) > 6 else "") + ")")  # fmt: skip
        if enter:
            moves.append(f"{plural(len(enter), 'project')} enter ({', '.join(enter[:6])}"
                         + (", ..." if len(enter) > 6 else "") + ")")  # fmt: skip
        text += "; " + (join_words(moves) if moves else "the same projects") + "."
        plans = getattr(comparison, "plans", {})
        if name in plans and base_name in plans and plans[name].has_solution:
            both = compare_in_both(
                portfolio, plans[name], plans[base_name], plans[base_name].scenario, base_name
            )
            text += f" In both currencies: {escape_markdown(both.sentence)}"
        if row["status"] != "optimal":
            text += f" Not proven optimal ({row['status']})."
        lines.append(text)
    return as_markdown(lines)


__all__ = ["comparison_headline"]
