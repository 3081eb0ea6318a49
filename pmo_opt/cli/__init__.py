"""The ``pmo-opt`` command. Exit codes: 0 a plan / success, 2 bad input, 3 infeasible, 1 other.

The parser and ``main`` are here; the commands live by noun: :mod:`~pmo_opt.cli.plan`,
:mod:`~pmo_opt.cli.analyses`, :mod:`~pmo_opt.cli.ledger` (``approve``, ``history``, ``diff``),
:mod:`~pmo_opt.cli.inputs` (``validate``, reading a command's inputs), with
:mod:`~pmo_opt.cli.outputs` (the ``--out`` folder) and :mod:`~pmo_opt.cli.terminal` (exit codes,
safe printing).
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys

from pmo_opt import __version__
from pmo_opt.cli.analyses import (
    cmd_compare,
    cmd_explain,
    cmd_frontier,
    cmd_montecarlo,
    cmd_rank,
    cmd_report,
)
from pmo_opt.cli.importing import add_import_commands
from pmo_opt.cli.inputs import cmd_validate
from pmo_opt.cli.ledger import add_ledger, add_ledger_commands
from pmo_opt.cli.plan import cmd_plan
from pmo_opt.cli.terminal import (
    EXIT_INFEASIBLE,
    EXIT_INPUT,
    EXIT_OK,
    EXIT_OTHER,
    echo,
)
from pmo_opt.errors import InfeasibleError, InputError, LedgerError, PmoError

__all__ = ["EXIT_INFEASIBLE", "EXIT_INPUT", "EXIT_OK", "EXIT_OTHER", "build_parser", "main"]


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
  pmo-opt import mspdi plans/*.xml --out portfolio/ --criteria-from data/sample
  pmo-opt template intake.xlsx --from data/sample
"""


def add_scheduler(p: argparse.ArgumentParser) -> None:
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
            add_ledger(p, skip=True)
        if name == "frontier":
            p.add_argument("--points", type=int, default=11, help="budget levels (default 11)")
            p.add_argument(
                "--stability",
                action="store_true",
                help="value against the number of changes from the scenario's baseline plan "
                "(needs --set baseline=PLAN.csv); write stability.csv",
            )
            p.add_argument("--workers", type=int, default=None, help="processes (all cores)")
            add_scheduler(p)
    p = add(
        "report", cmd_report, "run the notebooks into a dated report folder", "report data/sample"
    )
    p.add_argument("--scenario", action="append", help="scenario YAML; repeat for several")
    p.add_argument("--out", default=None, help="reports folder (default reports/)")
    p.add_argument(
        "--timeout", type=float, default=600, help="seconds a notebook cell may run (default 600)"
    )
    add_ledger(p, skip=True)
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
        add_scheduler(p)
    add_ledger_commands(sub)
    add_import_commands(sub)
    return parser


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
        echo(f"stopped: {str(exc) or 'interrupted (SIGINT)'}", file=sys.stderr)
        return EXIT_OTHER
    except BrokenPipeError:
        # the reader went away (| head): stop quietly, as other command-line tools do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OTHER
    except InputError as exc:
        echo(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except InfeasibleError as exc:
        echo(f"infeasible: {exc}", file=sys.stderr)
        return EXIT_INFEASIBLE
    except LedgerError as exc:
        echo(f"ledger: {exc}", file=sys.stderr)
        return EXIT_INPUT if exc.input_error else EXIT_OTHER
    except PmoError as exc:
        echo(f"error: {exc}", file=sys.stderr)
        return EXIT_OTHER
    except OSError as exc:  # the environment: a read-only folder, a full disk, no permission
        where = f"{exc.filename}: " if exc.filename else ""
        echo(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_OTHER
    except MemoryError:
        echo(
            "error: out of memory; the input is larger than this machine can plan "
            "(README, 'Limits and safety')",
            file=sys.stderr,
        )
        return EXIT_OTHER
