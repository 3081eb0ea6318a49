"""Bringing data in: ``import mspdi`` (MS Project XML schedules -> a portfolio) and
``template`` (an intake workbook for project sponsors)."""

from __future__ import annotations

import argparse

from pmo_opt.cli.terminal import EXIT_OK, echo


def add_import_commands(sub) -> None:
    """Register ``import`` (with sub-command ``mspdi``) and ``template``."""
    p = sub.add_parser(
        "import",
        help="bring schedules in as a portfolio  e.g. import mspdi plans/*.xml --out portfolio/",
        description="Bring the PMO's own data in as a portfolio.",
    )
    kinds = p.add_subparsers(dest="kind", metavar="FORMAT", required=True)
    m = kinds.add_parser(
        "mspdi",
        help="MS Project XML files (MS Project, ProjectLibre, GanttProject, ...)",
        description="Import MS Project XML (MSPDI) schedules: one project per file (or per task "
        "at --split-level); benefit and criteria scores are left blank to fill in.",
    )
    m.add_argument("files", nargs="+", metavar="FILE", help="MS Project XML files")
    m.add_argument("--out", required=True, help="a folder to write (or an .xlsx workbook)")
    m.add_argument("--split-level", type=int, default=None, metavar="N",
                   help="make each task at outline level N a project")  # fmt: skip
    m.add_argument("--role-field", default=None, metavar="FIELD",
                   help="resource field holding the role: an element (Code), a custom field's "
                   "alias, name (Text1) or FieldID; default Group, else the resource name")  # fmt: skip
    m.add_argument("--criteria-from", default=None, metavar="PORTFOLIO",
                   help="copy the criteria of this portfolio (default: a standard set of four)")  # fmt: skip
    m.add_argument("--merge-into", default=None, metavar="PORTFOLIO",
                   help="update the projects of this portfolio (matched by id or name), keeping "
                   "their benefit and scores; written to --out, the portfolio is not changed")  # fmt: skip
    m.add_argument("--as-of", default=None, metavar="YYYY-MM",
                   help="keep only the remaining work; started projects become in_flight")  # fmt: skip
    m.set_defaults(func=cmd_import_mspdi)
    t = sub.add_parser(
        "template",
        help="write an intake workbook to send to sponsors  e.g. template intake.xlsx",
        description="Write an intake workbook: instructions, one sheet per table with a note on "
        "each column, dropdowns and number checks.",
    )
    t.add_argument("workbook", metavar="FILE.xlsx", help="the workbook to write")
    t.add_argument("--from", dest="source", default=None, metavar="PORTFOLIO",
                   help="fill it with this portfolio's tables")  # fmt: skip
    t.set_defaults(func=cmd_template)


def cmd_import_mspdi(args: argparse.Namespace) -> int:
    from pmo_opt.inputs.mspdi.importer import run_import

    if args.split_level is not None and args.split_level < 1:
        from pmo_opt.errors import InputError

        raise InputError("--split-level: outline levels start at 1 (the tasks under the project)")
    result = run_import(
        args.files,
        args.out,
        split_level=args.split_level,
        role_field=args.role_field,
        criteria_from=args.criteria_from,
        merge_into=args.merge_into,
        as_of=args.as_of,
    )
    echo(result.report, end="")
    echo(f"wrote {', '.join(str(p) for p in result.written)}")
    return EXIT_OK


def cmd_template(args: argparse.Namespace) -> int:
    from pmo_opt.inputs.template import write_template

    path = write_template(args.workbook, args.source)
    echo(f"wrote {path}")
    return EXIT_OK
