"""What every chart shares: the colour-blind-safe palette, a figure that shows itself in Jupyter,
no chart junk, short money ticks, project labels safe for mathtext."""

from __future__ import annotations

import base64
import io

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

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
    """A Figure that shows itself as PNG in Jupyter with its alternative text.

    ``alt_text`` is what the chart shows in words and numbers, set by the chart function that
    drew it (:func:`describe_axes` when it did not): Jupyter gets it as the PNG's ``alt``
    metadata and as the plain-text output, and :func:`pmo_opt.present.html.export_html` puts it
    on the page's ``<img>``.
    """

    alt_text: str = ""

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", bbox_inches="tight")
        return buffer.getvalue()

    def describe(self) -> str:
        """The alternative text: ``alt_text``, else one read off the axes."""
        return self.alt_text or describe_axes(self)

    def _repr_mimebundle_(self, include=None, exclude=None) -> tuple[dict, dict]:  # noqa: ANN001
        alt = self.describe()
        png = base64.b64encode(self._repr_png_()).decode("ascii")
        return {"image/png": png, "text/plain": alt}, {"image/png": {"alt": alt}}


def describe_axes(fig: Figure) -> str:
    """Alternative text read off a figure: each panel's title, its axes (the categories when an
    axis has named ticks, else the range) and the labels drawn on it (e.g. bar values)."""
    parts = []
    for ax in fig.axes:
        title = ax.get_title()
        if not title and not ax.get_xlabel():
            continue  # a colour bar or an inset
        text = f"{title}." if title else "Chart."
        for word, label, ticks, (lo, hi) in (
            ("Across", ax.get_xlabel(), ax.get_xticklabels(), ax.get_xlim()),
            ("Up", ax.get_ylabel(), ax.get_yticklabels(), ax.get_ylim()),
        ):
            names = [t.get_text() for t in ticks if t.get_text()]
            if names and not all(_is_number_text(n) for n in names):
                shown = ", ".join(names[:8]) + (
                    f" and {len(names) - 8} more" if len(names) > 8 else ""
                )
                text += f" {word}: {label + ': ' if label else ''}{shown}."
            elif label:
                text += (
                    f" {word}: {label}, {short_number(min(lo, hi))} to {short_number(max(lo, hi))}."
                )
        labels = [t.get_text() for t in ax.texts if t.get_text().strip()]
        if labels:
            text += " Labels: " + ", ".join(labels[:10]) + ("..." if len(labels) > 10 else ".")
        parts.append(text.replace("$", ""))
    return " ".join(parts) or "A chart without a title."


def _is_number_text(text: str) -> bool:
    """A tick that is a quantity (``2.5M``, ``40%``), not a name; a year (``2027``) is a name."""
    if len(text) == 4 and text.isdigit():
        return False
    cleaned = text.replace(",", "").replace("\u2212", "-").rstrip("%kMbn")
    try:
        float(cleaned)
    except ValueError:
        return False
    return True


def new_figure(width: float, height: float, **subplots) -> tuple[ChartFigure, object]:
    fig = ChartFigure(figsize=(width, height), layout="constrained")
    return fig, fig.subplots(**subplots)


def tidy(ax, grid_axis: str | None = "y") -> None:
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


def thousands(ax, axis: str = "y") -> None:
    fmt = FuncFormatter(lambda x, _: short_number(x))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def project_table(plan: Plan | pd.DataFrame) -> pd.DataFrame:
    """The project table of a Plan (or a tidy one), keyed by ``project_id``."""
    frame = plan.projects if isinstance(plan, Plan) else plan
    if "project_id" in frame.columns:
        frame = frame.set_index("project_id")
    return frame.copy()


def project_label(pid: object, name: object, width: int = 32) -> str:
    text = str(pid) if name is None or pd.isna(name) or str(name) == str(pid) else f"{pid} {name}"
    text = text if len(text) <= width else text[: width - 1] + "\u2026"
    return escape_mathtext(text)  # a "$" in a name is a dollar sign, never mathtext


def month_ticks(ax, first: int, count: int, axis: str = "x") -> None:
    """Month labels every 1, 2, 3, 6 or 12 months so that at most ~12 show."""
    step = next((s for s in (1, 2, 3, 6, 12) if count / s <= 12), 24)
    ticks = list(range(first, first + count, step))
    labels = [months.from_ordinal(t) for t in ticks]
    if axis == "x":
        ax.set_xticks(ticks, labels, rotation=45, ha="right")
    else:
        ax.set_yticks(ticks, labels)


__all__ = [
    "BLUE",
    "CURRENCY",
    "ChartFigure",
    "FULL",
    "GREEN",
    "GREY",
    "HATCHES",
    "ORANGE",
    "PALETTE",
    "PURPLE",
    "SKY",
    "UTIL_TOP",
    "VERMILLION",
    "describe_axes",
    "month_ticks",
    "new_figure",
    "project_label",
    "project_table",
    "short_number",
    "thousands",
    "tidy",
]
