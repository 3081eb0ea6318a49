"""The words of the notebooks: the numbers of this run, stated in plain board language.

Most functions take results (a :class:`~pmo_opt.plan.Plan`, tables from :mod:`pmo_opt.scoring`,
:mod:`pmo_opt.explain`, :mod:`pmo_opt.compare`) and return :class:`IPython.display.Markdown` or
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
    board_brief as board_brief,
)
from pmo_opt.present.narrative.capacity import (
    capacity_headline as capacity_headline,
)
from pmo_opt.present.narrative.capacity import (
    hiring_pays as hiring_pays,
)
from pmo_opt.present.narrative.capacity import (
    hiring_sentence as hiring_sentence,
)
from pmo_opt.present.narrative.capacity import (
    hiring_table as hiring_table,
)
from pmo_opt.present.narrative.data import (
    category_table as category_table,
)
from pmo_opt.present.narrative.data import (
    data_overview as data_overview,
)
from pmo_opt.present.narrative.data import (
    earliest_start_plan as earliest_start_plan,
)
from pmo_opt.present.narrative.data import (
    role_pressure as role_pressure,
)
from pmo_opt.present.narrative.facts import (
    DECIDED as DECIDED,
)
from pmo_opt.present.narrative.facts import (
    FULL as FULL,
)
from pmo_opt.present.narrative.facts import (
    budget_use as budget_use,
)
from pmo_opt.present.narrative.facts import (
    role_use as role_use,
)
from pmo_opt.present.narrative.facts import (
    status_sentence as status_sentence,
)
from pmo_opt.present.narrative.facts import (
    total_budget as total_budget,
)
from pmo_opt.present.narrative.left_out import (
    WHY_NOT_MAX as WHY_NOT_MAX,
)
from pmo_opt.present.narrative.left_out import (
    WHY_NOT_WORDS as WHY_NOT_WORDS,
)
from pmo_opt.present.narrative.left_out import (
    cheapest_way_in as cheapest_way_in,
)
from pmo_opt.present.narrative.left_out import (
    explanations_table as explanations_table,
)
from pmo_opt.present.narrative.left_out import (
    left_out_table as left_out_table,
)
from pmo_opt.present.narrative.left_out import (
    rival_label as rival_label,
)
from pmo_opt.present.narrative.left_out import (
    short_reason as short_reason,
)
from pmo_opt.present.narrative.left_out import (
    staff_needed as staff_needed,
)
from pmo_opt.present.narrative.left_out import (
    way_in as way_in,
)
from pmo_opt.present.narrative.left_out import (
    why_line as why_line,
)
from pmo_opt.present.narrative.left_out import (
    why_not_markdown as why_not_markdown,
)
from pmo_opt.present.narrative.left_out import (
    why_out as why_out,
)
from pmo_opt.present.narrative.priorities import (
    ranking_headline as ranking_headline,
)
from pmo_opt.present.narrative.priorities import (
    stability_or_none as stability_or_none,
)
from pmo_opt.present.narrative.priorities import (
    weights_table as weights_table,
)
from pmo_opt.present.narrative.scenarios import (
    comparison_headline as comparison_headline,
)
from pmo_opt.present.narrative.selection import (
    baseline_gain as baseline_gain,
)
from pmo_opt.present.narrative.selection import (
    baseline_sentence as baseline_sentence,
)
from pmo_opt.present.narrative.selection import (
    check_sentence as check_sentence,
)
from pmo_opt.present.narrative.selection import (
    frontier_headline as frontier_headline,
)
from pmo_opt.present.narrative.selection import (
    load_table as load_table,
)
from pmo_opt.present.narrative.selection import (
    schedule_table as schedule_table,
)
from pmo_opt.present.narrative.selection import (
    selection_headline as selection_headline,
)
from pmo_opt.present.narrative.selection import (
    selection_table as selection_table,
)
from pmo_opt.present.narrative.whatif import (
    ANALYSIS_GAP as ANALYSIS_GAP,
)
from pmo_opt.present.narrative.whatif import (
    CUT_FACTOR as CUT_FACTOR,
)
from pmo_opt.present.narrative.whatif import (
    FRONTIER_SCALES as FRONTIER_SCALES,
)
from pmo_opt.present.narrative.whatif import (
    analysis_scenario as analysis_scenario,
)
from pmo_opt.present.narrative.whatif import (
    budget_frontier as budget_frontier,
)
from pmo_opt.present.narrative.whatif import (
    cut_scenario as cut_scenario,
)
from pmo_opt.present.narrative.whatif import (
    frontier_scales as frontier_scales,
)
from pmo_opt.present.narrative.whatif import (
    scenarios_to_compare as scenarios_to_compare,
)
from pmo_opt.present.narrative.words import (
    as_markdown as as_markdown,
)
from pmo_opt.present.narrative.words import (
    cash as cash,
)
from pmo_opt.present.narrative.words import (
    currency as currency,
)
from pmo_opt.present.narrative.words import (
    given as given,
)
from pmo_opt.present.narrative.words import (
    join_words as join_words,
)
from pmo_opt.present.narrative.words import (
    label as label,
)
from pmo_opt.present.narrative.words import (
    md_label as md_label,
)
from pmo_opt.present.narrative.words import (
    money as money,
)
from pmo_opt.present.narrative.words import (
    plural as plural,
)
from pmo_opt.present.narrative.words import (
    points as points,
)
from pmo_opt.present.narrative.words import (
    role_label as role_label,
)
from pmo_opt.present.narrative.words import (
    share as share,
)
from pmo_opt.present.narrative.words import (
    signed_share as signed_share,
)
from pmo_opt.present.narrative.words import (
    span_text as span_text,
)
from pmo_opt.present.narrative.words import (
    value_axis as value_axis,
)
from pmo_opt.present.narrative.words import (
    value_unit as value_unit,
)
