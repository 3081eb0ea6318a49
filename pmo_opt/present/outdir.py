"""The ``--out`` folder of a command: checked before any work, never a mix of old and new files.

Policy (README, "Limits and safety"):

- ``--out`` must be a folder (created when missing) that this user can write to; this is checked
  before the portfolio is solved, so a typo costs nothing. A file in its place is an input error
  (exit 2); a folder that cannot be written is an environment error (exit 1).
- Every command that writes into ``--out`` records the files it wrote in ``.pmo-opt-files.json``
  there. The next command writing into the same folder first deletes exactly those files (and
  nothing else), so an old ``diagnosis.csv`` can never sit beside a new ``summary.json``.
- A file named like a pmo-opt output (``plan.csv``, ``summary.json``, ...) that no record lists
  (written by hand, or by an older pmo-opt) makes the command stop with exit 2 before any work:
  pmo-opt does not delete what it did not write. Other files in the folder are left alone.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

from pmo_opt.errors import InputError, PmoError, Problem

RECORD = ".pmo-opt-files.json"
#: names pmo-opt commands write into --out
OUTPUT_NAMES = re.compile(
    r"^(plan|load|diagnosis|ranking|frontier|why_not|binding|hiring|compare_\w+|montecarlo_\w+)"
    r"\.csv$|^summary\.json$"
)


def prepare_out(out: str | Path) -> Path:
    """Check and clear ``out`` before a command runs; return it as a folder that exists.

    Parameters
    ----------
    out
        The ``--out`` argument.

    Returns
    -------
    Path
        The folder, created if missing, with the files of the previous pmo-opt run removed.

    Raises
    ------
    InputError
        ``out`` is a file, or holds pmo-opt output files that no record lists.
    PmoError
        The folder cannot be created or written (read-only, ``/proc``, no permission).
    """
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise InputError(
            [Problem("--out", None, None, f"{out} is a file, not a folder; give a folder name")]
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".pmo-opt-probe-"):
            pass
    except OSError as exc:
        raise PmoError(
            f"cannot write to --out {out}: {exc.strerror or exc}; choose a folder you can write to"
        ) from None
    recorded = _recorded(folder)
    stale = sorted(
        p.name
        for p in folder.iterdir()
        if p.is_file() and OUTPUT_NAMES.match(p.name) and p.name not in recorded
    )
    if stale:
        raise InputError(
            [
                Problem(
                    "--out",
                    None,
                    None,
                    f"{out} already holds {', '.join(stale)}, not written by a recorded pmo-opt "
                    "run; pmo-opt never mixes old and new results: delete those files or give "
                    "a new folder",
                )
            ]
        )
    for name in recorded:
        target = folder / name
        if target.is_file():
            target.unlink()
    (folder / RECORD).unlink(missing_ok=True)
    return folder


def record_out(folder: str | Path, names: Iterable[str]) -> None:
    """Record the files a command wrote into ``folder`` (added to what is already recorded)."""
    folder = Path(folder)
    files = sorted(set(_recorded(folder)) | {Path(n).name for n in names})
    text = json.dumps({"written_by": "pmo-opt", "files": files}, indent=1) + "\n"
    target = folder / RECORD
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, target)


def _recorded(folder: Path) -> list[str]:
    try:
        data = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    files = data.get("files", []) if isinstance(data, dict) else []
    # names only: a record can never make pmo-opt delete outside the folder
    return [
        f for f in files if isinstance(f, str) and f == Path(f).name and f not in ("", ".", "..")
    ]
