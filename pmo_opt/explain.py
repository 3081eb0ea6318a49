"""Explanations: why a project is out and what would bring it in, which limits a plan leans on,
what to relax when mandatory work cannot all be done, and what hiring would buy.

Every answer comes from re-solving, never from LP dual values: a MILP has no meaningful shadow
prices, and a board wants "with 120k more in 2027-Q3 it enters", which a re-solve can show and a
test can check. The *elastic* model (:func:`build_elastic_model`) is the engine's own model
(:func:`pmo_opt.model.build_model`) with a non-negative slack column added to each capacity row
(FTE) and budget row (money); deadlines can become a penalty per month late, and mandatory
projects can become droppable at a penalty. Minimising the penalty gives the smallest change.
Suggested amounts are rounded *up* (FTE to 0.01, money to three significant digits), so that
applying them (:func:`apply_relaxation`) really is enough.
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pulp

from . import months
from .data import Portfolio
from .errors import InputError, Problem
from .model import PortfolioModel, build_model, start_windows
from .optimise import check_decisions, optimise, project_values, read_decisions
from .plan import Plan, capacity_grid, make_plan, spend_profile
from .scenario import Scenario, resolve_horizon
from .solve import solve_problem
from .sweep import check_scheduler, for_sweep, map_ordered
from .sweep import process_pool as process_pool  # moved to pmo_opt.sweep; still importable here

GROUPS = ("capacity", "budget", "deadlines", "mandatory")
RELAXATION_COLUMNS = [
    "option",
    "relax",
    "kind",
    "role",
    "month",
    "period",
    "budget_row",
    "project_id",
    "amount",
    "unit",
    "detail",
]
_NUMBER_WORDS = "zero one two three four five six seven eight nine ten eleven twelve".split()


# --------------------------------------------------------------------------------------------
# words and numbers


def _label(portfolio: Portfolio, p: str) -> str:
    name = portfolio.projects.at[p, "name"] if p in portfolio.projects.index else None
    return f"{p} {name}" if isinstance(name, str) and name and name != p else str(p)


def _fte(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _money(x: float) -> str:
    """``120000`` -> ``120k``; ``1250000`` -> ``1.25M``; ``950`` -> ``950``."""
    for size, suffix in ((1e9, "bn"), (1e6, "M"), (1e3, "k")):
        if abs(x) >= size:
            return f"{x / size:.3g}{suffix}"
    return f"{x:.3g}" if x != int(x) else f"{int(x)}"


def _ceil_fte(x: float) -> float:
    return math.ceil(x * 100 - 1e-6) / 100


def _ceil_money(x: float) -> float:
    """Round up to three significant digits (so a sentence's figure is enough, not short)."""
    if x <= 0:
        return 0.0
    step = 10 ** max(math.floor(math.log10(x)) - 2, 0)
    return float(math.ceil(x / step - 1e-6) * step)


def _months_word(n: int) -> str:
    word = _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else str(n)
    return f"{word} month" + ("" if n == 1 else "s")


def _span(first: str, last: str) -> str:
    return first if first == last else f"{first} to {last}"


def _period_text(period: str) -> str:
    return "the total budget" if period == "total" else f"the {period} budget"


def _runs(month_list: Iterable[str]) -> list[list[str]]:
    """Consecutive runs of months: ``['2027-01', '2027-02', '2027-05']`` -> two runs."""
    runs: list[list[str]] = []
    for m in sorted(set(month_list)):
        if runs and months.to_ordinal(m) == months.to_ordinal(runs[-1][-1]) + 1:
            runs[-1].append(m)
        else:
            runs.append([m])
    return runs


def _capitalise(text: str) -> str:
    """Capitalise a sentence that starts with one of our own words, never a role's name."""
    first = text.split(" ", 1)[0]
    if first in ("the", "move", "release", "take", "leave"):
        return text[0].upper() + text[1:]
    return text


def _capitalise_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _join(parts: Sequence[str], word: str = "and") -> str:
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} {word} {parts[-1]}"


# --------------------------------------------------------------------------------------------
# the elastic model


def _safe(text: object) -> str:
    # must match pmo_opt.model's constraint naming (capacity_<role>_<m>, budget_<i>_<period>)
    return "".join(ch if ch.isalnum() else "_" for ch in str(text))


def fte_month_price(portfolio: Portfolio) -> pd.Series:
    """Money per FTE-month per role, used to weigh extra capacity against extra budget.

    The role's ``hire_cost_per_fte_month``, else its ``cost_per_fte_month``, else the portfolio's
    average money per FTE-month of demand (total project cost / total FTE-months), else 1.
    """
    roles = sorted(set(portfolio.role_names))
    total_fte = float(portfolio.demand["fte"].sum())
    total_cost = float(spend_profile(portfolio)["amount"].sum())
    average = total_cost / total_fte if total_fte > 0 and total_cost > 0 else 1.0
    price = pd.Series(average, index=roles, dtype=float)
    for column in ("cost_per_fte_month", "hire_cost_per_fte_month"):  # later wins
        if len(portfolio.roles) and column in portfolio.roles:
            given = portfolio.roles[column].reindex(roles)
            price = price.where(~(given > 0), given)
    return price


def _row_scale(row: pulp.LpConstraint, limit: float) -> float:
    """How the model scaled a ``<= limit`` row (pmo_opt.model scales money rows to ~1), so that a
    slack column added with this coefficient counts in FTE or money. 1 when it cannot tell
    (a zero limit); the reported amounts never depend on it (:func:`read_relaxations`)."""
    rhs = -float(getattr(row, "constant", 0.0))
    return rhs / limit if limit > 1e-12 and rhs > 0 else 1.0


@dataclass
class ElasticModel:
    """The engine's model with penalised slack; built by :func:`build_elastic_model`.

    Attributes
    ----------
    model : the underlying :class:`pmo_opt.model.PortfolioModel` (its objective is replaced).
    data : the portfolio the model was built from (deadlines cleared / statuses freed when those
        groups are relaxed).
    capacity : ``(role, month index)`` -> slack FTE column of that capacity row.
    budget : budget row position -> slack money column.
    late : ``(project_id, start index)`` -> months past the project's deadline for that start.
    drop : mandatory project -> 0..1 column "not done".
    unplaceable : mandatory projects with no possible start at all (dropped necessarily).
    penalty : the (column, weight) terms of the objective to minimise.
    """

    model: PortfolioModel
    data: Portfolio
    scenario: Scenario
    relax: frozenset[str]
    capacity: dict[tuple[str, int], pulp.LpVariable] = field(default_factory=dict)
    budget: dict[int, pulp.LpVariable] = field(default_factory=dict)
    late: dict[tuple[str, int], int] = field(default_factory=dict)
    drop: dict[str, pulp.LpVariable] = field(default_factory=dict)
    unplaceable: list[str] = field(default_factory=list)
    penalty: list[tuple[pulp.LpVariable, float]] = field(default_factory=list)

    @property
    def horizon(self) -> list[str]:
        return self.model.horizon


def build_elastic_model(
    portfolio: Portfolio,
    scenario: Scenario,
    relax: Collection[str],
    *,
    horizon: list[str] | None = None,
    values: pd.Series | None = None,
) -> ElasticModel:
    """The engine's model where the groups in ``relax`` may be broken at a penalty.

    Parameters
    ----------
    portfolio, scenario
        As for :func:`pmo_opt.optimise.optimise`.
    relax
        Any of ``capacity`` (a slack FTE per role-month row), ``budget`` (a slack amount per budget
        row), ``deadlines`` (a start past a project's deadline costs one unit per month late) and
        ``mandatory`` (committed, in-flight and forced-in projects may be left out at a cost).
    horizon, values
        Defaults: the scenario's horizon and project values.

    Returns
    -------
    ElasticModel
        With the objective set to *minimise* the weighted slack. Weights: 1 per FTE-month, per
        unit of money, per month late and per dropped project when one group is relaxed alone;
        when capacity and budget are relaxed together an FTE-month weighs
        :func:`fte_month_price` (money), and a month late weighs an average project-month of
        spend, so that one money scale compares them.
    """
    relax = frozenset(relax)
    unknown = relax - set(GROUPS)
    if unknown:
        raise ValueError(f"unknown relaxation groups {sorted(unknown)}; use {GROUPS}")
    horizon = list(horizon or resolve_horizon(portfolio, scenario))
    values = values if values is not None else project_values(portfolio, scenario)
    h0, T = months.to_ordinal(horizon[0]), len(horizon)
    data, scen = portfolio, scenario
    pr = portfolio.projects
    latest: dict[str, int] = {}
    if "deadlines" in relax:
        for p, dl in pr["deadline"].items():
            if isinstance(dl, str) and pr.at[p, "status"] != "in_flight":  # in-flight: fixed
                latest[p] = months.to_ordinal(dl) - h0 - int(pr.at[p, "duration"]) + 1
        projects = pr.copy()
        projects["deadline"] = None
        data = dataclasses.replace(data, projects=projects)
    mandatory: list[str] = []
    if "mandatory" in relax:
        win = start_windows(portfolio, scenario, horizon)
        mandatory = list(win.index[win["mandatory"]])
        projects = data.projects.copy()
        flying = projects["status"] == "in_flight"
        # in-flight work stays pinned to the first month; it only becomes optional
        projects.loc[flying, "earliest_start"] = horizon[0]
        projects.loc[flying, "deadline"] = [
            months.shift(horizon[0], int(d) - 1) for d in projects.loc[flying, "duration"]
        ]
        projects["status"] = "proposed"
        data = dataclasses.replace(data, projects=projects)
        objective = "value" if scen.objective == "makespan" else scen.objective
        scen = scen.replace(force_in=(), objective=objective)
    model = build_model(data, scen, horizon, values)
    em = ElasticModel(model, data, scen, relax)
    prob = model.problem
    both = {"capacity", "budget"} <= relax
    price = fte_month_price(portfolio) if both else None
    if "capacity" in relax:
        cap = capacity_grid(data, horizon, scen).set_index(["role", "month"])["fte"]
        roles = sorted(set(data.role_names) | set(scen.extra_fte))
        for r in roles:
            for mi in range(T):
                row = prob.get_constraint_by_name(f"capacity_{_safe(r)}_{mi}")
                if row is None:  # the model skips rows that cannot bind
                    continue
                s = prob.add_variable(f"slack_capacity_{_safe(r)}_{mi}", lowBound=0)
                k = _row_scale(row, float(cap.get((r, horizon[mi]), 0.0)))
                row.addInPlace(pulp.LpAffineExpression([(s, -k)]))
                em.capacity[(r, mi)] = s
                em.penalty.append((s, float(price.get(r, 1.0)) if both else 1.0))
    if "budget" in relax:
        for i, (period, amount) in enumerate(
            zip(data.budget["period"], data.budget["amount"], strict=True)
        ):
            row = prob.get_constraint_by_name(f"budget_{i}_{_safe(period)}")
            if row is None:
                continue
            s = prob.add_variable(f"slack_budget_{i}", lowBound=0)
            k = _row_scale(row, float(amount) * scen.budget_scale)
            row.addInPlace(pulp.LpAffineExpression([(s, -k)]))
            em.budget[i] = s
            em.penalty.append((s, 1.0))
    if latest:
        month_weight = 1.0
        if relax & {"capacity", "budget"}:
            prof = spend_profile(portfolio)
            month_weight = float(prof["amount"].mean()) if len(prof) else 1.0
            month_weight = month_weight if month_weight > 0 else 1.0
        for (p, t), x in model.x.items():
            if p in latest and t > latest[p]:
                em.late[(p, t)] = t - latest[p]
                em.penalty.append((x, month_weight * (t - latest[p])))
    placeable = set(model.options["project_id"])
    for i, p in enumerate(mandatory):
        if p not in placeable:
            em.unplaceable.append(p)
            continue
        d = prob.add_variable(f"drop_{i}", lowBound=0, upBound=1)
        prob += (model.selected_expr(p) + d >= 1, f"keep_{i}")
        em.drop[p] = d
        em.penalty.append((d, 1.0))
    prob.setObjective(pulp.LpAffineExpression(em.penalty))
    prob.sense = pulp.LpMinimize
    return em


def _objective_gain(
    model: PortfolioModel, portfolio: Portfolio, scenario: Scenario, values: pd.Series
) -> pd.Series:
    """The objective coefficient of each start option (as pmo_opt.model, without tie-break)."""
    opts, pr = model.options, portfolio.projects
    if scenario.objective == "value":
        return opts["project_id"].map(values).astype(float)
    if scenario.objective == "benefit":
        return opts["project_id"].map(pr["benefit"]).astype(float)
    delay = opts["t"] - opts["project_id"].map(model.windows["lo"])
    return (
        opts["project_id"].map(pr["benefit"]) - opts["project_id"].map(pr["cost_of_delay"]) * delay
    ).astype(float)


def keep_value(em: ElasticModel, values: pd.Series, at_least: float, exclude: str) -> None:
    """Require the objective of every project but ``exclude`` to stay at ``at_least``."""
    m = em.model
    gain = _objective_gain(m, em.data, em.scenario, values)
    terms = [
        (m.x[(p, t)], float(g))
        for p, t, g in zip(m.options["project_id"], m.options["t"], gain, strict=True)
        if p != exclude and g
    ]
    slack = 1e-6 * max(1.0, abs(at_least))
    m.problem += (pulp.LpAffineExpression(terms) >= at_least - slack, "keep_value")


def read_relaxations(em: ElasticModel, reasons: dict[str, str] | None = None) -> pd.DataFrame:
    """What a solved elastic model's plan needs beyond today's limits, as tidy rows.

    Amounts are recomputed from the plan the elastic model chose (its starts and hires, through
    :func:`pmo_opt.plan.make_plan`), not read from the slack columns, so they are in FTE and
    money whatever scaling the model applies to its rows; they are rounded up (see module).
    ``reasons`` says why each mandatory project was mandatory (:func:`mandatory_reasons`); it
    goes into ``detail`` of the ``mandatory`` rows.
    """
    reasons = reasons or {}
    h = em.horizon
    starts, hires = read_decisions(em.model)
    plan = make_plan(
        em.data, em.scenario, h, starts, hires, values=em.model.values, status="feasible"
    )
    rows: list[dict] = []
    load = plan.load
    over = load["demand_fte"] - load["capacity_fte"] - load["hired_fte"]
    for r, m, v in zip(load["role"], load["month"], over, strict=True):
        if v > 1e-6:
            rows.append(
                {"kind": "capacity", "role": r, "month": m, "amount": _ceil_fte(v), "unit": "FTE"}
            )
    spend = plan.spend.set_index("month")["total"]
    budget = em.data.budget
    for i, (period, amount) in enumerate(zip(budget["period"], budget["amount"], strict=True)):
        covered = months.period_months(period)
        ms = h if covered is None else [m for m in covered if m in spend.index]
        limit = float(amount) * em.scenario.budget_scale
        v = float(spend.reindex(ms).fillna(0.0).sum()) - limit if ms else 0.0
        if v > 1e-6 * max(1.0, abs(limit)):
            rows.append(
                {
                    "kind": "budget",
                    "period": str(period),
                    "budget_row": i,
                    "amount": _ceil_money(v),
                    "unit": "money",
                }
            )
    for (p, t), late in em.late.items():
        if starts.get(p) == h[t]:
            dl = months.shift(h[t], int(em.data.projects.at[p, "duration"]) - 1)
            rows.append(
                {
                    "kind": "deadline",
                    "project_id": p,
                    "month": dl,
                    "amount": float(late),
                    "unit": "months",
                }
            )
    for p in em.unplaceable:
        rows.append(_drop_row(p, reasons.get(p, "committed")))
    for p in em.drop:
        if p not in starts:
            rows.append(_drop_row(p, reasons.get(p, "committed")))
    frame = pd.DataFrame(
        rows, columns=[c for c in RELAXATION_COLUMNS if c not in ("option", "relax")]
    )
    return frame.sort_values(
        ["kind", "role", "project_id", "month"], na_position="last"
    ).reset_index(drop=True)


def _drop_row(p: str, reason: str) -> dict:
    return {
        "kind": "mandatory",
        "project_id": p,
        "amount": 1.0,
        "unit": "project",
        "detail": reason,
    }


# --------------------------------------------------------------------------------------------
# describing and applying relaxations


def describe_relaxations(
    rows: pd.DataFrame, portfolio: Portfolio, style: str = "short", max_roles: int = 3
) -> list[str]:
    """Relaxation rows in words, one phrase per role, budget period, deadline or project.

    ``style="short"`` says what is missing ("Data Engineer is 1.5 FTE short in 2027-03 to
    2027-05"); ``style="more"`` says what to add ("0.5 more Data Engineer FTE in 2027-04").
    Only the ``max_roles`` roles short of most FTE-months are named; a role short in more than
    two separate runs of months gets one summary phrase (the rows hold every month).
    """
    phrases: list[str] = []
    cap = rows[rows["kind"] == "capacity"]
    by_size = cap.groupby("role")["amount"].sum().sort_values(ascending=False, kind="stable")
    for role in by_size.index[:max_roles]:
        amount = cap[cap["role"] == role].set_index("month")["amount"].sort_index()
        runs = _runs(amount.index)
        if len(runs) <= 2:
            parts = []
            for run in runs:
                vals = amount.reindex(run)
                if np.allclose(vals, vals.iloc[0]):
                    size = f"{_fte(vals.iloc[0])} FTE"
                else:
                    size = f"up to {_fte(vals.max())} FTE ({_fte(vals.sum())} FTE-months)"
                parts.append((size, _span(run[0], run[-1])))
        else:  # scattered months: one summary, the table has the detail
            size = f"up to {_fte(amount.max())} FTE ({_fte(amount.sum())} FTE-months)"
            where = f"{len(amount)} months between {amount.index[0]} and {amount.index[-1]}"
            parts = [(size, where)]
        if style == "short":
            phrases.append(f"{role} is " + _join([f"{z} short in {w}" for z, w in parts]))
        else:
            phrases.append(
                _join([f"{z.replace(' FTE', f' more {role} FTE', 1)} in {w}" for z, w in parts])
            )
    if len(by_size) > max_roles:
        rest = len(by_size) - max_roles
        roles_word = f"{rest} other role{'s' if rest > 1 else ''}"
        if style == "short":
            phrases.append(f"{roles_word} short too (see the table)")
        else:
            phrases.append(f"more FTE in {roles_word} (see the table)")
    bud = rows[rows["kind"] == "budget"]
    for period, amount in zip(bud["period"], bud["amount"], strict=True):
        if style == "short":
            phrases.append(f"{_period_text(period)} is {_money(amount)} short")
        else:
            phrases.append(f"{_money(amount)} more in {_period_text(period)}")
    for p, late, dl in zip(
        *(rows.loc[rows["kind"] == "deadline", c] for c in ("project_id", "amount", "month")),
        strict=True,
    ):
        phrases.append(
            f"move {_label(portfolio, p)}'s deadline by {_months_word(int(late))} (to {dl})"
        )
    for p, reason in zip(
        *(rows.loc[rows["kind"] == "mandatory", c] for c in ("project_id", "detail")), strict=True
    ):
        if reason == "force_in":
            phrases.append(f"take {_label(portfolio, p)} off the board's force_in list")
        elif reason == "makespan":
            phrases.append(f"leave {_label(portfolio, p)} out (force_out)")
        else:
            words = "in-flight" if reason == "in_flight" else "committed"
            phrases.append(f"release {_label(portfolio, p)} from its {words} status")
    return phrases


def _add_capacity(portfolio: Portfolio, scenario: Scenario, extra: pd.DataFrame) -> Portfolio:
    """``portfolio`` with ``extra`` (role, month, fte: *effective* FTE, after capacity_scale)
    added as dated capacity rows (docs/model.md rule 4: a dated row replaces the undated ones for
    that month, so the undated figure is carried into the new row)."""
    if not len(extra):
        return portfolio
    scale = scenario.capacity_scale
    if scale <= 0:
        raise InputError(
            [Problem("scenario", None, "capacity_scale", "is 0, so no capacity can be added")]
        )
    cap = portfolio.capacity
    flat = cap[cap["month"].isna()].groupby("role")["fte"].sum()
    has_month = cap[cap["month"].notna()]
    dated = set(zip(has_month["role"], has_month["month"], strict=True))
    add = extra.groupby(["role", "month"], as_index=False)["fte"].sum()
    new_rows = []
    for r, m, f in zip(add["role"], add["month"], add["fte"], strict=True):
        base = 0.0 if (r, m) in dated else float(flat.get(r, 0.0))
        new_rows.append({"role": r, "month": m, "fte": base + float(f) / scale})
    capacity = pd.concat([cap, pd.DataFrame(new_rows)], ignore_index=True)
    capacity["month"] = capacity["month"].astype(object).where(capacity["month"].notna(), None)
    return dataclasses.replace(portfolio, capacity=capacity)


def apply_relaxation(
    portfolio: Portfolio, scenario: Scenario, relaxations: pd.DataFrame, option: int | None = None
) -> tuple[Portfolio, Scenario]:
    """The portfolio and scenario with the relaxation rows applied, ready to re-solve.

    Capacity rows add dated capacity rows, budget rows raise that budget row's amount, deadline
    rows move the deadline, mandatory rows make the project optional (off ``force_in``, status
    ``proposed``). Amounts are effective (after ``capacity_scale`` / ``budget_scale``) and are
    divided by the scale on the way in.

    Parameters
    ----------
    relaxations
        Rows as :attr:`Diagnosis.relaxations` or :attr:`Suggestion.relaxations`.
    option
        Apply only the rows of this option (default: every row given).
    """
    rows = relaxations
    if option is not None and "option" in rows:
        rows = rows[rows["option"] == option]
    cap = rows[rows["kind"] == "capacity"][["role", "month", "amount"]].rename(
        columns={"amount": "fte"}
    )
    portfolio = _add_capacity(portfolio, scenario, cap)
    bud = rows[rows["kind"] == "budget"]
    if len(bud):
        if scenario.budget_scale <= 0:
            raise InputError(
                [Problem("scenario", None, "budget_scale", "is 0, so no budget can be added")]
            )
        budget = portfolio.budget.copy()
        for i, amount in zip(bud["budget_row"], bud["amount"], strict=True):
            budget.iloc[int(i), budget.columns.get_loc("amount")] += (
                float(amount) / scenario.budget_scale
            )
        portfolio = dataclasses.replace(portfolio, budget=budget)
    late = rows[rows["kind"] == "deadline"]
    mand = rows[rows["kind"] == "mandatory"]
    if len(late) or len(mand):
        projects = portfolio.projects.copy()
        for p, dl in zip(late["project_id"], late["month"], strict=True):
            projects.at[p, "deadline"] = dl
        force_in = tuple(p for p in scenario.force_in if p not in set(mand["project_id"]))
        force_out = list(scenario.force_out)
        for p, reason in zip(mand["project_id"], mand["detail"], strict=True):
            if reason == "makespan":
                force_out.append(p)
            elif reason in ("committed", "in_flight"):
                projects.at[p, "status"] = "proposed"
        portfolio = dataclasses.replace(portfolio, projects=projects)
        scenario = scenario.replace(force_in=force_in, force_out=tuple(force_out))
    return portfolio, scenario


# --------------------------------------------------------------------------------------------
# infeasibility diagnosis


@dataclass(frozen=True)
class Diagnosis:
    """What to relax so that every mandatory requirement can be met.

    Attributes
    ----------
    feasible : True when a plan exists (nothing to relax).
    status : the plan's status that prompted the diagnosis.
    options : one row per alternative tried: ``option``, ``relax`` (groups relaxed), ``status``
        (of that elastic solve; ``feasible`` = a valid relaxation, not proven smallest),
        ``penalty``, ``sentence``. Only options that work get a number >= 1.
    relaxations : the rows of every working option (``RELAXATION_COLUMNS``).
    sentences : the diagnosis in words, the first option first, each further one starting "or".
    """

    feasible: bool
    status: str
    options: pd.DataFrame
    relaxations: pd.DataFrame
    sentences: list[str]

    def apply(
        self, portfolio: Portfolio, scenario: Scenario, option: int = 1
    ) -> tuple[Portfolio, Scenario]:
        """:func:`apply_relaxation` for one of the options (1 = the first)."""
        return apply_relaxation(portfolio, scenario, self.relaxations, option=option)


@dataclass
class _Solved:
    """One elastic solve: outcome, relaxation rows, and the plan it chose (for warm starts)."""

    status: str
    penalty: float | None
    rows: pd.DataFrame
    starts: dict[str, str] = field(default_factory=dict)
    hires: pd.DataFrame | None = None
    values: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status in ("optimal", "feasible")


def anchor_plan(em: ElasticModel, plan: Plan) -> None:
    """Keep every project ``plan`` selects at its start, so that only the others can move."""
    index = {m: i for i, m in enumerate(em.horizon)}
    for i, (q, start) in enumerate(plan.starts.items()):
        key = (q, index.get(start)) if start is not None else None
        if key in em.model.x:
            em.model.problem += (
                pulp.LpAffineExpression([(em.model.x[key], 1.0)]) == 1,
                f"anchor_{i}",
            )


def _solve_elastic(
    portfolio: Portfolio,
    scenario: Scenario,
    relax: Collection[str],
    horizon: list[str],
    values: pd.Series,
    reasons: dict[str, str],
    keep: tuple[float, str] | None = None,
    anchor: Plan | None = None,
    start: dict[str, float] | None = None,
) -> _Solved:
    """Build, solve and read one elastic model (optionally anchored to a plan, or warm-started
    from another elastic solution's column values)."""
    em = build_elastic_model(portfolio, scenario, relax, horizon=horizon, values=values)
    if em.model.empty_mandatory:
        return _Solved("infeasible", None, pd.DataFrame(columns=RELAXATION_COLUMNS))
    if keep is not None:
        keep_value(em, values, *keep)
    if anchor is not None:
        anchor_plan(em, anchor)
    if start:
        for v in em.model.problem.variables():
            v.setInitialValue(start.get(v.name, 0.0))
    result = solve_problem(em.model.problem, scenario, warm_start=bool(start))
    if result.status not in ("optimal", "feasible"):
        return _Solved(result.status, None, pd.DataFrame(columns=RELAXATION_COLUMNS))
    starts, hires = read_decisions(em.model)
    return _Solved(
        result.status,
        float(result.objective or 0.0),
        read_relaxations(em, reasons),
        starts,
        hires,
        {v.name: float(v.varValue or 0.0) for v in em.model.problem.variables()},
    )


def mandatory_reasons(portfolio: Portfolio, scenario: Scenario) -> dict[str, str]:
    """Why each project must be in the plan: ``force_in``, ``in_flight``, ``committed``, or
    ``makespan`` (that objective requires every project not forced out)."""
    pr = portfolio.projects
    out: dict[str, str] = {}
    for p, status in pr["status"].items():
        if p in scenario.force_out:
            continue
        if p in scenario.force_in:
            out[p] = "force_in"
        elif status in ("committed", "in_flight"):
            out[p] = status
        elif scenario.objective == "makespan":
            out[p] = "makespan"
    return out


def diagnose_infeasibility(
    portfolio: Portfolio,
    scenario: Scenario,
    plan: Plan | None = None,
    *,
    time_limit_s: float | None = None,
) -> Diagnosis:
    """When mandatory work cannot all be done, the smallest relaxations that would allow it.

    Tries, each as one elastic re-solve (:func:`build_elastic_model`) that minimises the slack
    it needs: extra capacity alone (FTE per role-month); extra budget alone (per budget row);
    both together (only if neither alone works); later deadlines alone (months per project);
    all three (only if none of those works); and, as the board's last resort, leaving
    mandatory projects out (committed, in-flight, forced in). Every option that works is
    reported; each is the smallest within its kind (proven when its ``status`` is optimal).

    Parameters
    ----------
    portfolio, scenario
        The inputs; ``scenario.time_limit_s`` bounds each re-solve unless ``time_limit_s`` is set.
    plan
        The plan that came back (solved here when ``None``).

    Returns
    -------
    Diagnosis
        ``sentences`` e.g. ``["Data Engineer is 1.5 FTE short in 2027-03 to 2027-05.", "Or:
        move P12's deadline by two months (to 2027-09)."]``.
    """
    check_decisions(portfolio, scenario)
    if time_limit_s is not None:
        scenario = scenario.replace(time_limit_s=time_limit_s)
    plan = plan if plan is not None else optimise(portfolio, scenario)
    empty = pd.DataFrame(columns=RELAXATION_COLUMNS)
    no_options = pd.DataFrame(columns=["option", "relax", "status", "penalty", "sentence"])
    if plan.has_solution:
        return Diagnosis(True, plan.status, no_options, empty, ["A plan exists; nothing to relax."])
    if plan.status != "infeasible":
        return Diagnosis(
            False,
            plan.status,
            no_options,
            empty,
            [
                f"No plan was found ({plan.message}), but none was proven impossible either: "
                "raise time_limit_s and try again."
            ],
        )
    horizon = resolve_horizon(portfolio, scenario)
    values = project_values(portfolio, scenario)
    reasons = mandatory_reasons(portfolio, scenario)
    has = {
        "capacity": len(portfolio.demand) > 0,
        "budget": len(portfolio.budget) > 0,
        "deadlines": portfolio.projects["deadline"].map(lambda m: isinstance(m, str)).any(),
        "mandatory": bool(reasons),
    }
    tried: list[dict] = []
    found: list[pd.DataFrame] = []

    def attempt(groups: tuple[str, ...]) -> bool:
        if not all(has[g] for g in groups):
            return False
        solved = _solve_elastic(portfolio, scenario, groups, horizon, values, reasons)
        status, penalty, rows = solved.status, solved.penalty, solved.rows
        works = solved.ok and len(rows) > 0
        option = len(found) + 1 if works else None
        sentence = ""
        if works:
            sentence = _capitalise("; ".join(describe_relaxations(rows, portfolio, "short")))
            found.append(rows.assign(option=option, relax="+".join(groups)))
        tried.append(
            {
                "option": option,
                "relax": "+".join(groups),
                "status": status,
                "penalty": penalty,
                "sentence": sentence,
            }
        )
        return works

    ok_cap = attempt(("capacity",))
    ok_bud = attempt(("budget",))
    if not (ok_cap or ok_bud) and has["capacity"] and has["budget"]:
        ok_cap = attempt(("capacity", "budget"))
    ok_dl = attempt(("deadlines",))
    if not (ok_cap or ok_bud or ok_dl) and has["deadlines"]:
        attempt(tuple(g for g in ("capacity", "budget", "deadlines") if has[g]))
    attempt(("mandatory",))
    options = pd.DataFrame(tried, columns=no_options.columns)
    relaxations = pd.concat(found, ignore_index=True)[RELAXATION_COLUMNS] if found else empty.copy()
    works = options[options["option"].notna()]
    if not len(works):
        sentences = [
            "No plan can do all the mandatory work, and no relaxation of capacity, budget, "
            "deadlines or mandatory projects fixes it: check the dependencies, category shares "
            "and max_avg_risk."
        ]
    else:
        sentences = [
            "No plan can do all the mandatory work (committed, in-flight and forced-in projects, "
            "within their deadlines). Any one of these would make it possible:"
        ] + [f"{s}." if i == 0 else f"Or: {s}." for i, s in enumerate(works["sentence"])]
    return Diagnosis(False, plan.status, options, relaxations, sentences)


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
    from .baseline import rank_and_fill

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
    label = _label(portfolio, p)
    horizon = list(plan.horizon)
    values = project_values(portfolio, scenario)
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
        return done(f"{label} is in the plan.")
    if p in scenario.force_out:
        return done(f"{label} is out because the board forced it out (force_out).")
    if scenario.objective == "makespan":
        return done(f"{label} is out: under the makespan objective only force_out removes work.")
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
            f"{label} cannot be in the plan even if forced in: {why}.",
            status_forced=forced.status,
        )
    lost = (plan.objective or 0.0) - (value_forced or 0.0)
    tol = 1e-6 * max(1.0, abs(plan.objective or 0.0))
    if lost <= tol:
        gain = -lost
        if gain > tol:
            text = (
                f"{label} could enter at no loss: forcing it in raises the value by {gain:,.4g} "
                f"(today's plan is {plan.status}, gap {plan.gap or 0:.2%})"
            )
        else:
            worth = f" (value {values.get(p, 0.0):g})" if scenario.objective == "value" else ""
            text = f"{label} adds nothing to the objective{worth}, so the optimiser leaves it out"
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
        solved = _solve_elastic(*args, keep=keep, anchor=plan)
        how = "anchored"
        if moving:
            moved = _solve_elastic(*args, keep=keep, start=solved.values if solved.ok else None)
            if moved.ok and (not solved.ok or (moved.penalty or 0) <= (solved.penalty or 0)):
                solved, how = moved, "rescheduled"
        works = solved.ok and len(solved.rows) > 0
        option = len(found) + 1 if works else None
        verified = None
        phrase = ""
        if works:
            phrase = _join(describe_relaxations(solved.rows, portfolio, "more"))
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
        head = f"{label} would enter with " + _join(parts, "or")
    else:
        head = (
            f"No extra budget or capacity brings {label} in without losing value: its "
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
    "sentence",
]  # fmt: skip


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
        money = float(rows.loc[rows["kind"] == "budget", "amount"].sum()) if tried else np.nan
        fte = float(rows.loc[rows["kind"] == "capacity", "amount"].sum()) if tried else np.nan
        if key == "budget":
            row["extra_budget"] = money if row["budget_ok"] else np.nan
        elif key == "capacity":
            row["extra_fte_months"] = fte if row["capacity_ok"] else np.nan
        else:
            row["both_extra_budget"] = money if row["both_ok"] else np.nan
            row["both_extra_fte_months"] = fte if row["both_ok"] else np.nan
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
        ``extra_fte_months``); and the ``sentence``.
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
        for run in _runs(g["month"]):
            use = float(max(full[(r, m)] for m in run))
            rows.append(
                {
                    "project_id": p,
                    "kind": "capacity",
                    "role": r,
                    "first_month": run[0],
                    "last_month": run[-1],
                    "utilisation": use,
                    "sentence": f"{r} is at {use:.0%} of capacity in {_span(run[0], run[-1])}",
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
                    "sentence": f"{_period_text(period)} is {used / limit:.0%} spent",
                }
            )

    deps = portfolio.dependencies
    for a, b, kind in zip(deps["project_id"], deps["depends_on"], deps["kind"], strict=True):
        for p, other in ((a, b), (b, a)) if kind == "excludes" else ((a, b),):
            if p not in sel.index:
                continue
            if kind == "requires":
                text = f"requires {_label(portfolio, other)}"
            elif kind == "finish_to_start":
                fin = plan.projects.at[other, "finish"]
                text = f"starts after {_label(portfolio, other)} finishes" + (
                    f" ({fin})" if isinstance(fin, str) else ""
                )
            else:
                text = f"excludes {_label(portfolio, other)} (not both)"
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


# --------------------------------------------------------------------------------------------
# hiring


@dataclass(frozen=True)
class HiringAdvice:
    """What hiring would buy (see :func:`hiring_advice`).

    Attributes
    ----------
    hires : ``role``, ``month``, ``fte``, ``cost`` (only months with a hire).
    runs : per role and run of consecutive months: ``role``, ``first_month``, ``last_month``,
        ``fte_max``, ``fte_months``, ``cost``, ``sentence``.
    value_without, value_with : the objective without and with hiring.
    entering, leaving : projects the hires bring in or push out.
    sentences : the advice in words.
    plan : the plan with hiring.
    """

    hires: pd.DataFrame
    runs: pd.DataFrame
    value_without: float | None
    value_with: float | None
    entering: list[str]
    leaving: list[str]
    sentences: list[str]
    plan: Plan | None = None

    @property
    def value_gain(self) -> float | None:
        if self.value_with is None or self.value_without is None:
            return None
        return self.value_with - self.value_without


def hiring_advice(
    portfolio: Portfolio, scenario: Scenario, plan: Plan | None = None
) -> HiringAdvice:
    """Re-solve with ``allow_hiring`` (hire costs and limits from the ``roles`` table) and say
    which roles to hire in which months and what value that buys.

    Parameters
    ----------
    plan
        Today's plan without hiring (solved here when ``None``; with ``allow_hiring`` switched
        off when the scenario has it on).
    """
    base_scenario = scenario.replace(allow_hiring=False)
    plan = plan if plan is not None else optimise(portfolio, base_scenario)
    run_cols = ["role", "first_month", "last_month", "fte_max", "fte_months", "cost", "sentence"]
    hire_cols = ["role", "month", "fte", "cost"]
    roles = portfolio.roles
    can = (
        roles.index[roles["max_hire_fte"].fillna(0) > 0].tolist()
        if len(roles) and "max_hire_fte" in roles
        else []
    )
    if not can:
        return HiringAdvice(
            pd.DataFrame(columns=hire_cols),
            pd.DataFrame(columns=run_cols),
            plan.objective,
            plan.objective,
            [],
            [],
            [
                "No role allows hiring: give max_hire_fte (and hire_cost_per_fte_month) in the "
                "roles table."
            ],
        )
    hired = optimise(portfolio, scenario.replace(allow_hiring=True), warm_start=plan)
    if not hired.has_solution:
        return HiringAdvice(
            pd.DataFrame(columns=hire_cols),
            pd.DataFrame(columns=run_cols),
            plan.objective,
            None,
            [],
            [],
            [f"The plan with hiring has no solution ({hired.status}: {hired.message})."],
            hired,
        )
    rate = roles["hire_cost_per_fte_month"].fillna(0.0)
    hires = hired.hires.copy()
    hires["cost"] = hires["fte"] * hires["role"].map(rate).fillna(0.0)
    hires = hires[hire_cols].sort_values(["role", "month"]).reset_index(drop=True)
    runs: list[dict] = []
    sentences: list[str] = []
    for role, g in hires.groupby("role", sort=True):
        g = g.set_index("month")
        parts = []
        for run in _runs(g.index):
            part = g.loc[run]
            fte_max = float(part["fte"].max())
            even = bool(np.allclose(part["fte"], fte_max))
            size = f"{_fte(fte_max)} FTE" if even else f"up to {_fte(fte_max)} FTE"
            text = f"{size} in {_span(run[0], run[-1])}"
            parts.append(text)
            runs.append(
                {
                    "role": role,
                    "first_month": run[0],
                    "last_month": run[-1],
                    "fte_max": fte_max,
                    "fte_months": float(part["fte"].sum()),
                    "cost": float(part["cost"].sum()),
                    "sentence": f"hire {role}: {text} (cost {_money(float(part['cost'].sum()))})",
                }
            )
        sentences.append(
            f"Hire {role}: {', '.join(parts)} (cost {_money(float(g['cost'].sum()))})."
        )
    runs_df = pd.DataFrame(runs, columns=run_cols)
    before, after = set(plan.selected), set(hired.selected)
    entering = sorted(after - before)
    leaving = sorted(before - after)
    gain = (hired.objective or 0.0) - (plan.objective or 0.0)
    if not len(hires):
        sentences = ["Hiring buys nothing here: no hire within max_hire_fte adds value."]
    else:
        what = f"This adds {gain:,.4g} value points"
        if entering:
            what += ", bringing in " + ", ".join(_label(portfolio, q) for q in entering)
        if leaving:
            what += ", and pushes out " + ", ".join(_label(portfolio, q) for q in leaving)
        sentences.append(what + f" (total hire cost {_money(float(hires['cost'].sum()))}).")
    unproven = [
        f"{what} is {pl.status} (gap {pl.gap or 0:.2%})"
        for what, pl in (("today's plan", plan), ("the plan with hiring", hired))
        if pl.status != "optimal"
    ]
    if unproven:
        sentences.append(
            _capitalise_first(" and ".join(unproven))
            + ": part of the difference may be the solver's progress, not the hires."
        )
    return HiringAdvice(
        hires, runs_df, plan.objective, hired.objective, entering, leaving, sentences, hired
    )


def _quarter(month: str) -> str:
    y, m = month.split("-")
    return f"{y}-Q{(int(m) - 1) // 3 + 1}"


def marginal_fte_value(
    portfolio: Portfolio,
    scenario: Scenario,
    roles: Sequence[str] | None = None,
    plan: Plan | None = None,
    *,
    fte: float = 1.0,
    max_solves: int | None = 48,
    progress: bool = False,
) -> pd.DataFrame:
    """The objective gained by ``fte`` more FTE of a role during one calendar quarter.

    One re-solve per (role, quarter), warm-started from today's plan (which stays feasible, so
    the gain is never negative unless a solve stops at its time limit: ``status`` says so). With
    many roles and quarters the solves are capped at ``max_solves``, taking the role-quarters
    whose peak utilisation is highest first; the others get ``NaN`` and ``tested`` False.

    Returns
    -------
    DataFrame
        ``role``, ``quarter``, ``first_month``, ``last_month``, ``peak_utilisation``,
        ``tested``, ``status``, ``value``, ``marginal_value`` (per ``fte``), ``entering``,
        ``note`` (set when either solve stopped at its time limit).
    """
    from tqdm.auto import tqdm

    plan = plan if plan is not None else optimise(portfolio, scenario)
    horizon = list(plan.horizon)
    roles = list(roles) if roles is not None else sorted(set(portfolio.demand["role"]))
    load = plan.load.copy()
    room = load["capacity_fte"] + load["hired_fte"]
    load["use"] = np.where(room > 0, load["demand_fte"] / room.where(room > 0, 1.0), 0.0)
    load["quarter"] = load["month"].map(_quarter)
    cells = []
    for r in roles:
        for q in dict.fromkeys(_quarter(m) for m in horizon):
            ms = [m for m in horizon if _quarter(m) == q]
            peak = load.loc[(load["role"] == r) & (load["quarter"] == q), "use"].max()
            cells.append(
                {
                    "role": r,
                    "quarter": q,
                    "first_month": ms[0],
                    "last_month": ms[-1],
                    "peak_utilisation": float(peak) if pd.notna(peak) else 0.0,
                }
            )
    table = pd.DataFrame(cells)
    order = table.sort_values(
        ["peak_utilisation", "role", "quarter"], ascending=[False, True, True], kind="stable"
    ).index
    chosen = set(order[: max_solves if max_solves is not None else None])
    table["tested"] = table.index.isin(chosen)
    out_status, out_value, out_enter = [], [], []
    bar = tqdm(total=len(chosen), desc="marginal FTE", disable=not progress)
    for i, row in table.iterrows():
        if i not in chosen:
            out_status.append("")
            out_value.append(np.nan)
            out_enter.append("")
            continue
        ms = [m for m in horizon if _quarter(m) == row["quarter"]]
        extra = pd.DataFrame(
            {"role": row["role"], "month": ms, "fte": fte * scenario.capacity_scale}
        )
        more = _add_capacity(portfolio, scenario, extra)
        got = optimise(more, scenario, warm_start=plan if plan.has_solution else None)
        out_status.append(got.status)
        out_value.append(got.objective if got.has_solution else np.nan)
        out_enter.append(", ".join(sorted(set(got.selected) - set(plan.selected))))
        bar.update()
    bar.close()
    table["status"] = out_status
    table["value"] = out_value
    table["marginal_value"] = (table["value"] - (plan.objective or 0.0)) / fte
    table["entering"] = out_enter
    unproven = table["tested"] & ((table["status"] != "optimal") | (plan.status != "optimal"))
    table["note"] = np.where(
        unproven, "not proven optimal: the gain may be larger (or an artefact of the limit)", ""
    )
    return table
