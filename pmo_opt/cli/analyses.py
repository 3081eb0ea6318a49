"""The analysis commands: ``rank``, ``frontier`` (and its ``--stability``), ``report``,
``explain``, ``compare`` and ``montecarlo``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pmo_opt.cli.inputs import inputs_of, scenario_of
from pmo_opt.cli.outputs import prepare_out_folder, record_out_files, write_tables
from pmo_opt.cli.terminal import EXIT_INFEASIBLE, EXIT_OK, EXIT_OTHER, echo, progress
from pmo_opt.errors import InputError, Problem
from pmo_opt.text import csv_safe_frame


def cmd_rank(args: argparse.Namespace) -> int:
    import warnings

    from pmo_opt.inputs.load import load_portfolio
    from pmo_opt.prioritise.ahp import portfolio_ahp
    from pmo_opt.prioritise.scoring import describe_scoring, ranking_table

    prepare_out_folder(args)
    portfolio = load_portfolio(args.portfolio, progress=progress)
    scenario = scenario_of(args)
    # show scoring warnings (inconsistent AHP judgements) as plain lines, once each
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = ranking_table(portfolio, scenario)
        how = describe_scoring(portfolio, scenario)
        ahp = portfolio_ahp(portfolio)
    echo(f"{how}; {len(table)} projects")
    if ahp is not None:
        echo(ahp.summary())
    for message in dict.fromkeys(str(w.message) for w in caught):
        echo(f"warning: {message}", file=sys.stderr)
    echo(table.to_string(float_format=lambda x: f"{x:,.2f}", na_rep="-"))
    if args.out:
        Path(args.out).mkdir(parents=True, exist_ok=True)
        csv_safe_frame(table).to_csv(Path(args.out) / "ranking.csv")
        record_out_files(args.out, "ranking.csv")
        echo(f"written: {Path(args.out) / 'ranking.csv'}")
    return EXIT_OK


def cmd_stability(args: argparse.Namespace) -> int:
    from pmo_opt.analysis.replan import stability_frontier

    portfolio, scenario = inputs_of(args)
    table = stability_frontier(
        portfolio, scenario, progress=True, workers=args.workers, scheduler=args.scheduler
    )
    echo(table.to_string(index=False))
    if args.out:
        Path(args.out).mkdir(parents=True, exist_ok=True)
        table.to_csv(Path(args.out) / "stability.csv", index=False)
        echo(f"written: {Path(args.out) / 'stability.csv'}")
    return EXIT_OK


def cmd_frontier(args: argparse.Namespace) -> int:
    from pmo_opt.analysis.frontier import efficient_frontier
    from pmo_opt.inputs.load import load_portfolio

    if args.stability:
        return cmd_stability(args)
    prepare_out_folder(args)
    portfolio = load_portfolio(args.portfolio, progress=progress)
    table = efficient_frontier(
        portfolio,
        scenario_of(args),
        points=args.points,
        progress=True,
        workers=args.workers,
        scheduler=args.scheduler,
    )
    echo(table.to_string(index=False))
    for label, mask in (("current budget", table["is_current"]), ("knee", table["knee"])):
        for budget, value in zip(table.loc[mask, "budget"], table.loc[mask, "value"], strict=True):
            echo(f"{label}: budget {budget:,.0f} buys value {value:,.2f}")
    top = table.iloc[-1]
    solved = table.dropna(subset=["value"])
    if len(solved):  # the curve is monotone: the first point at its top value is where it ends
        best = solved[solved["value"] >= solved["value"].max() - 1e-9].iloc[0]
        echo(f"the top value {best['value']:,.2f} is reached at a budget of {best['budget']:,.0f}")
    echo(f"no budget binds from {top['budget']:,.0f} (value {top['value']:,.2f})")
    if args.out:
        Path(args.out).mkdir(parents=True, exist_ok=True)
        csv_safe_frame(table).to_csv(Path(args.out) / "frontier.csv", index=False)
        record_out_files(args.out, "frontier.csv")
        echo(f"written: {Path(args.out) / 'frontier.csv'}")
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from pmo_opt.ledger import ledger_url
    from pmo_opt.present.reports import run_reports

    return run_reports(
        args.portfolio,
        args.scenario or [None],
        out=args.out,
        timeout_s=args.timeout,
        ledger_url=None if args.no_ledger else ledger_url(args.ledger),
    )


def cmd_explain(args: argparse.Namespace) -> int:
    from pmo_opt.analysis.diagnose import diagnose_infeasibility
    from pmo_opt.analysis.explain import binding_constraints, why_not
    from pmo_opt.analysis.hiring import hiring_advice
    from pmo_opt.engine.optimise import optimise

    prepare_out_folder(args)
    portfolio, scenario = inputs_of(args)
    plan = optimise(portfolio, scenario)
    echo(f"scenario {scenario.name}: {plan.status} - {plan.message}")
    if plan.status == "infeasible":
        diagnosis = diagnose_infeasibility(portfolio, scenario, plan)
        for sentence in diagnosis.sentences:
            echo(f"  - {sentence}")
        write_tables(args.out, {"diagnosis": diagnosis.relaxations})
        return EXIT_INFEASIBLE
    if not plan.has_solution:
        return EXIT_OTHER
    table = why_not(
        portfolio,
        scenario,
        plan,
        projects=args.project or None,
        max_projects=args.max_projects,
        verify=not args.no_verify,
        workers=args.workers,
        progress=True,
        scheduler=args.scheduler,
    )
    echo("why not:")
    for sentence in table["sentence"]:
        echo(f"  - {sentence}")
    binding = binding_constraints(portfolio, scenario, plan)
    echo("what the selected projects lean on:")
    for p, g in binding.groupby("project_id", sort=True):
        echo(f"  - {p}: " + "; ".join(g["sentence"]))
    advice = hiring_advice(portfolio, scenario, plan)
    echo("hiring:")
    for sentence in advice.sentences:
        echo(f"  - {sentence}")
    write_tables(args.out, {"why_not": table, "binding": binding, "hiring": advice.runs})
    return EXIT_OK


def cmd_compare(args: argparse.Namespace) -> int:
    from pmo_opt.analysis.compare import compare_scenarios, load_scenarios
    from pmo_opt.inputs.load import load_portfolio
    from pmo_opt.inputs.scenario import parse_sets, with_overrides
    from pmo_opt.paths import SCENARIOS_DIR

    prepare_out_folder(args)
    portfolio = load_portfolio(args.portfolio, progress=progress)
    paths = args.scenario or sorted(
        SCENARIOS_DIR.glob("*.yaml"), key=lambda f: (f.stem != "baseline", f.name)
    )
    sets = parse_sets(args.set)
    scenarios = {n: with_overrides(s, sets) for n, s in load_scenarios(paths).items()}
    cmp = compare_scenarios(
        portfolio, scenarios, progress=True, workers=args.workers, scheduler=args.scheduler
    )
    echo(cmp.summary.to_string(index=False))
    for name, p, change in zip(
        cmp.changes["scenario"], cmp.changes["project_id"], cmp.changes["change"], strict=True
    ):
        label = portfolio.projects.at[p, "name"]
        echo(f"{name}: {p}{' ' + label if label != p else ''} {change}")
    write_tables(
        args.out,
        {
            "compare_summary": cmp.summary,
            "compare_changes": cmp.changes,
            "compare_selection": cmp.selection,
            "compare_spend": cmp.spend,
            "compare_utilisation": cmp.utilisation,
        },
    )
    return EXIT_OK


def cmd_montecarlo(args: argparse.Namespace) -> int:
    from pmo_opt.analysis.uncertainty import monte_carlo
    from pmo_opt.inputs.load import load_portfolio

    prepare_out_folder(args)
    portfolio = load_portfolio(args.portfolio, progress=progress)
    scenario = scenario_of(args)
    if args.seed is not None and not 0 <= args.seed < 2**32:
        raise InputError(
            [Problem("--seed", None, None, f"{args.seed} is not a seed; give 0 to 4294967295")]
        )
    if args.draws < 1:
        raise InputError([Problem("--draws", None, None, f"{args.draws}: give 1 or more")])
    result = monte_carlo(
        portfolio,
        scenario,
        draws=args.draws,
        seed=scenario.seed if args.seed is None else args.seed,
        spread=args.spread,
        workers=args.workers,
        scheduler=args.scheduler,
    )
    s = result.summary()
    echo(
        f"{s['draws']} draws, {s['with_plan']} with a plan ({s['optimal']} proven optimal); "
        f"objective mean {s['mean']:,.2f}, 5%-95% {s['p05']:,.2f} to {s['p95']:,.2f}; "
        f"{s['always']} projects in every draw, {s['never']} in none"
    )
    echo(result.frequency[["name", "frequency", "base_selected"]].to_string())
    write_tables(
        args.out,
        {
            "montecarlo_draws": result.draws,
            "montecarlo_frequency": result.frequency.reset_index(),
        },
    )
    return EXIT_OK
