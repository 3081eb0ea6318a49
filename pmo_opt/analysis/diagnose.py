"""What to relax when mandatory work cannot all be done: the *elastic* model and the diagnosis.

The elastic model (:func:`build_elastic_model`) is the engine's own model
(:func:`pmo_opt.model.build_model`) with a non-negative slack column added to each capacity row
(FTE) and budget row (money); deadlines can become a penalty per month late, and mandatory
projects can become droppable at a penalty. Minimising the penalty gives the smallest change.
Suggested amounts are rounded *up* (FTE to 0.01, money to three significant digits), so that
applying them (:func:`apply_relaxation`) really is enough. :mod:`pmo_opt.explain` uses the same
model to say what would bring a project in.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pulp

from pmo_opt.analysis.wording import (
    capitalise,
    ceil_fte,
    ceil_money,
    fte,
    join,
    label,
    money,
    months_word,
    period_text,
    runs,
    safe,
    span,
)
from pmo_opt.engine.milp import read_decisions
from pmo_opt.engine.model import PortfolioModel, build_model, start_windows
from pmo_opt.engine.objective import check_decisions, project_values
from pmo_opt.engine.optimise import optimise
from pmo_opt.engine.plan import Plan, capacity_grid, make_plan, spend_profile
from pmo_opt.engine.solve import solve_problem
from pmo_opt.errors import InputError, Problem
from pmo_opt.inputs import months
from pmo_opt.inputs.data import Portfolio
from pmo_opt.inputs.scenario import Scenario, resolve_horizon

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
        spans = runs(amount.index)
        if len(spans) <= 2:
            parts = []
            for run in spans:
                vals = amount.reindex(run)
                if np.allclose(vals, vals.iloc[0]):
                    size = f"{fte(vals.iloc[0])} FTE"
                else:
                    size = f"up to {fte(vals.max())} FTE ({fte(vals.sum())} FTE-months)"
                parts.append((size, span(run[0], run[-1])))
        else:  # scattered months: one summary, the table has the detail
            size = f"up to {fte(amount.max())} FTE ({fte(amount.sum())} FTE-months)"
            where = f"{len(amount)} months between {amount.index[0]} and {amount.index[-1]}"
            parts = [(size, where)]
        if style == "short":
            phrases.append(f"{role} is " + join([f"{z} short in {w}" for z, w in parts]))
        else:
            phrases.append(
                join([f"{z.replace(' FTE', f' more {role} FTE', 1)} in {w}" for z, w in parts])
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
            phrases.append(f"{period_text(period)} is {money(amount)} short")
        else:
            phrases.append(f"{money(amount)} more in {period_text(period)}")
    for p, late, dl in zip(
        *(rows.loc[rows["kind"] == "deadline", c] for c in ("project_id", "amount", "month")),
        strict=True,
    ):
        phrases.append(
            f"move {label(portfolio, p)}'s deadline by {months_word(int(late))} (to {dl})"
        )
    for p, reason in zip(
        *(rows.loc[rows["kind"] == "mandatory", c] for c in ("project_id", "detail")), strict=True
    ):
        if reason == "force_in":
            phrases.append(f"take {label(portfolio, p)} off the board's force_in list")
        elif reason == "makespan":
            phrases.append(f"leave {label(portfolio, p)} out (force_out)")
        else:
            words = "in-flight" if reason == "in_flight" else "committed"
            phrases.append(f"release {label(portfolio, p)} from its {words} status")
    return phrases


def add_capacity(portfolio: Portfolio, scenario: Scenario, extra: pd.DataFrame) -> Portfolio:
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
    portfolio = add_capacity(portfolio, scenario, cap)
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
        solved = solve_elastic(portfolio, scenario, groups, horizon, values, reasons)
        status, penalty, rows = solved.status, solved.penalty, solved.rows
        works = solved.ok and len(rows) > 0
        option = len(found) + 1 if works else None
        sentence = ""
        if works:
            sentence = capitalise("; ".join(describe_relaxations(rows, portfolio, "short")))
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
