"""Where things live. Notebooks and papermill run from different folders: ask here, never guess."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PACKAGE_DIR.parent
DATA_DIR = ROOT / "data"
SAMPLE_DIR = DATA_DIR / "sample"
SAMPLE_XLSX = DATA_DIR / "sample.xlsx"
SCENARIOS_DIR = DATA_DIR / "scenarios"
NOTEBOOKS_DIR = ROOT / "notebooks"
REPORTS_DIR = ROOT / "reports"
BENCHDATA_DIR = ROOT.parent / "shared" / "benchdata"


def resolve(path: str | Path) -> Path:
    """Resolve ``path`` against the project root when it is relative and not found as given."""
    p = Path(path).expanduser()
    if p.is_absolute() or p.exists():
        return p.resolve()
    return (ROOT / p).resolve()
