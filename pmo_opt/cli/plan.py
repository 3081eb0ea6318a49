"""The ``plan`` command: solve, write the plan files, say what a re-plan changes, record the run."""

from __future__ import annotations

import argparse
import signal
from pathlib import Path

from pmo_opt.cli.inputs import inputs_of
from pmo_opt.cli.ledger import record_run
from pmo_opt.cli.outputs import prepare_out_folder, record_out_files
from pmo_opt.cli.terminal import EXIT_INFEASIBLE, EXIT_OK, EXIT_OTHER, echo, progress
from pmo_opt.errors import PmoError
from pmo_opt.text import csv_safe_frame

#: from this many projects on, ``plan`` says on stderr that it is planning (it takes a while)
PROGRESS_PROJECTS = 1_000
#: project ids a re-plan line names one by one; the rest are counted
MAX_LISTED = 20


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
            ids = list(facts[key])
            more = f", ... ({len(ids):,} in all)" if len(ids) > MAX_LISTED else ""
            lines.append(f"  {label}: {', '.join(ids[:MAX_LISTED])}{more}")
    if facts["moving"]:
        moved = ", ".join(f"{p} ({n} mo)" for p, n in facts["moving"].items())
        lines.append(f"  moving: {moved}")
    return lines


def cmd_plan(args: argparse.Namespace) -> int:
    from pmo_opt.ledger import new_run_id, utc_now

    run_id, started = new_run_id(), utc_now()
    from pmo_opt.present.stopping import STOPPED, Interrupted, stoppable

    try:
        with stoppable():  # SIGTERM raises here as Ctrl-C does, instead of a silent end
            plan, portfolio, scenario, code = _plan(args, run_id)
    except (PmoError, KeyboardInterrupt) as exc:
        stopped = isinstance(exc, KeyboardInterrupt)
        if stopped:
            # the signal, not the exception's text: raised inside a codec, it is reworded
            name = signal.Signals(STOPPED[-1]).name if STOPPED else "SIGINT"
            exc = Interrupted(f"stopped by {name}")
            _drop_empty_out(args)
        if not args.no_ledger:  # the failure is recorded, then reported as usual
            from pmo_opt.ledger import failed_record

            record = failed_record(
                run_id=run_id,
                started_at=started,
                command=args.command_line,
                portfolio_path=args.portfolio,
                error=str(exc),
                scenario_path=args.scenario,
                out_dir=args.out if args.out and Path(args.out).is_dir() else None,
            )
            record_run(args, lambda: record, quiet=stopped)
        if stopped:
            raise exc from None
        raise
    if args.no_ledger:
        return code

    def record():
        from pmo_opt.engine.check import check_plan
        from pmo_opt.ledger import record_from_plan

        source = getattr(args, "baseline_source", None)  # a baseline from the ledger
        # checked on the inputs as solved; the record names the baseline by its run id
        checked = not check_plan(portfolio, scenario, plan) if plan.has_solution else None
        return record_from_plan(
            run_id=run_id,
            started_at=started,
            command=args.command_line,
            portfolio=portfolio,
            portfolio_path=args.portfolio,
            scenario=scenario.replace(baseline=source.run_id) if source else scenario,
            plan=plan,
            scenario_path=args.scenario,
            out_dir=args.out,
            baseline_hash=source.sha256 if source else None,
            check_passed=checked,
        )

    return code if record_run(args, record) else EXIT_OTHER


def _drop_empty_out(args: argparse.Namespace) -> None:
    """A plan stopped before it wrote anything leaves no empty ``--out`` folder behind."""
    out = Path(args.out) if getattr(args, "out", None) else None
    if out is not None and out.is_dir() and not any(out.iterdir()):
        out.rmdir()


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
