"""A command's inputs: the portfolio and scenario (rolled forward when re-planning), the scenario's
likely mistakes as warnings, and the ``validate`` command."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pmo_opt.cli.ledger import baseline_resolver
from pmo_opt.cli.terminal import EXIT_OK, echo, progress


def warn_scenario(portfolio, scenario) -> None:
    """Print the scenario's likely mistakes (unknown extra_fte role, scoring fallback)."""
    from pmo_opt.engine.objective import scenario_warnings

    for problem in scenario_warnings(portfolio, scenario):
        echo(f"warning: {problem}", file=sys.stderr)


def scenario_of(args: argparse.Namespace):
    from pmo_opt.inputs.scenario import load_scenario, parse_sets

    return load_scenario(getattr(args, "scenario", None), **parse_sets(getattr(args, "set", [])))


def inputs_of(args: argparse.Namespace):
    """The portfolio and scenario of a command, rolled forward to ``as_of`` when re-planning
    against a baseline (:func:`pmo_opt.inputs.baseline.replan_inputs`); the scenario's likely
    mistakes are printed as warnings."""
    from pmo_opt.inputs.baseline import baseline_warnings, replan_inputs
    from pmo_opt.inputs.load import load_portfolio

    portfolio = load_portfolio(args.portfolio, progress=progress)
    scenario = scenario_of(args)
    read, scenario = replan_inputs(portfolio, scenario, baseline_resolver(args))
    for problem in baseline_warnings(portfolio, scenario):
        echo(str(problem), file=sys.stderr)  # the problem says "warning: " itself
    portfolio = read
    if scenario.baseline is not None and not portfolio.own_settings:
        from pmo_opt.inputs.settings_carry import approved_quarter, quarter_settings

        source = getattr(args, "baseline_source", None)
        earlier = approved_quarter(args.portfolio, source.portfolio if source else None)
        name = getattr(earlier, "source", "") if earlier is not None else ""
        portfolio, note = quarter_settings(portfolio, earlier, Path(name).name if name else "")
        if note:
            echo(f"note: {note}", file=sys.stderr)
    warn_scenario(portfolio, scenario)
    return portfolio, scenario


def cmd_validate(args: argparse.Namespace) -> int:
    from pmo_opt.inputs.load import load_portfolio
    from pmo_opt.inputs.summary import summary_text

    portfolio = load_portfolio(args.portfolio, progress=progress)
    echo(summary_text(portfolio))
    return EXIT_OK
