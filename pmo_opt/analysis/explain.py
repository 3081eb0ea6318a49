"""Explanations: why a project is out and what would bring it in, and which limits a plan
leans on. The notebooks' one import for explanations: it also re-exports the infeasibility
diagnosis (:mod:`pmo_opt.analysis.diagnose`) and the hiring advice (:mod:`pmo_opt.analysis.hiring`).

Every answer comes from re-solving, never from LP dual values: a MILP has no meaningful shadow
prices, and a board wants "with 120k more in 2027-Q3 it enters", which a re-solve can show and a
test can check.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pmo_opt.analysis.diagnose import (
    Diagnosis as Diagnosis,
)
from pmo_opt.analysis.diagnose import (
    diagnose_infeasibility as diagnose_infeasibility,
)
from pmo_opt.analysis.elastic import RELAXATION_COLUMNS, solve_elastic
from pmo_opt.analysis.hiring import HiringAdvice as HiringAdvice
from pmo_opt.analysis.hiring import hiring_advice as hiring_advice
from pmo_opt.analysis.hiring import marginal_fte_value as marginal_fte_value
from pmo_opt.analysis.relaxation import apply_relaxation, describe_relaxations
from pmo_opt.analysis.sweep import check_scheduler, for_sweep, map_ordered
from pmo_opt.analysis.wording import (
    join,
    label,
    period_text,
    runs,
    span,
)
from pmo_opt.engine.objective import check_decisions
from pmo_opt.engine.optimise import optimise
from pmo_opt.engine.plan import Plan, make_plan, spend_profile
from pmo_opt.engine.problem import build_problem
from pmo_opt.errors import InputError, Problem
from pmo_opt.inputs import months
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import Scenario

# --------------------------------------------------------------------------------------------
# why not?


@dataclass(frozen=True)
class Suggestion:
    """What would bring one left-out project into the plan (see :func:`bring_in`).

    Attributes
    ----------
    project_id : the project.
    value_now : objective of the plan without it.
    value_forced : objective when it is forced in (``None`` when it cannot be).
    displaces : projects selected now but not when it is forced in.
    options : per alternative tried (``budget``, ``capacity``, ``capacity+budget``):
        ``option`` (number, empty when it does not work), ``relax``, ``how`` (``anchored``:
        today's plan kept as it is; ``rescheduled``: others may move), ``status``, ``penalty``,
        ``verified`` (re-solving with the change applied and without forcing selects the
        project), ``phrase``.
    relaxations : the rows of every working option (``RELAXATION_COLUMNS``); apply one with
        :func:`apply_relaxation` (``option=``).
    sentence : all of it in one sentence.
    status_forced : the status of the forced-in solve.
    """

    project_id: str
    value_now: float | None
    value_forced: float | None
    displaces: list[str]
    options: pd.DataFrame
    relaxations: pd.DataFrame
    sentence: str
    status_forced: str = ""

    @property
    def value_lost(self) -> float | None:
        if self.value_now is None or self.value_forced is None:
            return None
        return self.value_now - self.value_forced


def _forced_start(portfolio: Portfolio, forced: Scenario, plan: Plan, p: str) -> Plan | None:
    """A starting plan for the forced solve: rank-and-fill with ``p`` forced in and today's
    selection first (today's plan minus what no longer fits), so that a solve stopped at its
    time limit does not overstate the loss. ``None`` when that greedy plan breaks a rule."""
    from pmo_opt.engine.rank_fill import rank_and_fill

    today = plan.projects[plan.projects["selected"]].sort_values("value", ascending=False)
    start = rank_and_fill(portfolio, forced, order=list(today.index))
    ok = start.has_solution and not start.details.get("violations") and p in start.selected
    return start if ok else None


def bring_in(
    portfolio: Portfolio,
    scenario: Scenario,
    project_id: str,
    plan: Plan | None = None,
    *,
    verify: bool = True,
    reschedule: bool | None = None,
    time_limit_s: float | None = None,
) -> Suggestion:
    """Why ``project_id`` is out, and the smallest extra budget or capacity that brings it in.

    1. The plan with the project forced in: the value lost and the projects it displaces.
    2. Elastic re-solves with the project forced in and budget rows (then, separately,
       capacity rows; both together when neither alone works) allowed to overflow at a penalty.
       *Anchored* (the default first step): every project of today's plan keeps its start and
       only the explained project (and anything it requires) is placed, so the overflow is the
       smallest extra with which it fits beside today's plan unchanged; quick even on large
       portfolios. *Rescheduled* (``reschedule=True``, or automatically when no anchored
       option works): every project may move, as long as the others keep today's objective,
       warm-started from the anchored answer; never larger, but a full MILP.
    3. With ``verify``, each suggestion is applied to the data (:func:`apply_relaxation`) and
       the portfolio re-solved without forcing, warm-started from today's plan plus the project:
       ``verified`` says whether the optimiser then keeps it (it may not when another project
       is an even better use of the extra money).

    Parameters
    ----------
    time_limit_s
        Limit per re-solve (default: the scenario's). A forced plan stopped at its limit may
        overstate the value lost; ``status_forced`` and the sentence say so.
    """
    if time_limit_s is not None:
        scenario = scenario.replace(time_limit_s=time_limit_s)
    plan = plan if plan is not None else optimise(portfolio, scenario)
    p = project_id
    who = label(portfolio, p)
    horizon = list(plan.horizon)
    values = build_problem(portfolio, scenario).values
    opt_cols = ["option", "relax", "how", "status", "penalty", "verified", "phrase"]
    empty = pd.DataFrame(columns=RELAXATION_COLUMNS)

    def done(sentence: str, **kw) -> Suggestion:
        base = {
            "project_id": p,
            "value_now": plan.objective,
            "value_forced": None,
            "displaces": [],
            "options": pd.DataFrame(columns=opt_cols),
            "relaxations": empty,
            "sentence": sentence,
        }
        return Suggestion(**{**base, **kw})

    if p not in portfolio.projects.index:
        raise InputError([Problem("why_not", None, "projects", f"{p!r} is not a project id")])
    if p in plan.selected:
        return done(f"{who} is in the plan.")
    if p in scenario.force_out:
        return done(f"{who} is out because the board forced it out (force_out).")
    if scenario.objective == "makespan":
        return done(f"{who} is out: under the makespan objective only force_out removes work.")
    forced_scenario = scenario.replace(force_in=(*scenario.force_in, p))
    start = _forced_start(portfolio, forced_scenario, plan, p)
    forced = optimise(portfolio, forced_scenario, warm_start=start)
    value_forced = forced.objective if forced.has_solution else None
    displaces = [q for q in plan.selected if forced.has_solution and q not in forced.selected]
    if not forced.has_solution:
        why = (
            forced.message
            if forced.status == "infeasible"
            else f"no plan with it was found ({forced.message})"
        )
        return done(
            f"{who} cannot be in the plan even if forced in: {why}.",
            status_forced=forced.status,
        )
    lost = (plan.objective or 0.0) - (value_forced or 0.0)
    tol = 1e-6 * max(1.0, abs(plan.objective or 0.0))
    if lost <= tol:
        gain = -lost
        if gain > tol:
            text = (
                f"{who} could enter at no loss: forcing it in raises the value by {gain:,.4g} "
                f"(today's plan is {plan.status}, gap {plan.gap or 0:.2%})"
            )
        else:
            worth = f" (value {values.get(p, 0.0):g})" if scenario.objective == "value" else ""
            text = f"{who} adds nothing to the objective{worth}, so the optimiser leaves it out"
            text += "; forcing it in costs nothing"
        if displaces:
            text += " and displaces " + ", ".join(displaces)
        return done(
            text + ".", value_forced=value_forced, displaces=displaces, status_forced=forced.status
        )
    tried: list[dict] = []
    found: list[pd.DataFrame] = []
    keep = (float(plan.objective or 0.0), p)

    def attempt(groups: tuple[str, ...], moving: bool) -> bool:
        args = (portfolio, forced_scenario, groups, horizon, values, {})
        solved = solve_elastic(*args, keep=keep, anchor=plan)
        how = "anchored"
        if moving:
            moved = solve_elastic(*args, keep=keep, start=solved.values if solved.ok else None)
            if moved.ok and (not solved.ok or (moved.penalty or 0) <= (solved.penalty or 0)):
                solved, how = moved, "rescheduled"
        works = solved.ok and len(solved.rows) > 0
        option = len(found) + 1 if works else None
        verified = None
        phrase = ""
        if works:
            phrase = join(describe_relaxations(solved.rows, portfolio, "more"))
            if verify:
                pf2, sc2 = apply_relaxation(portfolio, scenario, solved.rows)
                warm = make_plan(
                    pf2, sc2, horizon, solved.starts, solved.hires, values=values, status="feasible"
                )
                verified = p in optimise(pf2, sc2, warm_start=warm).selected
            found.append(solved.rows.assign(option=option, relax="+".join(groups)))
        tried.append(
            {
                "option": option,
                "relax": "+".join(groups),
                "how": how,
                "status": solved.status,
                "penalty": solved.penalty,
                "verified": verified,
                "phrase": phrase,
            }
        )
        return works

    has_budget = len(portfolio.budget) > 0
    groups_to_try = [("budget",)] if has_budget else []
    groups_to_try.append(("capacity",))
    results = [attempt(g, bool(reschedule)) for g in groups_to_try]
    if not any(results) and has_budget:
        results.append(attempt(("capacity", "budget"), bool(reschedule)))
    if not any(results) and reschedule is None:
        attempt(("capacity", "budget") if has_budget else ("capacity",), True)
    options = pd.DataFrame(tried, columns=opt_cols)
    relaxations = pd.concat(found, ignore_index=True)[RELAXATION_COLUMNS] if found else empty
    works = options[options["option"].notna()]
    parts = []
    for phrase, verified in zip(works["phrase"], works["verified"], strict=True):
        note = (
            " (though the optimiser would still prefer other projects)" if verified is False else ""
        )
        parts.append(phrase + note)
    if parts:
        head = f"{who} would enter with " + join(parts, "or")
    else:
        head = (
            f"No extra budget or capacity brings {who} in without losing value: its "
            "dependencies, the category shares or the risk cap stand in the way"
        )
    cost = f"forcing it in now costs {lost:,.4g} value points"
    if displaces:
        cost += " and displaces " + ", ".join(displaces)
    if forced.status != "optimal":
        cost += f" (forced plan {forced.status}, gap {forced.gap or 0:.2%})"
    return Suggestion(
        p,
        plan.objective,
        value_forced,
        displaces,
        options,
        relaxations,
        f"{head}; {cost}.",
        forced.status,
    )


WHY_NOT_COLUMNS = [
    "project_id", "name", "value", "value_lost", "displaces", "status_forced",
    "budget_ok", "budget_verified", "extra_budget",
    "capacity_ok", "capacity_verified", "extra_fte_months",
    "both_ok", "both_verified", "both_extra_budget", "both_extra_fte_months",
    "extra_staff", "both_extra_staff",
    "sentence",
]  # fmt: skip


def staff_text(rows: pd.DataFrame) -> str:
    """Extra capacity rows (``kind`` ``capacity``: ``role``, ``month``, ``amount``) in words:
    ``data engineer 12.0 FTE-months in 2027-03 to 2027-08; architect 2.0 in 2027-05``."""
    rows = rows[rows["kind"] == "capacity"] if "kind" in rows else rows.iloc[0:0]
    parts = []
    for role, g in rows.groupby("role", sort=True):
        when = ", ".join(span(r[0], r[-1]) for r in runs(g["month"].dropna().astype(str)))
        parts.append(
            f"{str(role).replace('_', ' ')} {float(g['amount'].sum()):,.1f} FTE-months"
            + (f" in {when}" if when else "")
        )
    return "; ".join(parts)


def _why_not_task(args: tuple) -> dict:
    """One project's why-not row; top level so that a process pool can run it."""
    portfolio, scenario, plan, p, verify, reschedule = args
    s = bring_in(portfolio, scenario, p, plan, verify=verify, reschedule=reschedule)
    row: dict = {
        "project_id": p,
        "name": portfolio.projects.at[p, "name"],
        "value": float(plan.projects.at[p, "value"]),
        "value_lost": s.value_lost,
        "displaces": ", ".join(s.displaces),
        "status_forced": s.status_forced,
        "sentence": s.sentence,
    }
    for relax, key in (("budget", "budget"), ("capacity", "capacity"), ("capacity+budget", "both")):
        opt = s.options[s.options["relax"] == relax].tail(1)  # a rescheduled retry wins
        tried = bool(len(opt))
        number = opt["option"].iloc[0] if tried else None
        rows = s.relaxations[s.relaxations["option"] == number] if tried else s.relaxations[:0]
        row[f"{key}_ok"] = tried and pd.notna(number)
        row[f"{key}_verified"] = opt["verified"].iloc[0] if tried else None
        extra_money = float(rows.loc[rows["kind"] == "budget", "amount"].sum()) if tried else np.nan
        extra_fte = float(rows.loc[rows["kind"] == "capacity", "amount"].sum()) if tried else np.nan
        if key == "budget":
            row["extra_budget"] = extra_money if row["budget_ok"] else np.nan
        elif key == "capacity":
            row["extra_fte_months"] = extra_fte if row["capacity_ok"] else np.nan
        else:
            row["both_extra_budget"] = extra_money if row["both_ok"] else np.nan
            row["both_extra_fte_months"] = extra_fte if row["both_ok"] else np.nan
        if key != "budget":
            ok = row[f"{key}_ok"]
            row["extra_staff" if key == "capacity" else "both_extra_staff"] = (
                staff_text(rows) if ok else ""
            )
    return row


def why_not(
    portfolio: Portfolio,
    scenario: Scenario,
    plan: Plan | None = None,
    projects: Sequence[str] | None = None,
    *,
    max_projects: int | None = None,
    verify: bool = True,
    reschedule: bool | None = None,
    workers: int | None = 1,
    time_limit_s: float | None = None,
    progress: bool = False,
    scheduler: str | None = None,
) -> pd.DataFrame:
    """For each left-out project: the value lost if forced in, what it displaces, and the
    smallest extra budget or capacity that would bring it in, in one sentence.

    Parameters
    ----------
    portfolio, scenario
        The inputs.
    plan
        Today's plan (solved here when ``None``).
    projects
        Project ids to explain (default: every proposed project the plan leaves out, highest
        value first).
    max_projects
        Explain at most this many (the highest-value ones).
    verify, reschedule
        As :func:`bring_in`. Per project: one forced solve, two or three anchored elastic
        solves (small: today's plan is fixed), one verifying solve per suggestion, and with
        ``reschedule`` one full elastic solve per alternative.
    workers
        Processes to spread projects over (``None`` = all cores); each solve then uses one
        thread.
    time_limit_s
        Limit per re-solve (default: the scenario's).
    scheduler
        A Dask scheduler address (``tcp://10.0.0.5:8786``) to spread the projects over a
        cluster instead (one solver thread per solve, as with ``workers``); ``None`` = the
        scenario's ``scheduler`` setting, ``""`` = here (``workers``).

    Returns
    -------
    DataFrame
        One row per project (:data:`WHY_NOT_COLUMNS`): ``project_id``, ``name``, ``value``,
        ``value_lost`` (objective lost when forced in), ``displaces``, ``status_forced``; for
        the budget-only, capacity-only and combined (``both``) alternatives whether it works
        (``*_ok``), whether re-solving with it applied selects the project (``*_verified``;
        empty when not checked) and its size (``extra_budget`` money summed over budget rows,
        ``extra_fte_months``; ``extra_staff`` and ``both_extra_staff`` say which roles, how many
        FTE-months and when, :func:`staff_text`); and the ``sentence``.
    """
    from tqdm.auto import tqdm

    check_decisions(portfolio, scenario)
    address = check_scheduler(scenario.scheduler if scheduler is None else scheduler)
    if time_limit_s is not None:
        scenario = scenario.replace(time_limit_s=time_limit_s)
    workers = int(workers or os.cpu_count() or 1)
    plan = plan if plan is not None else optimise(portfolio, scenario)
    if not plan.has_solution:
        raise InputError(
            [
                Problem(
                    "why_not",
                    None,
                    None,
                    f"the plan has no solution ({plan.status}): "
                    "diagnose it first (diagnose_infeasibility)",
                )
            ]
        )
    if projects is None:
        out = plan.projects[(~plan.projects["selected"]) & (plan.projects["status"] == "proposed")]
        out = out[~out.index.isin(scenario.force_out)]
        projects = list(out.sort_values("value", ascending=False, kind="stable").index)
    projects = list(projects)[: max_projects if max_projects is not None else None]
    if address or (workers > 1 and len(projects) > 1):
        # one thread per solve in each worker process (they share the cores)
        one = for_sweep(scenario)
        tasks = [(portfolio, one, plan, p, verify, reschedule) for p in projects]
        rows = map_ordered(
            _why_not_task,
            tasks,
            workers=workers,
            scheduler=address,
            progress=progress,
            desc="why not",
        )
    else:
        rows = [
            _why_not_task((portfolio, scenario, plan, p, verify, reschedule))
            for p in tqdm(projects, desc="why not", disable=not progress)
        ]
    return pd.DataFrame(rows, columns=WHY_NOT_COLUMNS)


# --------------------------------------------------------------------------------------------
# what a plan leans on


def binding_constraints(
    portfolio: Portfolio, scenario: Scenario, plan: Plan, threshold: float = 0.99
) -> pd.DataFrame:
    """For each selected project, the limits it leans on, in words.

    A role-month counts when the project uses that role that month and the role is loaded to at
    least ``threshold`` of its capacity (plus hires); a budget row when the project spends in its
    period and the period's spend is at least ``threshold`` of the limit. Dependencies (what it
    requires, must follow, or excludes) and a deadline met in its last month are listed too.

    Returns
    -------
    DataFrame
        ``project_id``, ``name``, ``kind`` (``capacity`` | ``budget`` | ``requires`` |
        ``finish_to_start`` | ``excludes`` | ``deadline`` | ``in_flight``), ``role``, ``period``,
        ``first_month``, ``last_month``, ``utilisation``, ``other_project``, ``sentence``.
    """
    columns = [
        "project_id", "name", "kind", "role", "period", "first_month", "last_month",
        "utilisation", "other_project", "sentence",
    ]  # fmt: skip
    if not plan.has_solution:
        return pd.DataFrame(columns=columns)
    horizon = list(plan.horizon)
    index = {m: i for i, m in enumerate(horizon)}
    sel = plan.projects[plan.projects["selected"]]
    pr = portfolio.projects
    rows: list[dict] = []

    load = plan.load.copy()
    room = load["capacity_fte"] + load["hired_fte"]
    load["use"] = np.where(room > 0, load["demand_fte"] / room.where(room > 0, 1.0), np.inf)
    full = load[(load["demand_fte"] > 1e-9) & (load["use"] >= threshold)]
    full = full.set_index(["role", "month"])["use"]
    demand = portfolio.demand[portfolio.demand["project_id"].isin(sel.index)].copy()
    demand["month"] = [
        horizon[i] if 0 <= i < len(horizon) else None
        for i in (
            demand["project_id"].map(lambda q: index[sel.at[q, "start"]]) + demand["month_offset"]
        )
    ]
    demand = demand[(demand["fte"] > 1e-9) & demand["month"].notna()]
    demand = demand[pd.MultiIndex.from_frame(demand[["role", "month"]]).isin(full.index)]
    for (p, r), g in demand.groupby(["project_id", "role"], sort=True):
        for run in runs(g["month"]):
            use = float(max(full[(r, m)] for m in run))
            rows.append(
                {
                    "project_id": p,
                    "kind": "capacity",
                    "role": r,
                    "first_month": run[0],
                    "last_month": run[-1],
                    "utilisation": use,
                    "sentence": f"{r} is at {use:.0%} of capacity in {span(run[0], run[-1])}",
                }
            )

    spend = plan.spend.set_index("month")["total"]
    profile = spend_profile(portfolio)
    profile = profile[profile["project_id"].isin(sel.index) & (profile["amount"] > 0)].copy()
    profile["month"] = [
        horizon[i] if 0 <= i < len(horizon) else None
        for i in (
            profile["project_id"].map(lambda q: index[sel.at[q, "start"]]) + profile["month_offset"]
        )
    ]
    for period, amount in zip(portfolio.budget["period"], portfolio.budget["amount"], strict=True):
        covered = months.period_months(period)
        ms = horizon if covered is None else [m for m in covered if m in index]
        limit = float(amount) * scenario.budget_scale
        if not ms or limit <= 0:
            continue
        used = float(spend.reindex(ms).fillna(0.0).sum())
        if used < threshold * limit:
            continue
        for p in sorted(set(profile.loc[profile["month"].isin(ms), "project_id"])):
            rows.append(
                {
                    "project_id": p,
                    "kind": "budget",
                    "period": period,
                    "first_month": ms[0],
                    "last_month": ms[-1],
                    "utilisation": used / limit,
                    "sentence": f"{period_text(period)} is {used / limit:.0%} spent",
                }
            )

    deps = portfolio.dependencies
    for a, b, kind in zip(deps["project_id"], deps["depends_on"], deps["kind"], strict=True):
        for p, other in ((a, b), (b, a)) if kind == "excludes" else ((a, b),):
            if p not in sel.index:
                continue
            if kind == "requires":
                text = f"requires {label(portfolio, other)}"
            elif kind == "finish_to_start":
                fin = plan.projects.at[other, "finish"]
                text = f"starts after {label(portfolio, other)} finishes" + (
                    f" ({fin})" if isinstance(fin, str) else ""
                )
            else:
                text = f"excludes {label(portfolio, other)} (not both)"
            rows.append({"project_id": p, "kind": kind, "other_project": other, "sentence": text})
    for p in sel.index:
        dl = pr.at[p, "deadline"]
        if isinstance(dl, str) and sel.at[p, "finish"] == dl:
            rows.append(
                {
                    "project_id": p,
                    "kind": "deadline",
                    "last_month": dl,
                    "sentence": f"finishes in its deadline month {dl}",
                }
            )
        if pr.at[p, "status"] == "in_flight":
            rows.append(
                {
                    "project_id": p,
                    "kind": "in_flight",
                    "first_month": horizon[0],
                    "sentence": "is in flight: it runs from the first month and cannot move",
                }
            )
    table = pd.DataFrame(rows, columns=columns)
    table["name"] = table["project_id"].map(pr["name"])
    order = {k: i for i, k in enumerate(
        ["in_flight", "capacity", "budget", "requires", "finish_to_start", "excludes", "deadline"]
    )}  # fmt: skip
    table = table.assign(_k=table["kind"].map(order)).sort_values(
        ["project_id", "_k", "role", "period", "first_month"], na_position="last", kind="stable"
    )
    return table.drop(columns="_k").reset_index(drop=True)
