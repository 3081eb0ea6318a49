"""The stability frontier: what each change to the approved plan buys."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from pmo_opt.present.charts.style import (
    BLUE,
    GREY,
    ORANGE,
    VERMILLION,
    new_figure,
    thousands,
    tidy,
)


def stability_frontier(
    stability_df: pd.DataFrame,
    keep_value: float | None = None,
    chosen_changes: int | None = None,
    value_label: str = "portfolio value (score)",
    keep_note: str = "",
) -> Figure:
    """Value against the number of changes from the approved plan: what each change buys.

    Parameters
    ----------
    stability_df
        Columns ``max_changes``, ``changes`` and ``value``
        (:func:`pmo_opt.analysis.replan.stability_frontier` gives them); limits without a plan
        are marked along the bottom as "no plan".
    keep_value
        The approved plan's value on the new data, drawn as a dashed line (it may break rules).
    chosen_changes
        The re-plan's number of changes, circled.
    keep_note
        Words after the approved plan's value, e.g. "(now breaks 16 rules)".
    """
    df = stability_df.sort_values("max_changes").reset_index(drop=True)
    ok = df[df["value"].notna()].drop_duplicates(subset=["changes"]).reset_index(drop=True)
    fig, ax = new_figure(8, 4.8)
    x = ok["changes"].to_numpy(dtype=float)
    y = ok["value"].to_numpy(dtype=float)
    ax.step(x, y, where="post", color=BLUE, linewidth=2, label="best value with at most k changes")
    ax.plot(x, y, "o", color=BLUE)
    none = df.loc[df["value"].isna(), "max_changes"].to_numpy(dtype=float)
    if len(none):
        ax.plot(
            none,
            np.full(len(none), y.min() if len(y) else 0.0),
            "x",
            color=VERMILLION,
            markersize=9,
            label="no plan keeps this few changes",
        )
    if keep_value is not None and np.isfinite(keep_value):
        ax.axhline(keep_value, color=GREY, linestyle="--", linewidth=1.2)
        ax.annotate(
            f"approved plan as it stands: {keep_value:,.0f} {keep_note}".rstrip(),
            (0.0, keep_value),
            xycoords=("axes fraction", "data"),
            xytext=(4, 4),
            textcoords="offset points",
            color=GREY,
        )
    if chosen_changes is not None and chosen_changes in set(ok["changes"]):
        at = ok.loc[ok["changes"] == chosen_changes, "value"].iloc[0]
        ax.scatter(
            [chosen_changes],
            [at],
            s=180,
            facecolors="none",
            edgecolors=ORANGE,
            linewidths=2.2,
            zorder=4,
            label="the re-plan",
        )
    ax.set_xlabel("projects entering or leaving the approved plan")
    ax.set_ylabel(value_label)
    ax.set_title("Stability frontier: what each change to the approved plan buys")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(loc="lower right", frameon=False)
    thousands(ax)
    tidy(ax)
    return fig
