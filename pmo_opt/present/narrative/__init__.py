"""The words of the notebooks: the numbers of this run, stated in plain board language.

Most functions take results (a :class:`~pmo_opt.engine.plan.Plan`, tables from :mod:`pmo_opt.prioritise.scoring`,
:mod:`pmo_opt.analysis.explain`, :mod:`pmo_opt.analysis.compare`) and return :class:`IPython.display.Markdown` or
a tidy table for people, so a notebook shows exactly the numbers it computed. A few decide what
the notebooks' what-if runs are (:func:`budget_frontier`, :func:`cut_scenario`,
:func:`scenarios_to_compare`, :func:`analysis_scenario`), so that the settings live here, tested,
and not in notebook cells. Nothing here depends on timing or the machine: no seconds, no
absolute paths.

Statuses are stated honestly: a plan is called the best possible only when the solver proved it
(within the scenario's tolerance); a plan stopped at the time limit says how far from the best
it may be.

Every piece of data text (ids, names, categories, roles, criteria, scenario names, messages)
goes through :func:`pmo_opt.text.escape_markdown` where it enters Markdown, so that it can never
become markup; the tables of :mod:`pmo_opt.present.tables` escape theirs as HTML.

The words are kept by what they narrate: :mod:`.words` (numbers and names), :mod:`.facts` (plan
facts), :mod:`.whatif` (the other scenarios a page solves), :mod:`.data` (page 01),
:mod:`.priorities` (02), :mod:`.selection` (03), :mod:`.left_out` (why-not), :mod:`.capacity`
(04), :mod:`.scenarios` (05) and :mod:`.brief` (06). This package re-exports every public name,
so notebooks keep writing ``narrative.board_brief(...)``.
"""

from __future__ import annotations

from pmo_opt.present.narrative.brief import (
    board_brief,
    left_out_brief,
)
from pmo_opt.present.narrative.capacity import (
    capacity_headline,
    hiring_pays,
    hiring_sentence,
    hiring_table,
)
from pmo_opt.present.narrative.data import (
    category_table,
    data_overview,
    earliest_start_plan,
    role_pressure,
)
from pmo_opt.present.narrative.facts import (
    DECIDED,
    FULL,
    budget_use,
    role_use,
    status_sentence,
    total_budget,
)
from pmo_opt.present.narrative.left_out import (
    WHY_NOT_MAX,
    WHY_NOT_WORDS,
    cheapest_way_in,
    explanations_table,
    left_out_table,
    rival_label,
    short_reason,
    staff_needed,
    way_in,
    why_line,
    why_not_markdown,
    why_not_max,
    why_out,
)
from pmo_opt.present.narrative.money_brief import (
    money_over_time,
    money_risk_words,
    trade_off_words,
)
from pmo_opt.present.narrative.priorities import (
    ranking_headline,
    stability_or_none,
    weights_table,
)
from pmo_opt.present.narrative.scenarios import (
    comparison_headline,
)
from pmo_opt.present.narrative.selection import (
    baseline_gain,
    baseline_sentence,
    check_sentence,
    frontier_headline,
    gain_words,
    load_table,
    schedule_table,
    selection_headline,
    selection_table,
    worth_words,
)
from pmo_opt.present.narrative.whatif import (
    ANALYSIS_GAP,
    CUT_FACTOR,
    FRONTIER_SCALES,
    analysis_scenario,
    budget_frontier,
    cut_scenario,
    frontier_scales,
    scenarios_to_compare,
)
from pmo_opt.present.narrative.words import (
    as_markdown,
    cash,
    currency,
    given,
    join_words,
    label,
    md_label,
    money,
    money_unit,
    plural,
    points,
    role_label,
    share,
    signed_share,
    span_text,
    value_axis,
    value_unit,
)

__all__ = [
    "money_over_time",
    "money_risk_words",
    "trade_off_words",
    "ANALYSIS_GAP",
    "CUT_FACTOR",
    "DECIDED",
    "FRONTIER_SCALES",
    "FULL",
    "WHY_NOT_MAX",
    "WHY_NOT_WORDS",
    "analysis_scenario",
    "as_markdown",
    "baseline_gain",
    "baseline_sentence",
    "board_brief",
    "left_out_brief",
    "budget_frontier",
    "budget_use",
    "capacity_headline",
    "cash",
    "category_table",
    "cheapest_way_in",
    "check_sentence",
    "comparison_headline",
    "currency",
    "cut_scenario",
    "data_overview",
    "earliest_start_plan",
    "explanations_table",
    "frontier_headline",
    "gain_words",
    "frontier_scales",
    "given",
    "hiring_pays",
    "hiring_sentence",
    "hiring_table",
    "join_words",
    "label",
    "left_out_table",
    "load_table",
    "md_label",
    "money",
    "money_unit",
    "plural",
    "points",
    "ranking_headline",
    "rival_label",
    "role_label",
    "role_pressure",
    "role_use",
    "scenarios_to_compare",
    "schedule_table",
    "selection_headline",
    "selection_table",
    "worth_words",
    "share",
    "short_reason",
    "signed_share",
    "span_text",
    "stability_or_none",
    "staff_needed",
    "status_sentence",
    "total_budget",
    "value_axis",
    "value_unit",
    "way_in",
    "weights_table",
    "why_line",
    "why_not_markdown",
    "why_not_max",
    "why_out",
]
