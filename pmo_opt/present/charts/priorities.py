"""The ranking under perturbed weights."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from pmo_opt.present.charts.style import BLUE, SKY, new_figure, project_label, tidy

_ALIASES = {
    "rank_min": ("rank_min", "min_rank"),
    "rank_max": ("rank_max", "max_rank"),
    "rank": ("rank", "base_rank", "rank_base"),
    "rank_median": ("rank_median", "median_rank"),
    "p_top_k": ("p_top_k",),
    "name": ("name",),
}


def _stability_summary(df: pd.DataFrame) -> pd.DataFrame:
    """Per project: ``rank_min``, ``rank_max``, ``rank`` (the reference), and when known
    ``rank_median``, ``p_top_k`` and ``name``."""
    frame = df.reset_index() if "project_id" not in df.columns else df.copy()
    if "draw" in frame.columns:  # long: one row per project and draw
        g = frame.groupby("project_id")["rank"]
        out = pd.DataFrame({"rank_min": g.min(), "rank_max": g.max(), "rank_median": g.median()})
        out["rank"] = out["rank_median"]
        return out
    out = pd.DataFrame(index=frame["project_id"].astype(str))
    for key, names in _ALIASES.items():
        found = next((n for n in names if n in frame.columns), None)
        if found is not None:
            column = frame[found].to_numpy()
            out[key] = column if key == "name" else column.astype(float)
    if "rank_min" not in out or "rank_max" not in out:
        raise ValueError(
            "rank_stability needs rank_min and rank_max per project_id "
            "(or long rows of project_id, draw, rank)"
        )
    if "rank" not in out:
        out["rank"] = out.get("rank_median", (out["rank_min"] + out["rank_max"]) / 2)
    return out


def rank_stability(
    stability_df: pd.DataFrame, names: pd.Series | None = None, top_k: int | None = None
) -> Figure:
    """The range of ranks each project takes when the weights are perturbed.

    Parameters
    ----------
    stability_df
        One row per project with ``project_id`` (column or index), ``min_rank`` and
        ``max_rank`` (or ``rank_min``/``rank_max``), optionally ``base_rank`` (the rank with the
        stated weights, drawn as a dot), ``median_rank``, ``p_top_k`` (written at the right)
        and ``name`` (``pmo_opt.prioritise.scoring.rank_stability`` returns all of these); or long rows
        ``project_id``, ``draw``, ``rank``.
    names
        Project names by id, for the labels (default: the ``name`` column).
    top_k
        The k of ``p_top_k``, for its heading.
    """
    df = _stability_summary(stability_df)
    df = df.assign(_id=df.index.astype(str)).sort_values(["rank", "rank_min", "_id"])
    fig, ax = new_figure(8.5, 1.6 + 0.3 * max(len(df), 1))
    y = np.arange(len(df))
    ax.hlines(y, df["rank_min"], df["rank_max"], color=SKY, linewidth=6, label="range of ranks")
    ax.scatter(df["rank"], y, color=BLUE, zorder=3, s=30, label="rank with the stated weights")
    if "rank_median" in df and not np.allclose(df["rank_median"], df["rank"]):
        ax.scatter(
            df["rank_median"], y, marker="|", color="black", s=120, zorder=4, label="median rank"
        )
    if names is None and "name" in df:
        names = df["name"]
    labels = [project_label(p, names.get(p) if names is not None else None) for p in df.index]
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlabel("rank (1 = highest priority)")
    ax.set_title("How stable is the ranking? Ranks under perturbed weights")
    ax.xaxis.get_major_locator().set_params(integer=True)
    if "p_top_k" in df:
        right = ax.get_yaxis_transform()  # x in axes fraction, y in data
        heading = f"in top {top_k}" if top_k else "in top k"
        ax.annotate(
            heading,
            (1.02, 1.0),
            xycoords="axes fraction",
            va="bottom",
            fontsize=8,
            fontweight="bold",
        )
        for k, share in enumerate(df["p_top_k"]):
            ax.annotate(f"{share:.0%}", (1.02, k), xycoords=right, va="center", fontsize=8)
    ax.set_ylim(len(df) - 0.5, -0.5)
    fig.legend(loc="outside lower center", ncols=3, frameon=False)
    tidy(ax, "x")
    return fig


__all__ = ["rank_stability"]
