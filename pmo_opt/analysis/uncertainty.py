"""Monte Carlo robustness: re-solve the portfolio under drawn benefits and costs.

Each draw perturbs every project's ``benefit`` and ``cost`` and re-solves. A value is drawn
from a triangular distribution (low, base, high): ``benefit_low``/``benefit_high`` and
``cost_low``/``cost_high`` from the projects table where given, else ``base * (1 - spread)`` and
``base * (1 + spread)`` with the run's ``spread`` (default 0.2, i.e. +/-20%). Notes:

- A project costed from labour (no ``cost``) gets its drawn cost as an explicit ``cost``, which
  docs/model.md rule 6 spreads evenly over its months (its month-by-month profile flattens).
- The ``value`` objective reads ``benefit`` only when value is benefit-based (no criteria, or
  ``scoring: benefit``); with criteria scores, benefit draws change the reported benefit but not
  the choice, and only cost draws move the plan.

Reproducibility: draw ``i`` uses ``numpy.random.SeedSequence(seed).spawn(draws)[i]`` and the
solver runs with one thread in a fresh worker process or on a Dask worker (:mod:`pmo_opt.analysis.sweep`),
so the results are identical whatever the number of workers and wherever they run. A draw that
stops at its time limit may differ between machines; its ``status`` says so. :func:`solve_draw`
is self-contained (portfolio, scenario, seed in; a small dict out).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pmo_opt.analysis.sweep import executor, for_sweep, map_ordered
from pmo_opt.engine.objective import check_decisions
from pmo_opt.engine.optimise import optimise
from pmo_opt.engine.plan import Plan, spend_profile
from pmo_opt.errors import InputError, Problem
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import Scenario
from pmo_opt.prioritise.stability import perturb_weights, stability_inputs

DEFAULT_SPREAD = 0.2


@dataclass(frozen=True)
class DrawTask:
    """Everything one draw needs; picklable, so any process or cluster can run it."""

    portfolio: Portfolio
    scenario: Scenario
    draw: int
    seed: np.random.SeedSequence
    spread: float
    order: tuple[str, ...] = ()


def _triangular(u: np.ndarray, low: np.ndarray, mode: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Inverse CDF of triangular(low, mode, high) at ``u``; ``low == high`` gives ``mode``."""
    width = high - low
    safe = np.where(width > 0, width, 1.0)
    cut = np.where(width > 0, (mode - low) / safe, 0.5)
    left = low + np.sqrt(u * width * (mode - low))
    right = high - np.sqrt((1 - u) * width * (high - mode))
    return np.where(width > 0, np.where(u < cut, left, right), mode)


def bounds(portfolio: Portfolio, spread: float = DEFAULT_SPREAD) -> pd.DataFrame:
    """Per project the triangular (low, base, high) of benefit and cost that draws use.

    Returns
    -------
    DataFrame
        Index ``project_id``; ``benefit_low``, ``benefit``, ``benefit_high``, ``cost_low``,
        ``cost``, ``cost_high``. ``cost`` is the given cost, else the labour cost.
    """
    pr = portfolio.projects
    labour = spend_profile(portfolio).groupby("project_id")["amount"].sum().reindex(pr.index)
    out = pd.DataFrame(index=pr.index)
    for key, base in (("benefit", pr["benefit"].fillna(0.0)), ("cost", labour.fillna(0.0))):
        lo = pr[f"{key}_low"].where(pr[f"{key}_low"].notna(), base * (1 - spread))
        hi = pr[f"{key}_high"].where(pr[f"{key}_high"].notna(), base * (1 + spread))
        # a negative base flips the +/- band; keep low <= base <= high
        out[f"{key}_low"] = np.minimum(np.minimum(lo, hi), base)
        out[key] = base
        out[f"{key}_high"] = np.maximum(np.maximum(lo, hi), base)
    return out


def perturb(portfolio: Portfolio, rng: np.random.Generator, spread: float) -> Portfolio:
    """A copy of ``portfolio`` with every project's benefit and cost drawn (see module)."""
    b = bounds(portfolio, spread)
    n = len(b)
    u = rng.random(2 * n)  # benefits first, then costs, in the projects table's order
    projects = portfolio.projects.copy()
    projects["benefit"] = _triangular(
        u[:n], *(b[c].to_numpy() for c in ("benefit_low", "benefit", "benefit_high"))
    )
    projects["cost"] = _triangular(
        u[n:], *(b[c].to_numpy() for c in ("cost_low", "cost", "cost_high"))
    )
    return dataclasses.replace(portfolio, projects=projects)


def solve_draw(task: DrawTask) -> dict:
    """Draw one perturbed portfolio and solve it.

    Returns
    -------
    dict
        ``draw``, ``status``, ``gap``, ``objective``, ``value`` (summed value of the selected
        projects), ``benefit`` (their drawn benefit), ``spend``, ``selected`` (list of ids),
        ``seconds``.
    """
    from pmo_opt.engine.rank_fill import rank_and_fill

    rng = np.random.default_rng(task.seed)
    drawn = perturb(task.portfolio, rng, task.spread)
    # start from the base plan as far as it still fits (greedy), so that a draw stopped at its
    # time limit is never far below what the base plan would give
    start = rank_and_fill(drawn, task.scenario, order=list(task.order) or None)
    usable = start.has_solution and not start.details.get("violations")
    plan = optimise(drawn, task.scenario, warm_start=start if usable else None)
    ok = plan.has_solution
    chosen = plan.selected if ok else []
    return {
        "draw": task.draw,
        "status": plan.status,
        "gap": plan.gap,
        "objective": plan.objective if ok else math.nan,
        "value": plan.total_value if ok else math.nan,
        "benefit": float(drawn.projects.loc[chosen, "benefit"].sum()) if ok else math.nan,
        "spend": plan.total_spend if ok else math.nan,
        "selected": list(chosen),
        "seconds": plan.solve_seconds + plan.build_seconds,
    }


@dataclass(frozen=True)
class MonteCarloResult:
    """What the draws found.

    Attributes
    ----------
    draws : one row per draw: ``draw``, ``status``, ``gap``, ``objective``, ``value``,
        ``benefit``, ``spend``, ``selected`` (count), ``seconds``.
    selections : draws x projects, True when selected (rows: ``draw``).
    frequency : per project: ``name``, ``status``, ``frequency`` (share of the draws with a plan
        that select it), ``base_selected`` (in the unperturbed plan), ``benefit_low``,
        ``benefit``, ``benefit_high``, ``cost_low``, ``cost``, ``cost_high``.
    base : the unperturbed plan (``None`` when not solved).
    seed, spread : as run.
    """

    draws: pd.DataFrame
    selections: pd.DataFrame
    frequency: pd.DataFrame
    base: Plan | None
    seed: int
    spread: float

    def value_quantiles(self, q: tuple[float, ...] = (0.05, 0.25, 0.5, 0.75, 0.95)) -> pd.Series:
        """Quantiles of the objective over the draws with a plan."""
        return self.draws["objective"].dropna().quantile(list(q))

    def summary(self) -> dict:
        """Counts and the objective's mean, standard deviation and 5/50/95% quantiles."""
        obj = self.draws["objective"].dropna()
        qs = obj.quantile([0.05, 0.5, 0.95]) if len(obj) else pd.Series([math.nan] * 3)
        return {
            "draws": int(len(self.draws)),
            "with_plan": int(len(obj)),
            "optimal": int((self.draws["status"] == "optimal").sum()),
            "mean": float(obj.mean()) if len(obj) else math.nan,
            "std": float(obj.std()) if len(obj) > 1 else math.nan,
            "p05": float(qs.iloc[0]),
            "p50": float(qs.iloc[1]),
            "p95": float(qs.iloc[2]),
            "always": int((self.frequency["frequency"] >= 1 - 1e-12).sum()),
            "never": int((self.frequency["frequency"] <= 1e-12).sum()),
        }


def monte_carlo(
    portfolio: Portfolio,
    scenario: Scenario,
    draws: int = 100,
    seed: int = 0,
    spread: float | None = None,
    workers: int | None = None,
    progress: bool = True,
    *,
    base: bool = True,
    scheduler: str | None = None,
) -> MonteCarloResult:
    """Re-solve the portfolio for ``draws`` seeded draws of benefits and costs.

    Parameters
    ----------
    portfolio, scenario
        The inputs; each draw solves with the scenario's limits and one thread.
    draws
        How many draws.
    seed
        Seeds the draws (``SeedSequence(seed).spawn(draws)``), so a run is reproducible.
    spread
        The +/- fraction for projects without low/high columns (default 0.2).
    workers
        Worker processes (``None`` = all local cores). Always fresh processes, even for one,
        so that every draw runs the same way (see :func:`pmo_opt.analysis.sweep.process_pool`).
    progress
        Show a tqdm progress bar (``tqdm.auto``: a widget in notebooks).
    base
        Also solve the unperturbed portfolio first (``frequency["base_selected"]``); each draw
        then starts from the base plan's projects as far as they still fit (a greedy
        :func:`pmo_opt.engine.rank_fill.rank_and_fill` warm start), which matters when draws stop at the
        time limit.
    scheduler
        A Dask scheduler address (``tcp://10.0.0.5:8786``) to run the draws on a cluster
        instead of local processes; ``None`` = the scenario's ``scheduler`` setting, ``""`` =
        local processes. The same tasks run either way, so the results are identical.

    Returns
    -------
    MonteCarloResult
    """
    if draws < 1:
        raise InputError([Problem("monte_carlo", None, "draws", f"must be 1 or more, got {draws}")])
    spread = DEFAULT_SPREAD if spread is None else float(spread)
    if not 0 <= spread < 1:
        raise InputError(
            [Problem("monte_carlo", None, "spread", f"must be in [0, 1), got {spread}")]
        )
    one = for_sweep(scenario)
    check_decisions(portfolio, one)  # here: an InputError from a worker loses its problems
    seeds = np.random.SeedSequence(seed).spawn(draws)
    base_plan = None
    address = scenario.scheduler if scheduler is None else scheduler
    with executor(workers, address, tasks=draws) as pool:
        order: tuple[str, ...] = ()
        if base:
            base_plan = pool.submit(optimise, portfolio, one).result()
            if base_plan.has_solution:
                chosen = base_plan.projects[base_plan.projects["selected"]]
                order = tuple(chosen.sort_values("value", ascending=False, kind="stable").index)
        tasks = [DrawTask(portfolio, one, i, s, spread, order) for i, s in enumerate(seeds)]
        results = map_ordered(solve_draw, tasks, pool=pool, progress=progress, desc="Monte Carlo")
    return _collect(portfolio, results, base_plan, seed, spread)


def _collect(
    portfolio: Portfolio, results: list[dict], base: Plan | None, seed: int, spread: float
) -> MonteCarloResult:
    ids = list(portfolio.projects.index)
    matrix = pd.DataFrame(False, index=pd.RangeIndex(len(results), name="draw"), columns=ids)
    for r in results:
        matrix.loc[r["draw"], r["selected"]] = True
    table = pd.DataFrame([{k: v for k, v in r.items() if k != "selected"} for r in results]).assign(
        selected=[len(r["selected"]) for r in results]
    )
    table = table[
        ["draw", "status", "gap", "objective", "value", "benefit", "spend", "selected", "seconds"]
    ]
    ok = table["status"].isin(["optimal", "feasible"]).to_numpy()
    freq = matrix[ok].mean() if ok.any() else pd.Series(np.nan, index=ids)
    pr = portfolio.projects
    frequency = pd.DataFrame(
        {
            "name": pr["name"],
            "status": pr["status"],
            "frequency": freq.reindex(pr.index).astype(float),
            "base_selected": (
                pr.index.isin(base.selected) if base is not None and base.has_solution else np.nan
            ),
        },
        index=pr.index,
    ).join(bounds(portfolio, spread))
    frequency.index.name = "project_id"
    frequency = frequency.sort_values("frequency", ascending=False, kind="stable")
    return MonteCarloResult(table, matrix, frequency, base, seed, spread)


def selection_stability(
    portfolio: Portfolio,
    scenario: Scenario,
    draws: int = 20,
    spread: float = 0.2,
    seed: int = 0,
    method: str = "dirichlet",
) -> pd.DataFrame:
    """How often each project stays selected when the optimiser re-solves per weight draw.

    Each draw of :func:`perturb_weights` becomes ``scenario.replace(scoring="weighted",
    weights=...)`` and is solved by :func:`pmo_opt.engine.optimise.optimise` (one MILP per draw:
    keep ``draws`` small). Draws with no plan (infeasible, time limit before any plan) are left
    out of the shares and counted in ``draws_solved``.

    Returns
    -------
    pandas.DataFrame
        Index ``project_id``: ``name``, ``base_selected`` (bool, with the base weights),
        ``p_selected`` (share of solved draws selecting it), ``draws_solved``.
    """
    w, _ = stability_inputs(portfolio, scenario)
    base_plan = optimise(portfolio, scenario)
    wd = perturb_weights(w, draws, spread, seed, method)
    ids = portfolio.projects.index
    counts = pd.Series(0, index=ids, dtype=int)
    solved = 0
    for _, row in wd.iterrows():
        plan = optimise(portfolio, scenario.replace(scoring="weighted", weights=row.to_dict()))
        if not plan.has_solution:
            continue
        solved += 1
        counts[plan.selected] += 1
    base = pd.Series(False, index=ids)
    if base_plan.has_solution:
        base[base_plan.selected] = True
    return pd.DataFrame(
        {
            "name": portfolio.projects["name"],
            "base_selected": base,
            "p_selected": counts / solved if solved else np.nan,
            "draws_solved": solved,
        }
    )
