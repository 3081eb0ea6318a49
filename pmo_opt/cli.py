"""The ``pmo-opt`` command. Exit codes: 0 a plan / success, 2 bad input, 3 infeasible, 1 other."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .errors import InfeasibleError, InputError, PmoError

EXIT_OK, EXIT_OTHER, EXIT_INPUT, EXIT_INFEASIBLE = 0, 1, 2, 3

EPILOG = """examples:
  pmo-opt validate data/sample
  pmo-opt plan data/sample --scenario data/scenarios/baseline.yaml --out out/
  pmo-opt plan data/sample.xlsx --set budget_scale=0.8 --set time_limit_s=10 --out out/
  pmo-opt rank data/sample --out out/
  pmo-opt frontier data/sample --out out/
  pmo-opt report data/sample --scenario data/scenarios/baseline.yaml --out reports/
"""


def _scenario(args: argparse.Namespace):
    from .scenario import load_scenario, parse_sets

    return load_scenario(getattr(args, "scenario", None), **parse_sets(getattr(args, "set", [])))


def cmd_validate(args: argparse.Namespace) -> int:
    from .data import load_portfolio
    from .validate import summary_text

    portfolio = load_portfolio(args.portfolio)
    print(summary_text(portfolio))
    return EXIT_OK


def cmd_plan(args: argparse.Namespace) -> int:
    from .data import load_portfolio
    from .optimise import optimise, plan_report_text

    portfolio = load_portfolio(args.portfolio)
    scenario = _scenario(args)
    plan = optimise(portfolio, scenario)
    diagnosis = None
    if plan.status == "infeasible":
        from dataclasses import replace

        from .explain import diagnose_infeasibility

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

    from .data import load_portfolio
    from .scoring import describe_scoring, portfolio_ahp, ranking_table

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
    from .data import load_portfolio
    from .frontier import efficient_frontier

    portfolio = load_portfolio(args.portfolio)
    table = efficient_frontier(portfolio, _scenario(args), points=args.points)
    print(table.to_string(index=False))
    if args.out:
        Path(args.out).mkdir(parents=True, exist_ok=True)
        table.to_csv(Path(args.out) / "frontier.csv", index=False)
        print(f"written: {Path(args.out) / 'frontier.csv'}")
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from .reports import run_reports

    return run_reports(args.portfolio, args.scenario or [None], out=args.out)


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
    p = add(
        "report", cmd_report, "run the notebooks into a dated report folder", "report data/sample"
    )
    p.add_argument("--scenario", action="append", help="scenario YAML; repeat for several")
    p.add_argument("--out", default=None, help="reports folder (default reports/)")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_OK
    try:
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
