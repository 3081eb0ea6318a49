"""``check_plan``: an independent checker of a plan against every rule of docs/model.md.

It recomputes each quantity from the portfolio tables with plain loops over rows, never from the
model (``model.py``) nor from the helpers that build a plan's load and spend (``plan.py``), so that
one mistake cannot hide in both. It reads only the decisions of a plan: ``selected``, ``start``,
``finish`` (for consistency), ``hires`` and ``horizon``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass

import pandas as pd

from pmo_opt.engine.plan import Plan
from pmo_opt.errors import InputError, Problem
from pmo_opt.inputs import months
from pmo_opt.inputs.baseline import read_baseline, resolve_baseline
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import Scenario, resolve_horizon

#: every ``Violation.rule``, in the order docs/model.md states them
RULES = (
    "horizon",  # the plan's months are not the scenario's horizon
    "consistency",  # selected vs start, finish vs start + duration - 1, unknown/missing rows
    "window",  # rule 1
    "status",  # rule 2
    "force_in",  # rule 3
    "force_out",  # rule 3
    "capacity",  # rule 4
    "hiring",  # rule 5
    "budget",  # rules 6-7
    "requires",  # rule 8
    "finish_to_start",  # rule 8
    "excludes",  # rule 8
    "category",  # rule 9
    "risk",  # rule 10
    "makespan",  # objective makespan: everything not forced out is selected
    "freeze",  # rule 13: a frozen project keeps its baseline decision
    "max_changes",  # rule 14: at most max_changes selection changes against the baseline
)


@dataclass(frozen=True)
class Violation:
    """One broken rule, located as precisely as the rule allows.

    Attributes
    ----------
    rule : one of :data:`RULES`, e.g. ``"capacity"``.
    message : the violation in plain words, naming the project, role, month or period.
    project_id, role, month, period : where it happens (``None`` when not relevant).
    amount : by how much the limit is broken (FTE, money, share, months; 0 when not a quantity).
    """

    rule: str
    message: str
    project_id: str | None = None
    role: str | None = None
    month: str | None = None
    period: str | None = None
    amount: float = 0.0

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}"


def _fmt(x: float) -> str:
    """Numbers for messages: ``6.0``, ``7.25``, ``1,250,000``."""
    x = float(x)
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    text = f"{x:.3f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def _slack(limit: float, tol: float) -> float:
    """Absolute allowance above ``limit``: ``tol`` relative, at least ``tol`` absolute."""
    return tol * max(1.0, abs(limit))


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def unknown_forced(portfolio: Portfolio, scenario: Scenario) -> None:
    """Raise :class:`InputError` when ``force_in`` / ``force_out`` name a project that is not one."""
    known = set(portfolio.projects.index)
    problems = []
    for key in ("force_in", "force_out"):
        missing = [p for p in getattr(scenario, key) if p not in known]
        if missing:
            problems.append(
                Problem(
                    f"scenario {scenario.name!r}",
                    None,
                    key,
                    f"{', '.join(map(repr, missing))} not in the projects table; "
                    "check the project ids",
                )
            )
    if problems:
        raise InputError(problems)


def check_plan(
    portfolio: Portfolio, scenario: Scenario, plan: Plan, tol: float = 1e-6
) -> list[Violation]:
    """Every rule of docs/model.md that ``plan`` breaks, in words.

    Parameters
    ----------
    portfolio, scenario
        The inputs the plan was made for.
    plan
        Only its decisions are read: ``projects["selected"]``, ``projects["start"]``,
        ``projects["finish"]``, ``hires`` (``role``, ``month``, ``fte``) and ``horizon``.
    tol
        Relative tolerance for FTE and money: a limit ``L`` is broken when a quantity exceeds
        ``L + tol * max(1, |L|)``.

    Returns
    -------
    list of Violation
        Empty when the plan satisfies every rule.

    Raises
    ------
    InputError
        When the scenario forces in or out a project id that is not in the portfolio.
    """
    unknown_forced(portfolio, scenario)
    out: list[Violation] = []
    horizon = resolve_horizon(portfolio, scenario)
    first = months.to_ordinal(horizon[0])
    last = months.to_ordinal(horizon[-1])
    if tuple(plan.horizon) != tuple(horizon):
        got = f"{plan.horizon[0]}..{plan.horizon[-1]}" if len(plan.horizon) else "no months"
        out.append(
            Violation(
                "horizon",
                f"the plan covers {got} ({len(plan.horizon)} months) but the scenario's horizon "
                f"is {horizon[0]}..{horizon[-1]} ({len(horizon)} months)",
            )
        )

    info = _project_rows(portfolio)
    starts = _read_starts(plan, info, out)  # project -> start ordinal, selected projects only

    _check_window(info, starts, first, last, out)
    _check_status_and_board(info, starts, scenario, first, out)
    demand = _demand_rows(portfolio)
    hired = _check_hiring(portfolio, scenario, plan, first, last, tol, out)
    _check_capacity(portfolio, scenario, demand, starts, hired, first, last, tol, out)
    spend = _spend_rows(portfolio, info, demand)
    _check_budget(portfolio, scenario, spend, starts, hired, first, last, tol, out)
    _check_dependencies(portfolio, info, starts, out)
    _check_categories(portfolio, info, spend, starts, tol, out)
    _check_risk(scenario, info, starts, tol, out)
    if scenario.baseline is not None:
        _check_freeze(scenario, info, starts, first, out)
        found = replan_penalties(portfolio, scenario, plan)["changes"]
        if scenario.max_changes is not None and found > scenario.max_changes:
            out.append(
                Violation(
                    "max_changes",
                    f"the plan changes the selection of {found} projects against the baseline; "
                    f"at most {scenario.max_changes} may change",
                    amount=found - scenario.max_changes,
                )
            )
    if scenario.objective == "makespan":
        forced_out = set(scenario.force_out)
        for p in info:
            if p not in forced_out and p not in starts:
                out.append(
                    Violation(
                        "makespan",
                        f"{_label(info, p)} is not selected, but under the makespan objective "
                        "every project not forced out must be",
                        project_id=p,
                    )
                )
    return out


def _baseline_rows(scenario: Scenario, first: int) -> dict[str, int | None]:
    """project -> its baseline start ordinal (the horizon start for work started before it),
    ``None`` for a project the baseline leaves out; read from the baseline file itself."""
    table = read_baseline(resolve_baseline(str(scenario.baseline)))
    out: dict[str, int | None] = {}
    for p, sel, start in zip(table.index, table["selected"], table["start"], strict=True):
        out[str(p)] = max(months.to_ordinal(start), first) if sel else None
    return out


def _check_freeze(
    scenario: Scenario, info: dict[str, dict], starts: dict[str, int], first: int, out: list
) -> None:
    table = read_baseline(resolve_baseline(str(scenario.baseline)))
    base = _baseline_rows(scenario, first)
    if "started" in scenario.freeze:
        frozen = [
            p
            for p, sel, s in zip(table.index, table["selected"], table["start"], strict=True)
            if sel and months.to_ordinal(s) < first
        ]
    else:
        frozen = list(scenario.freeze)
    for p in frozen:
        if p not in info:
            continue  # no longer in the portfolio (cancelled or complete): nothing to keep
        was, now = base.get(p), starts.get(p)
        if was is None and now is not None:
            what = f"is selected (start {months.from_ordinal(now)}) but the baseline left it out"
        elif was is not None and now is None:
            what = f"is left out but the baseline starts it in {months.from_ordinal(was)}"
        elif was is not None and now != was:
            what = (
                f"starts in {months.from_ordinal(now)} but the baseline starts it in "
                f"{months.from_ordinal(was)}"
            )
        else:
            continue
        moved = abs(now - was) if was is not None and now is not None else 0
        out.append(Violation("freeze", f"{_label(info, p)} is frozen and {what}", p, amount=moved))


def replan_penalties(portfolio: Portfolio, scenario: Scenario, plan: Plan) -> dict[str, float]:
    """The re-planning penalties of ``plan`` recomputed from the baseline file and the plan's
    decisions alone (docs/model.md rules 11-12): ``changes``, ``months_moved``,
    ``change_penalty``, ``move_penalty``, ``penalty``; all 0 without a baseline."""
    zero = {"changes": 0, "months_moved": 0, "change_penalty": 0.0, "move_penalty": 0.0}
    if scenario.baseline is None:
        return {**zero, "penalty": 0.0}
    first = months.to_ordinal(plan.horizon[0])
    base = _baseline_rows(scenario, first)
    changes = moved = 0
    for p, sel, start in zip(
        plan.projects.index, plan.projects["selected"], plan.projects["start"], strict=True
    ):
        was = base.get(str(p))
        if bool(sel) != (was is not None):
            changes += 1
        elif sel and was is not None:
            moved += abs(months.to_ordinal(start) - was)
    change = changes * scenario.change_penalty
    move = moved * scenario.move_penalty
    return {
        "changes": changes,
        "months_moved": moved,
        "change_penalty": change,
        "move_penalty": move,
        "penalty": change + move,
    }


def assert_plan_ok(portfolio: Portfolio, scenario: Scenario, plan: Plan, tol: float = 1e-6) -> None:
    """Raise ``AssertionError`` listing every violation of ``plan`` (for tests)."""
    found = check_plan(portfolio, scenario, plan, tol)
    if found:
        raise AssertionError(
            f"{len(found)} violation(s) in plan:\n" + "\n".join(f"  {v}" for v in found)
        )


def violations_table(violations: list[Violation]) -> pd.DataFrame:
    """Violations as a tidy table: ``rule``, ``project_id``, ``role``, ``month``, ``period``,
    ``amount``, ``message`` (one row each; no rows when the plan is fine)."""
    columns = ["rule", "project_id", "role", "month", "period", "amount", "message"]
    return pd.DataFrame([asdict(v) for v in violations], columns=columns)


# --------------------------------------------------------------------------------------------
# reading the inputs, row by row


def _project_rows(portfolio: Portfolio) -> dict[str, dict]:
    """project -> plain dict of the facts the rules need (months as ordinals or None)."""
    pr = portfolio.projects
    info: dict[str, dict] = {}
    columns = ["name", "duration", "status", "category", "earliest_start", "deadline", "cost"]
    rows = zip(pr.index.tolist(), *(pr[c].tolist() for c in [*columns, "risk"]), strict=True)
    for pid, name, duration, status, category, es, dl, cost, risk in rows:
        info[str(pid)] = {
            "name": str(name),
            "duration": int(duration),
            "status": str(status),
            "category": str(category),
            "earliest": None if _is_missing(es) else months.to_ordinal(es),
            "deadline": None if _is_missing(dl) else months.to_ordinal(dl),
            "cost": None if _is_missing(cost) else float(cost),
            "risk": float(risk),
        }
    return info


def _label(info: dict[str, dict], p: str) -> str:
    name = info[p]["name"] if p in info else ""
    return f"{p} ({name})" if name and name != p else str(p)


def _read_starts(plan: Plan, info: dict[str, dict], out: list[Violation]) -> dict[str, int]:
    """Start ordinals of the selected projects; flags rows that disagree with each other."""
    starts: dict[str, int] = {}
    table = plan.projects
    rows = {str(p): (sel, s, f) for p, sel, s, f in _plan_rows(table)}
    for p in rows:
        if p not in info:
            out.append(
                Violation(
                    "consistency", f"the plan lists {p}, which is not a project", project_id=p
                )
            )
    for p, facts in info.items():
        if p not in rows:
            out.append(
                Violation(
                    "consistency",
                    f"{_label(info, p)} is missing from the plan (counted as not selected)",
                    project_id=p,
                )
            )
            continue
        sel, start, finish = rows[p]
        selected = bool(sel) if not _is_missing(sel) else False
        if _is_missing(start):
            if selected:
                out.append(
                    Violation(
                        "consistency",
                        f"{_label(info, p)} is marked selected but has no start month",
                        project_id=p,
                    )
                )
            if not _is_missing(finish):
                out.append(
                    Violation(
                        "consistency",
                        f"{_label(info, p)} has no start but a finish month {finish}",
                        project_id=p,
                    )
                )
            continue
        try:
            s = months.to_ordinal(str(start))
        except ValueError:
            out.append(
                Violation(
                    "consistency",
                    f"{_label(info, p)} has start {start!r}, which is not a month (YYYY-MM)",
                    project_id=p,
                )
            )
            continue
        if not selected:
            out.append(
                Violation(
                    "consistency",
                    f"{_label(info, p)} has start {start} but is not marked selected",
                    project_id=p,
                    month=months.from_ordinal(s),
                )
            )
        want = months.from_ordinal(s + facts["duration"] - 1)
        if _is_missing(finish) or str(finish) != want:
            out.append(
                Violation(
                    "consistency",
                    f"{_label(info, p)} starts {months.from_ordinal(s)} and lasts "
                    f"{facts['duration']} months, so it finishes {want}, but the plan says "
                    f"{finish if not _is_missing(finish) else 'no finish'}",
                    project_id=p,
                    month=want,
                )
            )
        starts[p] = s
    return starts


def _plan_rows(table: pd.DataFrame):
    finish = table["finish"] if "finish" in table.columns else [None] * len(table)
    return zip(table.index, table["selected"], table["start"], finish, strict=True)


def _demand_rows(portfolio: Portfolio) -> dict[str, list[tuple[str, int, float]]]:
    """project -> [(role, month_offset, fte), ...] straight from ``Portfolio.demand``."""
    d = portfolio.demand
    rows: dict[str, list[tuple[str, int, float]]] = defaultdict(list)
    columns = (d[c].tolist() for c in ("project_id", "role", "month_offset", "fte"))
    for p, r, k, f in zip(*columns, strict=True):
        rows[str(p)].append((str(r), int(k), float(f)))
    return rows


def _role_rate(portfolio: Portfolio, column: str) -> dict[str, float]:
    """role -> figure of ``roles[column]``; roles without it are absent (meaning 0)."""
    rates: dict[str, float] = {}
    if column not in portfolio.roles.columns:
        return rates
    for role, value in portfolio.roles[column].items():
        if not _is_missing(value):
            rates[str(role)] = float(value)
    return rates


def _spend_rows(
    portfolio: Portfolio, info: dict[str, dict], demand: dict[str, list[tuple[str, int, float]]]
) -> dict[str, list[float]]:
    """project -> spend of each of its months (rule 6): cost / duration, else labour cost."""
    rate = _role_rate(portfolio, "cost_per_fte_month")
    spend: dict[str, list[float]] = {}
    for p, facts in info.items():
        d = facts["duration"]
        if facts["cost"] is not None:
            spend[p] = [facts["cost"] / d] * d
            continue
        by_month = [0.0] * d
        for role, k, fte in demand.get(p, []):
            if 0 <= k < d:
                by_month[k] += fte * rate.get(role, 0.0)
        spend[p] = by_month
    return spend


# --------------------------------------------------------------------------------------------
# the rules


def _check_window(
    info: dict[str, dict], starts: dict[str, int], first: int, last: int, out: list[Violation]
) -> None:
    for p, s in starts.items():
        facts = info[p]
        end = s + facts["duration"] - 1
        start_m, end_m = months.from_ordinal(s), months.from_ordinal(end)
        if s < first:
            out.append(
                Violation(
                    "window",
                    f"{_label(info, p)} starts {start_m}, before the horizon starts "
                    f"({months.from_ordinal(first)})",
                    project_id=p,
                    month=start_m,
                    amount=float(first - s),
                )
            )
        if end > last:
            out.append(
                Violation(
                    "window",
                    f"{_label(info, p)} works until {end_m}, after the horizon ends "
                    f"({months.from_ordinal(last)})",
                    project_id=p,
                    month=end_m,
                    amount=float(end - last),
                )
            )
        if facts["earliest"] is not None and s < facts["earliest"]:
            out.append(
                Violation(
                    "window",
                    f"{_label(info, p)} starts {start_m}, before its earliest start "
                    f"{months.from_ordinal(facts['earliest'])}",
                    project_id=p,
                    month=start_m,
                    amount=float(facts["earliest"] - s),
                )
            )
        if facts["deadline"] is not None and end > facts["deadline"]:
            out.append(
                Violation(
                    "window",
                    f"{_label(info, p)} works until {end_m}, after its deadline "
                    f"{months.from_ordinal(facts['deadline'])}",
                    project_id=p,
                    month=end_m,
                    amount=float(end - facts["deadline"]),
                )
            )


def _check_status_and_board(
    info: dict[str, dict],
    starts: dict[str, int],
    scenario: Scenario,
    first: int,
    out: list[Violation],
) -> None:
    forced_out = set(scenario.force_out)
    for p in scenario.force_in:
        if p not in starts:
            out.append(
                Violation(
                    "force_in",
                    f"{_label(info, p)} is forced in by the scenario but not selected",
                    project_id=p,
                )
            )
    for p in scenario.force_out:
        if p in starts:
            out.append(
                Violation(
                    "force_out",
                    f"{_label(info, p)} is forced out by the scenario but selected "
                    f"(starts {months.from_ordinal(starts[p])})",
                    project_id=p,
                )
            )
    for p, facts in info.items():
        if p in forced_out:  # the board may cancel committed and in-flight work
            continue
        status = facts["status"]
        if status in ("committed", "in_flight") and p not in starts:
            out.append(
                Violation(
                    "status",
                    f"{_label(info, p)} is {status.replace('_', '-')} but not selected",
                    project_id=p,
                )
            )
        if status == "in_flight" and p in starts and starts[p] != first:
            out.append(
                Violation(
                    "status",
                    f"{_label(info, p)} is in flight, so it must start in the first month "
                    f"{months.from_ordinal(first)}, but starts {months.from_ordinal(starts[p])}",
                    project_id=p,
                    month=months.from_ordinal(starts[p]),
                    amount=float(abs(starts[p] - first)),
                )
            )


def _check_hiring(
    portfolio: Portfolio,
    scenario: Scenario,
    plan: Plan,
    first: int,
    last: int,
    tol: float,
    out: list[Violation],
) -> dict[tuple[str, int], float]:
    """(role, month ordinal) -> hired FTE; flags hires that rule 5 does not allow."""
    hired: dict[tuple[str, int], float] = defaultdict(float)
    h = plan.hires
    if h is None or len(h) == 0:
        return hired
    for role, month, fte in zip(h["role"], h["month"], h["fte"], strict=True):
        fte = float(fte)
        if abs(fte) <= 1e-12:
            continue
        try:
            m = months.to_ordinal(str(month))
        except ValueError:
            out.append(
                Violation(
                    "hiring",
                    f"{role}: a hire of {_fmt(fte)} FTE has month {month!r}, which is not YYYY-MM",
                    role=str(role),
                    amount=fte,
                )
            )
            continue
        if not first <= m <= last:
            out.append(
                Violation(
                    "hiring",
                    f"{role}: {_fmt(fte)} FTE hired in {months.from_ordinal(m)}, outside the "
                    "horizon",
                    role=str(role),
                    month=months.from_ordinal(m),
                    amount=fte,
                )
            )
            continue
        hired[(str(role), m)] += fte
    max_hire = _role_rate(portfolio, "max_hire_fte")
    for (role, m), fte in sorted(hired.items()):
        month = months.from_ordinal(m)
        if fte < -tol:
            out.append(
                Violation(
                    "hiring",
                    f"{role}: {_fmt(fte)} FTE hired in {month}; hires cannot be negative",
                    role=role,
                    month=month,
                    amount=-fte,
                )
            )
        elif not scenario.allow_hiring:
            if fte > tol:
                out.append(
                    Violation(
                        "hiring",
                        f"{role}: {_fmt(fte)} FTE hired in {month}, but the scenario does not "
                        "allow hiring (allow_hiring is false)",
                        role=role,
                        month=month,
                        amount=fte,
                    )
                )
        else:
            limit = max_hire.get(role, 0.0)
            if fte > limit + _slack(limit, tol):
                out.append(
                    Violation(
                        "hiring",
                        f"{role}: {_fmt(fte)} FTE hired in {month} but at most {_fmt(limit)} "
                        "may be (max_hire_fte)",
                        role=role,
                        month=month,
                        amount=fte - limit,
                    )
                )
    return hired


def _capacity_table(
    portfolio: Portfolio, scenario: Scenario, first: int, last: int
) -> dict[tuple[str, int], float]:
    """(role, month ordinal) -> available FTE before hiring (rule 4), for every role known."""
    undated: dict[str, float] = defaultdict(float)
    dated: dict[tuple[str, int], float] = defaultdict(float)
    c = portfolio.capacity
    for role, month, fte in zip(c["role"], c["month"], c["fte"], strict=True):
        if _is_missing(month):
            undated[str(role)] += float(fte)
        else:
            dated[(str(role), months.to_ordinal(month))] += float(fte)
    roles = set(portfolio.demand["role"].astype(str).unique().tolist())
    roles |= set(c["role"].astype(str).tolist()) | set(portfolio.roles.index.astype(str).tolist())
    roles |= set(scenario.extra_fte)
    table: dict[tuple[str, int], float] = {}
    for role in roles:
        extra = float(scenario.extra_fte.get(role, 0.0))
        for m in range(first, last + 1):
            base = dated[(role, m)] if (role, m) in dated else undated.get(role, 0.0)
            table[(role, m)] = (base + extra) * scenario.capacity_scale
    return table


def _check_capacity(
    portfolio: Portfolio,
    scenario: Scenario,
    demand: dict[str, list[tuple[str, int, float]]],
    starts: dict[str, int],
    hired: dict[tuple[str, int], float],
    first: int,
    last: int,
    tol: float,
    out: list[Violation],
) -> None:
    used: dict[tuple[str, int], float] = defaultdict(float)
    for p, s in starts.items():
        for role, k, fte in demand.get(p, []):
            m = s + k
            if first <= m <= last:  # months outside the horizon are window violations
                used[(role, m)] += fte
    available = _capacity_table(portfolio, scenario, first, last)
    keys = set(available) | set(used) | set(hired)
    for role, m in sorted(keys):
        need = used.get((role, m), 0.0)
        base = available.get((role, m), 0.0)
        hire = hired.get((role, m), 0.0)
        limit = base + hire
        if need > limit + _slack(limit, tol):
            out.append(
                Violation(
                    "capacity",
                    f"{role}: {_fmt(need)} FTE planned in {months.from_ordinal(m)} but "
                    f"{_fmt(base)} available (+{_fmt(hire)} hired)",
                    role=role,
                    month=months.from_ordinal(m),
                    amount=need - limit,
                )
            )


def _check_budget(
    portfolio: Portfolio,
    scenario: Scenario,
    spend: dict[str, list[float]],
    starts: dict[str, int],
    hired: dict[tuple[str, int], float],
    first: int,
    last: int,
    tol: float,
    out: list[Violation],
) -> None:
    monthly: dict[int, float] = defaultdict(float)
    for p, s in starts.items():
        for k, amount in enumerate(spend[p]):
            if first <= s + k <= last:
                monthly[s + k] += amount
    hire_rate = _role_rate(portfolio, "hire_cost_per_fte_month")
    for (role, m), fte in hired.items():
        monthly[m] += fte * hire_rate.get(role, 0.0)
    b = portfolio.budget
    for period, amount in zip(b["period"], b["amount"], strict=True):
        if _is_missing(amount):
            continue
        covered = months.period_months(str(period))
        if covered is None:
            in_horizon = list(range(first, last + 1))
        else:
            in_horizon = [m for m in map(months.to_ordinal, covered) if first <= m <= last]
        if not in_horizon:  # a period wholly outside the horizon limits nothing
            continue
        limit = float(amount) * scenario.budget_scale
        spent = 0.0
        for m in in_horizon:
            spent += monthly.get(m, 0.0)
        if spent > limit + _slack(limit, tol):
            out.append(
                Violation(
                    "budget",
                    f"budget {period}: {_fmt(spent)} spent but {_fmt(limit)} allowed "
                    f"(over by {_fmt(spent - limit)})",
                    period=str(period),
                    amount=spent - limit,
                )
            )


def _check_dependencies(
    portfolio: Portfolio, info: dict[str, dict], starts: dict[str, int], out: list[Violation]
) -> None:
    dp = portfolio.dependencies
    for a, b, kind in zip(dp["project_id"], dp["depends_on"], dp["kind"], strict=True):
        a, b, kind = str(a), str(b), str(kind)
        if kind == "excludes":
            if a in starts and b in starts:
                out.append(
                    Violation(
                        "excludes",
                        f"{_label(info, a)} and {_label(info, b)} exclude each other but both "
                        "are selected",
                        project_id=a,
                    )
                )
            continue
        if a not in starts:
            continue
        if b not in starts:
            out.append(
                Violation(
                    kind,
                    f"{_label(info, a)} is selected but needs {_label(info, b)}, which is not "
                    f"({kind.replace('_', '-')})",
                    project_id=a,
                )
            )
            continue
        if kind == "finish_to_start":
            b_finish = starts[b] + info[b]["duration"] - 1
            if starts[a] <= b_finish:
                out.append(
                    Violation(
                        "finish_to_start",
                        f"{_label(info, a)} starts {months.from_ordinal(starts[a])} but must "
                        f"wait until {_label(info, b)} finishes in "
                        f"{months.from_ordinal(b_finish)}",
                        project_id=a,
                        month=months.from_ordinal(starts[a]),
                        amount=float(b_finish + 1 - starts[a]),
                    )
                )


def _check_categories(
    portfolio: Portfolio,
    info: dict[str, dict],
    spend: dict[str, list[float]],
    starts: dict[str, int],
    tol: float,
    out: list[Violation],
) -> None:
    by_category: dict[str, float] = defaultdict(float)
    total = 0.0
    for p in starts:
        cost = 0.0
        for amount in spend[p]:
            cost += amount
        by_category[info[p]["category"]] += cost
        total += cost
    cats = portfolio.categories
    for cat, lo, hi in zip(cats.index, cats["min_share"], cats["max_share"], strict=True):
        have = by_category.get(str(cat), 0.0)
        share = have / total if total > 0 else 0.0
        if not _is_missing(lo) and have < float(lo) * total - _slack(total, tol):
            out.append(
                Violation(
                    "category",
                    f"category {cat}: {share:.1%} of project spend ({_fmt(have)} of "
                    f"{_fmt(total)}) but at least {float(lo):.1%} required (min_share)",
                    amount=float(lo) * total - have,
                )
            )
        if not _is_missing(hi) and have > float(hi) * total + _slack(total, tol):
            out.append(
                Violation(
                    "category",
                    f"category {cat}: {share:.1%} of project spend ({_fmt(have)} of "
                    f"{_fmt(total)}) but at most {float(hi):.1%} allowed (max_share)",
                    amount=have - float(hi) * total,
                )
            )


def _check_risk(
    scenario: Scenario,
    info: dict[str, dict],
    starts: dict[str, int],
    tol: float,
    out: list[Violation],
) -> None:
    cap = scenario.max_avg_risk
    if cap is None or not starts:
        return
    risk = 0.0
    for p in starts:
        risk += info[p]["risk"]
    mean = risk / len(starts)
    if mean > cap + _slack(cap, tol):
        out.append(
            Violation(
                "risk",
                f"average risk of the {len(starts)} selected projects is {_fmt(mean)} but "
                f"max_avg_risk is {_fmt(cap)}",
                amount=mean - cap,
            )
        )
