"""Charts for notebooks and reports: matplotlib figures only; no solving, no file reads.

Every function takes a :class:`~pmo_opt.plan.Plan` or tidy DataFrames and returns a new
figure; nothing touches pyplot's global state, so a loop of charts leaks nothing and a figure
shows exactly once in a notebook (it renders itself as PNG in Jupyter even when the inline
backend has not been set up). Colours come from the Okabe-Ito palette, which stays distinct for
the common kinds of colour blindness; selected/not selected also differ by marker fill, so a
chart still reads in black and white print.
"""

from __future__ import annotations

import io

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

from pmo_opt.engine.plan import Plan
from pmo_opt.inputs import months
from pmo_opt.text import escape_mathtext

#: Okabe & Ito (2008), "Color Universal Design": blue, orange, bluish green, reddish purple,
#: sky blue, vermillion, yellow, black.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
BLUE, ORANGE, GREEN, PURPLE, SKY, VERMILLION = PALETTE[:6]
GREY = "#7F7F7F"
HATCHES = ("", "//", "..", "xx", "\\\\", "++")
CURRENCY = "currency units"
#: the utilisation scale of every capacity heatmap (pages 01 and 04 alike): 0% to 150%
UTIL_TOP = 1.5
#: a role-month at or above this share of its capacity is full (as narrative.FULL)
FULL = 0.99


class ChartFigure(Figure):
    """A Figure that shows itself as PNG in Jupyter (IPython calls ``_repr_png_``)."""

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", bbox_inches="tight")
        return buffer.getvalue()


def _figure(width: float, height: float, **subplots) -> tuple[ChartFigure, object]:
    fig = ChartFigure(figsize=(width, height), layout="constrained")
    return fig, fig.subplots(**subplots)


def _tidy(ax, grid_axis: str | None = "y") -> None:
    """No chart junk: drop the top and right frame, a light grid on the value axis only."""
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if grid_axis:
        ax.grid(axis=grid_axis, color="#DDDDDD", linewidth=0.8)
        ax.set_axisbelow(True)


def short_number(x: float) -> str:
    """``21050000`` -> ``21M``, ``21500000`` -> ``21.5M``, ``245000`` -> ``245k``, ``950`` ->
    ``950``: axis tick text that never runs into its neighbour."""
    sign, x = ("-" if x < 0 else ""), abs(float(x))
    for size, unit in ((1e9, "bn"), (1e6, "M"), (1e3, "k")):
        if x >= size:
            return f"{sign}{x / size:,.3g}{unit}"
    return f"{sign}{x:,.3g}" if x < 100 else f"{sign}{x:,.0f}"


def _thousands(ax, axis: str = "y") -> None:
    fmt = FuncFormatter(lambda x, _: short_number(x))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def _projects(plan: Plan | pd.DataFrame) -> pd.DataFrame:
    """The project table of a Plan (or a tidy one), keyed by ``project_id``."""
    frame = plan.projects if isinstance(plan, Plan) else plan
    if "project_id" in frame.columns:
        frame = frame.set_index("project_id")
    return frame.copy()


def _label(pid: object, name: object, width: int = 32) -> str:
    text = str(pid) if name is None or pd.isna(name) or str(name) == str(pid) else f"{pid} {name}"
    text = text if len(text) <= width else text[: width - 1] + "\u2026"
    return escape_mathtext(text)  # a "$" in a name is a dollar sign, never mathtext


def _month_ticks(ax, first: int, count: int, axis: str = "x") -> None:
    """Month labels every 1, 2, 3, 6 or 12 months so that at most ~12 show."""
    step = next((s for s in (1, 2, 3, 6, 12) if count / s <= 12), 24)
    ticks = list(range(first, first + count, step))
    labels = [months.from_ordinal(t) for t in ticks]
    if axis == "x":
        ax.set_xticks(ticks, labels, rotation=45, ha="right")
    else:
        ax.set_yticks(ticks, labels)


# --------------------------------------------------------------------------------------------


def value_cost_bubble(
    plan: Plan | pd.DataFrame,
    risk: pd.Series | None = None,
    currency: str = CURRENCY,
    value_label: str = "value (score)",
    annotate_max: int = 30,
) -> Figure:
    """Value against cost of every project; bubble size is risk, colour and fill say selected.

    Parameters
    ----------
    plan
        A Plan, or a table with ``project_id`` (column or index), ``cost``, ``value``,
        ``selected`` and optionally ``risk`` and ``name``.
    risk
        Risk per project id (e.g. ``portfolio.projects["risk"]``); overrides a ``risk`` column.
        Without either, all bubbles have one size.
    currency, value_label
        Axis units.
    annotate_max
        Projects are labelled with their id when there are at most this many.
    """
    df = _projects(plan)
    if risk is not None:
        df["risk"] = pd.Series(risk).reindex(df.index)
    r = pd.to_numeric(df["risk"], errors="coerce") if "risk" in df else pd.Series(np.nan, df.index)
    lo, hi = (r.min(), r.max()) if r.notna().any() else (np.nan, np.nan)

    def size(values: pd.Series) -> np.ndarray:
        if not np.isfinite(lo) or hi <= lo:
            return np.full(len(values), 160.0)
        return 40.0 + 560.0 * ((values.fillna(lo) - lo) / (hi - lo)).to_numpy()

    fig, ax = _figure(8, 5.5)
    selected = df["selected"].astype(bool)
    sel, out = df[selected], df[~selected]
    ax.scatter(
        sel["cost"],
        sel["value"],
        s=size(r[selected]),
        color=BLUE,
        alpha=0.75,
        edgecolors="black",
        linewidths=0.6,
        label="selected",
        zorder=3,
    )
    ax.scatter(
        out["cost"],
        out["value"],
        s=size(r[~selected]),
        facecolors="none",
        edgecolors=ORANGE,
        linewidths=1.6,
        label="not selected",
        zorder=3,
    )
    if len(df) <= annotate_max:
        for pid, row in df.iterrows():
            ax.annotate(
                escape_mathtext(pid),
                (row["cost"], row["value"]),
                xytext=(4, 4),
                textcoords="offset points",
                fontsize=7,
                color="#333333",
            )
    handles = [
        Line2D([], [], marker="o", ls="", color=BLUE, markeredgecolor="black", label="selected"),
        Line2D(
            [],
            [],
            marker="o",
            ls="",
            markerfacecolor="none",
            markeredgecolor=ORANGE,
            markeredgewidth=1.6,
            label="not selected",
        ),
    ]
    if np.isfinite(lo) and hi > lo:
        for v in (lo, (lo + hi) / 2, hi):
            handles.append(
                Line2D(
                    [],
                    [],
                    marker="o",
                    ls="",
                    color=GREY,
                    alpha=0.5,
                    label=f"risk {v:.2g}",
                    markersize=float(np.sqrt(size(pd.Series([v]))[0])),
                )
            )
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    ax.set_xlabel(escape_mathtext(f"cost ({currency})"))
    ax.set_ylabel(escape_mathtext(value_label))
    ax.set_title(
        f"Value against cost: {int(selected.sum())} of {len(df)} projects selected"
        + (" (bubble size = risk)" if np.isfinite(lo) and hi > lo else "")
    )
    _thousands(ax, "x")
    _tidy(ax, "both")
    return fig


def _knee(x: np.ndarray, y: np.ndarray) -> int | None:
    """Index of the knee of an increasing, flattening curve (Kneedle: the point farthest above
    the chord from the first to the last point, both axes scaled to [0, 1]); ``None`` when the
    curve has no bend that way (straight or convex) or fewer than three points."""
    if len(x) < 3 or np.ptp(x) <= 0 or np.ptp(y) <= 0:
        return None
    xn = (x - x.min()) / np.ptp(x)
    yn = (y - y.min()) / np.ptp(y)
    lift = yn - xn
    best = int(np.argmax(lift))
    return best if lift[best] > 1e-9 else None


def efficient_frontier(
    frontier_df: pd.DataFrame,
    current_budget: float | None = None,
    currency: str = CURRENCY,
    value_label: str = "portfolio value (score)",
) -> Figure:
    """The best portfolio value at each budget, with the knee and the current budget marked.

    Parameters
    ----------
    frontier_df
        Columns ``budget`` and ``value`` (``pmo_opt.frontier.efficient_frontier`` gives them).
        Optional: ``marginal`` or ``marginal_value`` (value per extra unit of budget), shown as
        bars in a second panel; ``knee`` (bool) marking the knee, which is otherwise found
        here (:func:`_knee`); ``is_current`` (bool) marking the current budget.
    current_budget
        Drawn as a dashed vertical line (default: the ``is_current`` row's budget).
    """
    df = frontier_df.sort_values("budget").reset_index(drop=True)
    df = df[df["value"].notna()].reset_index(drop=True)  # levels without a plan: no point
    x = df["budget"].to_numpy(dtype=float)
    y = df["value"].to_numpy(dtype=float)
    marginal = next((c for c in ("marginal", "marginal_value") if c in df.columns), None)
    with_marginal = marginal is not None
    if current_budget is None and "is_current" in df.columns and df["is_current"].any():
        current_budget = float(df.loc[df["is_current"].astype(bool), "budget"].iloc[0])
    if with_marginal:
        fig, (ax, axm) = _figure(
            8, 6.5, nrows=2, sharex=True, gridspec_kw={"height_ratios": [3, 1.2]}
        )
    else:
        fig, ax = _figure(8, 5)
    ax.plot(x, y, color=BLUE, marker="o", linewidth=2, label="best value for the budget")
    if "status" in df.columns:
        unproven = (df["status"].astype(str) != "optimal").to_numpy()
        if unproven.any():
            ax.scatter(
                x[unproven],
                y[unproven],
                s=70,
                facecolors="white",
                edgecolors=BLUE,
                linewidths=1.8,
                zorder=5,
                label="not proven optimal (time limit)",
            )
    if "knee" in df.columns:
        marked = np.flatnonzero(df["knee"].fillna(False).astype(bool).to_numpy())
        knee = int(marked[0]) if len(marked) else None
    else:
        knee = _knee(x, y)
    if knee is not None:
        ax.scatter(
            [x[knee]],
            [y[knee]],
            s=180,
            facecolors="none",
            edgecolors=VERMILLION,
            linewidths=2.2,
            zorder=4,
            label="knee",
        )
        ax.annotate(
            f"knee: {short_number(x[knee])}",
            (x[knee], y[knee]),
            xytext=(10, -18),
            textcoords="offset points",
            color=VERMILLION,
        )
    if current_budget is not None:
        ax.axvline(current_budget, color="black", linestyle="--", linewidth=1.2)
        ax.annotate(
            f"current budget {short_number(current_budget)}",
            (current_budget, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(4, -12),
            textcoords="offset points",
        )
    ax.set_ylabel(escape_mathtext(value_label))
    ax.set_title("Efficient frontier: what each budget level buys")
    ax.legend(loc="lower right", frameon=False)
    _tidy(ax)
    bottom = ax
    if with_marginal:
        # each bar spans the step it measures: from the previous budget level to this one
        # value per million of budget: readable numbers (per unit they are 0.00002)
        steps = df[marginal].fillna(0.0).to_numpy(dtype=float)[1:] * 1e6
        axm.bar(x[:-1], steps, width=np.diff(x), align="edge", color=SKY, edgecolor="white")
        axm.set_ylabel(escape_mathtext(f"value per extra\nmillion ({currency})"), fontsize=9)
        _thousands(axm, "y")
        if current_budget is not None:
            axm.axvline(current_budget, color="black", linestyle="--", linewidth=1.2)
        _tidy(axm)
        bottom = axm
    bottom.set_xlabel(escape_mathtext(f"budget ({currency})"))
    _thousands(bottom, "x")
    return fig


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
    fig, ax = _figure(min(5 + 0.45 * cols, 16), max(3.2, 1.8 + 0.45 * rows))
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
    df = _projects(plan)
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
    fig, ax = _figure(10, 1.6 + 0.32 * max(len(df), 1))
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
    ax.set_yticks(y, [_label(p, n) for p, n in zip(df["project_id"], names, strict=True)])
    ax.invert_yaxis()
    if horizon:
        first, count = months.to_ordinal(horizon[0]), len(horizon)
    elif len(df):
        first, count = int(df["s"].min()), int(df["f"].max() - df["s"].min() + 1)
    else:
        first, count = 0, 1
    ax.set_xlim(first, first + count)
    _month_ticks(ax, first, count)
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
    _tidy(ax, "x")
    return fig


def _period_kind(period: str) -> str:
    text = str(period)
    if text == "total":
        return "total"
    if len(text) == 4:
        return "year"
    return "quarter" if "Q" in text.upper() else "month"


def spend_vs_budget(
    plan: Plan, budget_df: pd.DataFrame, currency: str = CURRENCY, budget_scale: float | None = None
) -> Figure:
    """Spend per budget period against that period's limit (``amount * budget_scale``).

    One panel per kind of period the budget names: ``total`` as cumulative spend over the
    months against the total limit; years, quarters and months as stacked bars (project spend,
    hire spend) with the limit drawn as a black line over each bar. Without budget rows, the
    monthly spend alone. Periods wholly outside the plan's horizon limit nothing and are left
    out (docs/model.md, rule 7).

    Parameters
    ----------
    plan
        Supplies ``spend`` (per month) and ``scenario.budget_scale``.
    budget_df
        Columns ``period`` and ``amount`` (a Portfolio's ``budget``).
    budget_scale
        Overrides the plan's scenario scale.
    """
    scale = plan.scenario.budget_scale if budget_scale is None else budget_scale
    spend = plan.spend.set_index("month")
    horizon = list(plan.horizon) or list(spend.index)
    budget = budget_df[["period", "amount"]].copy()
    budget["kind"] = budget["period"].map(_period_kind)
    budget["months"] = budget["period"].map(
        lambda p: horizon if str(p) == "total" else months.period_months(str(p))
    )
    budget["months"] = budget["months"].map(lambda ms: [m for m in ms if m in spend.index])
    budget = budget[budget["months"].map(len) > 0]
    kinds = [k for k in ("total", "year", "quarter", "month") if k in set(budget["kind"])]
    panels = kinds or ["spend"]
    fig, axes = _figure(9, 3.6 * len(panels), nrows=len(panels), squeeze=False)
    hire_any = bool((spend["hire_spend"] > 0).any())
    for ax, kind in zip(axes[:, 0], panels, strict=True):
        rows = budget[budget["kind"] == kind]
        if kind == "total":
            cumulative = spend.loc[horizon, "total"].cumsum()
            x = [months.to_ordinal(m) for m in horizon]
            ax.plot(x, cumulative.to_numpy(), color=BLUE, linewidth=2, label="cumulative spend")
            for k, amount in enumerate(rows["amount"]):
                ax.axhline(
                    amount * scale,
                    color="black",
                    linewidth=1.5,
                    label="total budget limit" if k == 0 else None,
                )
            _month_ticks(ax, x[0], len(x))
            ax.set_title("Cumulative spend against the total budget")
            ax.set_xlabel("month")
        else:
            periods = list(dict.fromkeys(rows["period"])) if kind != "spend" else horizon
            covered = (
                dict(zip(rows["period"], rows["months"], strict=True))
                if kind != "spend"
                else {m: [m] for m in horizon}
            )
            project = [spend.loc[covered[p], "project_spend"].sum() for p in periods]
            hire = [spend.loc[covered[p], "hire_spend"].sum() for p in periods]
            x = np.arange(len(periods))
            ax.bar(x, project, width=0.7, color=BLUE, label="project spend")
            if hire_any:
                ax.bar(
                    x,
                    hire,
                    width=0.7,
                    bottom=project,
                    color=ORANGE,
                    hatch="//",
                    label="hiring spend",
                )
            first = True
            for _, row in rows.iterrows():
                k = periods.index(row["period"])
                limit = row["amount"] * scale
                ax.hlines(
                    limit,
                    k - 0.45,
                    k + 0.45,
                    color="black",
                    linewidth=2.2,
                    label="budget limit" if first else None,
                )
                used = (project[k] + hire[k]) / limit if limit > 0 else np.nan
                if np.isfinite(used):
                    ax.annotate(
                        f"{used:.0%}",
                        (k, max(limit, project[k] + hire[k])),
                        xytext=(0, 5),
                        textcoords="offset points",
                        ha="center",
                        fontsize=8,
                    )
                first = False
            step = max(1, int(np.ceil(len(periods) / 16)))
            ticks = [escape_mathtext(p) for p in periods][::step]
            ax.set_xticks(x[::step], ticks, rotation=45, ha="right")
            title = "Monthly spend" if kind == "spend" else f"Spend per {kind} against its budget"
            ax.set_title(title + (" (labels: share of the limit used)" if len(rows) else ""))
            ax.set_xlabel(kind if kind != "spend" else "month")
        ax.set_ylabel(escape_mathtext(f"spend ({currency})"))
        ax.set_ylim(bottom=0)
        _thousands(ax, "y")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
        _tidy(ax)
    return fig


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
        and ``name`` (``pmo_opt.scoring.rank_stability`` returns all of these); or long rows
        ``project_id``, ``draw``, ``rank``.
    names
        Project names by id, for the labels (default: the ``name`` column).
    top_k
        The k of ``p_top_k``, for its heading.
    """
    df = _stability_summary(stability_df)
    df = df.assign(_id=df.index.astype(str)).sort_values(["rank", "rank_min", "_id"])
    fig, ax = _figure(8.5, 1.6 + 0.3 * max(len(df), 1))
    y = np.arange(len(df))
    ax.hlines(y, df["rank_min"], df["rank_max"], color=SKY, linewidth=6, label="range of ranks")
    ax.scatter(df["rank"], y, color=BLUE, zorder=3, s=30, label="rank with the stated weights")
    if "rank_median" in df and not np.allclose(df["rank_median"], df["rank"]):
        ax.scatter(
            df["rank_median"], y, marker="|", color="black", s=120, zorder=4, label="median rank"
        )
    if names is None and "name" in df:
        names = df["name"]
    labels = [_label(p, names.get(p) if names is not None else None) for p in df.index]
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
    _tidy(ax, "x")
    return fig


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
        (``pmo_opt.compare`` gives these). A scenario without a plan (value NaN) gets no bar
        but its status written in; a plan not proven optimal is marked with its status.
    """
    frame = df.reset_index() if "scenario" not in df.columns else df
    status = frame["status"].astype(str) if "status" in frame else pd.Series("", frame.index)
    fig, (left, right) = _figure(11, 1.8 + 0.5 * max(len(frame), 1), ncols=2, sharey=True)
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
        _thousands(ax, "x")
        ax.xaxis.set_major_locator(MaxNLocator(4))
        finite = values[np.isfinite(values)]
        ax.set_xlim(0, (finite.max() if finite.size else 1.0) * 1.3)  # room for the labels
        _tidy(ax, "x")
    left.set_yticks(y, [_label(n, None, 40) for n in frame["scenario"].astype(str)])
    left.invert_yaxis()
    left.set_title("Value by scenario")
    right.set_title("Spend by scenario")
    fig.suptitle("Scenario comparison")
    return fig
