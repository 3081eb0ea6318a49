"""The selection panel: budget, capacity and board decisions, Solve, and the result."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import ipywidgets as w
import pandas as pd

from pmo_opt.engine.optimise import optimise
from pmo_opt.engine.plan import Plan
from pmo_opt.engine.rank_fill import rank_and_fill
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import OBJECTIVES, Scenario
from pmo_opt.present.widgets.base import (
    LABEL_STYLE,
    OBJECTIVE_LABELS,
    STATUS_COLOURS,
    Panel,
    figure_bundle,
    grid,
    html_bundle,
    names_text,
    project_picker,
    section,
    table_html,
    wide_layout,
)


class SelectionPanel(Panel):
    """Choose and schedule projects: scales, weights, objective, board decisions, Solve.

    Attributes
    ----------
    budget_scale, capacity_scale, weights, objective, force_in, force_out, time_limit, show_charts
        The controls (set ``.value`` programmatically as an analyst would by hand).
    solve_button, save_name, save_button
        Press with ``.click()``.
    plan, baseline, previous
        The last optimised plan, the rank-and-fill plan for the same scenario, and the plan
        before the last one (``None`` until there is one).
    changes
        ``{"entered": [...], "left": [...], "moved": [...]}`` against the previous plan.
    widget
        The layout to display.
    """

    title = "Portfolio selection"
    button_text = "Solve"

    def __init__(
        self,
        portfolio: Portfolio,
        scenario: Scenario | None = None,
        scenarios_dir: str | Path | None = None,
        charts: bool = True,
    ) -> None:
        base = scenario or Scenario()
        self.objective = w.Dropdown(
            options=[(OBJECTIVE_LABELS[o], o) for o in OBJECTIVES],
            value=base.objective,
            description="Objective",
            style=LABEL_STYLE,
            layout=wide_layout(),
        )
        self.time_limit = w.BoundedFloatText(
            value=base.time_limit_s,
            min=0.1,
            max=3600.0,
            step=5.0,
            description="Time limit (s)",
            style=LABEL_STYLE,
            layout=w.Layout(width="220px"),
        )
        self.time_limit.add_class("pmo-time-limit")
        self.show_charts = w.Checkbox(
            value=charts,
            description="Show charts (schedule, capacity use)",
            indent=False,
            layout=w.Layout(width="300px"),
        )
        self.force_in = project_picker(portfolio, base.force_in, "Force in", "pmo-force-in")
        self.force_out = project_picker(portfolio, base.force_out, "Force out", "pmo-force-out")
        self.plan: Plan | None = None
        self.baseline: Plan | None = None
        self.previous: Plan | None = None
        self.changes: dict[str, list[str]] = {"entered": [], "left": [], "moved": []}
        super().__init__(portfolio, base, scenarios_dir)
        self.widget = self._layout()

    def _controls(self) -> list[w.ValueWidget]:
        return [
            *super()._controls(),
            self.objective,
            self.time_limit,
            self.force_in,
            self.force_out,
        ]

    def _changes(self) -> dict[str, Any]:
        return {
            **super()._changes(),
            "objective": self.objective.value,
            "time_limit_s": self.time_limit.value,
            "force_in": list(self.force_in.value),
            "force_out": list(self.force_out.value),
        }

    def _layout(self) -> w.VBox:
        pf = self.portfolio
        head = w.HTML(
            f"<h3 style='margin:0 0 4px 0'>{self.title}</h3>"
            f"<div style='color:#57606a'>{len(pf.projects)} projects"
            f"{' from ' + html.escape(Path(pf.source).name) if pf.source else ''}; "
            f"base scenario <b>{html.escape(self.base.name)}</b>. Set the controls, then press "
            "<b>Solve</b> (moving a control does not solve).</div>"
        )
        settings = grid(
            section(
                "Budget and capacity",
                self.budget_scale,
                self.capacity_scale,
                w.HTML("<span style='color:#57606a'>1.00 = as in the data</span>"),
            ),
            section("Objective and solver", self.objective, self.time_limit, self.show_charts),
            self._weights_section(),
            section(
                "Board decisions",
                self.force_in,
                self.force_out,
                w.HTML("<span style='color:#57606a'>Ctrl/Shift-click to pick several</span>"),
            ),
        )
        actions = w.HBox(
            [self.solve_button, self.state], layout=w.Layout(align_items="center", margin="4px 0")
        )
        return w.VBox([head, settings, actions, self._save_row(), self.output])

    def _run(self, scenario: Scenario) -> list[dict]:
        plan = optimise(self.portfolio, scenario)
        baseline = rank_and_fill(self.portfolio, scenario)
        self.previous, self.plan, self.baseline = self.plan, plan, baseline
        self.changes = plan_changes(self.previous, plan)
        return self._render()

    # -- the result area ------------------------------------------------------------------------

    def _render(self) -> list[dict]:
        plan, baseline, pf = self.plan, self.baseline, self.portfolio
        out = [html_bundle(status_html(plan) + settings_html(plan.scenario))]
        if not plan.has_solution:
            return out
        sel = plan.projects[plan.projects["selected"]].reset_index()
        sel = sel.sort_values(["start", "project_id"])
        table = sel[
            ["project_id", "name", "category", "status", "start", "finish", "value", "cost"]
        ]
        out.append(
            html_bundle(
                f"<h4 style='margin:8px 0 4px'>Selected projects ({len(sel)} of "
                f"{len(plan.projects)})</h4>" + table_html(table, "pmo-selected")
            )
        )
        out.append(html_bundle(comparison_html(plan, baseline)))
        out.append(html_bundle(changes_html(pf, self.previous, self.changes)))
        if self.show_charts.value:
            out += chart_bundles(plan)
        return out


def plan_changes(previous: Plan | None, plan: Plan) -> dict[str, list[str]]:
    """Projects that entered, left, or kept their place but moved start, against ``previous``."""
    if previous is None or not previous.has_solution or not plan.has_solution:
        return {"entered": [], "left": [], "moved": []}
    before, after = set(previous.selected), set(plan.selected)
    moved = [
        p for p in plan.selected if p in before and previous.starts.get(p) != plan.starts.get(p)
    ]
    return {
        "entered": sorted(after - before),
        "left": sorted(before - after),
        "moved": sorted(moved),
    }


def status_html(plan: Plan) -> str:
    """Solver status, gap, counts and timings in one line (the plan's own facts)."""
    status = plan.status
    colour = STATUS_COLOURS.get(status, "#cf222e")
    gap = f"gap {plan.gap:.2%}" if plan.gap is not None else "gap unknown"
    if status == "feasible":
        words = f"feasible, not proven optimal ({gap}; raise the time limit to close it)"
    elif status == "optimal":
        words = f"optimal ({gap})"
    else:
        words = status.replace("_", " ")
    line = (
        f"<span style='color:{colour};font-weight:bold'>{html.escape(words)}</span>"
        f" &middot; solved in {plan.solve_seconds:.1f} s ({html.escape(plan.solver)})"
    )
    if plan.has_solution:
        line += (
            f" &middot; {len(plan.selected)} of {len(plan.projects)} projects"
            f" &middot; value {plan.total_value:,.1f} &middot; spend {plan.total_spend:,.0f}"
        )
    extra = ""
    if plan.message and not plan.has_solution:
        extra = f"<div>{html.escape(plan.message)}</div>"
        items = plan.details.get("diagnosis", [])
        if items:
            extra += "<ul>" + "".join(f"<li>{html.escape(str(i))}</li>" for i in items) + "</ul>"
    return f"<div class='pmo-status'>Status: {line}{extra}</div>"


def settings_html(scenario: Scenario) -> str:
    """The settings a result was computed with, so it reads on its own after controls move."""

    def ids(values: tuple[str, ...]) -> str:
        return ", ".join(values) if values else "none"

    parts = [
        f"budget &times; {scenario.budget_scale:.2f}",
        f"capacity &times; {scenario.capacity_scale:.2f}",
        f"objective {html.escape(scenario.objective)}",
        f"forced in: {html.escape(ids(tuple(scenario.force_in)))}",
        f"forced out: {html.escape(ids(tuple(scenario.force_out)))}",
        f"time limit {scenario.time_limit_s:g} s",
    ]
    if scenario.weights:
        changed = ", ".join(f"{k} {v:g}" for k, v in scenario.weights.items())
        parts.append(f"weights changed: {html.escape(changed)}")
    return "<div style='color:#57606a'>Settings: " + " &middot; ".join(parts) + "</div>"


def comparison_html(plan: Plan, baseline: Plan) -> str:
    """The optimiser against rank-and-fill under the same scenario, on the scenario's objective.

    Both plans' ``objective`` is the scenario's objective evaluated on the plan (for ``value``
    the summed priority score); ``makespan`` is better when lower.
    """
    objective = plan.scenario.objective
    rows = [
        {
            "planner": label,
            "status": p.status,
            "projects": len(p.selected),
            "spend": p.total_spend,
            f"objective ({objective})": p.objective,
        }
        for label, p in (("optimiser", plan), ("rank-and-fill", baseline))
    ]
    note = ""
    if not baseline.has_solution:
        note = f"<div>Rank-and-fill found no plan: {html.escape(baseline.message)}</div>"
    elif plan.objective is not None and baseline.objective is not None:
        ours, theirs = plan.objective, baseline.objective
        if objective == "makespan":
            note = (
                f"<div>Makespan: <b>{ours:g}</b> months against {theirs:g} for rank-and-fill "
                f"({theirs - ours:+g} months saved)</div>"
            )
        else:
            rel = f" ({(ours - theirs) / abs(theirs):+.1%})" if theirs else ""
            note = (
                f"<div>{html.escape(objective.replace('_', ' ').capitalize())} against "
                f"rank-and-fill: <b>{ours - theirs:+,.1f}</b>{rel}</div>"
            )
    return (
        "<h4 style='margin:8px 0 4px'>Against rank-and-fill</h4>"
        + note
        + table_html(pd.DataFrame(rows), "pmo-compare")
    )


def changes_html(portfolio: Portfolio, previous: Plan | None, changes: dict[str, list[str]]) -> str:
    """What changed against the previous solve, in words."""
    head = "<h4 style='margin:8px 0 4px'>Changes against the previous solve</h4>"
    if previous is None:
        return head + "<div class='pmo-changes'>First solve: nothing to compare yet.</div>"
    if not previous.has_solution:
        return head + "<div class='pmo-changes'>The previous solve had no plan.</div>"
    if not any(changes.values()):
        return head + "<div class='pmo-changes'>Same projects, same starts.</div>"
    lines = [
        f"<b>Entered:</b> {html.escape(names_text(portfolio, changes['entered']))}",
        f"<b>Left:</b> {html.escape(names_text(portfolio, changes['left']))}",
        f"<b>Start moved:</b> {html.escape(', '.join(changes['moved']) or 'none')}",
    ]
    return head + "<div class='pmo-changes'>" + "<br>".join(lines) + "</div>"


def chart_bundles(plan: Plan) -> list[dict]:
    """The key charts from :mod:`pmo_opt.present.charts`; a note instead when it is not available."""
    try:
        from pmo_opt.present import charts
    except ImportError:
        return [html_bundle("<i>Charts are not available (pmo_opt.present.charts is missing).</i>")]
    out = []
    for title, make in (
        ("Schedule", lambda: charts.gantt(plan)),
        ("Capacity use", lambda: charts.capacity_heatmap(plan.load)),
    ):
        try:
            fig = make()
        except Exception as exc:  # one broken chart must not hide the rest of the result
            out.append(html_bundle(f"<i>{title} chart failed: {html.escape(str(exc))}</i>"))
            continue
        out.append(html_bundle(f"<h4 style='margin:8px 0 4px'>{title}</h4>"))
        out.append(figure_bundle(fig, f"{title} chart"))
    return out


def selection_panel(
    portfolio: Portfolio,
    scenario: Scenario | None = None,
    scenarios_dir: str | Path | None = None,
    charts: bool = True,
) -> SelectionPanel:
    """A control panel that re-plans the portfolio with :func:`~pmo_opt.engine.optimise.optimise`.

    Parameters
    ----------
    portfolio
        A loaded portfolio.
    scenario
        The starting settings; controls start from its values and fields without a control
        (horizon, hiring, solver, ...) carry through unchanged.
    scenarios_dir
        Where "Save as scenario" writes; default ``pmo_opt.paths.SCENARIOS_DIR``.
    charts
        Start with "Show charts" ticked (the schedule and capacity charts take a second or two).

    Returns
    -------
    SelectionPanel
        Display it (it shows its ``widget``); press Solve to plan.
    """
    return SelectionPanel(portfolio, scenario, scenarios_dir, charts)
