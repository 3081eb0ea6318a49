"""The selection-and-scheduling MILP: a flat list of constraint families over pandas indexes.

Dimensions: ``project_id`` (p), start month index ``t`` (0 = horizon start), ``role`` (r), month
index ``m``, budget ``period``. Decisions: ``x[p, t]`` = 1 when p starts in month t (only inside
p's start window, which already encodes horizon, earliest start, deadline, in-flight and forward
critical-path bounds), and, with hiring, ``hire[r, m]`` >= 0 FTE. ``y_p = sum_t x[p, t]`` is
"p is selected". The rules are docs/model.md; each ``add_*`` function states its maths.

Time-indexed starts are chosen over big-M start times because the capacity rows and the
disaggregated precedence rows are then tight in the LP relaxation (the classic Pritsker/
Christofides formulation), which is what lets HiGHS prove optimality on real portfolios.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pulp

from pmo_opt.engine.plan import capacity_grid, spend_profile
from pmo_opt.engine.windows import start_options, start_windows
from pmo_opt.inputs import months
from pmo_opt.inputs.baseline import Baseline, baseline_of
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import Scenario


@dataclass
class PortfolioModel:
    """A built model and the indexes needed to read its answer."""

    problem: pulp.LpProblem
    horizon: list[str]
    windows: pd.DataFrame  # index project_id: lo, hi (start month indexes), mandatory, duration
    options: pd.DataFrame  # project_id, t: every allowed start
    x: dict[tuple[str, int], pulp.LpVariable]
    hire: dict[tuple[str, int], pulp.LpVariable] = field(default_factory=dict)
    makespan: pulp.LpVariable | None = None
    values: pd.Series | None = None
    empty_mandatory: list[str] = field(default_factory=list)
    y: dict[str, pulp.LpVariable] = field(default_factory=dict)
    #: constant part of the objective (the re-planning penalty no decision can avoid), carried by
    #: ``constant``, a column fixed at 1: pulp passes no objective constant to HiGHS, and the
    #: solver's bound and gap must be those of the plan's objective
    objective_offset: float = 0.0
    constant: pulp.LpVariable | None = None

    def selected_expr(self, p: str) -> pulp.LpAffineExpression:
        """ "p is selected": ``y_p`` for an optional project, 1 for mandatory work, 0 when p has
        no start option."""
        if p in self.y:
            return pulp.LpAffineExpression([(self.y[p], 1)])
        return pulp.LpAffineExpression(constant=1 if self._by_project.get(p) else 0)

    @property
    def xvars(self) -> list[pulp.LpVariable]:
        """The start variables in the order of ``options``' rows."""
        return list(self.x.values())

    def __post_init__(self) -> None:
        by: dict[str, list[pulp.LpVariable]] = {}
        starts: dict[str, list[tuple[int, pulp.LpVariable]]] = {}
        for (p, t), v in self.x.items():
            by.setdefault(p, []).append(v)
            starts.setdefault(p, []).append((t, v))
        self._by_project = by
        self.starts_of = starts


# --------------------------------------------------------------------------------------------
# constraint families


def add_start_variables(m: PortfolioModel) -> None:
    """sum_t x[p, t] = y_p with y_p in {0, 1} (optional p), = 1 (mandatory p).

    The explicit selection binary lets HiGHS branch on "which projects" before "when": with
    yearly budget rows the LP otherwise splits starts across years and the bound stalls.
    """
    for p, row in m.windows.iterrows():
        starts = pulp.LpAffineExpression([(v, 1) for v in m._by_project.get(p, [])])
        if row["mandatory"]:
            if row["hi"] >= row["lo"]:
                m.problem += (starts == 1, f"mandatory_{p}")
            else:
                m.empty_mandatory.append(p)
        elif row["hi"] >= row["lo"]:
            m.y[p] = m.problem.add_variable(f"y_{_safe(p)}", 0, 1, pulp.LpBinary)
            m.problem += (starts - m.y[p] == 0, f"select_{_safe(p)}")


def add_capacity_constraints(
    m: PortfolioModel, portfolio: Portfolio, scenario: Scenario, hire_cost: pd.Series
) -> None:
    """sum_{p,t} fte[p, r, m - t] x[p, t] <= cap[r, m] + hire[r, m]   for every role r, month m."""
    T = len(m.horizon)
    cap = capacity_grid(portfolio, m.horizon, scenario)
    cap["m"] = np.tile(np.arange(T), len(cap) // T) if T else []
    cap = cap.set_index(["role", "m"])["fte"]
    opts = m.options.assign(opt=np.arange(len(m.options)))
    rows = opts.merge(portfolio.demand, on="project_id")
    rows["m"] = rows["t"] + rows["month_offset"]
    rows = rows[(rows["m"] < T) & (rows["fte"] > 0)]
    if rows.empty:
        return  # nothing can start, or nothing needs anyone
    # a role-month can only bind when the most it could carry exceeds capacity
    worst = rows.groupby(["role", "m", "project_id"])["fte"].max().groupby(["role", "m"]).sum()
    max_hire = portfolio.roles["max_hire_fte"].fillna(0.0) if scenario.allow_hiring else pd.Series()
    rows = rows.sort_values(["role", "m", "opt"], kind="stable")
    xvars = np.array(m.xvars, dtype=object)
    role_col, m_col = rows["role"].to_numpy(), rows["m"].to_numpy()
    opt_col, fte_col = rows["opt"].to_numpy(), rows["fte"].to_numpy(dtype=float)
    new_group = np.r_[True, (role_col[1:] != role_col[:-1]) | (m_col[1:] != m_col[:-1])]
    bounds = [*np.flatnonzero(new_group), len(rows)]
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):
        r, mi = role_col[a], int(m_col[a])
        limit = float(cap.get((r, mi), 0.0))
        if worst[(r, mi)] <= limit + 1e-9:
            continue
        terms = list(zip(xvars[opt_col[a:b]], fte_col[a:b].tolist(), strict=True))
        upper = float(max_hire.get(r, 0.0)) if scenario.allow_hiring else 0.0
        if upper > 0:
            h = m.problem.add_variable(f"hire_{_safe(r)}_{mi}", lowBound=0, upBound=upper)
            m.hire[(r, mi)] = h
            terms.append((h, -1.0))
        m.problem += (pulp.LpAffineExpression(terms) <= limit, f"capacity_{_safe(r)}_{mi}")


def add_budget_constraints(
    m: PortfolioModel, portfolio: Portfolio, scenario: Scenario, hire_cost: pd.Series
) -> None:
    """sum_{p,t} spend[p, m - t] x[p, t] + sum_r hire_cost_r hire[r, m], over m in period, <= budget."""
    T = len(m.horizon)
    index = {mo: i for i, mo in enumerate(m.horizon)}
    spend = m.options.merge(spend_profile(portfolio), on="project_id")
    spend["m"] = spend["t"] + spend["month_offset"]
    spend = spend[(spend["m"] < T) & (spend["amount"] != 0)]
    for i, (period, amount) in enumerate(
        zip(portfolio.budget["period"], portfolio.budget["amount"], strict=True)
    ):
        covered = months.period_months(period)
        ms = list(range(T)) if covered is None else [index[c] for c in covered if c in index]
        if not ms:
            continue
        inside = spend[spend["m"].isin(ms)]
        coef = inside.groupby(["project_id", "t"], sort=False)["amount"].sum()
        limit = float(amount) * scenario.budget_scale
        terms = [(m.x[key], float(c)) for key, c in coef.items()]
        terms += [
            (h, float(hire_cost.get(r, 0.0)))
            for (r, mi), h in m.hire.items()
            if mi in ms and hire_cost.get(r, 0.0)
        ]
        if sum(c for _, c in terms if c > 0) <= limit + 1e-9:
            continue  # cannot bind
        # money rows are scaled to the limit (coefficients ~1) so they sit beside FTE rows well
        scale = 1.0 / limit if limit > 0 else 1.0 / max(c for _, c in terms)
        terms = [(v, c * scale) for v, c in terms]
        row = pulp.LpAffineExpression(terms) <= limit * scale
        m.problem += (row, f"budget_{i}_{_safe(period)}")


def add_dependency_constraints(m: PortfolioModel, portfolio: Portfolio) -> None:
    """requires: y_A <= y_B; excludes: y_A + y_B <= 1;
    finish_to_start: sum_{s <= t} x[A, s] <= sum_{s <= t - d_B} x[B, s] for every t (tight form)."""
    d = m.windows["duration"]
    for i, (a, b, kind) in enumerate(
        zip(*(portfolio.dependencies[c] for c in ("project_id", "depends_on", "kind")), strict=True)
    ):
        if kind == "requires":
            m.problem += (m.selected_expr(a) - m.selected_expr(b) <= 0, f"requires_{i}")
        elif kind == "excludes":
            m.problem += (m.selected_expr(a) + m.selected_expr(b) <= 1, f"excludes_{i}")
        elif kind == "finish_to_start":
            a_starts = sorted(t for t, _ in m.starts_of.get(a, []))
            b_starts = sorted(t for t, _ in m.starts_of.get(b, []))
            db = int(d[b])
            for t in a_starts:
                terms = [(m.x[(a, s)], 1) for s in a_starts if s <= t]
                terms += [(m.x[(b, s)], -1) for s in b_starts if s <= t - db]
                m.problem += (pulp.LpAffineExpression(terms) <= 0, f"fs_{i}_{t}")
            if not a_starts:
                continue


def add_category_constraints(m: PortfolioModel, portfolio: Portfolio) -> None:
    """spend_c >= min_share_c * total and spend_c <= max_share_c * total (project spend only)."""
    if not len(portfolio.categories):
        return
    cost = spend_profile(portfolio).groupby("project_id")["amount"].sum()
    cat = portfolio.projects["category"]
    for c, row in portfolio.categories.iterrows():
        for share, sense in ((row["min_share"], 1), (row["max_share"], -1)):
            if pd.isna(share):
                continue
            row = pulp.LpAffineExpression()
            for p in m.windows.index:
                coef = sense * (cost.get(p, 0.0) * ((cat[p] == c) - share))
                if coef:
                    row += m.selected_expr(p) * float(coef)
            name = "min" if sense == 1 else "max"
            m.problem += (row >= 0, f"category_{name}_{_safe(c)}")


def add_risk_constraint(m: PortfolioModel, portfolio: Portfolio, scenario: Scenario) -> None:
    """sum_p (risk_p - max_avg_risk) y_p <= 0."""
    if scenario.max_avg_risk is None:
        return
    risk = portfolio.projects["risk"]
    row = pulp.LpAffineExpression()
    for p in m.windows.index:
        row += m.selected_expr(p) * float(risk[p] - scenario.max_avg_risk)
    m.problem += (row <= 0, "average_risk")


def add_benefit_floor(m: PortfolioModel, portfolio: Portfolio, scenario: Scenario) -> None:
    """sum_p benefit_p y_p >= min_benefit (the epsilon-constraint of the score-benefit trade-off).

    Scaled to the floor (coefficients ~1) like the budget rows, so it sits beside FTE rows well.
    """
    if scenario.min_benefit is None:
        return
    benefit = portfolio.projects["benefit"].fillna(0.0).astype(float)
    floor = float(scenario.min_benefit)
    scale = 1.0 / floor if floor > 0 else 1.0 / max(float(benefit.abs().max()), 1.0)
    row = pulp.LpAffineExpression()
    for p in m.windows.index:
        if benefit[p]:
            row += m.selected_expr(p) * (float(benefit[p]) * scale)
    m.problem += (row >= floor * scale, "benefit_floor")


def set_objective(
    m: PortfolioModel,
    portfolio: Portfolio,
    scenario: Scenario,
    values: pd.Series,
    hire_cost: pd.Series,
) -> None:
    """max sum value_p x[p, t] (or benefit minus delay cost), or min makespan.

    No tie-break term: one would make the solver prove the best timing among equal plans, which
    costs far more than it is worth; ``compact.left_shift`` starts work early afterwards, and
    ``optimise`` trims hires to what the final plan needs.
    """
    pr = portfolio.projects
    opts = m.options
    T = max(len(m.horizon), 1)
    if scenario.objective == "makespan":
        # critical path: no plan finishes before the longest chain of mandatory work
        mandatory = m.windows[m.windows["mandatory"]]
        lower = float((mandatory["lo"] + mandatory["duration"]).max()) if len(mandatory) else 0.0
        m.makespan = m.problem.add_variable("makespan", lowBound=lower, upBound=T)
        m.problem.sense = pulp.LpMinimize
        # a project with a scheduled successor never finishes last (successors forced out
        # do not count: they are not scheduled)
        deps = portfolio.dependencies
        fs = deps[
            (deps["kind"] == "finish_to_start") & ~deps["project_id"].isin(scenario.force_out)
        ]
        has_successor = set(fs["depends_on"])
        for p, group in opts.groupby("project_id", sort=True):
            if p in has_successor:
                continue  # a successor finishes later
            d = int(pr.at[p, "duration"])
            terms = [(m.x[(p, t)], float(t + d)) for t in group["t"]]
            terms.append((m.makespan, -1.0))
            m.problem += (pulp.LpAffineExpression(terms) <= 0, f"makespan_{p}")
        terms = [(m.makespan, 1.0)]
        m.problem.setObjective(pulp.LpAffineExpression(terms))
        return
    m.problem.sense = pulp.LpMaximize
    gain = values if scenario.objective == "value" else pr["benefit"]
    gain = gain.reindex(pr.index).fillna(0.0).astype(float)
    per_start = pd.Series(0.0, index=opts.index)
    if scenario.objective == "value_minus_delay":
        h0 = months.to_ordinal(m.horizon[0])
        earliest = pr["earliest_start"].map(
            lambda mo: max(months.to_ordinal(mo) - h0, 0) if isinstance(mo, str) else 0
        )
        delay = opts["t"] - opts["project_id"].map(earliest)
        per_start = -opts["project_id"].map(pr["cost_of_delay"]).astype(float) * delay
    # a selected project's gain sits on y_p; mandatory work (no y) carries it on its starts
    on_start = opts["project_id"].map(lambda p: 0.0 if p in m.y else gain[p]) + per_start
    terms = [
        (m.x[(p, t)], float(c))
        for p, t, c in zip(opts["project_id"], opts["t"], on_start, strict=True)
        if c
    ]
    terms += [(y, float(gain[p])) for p, y in m.y.items() if gain[p]]
    m.problem.setObjective(pulp.LpAffineExpression(terms))


def add_change_penalty(m: PortfolioModel, baseline: Baseline, penalty: float) -> None:
    """- change_penalty * (sum_{p in B} (1 - y_p) + sum_{p not in B} y_p), B the baseline's
    selection (y_p constant 1 for mandatory work, 0 for work with no start option)."""
    if not penalty:
        return
    terms, constant = change_terms(m, baseline)
    m.objective_offset -= penalty * constant
    if terms:
        m.problem.objective += pulp.LpAffineExpression([(v, -penalty * c) for v, c in terms])


def change_terms(
    m: PortfolioModel, baseline: Baseline
) -> tuple[list[tuple[pulp.LpVariable, float]], float]:
    """changes = sum_{p in B} (1 - y_p) + sum_{p not in B} y_p as (y_p, +-1) terms and a constant
    (mandatory work counts as y_p = 1, work with no start option as y_p = 0)."""
    terms: list[tuple[pulp.LpVariable, float]] = []
    constant = 0.0
    for p in m.windows.index:
        was = baseline.selected(p)
        if p in m.y:
            terms.append((m.y[p], -1.0 if was else 1.0))
            constant += 1.0 if was else 0.0
        elif was != bool(m._by_project.get(p)):
            constant += 1.0
    return terms, constant


def add_change_limit(m: PortfolioModel, baseline: Baseline, limit: int | None) -> None:
    """sum_{p in B} (1 - y_p) + sum_{p not in B} y_p <= max_changes."""
    if limit is None:
        return
    terms, constant = change_terms(m, baseline)
    m.problem += (pulp.LpAffineExpression(terms) <= float(limit) - constant, "max_changes")


def add_move_penalty(m: PortfolioModel, baseline: Baseline, penalty: float) -> None:
    """- move_penalty * sum_{p in B} sum_t |t - s_p| x[p, t]: months a baseline start moves
    (linear in the start variables; work in flight has s_p = 0 and a single option t = 0)."""
    if not penalty:
        return
    terms = []
    for (p, t), v in m.x.items():
        s = baseline.start_index(p)
        if s is not None and t != s:
            terms.append((v, -penalty * abs(t - s)))
    if terms:
        m.problem.objective += pulp.LpAffineExpression(terms)


def _safe(text: object) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in str(text))


def build_model(
    portfolio: Portfolio,
    scenario: Scenario,
    horizon: list[str],
    values: pd.Series,
    latest_finish: int | None = None,
) -> PortfolioModel:
    """The MILP of docs/model.md for ``portfolio`` under ``scenario``: a flat list of families.

    ``latest_finish`` (months from the horizon start) bounds every finish: under ``makespan`` the
    makespan of any known plan is such a bound, and it shrinks the model a lot. With a baseline
    (``scenario.baseline``, rolled forward by :func:`pmo_opt.inputs.baseline.replan_inputs`) the
    objective is value minus the change and move penalties (rules 11-12) and frozen projects keep
    their baseline decision (rule 13).
    """
    windows = start_windows(portfolio, scenario, horizon, latest_finish)
    options = start_options(windows)
    problem = pulp.LpProblem(f"portfolio_{_safe(scenario.name)}", pulp.LpMaximize)
    keys = list(zip(options["project_id"], options["t"], strict=True))
    names = [f"{_safe(p)}_{t}" for p, t in keys]
    variables = problem.add_variable_dict("x", names, lowBound=0, upBound=1, cat=pulp.LpBinary)
    x = {k: variables[n] for k, n in zip(keys, names, strict=True)}
    m = PortfolioModel(problem, horizon, windows, options, x, values=values)
    hire_cost = (
        portfolio.roles["hire_cost_per_fte_month"].fillna(0.0)
        if len(portfolio.roles)
        else pd.Series(dtype=float)
    )
    add_start_variables(m)
    add_capacity_constraints(m, portfolio, scenario, hire_cost)
    add_budget_constraints(m, portfolio, scenario, hire_cost)
    add_dependency_constraints(m, portfolio)
    add_category_constraints(m, portfolio)
    add_risk_constraint(m, portfolio, scenario)
    add_benefit_floor(m, portfolio, scenario)
    set_objective(m, portfolio, scenario, values, hire_cost)
    baseline = baseline_of(portfolio, scenario) if scenario.objective != "makespan" else None
    if baseline is not None:
        add_change_penalty(m, baseline, scenario.change_penalty)
        add_move_penalty(m, baseline, scenario.move_penalty)
    if scenario.baseline is not None:
        add_change_limit(m, baseline_of(portfolio, scenario), scenario.max_changes)
    if m.objective_offset:
        m.constant = problem.add_variable("replan_constant", lowBound=1, upBound=1)
        m.problem.objective += pulp.LpAffineExpression([(m.constant, m.objective_offset)])
    return m
