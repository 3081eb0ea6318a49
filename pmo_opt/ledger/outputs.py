"""The files a run wrote that an approval is bound to, and the check that a folder still holds
them as written: ``approve FOLDER`` and ``diff FOLDER`` refuse a folder whose plan, summary or
pages were edited after the run (what is approved is what the approver pointed at).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

#: files of a plan folder bound to its run (besides the report pages, *.html and *.xlsx)
BOUND_FILES = ("plan.csv", "summary.json", "load.csv", "manifest.json")
_PAGES = ("*.html", "*.xlsx")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def output_hashes(folder: str | Path | None) -> dict[str, str]:
    """File name -> sha256 of the bound files in ``folder`` (empty when there is no folder)."""
    if folder is None or not Path(folder).is_dir():
        return {}
    root = Path(folder)
    files = [root / name for name in BOUND_FILES]
    files += [p for pattern in _PAGES for p in sorted(root.glob(pattern))]
    return {p.name: _sha256(p) for p in files if p.is_file()}


def edited_files(folder: str | Path, recorded: dict[str, str]) -> list[str]:
    """What differs between ``folder`` and the hashes its run recorded, in plain words.

    Parameters
    ----------
    folder
        A plan or report folder.
    recorded
        The run's ``run_files`` (file name -> sha256).

    Returns
    -------
    list of str
        ``'plan.csv was edited after the run'``, ``'summary.json is missing'``; empty when the
        folder holds what the run wrote.
    """
    now = output_hashes(folder)
    out = []
    for name in sorted(recorded):
        if name not in now:
            out.append(f"{name} is missing")
        elif now[name] != recorded[name]:
            out.append(f"{name} was edited after the run")
    return out
