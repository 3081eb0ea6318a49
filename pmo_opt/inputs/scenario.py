"""A scenario: the settings of one run. The same names are the notebooks' papermill parameters."""

from __future__ import annotations

import dataclasses
import difflib
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pmo_opt.errors import InputError, Problem
from pmo_opt.inputs import months
from pmo_opt.inputs.portfolio import Portfolio

#: longest horizon derived from the data (10 years); a longer one is almost surely a mistyped
#: year, so it is an error that asks for an explicit ``horizon_months``
MAX_DERIVED_MONTHS = 120
#: longest horizon at all, even when set explicitly (as rules.MAX_DURATION, the longest
#: project; scheduling benchmarks such as RCPSP instances count jobs' periods as months)
MAX_HORIZON_MONTHS = 600
#: plausible years of a planning month (as rules.YEARS)
HORIZON_YEARS = (1900, 2199)
#: a scenario file is a page of settings; a larger one is refused before it is parsed
MAX_SCENARIO_BYTES = 1_000_000
MAX_NAME_CHARS = 200
MAX_DESCRIPTION_CHARS = 10_000
#: largest sane scale factor, extra FTE and time limit (a week)
MAX_SCALE, MAX_EXTRA_FTE, MAX_TIME_LIMIT_S = 1e3, 1e4, 7 * 24 * 3600.0
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
        solve runs, never what it solves: it does not change a result (:mod:`pmo_opt.analysis.sweep`).
    baseline : re-plan against this plan: a path to a ``plan.csv`` (``approved`` or a run id are
        resolved through the ledger by the command line, :func:`pmo_opt.inputs.baseline.resolve_baseline`).
    as_of : the month (``YYYY-MM``) the re-plan starts; baseline work started before it is in
        flight. ``None`` = the horizon start.
    change_penalty : value units per project whose selection differs from the baseline (>= 0).
    move_penalty : value units per month a baseline project's start moves (>= 0).
    freeze : project ids whose baseline decision must not change, or ``("started",)`` for every
        baseline project started before ``as_of``.
    max_changes : at most this many projects whose selection differs from the baseline
        (``None`` = no limit); the stability frontier sweeps it.
    discount_rate : yearly rate (0 to 1) at which the money views discount cost and benefit to a
        net present value; 0.08 (8%) by default.
    min_benefit : a floor on the stated benefit of the selected projects, in the portfolio's
        currency (``None`` = no floor); the score-benefit trade-off sweeps it (HiGHS only).
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
    baseline: str | None = None
    as_of: str | None = None
    change_penalty: float = 0.0
    move_penalty: float = 0.0
    freeze: tuple[str, ...] = ()
    max_changes: int | None = None
    discount_rate: float = 0.08
    min_benefit: float | None = None

    def __post_init__(self) -> None:
        # frozen: normalise containers in place so equal settings compare and hash equal
        for key in ("force_in", "force_out", "freeze"):
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
        d["freeze"] = list(self.freeze)
        d["weights"] = dict(self.weights)
        d["extra_fte"] = dict(self.extra_fte)
        return d

    @property
    def solver_threads(self) -> int:
        """Solver threads: ``threads``, capped at this machine's cores (all cores when None)."""
        cores = os.cpu_count() or 1
        return int(min(self.threads or cores, cores))


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
        elif getattr(s, key) > MAX_SCALE:
            out.append((key, f"must be at most {MAX_SCALE:g}, got {getattr(s, key)!r}"))
    if not 0 < s.time_limit_s <= MAX_TIME_LIMIT_S:
        out.append(
            (
                "time_limit_s",
                f"must be more than 0 and at most {MAX_TIME_LIMIT_S:g} seconds (a week), "
                f"got {s.time_limit_s!r}",
            )
        )
    if s.max_avg_risk is not None and not 0 <= s.max_avg_risk <= MAX_SCALE * 1e10:
        out.append(
            (
                "max_avg_risk",
                f"must be a number, 0 or more (risk is 0 or more), got {s.max_avg_risk!r}; "
                "leave it empty for no cap",
            )
        )
    if not 0 <= s.discount_rate <= 1:
        out.append(
            (
                "discount_rate",
                f"must be a yearly rate from 0 to 1 (0.08 is 8%), got {s.discount_rate!r}",
            )
        )
    if s.min_benefit is not None and not 0 <= s.min_benefit < 1e15:
        out.append(
            (
                "min_benefit",
                f"must be an amount of 0 or more, got {s.min_benefit!r}; leave it empty for no "
                "floor",
            )
        )
    if not 0 <= s.seed < 2**32:
        out.append(("seed", f"must be 0 to 4294967295, got {s.seed!r}"))
    for key, limit in (("extra_fte", MAX_EXTRA_FTE), ("weights", 1e13)):
        for k, v in getattr(s, key).items():
            if not 0 <= v <= limit:
                out.append((key, f"{k}: {v!r} must be a number from 0 to {limit:g}"))
    for key, limit in (("name", MAX_NAME_CHARS), ("description", MAX_DESCRIPTION_CHARS)):
        if len(str(getattr(s, key))) > limit:
            out.append((key, f"is {len(str(getattr(s, key))):,} characters; at most {limit:,}"))
    if not 0 <= s.mip_gap < 1:
        out.append(("mip_gap", f"must be a fraction in [0, 1), got {s.mip_gap!r}"))
    if s.threads is not None and s.threads < 1:
        out.append(("threads", f"must be 1 or more (or empty for all cores), got {s.threads!r}"))
    if s.horizon_start is not None and not months.is_month(s.horizon_start):
        out.append(("horizon_start", f"{s.horizon_start!r} is not a month; write YYYY-MM"))
    elif s.horizon_start is not None:
        year = months.to_ordinal(s.horizon_start) // 12
        if not HORIZON_YEARS[0] <= year <= HORIZON_YEARS[1]:
            out.append(
                (
                    "horizon_start",
                    f"{s.horizon_start!r} is not a plausible month; years run from "
                    f"{HORIZON_YEARS[0]} to {HORIZON_YEARS[1]}",
                )
            )
    if s.horizon_months is not None and not 1 <= s.horizon_months <= MAX_HORIZON_MONTHS:
        out.append(
            (
                "horizon_months",
                f"must be 1 to {MAX_HORIZON_MONTHS} (50 years), got {s.horizon_months!r}; "
                "plan a longer programme in stages",
            )
        )
    if s.scheduler is not None:
        problem = scheduler_problem(str(s.scheduler))
        if problem is not None:
            out.append(("scheduler", problem))
    out += _replan_problems(s)
    both = set(s.force_in) & set(s.force_out)
    if both:
        out.append(("force_in", f"{sorted(both)} are both forced in and forced out; pick one"))
    return out


def _replan_problems(s: Scenario) -> list[tuple[str, str]]:
    """The re-planning fields: months, penalties and ``freeze`` (ids are checked against the
    portfolio and the baseline by :mod:`pmo_opt.inputs.baseline`)."""
    out: list[tuple[str, str]] = []
    if s.as_of is not None and not months.is_month(s.as_of):
        out.append(("as_of", f"{s.as_of!r} is not a month; write YYYY-MM, e.g. 2027-04"))
    for key in ("change_penalty", "move_penalty"):
        if not getattr(s, key) >= 0:
            out.append((key, f"must be 0 or more value units, got {getattr(s, key)!r}"))
    if s.max_changes is not None and s.max_changes < 0:
        out.append(("max_changes", f"must be 0 or more (or empty), got {s.max_changes!r}"))
    if "started" in s.freeze and len(s.freeze) > 1:
        out.append(("freeze", "write either the word started or a list of project ids, not both"))
    if s.baseline is None and s.freeze:
        out.append(
            (
                "freeze",
                "freeze only applies when re-planning against a baseline; set baseline to a "
                "plan.csv (or approved, with a ledger)",
            )
        )
    return out


def _coerce(key: str, value: Any, where: str) -> Any:
    """Turn YAML / command-line / widget values into the field's type, or say what is wrong."""
    if key not in FIELDS:
        key = str(key)
        close = difflib.get_close_matches(key, FIELDS, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(FIELDS)}"
        raise InputError([Problem(where, None, key, f"unknown setting {key!r}{hint}")])
    default = FIELDS[key].default
    try:
        if key in ("force_in", "force_out", "freeze"):
            if value is None or value == "":
                return ()
            if isinstance(value, str):
                value = [v for v in value.replace(";", ",").split(",") if v.strip()]
            return tuple(str(v).strip() for v in value)
        if key in ("weights", "extra_fte"):
            if isinstance(value, str):
                value = safe_yaml(value) or {}
            if not isinstance(value, dict):
                raise ValueError("expected a mapping name: number, e.g. {Developer: 1.5}")
            return {str(k): _finite(v) for k, v in value.items()}
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
        if key in ("horizon_months", "threads", "seed", "max_changes"):
            if isinstance(value, bool) or float(value) != int(float(value)):
                raise ValueError("expected a whole number")
            return int(float(value))
        if key == "as_of" and not isinstance(value, str):
            raise ValueError("write the month as text YYYY-MM (in YAML, quote it: '2027-04')")
        if key in ("change_penalty", "move_penalty") and isinstance(value, bool):
            raise ValueError("expected a number")
        if key in ("change_penalty", "move_penalty"):
            return float(value)
        if key in (
            "budget_scale",
            "capacity_scale",
            "time_limit_s",
            "mip_gap",
            "max_avg_risk",
            "discount_rate",
            "min_benefit",
        ):
            return _finite(value)
        if isinstance(value, dict | list | tuple | set):
            raise ValueError("expected text, not a list or mapping")
        return str(value).strip()
    except (TypeError, ValueError, OverflowError, yaml.YAMLError) as exc:
        detail = getattr(exc, "problem", None) or exc  # YAML: the reason without the excerpt
        shown = repr(value) if len(repr(value)) <= 200 else repr(value)[:200] + "..."
        raise InputError(
            [Problem(where, None, key, f"{shown} is not valid for {key}: {detail}")]
        ) from None


def _finite(value: Any) -> float:
    """A finite number (``.nan`` and ``.inf`` are refused), or ValueError."""
    if isinstance(value, bool):
        raise ValueError("expected a number")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError("expected a finite number")
    return number


class _StrictLoader(yaml.SafeLoader):
    """YAML's safe loader without aliases and without duplicate keys.

    An alias (``*name``, also inside ``<<: *name``) is refused: a few hundred bytes of nested
    aliases expand to gigabytes (a "billion laughs" bomb), and a settings file does not need
    them. A key given twice is refused too: YAML keeps the last silently.
    """

    def compose_node(self, parent, index):  # noqa: ANN001 - PyYAML's signature
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None,
                None,
                f"alias *{event.anchor} is not allowed in a scenario (write the value out)",
                event.start_mark,
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):  # noqa: ANN001 - PyYAML's signature
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.get(key)
            except TypeError:  # an unhashable key: PyYAML reports it below
                continue
            if first is not None:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"key {key!r} is given twice (first on line {first}); keep one: "
                    "YAML would silently use the last",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


def safe_yaml(text: str) -> Any:
    """Parse YAML text safely: no Python tags, no aliases, no duplicate keys (yaml.YAMLError)."""
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError:
        raise
    except Exception as exc:  # PyYAML's constructors raise anything: '!!int x', '!!timestamp'
        raise yaml.YAMLError(f"a value cannot be read ({type(exc).__name__}: {exc})") from None


def with_overrides(base: Scenario, changes: dict[str, Any], where: str = "--set") -> Scenario:
    """``base`` with ``changes`` (any of the field names) coerced and applied."""
    values = base.to_dict()
    for key, value in changes.items():
        values[key] = _coerce(key, value, where)
    return Scenario(**values)


def parse_sets(items: list[str]) -> dict[str, str]:
    """``['time_limit_s=10', 'force_in=P1,P2']`` -> dict.

    A malformed item, and a key given twice with different values (which one was meant?), are
    an :class:`InputError`.
    """
    out: dict[str, str] = {}
    for item in items:
        if "=" not in item:
            raise InputError(
                [Problem("--set", None, None, f"{item!r} is not key=value, e.g. time_limit_s=10")]
            )
        key, value = item.split("=", 1)
        key = key.strip()
        if key in out and out[key] != value:
            raise InputError(
                [
                    Problem(
                        "--set",
                        None,
                        key,
                        f"{key} is given twice ({out[key]!r} and {value!r}); give it once",
                    )
                ]
            )
        out[key] = value
    return out


def load_scenario(path: str | Path | None = None, **overrides: Any) -> Scenario:
    """A scenario from a YAML file (safely loaded) plus overrides; ``None`` gives the defaults."""
    base = Scenario()
    if path is None:
        return with_overrides(base, overrides) if overrides else base
    p = Path(path)
    if not p.exists():
        raise InputError([Problem(str(p), None, None, "scenario file not found")])
    size = p.stat().st_size
    if size > MAX_SCENARIO_BYTES:
        raise InputError(
            [
                Problem(
                    p.name,
                    None,
                    None,
                    f"is {size:,} bytes; a scenario file is a page of settings (at most "
                    f"{MAX_SCENARIO_BYTES:,} bytes)",
                )
            ]
        )
    try:
        data = safe_yaml(p.read_text(encoding="utf-8-sig")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        what = getattr(exc, "problem", None) or str(exc)
        raise InputError([Problem(p.name, line, None, f"is not valid YAML: {what}")]) from None
    except UnicodeDecodeError as exc:
        raise InputError(
            [Problem(p.name, None, None, f"is not UTF-8 text ({exc.reason}); save it as UTF-8")]
        ) from None
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
        if count > MAX_DERIVED_MONTHS:
            latest = months.from_ordinal(first + count - 1)
            raise InputError(
                [
                    Problem(
                        "scenario",
                        None,
                        "horizon_months",
                        f"the data spans {months.from_ordinal(first)} .. {latest} ({count} "
                        f"months), more than {MAX_DERIVED_MONTHS} (10 years); look for a "
                        "mistyped year in earliest_start, deadline, capacity or budget "
                        "(pmo-opt validate warns about it), or, if the horizon is meant, set "
                        "horizon_start and horizon_months in the scenario",
                    )
                ]
            )
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
