"""The prioritisation panel: weights and scoring method, and the ranking they give."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import ipywidgets as w
import pandas as pd

from pmo_opt.engine.plan import Plan
from pmo_opt.engine.rank_fill import rank_and_fill
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import SCORINGS, Scenario
from pmo_opt.present.widgets.base import (
    LABEL_STYLE,
    SCORING_LABELS,
    Panel,
    grid,
    html_bundle,
    section,
    table_html,
    wide_layout,
)
from pmo_opt.prioritise.scoring import value_rank


class PrioritisationPanel(Panel):
    """Rank projects: scoring method and criteria weights; the ranking and what it funds.

    Attributes
    ----------
    scoring, budget_scale, capacity_scale, weights
        The controls.
    solve_button
        "Rank projects": computes the ranking and the rank-and-fill plan it implies.
    ranking, previous_ranking
        The last ranking table (index ``project_id``: ``score``, ``rank``, ``funded``, ...).
    baseline
        The rank-and-fill plan of the last ranking.
    """

    title = "Project prioritisation"
    button_text = "Rank projects"

    def __init__(
        self,
        portfolio: Portfolio,
        scenario: Scenario | None = None,
        scenarios_dir: str | Path | None = None,
    ) -> None:
        base = scenario or Scenario()
        self.scoring = w.Dropdown(
            options=[(SCORING_LABELS[s], s) for s in SCORINGS],
            value=base.scoring,
            description="Scoring",
            style=LABEL_STYLE,
            layout=wide_layout(),
        )
        self.ranking: pd.DataFrame | None = None
        self.previous_ranking: pd.DataFrame | None = None
        self.baseline: Plan | None = None
        super().__init__(portfolio, base, scenarios_dir)
        self.widget = self._layout()

    def _controls(self) -> list[w.ValueWidget]:
        return [*super()._controls(), self.scoring]

    def _changes(self) -> dict[str, Any]:
        return {**super()._changes(), "scoring": self.scoring.value}

    def _layout(self) -> w.VBox:
        head = w.HTML(
            f"<h3 style='margin:0 0 4px 0'>{self.title}</h3><div style='color:#57606a'>"
            f"{len(self.portfolio.projects)} projects. Set the scoring and weights, then press "
            "<b>Rank projects</b>. The budget and capacity scales decide where the priority list "
            "stops funding (rank-and-fill).</div>"
        )
        settings = grid(
            section("Scoring", self.scoring),
            self._weights_section(),
            section("Budget and capacity", self.budget_scale, self.capacity_scale),
        )
        actions = w.HBox(
            [self.solve_button, self.state], layout=w.Layout(align_items="center", margin="4px 0")
        )
        return w.VBox([head, settings, actions, self._save_row(), self.output])

    def _run(self, scenario: Scenario) -> list[dict]:
        table = ranking_frame(self.portfolio, scenario)
        baseline = rank_and_fill(self.portfolio, scenario)
        table["funded"] = table.index.isin(baseline.selected)
        table["status"] = self.portfolio.projects["status"].reindex(table.index)
        self.previous_ranking, self.ranking, self.baseline = self.ranking, table, baseline
        out = [
            html_bundle(
                f"<div>{html.escape(describe_scoring_text(self.portfolio, scenario))}</div>"
            )
        ]
        shown = table.reset_index()
        shown["funded"] = shown["funded"].map({True: "yes", False: ""})
        if self.previous_ranking is not None:
            before = self.previous_ranking["rank"]
            moved = before.reindex(table.index) - table["rank"]
            shown["moved"] = [
                "" if pd.isna(m) or m == 0 else (f"up {int(m)}" if m > 0 else f"down {int(-m)}")
                for m in moved.to_numpy()
            ]
        cols = [
            c
            for c in (
                "rank",
                "project_id",
                "name",
                "category",
                "status",
                "score",
                "funded",
                "moved",
            )
            if c in shown.columns
        ]
        out.append(
            html_bundle(
                f"<div>Rank-and-fill funds <b>{len(baseline.selected)}</b> of {len(table)} "
                f"projects ({html.escape(baseline.status)}): value "
                f"{baseline.total_value:,.1f}, spend {baseline.total_spend:,.0f}.</div>"
                + table_html(shown[cols], "pmo-ranking")
            )
        )
        return out


def ranking_frame(portfolio: Portfolio, scenario: Scenario) -> pd.DataFrame:
    try:
        from pmo_opt.prioritise.scoring import ranking_table
    except ImportError:  # scoring arrives with issue 4; rank-and-fill's priority is the same idea
        from pmo_opt.engine.rank_fill import priority_values

        values = priority_values(portfolio, scenario)
        table = portfolio.projects[["name", "category"]].assign(score=values)
        table["rank"] = value_rank(table["score"])
        return table.sort_values(["rank"], kind="stable")
    return ranking_table(portfolio, scenario).copy()


def describe_scoring_text(portfolio: Portfolio, scenario: Scenario) -> str:
    try:
        from pmo_opt.prioritise.scoring import describe_scoring
    except ImportError:
        return "Priority: benefit."
    return describe_scoring(portfolio, scenario)


def prioritisation_panel(
    portfolio: Portfolio,
    scenario: Scenario | None = None,
    scenarios_dir: str | Path | None = None,
) -> PrioritisationPanel:
    """A control panel that re-ranks projects with :mod:`pmo_opt.prioritise.scoring` and rank-and-fill.

    Parameters
    ----------
    portfolio, scenario, scenarios_dir
        As for :func:`selection_panel`.

    Returns
    -------
    PrioritisationPanel
        Display it; press "Rank projects" to rank.
    """
    return PrioritisationPanel(portfolio, scenario, scenarios_dir)
