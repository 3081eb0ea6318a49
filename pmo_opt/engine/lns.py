"""Large-neighbourhood search: improve a plan by re-optimising a few projects at a time.

On large portfolios HiGHS spends its whole time limit on the root relaxation and its cuts, and
hands back the plan it started from. An operations-research analyst would then fix most of the
plan and let the solver re-decide a slice of it: which of these 30 projects, and when, given
that everything else stays. Each slice is a small MIP that HiGHS solves in about a second, and
the plan can only get better. The slices are

- ``random``: projects drawn at random;
- ``window``: projects selected in the plan that run during a random stretch of months, with
  the projects not selected that could start then;
- ``role``: projects that need one role, drawn weighted by how much of that role they use.

- ``lp``: projects drawn weighted by how far an LP relaxation is from deciding them.

That relaxation (:func:`aggregated_bound`) sums each role's capacity rows and the budget rows,
so it solves in about a second even where the full relaxation takes minutes, and its optimum
bounds every plan: it gives the gap. Each slice is cut out of the model as a small MIP of its
own (:class:`_Columns`: the fixed columns move into the row bounds). A slice that HiGHS solves
to optimality grows the next one of its kind by a fifth; one that runs out of time shrinks it.
The draws come from ``numpy.random.default_rng(seed)``; how many slices fit in the time limit
depends on the machine, so a plan improved this way is reported ``feasible`` with its gap like
any other time-limited plan, never ``optimal`` on the strength of the search.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Protocol

import highspy
import numpy as np

from pmo_opt.engine.solve import SUB_MIP_HEURISTICS, same_threads, wall_backstop

#: a slice starts at this many projects (fewer when the portfolio is small)
FIRST_SLICE = 20
#: the share of the search's time the aggregated relaxation may take
LP_SHARE = 0.6
#: seconds one slice may take at most (and at most an eighth of the search's time)
SLICE_SECONDS = 3.0
#: a counted search (``work=``, the default settings) measures its work in simplex iterations,
#: which HiGHS counts the same way on every run (wall seconds do not): a slice stops after
#: ``SLICE_NODES`` branch-and-bound nodes, one that took more than ``SLICE_HARD`` iterations
#: makes the next of its kind smaller, and each slice also costs ``SLICE_OVERHEAD`` iterations
#: per thousand nonzeros of the model (cutting the slice out of it). The clock stops a slice
#: only as a backstop, at ``SLICE_BACKSTOP_S`` (then the plan may not repeat).
SLICE_NODES = 300
#: measured on generated M seed 1 at 60 s: 30,000 gives 7,717.2, 10,000 gives 7,866.1 and
#: 5,000 gives 7,877.2 (100 nodes instead of 300, with 10,000: 7,838.9)
SLICE_HARD = 5_000
SLICE_OVERHEAD = 1.0
SLICE_BACKSTOP_S = 30.0
#: a counted search's relaxation stops at this many seconds only as a backstop
LP_BACKSTOP_S = 120.0


class IndexedModel(Protocol):
    """What the search reads of a built MILP (the MILP's ``PortfolioModel`` is one): named here as
    a shape, not imported, so that the search and the model stay independent of each other."""

    x: dict[tuple[str, int], Any]  # (project, start month index) -> column with its ``index``
    y: dict[str, Any]  # project -> selection column
    windows: Any  # pandas frame indexed by project with a ``duration`` column
    problem: Any  # the pulp problem, for its constraints' names


@dataclass
class Neighbourhoods:
    """Column indexes of a built model, per project, in the solver's column order.

    Attributes
    ----------
    starts : project -> (start month index, column) pairs.
    selected : project -> column of ``y_p`` (optional projects only).
    uses : project -> role -> FTE-months the project needs of it.
    """

    starts: dict[str, list[tuple[int, int]]]
    selected: dict[str, int]
    uses: dict[str, dict[str, float]]
    durations: dict[str, int]
    row_groups: np.ndarray  # row -> row of the aggregated relaxation (see aggregated_bound)
    projects: list[str] = field(init=False)
    owned: np.ndarray = field(init=False)
    unowned: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.projects = sorted(self.starts)
        owned = [col for options in self.starts.values() for _, col in options]
        owned += list(self.selected.values())
        self.owned = np.array(sorted(owned), dtype=np.int64)
        self.unowned = np.array([], dtype=np.int64)

    def columns_of(self, projects) -> np.ndarray:
        """The start and selection columns of ``projects``."""
        cols = [col for p in projects for _, col in self.starts.get(p, [])]
        cols += [self.selected[p] for p in projects if p in self.selected]
        return np.array(cols, dtype=np.int64)

    def with_columns(self, count: int) -> Neighbourhoods:
        """Note the model's column count, so that columns no project owns (hires) are known."""
        mask = np.ones(count, dtype=bool)
        mask[self.owned] = False
        self.unowned = np.flatnonzero(mask)
        return self

    @classmethod
    def of(cls, model: IndexedModel, demand) -> Neighbourhoods:
        """From a model whose variables have their solver ``index`` (set by pulp's HiGHS)."""
        starts: dict[str, list[tuple[int, int]]] = {}
        for (p, t), v in model.x.items():
            starts.setdefault(p, []).append((t, v.index))
        uses: dict[str, dict[str, float]] = {}
        need = demand.groupby(["project_id", "role"])["fte"].sum()
        for (p, r), fte in need.items():
            uses.setdefault(str(p), {})[str(r)] = float(fte)
        durations = {str(p): int(d) for p, d in model.windows["duration"].items()}
        selected = {p: y.index for p, y in model.y.items()}
        return cls(
            starts,
            selected,
            uses,
            durations,
            row_groups([c.name for c in model.problem.constraints()]),
        )


def _plan_of(hood: Neighbourhoods, values: np.ndarray) -> dict[str, int]:
    """project -> start month index, for the projects a solution starts."""
    out = {}
    for p, options in hood.starts.items():
        for t, col in options:
            if values[col] > 0.5:
                out[p] = t
                break
    return out


def _draw(
    hood: Neighbourhoods, plan: dict[str, int], size: int, kind: str, rng: np.random.Generator
) -> list[str]:
    """The projects a slice frees: ``size`` of them, chosen the ``kind`` way."""
    ids = hood.projects
    if kind == "window":
        horizon = max((t for options in hood.starts.values() for t, _ in options), default=0) + 1
        a = int(rng.integers(0, max(horizon, 1)))
        width = int(rng.integers(3, 10))
        running = [p for p, s in plan.items() if s < a + width and s + hood.durations[p] > a]
        waiting = [
            p
            for p in ids
            if p not in plan
            and any(a - hood.durations[p] < t < a + width for t, _ in hood.starts[p])
        ]
        pool = running + waiting
    elif kind == "role":
        roles = sorted({r for u in hood.uses.values() for r in u})
        role = roles[int(rng.integers(0, len(roles)))] if roles else None
        pool = [p for p in ids if role in hood.uses.get(p, {})]
    else:
        pool = list(ids)
    if len(pool) <= size:
        chosen = list(pool)
        rest = [p for p in ids if p not in set(pool)]
        extra = rng.choice(len(rest), size=min(size - len(chosen), len(rest)), replace=False)
        return chosen + [rest[i] for i in sorted(extra)]
    picked = rng.choice(len(pool), size=size, replace=False)
    return [pool[i] for i in sorted(picked)]


def row_groups(names: list[str]) -> np.ndarray:
    """Row -> aggregated row: the capacity rows of one role become one row (its FTE-months over
    the horizon), all budget rows one row (they are scaled to their limits); the rest stay."""
    keys: dict[str, int] = {}
    out = np.empty(len(names), dtype=np.int64)
    for i, name in enumerate(names):
        if name.startswith("capacity_"):
            key = "capacity " + name[len("capacity_") :].rsplit("_", 1)[0]
        elif name.startswith("budget_"):
            key = "budget"
        else:
            key = f"row {i}"
        out[i] = keys.setdefault(key, len(keys))
    return out


def aggregated_bound(
    matrix: _Columns, groups: np.ndarray, seconds: float
) -> tuple[float | None, np.ndarray | None]:
    """The LP relaxation with every capacity row of a role summed into one, and the budget rows
    into one: (objective, values), ``(None, None)`` when not solved within ``seconds``.

    A sum of valid rows is valid, so its optimum bounds every plan (HiGHS minimises: a lower
    bound, loosened by a relative 1e-6). It is a little weaker than the full relaxation (0.4%
    on benchmark L) and far quicker (1 s against 26 s), which is what makes a bound possible
    within the time limit on the largest portfolios.
    """
    rows = int(groups.max()) + 1 if len(groups) else 0
    key = matrix.col * rows + groups[matrix.row]
    unique, inverse = np.unique(key, return_inverse=True)
    value = np.bincount(inverse, weights=matrix.value)
    cols, new_rows = unique // rows, unique % rows
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = matrix.n, rows
    lp.col_cost_, lp.col_lower_, lp.col_upper_ = matrix.cost, matrix.lower, matrix.upper
    lp.row_lower_ = np.bincount(groups, weights=matrix.row_lower, minlength=rows)
    lp.row_upper_ = np.bincount(groups, weights=matrix.row_upper, minlength=rows)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.concatenate(
        [[0], np.cumsum(np.bincount(cols, minlength=matrix.n))]
    ).astype(np.int32)
    lp.a_matrix_.index_ = new_rows.astype(np.int32)
    lp.a_matrix_.value_ = value
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = matrix.n, rows
    lp.sense_, lp.offset_ = matrix.sense, matrix.offset
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    same_threads(highs)
    highs.setOptionValue("time_limit", float(max(seconds, 0.1)))
    highs.passModel(lp)
    highs.run()
    if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None, None
    objective = highs.getInfo().objective_function_value
    return objective - 1e-6 * max(1.0, abs(objective)), np.array(highs.getSolution().col_value)


def improve(
    highs: highspy.Highs,
    hood: Neighbourhoods,
    start: np.ndarray,
    seconds: float,
    seed: int = 0,
    work: float | None = None,
) -> tuple[np.ndarray, dict]:
    """Improve the solution ``start`` of the model in ``highs`` for about ``seconds``, or until
    its slices have taken ``work`` simplex iterations.

    First the aggregated relaxation (for at most ``LP_SHARE`` of the time): its optimum bounds
    every plan, and where it disagrees with the plan about a project tells the ``lp`` slices
    what to free. Then slices until the time is up. ``highs`` is only read. HiGHS minimises
    (pulp hands it the negated objective when maximising), so lower is better.

    A counted search (``work`` given: the default settings) is repeatable: each slice stops
    after ``SLICE_NODES`` branch-and-bound nodes instead of at a time, and the search once its
    slices have taken ``work`` simplex iterations, so the same model and seed give the same
    plan whatever the machine load. The clock stops it only as a backstop
    (``SLICE_BACKSTOP_S`` per slice, 3x ``seconds`` + 30 s in all), and
    ``stopped_by_wall_clock`` then says so.

    Returns
    -------
    (values, facts)
        The best solution found (``start`` when nothing better) and what the search did:
        ``slices``, ``improved`` (``improved_by`` kind of slice), ``first``/``last`` objective,
        ``bound`` (the relaxation's, in HiGHS's sense, or ``None``), ``lp_seconds``,
        ``seconds``.
    """
    t0 = time.perf_counter()
    lp = highs.getLp()
    hood.with_columns(lp.num_col_)
    matrix = _Columns(lp)
    counted = work is not None
    lp_cap = LP_BACKSTOP_S if counted else LP_SHARE * seconds
    bound, relaxed = aggregated_bound(matrix, hood.row_groups, lp_cap)
    backstop = wall_backstop(seconds)
    wall_stopped = counted and time.perf_counter() - t0 >= lp_cap
    lp_seconds = time.perf_counter() - t0
    disagree = _disagreement(hood, start, relaxed) if relaxed is not None else {}
    lower, upper = np.array(lp.col_lower_), np.array(lp.col_upper_)
    cost = np.array(lp.col_cost_)
    piece = highspy.Highs()  # one solver object for all slices, each a small model of its own
    piece.setOptionValue("output_flag", False)
    same_threads(piece)
    piece.setOptionValue("mip_rel_gap", 1e-6)
    for heuristic in SUB_MIP_HEURISTICS:
        piece.setOptionValue(heuristic, False)
    if counted:
        piece.setOptionValue("mip_max_nodes", SLICE_NODES)
    best = np.array(start, dtype=float)
    best_obj = float(cost @ best)
    first = best_obj
    rng = np.random.default_rng(seed)
    kinds = ("lp", "random", "window", "role") if disagree else ("random", "window", "role")
    # each kind of slice learns its own size: some are far harder than others at equal size
    sizes = dict.fromkeys(kinds, min(FIRST_SLICE, max(2, len(hood.projects) // 2)))
    done = improved = 0
    spent = 0.0
    overhead = SLICE_OVERHEAD * len(matrix.value) / 1000
    by_kind = dict.fromkeys(kinds, 0)
    while (spent < work) if counted else (time.perf_counter() - t0 < seconds - 0.05):
        if counted and time.perf_counter() - t0 >= backstop:
            wall_stopped = True
            break
        plan = _plan_of(hood, best)
        kind = kinds[done % len(kinds)]
        size = sizes[kind]
        if kind == "lp":
            free = set(_by_disagreement(disagree, plan, size, rng))
        else:
            free = set(_draw(hood, plan, size, kind, rng))
        fixed = np.ones(len(best), dtype=bool)
        fixed[hood.columns_of(free)] = False
        fixed[hood.unowned] = False  # hires (and anything not a project's) are always free
        if counted:
            cap = SLICE_BACKSTOP_S
        else:
            left = seconds - (time.perf_counter() - t0)
            cap = float(max(0.05, min(SLICE_SECONDS, seconds / 8, left)))
        values, status = matrix.solve_slice(piece, best, fixed, cap)
        wall_stopped = wall_stopped or (counted and status == highspy.HighsModelStatus.kTimeLimit)
        iterations = piece.getInfo().simplex_iteration_count
        spent += max(iterations, 0) + overhead
        done += 1
        if values is not None:
            obj = float(cost @ values)
            if obj < best_obj - 1e-9 * max(1.0, abs(best_obj)) and _fits(lp, lower, upper, values):
                best, best_obj, improved = values, obj, improved + 1
                by_kind[kind] += 1
        if status == highspy.HighsModelStatus.kOptimal and not (
            counted and iterations > SLICE_HARD
        ):
            sizes[kind] = min(len(hood.projects), int(size * 1.2) + 1)
        else:
            sizes[kind] = max(2, int(size / 1.5))
    return best, {
        "slices": done,
        "counted": counted,
        "work": round(spent) if counted else None,
        "stopped_by_wall_clock": bool(wall_stopped),
        "improved": improved,
        "improved_by": by_kind,
        "first": first,
        "last": best_obj,
        "bound": bound,
        "lp_seconds": round(lp_seconds, 3),
        "seconds": round(time.perf_counter() - t0, 3),
    }


def _disagreement(hood: Neighbourhoods, start: np.ndarray, relaxed: np.ndarray) -> dict[str, float]:
    """project -> how far the LP relaxation's ``y_p`` is from 0 or 1 (optional projects)."""
    return {
        p: float(min(relaxed[col], 1.0 - relaxed[col]) + 0.5 * abs(relaxed[col] - start[col]))
        for p, col in hood.selected.items()
    }


def _by_disagreement(
    disagree: dict[str, float], plan: dict[str, int], size: int, rng: np.random.Generator
) -> list[str]:
    """``size`` projects drawn with weight = disagreement with the relaxation (+ a little for
    all, so that every project can be drawn); their share of the plan's selected ones too."""
    ids = sorted(disagree)
    weight = np.array([disagree[p] for p in ids]) + 0.01
    picked = rng.choice(len(ids), size=min(size, len(ids)), replace=False, p=weight / weight.sum())
    return [ids[i] for i in sorted(picked)]


class _Columns:
    """The model's matrix by columns, to cut out the small MIP of one slice.

    A slice's model keeps only the free columns; the fixed ones are moved into the row bounds
    (``row - activity of the fixed columns``), so HiGHS never reads the rest of a large model.
    """

    def __init__(self, lp) -> None:
        a = lp.a_matrix_
        start, index, value = np.array(a.start_), np.array(a.index_), np.array(a.value_)
        n, m = lp.num_col_, lp.num_row_
        if a.format_ == highspy.MatrixFormat.kRowwise:
            rows = np.repeat(np.arange(m), np.diff(start))
            order = np.argsort(index, kind="stable")
            index, value, cols = rows[order], value[order], index[order]
        else:
            cols = np.repeat(np.arange(n), np.diff(start))
        self.n, self.m = n, m
        self.row, self.value, self.col = index, value, cols
        self.counts = np.bincount(cols, minlength=n)
        self.cost = np.array(lp.col_cost_)
        self.lower, self.upper = np.array(lp.col_lower_), np.array(lp.col_upper_)
        self.row_lower, self.row_upper = np.array(lp.row_lower_), np.array(lp.row_upper_)
        self.integrality = list(lp.integrality_) or [highspy.HighsVarType.kContinuous] * n
        self.sense, self.offset = lp.sense_, lp.offset_

    def solve_slice(
        self, highs: highspy.Highs, best: np.ndarray, fixed: np.ndarray, seconds: float
    ) -> tuple[np.ndarray | None, object]:
        """Re-optimise the columns not ``fixed`` with the others at ``best``: (values, status)."""
        free = np.flatnonzero(~fixed)
        weights = np.where(fixed, best, 0.0)[self.col] * self.value
        activity = np.bincount(self.row, weights=weights, minlength=self.m)
        keep = ~fixed[self.col]
        sub = highspy.HighsLp()
        sub.num_col_, sub.num_row_ = len(free), self.m
        sub.col_cost_ = self.cost[free]
        sub.col_lower_, sub.col_upper_ = self.lower[free], self.upper[free]
        sub.row_lower_ = self.row_lower - activity
        sub.row_upper_ = self.row_upper - activity
        sub.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        sub.a_matrix_.start_ = np.concatenate([[0], np.cumsum(self.counts[free])]).astype(np.int32)
        sub.a_matrix_.index_ = self.row[keep].astype(np.int32)
        sub.a_matrix_.value_ = self.value[keep]
        sub.a_matrix_.num_col_, sub.a_matrix_.num_row_ = len(free), self.m
        sub.integrality_ = [self.integrality[i] for i in free]
        sub.sense_, sub.offset_ = self.sense, self.offset
        highs.passModel(sub)
        highs.setOptionValue("time_limit", seconds)
        warm = highspy.HighsSolution()
        warm.col_value = list(best[free])
        warm.value_valid = True
        highs.setSolution(warm)
        highs.run()
        status = highs.getModelStatus()
        solution = highs.getSolution()
        if not solution.value_valid:
            return None, status
        values = best.copy()
        values[free] = np.array(solution.col_value)
        return values, status


def _fits(lp, lower: np.ndarray, upper: np.ndarray, values: np.ndarray, tol: float = 1e-6) -> bool:
    """``values`` satisfy the full model's bounds and rows (a slice's answer, re-checked)."""
    if np.any(values < lower - tol) or np.any(values > upper + tol):
        return False
    a = lp.a_matrix_
    start, index, value = np.array(a.start_), np.array(a.index_), np.array(a.value_)
    counts = np.diff(start)
    activity = np.zeros(lp.num_row_)
    if a.format_ == highspy.MatrixFormat.kRowwise:
        rows = np.repeat(np.arange(lp.num_row_), counts)
        np.add.at(activity, rows, value * values[index])
    else:
        np.add.at(activity, index, value * np.repeat(values, counts))
    row_lo, row_hi = np.array(lp.row_lower_), np.array(lp.row_upper_)
    scale = np.maximum(1.0, np.abs(activity))
    return bool(
        np.all(activity >= row_lo - tol * scale) and np.all(activity <= row_hi + tol * scale)
    )
