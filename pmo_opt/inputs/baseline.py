"""The baseline plan of a re-plan: read once, rolled forward to ``as_of``, shared by every engine.

A re-plan starts from an approved plan, given to the engines as a plain ``plan.csv``
(``project_id``, ``selected`` 0/1, ``start``, ``finish``, as :meth:`Plan.write` writes it).
The words ``approved`` or a run id are the ledger's to resolve (the command line and the report
runner pass a ``resolver``); this layer knows only files.

Rolling forward (:func:`replan_inputs`): a baseline project that started before ``as_of`` is in
flight: its start stays, only its remaining months are planned (status ``in_flight``, remaining
duration, demand and cost of the remaining months), unless the portfolio's own data already
says otherwise (it lists the project ``in_flight``, or no longer lists it): the data wins. A
baseline project that finished before ``as_of`` is complete and leaves the re-plan.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pmo_opt.errors import InputError, Problem
from pmo_opt.inputs import months
from pmo_opt.inputs.baseline_file import COLUMNS, read_baseline  # noqa: F401 - re-exported
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import Scenario, resolve_horizon
from pmo_opt.paths import resolve

#: baseline values the ledger resolves (besides run ids)
LEDGER_WORDS = ("approved",)
#: ids named one by one in a warning; the rest are counted
MAX_NAMED = 10


def resolve_baseline(value: str | Path, resolver: Callable[[str], Path] | None = None) -> Path:
    """The ``plan.csv`` a scenario's ``baseline`` names.

    Parameters
    ----------
    value
        A path to a ``plan.csv`` (or to a folder holding one; relative paths are also tried
        against the project root), ``approved``, or a ledger run id.
    resolver
        ``resolver(value) -> Path`` of a ``plan.csv``: the ledger's lookup of ``approved`` and
        run ids (given by the command line and the report runner).

    Raises
    ------
    InputError
        When no such file exists and no resolver is given, saying how to use the ledger.
    """
    text = str(value).strip()
    path = resolve(text)
    if path.is_dir():
        path = path / "plan.csv"
    if path.is_file():
        return path
    if resolver is not None:
        return Path(resolver(text))
    what = (
        "is the ledger's approved plan"
        if text.lower() in LEDGER_WORDS
        else "is neither a plan.csv file nor a folder holding one (a run id is looked up in the ledger)"
    )
    raise InputError(
        [
            Problem(
                "scenario",
                None,
                "baseline",
                f"{text!r} {what}; give the path of a plan.csv, or run "
                f"`pmo-opt plan PORTFOLIO --set baseline={text} ...` with a ledger "
                "(--ledger URL or PMO_OPT_LEDGER) so that the command line resolves it",
            )
        ]
    )


def baseline_warnings(portfolio: Portfolio, scenario: Scenario) -> list[Problem]:
    """Baseline projects the portfolio does not list, as one warning (a count and a capped list).

    They are taken as cancelled; an id that was never in the portfolio (another portfolio's
    plan, a typo) would otherwise pass unnoticed. ``portfolio`` is the one read from the data,
    before :func:`replan_inputs` drops completed work.
    """
    if scenario.baseline is None:
        return []
    path = resolve_baseline(scenario.baseline)
    table = read_baseline(path)
    missing = [p for p in table.index[table["selected"]] if p not in portfolio.projects.index]
    if not missing:
        return []
    shown = ", ".join(map(repr, missing[:MAX_NAMED]))
    more = f", ... ({len(missing):,} in all)" if len(missing) > MAX_NAMED else ""
    return [
        Problem(
            path.name,
            None,
            "project_id",
            f"{len(missing):,} selected project(s) of the baseline are not in the portfolio "
            f"and are taken as cancelled: {shown}{more}; if that is not so, check that the "
            "baseline is this portfolio's approved plan",
            "warning",
        )
    ]


@dataclass(frozen=True)
class Baseline:
    """A baseline plan as the re-planned portfolio sees it.

    Attributes
    ----------
    table : index ``project_id`` (projects of the re-planned portfolio that the baseline names):
        ``selected`` (bool), ``start`` (the baseline start; the horizon start for work in
        flight), ``original_start``, ``in_flight`` (bool), ``frozen`` (bool).
    gone : baseline projects that the portfolio no longer lists (cancelled, or completed).
    horizon_start : the re-plan's first month (``as_of``).
    """

    table: pd.DataFrame
    gone: tuple[str, ...]
    horizon_start: str

    def selected(self, p: str) -> bool:
        return bool(p in self.table.index and self.table.at[p, "selected"])

    def start_index(self, p: str) -> int | None:
        """The baseline start of ``p`` in months from the horizon start (``None``: not in it)."""
        if not self.selected(p):
            return None
        return months.to_ordinal(self.table.at[p, "start"]) - months.to_ordinal(self.horizon_start)

    @property
    def frozen(self) -> list[str]:
        return list(self.table.index[self.table["frozen"]])


def next_cycle(path: str | Path) -> tuple[Path, str] | None:
    """The same portfolio at a later planning cycle, stored beside it as ``<name>-YYYY-MM``
    (``data/sample`` -> ``data/sample-2027-04``), and that month; the latest when there are
    several, ``None`` when there is none."""
    p = Path(path)
    stem = p.stem if p.suffix else p.name
    found = []
    for other in p.parent.glob(f"{stem}-*"):
        month = other.name[len(stem) + 1 :]
        if (other / "projects.csv").is_file() and months.is_month(month) and len(month) == 7:
            found.append((months.to_ordinal(month), other, month))
    if not found:
        return None
    _, folder, month = max(found)
    return folder, month


def as_of_month(portfolio: Portfolio, scenario: Scenario) -> str:
    """The re-plan's first month: ``as_of``, else ``horizon_start``, else the data's first month."""
    if scenario.as_of is not None:
        return months.normalise(scenario.as_of)
    return resolve_horizon(portfolio, scenario)[0]


def replan_inputs(
    portfolio: Portfolio, scenario: Scenario, resolver: Callable[[str], Path] | None = None
) -> tuple[Portfolio, Scenario]:
    """The portfolio and scenario of a re-plan, rolled forward to ``as_of`` (module docstring).

    Without a baseline both come back unchanged. Applying it twice changes nothing more: work
    rolled forward is ``in_flight`` and the data wins over the baseline. The scenario that comes
    back names the baseline by its resolved path and starts its horizon at ``as_of`` (unless it
    set ``horizon_start`` itself).
    """
    if scenario.baseline is None:
        return portfolio, scenario
    path = resolve_baseline(scenario.baseline, resolver)
    table = read_baseline(path)
    first = as_of_month(portfolio, scenario)
    a = months.to_ordinal(first)
    pr = portfolio.projects.copy()
    demand = portfolio.demand.copy()
    done: list[str] = []
    # only projects the portfolio lists roll forward (a baseline of 100,000 unknown ids is fast)
    known = table[table["selected"] & table.index.isin(pr.index)]
    for p, row in known.iterrows():
        if pr.at[p, "status"] == "in_flight":
            continue  # the data wins: cancelled, or already rolled forward with its own duration
        elapsed = a - months.to_ordinal(row["start"])
        if elapsed <= 0:
            continue
        duration = int(pr.at[p, "duration"])
        if elapsed >= duration:
            done.append(p)
            continue
        left = duration - elapsed
        for col in ("cost", "cost_low", "cost_high"):
            if col in pr.columns and pd.notna(pr.at[p, col]):
                pr.at[p, col] = float(pr.at[p, col]) * left / duration
        pr.at[p, "duration"] = left
        pr.at[p, "status"] = "in_flight"
        pr.at[p, "earliest_start"] = None
        mine = demand["project_id"] == p
        demand.loc[mine, "month_offset"] = demand.loc[mine, "month_offset"] - elapsed
        demand = demand[~mine | (demand["month_offset"] >= 0)]
    if done:
        pr = pr.drop(index=done)
        demand = demand[~demand["project_id"].isin(done)]
    deps = portfolio.dependencies
    deps = deps[~deps["project_id"].isin(done) & ~deps["depends_on"].isin(done)]
    scores = portfolio.scores
    if len(scores) and "project_id" in scores.columns:
        scores = scores[~scores["project_id"].isin(done)]
    rolled = dataclasses.replace(
        portfolio,
        projects=pr,
        demand=demand.reset_index(drop=True),
        dependencies=deps.reset_index(drop=True),
        scores=scores,
    )
    changes: dict = {"baseline": str(path), "as_of": first}
    if scenario.horizon_start is None:
        changes["horizon_start"] = first
    return rolled, scenario.replace(**changes)


def baseline_of(portfolio: Portfolio, scenario: Scenario) -> Baseline | None:
    """The scenario's baseline against ``portfolio`` (already rolled forward by
    :func:`replan_inputs`), or ``None`` when the scenario has none.

    Raises
    ------
    InputError
        When ``freeze`` names a project that is neither in the portfolio nor in the baseline.
    """
    if scenario.baseline is None:
        return None
    table = read_baseline(resolve_baseline(scenario.baseline))
    first = resolve_horizon(portfolio, scenario)[0]
    h0 = months.to_ordinal(first)
    pr = portfolio.projects
    known = set(pr.index) | set(table.index)
    unknown = [p for p in scenario.freeze if p != "started" and p not in known]
    if unknown:
        raise InputError(
            [
                Problem(
                    f"scenario {scenario.name!r}",
                    None,
                    "freeze",
                    f"{', '.join(map(repr, unknown))} is in neither the projects table nor the "
                    "baseline plan; check the project ids (or write freeze: started)",
                )
            ]
        )
    here = table[table.index.isin(pr.index)].copy()
    for p in scenario.freeze:  # frozen but not in the baseline: it stays out
        if p in pr.index and p not in here.index:
            here.loc[p] = [False, None, None]
    started = here["selected"] & here["start"].map(
        lambda s: isinstance(s, str) and months.to_ordinal(s) < h0
    )
    in_flight = here["selected"] & (started | (pr["status"].reindex(here.index) == "in_flight"))
    here["original_start"] = here["start"]
    here.loc[in_flight, "start"] = first
    here["in_flight"] = in_flight.astype(bool)
    if "started" in scenario.freeze:
        here["frozen"] = started.astype(bool)
    else:
        here["frozen"] = here.index.isin(scenario.freeze)
    gone = tuple(sorted(table.index[table["selected"] & ~table.index.isin(pr.index)]))
    return Baseline(
        here[["selected", "start", "original_start", "in_flight", "frozen"]], gone, first
    )
