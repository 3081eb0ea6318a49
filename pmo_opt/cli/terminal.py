"""The terminal of the ``pmo-opt`` command: its exit codes, ``echo`` (``print`` made safe for data
text) and progress lines on stderr."""

from __future__ import annotations

import sys

from pmo_opt.text import terminal_safe

EXIT_OK, EXIT_OTHER, EXIT_INPUT, EXIT_INFEASIBLE = 0, 1, 2, 3


def echo(*parts: object, sep: str = " ", end: str = "\n", file=None, flush: bool = False) -> None:
    """``print`` for the terminal: data text (ids, names, headers, messages quoting cells)
    cannot send escape sequences to it; control characters are shown as ``\\x1b`` etc."""
    text = sep.join(terminal_safe(p) for p in parts)
    print(text, end=end, file=file if file is not None else sys.stdout, flush=flush)


def progress(message: str) -> None:
    """A progress line on stderr (long loads; see ``data.load_portfolio``)."""
    echo(f"... {message}", file=sys.stderr, flush=True)
