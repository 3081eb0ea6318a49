"""Charts of people and time: utilisation per role and month, and the schedule."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import PercentFormatter

from pmo_opt.engine.plan import Plan
from pmo_opt.inputs import months
from pmo_opt.present.charts.style import (
    FULL,
    HATCHES,
    PALETTE,
    UTIL_TOP,
    month_ticks,
    new_figure,
    project_label,
    project_table,
    tidy,
)
from pmo_opt.text import escape_mathtext


def capacity_heatmap(
    load_df: pd.DataFrame,
    annotate_max: int = 400,
    title: str = "Capacity utilisation by role and month (100% = fully used)",
) -> Figure:
    """Utilisation per role and month, ``demand / (capacity + hired)``, diverging around 100%.

    Parameters
    ----------
    load_df
        Columns ``role``, ``month``, ``demand_fte``, ``capacity_fte`` and optionally
        ``hired_fte`` (a Plan's ``load``).
    annotate_max
        Cells are labelled with their percentage when there are at most this many.
    title
        The chart's title (say which chart is hypothetical).

    Notes
    -----
    The bottleneck is the salient colour: pale yellow is spare capacity, deep orange is full
    and dark red is over capacity (a valid plan has none, unless the data has demand for a role
    with no capacity, labelled "no cap"), on one fixed scale from 0% to :data:`UTIL_TOP` for
    every heatmap. Cells with neither demand nor capacity are grey.
    """
    df = load_df.copy()
    hired = df["hired_fte"] if "hired_fte" in df else 0.0
    supply = df["capacity_fte"].astype(float) + hired
    demand = df["demand_fte"].astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        util = np.where(supply > 1e-12, demand / supply, np.where(demand > 1e-12, np.inf, np.nan))
    df["util"] = util
    grid = df.pivot_table(index="role", columns="month", values="util", aggfunc="max", dropna=False)
    grid = grid.reindex(index=sorted(grid.index), columns=sorted(grid.columns))
    values = grid.to_numpy(dtype=float)
    top = UTIL_TOP  # one scale for every heatmap, so that pages compare at a glance
    shown = np.where(np.isinf(values), top, np.minimum(values, top))
    cmap = matplotlib.colormaps["YlOrRd"].with_extremes(bad="#D9D9D9")
    rows, cols = values.shape
    fig, ax = new_figure(min(5 + 0.45 * cols, 16), max(3.2, 1.8 + 0.45 * rows))
    image = ax.imshow(
        np.ma.masked_invalid(shown),
        aspect="auto",
        cmap=cmap,
        interpolation="nearest",
        norm=Normalize(vmin=0.0, vmax=top),
    )
    if rows * cols <= annotate_max:
        for i in range(rows):
            for j in range(cols):
                v = values[i, j]
                if np.isnan(v):
                    continue
                text = "no cap" if np.isinf(v) else f"{v:.0%}"
                dark = np.isinf(v) or v >= FULL
                ax.text(
                    j,
                    i,
                    text,
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if dark else "black",
                    fontweight="bold" if dark else "normal",
                )
    step = next((s for s in (1, 2, 3, 6, 12) if cols / s <= 12), 24)
    ax.set_xticks(range(0, cols, step), [grid.columns[k] for k in range(0, cols, step)])
    ax.tick_params(axis="x", rotation=45)
    ax.set_yticks(range(rows), [escape_mathtext(str(r).replace("_", " ")) for r in grid.index])
    ax.set_xlabel("month")
    ax.set_ylabel("role")
    ax.set_title(title)
    bar = fig.colorbar(image, ax=ax, shrink=0.9)
    bar.set_label("demand / (capacity + hired)")
    bar.ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    return fig


def gantt(plan: Plan | pd.DataFrame, horizon: list[str] | None = None) -> Figure:
    """The selected projects as bars from their first to their last month, coloured by category.

    Parameters
    ----------
    plan
        A Plan, or a table with ``project_id``, ``selected``, ``start``, ``finish`` (``YYYY-MM``)
        and optionally ``name`` and ``category``.
    horizon
        The months to show (default: the plan's horizon, else the span of the bars).
    """
    df = project_table(plan)
    df = df[df["selected"].astype(bool) & df["start"].notna()].copy()
    df["s"] = df["start"].map(months.to_ordinal)
    df["f"] = df["finish"].map(months.to_ordinal)
    df = df.sort_values(["s", "f"]).reset_index()
    if "category" not in df:
        df["category"] = "Uncategorised"
    cats = sorted(df["category"].astype(str).unique())
    style = {
        c: (PALETTE[k % len(PALETTE)], HATCHES[(k // len(PALETTE)) % len(HATCHES)])
        for k, c in enumerate(cats)
    }
    horizon = horizon or (list(plan.horizon) if isinstance(plan, Plan) else None)
    fig, ax = new_figure(10, 1.6 + 0.32 * max(len(df), 1))
    y = np.arange(len(df))
    for i, row in df.iterrows():
        colour, hatch = style[str(row["category"])]
        ax.barh(
            y[i],
            row["f"] - row["s"] + 1,
            left=row["s"],
            height=0.7,
            color=colour,
            hatch=hatch,
            edgecolor="black",
            linewidth=0.5,
        )
    names = df["name"] if "name" in df else [None] * len(df)
    ax.set_yticks(y, [project_label(p, n) for p, n in zip(df["project_id"], names, strict=True)])
    ax.invert_yaxis()
    if horizon:
        first, count = months.to_ordinal(horizon[0]), len(horizon)
    elif len(df):
        first, count = int(df["s"].min()), int(df["f"].max() - df["s"].min() + 1)
    else:
        first, count = 0, 1
    ax.set_xlim(first, first + count)
    month_ticks(ax, first, count)
    ax.set_xlabel("month (bars run from the first to the last working month)")
    ax.set_title(f"Schedule of the {len(df)} selected projects")
    if cats:
        patches = [
            Patch(
                facecolor=style[c][0],
                hatch=style[c][1],
                edgecolor="black",
                label=escape_mathtext(c),
            )
            for c in cats
        ]
        ax.legend(
            handles=patches,
            title="category",
            loc="upper left",
            bbox_to_anchor=(1.01, 1),
            frameon=False,
        )
    else:
        ax.text(0.5, 0.5, "no project selected", transform=ax.transAxes, ha="center")
    tidy(ax, "x")
    return fig


__all__ = ["capacity_heatmap", "gantt"]
