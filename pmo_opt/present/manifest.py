"""The report's ``manifest.json``: what a run read (hashes of the inputs), with what (versions,
git commit), what the solver said, and every file it produced with its hash."""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
from collections.abc import Mapping
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from pmo_opt import paths
from pmo_opt.paths import sha256

SUMMARY_FILE = "summary.json"
MANIFEST_FILE = "manifest.json"
VERSIONED_PACKAGES = ("pmo-opt", "pandas", "pulp", "highspy", "ortools", "papermill", "nbconvert")


def input_files(portfolio: Path, scenario_file: Path | None) -> list[tuple[str, Path]]:
    """(kind, path) of every input: each CSV of a portfolio folder, or the workbook; the scenario."""
    files = sorted(portfolio.glob("*.csv")) if portfolio.is_dir() else [portfolio]
    out = [("portfolio", f) for f in files]
    if scenario_file is not None:
        out.append(("scenario", scenario_file))
    return out


def shown(path: Path) -> str:
    """A path as the manifest shows it: relative to the project root when inside it."""
    try:
        return path.resolve().relative_to(paths.ROOT).as_posix()
    except ValueError:
        return path.resolve().as_posix()


def package_versions() -> dict[str, str | None]:
    """Versions of the packages a result depends on, and of Python."""
    out: dict[str, str | None] = {}
    for name in VERSIONED_PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    out["python"] = platform.python_version()
    return out


def git_commit(root: Path = paths.ROOT) -> tuple[str | None, bool | None]:
    """The commit checked out in ``root`` and whether the tree has changes; ``None`` if unknown."""

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", *args], cwd=root, capture_output=True, text=True, timeout=10
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if commit is None:
        return None, None
    status = git("status", "--porcelain", "--untracked-files=no")
    return commit.strip(), (bool(status.strip()) if status is not None else None)


def solver_facts(folder: Path) -> dict[str, Any] | None:
    path = folder / SUMMARY_FILE
    if not path.is_file():
        return None
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"status": None, "gap": None, "error": f"{SUMMARY_FILE} is not valid JSON"}
    keys = ("status", "gap", "objective", "bound", "solver")
    return {k: summary.get(k) for k in keys} if isinstance(summary, dict) else None


def produced(folder: Path) -> list[dict[str, Any]]:
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST_FILE)
    return [
        {"path": p.relative_to(folder).as_posix(), "sha256": sha256(p), "bytes": p.stat().st_size}
        for p in files
    ]


def write_manifest(folder: Path, facts: Mapping[str, Any]) -> Path:
    """Write ``manifest.json``: ``facts`` plus every file the run left in ``folder``."""
    manifest = {**facts, "files": produced(folder)}
    target = folder / MANIFEST_FILE
    target.write_text(json.dumps(manifest, indent=2, default=str) + "\n", encoding="utf-8")
    return target


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def fingerprint(inputs: list[dict[str, Any]], length: int = 12) -> str:
    """A short hash of the input files' hashes (``inputs`` as the manifest lists them): the
    same data gives the same fingerprint on every page, any changed byte another one."""
    digest = hashlib.sha256()
    for item in sorted(inputs, key=lambda i: (i["kind"], i["path"])):
        digest.update(f"{item['kind']}:{item['sha256']}\n".encode())
    return digest.hexdigest()[:length]
