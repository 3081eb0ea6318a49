"""The CP-SAT model: the portfolio and scenario of docs/model.md as OR-Tools CP-SAT variables and
constraints (the solve, limits and reading the plan back are in :mod:`pmo_opt.engine.cpsat`).

It builds from the same ``Portfolio`` and ``Scenario`` as the MILP (``model.py``, which stays the
reference formulation) and returns the same ``Plan``, checked by the same ``check_plan``.

Formulation
-----------
- **Projects.** Per project a presence literal ``y_p`` (selected) and a start ``s_p`` in the
  window ``[lo, hi]`` of :func:`pmo_opt.engine.windows.start_windows` (horizon, earliest start,
  deadline, in-flight and the critical-path pass); ``s_p = lo`` when absent (no symmetric copies).
- **Capacity.** A demand profile that varies by month offset is split into its constant runs;
  each run of role ``r`` is an optional fixed-size interval at ``s_p + k0`` with presence
  ``y_p``. One ``AddCumulative`` per role that can bind: against its constant capacity, or, when
  capacity varies by month (or hiring adds a variable amount), against its peak ``C`` with fixed
  "blocker" intervals of demand ``C - cap[r, m] - hire[r, m]`` eating what a month lacks.
- **Budget.** A project's spend inside a period depends on its start. Where it does not (the
  period covers every month the project could work in, e.g. ``total``), the term is
  ``spend * y_p``. Where it does, the project gets time-indexed literals ``x[p, t]``
  (``sum_t x = y_p``, ``s_p = lo + sum_t (t - lo) x[p, t]``) and the row is linear in them, as in
  the MILP. Chosen over ``AddElement`` because the row then sits in CP-SAT's LP relaxation with
  the MILP's tight coefficients (an element constraint only propagates bounds, and presolve would
  expand it into the same literals anyway); literals are created only for projects that need them.
- **Dependencies.** ``requires``: ``y_A => y_B``; ``excludes``: ``not (y_A and y_B)``;
  ``finish_to_start``: ``y_A => y_B`` and ``s_A >= s_B + d_B`` enforced only when ``y_A``.
- Category shares and the risk cap are linear rows in ``y``; hiring is an integer number of FTE
  units per role-month where the worst-case load can exceed capacity.
- **Objectives** as docs/model.md: ``value``/``benefit``: ``sum gain_p y_p``;
  ``value_minus_delay``: ``sum (benefit_p - cod_p (lo_p - e_p)) y_p - cod_p (s_p - lo_p)``
  (``s_p = lo_p`` when absent makes the delay term vanish); ``makespan``: ``M >= s_p + d_p``.
  No start tie-break term: like the MILP path, the plan is left-shifted afterwards
  (:func:`pmo_opt.engine.compact.left_shift`), and hires are the least each role-month needs.

Integers
--------
CP-SAT needs integers. Each quantity family gets a power-of-ten factor (``Scaling``): the
smallest that makes every figure of the family whole (so typical data is represented exactly),
capped so that magnitudes stay far inside 64 bits:

- FTE: ``10**k`` units per FTE, ``k`` in 0..4 (FTE x 1 .. x 10,000; x 100 for two decimals);
- money: ``10**k`` units per currency unit, ``k`` in -6..9 (a budget in thousands becomes
  units of 1,000), at most 1e12 units over all spend;
- category and risk rows: their own factor of the same kind;
- objective: ``10**k``, ``k`` in -6..9, at most 1e12 units in total (``makespan``: months).

Where a figure is not whole at the cap it is rounded so that a plan feasible in integers is
feasible in the real numbers: demand, spend and hire cost up, capacity and budget down,
``>=`` rows' coefficients down and ``<=`` rows' up (``Scaling.exact`` says whether any of that
happened; then CP-SAT may miss plans that use the last fraction of a limit). The objective is
rounded to nearest; the plan's ``objective`` is always re-evaluated unscaled from the plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model

from pmo_opt.engine.plan import Plan, capacity_grid, spend_profile
from pmo_opt.engine.windows import start_windows
from pmo_opt.inputs import months
from pmo_opt.inputs.baseline import Baseline, baseline_of
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import Scenario

WHOLE_TOL = 1e-9
MONEY_LIMIT = 1e12
OBJECTIVE_LIMIT = 1e12


@dataclass(frozen=True)
class Scaling:
    """Integer units of the CP-SAT model: multiply a real figure by the factor to get units."""

    fte: float = 1.0
    money: float = 1.0
    objective: float = 1.0
    exact: bool = True
    rounded: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {
            "fte_units_per_fte": self.fte,
            "money_units_per_currency": self.money,
            "objective_units_per_unit": self.objective,
            "exact": self.exact,
            "rounded": list(self.rounded),
        }


def decimal_scale(values, digits: range, magnitude: float | None = None, limit: float = 1e12):
    """The smallest ``10**k`` (``k`` in ``digits``) that makes every value whole, and whether it
    does; when none does within ``magnitude * 10**k <= limit``, the largest such ``10**k``.

    ``magnitude`` (default: the largest absolute value) is the biggest total the factor scales.
    """
    v = np.abs(np.asarray(values, dtype=float).ravel())
    v = v[np.isfinite(v) & (v > 0)]
    if not len(v):
        return 1.0, True
    size = float(magnitude) if magnitude is not None else float(v.max())
    best = None
    for k in digits:
        f = 10.0**k if k >= 0 else 1.0 / 10.0 ** (-k)
        if size * f > limit and best is not None:
            break
        best = f
        scaled = v * f
        if np.all(np.abs(scaled - np.round(scaled)) <= WHOLE_TOL + 1e-12 * scaled):
            return f, True
    return best, False


def _up(values, f: float) -> np.ndarray:
    """Round ``values * f`` up to whole units (float noise is not rounded up)."""
    a = np.asarray(values, dtype=float) * f
    return np.ceil(a - (WHOLE_TOL + 1e-12 * np.abs(a))).astype(np.int64)


def _down(values, f: float) -> np.ndarray:
    """Round ``values * f`` down to whole units (float noise is not rounded down)."""
    a = np.asarray(values, dtype=float) * f
    return np.floor(a + (WHOLE_TOL + 1e-12 * np.abs(a))).astype(np.int64)


@dataclass
class CpsatModel:
    """A built CP-SAT model and the indexes needed to read its answer."""

    model: cp_model.CpModel
    horizon: list[str]
    windows: pd.DataFrame
    roles: list[str]
    scaling: Scaling
    y: dict[str, cp_model.IntVar] = field(default_factory=dict)
    s: dict[str, cp_model.IntVar] = field(default_factory=dict)
    x: dict[str, dict[int, cp_model.IntVar]] = field(default_factory=dict)
    hire: dict[tuple[str, int], cp_model.IntVar] = field(default_factory=dict)
    interval: dict[str, cp_model.IntervalVar] = field(default_factory=dict)
    makespan: cp_model.IntVar | None = None
    need: dict[str, np.ndarray] = field(default_factory=dict)  # FTE units, roles x offsets
    cap: np.ndarray | None = None  # FTE units, roles x months (rounded down)
    empty_mandatory: list[str] = field(default_factory=list)
    maximise: bool = True

    @property
    def schedulable(self) -> list[str]:
        return list(self.s)


# --------------------------------------------------------------------------------------------
# data as integer arrays


def _project_arrays(portfolio: Portfolio, ids: list[str], roles: list[str]):
    """Per project: demand in FTE (roles x offsets) and spend per offset, both real."""
    d = portfolio.projects["duration"].astype(int)
    r_index = {r: i for i, r in enumerate(roles)}
    need = {p: np.zeros((len(roles), int(d[p]))) for p in ids}
    dem = portfolio.demand[portfolio.demand["project_id"].isin(need)]
    for p, r, k, f in dem[["project_id", "role", "month_offset", "fte"]].itertuples(index=False):
        need[p][r_index[r], int(k)] += float(f)
    pay = {p: np.zeros(int(d[p])) for p in ids}
    prof = spend_profile(portfolio)
    prof = prof[prof["project_id"].isin(pay)]
    for p, k, a in prof[["project_id", "month_offset", "amount"]].itertuples(index=False):
        pay[p][int(k)] += float(a)
    return need, pay


def _budget_rows(portfolio: Portfolio, scenario: Scenario, horizon: list[str]):
    """(period, month mask, limit) per budget row that covers a horizon month."""
    rows = []
    for period, amount in zip(portfolio.budget["period"], portfolio.budget["amount"], strict=True):
        covered = months.period_months(period)
        mask = np.ones(len(horizon), bool) if covered is None else np.isin(horizon, covered)
        if mask.any():
            rows.append((period, mask, float(amount) * scenario.budget_scale))
    return rows


def _rates(portfolio: Portfolio, column: str, roles: list[str]) -> np.ndarray:
    if not len(portfolio.roles) or column not in portfolio.roles:
        return np.zeros(len(roles))
    return portfolio.roles[column].reindex(roles).fillna(0.0).astype(float).to_numpy()


# --------------------------------------------------------------------------------------------
# constraint families


def add_projects(m: CpsatModel) -> None:
    """y_p, s_p in [lo, hi]; y_p = 1 when mandatory; s_p = lo when absent."""
    for p, lo, hi, mandatory in zip(
        m.windows.index, m.windows["lo"], m.windows["hi"], m.windows["mandatory"], strict=True
    ):
        y = m.model.new_bool_var(f"y_{p}")
        m.y[p] = y
        if hi < lo:
            m.model.add(y == 0)
            if mandatory:
                m.empty_mandatory.append(p)
            continue
        s = m.model.new_int_var(int(lo), int(hi), f"s_{p}")
        m.s[p] = s
        if mandatory:
            m.model.add(y == 1)
        elif hi > lo:
            m.model.add(s == int(lo)).only_enforce_if(~y)


def start_literals(m: CpsatModel, p: str) -> dict[int, cp_model.IntVar]:
    """x[p, t] (p starts in t) for its window, channelled to y_p and s_p; made once, on demand."""
    if p not in m.x:
        lo, hi = int(m.windows.at[p, "lo"]), int(m.windows.at[p, "hi"])
        ts = list(range(lo, hi + 1))
        xs = {t: m.model.new_bool_var(f"x_{p}_{t}") for t in ts}
        lits = [xs[t] for t in ts]
        m.model.add(cp_model.LinearExpr.sum(lits) == m.y[p])
        m.model.add(cp_model.LinearExpr.weighted_sum(lits, [t - lo for t in ts]) + lo == m.s[p])
        m.x[p] = xs
    return m.x[p]


def project_interval(m: CpsatModel, p: str) -> cp_model.IntervalVar:
    """The optional interval [s_p, s_p + d_p) present when y_p; made once and shared by every
    role in which p's demand is flat, as in the textbook RCPSP model (one interval per job)."""
    if p not in m.interval:
        d = int(m.windows.at[p, "duration"])
        m.interval[p] = m.model.new_optional_fixed_size_interval_var(m.s[p], d, m.y[p], f"run_{p}")
    return m.interval[p]


def add_capacity_constraints(
    m: CpsatModel, scenario: Scenario, cap_fte: np.ndarray, max_hire: np.ndarray
) -> None:
    """Per role: cumulative over the projects' constant-demand runs, against the capacity; where
    capacity varies by month (or hiring may add to it) against the peak with blocker intervals."""
    T = len(m.horizon)
    f = m.scaling.fte
    m.cap = np.maximum(_down(cap_fte, f), 0)
    hmax = np.maximum(_down(max_hire, f), 0) if scenario.allow_hiring else np.zeros(len(m.roles))
    ids = m.schedulable
    if not ids or not T or not m.roles:
        return
    lo = m.windows.loc[ids, "lo"].to_numpy(int)
    hi = m.windows.loc[ids, "hi"].to_numpy(int)
    dur = m.windows.loc[ids, "duration"].to_numpy(int)
    peak = np.array([m.need[p].max(axis=1) for p in ids])
    reach = np.zeros((len(ids), T), dtype=np.int64)  # months each project could work in
    for i in range(len(ids)):
        reach[i, lo[i] : hi[i] + dur[i]] = 1
    worst = peak.T @ reach  # roles x months: the most that could ever be asked
    for ri, r in enumerate(m.roles):
        over = worst[ri] > m.cap[ri]
        if not over.any():
            continue  # this role can never bind
        intervals, demands = [], []
        for p in ids:
            row = m.need[p][ri]
            k = 0
            while k < len(row):
                if row[k] <= 0:
                    k += 1
                    continue
                k1 = k
                while k1 + 1 < len(row) and row[k1 + 1] == row[k]:
                    k1 += 1
                if k == 0 and k1 == len(row) - 1:  # flat: the project's own interval
                    iv = project_interval(m, p)
                else:
                    iv = m.model.new_optional_fixed_size_interval_var(
                        m.s[p] + k, k1 - k + 1, m.y[p], f"use_{p}_{ri}_{k}"
                    )
                intervals.append(iv)
                demands.append(int(row[k]))
                k = k1 + 1
        extra = np.zeros(T, dtype=np.int64)
        if hmax[ri] > 0:
            for mi in np.flatnonzero(over):
                ub = int(min(hmax[ri], worst[ri, mi] - m.cap[ri, mi]))
                m.hire[(r, int(mi))] = m.model.new_int_var(0, ub, f"hire_{ri}_{mi}")
                extra[mi] = ub
        top = m.cap[ri] + extra
        capacity = int(top.max())
        if (top == capacity).all() and not extra.any():
            m.model.add_cumulative(intervals, demands, capacity)
            continue
        mi = 0
        while mi < T:  # merge equal consecutive blockers; a hire makes its month its own
            gap = int(capacity - m.cap[ri, mi])
            h = m.hire.get((r, mi))
            end = mi + 1
            if h is None:
                while end < T and (r, end) not in m.hire and m.cap[ri, end] == m.cap[ri, mi]:
                    end += 1
            if gap > 0:
                intervals.append(m.model.new_fixed_size_interval_var(mi, end - mi, f"b_{ri}_{mi}"))
                demands.append(gap - h if h is not None else gap)
            mi = end
        m.model.add_cumulative(intervals, demands, capacity)


def period_spend(
    windows: pd.DataFrame, rows: list, pay: dict[str, np.ndarray]
) -> list[dict[str, np.ndarray]]:
    """Per budget row, per project: ``f[t - lo]``, its spend inside the row's months when it
    starts in ``t`` (``lo <= t <= hi``); projects that never spend there are left out.

    Computed in real money before any rounding, so a row that covers a project's whole
    window (``total``) gets its exact cost rather than a sum of rounded months."""
    out = []
    for _period, mask, _limit in rows:
        inside = mask.astype(float)
        row = {}
        for p, a in pay.items():
            lo, hi = int(windows.at[p, "lo"]), int(windows.at[p, "hi"])
            f = np.correlate(inside[lo : hi + len(a)], a, "valid")
            if f.any():
                row[p] = f
        out.append(row)
    return out


def add_budget_constraints(
    m: CpsatModel, rows: list, spend: list[dict[str, np.ndarray]], hire_cost: np.ndarray
) -> None:
    """Per budget row: sum_p f_p(s_p) y_p + sum hire_cost_r hire[r, m] <= limit, where
    f_p(t) = sum_k spend[p, k] over t + k in the row's months (``spend`` in money units)."""
    unit_cost = {key: int(hire_cost[m.roles.index(key[0])]) for key in m.hire}
    for i, ((period, mask, limit), row) in enumerate(zip(rows, spend, strict=True)):
        bound = int(_down([limit], m.scaling.money)[0])
        variables, coefs, most = [], [], 0
        for p, f in row.items():
            lo = int(m.windows.at[p, "lo"])
            base = int(f.min())
            most += int(f.max())
            if base:
                variables.append(m.y[p])
                coefs.append(base)
            if (f != base).any():  # the spend here depends on the start: time-indexed literals
                xs = start_literals(m, p)
                for t, c in enumerate(f - base, start=lo):
                    if c:
                        variables.append(xs[t])
                        coefs.append(int(c))
        for key, h in m.hire.items():
            if mask[key[1]] and unit_cost[key]:
                variables.append(h)
                coefs.append(unit_cost[key])
                most += unit_cost[key] * _ub(h)
        if most <= bound:
            continue  # cannot bind
        expr = cp_model.LinearExpr.weighted_sum(variables, coefs)
        m.model.add(expr <= bound).with_name(f"budget_{i}_{period}")


def _ub(v: cp_model.IntVar) -> int:
    domain = list(v.proto.domain)  # the proto's repeated field has no negative indexing
    return int(domain[-1])


def add_dependency_constraints(m: CpsatModel, portfolio: Portfolio) -> None:
    """requires: y_A => y_B; excludes: not both; finish_to_start: y_A => y_B, s_A >= s_B + d_B."""
    dep = portfolio.dependencies
    d = m.windows["duration"]
    for a, b, kind in zip(dep["project_id"], dep["depends_on"], dep["kind"], strict=True):
        ya, yb = m.y[a], m.y[b]
        if kind == "excludes":
            m.model.add_bool_or([~ya, ~yb])
            continue
        m.model.add_implication(ya, yb)
        if kind == "finish_to_start" and a in m.s and b in m.s:
            m.model.add(m.s[a] >= m.s[b] + int(d[b])).only_enforce_if(ya)


def _share_row(m: CpsatModel, coef: dict[str, float], sense: str, name: str, out: list) -> None:
    """sum coef_p y_p >= 0 (sense 'ge') or <= 0 ('le'), rounded so that it is never looser."""
    ids = [p for p in m.schedulable if coef.get(p, 0.0)]
    if not ids:
        return
    vals = np.array([coef[p] for p in ids])
    f, exact = decimal_scale(vals, range(-6, 10), np.abs(vals).sum(), MONEY_LIMIT)
    ints = _down(vals, f) if sense == "ge" else _up(vals, f)
    if not exact:
        out.append(name)
    expr = cp_model.LinearExpr.weighted_sum([m.y[p] for p in ids], [int(c) for c in ints])
    m.model.add(expr >= 0 if sense == "ge" else expr <= 0).with_name(name)


def add_category_constraints(m: CpsatModel, portfolio: Portfolio, rounded: list) -> None:
    """spend_c - min_share_c * total >= 0 and spend_c - max_share_c * total <= 0."""
    if not len(portfolio.categories):
        return
    cost = spend_profile(portfolio).groupby("project_id")["amount"].sum()
    cat = portfolio.projects["category"]
    for c, row in portfolio.categories.iterrows():
        for col, sense in (("min_share", "ge"), ("max_share", "le")):
            share = row[col]
            if pd.isna(share):
                continue
            coef = {
                p: float(cost.get(p, 0.0)) * (float(cat[p] == c) - float(share))
                for p in m.schedulable
            }
            _share_row(m, coef, sense, f"category_{col}_{c}", rounded)


def add_risk_constraint(
    m: CpsatModel, portfolio: Portfolio, scenario: Scenario, rounded: list
) -> None:
    """sum_p (risk_p - max_avg_risk) y_p <= 0."""
    if scenario.max_avg_risk is None:
        return
    risk = portfolio.projects["risk"]
    coef = {p: float(risk[p]) - float(scenario.max_avg_risk) for p in m.schedulable}
    _share_row(m, coef, "le", "average_risk", rounded)


def set_objective(
    m: CpsatModel, portfolio: Portfolio, scenario: Scenario, values: pd.Series
) -> float:
    """The scenario's objective in integer units; returns the factor (units per objective unit)."""
    ids = m.schedulable
    pr = portfolio.projects
    if scenario.objective == "makespan":
        m.maximise = False
        T = len(m.horizon)
        low = max(
            (int(m.windows.at[p, "lo"] + m.windows.at[p, "duration"]) for p in ids), default=0
        )
        m.makespan = m.model.new_int_var(min(low, T), T, "makespan")
        fs = portfolio.dependencies[portfolio.dependencies["kind"] == "finish_to_start"]
        # a project whose successor is always in finishes before that successor does
        covered = {b for a, b in zip(fs["project_id"], fs["depends_on"], strict=True) if a in ids}
        for p in ids:
            if p not in covered:
                m.model.add(m.makespan >= m.s[p] + int(m.windows.at[p, "duration"]))
        m.model.minimize(m.makespan)
        return 1.0
    if scenario.objective in ("value", "benefit"):
        source = values if scenario.objective == "value" else pr["benefit"]
        gain = {p: float(source.get(p, 0.0)) for p in ids}
        delay = {}
    else:  # value_minus_delay: benefit - cod (s - e) = (benefit - cod (lo - e)) - cod (s - lo)
        h0 = months.to_ordinal(m.horizon[0])
        delay = {p: float(pr.at[p, "cost_of_delay"]) for p in ids if pr.at[p, "cost_of_delay"]}
        gain = {}
        for p in ids:
            es = pr.at[p, "earliest_start"]
            e = max(0, months.to_ordinal(es) - h0) if isinstance(es, str) else 0
            lo = int(m.windows.at[p, "lo"])
            gain[p] = float(pr.at[p, "benefit"]) - delay.get(p, 0.0) * (lo - e)
    spans = {p: int(m.windows.at[p, "hi"] - m.windows.at[p, "lo"]) for p in delay}
    extra, constant = replan_terms(m, baseline_of(portfolio, scenario), scenario)
    coefs = list(gain.values()) + list(delay.values()) + [c for _, c in extra] + [constant]
    size = sum(abs(v) for v in gain.values()) + sum(delay[p] * spans[p] for p in delay)
    size += sum(abs(c) for _, c in extra) + abs(constant)
    f, _exact = decimal_scale(coefs, range(-6, 10), size, OBJECTIVE_LIMIT)
    variables = [m.y[p] for p in ids if round(gain[p] * f)]
    weights = [int(round(gain[p] * f)) for p in ids if round(gain[p] * f)]
    offset = 0
    for p, c in delay.items():
        w = int(round(c * f))
        if w and spans[p]:
            variables.append(m.s[p])
            weights.append(-w)
            offset += w * int(m.windows.at[p, "lo"])
    for v, c in extra:
        if round(c * f):
            variables.append(v)
            weights.append(int(round(c * f)))
    offset += int(round(constant * f))
    m.model.maximize(cp_model.LinearExpr.weighted_sum(variables, weights) + offset)
    return f


def replan_terms(
    m: CpsatModel, baseline: Baseline | None, scenario: Scenario
) -> tuple[list[tuple[cp_model.IntVar, float]], float]:
    """The re-planning penalties as objective terms in value units, and their constant part.

    change: - change_penalty * (sum_{p in B} (1 - y_p) + sum_{p not in B} y_p);
    move: - move_penalty * sum_{p in B} sum_t |t - s_p| x[p, t] (start literals, 0 when out).
    Frozen projects are fixed by their windows (:func:`pmo_opt.engine.windows.add_freeze`).
    """
    if baseline is None:
        return [], 0.0
    terms: list[tuple[cp_model.IntVar, float]] = []
    constant = 0.0
    change, move = scenario.change_penalty, scenario.move_penalty
    for p in m.windows.index:
        was = baseline.selected(p)
        if change:
            if p in m.s:
                terms.append((m.y[p], change if was else -change))
                constant -= change if was else 0.0
            elif was:
                constant -= change  # no start option: it leaves the baseline
        s = baseline.start_index(p)
        if move and s is not None and p in m.s:
            lits = start_literals(m, p)
            terms += [(x, -move * abs(t - s)) for t, x in lits.items() if t != s]
    return terms, constant


def add_change_limit(m: CpsatModel, baseline: Baseline | None, limit: int | None) -> None:
    """sum_{p in B} (1 - y_p) + sum_{p not in B} y_p <= max_changes."""
    if baseline is None or limit is None:
        return
    ys = [m.y[p] for p in m.windows.index]
    signs = [-1 if baseline.selected(p) else 1 for p in m.windows.index]
    constant = sum(1 for p in m.windows.index if baseline.selected(p))
    m.model.add(cp_model.LinearExpr.weighted_sum(ys, signs) + constant <= int(limit))


def build_cpsat(
    portfolio: Portfolio,
    scenario: Scenario,
    horizon: list[str],
    values: pd.Series,
    latest_finish: int | None = None,
) -> CpsatModel:
    """The CP-SAT model of docs/model.md for ``portfolio`` under ``scenario``; ``latest_finish``
    (a known makespan) caps every window as in :func:`pmo_opt.engine.windows.start_windows`."""
    windows = start_windows(portfolio, scenario, horizon, latest_finish)
    roles = sorted(set(portfolio.role_names) | set(scenario.extra_fte))
    T = len(horizon)
    cap_fte = capacity_grid(portfolio, horizon, scenario)["fte"].to_numpy(float)
    cap_fte = cap_fte.reshape(len(roles), T)
    max_hire = _rates(portfolio, "max_hire_fte", roles) if scenario.allow_hiring else None
    max_hire = np.zeros(len(roles)) if max_hire is None else max_hire
    hire_rate = _rates(portfolio, "hire_cost_per_fte_month", roles)
    ok = windows[windows["hi"] >= windows["lo"]].index
    need_fte, pay = _project_arrays(portfolio, list(ok), roles)
    rows = _budget_rows(portfolio, scenario, horizon)

    fte_vals = [cap_fte, max_hire] + list(need_fte.values())
    fte_f, fte_exact = decimal_scale(
        np.concatenate([np.ravel(a) for a in fte_vals]), range(0, 5), None, 1e15
    )
    hire_per_unit = hire_rate / fte_f
    spend = period_spend(windows, rows, pay)
    spend_total = sum(float(a.sum()) for a in pay.values())
    money_vals = np.concatenate(
        [f for row in spend for f in row.values()] + [np.array([r[2] for r in rows]), hire_per_unit]
    )
    money_size = max([spend_total, *(abs(r[2]) for r in rows)], default=1.0) + float(
        (max_hire * hire_rate).sum() * T
    )
    money_f, money_exact = decimal_scale(money_vals, range(-6, 10), money_size, MONEY_LIMIT)
    rounded = [name for name, ok_ in (("fte", fte_exact), ("money", money_exact)) if not ok_]

    m = CpsatModel(cp_model.CpModel(), horizon, windows, roles, Scaling(fte_f, money_f))
    m.need = {p: _up(a, fte_f) for p, a in need_fte.items()}
    spend_units = [{p: _up(f, money_f) for p, f in row.items()} for row in spend]
    add_projects(m)
    add_capacity_constraints(m, scenario, cap_fte, max_hire)
    add_budget_constraints(m, rows, spend_units, _up(hire_per_unit, money_f))
    add_dependency_constraints(m, portfolio)
    add_category_constraints(m, portfolio, rounded)
    add_risk_constraint(m, portfolio, scenario, rounded)
    objective_f = set_objective(m, portfolio, scenario, values)
    add_change_limit(m, baseline_of(portfolio, scenario), scenario.max_changes)
    m.scaling = Scaling(fte_f, money_f, objective_f, not rounded, tuple(rounded))
    return m


def add_hints(m: CpsatModel, plan: Plan) -> None:
    """Hint every decision from ``plan`` (a warm start; CP-SAT repairs what does not fit)."""
    index = {mo: i for i, mo in enumerate(m.horizon)}
    starts = {p: index.get(s) for p, s in plan.starts.items() if s is not None}
    ends = []
    for p, y in m.y.items():
        t = starts.get(p)
        s = m.s.get(p)
        if s is None:
            continue
        lo, hi = int(m.windows.at[p, "lo"]), int(m.windows.at[p, "hi"])
        on = t is not None and lo <= t <= hi
        m.model.add_hint(y, int(on))
        m.model.add_hint(s, t if on else lo)
        if on:
            ends.append(t + int(m.windows.at[p, "duration"]))
        for tt, x in m.x.get(p, {}).items():
            m.model.add_hint(x, int(on and tt == t))
    hired = {}
    if len(plan.hires):
        for r, mo, f in plan.hires[["role", "month", "fte"]].itertuples(index=False):
            if mo in index:
                hired[(r, index[mo])] = f
    for key, h in m.hire.items():
        m.model.add_hint(h, int(min(_up([hired.get(key, 0.0)], m.scaling.fte)[0], _ub(h))))
    if m.makespan is not None and ends:
        m.model.add_hint(m.makespan, max(ends))
