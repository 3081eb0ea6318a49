"""Charts of value and money: value against cost, the efficient frontier, spend against budget."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from pmo_opt.engine.plan import Plan
from pmo_opt.inputs import months
from pmo_opt.present.charts.style import (
    BLUE,
    CURRENCY,
    GREY,
    ORANGE,
    SKY,
    VERMILLION,
    month_ticks,
    new_figure,
    project_table,
    short_number,
    thousands,
    tidy,
)
from pmo_opt.text import escape_mathtext


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
    df = project_table(plan)
    if risk is not None:
        df["risk"] = pd.Series(risk).reindex(df.index)
    r = pd.to_numeric(df["risk"], errors="coerce") if "risk" in df else pd.Series(np.nan, df.index)
    lo, hi = (r.min(), r.max()) if r.notna().any() else (np.nan, np.nan)

    def size(values: pd.Series) -> np.ndarray:
        if not np.isfinite(lo) or hi <= lo:
            return np.full(len(values), 160.0)
        return 40.0 + 560.0 * ((values.fillna(lo) - lo) / (hi - lo)).to_numpy()

    fig, ax = new_figure(8, 5.5)
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
    thousands(ax, "x")
    tidy(ax, "both")
    fig.alt_text = _bubble_alt(df, selected, currency, value_label)
    return fig


def _bubble_alt(df: pd.DataFrame, selected: pd.Series, currency: str, value_label: str) -> str:
    """The bubble chart in words: totals of the selection and the best project left out."""
    sel, out = df[selected], df[~selected]
    text = (
        f"Value against cost of {len(df)} projects; {len(sel)} selected (filled) cost "
        f"{short_number(float(sel['cost'].sum()))} {currency} for {float(sel['value'].sum()):,.1f}"
        f" {value_label}."
    )
    if len(out):
        ratio = out["value"] / out["cost"].where(out["cost"] > 0)
        best = ratio.fillna(0.0).sort_values(ascending=False, kind="stable").index[0]
        text += (
            f" Left out with the most value per cost: {best} (value {out.at[best, 'value']:,.1f},"
            f" cost {short_number(float(out.at[best, 'cost']))} {currency})."
        )
    return text.replace("$", "")


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
        Columns ``budget`` and ``value`` (``pmo_opt.analysis.frontier.efficient_frontier`` gives them).
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
        fig, (ax, axm) = new_figure(
            8, 6.5, nrows=2, sharex=True, gridspec_kw={"height_ratios": [3, 1.2]}
        )
    else:
        fig, ax = new_figure(8, 5)
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
    tidy(ax)
    bottom = ax
    if with_marginal:
        # each bar spans the step it measures: from the previous budget level to this one
        # value per million of budget: readable numbers (per unit they are 0.00002)
        steps = df[marginal].fillna(0.0).to_numpy(dtype=float)[1:] * 1e6
        axm.bar(x[:-1], steps, width=np.diff(x), align="edge", color=SKY, edgecolor="white")
        axm.set_ylabel(escape_mathtext(f"value per extra\nmillion ({currency})"), fontsize=9)
        thousands(axm, "y")
        if current_budget is not None:
            axm.axvline(current_budget, color="black", linestyle="--", linewidth=1.2)
        tidy(axm)
        bottom = axm
    bottom.set_xlabel(escape_mathtext(f"budget ({currency})"))
    thousands(bottom, "x")
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
    fig, axes = new_figure(9, 3.6 * len(panels), nrows=len(panels), squeeze=False)
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
            month_ticks(ax, x[0], len(x))
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
        thousands(ax, "y")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
        tidy(ax)
    return fig


__all__ = ["efficient_frontier", "spend_vs_budget", "value_cost_bubble"]
