"""The ``pmo-opt`` command. Exit codes: 0 a plan / success, 2 bad input, 3 infeasible, 1 other."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pmo_opt import __version__
from pmo_opt.errors import InfeasibleError, InputError, PmoError

EXIT_OK, EXIT_OTHER, EXIT_INPUT, EXIT_INFEASIBLE = 0, 1, 2, 3

EPILOG = """examples:
  pmo-opt validate data/sample
  pmo-opt plan data/sample --scenario data/scenarios/baseline.yaml --out out/
  pmo-opt plan data/sample.xlsx --set budget_scale=0.8 --set time_limit_s=10 --out out/
  pmo-opt rank data/sample --out out/
  pmo-opt frontier data/sample --out out/
  pmo-opt explain data/sample --out out/
  pmo-opt compare data/sample --out out/
  pmo-opt montecarlo data/sample --set seed=1 --out out/
  pmo-opt montecarlo data/sample --scheduler tcp://10.0.0.5:8786 --out out/
  pmo-opt report data/sample --scenario data/scenarios/baseline.yaml --out reports/
"""


def _scenario(args: argparse.Namespace):
    from pmo_opt.inputs.scenario import load_scenario, parse_sets

    return load_scenario(getattr(args, "scenario", None), **parse_sets(getattr(args, "set", [])))


def cmd_validate(args: argparse.Namespace) -> int:
    from pmo_opt.inputs.load import load_portfolio
    from pmo_opt.inputs.validate import summary_text

    portfolio = load_portfolio(args.portfolio)
    print(summary_text(portfolio))
    return EXIT_OK


def cmd_plan(args: argparse.Namespace) -> int:
    from pmo_opt.engine.optimise import optimise
    from pmo_opt.inputs.load import load_portfolio
    from pmo_opt.present.plan_text import plan_report_text

    portfolio = load_portfolio(args.portfolio)
    scenario = _scenario(args)
    plan = optimise(portfolio, scenario)
    diagnosis = None
    if plan.status == "infeasible":
        from dataclasses import replace

        from pmo_opt.analysis.diagnose import diagnose_infeasibility

        diagnosis = diagnose_infeasibility(portfolio, scenario, plan)
        plan = replace(plan, details={**plan.details, "diagnosis": diagnosis.sentences})
    if args.out:
        plan.write(args.out)
        if diagnosis is not None:
            diagnosis.relaxations.to_csv(Path(args.out) / "diagnosis.csv", index=False)
    print(plan_report_text(portfolio, plan))
    if args.out:
        written = "load.csv, summary.json" + (", diagnosis.csv" if diagnosis is not None else "")
        print(f"written: {Path(args.out) / 'plan.csv'}, {written}")
    if plan.status == "infeasible":
        return EXIT_INFEASIBLE
    return EXIT_OK if plan.has_solution else EXIT_OTHER


def cmd_rank(args: argparse.Namespace) -> int:
    import warnings

    from pmo_opt.inputs.load import load_portfolio
    from pmo_opt.prioritise.ahp import portfolio_ahp
    from pmo_opt.prioritise.scoring import describe_scoring, ranking_table

    portfolio = load_portfolio(args.portfolio)
    scenario = _scenario(args)
    # show scoring warnings (inconsistent AHP judgements) as plain lines, once each
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = ranking_table(portfolio, scenario)
        how = describe_scoring(portfolio, scenario)
        ahp = portfolio_ahp(portfolio)
    print(f"{how}; {len(table)} projects")
    if ahp is not None:
        print(ahp.summary())
    for message in dict.fromkeys(str(w.message) for w in caught):
        print(f"warning: {message}", file=sys.stderr)
    print(table.to_string(float_format=lambda x: f"{x:,.2f}", na_rep="-"))
    if args.out:
        Path(args.out).mkdir(parents=True, exist_ok=True)
        table.to_csv(Path(args.out) / "ranking.csv")
        print(f"written: {Path(args.out) / 'ranking.csv'}")
    return EXIT_OK


def cmd_frontier(args: argparse.Namespace) -> int:
    from pmo_opt.analysis.frontier import efficient_frontier
    from pmo_opt.inputs.load import load_portfolio

    portfolio = load_portfolio(args.portfolio)
    table = efficient_frontier(
        portfolio,
        _scenario(args),
        points=args.points,
        progress=True,
        workers=args.workers,
        scheduler=args.scheduler,
    )
    print(table.to_string(index=False))
    for label, mask in (("current budget", table["is_current"]), ("knee", table["knee"])):
        for budget, value in zip(table.loc[mask, "budget"], table.loc[mask, "value"], strict=True):
            print(f"{label}: budget {budget:,.0f} buys value {value:,.2f}")
    top = table.iloc[-1]
    solved = table.dropna(subset=["value"])
    if len(solved):  # the curve is monotone: the first point at its top value is where it ends
        best = solved[solved["value"] >= solved["value"].max() - 1e-9].iloc[0]
        print(f"the top value {best['value']:,.2f} is reached at a budget of {best['budget']:,.0f}")
    print(f"no budget binds from {top['budget']:,.0f} (value {top['value']:,.2f})")
    if args.out:
        Path(args.out).mkdir(parents=True, exist_ok=True)
        table.to_csv(Path(args.out) / "frontier.csv", index=False)
        print(f"written: {Path(args.out) / 'frontier.csv'}")
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from pmo_opt.present.reports import run_reports

    return run_reports(
        args.portfolio, args.scenario or [None], out=args.out, timeout_s=args.timeout
    )


def _write_tables(out: str | None, tables: dict[str, object]) -> None:
    """Write each DataFrame as ``<name>.csv`` into ``out`` and say so."""
    if not out:
        return
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        table.to_csv(folder / f"{name}.csv", index=False)
    print(f"written: {', '.join(str(folder / f'{n}.csv') for n in tables)}")


def cmd_explain(args: argparse.Namespace) -> int:
    from pmo_opt.analysis.diagnose import diagnose_infeasibility
    from pmo_opt.analysis.explain import binding_constraints, why_not
    from pmo_opt.analysis.hiring import hiring_advice
    from pmo_opt.engine.optimise import optimise
    from pmo_opt.inputs.load import load_portfolio

    portfolio = load_portfolio(args.portfolio)
    scenario = _scenario(args)
    plan = optimise(portfolio, scenario)
    print(f"scenario {scenario.name}: {plan.status} - {plan.message}")
    if plan.status == "infeasible":
        diagnosis = diagnose_infeasibility(portfolio, scenario, plan)
        for sentence in diagnosis.sentences:
            print(f"  - {sentence}")
        _write_tables(args.out, {"diagnosis": diagnosis.relaxations})
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
    print("why not:")
    for sentence in table["sentence"]:
        print(f"  - {sentence}")
    binding = binding_constraints(portfolio, scenario, plan)
    print("what the selected projects lean on:")
    for p, g in binding.groupby("project_id", sort=True):
        print(f"  - {p}: " + "; ".join(g["sentence"]))
    advice = hiring_advice(portfolio, scenario, plan)
    print("hiring:")
    for sentence in advice.sentences:
        print(f"  - {sentence}")
    _write_tables(args.out, {"why_not": table, "binding": binding, "hiring": advice.runs})
    return EXIT_OK


def cmd_compare(args: argparse.Namespace) -> int:
    from pmo_opt.analysis.compare import compare_scenarios, load_scenarios
    from pmo_opt.inputs.load import load_portfolio
    from pmo_opt.inputs.scenario import parse_sets, with_overrides
    from pmo_opt.paths import SCENARIOS_DIR

    portfolio = load_portfolio(args.portfolio)
    paths = args.scenario or sorted(
        SCENARIOS_DIR.glob("*.yaml"), key=lambda f: (f.stem != "baseline", f.name)
    )
    sets = parse_sets(args.set)
    scenarios = {n: with_overrides(s, sets) for n, s in load_scenarios(paths).items()}
    cmp = compare_scenarios(
        portfolio, scenarios, progress=True, workers=args.workers, scheduler=args.scheduler
    )
    print(cmp.summary.to_string(index=False))
    for name, p, change in zip(
        cmp.changes["scenario"], cmp.changes["project_id"], cmp.changes["change"], strict=True
    ):
        label = portfolio.projects.at[p, "name"]
        print(f"{name}: {p}{' ' + label if label != p else ''} {change}")
    _write_tables(
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

    portfolio = load_portfolio(args.portfolio)
    scenario = _scenario(args)
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
    print(
        f"{s['draws']} draws, {s['with_plan']} with a plan ({s['optimal']} proven optimal); "
        f"objective mean {s['mean']:,.2f}, 5%-95% {s['p05']:,.2f} to {s['p95']:,.2f}; "
        f"{s['always']} projects in every draw, {s['never']} in none"
    )
    print(result.frequency[["name", "frequency", "base_selected"]].to_string())
    _write_tables(
        args.out,
        {
            "montecarlo_draws": result.draws,
            "montecarlo_frequency": result.frequency.reset_index(),
        },
    )
    return EXIT_OK


def _add_scheduler(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="Dask scheduler address, e.g. tcp://10.0.0.5:8786; default: local processes "
        "(or the scenario's scheduler setting)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pmo-opt",
        description="Choose, schedule and explain a project portfolio.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"pmo-opt {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, func, help_: str, example: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=f"{help_}  e.g. {example}", description=help_)
        p.add_argument("portfolio", help="a folder of CSV files or an .xlsx workbook")
        p.set_defaults(func=func)
        return p

    add("validate", cmd_validate, "check a portfolio; list every problem", "validate data/sample")
    for name, func, help_ in (
        ("plan", cmd_plan, "choose and schedule projects; write plan.csv, load.csv, summary.json"),
        ("rank", cmd_rank, "rank projects by priority score; write ranking.csv"),
        ("frontier", cmd_frontier, "portfolio value against budget; write frontier.csv"),
    ):
        p = add(name, func, help_, f"{name} data/sample --out out/")
        p.add_argument("--scenario", help="a scenario YAML file (data/scenarios/)")
        p.add_argument(
            "--set", action="append", default=[], metavar="KEY=VALUE", help="override a setting"
        )
        p.add_argument("--out", help="folder for the output files")
        if name == "frontier":
            p.add_argument("--points", type=int, default=11, help="budget levels (default 11)")
            p.add_argument("--workers", type=int, default=None, help="processes (all cores)")
            _add_scheduler(p)
    p = add(
        "report", cmd_report, "run the notebooks into a dated report folder", "report data/sample"
    )
    p.add_argument("--scenario", action="append", help="scenario YAML; repeat for several")
    p.add_argument("--out", default=None, help="reports folder (default reports/)")
    p.add_argument(
        "--timeout", type=float, default=600, help="seconds a notebook cell may run (default 600)"
    )
    for name, func, help_ in (
        ("explain", cmd_explain, "why projects are out, what would bring them in, hiring"),
        ("compare", cmd_compare, "scenarios side by side; write compare_*.csv"),
        ("montecarlo", cmd_montecarlo, "selection frequency under uncertain benefit and cost"),
    ):
        p = add(name, func, help_, f"{name} data/sample --out out/")
        if name == "compare":
            p.add_argument(
                "--scenario",
                action="append",
                help="scenario YAML, the first is the baseline; repeat (default: data/scenarios/)",
            )
        else:
            p.add_argument("--scenario", help="a scenario YAML file (data/scenarios/)")
        p.add_argument(
            "--set", action="append", default=[], metavar="KEY=VALUE", help="override a setting"
        )
        p.add_argument("--out", help="folder for the output files")
        if name == "explain":
            p.add_argument("--project", action="append", help="explain this project; repeat")
            p.add_argument(
                "--max-projects", type=int, default=10, help="explain at most N (default 10)"
            )
            p.add_argument("--workers", type=int, default=1, help="processes (default 1)")
            p.add_argument(
                "--no-verify", action="store_true", help="skip re-solving to check suggestions"
            )
        if name == "montecarlo":
            p.add_argument("--draws", type=int, default=100, help="draws (default 100)")
            p.add_argument("--seed", type=int, default=None, help="seed (default: scenario's)")
            p.add_argument("--spread", type=float, default=None, help="+/- fraction (0.2)")
            p.add_argument("--workers", type=int, default=None, help="processes (all cores)")
        if name == "compare":
            p.add_argument("--workers", type=int, default=None, help="processes (all cores)")
        _add_scheduler(p)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_OK
    try:
        if getattr(args, "scheduler", None) is not None:
            from pmo_opt.analysis.sweep import check_scheduler

            check_scheduler(args.scheduler)  # before any solve, not after the first one
        return int(args.func(args) or 0)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except InfeasibleError as exc:
        print(f"infeasible: {exc}", file=sys.stderr)
        return EXIT_INFEASIBLE
    except PmoError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_OTHER
