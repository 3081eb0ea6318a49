"""Control panels for analysts in JupyterLab (ipywidgets 8), on the same code path as reports.

A panel turns its controls into a :class:`~pmo_opt.scenario.Scenario` with
``Scenario.replace(...)`` and calls the package functions every other entry point calls
(:func:`~pmo_opt.optimise.optimise`, :func:`~pmo_opt.baseline.rank_and_fill`,
:mod:`pmo_opt.scoring`, :mod:`pmo_opt.charts`); there is no logic here that a headless run lacks.

Only the button solves: moving a slider marks the result as out of date and nothing more, so an
analyst can set several controls before paying for a solve. Results are written into the result
area as plain display-data bundles (HTML, PNG), which render in JupyterLab and can be inspected
in tests without a kernel. Output produced inside widgets lives in widget state, not in cell
outputs, so notebooks build panels only when their ``interactive`` parameter is true.
"""

from __future__ import annotations

import base64
import html
import io
import re
import sys
import traceback
from pathlib import Path
from typing import Any

import ipywidgets as w
import pandas as pd
import yaml

from pmo_opt import paths
from pmo_opt.engine.optimise import optimise
from pmo_opt.engine.plan import Plan
from pmo_opt.engine.rank_fill import rank_and_fill
from pmo_opt.errors import InputError, PmoError
from pmo_opt.inputs.data import Portfolio
from pmo_opt.inputs.scenario import OBJECTIVES, SCORINGS, Scenario

OBJECTIVE_LABELS = {
    "value": "value (priority score)",
    "benefit": "benefit",
    "value_minus_delay": "benefit minus cost of delay",
    "makespan": "makespan (do everything, finish early)",
}
SCORING_LABELS = {
    "weighted": "weighted criteria",
    "ahp": "AHP (pairwise judgements)",
    "wsjf": "WSJF (cost of delay / size)",
    "benefit": "benefit",
}
STATUS_COLOURS = {"optimal": "#1a7f37", "feasible": "#9a6700"}
_LABEL = {"description_width": "130px"}


def _wide() -> w.Layout:
    return w.Layout(width="350px")  # a fresh Layout each: a shared one would tie widgets together


# --------------------------------------------------------------------------------------------
# building blocks


def safe_scenario_name(name: str) -> str:
    """A file-name-safe version of ``name``: letters, digits, ``-`` and ``_`` only.

    Anything else (path separators, dots, spaces) becomes ``-``, so ``..`` cannot survive and the
    file always lands in the scenarios folder; a trailing ``.yaml`` is dropped. An empty result
    means the name had nothing usable in it.
    """
    text = re.sub(r"\.ya?ml$", "", str(name).strip(), flags=re.IGNORECASE)
    text = re.sub(r"[^A-Za-z0-9_-]+", "-", text)
    return re.sub(r"-{2,}", "-", text).strip("-_")


def _bundle(html_text: str, plain: str = "") -> dict:
    return {
        "output_type": "display_data",
        "data": {"text/html": html_text, "text/plain": plain or re.sub("<[^>]+>", "", html_text)},
        "metadata": {},
    }


def _figure_bundle(fig: Any, alt: str) -> dict:
    """A matplotlib figure as a PNG bundle; the figure is closed so nothing displays twice."""
    buf = io.BytesIO()
    # no bbox_inches="tight": it draws the figure twice, and the charts lay themselves out
    fig.savefig(buf, format="png", dpi=90)
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:  # a pyplot figure left open would show again after the next cell
        pyplot.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return {
        "output_type": "display_data",
        "data": {"image/png": data, "text/plain": alt},
        "metadata": {},
    }


def _section(title: str, *children: w.Widget) -> w.VBox:
    head = w.HTML(f"<b>{html.escape(title)}</b>")
    return w.VBox(
        [head, *children], layout=w.Layout(border="1px solid #d0d7de", padding="4px 10px")
    )


def _grid(*sections: w.Widget) -> w.GridBox:
    """Sections in equal columns, as many as the notebook's width allows (two at 800 px)."""
    return w.GridBox(
        list(sections),
        layout=w.Layout(
            grid_template_columns="repeat(auto-fill, minmax(380px, 1fr))",
            grid_gap="8px",
            margin="0 0 8px 0",
        ),
    )


def _scale_slider(description: str, value: float, css: str) -> w.FloatSlider:
    slider = w.FloatSlider(
        value=float(value),
        min=0.0,
        max=max(2.0, float(value)),
        step=0.05,
        description=description,
        readout_format=".2f",
        continuous_update=False,
        style=_LABEL,
        layout=_wide(),
    )
    slider.add_class(css)
    return slider


def _project_picker(portfolio: Portfolio, chosen: tuple[str, ...], description: str, css: str):
    names = portfolio.projects["name"]
    options = []
    for pid in portfolio.projects.index:
        name = names.get(pid)
        label = f"{pid} - {name}" if isinstance(name, str) and name and name != pid else str(pid)
        options.append((label, str(pid)))
    picker = w.SelectMultiple(
        options=options,
        value=tuple(p for p in chosen if p in set(portfolio.projects.index)),
        rows=min(6, max(3, len(options))),
        description=description,
        style={"description_width": "70px"},
        layout=w.Layout(width="350px"),
    )
    picker.add_class(css)
    return picker


MONEY_COLUMNS = ("cost", "spend")


def _table_html(frame: pd.DataFrame, css: str) -> str:
    """A plain HTML table; money without decimals, other numbers with one."""
    money = {c: (lambda x: "" if pd.isna(x) else f"{x:,.0f}") for c in MONEY_COLUMNS if c in frame}
    return frame.to_html(
        index=False,
        border=0,
        classes=css,
        na_rep="",
        escape=True,
        formatters=money,
        float_format=lambda x: f"{x:,.1f}",
    )


def _names(portfolio: Portfolio, ids: list[str]) -> str:
    if not ids:
        return "none"
    names = portfolio.projects["name"]
    out = []
    for p in ids:
        n = names.get(p)
        out.append(f"{p} ({n})" if isinstance(n, str) and n and n != p else str(p))
    return ", ".join(out)


def _error_html(exc: BaseException) -> str:
    if isinstance(exc, InputError):
        items = "".join(f"<li>{html.escape(str(p))}</li>" for p in exc.problems)
        return f"<div style='color:#cf222e'><b>Cannot use these settings:</b><ul>{items}</ul></div>"
    if isinstance(exc, PmoError):
        return f"<div style='color:#cf222e'><b>{html.escape(str(exc))}</b></div>"
    text = "".join(traceback.format_exception(exc))
    return (
        "<div style='color:#cf222e'><b>Unexpected error</b> (please report it):"
        f"<pre>{html.escape(text)}</pre></div>"
    )


# --------------------------------------------------------------------------------------------
# the common part of both panels


class _Panel:
    """Controls shared by both panels: scales, criteria weights, save-as-scenario, result area."""

    title = ""
    button_text = "Solve"

    def __init__(
        self,
        portfolio: Portfolio,
        scenario: Scenario | None,
        scenarios_dir: str | Path | None = None,
    ) -> None:
        self.portfolio = portfolio
        self.base = scenario or Scenario()
        self.scenarios_dir = Path(scenarios_dir) if scenarios_dir else paths.SCENARIOS_DIR
        #: number of completed button presses that produced a result or an error
        self.solves = 0
        #: the last exception a button press met (shown in the result area), else None
        self.error: BaseException | None = None
        #: the scenario of the last result
        self.scenario: Scenario | None = None
        #: path of the last scenario file written by "Save as scenario"
        self.saved_path: Path | None = None

        self.budget_scale = _scale_slider("Budget scale", self.base.budget_scale, "pmo-budget")
        self.capacity_scale = _scale_slider(
            "Capacity scale", self.base.capacity_scale, "pmo-capacity"
        )
        self.weights: dict[str, w.FloatSlider] = {}
        self._table_weights: dict[str, float] = {}
        crit = portfolio.criteria
        top = max([1.0, *[2 * float(x) for x in crit["weight"].fillna(0)]])
        for name, base_weight in crit["weight"].fillna(0.0).items():
            value = float(self.base.weights.get(str(name), base_weight))
            self._table_weights[str(name)] = float(base_weight)
            slider = w.FloatSlider(
                value=value,
                min=0.0,
                max=max(top, value),
                step=top / 100,
                description=str(name),
                readout_format=".2f",
                continuous_update=False,
                style=_LABEL,
                layout=_wide(),
            )
            slider.add_class("pmo-weight")
            self.weights[str(name)] = slider
        self.weight_shares = w.HTML()
        self.solve_button = w.Button(
            description=self.button_text,
            button_style="primary",
            icon="play",
            tooltip="Run with these settings (moving a control alone does not)",
            layout=w.Layout(width="140px"),
        )
        self.solve_button.add_class("pmo-solve")
        self.state = w.HTML("<i>Set the controls, then press the button.</i>")
        self.state.add_class("pmo-state")
        self.save_name = w.Text(
            placeholder="scenario name, e.g. budget-cut-10",
            description="Save as",
            style={"description_width": "60px"},
            layout=w.Layout(width="320px"),
        )
        self.save_button = w.Button(
            description="Save as scenario",
            icon="save",
            tooltip="Write these settings as a YAML scenario file (never overwrites)",
            layout=w.Layout(width="170px", min_width="170px"),
        )
        self.save_button.add_class("pmo-save")
        self.save_message = w.HTML()
        self.save_message.add_class("pmo-save-message")
        self.output = w.Output(layout=w.Layout(border="1px solid #d0d7de", padding="8px"))
        self.output.add_class("pmo-result")
        self.output.outputs = (_bundle(f"<i>No result yet: press <b>{self.button_text}</b>.</i>"),)

        self.solve_button.on_click(self._on_solve)
        self.save_button.on_click(self._on_save)
        self._update_shares()
        for control in self._controls():
            control.observe(self._on_change, names="value")

    # -- what subclasses provide --------------------------------------------------------------

    def _controls(self) -> list[w.ValueWidget]:
        return [self.budget_scale, self.capacity_scale, *self.weights.values()]

    def _changes(self) -> dict[str, Any]:
        """Scenario fields set by the controls (``Scenario.replace`` keywords)."""
        changes: dict[str, Any] = {
            "budget_scale": self.budget_scale.value,
            "capacity_scale": self.capacity_scale.value,
        }
        if self.weights:
            # only what differs from the criteria table, so a saved scenario says what changed
            weights = dict(self.base.weights)
            for name, slider in self.weights.items():
                if abs(slider.value - self._table_weights[name]) > 1e-12:
                    weights[name] = float(slider.value)
                else:
                    weights.pop(name, None)
            changes["weights"] = weights
        return changes

    def _run(self, scenario: Scenario) -> list[dict]:
        raise NotImplementedError

    # -- behaviour ------------------------------------------------------------------------------

    def current_scenario(self) -> Scenario:
        """The scenario the controls describe now (an InputError when they contradict)."""
        return self.base.replace(**self._changes())

    def solve(self) -> None:
        """Run with the current settings and show the result (what the button does)."""
        self.solve_button.disabled = True
        self.state.value = "<i>Working...</i>"
        try:
            scenario = self.current_scenario()
            outputs = self._run(scenario)
            self.scenario = scenario
            self.error = None
        except Exception as exc:  # shown to the analyst: a callback's exception is invisible
            self.error = exc
            outputs = [_bundle(_error_html(exc))]
        finally:
            self.solve_button.disabled = False
        self.solves += 1
        outputs.insert(
            0,
            _bundle(
                f"<div class='pmo-run' style='color:#57606a'>Result of run {self.solves}</div>"
            ),
        )
        self.output.outputs = tuple(outputs)
        self.state.value = (
            f"<span style='color:#1a7f37'>Result {self.solves} is up to date.</span>"
            if self.error is None
            else "<span style='color:#cf222e'>The last run failed: see below.</span>"
        )

    def save_scenario(self, name: str | None = None) -> Path | None:
        """Write the current settings to ``<scenarios_dir>/<name>.yaml``; never overwrite.

        Returns the path written, or ``None`` when refused (the reason is in ``save_message``).
        """
        raw = self.save_name.value if name is None else name
        safe = safe_scenario_name(raw)
        if not safe:
            return self._refuse(
                f"{raw!r} has no usable characters; use letters, digits, '-' or '_'"
            )
        try:
            scenario = self.current_scenario()
            scenario = scenario.replace(
                name=safe,
                description=self.base.description
                or f"saved from the {self.title.lower()} panel, starting from {self.base.name!r}",
            )
        except InputError as exc:
            return self._refuse("; ".join(p.message for p in exc.problems))
        folder = self.scenarios_dir
        target = folder / f"{safe}.yaml"
        if target.exists():
            return self._refuse(
                f"{target.name} already exists in {folder}; nothing was written. "
                "Choose another name (files are never overwritten from here)."
            )
        folder.mkdir(parents=True, exist_ok=True)
        # empty text would not load back (a text setting given as '' is "missing"): leave it out
        data = {k: v for k, v in scenario.to_dict().items() if v != ""}
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
        try:
            with target.open("x", encoding="utf-8") as fh:  # "x": refuse even in a race
                fh.write(text)
        except FileExistsError:
            return self._refuse(f"{target.name} appeared meanwhile; nothing was written.")
        self.saved_path = target
        self.save_message.value = (
            f"<span style='color:#1a7f37'>Saved {html.escape(str(target))}. Run it with "
            f"<code>pmo-opt report PORTFOLIO --scenario {html.escape(str(target))}</code></span>"
        )
        return target

    def _refuse(self, message: str) -> None:  # returns None so callers can `return` it
        self.save_message.value = (
            f"<span style='color:#cf222e'><b>Not saved:</b> {html.escape(message)}</span>"
        )
        return None

    def _on_solve(self, _button: w.Button) -> None:
        self.solve()

    def _on_save(self, _button: w.Button) -> None:
        self.save_scenario()

    def _on_change(self, _change: dict) -> None:
        self._update_shares()
        if self.solves:
            self.state.value = (
                "<span style='color:#9a6700'>Settings changed since the result below: "
                f"press <b>{self.button_text}</b>.</span>"
            )

    def _update_shares(self) -> None:
        if not self.weights:
            return
        try:
            from pmo_opt.prioritise.scoring import criteria_weights

            shares = criteria_weights(
                self.portfolio, "weighted", {k: s.value for k, s in self.weights.items()}
            )
            text = ", ".join(f"{html.escape(str(c))} {v:.0%}" for c, v in shares.items())
        except ImportError:
            total = sum(s.value for s in self.weights.values()) or 1.0
            text = ", ".join(
                f"{html.escape(c)} {s.value / total:.0%}" for c, s in self.weights.items()
            )
        except InputError as exc:
            text = html.escape("; ".join(p.message for p in exc.problems))
        self.weight_shares.value = f"<span style='color:#57606a'>Shares: {text}</span>"

    # -- display --------------------------------------------------------------------------------

    def _weights_section(self) -> w.VBox:
        if not self.weights:
            note = w.HTML("<i>This portfolio has no criteria table: value is the benefit.</i>")
            return _section("Criteria weights", note)
        return _section("Criteria weights (relative)", *self.weights.values(), self.weight_shares)

    def _save_row(self) -> w.HBox:
        return w.HBox(
            [self.save_name, self.save_button, self.save_message],
            layout=w.Layout(align_items="center", margin="4px 0"),
        )

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict:
        return self.widget._repr_mimebundle_(**kwargs)


# --------------------------------------------------------------------------------------------
# selection


class SelectionPanel(_Panel):
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
            style=_LABEL,
            layout=_wide(),
        )
        self.time_limit = w.BoundedFloatText(
            value=base.time_limit_s,
            min=0.1,
            max=3600.0,
            step=5.0,
            description="Time limit (s)",
            style=_LABEL,
            layout=w.Layout(width="220px"),
        )
        self.time_limit.add_class("pmo-time-limit")
        self.show_charts = w.Checkbox(
            value=charts,
            description="Show charts (schedule, capacity use)",
            indent=False,
            layout=w.Layout(width="300px"),
        )
        self.force_in = _project_picker(portfolio, base.force_in, "Force in", "pmo-force-in")
        self.force_out = _project_picker(portfolio, base.force_out, "Force out", "pmo-force-out")
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
        settings = _grid(
            _section(
                "Budget and capacity",
                self.budget_scale,
                self.capacity_scale,
                w.HTML("<span style='color:#57606a'>1.00 = as in the data</span>"),
            ),
            _section("Objective and solver", self.objective, self.time_limit, self.show_charts),
            self._weights_section(),
            _section(
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
        out = [_bundle(status_html(plan) + settings_html(plan.scenario))]
        if not plan.has_solution:
            return out
        sel = plan.projects[plan.projects["selected"]].reset_index()
        sel = sel.sort_values(["start", "project_id"])
        table = sel[
            ["project_id", "name", "category", "status", "start", "finish", "value", "cost"]
        ]
        out.append(
            _bundle(
                f"<h4 style='margin:8px 0 4px'>Selected projects ({len(sel)} of "
                f"{len(plan.projects)})</h4>" + _table_html(table, "pmo-selected")
            )
        )
        out.append(_bundle(comparison_html(plan, baseline)))
        out.append(_bundle(changes_html(pf, self.previous, self.changes)))
        if self.show_charts.value:
            out += _charts(plan)
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
        + _table_html(pd.DataFrame(rows), "pmo-compare")
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
        f"<b>Entered:</b> {html.escape(_names(portfolio, changes['entered']))}",
        f"<b>Left:</b> {html.escape(_names(portfolio, changes['left']))}",
        f"<b>Start moved:</b> {html.escape(', '.join(changes['moved']) or 'none')}",
    ]
    return head + "<div class='pmo-changes'>" + "<br>".join(lines) + "</div>"


def _charts(plan: Plan) -> list[dict]:
    """The key charts from :mod:`pmo_opt.charts`; a note instead when it is not available."""
    try:
        from pmo_opt.present import charts
    except ImportError:
        return [_bundle("<i>Charts are not available (pmo_opt.charts is missing).</i>")]
    out = []
    for title, make in (
        ("Schedule", lambda: charts.gantt(plan)),
        ("Capacity use", lambda: charts.capacity_heatmap(plan.load)),
    ):
        try:
            fig = make()
        except Exception as exc:  # one broken chart must not hide the rest of the result
            out.append(_bundle(f"<i>{title} chart failed: {html.escape(str(exc))}</i>"))
            continue
        out.append(_bundle(f"<h4 style='margin:8px 0 4px'>{title}</h4>"))
        out.append(_figure_bundle(fig, f"{title} chart"))
    return out


# --------------------------------------------------------------------------------------------
# prioritisation


class PrioritisationPanel(_Panel):
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
            style=_LABEL,
            layout=_wide(),
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
        settings = _grid(
            _section("Scoring", self.scoring),
            self._weights_section(),
            _section("Budget and capacity", self.budget_scale, self.capacity_scale),
        )
        actions = w.HBox(
            [self.solve_button, self.state], layout=w.Layout(align_items="center", margin="4px 0")
        )
        return w.VBox([head, settings, actions, self._save_row(), self.output])

    def _run(self, scenario: Scenario) -> list[dict]:
        table = _ranking(self.portfolio, scenario)
        baseline = rank_and_fill(self.portfolio, scenario)
        table["funded"] = table.index.isin(baseline.selected)
        table["status"] = self.portfolio.projects["status"].reindex(table.index)
        self.previous_ranking, self.ranking, self.baseline = self.ranking, table, baseline
        out = [_bundle(f"<div>{html.escape(_describe(self.portfolio, scenario))}</div>")]
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
            _bundle(
                f"<div>Rank-and-fill funds <b>{len(baseline.selected)}</b> of {len(table)} "
                f"projects ({html.escape(baseline.status)}): value "
                f"{baseline.total_value:,.1f}, spend {baseline.total_spend:,.0f}.</div>"
                + _table_html(shown[cols], "pmo-ranking")
            )
        )
        return out


def _ranking(portfolio: Portfolio, scenario: Scenario) -> pd.DataFrame:
    try:
        from pmo_opt.prioritise.scoring import ranking_table
    except ImportError:  # scoring arrives with issue 4; rank-and-fill's priority is the same idea
        from pmo_opt.engine.rank_fill import priority_values

        values = priority_values(portfolio, scenario)
        table = portfolio.projects[["name", "category"]].assign(score=values)
        table["rank"] = table["score"].rank(method="min", ascending=False).astype(int)
        return table.sort_values(["rank"], kind="stable")
    return ranking_table(portfolio, scenario).copy()


def _describe(portfolio: Portfolio, scenario: Scenario) -> str:
    try:
        from pmo_opt.prioritise.scoring import describe_scoring
    except ImportError:
        return "Priority: benefit."
    return describe_scoring(portfolio, scenario)


# --------------------------------------------------------------------------------------------
# entry points


def selection_panel(
    portfolio: Portfolio,
    scenario: Scenario | None = None,
    scenarios_dir: str | Path | None = None,
    charts: bool = True,
) -> SelectionPanel:
    """A control panel that re-plans the portfolio with :func:`~pmo_opt.optimise.optimise`.

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


def prioritisation_panel(
    portfolio: Portfolio,
    scenario: Scenario | None = None,
    scenarios_dir: str | Path | None = None,
) -> PrioritisationPanel:
    """A control panel that re-ranks projects with :mod:`pmo_opt.scoring` and rank-and-fill.

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


__all__ = [
    "PrioritisationPanel",
    "SelectionPanel",
    "prioritisation_panel",
    "safe_scenario_name",
    "selection_panel",
]
