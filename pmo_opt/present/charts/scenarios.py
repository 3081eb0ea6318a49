"""Scenarios side by side."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from pmo_opt.present.charts.style import (
    BLUE,
    CURRENCY,
    ORANGE,
    new_figure,
    project_label,
    short_number,
    thousands,
    tidy,
)
from pmo_opt.text import escape_mathtext


def scenario_comparison(
    df: pd.DataFrame,
    currency: str = CURRENCY,
    value_label: str = "portfolio value (score)",
) -> Figure:
    """Value and spend of each scenario side by side.

    Parameters
    ----------
    df
        One row per scenario: ``scenario``, ``value``, ``spend`` and optionally ``status``
        (``pmo_opt.analysis.compare`` gives these). A scenario without a plan (value NaN) gets no bar
        but its status written in; a plan not proven optimal is marked with its status.
    """
    frame = df.reset_index() if "scenario" not in df.columns else df
    status = frame["status"].astype(str) if "status" in frame else pd.Series("", frame.index)
    fig, (left, right) = new_figure(11, 1.8 + 0.5 * max(len(frame), 1), ncols=2, sharey=True)
    y = np.arange(len(frame))
    for ax, column, colour, label in (
        (left, "value", BLUE, value_label),
        (right, "spend", ORANGE, escape_mathtext(f"spend ({currency})")),
    ):
        values = frame[column].to_numpy(dtype=float)
        ax.barh(y, np.nan_to_num(values), color=colour, height=0.6)
        for k, (v, st) in enumerate(zip(values, status, strict=True)):
            if np.isnan(v):
                text, v = f"no plan ({st})" if st else "no plan", 0.0
            else:
                text = short_number(v) if column == "spend" else f"{v:,.0f}"
                if st not in ("", "optimal", "nan"):
                    text += f" ({st})"
            ax.annotate(
                text, (v, k), xytext=(3, 0), textcoords="offset points", va="center", fontsize=8
            )
        ax.set_xlabel(escape_mathtext(label))
        thousands(ax, "x")
        ax.xaxis.set_major_locator(MaxNLocator(4))
        finite = values[np.isfinite(values)]
        ax.set_xlim(0, (finite.max() if finite.size else 1.0) * 1.3)  # room for the labels
        tidy(ax, "x")
    left.set_yticks(y, [project_label(n, None, 40) for n in frame["scenario"].astype(str)])
    left.invert_yaxis()
    left.set_title("Value by scenario")
    right.set_title("Spend by scenario")
    fig.suptitle("Scenario comparison")
    return fig


__all__ = ["scenario_comparison"]
