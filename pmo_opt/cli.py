"""The ``pmo-opt`` command. Exit codes: 0 a plan / success, 2 bad input, 3 infeasible, 1 other."""

from __future__ import annotations

import argparse
import os
import re
import shlex
import sys
from pathlib import Path

from pmo_opt import __version__
from pmo_opt.errors import InfeasibleError, InputError, LedgerError, PmoError, Problem
from pmo_opt.text import csv_safe_frame, terminal_safe

EXIT_OK, EXIT_OTHER, EXIT_INPUT, EXIT_INFEASIBLE = 0, 1, 2, 3
#: from this many projects on, ``plan`` says on stderr that it is planning (it takes a while)
PROGRESS_PROJECTS = 1_000


def echo(*parts: object, sep: str = " ", end: str = "\n", file=None, flush: bool = False) -> None:
    """``print`` for the terminal: data text (ids, names, headers, messages quoting cells)
    cannot send escape sequences to it; control characters are shown as ``\\x1b`` etc."""
    text = sep.join(terminal_safe(p) for p in parts)
    print_(text, end=end, file=file if file is not None else sys.stdout, flush=flush)


print_ = print
print = echo  # noqa: A001 - every line this module prints goes through terminal_safe

EPILOG = """examples:
  pmo-opt validate data/sample
  pmo-opt plan data/sample --scenario data/scenarios/baseline.yaml --out out/
  pmo-opt plan data/sample.xlsx --set budget_scale=0.8 --set time_limit_s=10 --out out/
  pmo-opt rank data/sample --out out/
  pmo-opt frontier data/sample --out out/
  pmo-opt plan data/sample-2027-04 --set baseline=out/plan.csv --set as_of=2027-04 \
      --set change_penalty=20 --set move_penalty=2 --out out-q2/
  pmo-opt frontier data/sample-2027-04 --stability --set baseline=out/plan.csv \
      --set as_of=2027-04 --out out-q2/
  pmo-opt explain data/sample --out out/
  pmo-opt compare data/sample --out out/
  pmo-opt montecarlo data/sample --set seed=1 --out out/
  pmo-opt montecarlo data/sample --scheduler tcp://10.0.0.5:8786 --out out/
  pmo-opt report data/sample --scenario data/scenarios/baseline.yaml --out reports/
  pmo-opt approve out/ --by "Portfolio board" --note "Q1 plan"
  pmo-opt history --project P020
  pmo-opt diff 20261129T120501-3fa2c1 20261129T131502-9bc0d4
"""


def _prepare_out(args: argparse.Namespace) -> None:
    """Check (and clear) ``--out`` before any work: a bad folder fails in a second, not after
    the solve (:mod:`pmo_opt.outdir`)."""
    if getattr(args, "out", None):
        from pmo_opt.present.outdir import prepare_out

        prepare_out(args.out)


def _record_out(out: str | None, *names: str) -> None:
    if out:
        from pmo_opt.present.outdir import record_out

        record_out(out, names)


def _progress(message: str) -> None:
    """A progress line on stderr (long loads; see ``data.load_portfolio``)."""
    print(f"... {message}", file=sys.stderr, flush=True)


def _warn(portfolio, scenario) -> None:
    """Print the scenario's likely mistakes (unknown extra_fte role, scoring fallback)."""
    from pmo_opt.engine.objective import scenario_warnings

    for problem in scenario_warnings(portfolio, scenario):
        print(f"warning: {problem}", file=sys.stderr)


def _scenario(args: argparse.Namespace):
    from pmo_opt.inputs.scenario import load_scenario, parse_sets

    return load_scenario(getattr(args, "scenario", None), **parse_sets(getattr(args, "set", [])))


def _inputs(args: argparse.Namespace):
    """The portfolio and scenario of a command, rolled forward to ``as_of`` when re-planning
    against a baseline (:func:`pmo_opt.inputs.baseline.replan_inputs`); the scenario's likely
    mistakes are printed as warnings."""
    from pmo_opt.inputs.baseline import replan_inputs
    from pmo_opt.inputs.load import load_portfolio

    portfolio = load_portfolio(args.portfolio, progress=_progress)
    scenario = _scenario(args)
    portfolio, scenario = replan_inputs(portfolio, scenario, _baseline_resolver(args))
    _warn(portfolio, scenario)
    return portfolio, scenario


def _engine_name(portfolio, scenario) -> str:
    """The engine a run uses: the scenario's, or the one ``solver=default`` picks."""
    if scenario.solver != "default":
        return scenario.solver
    from pmo_opt.engine.choice import choose_engine

    return choose_engine(portfolio, scenario)


def _baseline_resolver(args: argparse.Namespace):
    """``baseline: approved`` or a run id, looked up in the ledger and written as
    ``baseline.csv`` into ``--out`` (a temporary folder without one), so that the run's folder
    shows the plan it was measured against."""

    def resolve(value: str) -> Path:
        import tempfile

        from pmo_opt.ledger import Ledger, ledger_url

        if getattr(args, "no_ledger", False):
            raise LedgerError(
                f"baseline {value!r} is looked up in the ledger, but --no-ledger was given: "
                "give the baseline as a plan.csv path instead",
                input_error=True,
            )
        with Ledger(ledger_url(getattr(args, "ledger", None))) as ledger:
            if value.lower() == "approved":
                table = ledger.approved_plan(_approved_name(ledger, args.portfolio))
            else:
                run = ledger.get_run(ledger.resolve_run(value))
                table = run.decisions[["project_id", "selected", "start", "finish"]].copy()
        folder = Path(args.out) if getattr(args, "out", None) else Path(tempfile.mkdtemp())
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / "baseline.csv"
        table.assign(selected=table["selected"].astype(bool).astype(int)).to_csv(
            target, index=False
        )
        _record_out(getattr(args, "out", None), "baseline.csv")
        return target

    def _approved_name(ledger, path: str) -> str:
        from pmo_opt.ledger import portfolio_name

        # next quarter's folder (sample-2027-04) re-plans against its portfolio's (sample) plan
        name = portfolio_name(path)
        if ledger.approval(name) is None:
            stem = re.sub(r"-\d{4}-\d{2}$", "", name)
            if stem != name and ledger.approval(stem) is not None:
                return stem
        return name

    return resolve


def _replan_lines(plan) -> list[str]:
    """What a re-plan changes against its baseline, in lines for the terminal."""
    facts = plan.details.get("replan")
    if not facts:
        return []
    lines = [
        f"against the baseline ({facts['as_of']} on): {facts['changes']} selection changes, "
        f"{facts['months_moved']} months moved; value {facts['value']:,.2f} minus penalties "
        f"{facts['penalty']:,.2f} (changes {facts['change_penalty']:,.2f}, moves "
        f"{facts['move_penalty']:,.2f})"
    ]
    for label, key in (("entering", "entering"), ("leaving", "leaving"), ("gone", "gone")):
        if facts[key]:
            lines.append(f"  {label}: {', '.join(facts[key])}")
    if facts["moving"]:
        moved = ", ".join(f"{p} ({n} mo)" for p, n in facts["moving"].items())
        lines.append(f"  moving: {moved}")
    return lines


def cmd_validate(args: argparse.Namespace) -> int:
    from pmo_opt.inputs.load import load_portfolio
    from pmo_opt.inputs.summary import summary_text

    portfolio = load_portfolio(args.portfolio, progress=_progress)
    print(summary_text(portfolio))
    return EXIT_OK


def cmd_plan(args: argparse.Namespace) -> int:
    from pmo_opt.ledger import new_run_id, utc_now

    run_id, started = new_run_id(), utc_now()
    try:
        plan, portfolio, scenario, code = _plan(args, run_id)
    except PmoError as exc:
        if not args.no_ledger:  # the failure is recorded, then reported as usual
            from pmo_opt.ledger import failed_record

            record = failed_record(
                run_id=run_id,
                started_at=started,
                command=args.command_line,
                portfolio_path=args.portfolio,
                error=str(exc),
                scenario_path=args.scenario,
                out_dir=args.out,
            )
            _record(args, lambda: record)
        raise
    if args.no_ledger:
        return code

    def record():
        from pmo_opt.ledger import record_from_plan

        return record_from_plan(
            run_id=run_id,
            started_at=started,
            command=args.command_line,
            portfolio=portfolio,
            portfolio_path=args.portfolio,
            scenario=scenario,
            plan=plan,
            scenario_path=args.scenario,
            out_dir=args.out,
        )

    return code if _record(args, record) else EXIT_OTHER


def _plan(args: argparse.Namespace, run_id: str):
    """Solve and write the plan files; (plan, portfolio, scenario, exit code)."""
    from dataclasses import replace

    from pmo_opt.engine.optimise import optimise
    from pmo_opt.present.plan_text import plan_report_text

    _prepare_out(args)
    portfolio, scenario = _inputs(args)
    if len(portfolio.projects) >= PROGRESS_PROJECTS:
        _progress(
            f"planning {len(portfolio.projects):,} projects with {_engine_name(portfolio, scenario)} "
            f"(time limit {scenario.time_limit_s:g} s for building and solving)"
        )
    plan = optimise(portfolio, scenario)
    diagnosis = None
    if plan.status == "infeasible":
        from pmo_opt.analysis.diagnose import diagnose_infeasibility

        diagnosis = diagnose_infeasibility(portfolio, scenario, plan)
        plan = replace(plan, details={**plan.details, "diagnosis": diagnosis.sentences})
    if not args.no_ledger:
        plan = replace(plan, details={**plan.details, "run_id": run_id})  # into summary.json
    if args.out:
        plan.write(args.out)
        if diagnosis is not None:
            csv_safe_frame(diagnosis.relaxations).to_csv(
                Path(args.out) / "diagnosis.csv", index=False
            )
        _record_out(args.out, "plan.csv", "load.csv", "summary.json")
        if diagnosis is not None:
            _record_out(args.out, "diagnosis.csv")
    print(plan_report_text(portfolio, plan))
    for line in _replan_lines(plan):
        print(line)
    if args.out:
        written = "load.csv, summary.json" + (", diagnosis.csv" if diagnosis is not None else "")
        print(f"written: {Path(args.out) / 'plan.csv'}, {written}")
    if plan.status == "infeasible":
        return plan, portfolio, scenario, EXIT_INFEASIBLE
    return plan, portfolio, scenario, EXIT_OK if plan.has_solution else EXIT_OTHER


def _record(args: argparse.Namespace, make_record) -> bool:
    """Record a run in the ledger after its files are written; on failure say so on stderr
    (``ledger: ...``) and return False, the files stay."""
    from pmo_opt.ledger import Ledger, masked

    try:
        record = make_record()
        with Ledger(args.ledger) as ledger:
            ledger.record_run(record)
    except PmoError as exc:  # a LedgerError, or check_plan refusing the inputs
        print(f"ledger: {exc}", file=sys.stderr)
        return False
    print(f"ledger: run {record.run_id} recorded in {masked(ledger.url)}")
    return True


def cmd_approve(args: argparse.Namespace) -> int:
    from pmo_opt.ledger import Ledger

    with Ledger(args.ledger) as ledger:
        approval = ledger.approve(args.run, by=args.by, note=args.note or "")
    before = f"; supersedes approval {approval.supersedes}" if approval.supersedes else ""
    print(
        f"approved run {approval.run_id} as the plan of {approval.portfolio_name} by "
        f"{approval.approved_by} at {approval.approved_at}{before}"
    )
    return EXIT_OK


def cmd_history(args: argparse.Namespace) -> int:
    from pmo_opt.ledger import Ledger, history_text

    with Ledger(args.ledger) as ledger:
        table = ledger.history(project=args.project, since=args.since)
    print(history_text(table, args.project))
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        table.to_csv(args.out, index=False)
        print(f"written: {args.out}")
    return EXIT_OK


def cmd_diff(args: argparse.Namespace) -> int:
    from pmo_opt.ledger import Ledger, diff_text

    with Ledger(args.ledger) as ledger:
        print(diff_text(ledger.diff(args.run_a, args.run_b)))
    return EXIT_OK


def cmd_rank(args: argparse.Namespace) -> int:
    import warnings

    from pmo_opt.inputs.load import load_portfolio
    from pmo_opt.prioritise.ahp import portfolio_ahp
    from pmo_opt.prioritise.scoring import describe_scoring, ranking_table

    _prepare_out(args)
    portfolio = load_portfolio(args.portfolio, progress=_progress)
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
        csv_safe_frame(table).to_csv(Path(args.out) / "ranking.csv")
        _record_out(args.out, "ranking.csv")
        print(f"written: {Path(args.out) / 'ranking.csv'}")
    return EXIT_OK


def cmd_stability(args: argparse.Namespace) -> int:
    from pmo_opt.analysis.replan import stability_frontier

    portfolio, scenario = _inputs(args)
    table = stability_frontier(
        portfolio, scenario, progress=True, workers=args.workers, scheduler=args.scheduler
    )
    print(table.to_string(index=False))
    if args.out:
        Path(args.out).mkdir(parents=True, exist_ok=True)
        table.to_csv(Path(args.out) / "stability.csv", index=False)
        print(f"written: {Path(args.out) / 'stability.csv'}")
    return EXIT_OK


def cmd_frontier(args: argparse.Namespace) -> int:
    from pmo_opt.analysis.frontier import efficient_frontier
    from pmo_opt.inputs.load import load_portfolio

    if args.stability:
        return cmd_stability(args)
    _prepare_out(args)
    portfolio = load_portfolio(args.portfolio, progress=_progress)
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
        csv_safe_frame(table).to_csv(Path(args.out) / "frontier.csv", index=False)
        _record_out(args.out, "frontier.csv")
        print(f"written: {Path(args.out) / 'frontier.csv'}")
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


def _write_tables(out: str | None, tables: dict[str, object]) -> None:
    """Write each DataFrame as ``<name>.csv`` into ``out`` and say so."""
    if not out:
        return
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        csv_safe_frame(table).to_csv(folder / f"{name}.csv", index=False)
    _record_out(out, *(f"{n}.csv" for n in tables))
    print(f"written: {', '.join(str(folder / f'{n}.csv') for n in tables)}")


def cmd_explain(args: argparse.Namespace) -> int:
    from pmo_opt.analysis.diagnose import diagnose_infeasibility
    from pmo_opt.analysis.explain import binding_constraints, why_not
    from pmo_opt.analysis.hiring import hiring_advice
    from pmo_opt.engine.optimise import optimise

    _prepare_out(args)
    portfolio, scenario = _inputs(args)
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

    _prepare_out(args)
    portfolio = load_portfolio(args.portfolio, progress=_progress)
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

    _prepare_out(args)
    portfolio = load_portfolio(args.portfolio, progress=_progress)
    scenario = _scenario(args)
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
        if name == "plan":
            _add_ledger(p, skip=True)
        if name == "frontier":
            p.add_argument("--points", type=int, default=11, help="budget levels (default 11)")
            p.add_argument(
                "--stability",
                action="store_true",
                help="value against the number of changes from the scenario's baseline plan "
                "(needs --set baseline=PLAN.csv); write stability.csv",
            )
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
    _add_ledger(p, skip=True)
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
    _add_ledger_commands(sub)
    return parser


def _add_ledger(p: argparse.ArgumentParser, skip: bool = False) -> None:
    p.add_argument(
        "--ledger",
        default=None,
        metavar="URL",
        help="the decision ledger, e.g. sqlite:///ledger.sqlite or "
        "postgresql+psycopg://user@host/db (default: $PMO_OPT_LEDGER, else ledger.sqlite here)",
    )
    if skip:
        p.add_argument("--no-ledger", action="store_true", help="do not record this run")


def _add_ledger_commands(sub) -> None:
    p = sub.add_parser(
        "approve",
        help="make a recorded run's plan the approved plan of its portfolio  "
        "e.g. approve out/ --by Board",
        description="Make a recorded run's plan the approved plan of its portfolio.",
    )
    p.add_argument("run", metavar="RUN_ID|DIR", help="a run id, or a report / plan folder")
    p.add_argument("--by", required=True, metavar="NAME", help="who approves")
    p.add_argument("--note", default="", metavar="TEXT", help="why (a board decision, a ticket)")
    _add_ledger(p)
    p.set_defaults(func=cmd_approve)
    p = sub.add_parser(
        "history",
        help="runs and approvals in the ledger  e.g. history --project P020",
        description="What was decided, when, on which data; which plans were approved.",
    )
    p.add_argument("--project", default=None, metavar="ID", help="only this project's decisions")
    p.add_argument("--since", default=None, metavar="YYYY-MM-DD", help="only from this day on")
    p.add_argument("--out", default=None, metavar="FILE.csv", help="also write the table here")
    _add_ledger(p)
    p.set_defaults(func=cmd_history)
    p = sub.add_parser(
        "diff",
        help="projects entering, leaving and moving between two runs  e.g. diff RUN_A RUN_B",
        description="Projects entering, leaving and moving between two recorded runs' plans, "
        "and the inputs that changed.",
    )
    p.add_argument("run_a", metavar="RUN_A", help="a run id, or a report / plan folder")
    p.add_argument("run_b", metavar="RUN_B", help="a run id, or a report / plan folder")
    _add_ledger(p)
    p.set_defaults(func=cmd_diff)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.command_line = shlex.join(["pmo-opt", *(sys.argv[1:] if argv is None else argv)])
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_OK
    try:
        if getattr(args, "scheduler", None) is not None:
            from pmo_opt.analysis.sweep import check_scheduler

            check_scheduler(args.scheduler)  # before any solve, not after the first one
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # a closed pipe (| head -1) shows here, not at interpreter exit
        return code
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM during a report (reports.Interrupted)
        print(f"stopped: {str(exc) or 'interrupted (SIGINT)'}", file=sys.stderr)
        return EXIT_OTHER
    except BrokenPipeError:
        # the reader went away (| head): stop quietly, as other command-line tools do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OTHER
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except InfeasibleError as exc:
        print(f"infeasible: {exc}", file=sys.stderr)
        return EXIT_INFEASIBLE
    except LedgerError as exc:
        print(f"ledger: {exc}", file=sys.stderr)
        return EXIT_INPUT if exc.input_error else EXIT_OTHER
    except PmoError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_OTHER
    except OSError as exc:  # the environment: a read-only folder, a full disk, no permission
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_OTHER
    except MemoryError:
        print(
            "error: out of memory; the input is larger than this machine can plan "
            "(README, 'Limits and safety')",
            file=sys.stderr,
        )
        return EXIT_OTHER
