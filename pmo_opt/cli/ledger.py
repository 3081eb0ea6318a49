"""The decision ledger on the command line: recording a run, ``baseline: approved`` (or a run id)
looked up in it, and the ``approve``, ``history`` and ``diff`` commands with their options."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pmo_opt.cli.outputs import record_out_files
from pmo_opt.cli.terminal import EXIT_OK, EXIT_OTHER, echo
from pmo_opt.errors import LedgerError, PmoError


def baseline_resolver(args: argparse.Namespace):
    """``baseline: approved`` or a run id, looked up in the ledger and written as
    ``baseline.csv`` into ``--out`` (a temporary folder without one), so that the run's folder
    shows the plan it was measured against
    (:func:`pmo_opt.ledger.baseline_source.ledger_baseline`); where it came from is kept as
    ``args.baseline_source``."""

    def resolve(value: str) -> Path:
        import tempfile

        from pmo_opt.ledger import Ledger, ledger_url
        from pmo_opt.ledger.baseline_source import ledger_baseline

        if getattr(args, "no_ledger", False):
            raise LedgerError(
                f"baseline {value!r} is looked up in the ledger, but --no-ledger was given: "
                "give the baseline as a plan.csv path instead",
                input_error=True,
            )
        folder = Path(args.out) if getattr(args, "out", None) else Path(tempfile.mkdtemp())
        with Ledger(ledger_url(getattr(args, "ledger", None))) as ledger:
            target, source = ledger_baseline(ledger, value, args.portfolio, folder)
        args.baseline_source = source
        record_out_files(getattr(args, "out", None), "baseline.csv")
        return target

    return resolve


def record_run(args: argparse.Namespace, make_record, quiet: bool = False) -> bool:
    """Record a run in the ledger after its files are written; on failure say so on stderr
    (``ledger: ...``) and return False, the files stay. ``quiet``: no line when recorded (a
    stopped run prints one line, the reason it stopped)."""
    from pmo_opt.ledger import Ledger, masked

    try:
        record = make_record()
        with Ledger(args.ledger) as ledger:
            ledger.record_run(record)
    except PmoError as exc:  # a LedgerError, or check_plan refusing the inputs
        echo(f"ledger: {exc}", file=sys.stderr)
        return False
    if not quiet:
        echo(f"ledger: run {record.run_id} recorded in {masked(ledger.url)}")
    return True


def cmd_approve(args: argparse.Namespace) -> int:
    from pmo_opt.ledger import Ledger

    with Ledger(args.ledger) as ledger:
        approval = ledger.approve(args.run, by=args.by, note=args.note or "")
    if approval.already:
        echo(
            f"run {approval.run_id} already is the approved plan of {approval.portfolio_name} "
            f"(approved by {approval.approved_by} at {approval.approved_at}); nothing recorded"
        )
        return EXIT_OK
    before = f"; supersedes approval {approval.supersedes}" if approval.supersedes else ""
    echo(
        f"approved run {approval.run_id} as the plan of {approval.portfolio_name} by "
        f"{approval.approved_by} at {approval.approved_at}{before}"
    )
    return EXIT_OK


def warn_broken(ledger) -> None:
    """One loud line on stderr when the ledger's hash chain is broken (history and diff still
    show what the ledger holds, so that the forgery can be seen)."""
    verdict = ledger.verify()
    if verdict.broken is not None:
        echo(
            f"WARNING: the ledger was changed outside pmo-opt: {verdict.broken}; what follows "
            "cannot be trusted (`pmo-opt ledger verify`)",
            file=sys.stderr,
        )


def cmd_verify(args: argparse.Namespace) -> int:
    from pmo_opt.ledger import Ledger

    with Ledger(args.ledger) as ledger:
        verdict = ledger.verify()
    if verdict.broken is not None:
        echo(f"ledger verify: BROKEN: {verdict.broken}", file=sys.stderr)
        return EXIT_OTHER
    keyed = " (HMAC-keyed)" if verdict.keyed else ""
    before = (
        f"; {verdict.unchained} record(s) from before the chain are not chained"
        if verdict.unchained
        else ""
    )
    echo(
        f"ledger verify: {verdict.chained} chained record(s) intact{keyed}{before}; "
        f"newest digest {verdict.head}"
    )
    return EXIT_OK


def cmd_history(args: argparse.Namespace) -> int:
    from pmo_opt.ledger import Ledger, history_text

    with Ledger(args.ledger) as ledger:
        warn_broken(ledger)
        table = ledger.history(project=args.project, since=args.since)
    echo(history_text(table, args.project))
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        table.to_csv(args.out, index=False)
        echo(f"written: {args.out}")
    return EXIT_OK


def cmd_diff(args: argparse.Namespace) -> int:
    from pmo_opt.ledger import Ledger, diff_text

    with Ledger(args.ledger) as ledger:
        warn_broken(ledger)
        echo(diff_text(ledger.diff(args.run_a, args.run_b)))
    return EXIT_OK


def add_ledger(p: argparse.ArgumentParser, skip: bool = False) -> None:
    p.add_argument(
        "--ledger",
        default=None,
        metavar="URL",
        help="the decision ledger, e.g. sqlite:///ledger.sqlite or "
        "postgresql+psycopg://user@host/db (default: $PMO_OPT_LEDGER, else ledger.sqlite here)",
    )
    if skip:
        p.add_argument("--no-ledger", action="store_true", help="do not record this run")


def add_ledger_commands(sub) -> None:
    p = sub.add_parser(
        "approve",
        help="make a recorded run's plan the approved plan of its portfolio  "
        "e.g. approve out/ --by Board",
        description="Make a recorded run's plan the approved plan of its portfolio.",
    )
    p.add_argument("run", metavar="RUN_ID|DIR", help="a run id, or a report / plan folder")
    p.add_argument("--by", required=True, metavar="NAME", help="who approves")
    p.add_argument("--note", default="", metavar="TEXT", help="why (a board decision, a ticket)")
    add_ledger(p)
    p.set_defaults(func=cmd_approve)
    p = sub.add_parser(
        "history",
        help="runs and approvals in the ledger  e.g. history --project P020",
        description="What was decided, when, on which data; which plans were approved.",
    )
    p.add_argument("--project", default=None, metavar="ID", help="only this project's decisions")
    p.add_argument("--since", default=None, metavar="YYYY-MM-DD", help="only from this day on")
    p.add_argument("--out", default=None, metavar="FILE.csv", help="also write the table here")
    add_ledger(p)
    p.set_defaults(func=cmd_history)
    p = sub.add_parser(
        "diff",
        help="projects entering, leaving and moving between two runs  e.g. diff RUN_A RUN_B",
        description="Projects entering, leaving and moving between two recorded runs' plans, "
        "and the inputs that changed.",
    )
    p.add_argument("run_a", metavar="RUN_A", help="a run id, or a report / plan folder")
    p.add_argument("run_b", metavar="RUN_B", help="a run id, or a report / plan folder")
    add_ledger(p)
    p.set_defaults(func=cmd_diff)
    p = sub.add_parser(
        "ledger",
        help="check the ledger's hash chain  e.g. ledger verify",
        description="Check that no run, decision, file hash or approval was changed outside "
        "pmo-opt (set PMO_OPT_LEDGER_KEY to the ledger's key when it is keyed).",
    )
    p.add_argument("action", choices=["verify"], help="verify: check the hash chain")
    add_ledger(p)
    p.set_defaults(func=cmd_verify)
