"""A scenario: the settings of one run. The same names are the notebooks' papermill parameters."""

from __future__ import annotations

import dataclasses
import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pmo_opt.errors import InputError, Problem
from pmo_opt.inputs import months
from pmo_opt.inputs.data import Portfolio

OBJECTIVES = ("value", "benefit", "value_minus_delay", "makespan")
SOLVERS = ("default", "highs", "cbc", "cpsat", "auto")
SCORINGS = ("weighted", "ahp", "wsjf", "benefit")


@dataclass(frozen=True)
class Scenario:
    """Settings of one planning run; every field has a default.

    Attributes
    ----------
    name : shown in reports and folder names.
    horizon_start, horizon_months : the planning window (``YYYY-MM``, count); ``None`` = from data.
    objective : ``value`` | ``benefit`` | ``value_minus_delay`` | ``makespan``.
    scoring : how ``value`` is scored: ``weighted`` (criteria weights), ``ahp`` (weights from the
        pairwise table), ``wsjf``, or ``benefit``.
    weights : criterion -> weight, overriding the criteria table (what-if analysis).
    budget_scale, capacity_scale : multiply every budget / capacity figure.
    force_in, force_out : project ids the board has decided on.
    allow_hiring : let the optimiser add FTE at the roles' hire cost, up to ``max_hire_fte``.
    extra_fte : role -> FTE added to that role's capacity in every month (planned hires).
    max_avg_risk : optional cap on the average risk of the selected projects.
    solver, time_limit_s, mip_gap, threads : engine and limits (``threads`` None = all cores;
        ``solver="default"`` picks the engine by the problem's shape, with repeatable plans:
        ``pmo_opt.engine.choice``).
    seed : for everything random (rank stability, Monte Carlo).
    scheduler : a Dask scheduler address (``tcp://10.0.0.5:8786``) on which sweeps (frontier,
        Monte Carlo, scenario comparison, why-not) run; ``None`` = local processes. Where a
        solve runs, never what it solves: it does not change a result (:mod:`pmo_opt.sweep`).
    """

    name: str = "baseline"
    horizon_start: str | None = None
    horizon_months: int | None = None
    objective: str = "value"
    scoring: str = "weighted"
    weights: dict[str, float] = field(default_factory=dict)
    budget_scale: float = 1.0
    capacity_scale: float = 1.0
    force_in: tuple[str, ...] = ()
    force_out: tuple[str, ...] = ()
    allow_hiring: bool = False
    extra_fte: dict[str, float] = field(default_factory=dict)
    max_avg_risk: float | None = None
    solver: str = "default"
    time_limit_s: float = 60.0
    mip_gap: float = 1e-4
    threads: int | None = None
    seed: int = 0
    scheduler: str | None = None
    description: str = ""

    def __post_init__(self) -> None:
        # frozen: normalise containers in place so equal settings compare and hash equal
        for key in ("force_in", "force_out"):
            object.__setattr__(self, key, tuple(getattr(self, key) or ()))
        for key in ("weights", "extra_fte"):
            object.__setattr__(self, key, dict(getattr(self, key) or {}))
        if isinstance(self.scheduler, str):
            object.__setattr__(self, "scheduler", self.scheduler.strip() or None)
        problems = _check(self)
        if problems:
            raise InputError([Problem(f"scenario {self.name!r}", None, k, m) for k, m in problems])

    def replace(self, **changes: Any) -> Scenario:
        """A copy with ``changes`` applied (validated like the original)."""
        return with_overrides(self, changes)

    def to_dict(self) -> dict[str, Any]:
        """Plain types only, ready for YAML, JSON or papermill parameters."""
        d = dataclasses.asdict(self)
        d["force_in"] = list(self.force_in)
        d["force_out"] = list(self.force_out)
        d["weights"] = dict(self.weights)
        d["extra_fte"] = dict(self.extra_fte)
        return d

    @property
    def solver_threads(self) -> int:
        return int(self.threads or os.cpu_count() or 1)


FIELDS = {f.name: f for f in dataclasses.fields(Scenario)}


def _check(s: Scenario) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if s.objective not in OBJECTIVES:
        out.append(("objective", f"{s.objective!r} is not one of {', '.join(OBJECTIVES)}"))
    if s.scoring not in SCORINGS:
        out.append(("scoring", f"{s.scoring!r} is not one of {', '.join(SCORINGS)}"))
    if s.solver not in SOLVERS:
        out.append(("solver", f"{s.solver!r} is not one of {', '.join(SOLVERS)}"))
    for key in ("budget_scale", "capacity_scale"):
        if not getattr(s, key) >= 0:
            out.append((key, f"must be 0 or more, got {getattr(s, key)!r}"))
    if not s.time_limit_s > 0:
        out.append(("time_limit_s", f"must be more than 0 seconds, got {s.time_limit_s!r}"))
    if not 0 <= s.mip_gap < 1:
        out.append(("mip_gap", f"must be a fraction in [0, 1), got {s.mip_gap!r}"))
    if s.threads is not None and s.threads < 1:
        out.append(("threads", f"must be 1 or more (or empty for all cores), got {s.threads!r}"))
    if s.horizon_start is not None and not months.is_month(s.horizon_start):
        out.append(("horizon_start", f"{s.horizon_start!r} is not a month; write YYYY-MM"))
    if s.horizon_months is not None and s.horizon_months < 1:
        out.append(("horizon_months", f"must be 1 or more, got {s.horizon_months!r}"))
    if s.scheduler is not None:
        problem = scheduler_problem(str(s.scheduler))
        if problem is not None:
            out.append(("scheduler", problem))
    both = set(s.force_in) & set(s.force_out)
    if both:
        out.append(("force_in", f"{sorted(both)} are both forced in and forced out; pick one"))
    return out


def _coerce(key: str, value: Any, where: str) -> Any:
    """Turn YAML / command-line / widget values into the field's type, or say what is wrong."""
    if key not in FIELDS:
        close = difflib.get_close_matches(key, FIELDS, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(FIELDS)}"
        raise InputError([Problem(where, None, key, f"unknown setting {key!r}{hint}")])
    default = FIELDS[key].default
    try:
        if key in ("force_in", "force_out"):
            if value is None or value == "":
                return ()
            if isinstance(value, str):
                value = [v for v in value.replace(";", ",").split(",") if v.strip()]
            return tuple(str(v).strip() for v in value)
        if key in ("weights", "extra_fte"):
            if isinstance(value, str):
                value = yaml.safe_load(value) or {}
            if not isinstance(value, dict):
                raise ValueError("expected a mapping name: number")
            return {str(k): float(v) for k, v in value.items()}
        if value is None or (isinstance(value, str) and value.strip().lower() in ("", "none")):
            if default is None:
                return None
            if default == "":
                return ""
            raise ValueError("a value is required")
        if key == "allow_hiring":
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in ("true", "yes", "1", "on"):
                return True
            if text in ("false", "no", "0", "off"):
                return False
            raise ValueError("expected true or false")
        if key in ("horizon_months", "threads", "seed"):
            if isinstance(value, bool) or float(value) != int(float(value)):
                raise ValueError("expected a whole number")
            return int(float(value))
        if key in ("budget_scale", "capacity_scale", "time_limit_s", "mip_gap", "max_avg_risk"):
            if isinstance(value, bool):
                raise ValueError("expected a number")
            return float(value)
        return str(value).strip()
    except (TypeError, ValueError) as exc:
        raise InputError(
            [Problem(where, None, key, f"{value!r} is not valid for {key}: {exc}")]
        ) from None


def with_overrides(base: Scenario, changes: dict[str, Any], where: str = "--set") -> Scenario:
    """``base`` with ``changes`` (any of the field names) coerced and applied."""
    values = base.to_dict()
    for key, value in changes.items():
        values[key] = _coerce(key, value, where)
    return Scenario(**values)


def parse_sets(items: list[str]) -> dict[str, str]:
    """``['time_limit_s=10', 'force_in=P1,P2']`` -> dict; a malformed item is an InputError."""
    out: dict[str, str] = {}
    for item in items:
        if "=" not in item:
            raise InputError(
                [Problem("--set", None, None, f"{item!r} is not key=value, e.g. time_limit_s=10")]
            )
        key, value = item.split("=", 1)
        out[key.strip()] = value
    return out


def load_scenario(path: str | Path | None = None, **overrides: Any) -> Scenario:
    """A scenario from a YAML file (safely loaded) plus overrides; ``None`` gives the defaults."""
    base = Scenario()
    if path is None:
        return with_overrides(base, overrides) if overrides else base
    p = Path(path)
    if not p.exists():
        raise InputError([Problem(str(p), None, None, "scenario file not found")])
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8-sig")) or {}
    except yaml.YAMLError as exc:
        raise InputError([Problem(p.name, None, None, f"is not valid YAML: {exc}")]) from None
    if not isinstance(data, dict):
        raise InputError([Problem(p.name, None, None, "must be a mapping of setting: value")])
    data.setdefault("name", p.stem)
    scenario = with_overrides(base, data, where=p.name)
    return with_overrides(scenario, overrides) if overrides else scenario


def resolve_horizon(portfolio: Portfolio, scenario: Scenario) -> list[str]:
    """The planning months: the scenario's window, or one derived from the data.

    Derived start: the earliest month named in capacity, budget or earliest starts (in-flight
    work starts in the first month). Derived length: up to the last month named in capacity,
    budget or deadlines, and at least long enough for every in-flight project; 24 if nothing says.
    """
    named: list[int] = []
    for m in portfolio.capacity["month"].dropna():
        named.append(months.to_ordinal(m))
    for period in portfolio.budget["period"]:
        covered = months.period_months(period)
        if covered:
            named += [months.to_ordinal(covered[0]), months.to_ordinal(covered[-1])]
    starts = [months.to_ordinal(m) for m in portfolio.projects["earliest_start"].dropna()]
    ends = [months.to_ordinal(m) for m in portfolio.projects["deadline"].dropna()]
    if scenario.horizon_start is not None:
        first = months.to_ordinal(scenario.horizon_start)
    elif named or starts:
        first = min(named + starts)
    else:
        raise InputError(
            [
                Problem(
                    "scenario",
                    None,
                    "horizon_start",
                    "the data names no month; set horizon_start (YYYY-MM) in the scenario",
                )
            ]
        )
    if scenario.horizon_months is not None:
        count = scenario.horizon_months
    else:
        last = max(named + ends) if (named or ends) else first + 23
        count = max(last - first + 1, 1)
        in_flight = portfolio.projects[portfolio.projects["status"] == "in_flight"]
        if len(in_flight):
            count = max(count, int(in_flight["duration"].max()))
    return [months.from_ordinal(first + i) for i in range(count)]


SCHEDULER_SCHEMES = ("tcp://", "tls://", "inproc://", "ucx://")


def scheduler_problem(address: str) -> str | None:
    """Why ``address`` is not a Dask scheduler address, or ``None`` when it looks like one."""
    if address.strip().startswith(SCHEDULER_SCHEMES):
        return None
    return (
        f"{address!r} is not a Dask scheduler address: write tcp://HOST:PORT "
        "(e.g. tcp://10.0.0.5:8786; also tls://, inproc://, ucx://), "
        "or leave it empty to run on local processes"
    )
