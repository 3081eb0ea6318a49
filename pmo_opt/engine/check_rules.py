"""The rules of docs/model.md 1-10 as the independent checker states them: windows, status and
the board's decisions, hiring, capacity, budget, dependencies, categories and risk. Each appends
the :class:`~pmo_opt.engine.check_rows.Violation` it finds to ``out``; :func:`pmo_opt.engine.check.check_plan`
calls them in order.
"""

from __future__ import annotations

from collections import defaultdict

from pmo_opt.engine.check_rows import Violation, fmt, is_missing, label, role_rate, slack
from pmo_opt.engine.plan import Plan
from pmo_opt.inputs import months
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import Scenario


def check_window(
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
                    f"{label(info, p)} starts {start_m}, before the horizon starts "
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
                    f"{label(info, p)} works until {end_m}, after the horizon ends "
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
                    f"{label(info, p)} starts {start_m}, before its earliest start "
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
                    f"{label(info, p)} works until {end_m}, after its deadline "
                    f"{months.from_ordinal(facts['deadline'])}",
                    project_id=p,
                    month=end_m,
                    amount=float(end - facts["deadline"]),
                )
            )


def check_status_and_board(
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
                    f"{label(info, p)} is forced in by the scenario but not selected",
                    project_id=p,
                )
            )
    for p in scenario.force_out:
        if p in starts:
            out.append(
                Violation(
                    "force_out",
                    f"{label(info, p)} is forced out by the scenario but selected "
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
                    f"{label(info, p)} is {status.replace('_', '-')} but not selected",
                    project_id=p,
                )
            )
        if status == "in_flight" and p in starts and starts[p] != first:
            out.append(
                Violation(
                    "status",
                    f"{label(info, p)} is in flight, so it must start in the first month "
                    f"{months.from_ordinal(first)}, but starts {months.from_ordinal(starts[p])}",
                    project_id=p,
                    month=months.from_ordinal(starts[p]),
                    amount=float(abs(starts[p] - first)),
                )
            )


def check_hiring(
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
                    f"{role}: a hire of {fmt(fte)} FTE has month {month!r}, which is not YYYY-MM",
                    role=str(role),
                    amount=fte,
                )
            )
            continue
        if not first <= m <= last:
            out.append(
                Violation(
                    "hiring",
                    f"{role}: {fmt(fte)} FTE hired in {months.from_ordinal(m)}, outside the "
                    "horizon",
                    role=str(role),
                    month=months.from_ordinal(m),
                    amount=fte,
                )
            )
            continue
        hired[(str(role), m)] += fte
    max_hire = role_rate(portfolio, "max_hire_fte")
    for (role, m), fte in sorted(hired.items()):
        month = months.from_ordinal(m)
        if fte < -tol:
            out.append(
                Violation(
                    "hiring",
                    f"{role}: {fmt(fte)} FTE hired in {month}; hires cannot be negative",
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
                        f"{role}: {fmt(fte)} FTE hired in {month}, but the scenario does not "
                        "allow hiring (allow_hiring is false)",
                        role=role,
                        month=month,
                        amount=fte,
                    )
                )
        else:
            limit = max_hire.get(role, 0.0)
            if fte > limit + slack(limit, tol):
                out.append(
                    Violation(
                        "hiring",
                        f"{role}: {fmt(fte)} FTE hired in {month} but at most {fmt(limit)} "
                        "may be (max_hire_fte)",
                        role=role,
                        month=month,
                        amount=fte - limit,
                    )
                )
    return hired


def capacity_table(
    portfolio: Portfolio, scenario: Scenario, first: int, last: int
) -> dict[tuple[str, int], float]:
    """(role, month ordinal) -> available FTE before hiring (rule 4), for every role known."""
    undated: dict[str, float] = defaultdict(float)
    dated: dict[tuple[str, int], float] = defaultdict(float)
    c = portfolio.capacity
    for role, month, fte in zip(c["role"], c["month"], c["fte"], strict=True):
        if is_missing(month):
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


def check_capacity(
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
    available = capacity_table(portfolio, scenario, first, last)
    keys = set(available) | set(used) | set(hired)
    for role, m in sorted(keys):
        need = used.get((role, m), 0.0)
        base = available.get((role, m), 0.0)
        hire = hired.get((role, m), 0.0)
        limit = base + hire
        if need > limit + slack(limit, tol):
            out.append(
                Violation(
                    "capacity",
                    f"{role}: {fmt(need)} FTE planned in {months.from_ordinal(m)} but "
                    f"{fmt(base)} available (+{fmt(hire)} hired)",
                    role=role,
                    month=months.from_ordinal(m),
                    amount=need - limit,
                )
            )


def check_budget(
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
    hire_rate = role_rate(portfolio, "hire_cost_per_fte_month")
    for (role, m), fte in hired.items():
        monthly[m] += fte * hire_rate.get(role, 0.0)
    b = portfolio.budget
    for period, amount in zip(b["period"], b["amount"], strict=True):
        if is_missing(amount):
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
        if spent > limit + slack(limit, tol):
            out.append(
                Violation(
                    "budget",
                    f"budget {period}: {fmt(spent)} spent but {fmt(limit)} allowed "
                    f"(over by {fmt(spent - limit)})",
                    period=str(period),
                    amount=spent - limit,
                )
            )


def check_dependencies(
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
                        f"{label(info, a)} and {label(info, b)} exclude each other but both "
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
                    f"{label(info, a)} is selected but needs {label(info, b)}, which is not "
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
                        f"{label(info, a)} starts {months.from_ordinal(starts[a])} but must "
                        f"wait until {label(info, b)} finishes in "
                        f"{months.from_ordinal(b_finish)}",
                        project_id=a,
                        month=months.from_ordinal(starts[a]),
                        amount=float(b_finish + 1 - starts[a]),
                    )
                )


def check_categories(
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
        if not is_missing(lo) and have < float(lo) * total - slack(total, tol):
            out.append(
                Violation(
                    "category",
                    f"category {cat}: {share:.1%} of project spend ({fmt(have)} of "
                    f"{fmt(total)}) but at least {float(lo):.1%} required (min_share)",
                    amount=float(lo) * total - have,
                )
            )
        if not is_missing(hi) and have > float(hi) * total + slack(total, tol):
            out.append(
                Violation(
                    "category",
                    f"category {cat}: {share:.1%} of project spend ({fmt(have)} of "
                    f"{fmt(total)}) but at most {float(hi):.1%} allowed (max_share)",
                    amount=have - float(hi) * total,
                )
            )


def check_risk(
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
    if mean > cap + slack(cap, tol):
        out.append(
            Violation(
                "risk",
                f"average risk of the {len(starts)} selected projects is {fmt(mean)} but "
                f"max_avg_risk is {fmt(cap)}",
                amount=mean - cap,
            )
        )


def check_benefit_floor(
    scenario: Scenario,
    info: dict[str, dict],
    starts: dict[str, int],
    tol: float,
    out: list[Violation],
) -> None:
    """The selected projects' stated benefit is at least ``min_benefit`` (when set)."""
    floor = scenario.min_benefit
    if floor is None:
        return
    total = 0.0
    for p in starts:
        total += info[p]["benefit"]
    if total < floor - slack(floor, tol):
        out.append(
            Violation(
                "benefit_floor",
                f"the {len(starts)} selected projects state {fmt(total)} of benefit but "
                f"min_benefit is {fmt(floor)} (short by {fmt(floor - total)})",
                amount=floor - total,
            )
        )
