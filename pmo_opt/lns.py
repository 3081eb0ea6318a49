"""Large-neighbourhood search: improve a plan by re-optimising a few projects at a time.

On large portfolios HiGHS spends its whole time limit on the root relaxation and its cuts, and
hands back the plan it started from. An operations-research analyst would then fix most of the
plan and let the solver re-decide a slice of it: which of these 30 projects, and when, given
that everything else stays. Each slice is a small MIP that HiGHS solves in a fraction of a
second, and the plan can only get better. The slices are

- ``random``: projects drawn at random;
- ``window``: projects selected in the plan that run during a random stretch of months, with
  the projects not selected that could start then;
- ``role``: projects that need one role, drawn weighted by how much of that role they use.

A slice that HiGHS solves to optimality grows the next one of its kind by a fifth; one that
runs out of time shrinks it. A fourth kind, ``lp``, draws projects weighted by how far the LP
relaxation is from deciding them, and the relaxation's optimum is a bound on every plan. The draws come from ``numpy.random.default_rng(seed)``; how many slices fit in
the time limit depends on the machine, so a plan improved this way is reported ``feasible``
with its gap like any other time-limited plan, never ``optimal`` on the strength of the search.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import highspy
import numpy as np

from .model import PortfolioModel

#: a slice starts at this many projects (fewer when the portfolio is small)
FIRST_SLICE = 20
#: the share of the search's time the LP relaxation may take
LP_SHARE = 0.6
#: seconds one slice may take at most (and at most an eighth of the search's time)
SLICE_SECONDS = 3.0


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
    projects: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.projects = sorted(self.starts)

    @classmethod
    def of(cls, model: PortfolioModel, demand) -> Neighbourhoods:
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
        return cls(starts, selected, uses, durations)


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


def relaxation(sub: highspy.Highs, seconds: float) -> tuple[float | None, np.ndarray | None]:
    """The LP relaxation of the model in ``sub`` by interior point: (objective, values).

    Its objective bounds every plan (HiGHS minimises, so it is a lower bound), loosened by a
    relative 1e-6 for the method's tolerances; ``(None, None)`` when it does not finish within
    ``seconds``. ``sub``'s integrality and options are restored afterwards.
    """
    lp = sub.getLp()
    integrality = list(lp.integrality_)
    n = lp.num_col_
    if integrality:
        sub.changeColsIntegrality(
            n, np.arange(n, dtype=np.int32), np.full(n, highspy.HighsVarType.kContinuous)
        )
    sub.setOptionValue("solver", "ipm")
    sub.setOptionValue("run_crossover", "off")
    sub.setOptionValue("time_limit", float(max(seconds, 0.1)))
    sub.run()
    ok = sub.getModelStatus() == highspy.HighsModelStatus.kOptimal
    objective = sub.getInfo().objective_function_value if ok else None
    values = np.array(sub.getSolution().col_value) if ok else None
    if integrality:
        sub.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.array(integrality))
    sub.setOptionValue("solver", "choose")
    sub.setOptionValue("run_crossover", "on")
    sub.clearSolver()
    if objective is None:
        return None, None
    return objective - 1e-6 * max(1.0, abs(objective)), values


def improve(
    highs: highspy.Highs,
    hood: Neighbourhoods,
    start: np.ndarray,
    seconds: float,
    seed: int = 0,
) -> tuple[np.ndarray, dict]:
    """Improve the solution ``start`` of the model in ``highs`` for about ``seconds``.

    First the LP relaxation (for at most ``LP_SHARE`` of the time): its optimum bounds every
    plan, and where it disagrees with the plan about a project tells the ``lp`` slices what to
    free. Then slices until the time is up. ``highs`` is left as it was (all of this runs on a
    copy). HiGHS minimises (pulp hands it the negated objective when maximising), so lower is
    better.

    Returns
    -------
    (values, facts)
        The best solution found (``start`` when nothing better) and what the search did:
        ``slices``, ``improved`` (and ``improved_by`` kind of slice), ``first``/``last`` objective, ``bound`` (the relaxation's, in
        HiGHS's sense, or ``None``), ``lp_seconds``, ``seconds``.
    """
    t0 = time.perf_counter()
    sub = highspy.Highs()
    sub.setOptionValue("output_flag", False)
    sub.passModel(highs.getModel())
    sub.setOptionValue("threads", 1)
    sub.setOptionValue("mip_rel_gap", 1e-6)
    bound, relaxed = relaxation(sub, LP_SHARE * seconds)
    lp_seconds = time.perf_counter() - t0
    disagree = _disagreement(hood, start, relaxed) if relaxed is not None else {}
    lp = sub.getLp()
    lower, upper = np.array(lp.col_lower_), np.array(lp.col_upper_)
    cost = np.array(lp.col_cost_)
    best = np.array(start, dtype=float)
    best_obj = float(cost @ best)
    first = best_obj
    rng = np.random.default_rng(seed)
    kinds = ("lp", "random", "window", "role") if disagree else ("random", "window", "role")
    # each kind of slice learns its own size: some are far harder than others at equal size
    sizes = dict.fromkeys(kinds, min(FIRST_SLICE, max(2, len(hood.projects) // 2)))
    slices = improved = 0
    by_kind = dict.fromkeys(kinds, 0)
    while time.perf_counter() - t0 < seconds - 0.05:
        plan = _plan_of(hood, best)
        kind = kinds[slices % len(kinds)]
        size = sizes[kind]
        if kind == "lp":
            free = set(_by_disagreement(disagree, plan, size, rng))
        else:
            free = set(_draw(hood, plan, size, kind, rng))
        lo, hi = lower.copy(), upper.copy()
        for p, options in hood.starts.items():
            if p in free:
                continue
            s = plan.get(p)
            for t, col in options:
                lo[col] = hi[col] = 1.0 if t == s else 0.0
            if p in hood.selected:
                col = hood.selected[p]
                lo[col] = hi[col] = 1.0 if s is not None else 0.0
        sub.changeColsBounds(len(lo), np.arange(len(lo), dtype=np.int32), lo, hi)
        left = seconds - (time.perf_counter() - t0)
        cap = min(SLICE_SECONDS, seconds / 8, left)
        sub.setOptionValue("time_limit", float(max(0.05, cap)))
        warm = highspy.HighsSolution()
        warm.col_value = list(best)
        warm.value_valid = True
        sub.setSolution(warm)
        sub.run()
        slices += 1
        status = sub.getModelStatus()
        solution = sub.getSolution()
        if solution.value_valid:
            values = np.array(solution.col_value)
            obj = float(cost @ values)
            if obj < best_obj - 1e-9 * max(1.0, abs(best_obj)) and _fits(lp, lower, upper, values):
                best, best_obj, improved = values, obj, improved + 1
                by_kind[kind] += 1
        if status == highspy.HighsModelStatus.kOptimal:
            sizes[kind] = min(len(hood.projects), int(size * 1.2) + 1)
        else:
            sizes[kind] = max(2, int(size / 1.5))
    return best, {
        "slices": slices,
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
