"""The *elastic* model: the engine's own model (:func:`pmo_opt.engine.model.build_model`) with a
non-negative slack column on each capacity row (FTE) and budget row (money); deadlines can
become a penalty per month late, and mandatory projects droppable at a penalty. Minimising the
penalty gives the smallest change that makes a plan possible. Used by the diagnosis
(:mod:`~pmo_opt.analysis.diagnose`) and the why-not (:mod:`~pmo_opt.analysis.explain`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from dataclasses import dataclass, field

import pandas as pd
import pulp

from pmo_opt.analysis.wording import (
    ceil_fte,
    ceil_money,
    safe,
)
from pmo_opt.engine.milp import read_decisions
from pmo_opt.engine.model import PortfolioModel, build_model
from pmo_opt.engine.plan import Plan, capacity_grid, make_plan, spend_profile
from pmo_opt.engine.problem import build_problem
from pmo_opt.engine.solve import solve_problem
from pmo_opt.engine.windows import start_windows
from pmo_opt.inputs import months
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import Scenario

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
    """How the model scaled a ``<= limit`` row (pmo_opt.engine.model scales money rows to ~1), so that a
    slack column added with this coefficient counts in FTE or money. 1 when it cannot tell
    (a zero limit); the reported amounts never depend on it (:func:`read_relaxations`)."""
    rhs = -float(getattr(row, "constant", 0.0))
    return rhs / limit if limit > 1e-12 and rhs > 0 else 1.0


@dataclass
class ElasticModel:
    """The engine's model with penalised slack; built by :func:`build_elastic_model`.

    Attributes
    ----------
    model : the underlying :class:`pmo_opt.engine.model.PortfolioModel` (its objective is replaced).
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
        As for :func:`pmo_opt.engine.optimise.optimise`.
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
    problem = build_problem(portfolio, scenario)  # its facts are derived only when read
    horizon = list(horizon or problem.horizon)
    values = values if values is not None else problem.values
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
                row = prob.get_constraint_by_name(f"capacity_{safe(r)}_{mi}")
                if row is None:  # the model skips rows that cannot bind
                    continue
                s = prob.add_variable(f"slack_capacity_{safe(r)}_{mi}", lowBound=0)
                k = _row_scale(row, float(cap.get((r, horizon[mi]), 0.0)))
                row.addInPlace(pulp.LpAffineExpression([(s, -k)]))
                em.capacity[(r, mi)] = s
                em.penalty.append((s, float(price.get(r, 1.0)) if both else 1.0))
    if "budget" in relax:
        for i, (period, amount) in enumerate(
            zip(data.budget["period"], data.budget["amount"], strict=True)
        ):
            row = prob.get_constraint_by_name(f"budget_{i}_{safe(period)}")
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
    """The objective coefficient of each start option (as pmo_opt.engine.model, without tie-break)."""
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
    :func:`pmo_opt.engine.plan.make_plan`), not read from the slack columns, so they are in FTE and
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
                {"kind": "capacity", "role": r, "month": m, "amount": ceil_fte(v), "unit": "FTE"}
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
                    "amount": ceil_money(v),
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


def solve_elastic(
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
