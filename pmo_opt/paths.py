"""Where things live. Notebooks and papermill run from different folders: ask here, never guess."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PACKAGE_DIR.parent
DATA_DIR = ROOT / "data"
SAMPLE_DIR = DATA_DIR / "sample"
SAMPLE_XLSX = DATA_DIR / "sample.xlsx"
SCENARIOS_DIR = DATA_DIR / "scenarios"
NOTEBOOKS_DIR = ROOT / "notebooks"
REPORTS_DIR = ROOT / "reports"
#: the few public benchmark instances the tests use, vendored with their source and terms
INSTANCES_DIR = ROOT / "benchmarks" / "instances"


def benchdata_dir() -> Path:
    """Where larger benchmark sets live: ``$PMO_OPT_BENCHDATA`` (same layout: ``knapsack/``,
    ``rcpsp/``), else the vendored :data:`INSTANCES_DIR`."""
    given = os.environ.get("PMO_OPT_BENCHDATA")
    return Path(given).expanduser().resolve() if given else INSTANCES_DIR


def resolve(path: str | Path) -> Path:
    """Resolve ``path`` against the project root when it is relative and not found as given."""
    p = Path(path).expanduser()
    if p.is_absolute() or p.exists():
        return p.resolve()
    return (ROOT / p).resolve()


def sha256(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes, read in 1 MiB blocks (the manifest's and the ledger's
    fingerprint of an input)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
