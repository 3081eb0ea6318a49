"""Seeded generator of realistic portfolios at four sizes, for benchmarks and tests.

    python benchmarks/generate.py --size M --seed 1 --out benchmarks/out/portfolios/M-1
    python benchmarks/generate.py --size all --seed 1      # S, M, L, XL under benchmarks/out/

What a generated portfolio holds (every table of the format, sorted, so a seed gives the same
bytes on every machine):

- projects of 2-18 months (fewer than the horizon), a few ``in_flight`` (started, 2-12 months
  left), some ``committed``, the rest ``proposed``; some earliest starts and deadlines; explicit
  ``cost`` for about a third, labour cost from the role rates for the rest; ``benefit`` from a
  return on cost, ``risk`` 1-5, ``cost_of_delay``, low/high ranges for Monte Carlo.
- demand: 1-5 roles per project, each active over part of the project with a ramp-up and a
  ramp-down (one row per ``month_offset``); common roles (developers) more often than rare ones.
- capacity: a flat FTE per role set to 45-70% of what the whole portfolio would need, with a
  December dip for some roles; budget per quarter at about 60% of what everything would cost.
  So demand exceeds capacity and cost exceeds budget: choices matter.
- dependencies of each kind (``requires``, ``finish_to_start``, ``excludes``), always from a
  proposed project to a lower-numbered one, so the graph is acyclic.
- criteria (one of them minimised) and a score per project and criterion.

Committed and in-flight work always fits: capacity and budget are raised where needed so that one
reference schedule of that work (in-flight at the start, committed at a random start) satisfies
every limit, and no dependency or deadline constrains it.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from pmo_opt.inputs import months
from pmo_opt.inputs.instances import write_tables
from pmo_opt.paths import ROOT


@dataclass(frozen=True)
class Generated:
    """One generated portfolio before writing.

    Attributes
    ----------
    tables : ``{table name: DataFrame}``, rows sorted by their keys.
    scenario : scenario settings (plain types, for YAML).
    reference : ``project_id`` -> start month for every committed and in-flight project: a
        schedule of that work alone that satisfies every rule (proof that it fits).
    """

    tables: dict[str, pd.DataFrame]
    scenario: dict
    reference: dict[str, str]


@dataclass(frozen=True)
class Size:
    """A benchmark size: projects, horizon months, roles."""

    projects: int
    months: int
    roles: int


SIZES: dict[str, Size] = {
    "S": Size(60, 24, 8),
    "M": Size(250, 36, 15),
    "L": Size(1_000, 36, 30),
    "XL": Size(3_000, 48, 50),
}
HORIZON_START = "2027-01"  # a quarter's first month, so budget quarters tile the horizon
OUT_DIR = ROOT / "benchmarks" / "out" / "portfolios"

_ROLE_BASES = (
    "Developer",
    "Business Analyst",
    "Tester",
    "Project Manager",
    "Solution Architect",
    "Data Engineer",
    "DevOps Engineer",
    "UX Designer",
    "Security Analyst",
    "Data Scientist",
    "Change Manager",
    "Scrum Master",
    "Network Engineer",
    "DBA",
    "Technical Writer",
    "Product Owner",
    "Cloud Engineer",
    "Procurement Specialist",
    "Legal Counsel",
    "Trainer",
)
_WORDS_A = (
    "Customer",
    "Billing",
    "Data",
    "Cloud",
    "Mobile",
    "Payments",
    "HR",
    "Supply Chain",
    "Identity",
    "Analytics",
    "Claims",
    "Warehouse",
    "Partner",
    "Compliance",
    "Field Service",
    "Finance",
)
_WORDS_B = (
    "Portal",
    "Platform",
    "Migration",
    "Upgrade",
    "Automation",
    "Modernisation",
    "Consolidation",
    "Integration",
    "Rollout",
    "Redesign",
    "Hub",
    "Pilot",
)
_CATEGORIES = ("Run", "Grow", "Transform", "Comply")
_CRITERIA = (  # criterion, weight, direction
    ("strategic_fit", 0.30, "max"),
    ("financial_return", 0.25, "max"),
    ("customer_impact", 0.20, "max"),
    ("risk_reduction", 0.15, "max"),
    ("complexity", 0.10, "min"),
)


def role_names(count: int) -> list[str]:
    """``count`` distinct role names: the base list, then numbered teams (``Developer 2``)."""
    names = []
    k = 0
    while len(names) < count:
        team = k // len(_ROLE_BASES) + 1
        base = _ROLE_BASES[k % len(_ROLE_BASES)]
        names.append(base if team == 1 else f"{base} {team}")
        k += 1
    return names


def _ids(prefix: str, count: int) -> np.ndarray:
    width = max(len(str(count)), 3)
    return np.array([f"{prefix}{i + 1:0{width}d}" for i in range(count)], dtype=object)


def _ceil_to(x: np.ndarray, step: float) -> np.ndarray:
    return np.ceil(np.asarray(x, dtype=float) / step - 1e-9) * step


def _round_to(x: np.ndarray, step: float) -> np.ndarray:
    return np.round(np.asarray(x, dtype=float) / step) * step


def build_tables(size: str, seed: int) -> Generated:
    """The tables and scenario settings of one generated portfolio (nothing written).

    Parameters
    ----------
    size
        ``S``, ``M``, ``L`` or ``XL`` (any case).
    seed
        Any integer; the same (size, seed) gives the same tables.

    Returns
    -------
    Generated
        Tables, scenario settings and the reference schedule of the committed work.
    """
    key = size.upper()
    if key not in SIZES:
        raise ValueError(f"size {size!r} is not one of {', '.join(SIZES)}")
    spec = SIZES[key]
    n, T, R = spec.projects, spec.months, spec.roles
    rng = np.random.default_rng([int(seed), list(SIZES).index(key)])
    ids = _ids("P", n)
    roles = np.array(role_names(R), dtype=object)
    horizon = months.month_range(HORIZON_START, T)

    # --- projects: status, duration, window --------------------------------------------------
    n_inflight = max(2, round(0.03 * n))
    n_committed = max(3, round(0.06 * n))
    status = np.full(n, "proposed", dtype=object)
    pick = rng.permutation(n)
    inflight = np.sort(pick[:n_inflight])
    committed = np.sort(pick[n_inflight : n_inflight + n_committed])
    status[inflight] = "in_flight"
    status[committed] = "committed"
    is_proposed = status == "proposed"

    max_d = min(18, T - 1)
    duration = np.clip(np.round(rng.lognormal(np.log(7.0), 0.5, n)), 2, max_d).astype(int)
    duration[inflight] = rng.integers(2, min(12, T) + 1, n_inflight)

    earliest = np.zeros(n, dtype=int)  # month index; 0 = not constrained
    latest = np.full(n, T - 1, dtype=int)  # last month index work may happen
    has_es = is_proposed & (rng.random(n) < 0.20)
    earliest[has_es] = (rng.random(has_es.sum()) * (T - duration[has_es]) * 0.6).astype(int)
    has_dl = is_proposed & (rng.random(n) < 0.15)
    lo = earliest + duration - 1
    slack = (rng.random(n) * (T - 1 - lo + 1)).astype(int)
    latest[has_dl] = np.minimum(T - 1, lo[has_dl] + slack[has_dl])

    # --- demand: roles per project with ramp profiles ----------------------------------------
    popularity = 1.0 / np.arange(1, R + 1) ** 0.8
    popularity /= popularity.sum()
    n_roles = np.minimum(rng.integers(1, 6, n), R)
    # distinct roles per project: the first k of a random ranking weighted by popularity
    # (Gumbel top-k trick: vectorised weighted sampling without replacement)
    gumbel = np.log(popularity)[None, :] - np.log(-np.log(rng.random((n, R))))
    ranked = np.argsort(-gumbel, axis=1)
    pr = np.repeat(np.arange(n), n_roles)  # one entry per (project, role) pair
    slot = np.arange(len(pr)) - np.repeat(np.cumsum(n_roles) - n_roles, n_roles)
    rr = ranked[pr, slot]
    d_pr = duration[pr]
    # the role is active over [a, b] of the project (some roles front- or back-loaded)
    a = (rng.random(len(pr)) * d_pr * 0.35).astype(int)
    b = d_pr - 1 - (rng.random(len(pr)) * (d_pr - a) * 0.35).astype(int)
    span = b - a + 1
    ramp_up = np.minimum(rng.integers(0, 4, len(pr)), (span - 1) // 2)
    ramp_down = np.minimum(rng.integers(0, 3, len(pr)), (span - 1) // 2)
    peak = _round_to(rng.gamma(2.0, 0.6, len(pr)) + 0.5, 0.5)
    row_pair = np.repeat(np.arange(len(pr)), span)
    k = np.arange(len(row_pair)) - np.repeat(np.cumsum(span) - span, span)  # 0..span-1
    shape = np.minimum.reduce(
        [
            (k + 1) / (ramp_up[row_pair] + 1),
            (span[row_pair] - k) / (ramp_down[row_pair] + 1),
            np.ones(len(k)),
        ]
    )
    fte = _round_to(peak[row_pair] * shape, 0.1)
    keep = fte > 0
    d_project = pr[row_pair][keep]
    d_role = rr[row_pair][keep]
    d_offset = (a[row_pair] + k)[keep]
    d_fte = fte[keep]

    # --- money: role rates, cost, benefit -----------------------------------------------------
    rate = _round_to(rng.uniform(7_000, 16_000, R), 100)
    labour = np.zeros((n, max_d + 1))
    np.add.at(labour, (d_project, d_offset), d_fte * rate[d_role])
    labour_total = labour.sum(axis=1)
    has_cost = rng.random(n) < 0.35
    cost = np.where(has_cost, _round_to(labour_total * rng.uniform(1.1, 1.6, n), 1_000), np.nan)
    total_cost = np.where(has_cost, cost, labour_total)
    roi = rng.lognormal(np.log(1.6), 0.45, n)
    benefit = _round_to(total_cost * roi, 1_000)
    # spend per (project, offset): cost spread evenly, else labour (docs/model.md rule 6)
    offsets = np.arange(max_d + 1)[None, :]
    spread = np.where(offsets < duration[:, None], (cost / duration)[:, None], 0.0)
    spend = np.where(has_cost[:, None], spread, labour)

    # --- reference schedule of committed and in-flight work: it must fit ----------------------
    start = np.zeros(n, dtype=int)
    start[committed] = (rng.random(n_committed) * (T - duration[committed] + 1)).astype(int)
    fixed = ~is_proposed
    on = fixed[d_project]
    ref_load = np.zeros((R, T))
    np.add.at(ref_load, (d_role[on], start[d_project[on]] + d_offset[on]), d_fte[on])
    ref_spend = np.zeros(T)
    fp, fo = np.nonzero(fixed[:, None] & (offsets < duration[:, None]))
    np.add.at(ref_spend, start[fp] + fo, spend[fp, fo])

    # --- capacity: a share of the all-in demand, never below the reference load ---------------
    demand_fte_months = np.bincount(d_role, weights=d_fte, minlength=R)
    share = rng.uniform(0.45, 0.70, R)
    flat = np.maximum(_round_to(share * demand_fte_months / T, 0.5), 0.5)
    flat = np.maximum(flat, _ceil_to(ref_load.max(axis=1), 0.5))
    cap_rows = [pd.DataFrame({"role": roles, "month": "", "fte": flat})]
    decembers = [i for i, m in enumerate(horizon) if m.endswith("-12")]
    dip = rng.random(R) < 0.3
    for i in decembers:
        low = np.maximum(_round_to(flat * 0.75, 0.5), _ceil_to(ref_load[:, i], 0.5))
        cap_rows.append(pd.DataFrame({"role": roles[dip], "month": horizon[i], "fte": low[dip]}))
    capacity = pd.concat(cap_rows, ignore_index=True)

    # --- budget per quarter: ~60% of the all-in cost, never below the reference spend ---------
    quarters = sorted({f"{m[:4]}-Q{(int(m[5:]) - 1) // 3 + 1}" for m in horizon})
    q_of_month = np.array(
        [quarters.index(f"{m[:4]}-Q{(int(m[5:]) - 1) // 3 + 1}") for m in horizon]
    )
    per_month = spend.sum() / T
    q_months = np.bincount(q_of_month, minlength=len(quarters))
    q_ref = np.bincount(q_of_month, weights=ref_spend, minlength=len(quarters))
    q_budget = per_month * q_months * rng.uniform(0.5, 0.7, len(quarters))
    q_budget = np.maximum(_round_to(q_budget, 10_000), _ceil_to(q_ref * 1.02, 10_000))
    budget = pd.DataFrame({"period": quarters, "amount": q_budget})

    # --- dependencies: from a proposed project to a lower-numbered one (acyclic) --------------
    pairs: list[pd.DataFrame] = []
    taken: set[tuple[int, int]] = set()
    for kind, fraction in (("finish_to_start", 0.06), ("requires", 0.04), ("excludes", 0.02)):
        want = max(1, round(fraction * n))
        cand_a = rng.integers(1, n, 4 * want)
        cand_b = (rng.random(4 * want) * cand_a).astype(int)
        ok = is_proposed[cand_a]
        if kind == "finish_to_start":
            # A can still fit after B's earliest finish
            ok &= earliest[cand_b] + duration[cand_b] + duration[cand_a] - 1 <= latest[cand_a]
        if kind == "excludes":
            ok &= is_proposed[cand_b]
        chosen = []
        for x, y in zip(cand_a[ok].tolist(), cand_b[ok].tolist(), strict=True):
            if (x, y) not in taken and len(chosen) < want:
                taken.add((x, y))
                chosen.append((x, y))
        if chosen:
            c = np.array(chosen)
            pairs.append(pd.DataFrame({"project_id": ids[c[:, 0]], "depends_on": ids[c[:, 1]]}))
            pairs[-1]["kind"] = kind
    dependencies = pd.concat(pairs, ignore_index=True)

    # --- scores: correlated with benefit per cost, plus noise ---------------------------------
    quality = np.argsort(np.argsort(roi)) / max(n - 1, 1)  # 0..1 rank of return
    crit = pd.DataFrame(_CRITERIA, columns=["criterion", "weight", "direction"])
    raw = quality[:, None] * 6 + rng.normal(0, 2.0, (n, len(_CRITERIA))) + 2.5
    raw[:, -1] = rng.normal(5.5, 2.0, n) + duration / 6  # complexity grows with length
    score = np.clip(np.round(raw), 1, 10)
    scores = pd.DataFrame(
        {
            "project_id": np.repeat(ids, len(_CRITERIA)),
            "criterion": np.tile(crit["criterion"].to_numpy(), n),
            "score": score.ravel(),
        }
    )

    month_arr = np.array(horizon, dtype=object)
    projects = pd.DataFrame(
        {
            "project_id": ids,
            "name": [
                f"{_WORDS_A[i]} {_WORDS_B[j]}"
                for i, j in zip(
                    rng.integers(0, len(_WORDS_A), n),
                    rng.integers(0, len(_WORDS_B), n),
                    strict=True,
                )
            ],
            "category": np.array(_CATEGORIES, dtype=object)[
                rng.choice(len(_CATEGORIES), n, p=[0.35, 0.3, 0.2, 0.15])
            ],
            "status": status,
            "duration": duration,
            "earliest_start": np.where(has_es, month_arr[earliest], ""),
            "deadline": np.where(has_dl, month_arr[latest], ""),
            "cost": cost,
            "benefit": benefit,
            "risk": np.round(rng.uniform(1, 5, n), 1),
            "cost_of_delay": _round_to(benefit / T * rng.uniform(0.5, 2.0, n), 100),
            "benefit_low": _round_to(benefit * rng.uniform(0.5, 0.9, n), 1_000),
            "benefit_high": _round_to(benefit * rng.uniform(1.1, 1.6, n), 1_000),
            "cost_low": np.where(has_cost, _round_to(cost * 0.9, 1_000), np.nan),
            "cost_high": np.where(
                has_cost, _round_to(cost * rng.uniform(1.1, 1.5, n), 1_000), np.nan
            ),
        }
    )
    demand = pd.DataFrame(
        {
            "project_id": ids[d_project],
            "role": roles[d_role],
            "month_offset": d_offset,
            "fte": d_fte,
        }
    )
    role_table = pd.DataFrame(
        {
            "role": roles,
            "cost_per_fte_month": rate,
            "hire_cost_per_fte_month": _round_to(rate * 1.4, 100),
            "max_hire_fte": _round_to(flat * 0.2, 0.5),
        }
    )
    tables = {
        "projects": projects.sort_values("project_id"),
        "demand": demand.sort_values(["project_id", "role", "month_offset"]),
        "capacity": capacity.sort_values(["role", "month"]),
        "roles": role_table.sort_values("role"),
        "budget": budget.sort_values("period"),
        "dependencies": dependencies.sort_values(["project_id", "depends_on", "kind"]),
        "criteria": crit.sort_values("criterion"),
        "scores": scores.sort_values(["project_id", "criterion"]),
    }
    tables = {name: t.reset_index(drop=True) for name, t in tables.items()}
    scenario = {
        "name": f"{key}-seed{seed}",
        "description": f"generated portfolio {key} (seed {seed}): {n} projects, {T} months, "
        f"{R} roles",
        "objective": "value",
        "horizon_start": HORIZON_START,
        "horizon_months": T,
    }
    reference = {ids[i]: horizon[start[i]] for i in np.flatnonzero(fixed)}
    return Generated(tables, scenario, reference)


def generate_portfolio(size: str, seed: int, folder: str | Path) -> Path:
    """Write a generated portfolio (CSV tables and ``scenario.yaml``) into ``folder``.

    Parameters
    ----------
    size
        ``S`` (60 projects x 24 months x 8 roles), ``M`` (250 x 36 x 15), ``L`` (1,000 x 36 x
        30) or ``XL`` (3,000 x 48 x 50).
    seed
        The same size and seed give byte-identical files.
    folder
        Created if missing; its portfolio tables are replaced.

    Returns
    -------
    Path
        ``folder``, ready for ``pmo_opt.inputs.load.load_portfolio`` and ``pmo-opt plan``.
    """
    generated = build_tables(size, seed)
    out = write_tables(folder, generated.tables)
    (out / "scenario.yaml").write_text(
        yaml.safe_dump(generated.scenario, sort_keys=False), encoding="utf-8"
    )
    return out


def main(argv: list[str] | None = None) -> int:
    """Command line: ``--size S|M|L|XL|all --seed N [--out DIR]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="S", help="S, M, L, XL or all (default S)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--out",
        type=Path,
        help=f"output folder (default {OUT_DIR.relative_to(ROOT)}/<size>-<seed>; "
        "with --size all, the parent of one folder per size)",
    )
    args = parser.parse_args(argv)
    sizes = list(SIZES) if args.size.lower() == "all" else [args.size.upper()]
    for size in sizes:
        if size not in SIZES:
            parser.error(f"--size must be one of {', '.join(SIZES)} or all, got {args.size!r}")
        if args.out is None:
            folder = OUT_DIR / f"{size}-{args.seed}"
        elif len(sizes) > 1:
            folder = args.out / f"{size}-{args.seed}"
        else:
            folder = args.out
        t0 = time.perf_counter()
        generate_portfolio(size, args.seed, folder)
        print(f"{size}: {folder} ({time.perf_counter() - t0:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
