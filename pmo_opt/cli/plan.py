"""The ``plan`` command: solve, write the plan files, say what a re-plan changes, record the run."""

from __future__ import annotations

import argparse
from pathlib import Path

from pmo_opt.cli.inputs import inputs_of
from pmo_opt.cli.ledger import record_run
from pmo_opt.cli.outputs import prepare_out_folder, record_out_files
from pmo_opt.cli.terminal import EXIT_INFEASIBLE, EXIT_OK, EXIT_OTHER, echo, progress
from pmo_opt.errors import PmoError
from pmo_opt.text import csv_safe_frame

#: from this many projects on, ``plan`` says on stderr that it is planning (it takes a while)
PROGRESS_PROJECTS = 1_000


def engine_name(portfolio, scenario) -> str:
    """The engine a run uses: the scenario's, or the one ``solver=default`` picks."""
    if scenario.solver != "default":
        return scenario.solver
    from pmo_opt.engine.choice import choose_engine

    return choose_engine(portfolio, scenario)


def replan_lines(plan) -> list[str]:
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
            record_run(args, lambda: record)
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

    return code if record_run(args, record) else EXIT_OTHER


def _plan(args: argparse.Namespace, run_id: str):
    """Solve and write the plan files; (plan, portfolio, scenario, exit code)."""
    from dataclasses import replace

    from pmo_opt.engine.optimise import optimise
    from pmo_opt.present.plan_text import plan_report_text

    prepare_out_folder(args)
    portfolio, scenario = inputs_of(args)
    if len(portfolio.projects) >= PROGRESS_PROJECTS:
        progress(
            f"planning {len(portfolio.projects):,} projects with {engine_name(portfolio, scenario)} "
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
        record_out_files(args.out, "plan.csv", "load.csv", "summary.json")
        if diagnosis is not None:
            record_out_files(args.out, "diagnosis.csv")
    echo(plan_report_text(portfolio, plan))
    for line in replan_lines(plan):
        echo(line)
    if args.out:
        written = "load.csv, summary.json" + (", diagnosis.csv" if diagnosis is not None else "")
        echo(f"written: {Path(args.out) / 'plan.csv'}, {written}")
    if plan.status == "infeasible":
        return plan, portfolio, scenario, EXIT_INFEASIBLE
    return plan, portfolio, scenario, EXIT_OK if plan.has_solution else EXIT_OTHER
