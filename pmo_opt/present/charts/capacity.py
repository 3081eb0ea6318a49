"""Charts of people and time: utilisation per role and month, and the schedule."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch

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
    The bottleneck is the salient colour, in named buckets that the caption and the legend
    share (:data:`HEAT_BUCKETS`): pale yellow under 50%, light orange to 80%, orange to 99%,
    deep orange is full (99-100%), red is over capacity (100-150%) and dark red over 150%, so a
    cell at 483% still reads as far over (a valid plan has none, unless the data has demand for
    a role with no capacity, labelled "no cap"). Cells with neither demand nor capacity are grey.
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
    bucket = np.where(np.isnan(values), -1, heat_bucket(values))
    cmap = ListedColormap([colour for _, _, colour in HEAT_BUCKETS]).with_extremes(bad="#D9D9D9")
    rows, cols = values.shape
    fig, ax = new_figure(min(5 + 0.45 * cols, 16), max(3.2, 1.8 + 0.45 * rows))
    ax.imshow(
        np.ma.masked_less(bucket, 0),
        aspect="auto",
        cmap=cmap,
        interpolation="nearest",
        vmin=-0.5,
        vmax=len(HEAT_BUCKETS) - 0.5,
    )
    if rows * cols <= annotate_max:
        for i in range(rows):
            for j in range(cols):
                v = values[i, j]
                if np.isnan(v):
                    continue
                text = "no cap" if np.isinf(v) else f"{v:.0%}"
                dark = bool(bucket[i, j] >= FULL_BUCKET)
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
    patches = [Patch(facecolor=c, edgecolor="#999999", label=name) for name, _, c in HEAT_BUCKETS]
    ax.legend(
        handles=patches,
        title="demand / (capacity + hired)",
        loc="upper left",
        bbox_to_anchor=(1.01, 1),
        frameon=False,
        fontsize=8,
    )
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    fig.alt_text = _heatmap_alt(grid, values, bucket)
    return fig


#: the heatmap's colour buckets: (legend name, upper bound, colour), lowest first
HEAT_BUCKETS = (
    ("under 50%", 0.5, "#FFF7BC"),
    ("50-80%", 0.8, "#FEE391"),
    ("80-99%", FULL, "#FDB863"),
    ("full (99-100%)", 1.0 + 1e-9, "#E66101"),
    ("over (100-150%)", UTIL_TOP + 1e-9, "#D7301F"),
    ("over 150%", np.inf, "#67000D"),
)
#: cells from this bucket on are drawn with white bold labels
FULL_BUCKET = 3


def heat_bucket(values: np.ndarray) -> np.ndarray:
    """The :data:`HEAT_BUCKETS` index of each utilisation (``inf``, no capacity, is over 150%)."""
    bounds = np.array([upper for _, upper, _ in HEAT_BUCKETS[:-1]])
    return np.searchsorted(bounds, np.nan_to_num(values, nan=0.0), side="right")


def _heatmap_alt(grid: pd.DataFrame, values: np.ndarray, bucket: np.ndarray) -> str:
    """The heatmap in words: how many role-months are full or over, and the busiest cell."""
    rows, cols = values.shape
    if not rows or not cols:
        return "Capacity heatmap with no roles or months."
    full = int((bucket == FULL_BUCKET).sum())
    over = int((bucket > FULL_BUCKET).sum())
    text = (
        f"Share of capacity used for {rows} roles over {cols} months "
        f"({grid.columns[0]} to {grid.columns[-1]}): {full} role-months full, {over} over."
    )
    finite = np.where(np.isfinite(values), values, np.nan)
    if np.isfinite(finite).any():
        i, j = np.unravel_index(np.nanargmax(finite), finite.shape)
        role = str(grid.index[i]).replace("_", " ")
        text += f" The busiest is {role} in {grid.columns[j]} at {finite[i, j]:.0%}."
    if np.isinf(values).any():
        text += f" {int(np.isinf(values).sum())} role-months have demand but no capacity."
    return text


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
    fig.alt_text = _gantt_alt(df)
    return fig


def _gantt_alt(df: pd.DataFrame) -> str:
    if not len(df):
        return "Schedule chart: no project selected."
    longest = df.assign(length=df["f"] - df["s"] + 1).sort_values(
        ["length", "project_id"], ascending=[False, True]
    )
    first = longest.iloc[0]
    return (
        f"Schedule of the {len(df)} selected projects, from {months.from_ordinal(int(df['s'].min()))} "
        f"to {months.from_ordinal(int(df['f'].max()))}; the longest is {first['project_id']} "
        f"({int(first['length'])} months); "
        f"{int((df['s'] == df['s'].min()).sum())} start in the first month."
    )


__all__ = ["capacity_heatmap", "gantt"]
