"""A report run in the decision ledger: the one plan the report solved, checked, with the
reasons its left-out projects were given; a failed run recorded as failed. The report runner
hands the record over once the run's folder is in place, so a ledger failure never costs a
report."""

from __future__ import annotations

import dataclasses
import shlex
from pathlib import Path
from typing import Any

import pandas as pd

from pmo_opt.errors import PmoError
from pmo_opt.present.manifest import shown


def new_run_id() -> str:
    """A fresh, sortable run id (:func:`pmo_opt.ledger.new_run_id`)."""
    from pmo_opt.ledger import new_run_id as ledger_run_id

    return ledger_run_id()


def resolve_report_baseline(
    value: str, ledger_url: str | None, portfolio_path: Path, folder: Path
) -> tuple[Path, dict[str, str]]:
    """The ``plan.csv`` a report re-plans against and where it came from: a path as given
    (its provenance is its hash), or ``approved`` / a run id looked up in the ledger and written
    as ``folder/baseline.csv`` (:func:`pmo_opt.ledger.baseline_source.ledger_baseline`), so the
    report keeps the plan it was measured against.

    Raises
    ------
    InputError
        A word that needs the ledger while the report runs without one.
    """
    from pmo_opt.inputs.baseline import resolve_baseline
    from pmo_opt.paths import sha256

    found: dict[str, str] = {}

    def from_ledger(word: str) -> Path:
        from pmo_opt.errors import InputError, Problem
        from pmo_opt.ledger import Ledger
        from pmo_opt.ledger.baseline_source import ledger_baseline

        if ledger_url is None:
            raise InputError(
                [
                    Problem(
                        "scenario",
                        None,
                        "baseline",
                        f"{word!r} is looked up in the ledger, "
                        "but the report runs without one: drop --no-ledger or give a plan.csv",
                    )
                ]
            )
        with Ledger(ledger_url) as ledger:
            target, source = ledger_baseline(ledger, word, portfolio_path, folder)
        found.update(source.to_dict())
        return target

    path = resolve_baseline(value, from_ledger)
    return path, found or {"path": shown(path), "sha256": sha256(path)}


def record_in_ledger(
    url: str,
    *,
    run_id: str,
    started: str,
    folder: Path,
    portfolio_path: Path,
    scenario_file: Path | None,
    scenario: Any,
    portfolio: Any | None,
    plan: Any | None,
    failure: Any | None,
    tables_dir: str = "tables",
    facts: Any | None = None,
) -> str | None:
    """Record a finished report run in the ledger at ``url``; the error text when that failed.

    Parameters
    ----------
    url
        The ledger's database URL.
    run_id, started
        The run's id (also in ``manifest.json``) and its start time (UTC, ISO).
    folder
        The report folder, in place (``-FAILED`` included).
    portfolio_path, scenario_file
        What the command was given, for the recorded command line and input hashes.
    scenario, portfolio, plan
        The resolved scenario, the loaded portfolio and the report's one plan (``None`` when
        the run failed before it or the scenario could not be solved as given).
    failure
        The notebook failure, when the run failed.
    tables_dir
        The report's table folder, where ``explanations.csv`` gives the left-out reasons.
    facts
        The report's :class:`~pmo_opt.analysis.report_facts.ReportFacts`: the check verdict
        the pages state is the one recorded, and a re-plan's baseline is recorded as the run
        it came from (``scenario.baseline`` is that run id) and the hash of its plan file.

    Returns
    -------
    str or None
        ``None`` when recorded; otherwise what went wrong, naming the ledger and the fix.
    """
    from pmo_opt.ledger import Ledger, failed_record, record_from_plan

    common = {
        "run_id": run_id,
        "started_at": started,
        "command": _command(portfolio_path, scenario_file),
        "portfolio_path": portfolio_path,
        "scenario_path": scenario_file,
        "out_dir": folder,
    }
    try:
        if failure is not None or plan is None or portfolio is None:
            error = str(failure) if failure is not None else ""
            record = failed_record(**common, scenario=scenario, error=error)
            if failure is None:  # a report with no plan of its own: nothing to approve
                record = dataclasses.replace(record, status="no_solution", error=None)
        else:
            source = facts.baseline if facts is not None else {}
            if source.get("run_id"):
                scenario = scenario.replace(baseline=source["run_id"])
            record = record_from_plan(
                **common,
                portfolio=portfolio,
                scenario=scenario,
                plan=plan,
                reasons=_reasons(folder / tables_dir),
                check_passed=facts.check_passed if facts is not None else None,
                baseline_hash=source.get("sha256"),
            )
        with Ledger(url) as ledger:
            ledger.record_run(record)
    except PmoError as exc:
        return str(exc)
    except (OSError, ValueError, KeyError, TypeError) as exc:  # an unreadable explanations table
        return f"run {run_id} was not recorded: {folder}: {exc!r}"
    return None


def _reasons(tables: Path) -> dict[str, str]:
    path = tables / "explanations.csv"
    if not path.is_file():
        return {}
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    if not {"project_id", "reason"} <= set(table.columns):
        return {}
    return {p: r for p, r in zip(table["project_id"], table["reason"], strict=True) if r}


def _command(portfolio: Path, scenario_file: Path | None) -> str:
    words = ["pmo-opt", "report", shown(portfolio)]
    return shlex.join(words + (["--scenario", shown(scenario_file)] if scenario_file else []))
