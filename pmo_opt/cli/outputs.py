"""The ``--out`` folder of a command: checked and cleared before any work, and every file written
into it recorded (:mod:`pmo_opt.present.outdir`); tables written as CSV."""

from __future__ import annotations

import argparse
from pathlib import Path

from pmo_opt.cli.terminal import echo
from pmo_opt.text import csv_safe_frame


def prepare_out_folder(args: argparse.Namespace) -> None:
    """Check (and clear) ``--out`` before any work: a bad folder fails in a second, not after
    the solve (:mod:`pmo_opt.outdir`)."""
    if getattr(args, "out", None):
        from pmo_opt.present.outdir import prepare_out

        prepare_out(args.out)


def record_out_files(out: str | None, *names: str) -> None:
    if out:
        from pmo_opt.present.outdir import record_out

        record_out(out, names)


def write_tables(out: str | None, tables: dict[str, object]) -> None:
    """Write each DataFrame as ``<name>.csv`` into ``out`` and say so."""
    if not out:
        return
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        csv_safe_frame(table).to_csv(folder / f"{name}.csv", index=False)
    record_out_files(out, *(f"{n}.csv" for n in tables))
    echo(f"written: {', '.join(str(folder / f'{n}.csv') for n in tables)}")
