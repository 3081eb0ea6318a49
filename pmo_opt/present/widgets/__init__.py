"""Control panels for analysts in JupyterLab (ipywidgets 8), on the same code path as reports.

A panel turns its controls into a :class:`~pmo_opt.inputs.scenario.Scenario` with
``Scenario.replace(...)`` and calls the package functions every other entry point calls
(:func:`~pmo_opt.engine.optimise.optimise`, :func:`~pmo_opt.engine.rank_fill.rank_and_fill`,
:mod:`pmo_opt.prioritise.scoring`, :mod:`pmo_opt.present.charts`); there is no logic here that a headless run lacks.

Only the button solves: moving a slider marks the result as out of date and nothing more, so an
analyst can set several controls before paying for a solve. Results are written into the result
area as plain display-data bundles (HTML, PNG), which render in JupyterLab and can be inspected
in tests without a kernel. Output produced inside widgets lives in widget state, not in cell
outputs, so notebooks build panels only when their ``interactive`` parameter is true.
"""

from __future__ import annotations

from pmo_opt.present.widgets.base import safe_scenario_name
from pmo_opt.present.widgets.prioritisation import PrioritisationPanel, prioritisation_panel
from pmo_opt.present.widgets.selection import SelectionPanel, selection_panel

__all__ = [
    "PrioritisationPanel",
    "SelectionPanel",
    "prioritisation_panel",
    "safe_scenario_name",
    "selection_panel",
]
