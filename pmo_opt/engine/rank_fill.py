"""Rank-and-fill: the planner priority-list tools use, as a yardstick for the optimiser.

Mandatory work goes first (in-flight projects in the first month, then committed and forced-in
projects, with the predecessors they need, in priority and dependency order, each at its earliest
feasible start). Then the other proposed projects are walked in priority order and each takes the
earliest start at which it fits everything already placed, or is skipped. No hiring. It is fast
(numpy arrays per project, running usage per role-month and budget period) and greedy: it does not
look ahead, so it can miss a better combination, and it cannot guarantee category shares.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from pmo_opt.engine.check import check_plan, unknown_forced
from pmo_opt.engine.plan import Plan, make_plan
from pmo_opt.engine.problem import Problem as PlanningProblem  # errors.Problem is a mistake
from pmo_opt.engine.problem import problem_for
from pmo_opt.errors import InputError, Problem
from pmo_opt.inputs import months
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import Scenario

#: relative slack when testing a fit; far below check_plan's default so its plans pass the check
FIT_TOL = 1e-9


def priority_values(portfolio: Portfolio, scenario: Scenario) -> pd.Series:
    """Per-project figure the baseline ranks by (descending) and reports as ``value``.

    ``benefit`` and ``value_minus_delay`` rank by ``benefit``; ``value`` and ``makespan`` by
    :func:`pmo_opt.prioritise.scoring.project_value` (the priority score).
    """
    pr = portfolio.projects
    if scenario.objective in ("benefit", "value_minus_delay"):
        return pr["benefit"].astype(float)
    try:
        from pmo_opt.prioritise.scoring import project_value
    except ImportError:  # TODO: scoring.py is being written; benefit is its documented fallback
        return pr["benefit"].astype(float)
    return project_value(portfolio, scenario).reindex(pr.index).fillna(0.0).astype(float)


def priority_order(
    portfolio: Portfolio, scenario: Scenario, order: list[str] | None = None
) -> list[str]:
    """Project ids, highest priority first: ``order`` as given, then the rest by descending
    :func:`priority_values`, ties by ``project_id``."""
    values = priority_values(portfolio, scenario)
    figure = dict(zip(map(str, values.index), values.astype(float).tolist(), strict=True))
    ranked = sorted(figure, key=lambda p: (-figure[p], p))
    if order is None:
        return [str(p) for p in ranked]
    known = set(values.index)
    unknown = [p for p in order if p not in known]
    if unknown:
        raise InputError(
            [
                Problem(
                    "rank_and_fill",
                    None,
                    "order",
                    f"{', '.join(map(repr, unknown))} not in the projects table",
                )
            ]
        )
    head = list(dict.fromkeys(str(p) for p in order))
    seen = set(head)
    return head + [str(p) for p in ranked if p not in seen]


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or value == ""


@dataclass
class _Job:
    """What one project needs, as arrays over its own months."""

    duration: int
    lo: int  # earliest start index from earliest_start and the horizon
    hi: int  # latest start index from deadline and the horizon
    roles: np.ndarray  # role indices it uses
    fte: np.ndarray  # roles x duration
    spend: np.ndarray  # duration


class _Board:
    """Running state: role-month usage and budget-period spend of the projects placed so far."""

    def __init__(self, portfolio: Portfolio, scenario: Scenario, horizon: list[str]):
        self.horizon = horizon
        self.first = months.to_ordinal(horizon[0])
        T = self.T = len(horizon)
        pr = portfolio.projects
        roles = sorted(
            set(portfolio.demand["role"].astype(str).unique().tolist())
            | set(portfolio.capacity["role"].astype(str).tolist())
            | set(portfolio.roles.index.astype(str).tolist())
            | set(scenario.extra_fte)
        )
        self.roles = roles
        ridx = {r: i for i, r in enumerate(roles)}
        R = len(roles)

        # capacity (docs/model.md rule 4), dense roles x months
        cap = portfolio.capacity
        flat = cap[cap["month"].isna()].groupby("role")["fte"].sum()
        base = np.zeros((R, T))
        for role, fte in flat.items():
            base[ridx[str(role)], :] = fte
        dated = cap[cap["month"].notna()].groupby(["role", "month"])["fte"].sum()
        for (role, month), fte in dated.items():
            t = months.to_ordinal(month) - self.first
            if 0 <= t < T:
                base[ridx[str(role)], t] = fte
        extra = np.array([scenario.extra_fte.get(r, 0.0) for r in roles], dtype=float)
        self.cap = (base + extra[:, None]) * scenario.capacity_scale
        # free FTE per role-month, with the fit tolerance folded in; shrinks as work is placed
        self.room = self.cap + FIT_TOL * np.maximum(1.0, np.abs(self.cap))

        # budget rows (rules 6-7): a 0/1 row over the horizon per limit that reaches into it
        rows, limits, names = [], [], []
        for period, amount in zip(
            portfolio.budget["period"], portfolio.budget["amount"], strict=True
        ):
            if pd.isna(amount):
                continue
            covered = months.period_months(str(period))
            mask = np.zeros(T)
            if covered is None:
                mask[:] = 1.0
            else:
                t = np.array([months.to_ordinal(m) for m in covered]) - self.first
                mask[t[(t >= 0) & (t < T)]] = 1.0
            if mask.any():  # a period wholly outside the horizon limits nothing
                rows.append(mask)
                limits.append(float(amount) * scenario.budget_scale)
                names.append(str(period))
        self.budget_names = names
        self.budget_mask = np.array(rows).reshape(len(rows), T)
        self.budget_limit = np.array(limits, dtype=float)
        self.budget_room = self.budget_limit + FIT_TOL * np.maximum(1.0, np.abs(self.budget_limit))

        # per-project demand arrays, built in one pass over the sorted demand table
        pids = [str(p) for p in pr.index]
        dm = portfolio.demand
        pc = pd.Index(pids).get_indexer(dm["project_id"].astype(str)).astype(np.int64)
        rc = pd.Index(roles).get_indexer(dm["role"].astype(str)).astype(np.int64)
        kc = dm["month_offset"].to_numpy(dtype=np.int64)
        fc = dm["fte"].to_numpy(dtype=float)
        keep = (pc >= 0) & (kc >= 0) & (kc < pr["duration"].to_numpy(dtype=np.int64)[pc])
        pc, rc, kc, fc = pc[keep], rc[keep], kc[keep], fc[keep]
        sort = np.lexsort((kc, rc, pc))
        pc, rc, kc, fc = pc[sort], rc[sort], kc[sort], fc[sort]
        bounds = np.searchsorted(pc, np.arange(len(pids) + 1))
        # slot = row of the role within its project's (roles x months) array
        new_role = np.ones(len(pc), dtype=bool)
        new_role[1:] = (pc[1:] != pc[:-1]) | (rc[1:] != rc[:-1])
        group = np.cumsum(new_role) - 1
        slot = group - group[bounds[pc]] if len(pc) else group
        rate = np.zeros(R)
        if "cost_per_fte_month" in portfolio.roles.columns:
            for role, value in portfolio.roles["cost_per_fte_month"].items():
                if not pd.isna(value):
                    rate[ridx[str(role)]] = value
        durations = pr["duration"].to_numpy(dtype=np.int64)
        costs = pr["cost"].to_numpy(dtype=float)
        earliest = pr["earliest_start"].tolist()
        deadline = pr["deadline"].tolist()
        self.jobs: dict[str, _Job] = {}
        for i, p in enumerate(pids):
            d = int(durations[i])
            a, b = bounds[i], bounds[i + 1]
            r_used = rc[a:b][new_role[a:b]]
            fte = np.zeros((len(r_used), d))
            np.add.at(fte, (slot[a:b], kc[a:b]), fc[a:b])
            if np.isnan(costs[i]):
                spend = rate[r_used] @ fte if len(r_used) else np.zeros(d)
            else:
                spend = np.full(d, costs[i] / d)
            # missing months come as None or NaN (pandas 3 string columns)
            lo = 0 if _missing(earliest[i]) else max(0, months.to_ordinal(earliest[i]) - self.first)
            hi = T - d
            if not _missing(deadline[i]):
                hi = min(hi, months.to_ordinal(deadline[i]) - self.first - d + 1)
            self.jobs[p] = _Job(d, lo, hi, r_used, fte, np.asarray(spend, dtype=float))
        self.starts: dict[str, int] = {}

    # ----------------------------------------------------------------------------------------

    def fits(self, p: str, lo: int, hi: int) -> np.ndarray:
        """For each start index ``lo..hi``: does ``p`` fit capacity and every budget limit?"""
        job = self.jobs[p]
        n = hi - lo + 1
        bad = np.zeros(n, dtype=bool)
        # one small comparison per month of the project: starts x (roles or periods)
        if len(job.roles):
            room = self.room[job.roles, lo : hi + job.duration]
            for k in range(job.duration):
                bad |= (job.fte[:, k, None] > room[:, k : k + n]).any(axis=0)
        if len(self.budget_limit) and job.spend.any():
            mask = self.budget_mask[:, lo : hi + job.duration]
            extra = np.zeros((len(self.budget_limit), n))
            for k in np.flatnonzero(job.spend):
                extra += mask[:, k : k + n] * job.spend[k]
            bad |= (extra > self.budget_room[:, None]).any(axis=0)
        return ~bad

    def earliest(self, p: str, lo: int, hi: int) -> int | None:
        if lo > hi:
            return None
        ok = self.fits(p, lo, hi)
        return lo + int(np.argmax(ok)) if ok.any() else None

    def place(self, p: str, s: int) -> None:
        job = self.jobs[p]
        d = job.duration
        if len(job.roles):
            self.room[job.roles, s : s + d] -= job.fte
        if len(self.budget_limit):
            self.budget_room -= self.budget_mask[:, s : s + d] @ job.spend
        self.starts[p] = s

    def why_not(self, p: str, lo: int, hi: int, after: str = "") -> str:
        """Why ``p`` has no start in ``lo..hi``, in words (for mandatory work)."""
        job = self.jobs[p]
        m = self.horizon
        if lo > hi:
            first_ok = months.from_ordinal(self.first + lo)
            last_end = months.from_ordinal(self.first + hi + job.duration - 1)
            text = (
                f"it needs {job.duration} months from {first_ok}{after} but must finish by "
                f"{last_end} (deadline or horizon end)"
            )
            return text
        d = job.duration
        for j, r in enumerate(job.roles):
            room = self.room[r, lo : lo + d]
            over = np.flatnonzero(job.fte[j] > room)
            if len(over):
                k = int(over[0])
                free = max(room[k] - FIT_TOL * max(1.0, abs(self.cap[r, lo + k])), 0.0)
                reason = (
                    f"{self.roles[r]} needs {job.fte[j, k]:g} FTE in {m[lo + k]} but only "
                    f"{free:g} is free"
                )
                break
        else:
            extra = self.budget_mask[:, lo : lo + d] @ job.spend
            b = int(np.argmax(extra - self.budget_room))
            left = self.budget_room[b] - FIT_TOL * max(1.0, abs(self.budget_limit[b]))
            reason = (
                f"budget {self.budget_names[b]} has {max(left, 0.0):,.2f} left but it would "
                f"spend {extra[b]:,.2f}"
            )
        later = f"; no later start up to {m[hi]} fits either" if hi > lo else ""
        return f"at its earliest start {m[lo]}, {reason}{later}"


def _dependencies(portfolio: Portfolio) -> tuple[dict, dict, dict]:
    """``needs[a]`` (requires and finish-to-start predecessors), ``fs[a]``, ``excl[a]``."""
    needs: dict[str, list[str]] = {}
    fs: dict[str, list[str]] = {}
    excl: dict[str, set[str]] = {}
    dp = portfolio.dependencies
    for a, b, kind in zip(dp["project_id"], dp["depends_on"], dp["kind"], strict=True):
        a, b = str(a), str(b)
        if kind == "excludes":
            excl.setdefault(a, set()).add(b)
            excl.setdefault(b, set()).add(a)
        else:
            needs.setdefault(a, []).append(b)
            if kind == "finish_to_start":
                fs.setdefault(a, []).append(b)
    return needs, fs, excl


def _topological(ids: list[str], rank: dict[str, int], needs: dict[str, list[str]]) -> list[str]:
    """``ids`` with predecessors first, otherwise by rank (Kahn with a heap); cycles go last."""
    members = set(ids)
    indegree = {p: 0 for p in ids}
    after: dict[str, list[str]] = {}
    for a in ids:
        for b in set(needs.get(a, ())):
            if b in members and b != a:
                indegree[a] += 1
                after.setdefault(b, []).append(a)
    heap = [(rank[p], p) for p in ids if indegree[p] == 0]
    heapq.heapify(heap)
    out: list[str] = []
    while heap:
        _, p = heapq.heappop(heap)
        out.append(p)
        for a in after.get(p, ()):
            indegree[a] -= 1
            if indegree[a] == 0:
                heapq.heappush(heap, (rank[a], a))
    done = set(out)
    return out + sorted((p for p in ids if p not in done), key=rank.__getitem__)


def rank_and_fill(
    portfolio: Portfolio,
    scenario: Scenario,
    order: list[str] | None = None,
    *,
    problem: PlanningProblem | None = None,
) -> Plan:
    """Plan the portfolio the way priority-list tools do: rank, then fill greedily.

    Parameters
    ----------
    portfolio, scenario
        The inputs; every rule of docs/model.md applies, no hiring is used.
    order
        Project ids in priority order (highest first); projects it leaves out follow in the
        default order. Default: descending :func:`priority_values`, ties by ``project_id``.
    problem
        The facts of ``portfolio`` under ``scenario`` when the caller has them (its horizon is
        read); built here otherwise.

    Returns
    -------
    Plan
        ``status`` ``feasible`` with ``solver="rank_and_fill"`` and ``objective`` the plan's value
        under the scenario's objective (``makespan``: months from the horizon start to the last
        finish); ``infeasible`` with nothing selected when mandatory work cannot be placed, the
        message naming the project and why. ``details["skipped"]`` says why each proposed
        project was left out. Category shares (and a risk cap broken by mandatory work) cannot
        be guaranteed greedily: any rule the filled plan still breaks is stated in ``message``
        and listed in ``details["violations"]``.

    Notes
    -----
    Under ``makespan`` every project not forced out is mandatory and this is serial list
    scheduling: priority order respecting dependencies, each at its earliest feasible start.
    Predecessors (``requires``/``finish_to_start``) of mandatory projects are mandatory too.
    """
    unknown_forced(portfolio, scenario)
    horizon = problem_for(problem, portfolio, scenario).horizon
    values = priority_values(portfolio, scenario)
    ranked = priority_order(portfolio, scenario, order)
    rank = {p: i for i, p in enumerate(ranked)}
    board = _Board(portfolio, scenario, horizon)
    needs, fs, excl = _dependencies(portfolio)
    pr = portfolio.projects
    ids = [str(p) for p in pr.index]
    status = dict(zip(ids, pr["status"].astype(str).tolist(), strict=True))
    risk = dict(zip(ids, pr["risk"].astype(float).tolist(), strict=True))

    def infeasible(text: str) -> Plan:
        return make_plan(
            portfolio,
            scenario,
            horizon,
            {},
            values=values,
            status="infeasible",
            objective=None,
            solver="rank_and_fill",
            message=f"rank-and-fill cannot place mandatory work: {text}",
        )

    mandatory, why, cannot = _mandatory_work(ranked, scenario, status, needs)
    if cannot:
        return infeasible(cannot)
    in_flight = [p for p in ranked if p in mandatory and status[p] == "in_flight"]
    rest = _topological([p for p in ranked if p in mandatory and p not in in_flight], rank, needs)

    def bounds(p: str) -> tuple[int, int, str]:
        return _bounds(board, p, status[p] == "in_flight" and p in mandatory, fs)

    cannot = _place_mandatory(board, in_flight + rest, why, fs, excl, bounds)
    if cannot:
        return infeasible(cannot)

    # fill with the remaining proposed work, in priority order
    skipped = _fill(board, ranked, scenario, risk, needs, excl, bounds)

    starts = {p: horizon[s] for p, s in board.starts.items()}
    objective = _objective(portfolio, scenario, values, board)
    message = (
        f"rank-and-fill placed {len(starts)} of {len(pr)} projects "
        f"({len(mandatory)} mandatory) in priority order"
    )
    plan = make_plan(
        portfolio,
        scenario,
        horizon,
        starts,
        hires=None,
        values=values,
        status="feasible",
        objective=objective,
        solver="rank_and_fill",
        message=message,
    )
    broken = check_plan(portfolio, scenario, plan)
    message += _broken_rules(broken)
    details = {
        "order": ranked,
        "mandatory": list(mandatory),
        "skipped": skipped,
        "violations": [str(v) for v in broken],
    }
    return replace(plan, message=message, details=details)


def _mandatory_work(
    ranked: list[str], scenario: Scenario, status: dict[str, str], needs: dict
) -> tuple[dict[str, None], dict[str, str], str | None]:
    """Mandatory work (committed, in flight, forced in; every project under ``makespan``) and
    the predecessors it needs, in priority order, each with why it is in; the third item says
    why mandatory work cannot be placed at all (it needs a project forced out), else ``None``."""
    forced_out = set(scenario.force_out)
    if scenario.objective == "makespan":
        seeds = [p for p in ranked if p not in forced_out]
        why = dict.fromkeys(seeds, "every project not forced out is in under makespan")
    else:
        seeds = [
            p
            for p in ranked
            if p not in forced_out
            and (status[p] in ("committed", "in_flight") or p in scenario.force_in)
        ]
        why = {
            p: "forced in" if p in scenario.force_in else status[p].replace("_", "-") for p in seeds
        }
    mandatory = dict.fromkeys(seeds)
    stack = list(seeds)
    while stack:
        a = stack.pop()
        for b in needs.get(a, ()):
            if b in forced_out:
                return mandatory, why, f"{a} ({why[a]}) needs {b}, which is forced out"
            if b not in mandatory:
                mandatory[b] = None
                why[b] = f"needed by {a}"
                stack.append(b)
    return mandatory, why, None


def _bounds(board: _Board, p: str, pinned: bool, fs: dict) -> tuple[int, int, str]:
    """p's first and last start month given what is placed (after its placed predecessors
    finish; ``pinned``: mandatory in-flight work, the first month or nothing), and the words
    for why it cannot start earlier."""
    job = board.jobs[p]
    lo, hi, after = job.lo, job.hi, ""
    if pinned:
        hi = min(hi, 0)  # in flight: the first month or nothing
        lo = max(lo, 0)
    for b in fs.get(p, ()):
        if b in board.starts:
            end = board.starts[b] + board.jobs[b].duration - 1
            if end + 1 > lo:
                lo, after = end + 1, f" (after {b} finishes)"
    return lo, hi, after


def _place_mandatory(
    board: _Board,
    work: list[str],
    why: dict[str, str],
    fs: dict,
    excl: dict,
    bounds: Callable[[str], tuple[int, int, str]],
) -> str | None:
    """Place the mandatory ``work`` in order, each at its earliest start that fits; the words
    for why one cannot be placed (the plan is then infeasible), else ``None``."""
    for p in work:
        clash = sorted(q for q in excl.get(p, ()) if q in board.starts)
        if clash:
            return f"{p} ({why[p]}) and {clash[0]} exclude each other"
        waiting = [b for b in fs.get(p, ()) if b not in board.starts]
        if waiting:
            return f"{p} ({why[p]}) must start after {waiting[0]} finishes, which cannot come first"
        lo, hi, after = bounds(p)
        s = board.earliest(p, lo, hi)
        if s is None:
            return f"{p} ({why[p]}) does not fit: {board.why_not(p, lo, hi, after)}"
        board.place(p, s)
    return None


def _fill(
    board: _Board,
    ranked: list[str],
    scenario: Scenario,
    risk: dict[str, float],
    needs: dict,
    excl: dict,
    bounds: Callable[[str], tuple[int, int, str]],
) -> dict[str, str]:
    """Place the remaining proposed work in priority order, each at its earliest start that
    fits; returns why each project left out was skipped."""
    skipped: dict[str, str] = {}
    forced_out = set(scenario.force_out)
    cap = scenario.max_avg_risk
    risk_sum = sum(risk[p] for p in board.starts)
    for p in ranked:
        if p in board.starts:
            continue
        if p in forced_out:
            skipped[p] = "forced out"
            continue
        clash = sorted(q for q in excl.get(p, ()) if q in board.starts)
        if clash:
            skipped[p] = f"excludes {clash[0]}, already in"
            continue
        missing = [b for b in needs.get(p, ()) if b not in board.starts]
        if missing:
            skipped[p] = f"needs {missing[0]}, not in"
            continue
        if cap is not None:
            n = len(board.starts)
            new_mean = (risk_sum + risk[p]) / (n + 1)
            now_over = n > 0 and risk_sum / n > cap
            # when mandatory work already breaks the cap, low-risk work still helps
            if new_mean > cap + FIT_TOL * max(1.0, abs(cap)) and not (now_over and risk[p] <= cap):
                skipped[p] = "would lift average risk above max_avg_risk"
                continue
        lo, hi, _ = bounds(p)
        s = board.earliest(p, lo, hi)
        if s is None:
            skipped[p] = "window too short" if lo > hi else "no start fits capacity and budget"
            continue
        board.place(p, s)
        risk_sum += risk[p]
    return skipped


def _broken_rules(broken: list) -> str:
    """The warning appended to the message when the greedy plan breaks rules ('' when none)."""
    if not broken:
        return ""
    rules = sorted({v.rule for v in broken})
    shown = "; ".join(v.message for v in broken[:5])
    more = f"; and {len(broken) - 5} more" if len(broken) > 5 else ""
    return (
        f"; WARNING: the greedy plan breaks {len(broken)} rule(s) ({', '.join(rules)}): "
        f"{shown}{more}"
    )


def _objective(portfolio: Portfolio, scenario: Scenario, values: pd.Series, board: _Board) -> float:
    """The plan's figure under the scenario's objective (docs/model.md, "Objectives")."""
    placed = board.starts
    pr = portfolio.projects
    if scenario.objective == "makespan":
        if not placed:
            return 0.0
        return float(max(s + board.jobs[p].duration for p, s in placed.items()))
    if scenario.objective == "value_minus_delay":
        total = 0.0
        for p, s in placed.items():
            es = pr.at[p, "earliest_start"]
            e = 0 if _missing(es) else max(0, months.to_ordinal(es) - board.first)
            total += float(pr.at[p, "benefit"]) - float(pr.at[p, "cost_of_delay"]) * (s - e)
        return total
    figure = values.reindex(list(placed)).astype(float)
    return float(figure.sum())
