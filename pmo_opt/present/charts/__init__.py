"""Charts for notebooks and reports: matplotlib figures only; no solving, no file reads.

Every function takes a :class:`~pmo_opt.engine.plan.Plan` or tidy DataFrames and returns a new
figure; nothing touches pyplot's global state, so a loop of charts leaks nothing and a figure
shows exactly once in a notebook (it renders itself as PNG in Jupyter even when the inline
backend has not been set up). Colours come from the Okabe-Ito palette, which stays distinct for
the common kinds of colour blindness; selected/not selected also differ by marker fill, so a
chart still reads in black and white print.

The charts are kept by what they show: :mod:`.style` (shared look), :mod:`.money`,
:mod:`.money_time`, :mod:`.capacity`, :mod:`.priorities`, :mod:`.scenarios` and :mod:`.replan`; this package re-exports them, so
notebooks keep writing ``charts.gantt(plan)``.
"""

from __future__ import annotations

from pmo_opt.present.charts.capacity import (
    capacity_heatmap,
    gantt,
)
from pmo_opt.present.charts.money import (
    efficient_frontier,
    spend_vs_budget,
    value_cost_bubble,
)
from pmo_opt.present.charts.money_time import benefit_timeline, money_range
from pmo_opt.present.charts.priorities import (
    rank_stability,
)
from pmo_opt.present.charts.replan import stability_frontier
from pmo_opt.present.charts.scenarios import (
    scenario_comparison,
)
from pmo_opt.present.charts.style import (
    BLUE,
    CURRENCY,
    FULL,
    GREEN,
    GREY,
    HATCHES,
    ORANGE,
    PALETTE,
    PURPLE,
    SKY,
    UTIL_TOP,
    VERMILLION,
    ChartFigure,
    month_ticks,
    new_figure,
    project_label,
    project_table,
    short_number,
    thousands,
    tidy,
)

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
    "benefit_timeline",
    "capacity_heatmap",
    "efficient_frontier",
    "gantt",
    "money_range",
    "month_ticks",
    "new_figure",
    "project_label",
    "project_table",
    "rank_stability",
    "scenario_comparison",
    "short_number",
    "spend_vs_budget",
    "stability_frontier",
    "thousands",
    "tidy",
    "value_cost_bubble",
]
