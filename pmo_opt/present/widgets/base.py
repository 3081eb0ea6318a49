"""What the widget panels share: layout helpers, HTML bundles, the panel base class."""

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
from pmo_opt.errors import InputError, PmoError
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import Scenario

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


LABEL_STYLE = {"description_width": "130px"}


def wide_layout() -> w.Layout:
    return w.Layout(width="350px")  # a fresh Layout each: a shared one would tie widgets together


def safe_scenario_name(name: str) -> str:
    """A file-name-safe version of ``name``: letters, digits, ``-`` and ``_`` only.

    Anything else (path separators, dots, spaces) becomes ``-``, so ``..`` cannot survive and the
    file always lands in the scenarios folder; a trailing ``.yaml`` is dropped. An empty result
    means the name had nothing usable in it.
    """
    text = re.sub(r"\.ya?ml$", "", str(name).strip(), flags=re.IGNORECASE)
    text = re.sub(r"[^A-Za-z0-9_-]+", "-", text)
    return re.sub(r"-{2,}", "-", text).strip("-_")


def html_bundle(html_text: str, plain: str = "") -> dict:
    return {
        "output_type": "display_data",
        "data": {"text/html": html_text, "text/plain": plain or re.sub("<[^>]+>", "", html_text)},
        "metadata": {},
    }


def figure_bundle(fig: Any, alt: str) -> dict:
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


def section(title: str, *children: w.Widget) -> w.VBox:
    head = w.HTML(f"<b>{html.escape(title)}</b>")
    return w.VBox(
        [head, *children], layout=w.Layout(border="1px solid #d0d7de", padding="4px 10px")
    )


def grid(*sections: w.Widget) -> w.GridBox:
    """Sections in equal columns, as many as the notebook's width allows (two at 800 px)."""
    return w.GridBox(
        list(sections),
        layout=w.Layout(
            grid_template_columns="repeat(auto-fill, minmax(380px, 1fr))",
            grid_gap="8px",
            margin="0 0 8px 0",
        ),
    )


def scale_slider(description: str, value: float, css: str) -> w.FloatSlider:
    slider = w.FloatSlider(
        value=float(value),
        min=0.0,
        max=max(2.0, float(value)),
        step=0.05,
        description=description,
        readout_format=".2f",
        continuous_update=False,
        style=LABEL_STYLE,
        layout=wide_layout(),
    )
    slider.add_class(css)
    return slider


def project_picker(portfolio: Portfolio, chosen: tuple[str, ...], description: str, css: str):
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


def table_html(frame: pd.DataFrame, css: str) -> str:
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


def names_text(portfolio: Portfolio, ids: list[str]) -> str:
    if not ids:
        return "none"
    names = portfolio.projects["name"]
    out = []
    for p in ids:
        n = names.get(p)
        out.append(f"{p} ({n})" if isinstance(n, str) and n and n != p else str(p))
    return ", ".join(out)


def error_html(exc: BaseException) -> str:
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


class Panel:
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

        self.budget_scale = scale_slider("Budget scale", self.base.budget_scale, "pmo-budget")
        self.capacity_scale = scale_slider(
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
                style=LABEL_STYLE,
                layout=wide_layout(),
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
        self.output.outputs = (
            html_bundle(f"<i>No result yet: press <b>{self.button_text}</b>.</i>"),
        )

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
            outputs = [html_bundle(error_html(exc))]
        finally:
            self.solve_button.disabled = False
        self.solves += 1
        outputs.insert(
            0,
            html_bundle(
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
            return section("Criteria weights", note)
        return section("Criteria weights (relative)", *self.weights.values(), self.weight_shares)

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
