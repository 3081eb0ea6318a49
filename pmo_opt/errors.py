"""Exceptions: one root, small subclasses that carry the facts."""

from __future__ import annotations

from dataclasses import dataclass

#: problems an InputError's message lists; the rest are counted (all stay in ``problems``)
MAX_LISTED = 50


@dataclass(frozen=True)
class Problem:
    """One problem found in the input, located as precisely as we can.

    ``row`` is the 1-based line number in the file as a spreadsheet shows it (the header is
    row 1, the first data row is row 2), or ``None`` when the problem is about the whole table
    or a column.
    """

    file: str
    row: int | None
    column: str | None
    message: str
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        where = self.file
        where += f":{self.row}" if self.row is not None else ":-"
        where += f":{self.column}" if self.column else ":-"
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{where}: {prefix}{self.message}"


class PmoError(Exception):
    """Root of every error pmo-opt raises on purpose."""


class InputError(PmoError):
    """The input (portfolio files, scenario, parameters) is wrong; ``problems`` lists every issue."""

    def __init__(self, problems: list[Problem] | list[str] | str):
        if isinstance(problems, str):
            problems = [problems]
        self.problems = list(problems)
        errors = [p for p in self.problems if getattr(p, "severity", "error") == "error"]
        warnings = len(self.problems) - len(errors)
        head = f"{len(errors)} error(s)" + (f" and {warnings} warning(s)" if warnings else "")
        head += " in the input:"
        # errors first: the listing is capped, and what must be fixed comes before warnings
        shown = sorted(self.problems, key=lambda p: getattr(p, "severity", "error") != "error")
        lines = [f"  {p}" for p in shown[:MAX_LISTED]]
        if len(shown) > MAX_LISTED:
            lines.append(
                f"  ... and {len(shown) - MAX_LISTED} more (the first {MAX_LISTED} are listed; "
                "fix these and run again)"
            )
        super().__init__("\n".join([head, *lines]))

    def __reduce__(self):
        # rebuilt from its problems, so that an error raised in a sweep's worker process
        # (or on a Dask worker) arrives with its file, row and column intact
        return (type(self), (self.problems,))


class InfeasibleError(PmoError):
    """No plan satisfies every constraint; ``diagnosis`` says what to relax, in words."""

    def __init__(self, message: str, diagnosis: list[str] | None = None):
        self.diagnosis = list(diagnosis or [])
        self.text = message
        super().__init__("\n".join([message, *(f"  - {d}" for d in self.diagnosis)]))

    def __reduce__(self):
        return (type(self), (self.text, self.diagnosis))


class SolverError(PmoError):
    """The solver failed for a reason other than the model (not installed, crashed)."""

    def __init__(self, message: str, solver: str = ""):
        self.solver = solver
        super().__init__(message)

    def __reduce__(self):
        return (type(self), (self.args[0], self.solver))


class LedgerError(PmoError):
    """The decision ledger cannot do what was asked: it is locked, read-only, corrupt,
    unreachable or too new (``input_error`` False: the environment), or the request is wrong,
    e.g. an unknown run or a plan that cannot be approved (``input_error`` True). The message
    names the ledger's URL (password masked) and the fix; ``url`` is that masked URL,
    ``run_id`` the run concerned (empty when none)."""

    def __init__(self, message: str, url: str = "", run_id: str = "", input_error: bool = False):
        self.url = url
        self.run_id = run_id
        self.input_error = input_error
        super().__init__(message)

    def __reduce__(self):
        return (type(self), (self.args[0], self.url, self.run_id, self.input_error))
