"""Best-known values for the generated portfolios: long runs of every engine, chained.

    python benchmarks/best_known.py --sizes S M L --seeds 1 2 3 --seconds 120

For each (size, seed) the stages run one after the other, each starting from the best plan so
far, and every plan is re-checked by ``check_plan`` before it may count:

1. ``highs``: HiGHS's neighbourhood search, counted as under the default settings (its share
   of the stage's seconds in simplex iterations, not capped at a few seconds as the default
   caps it on small portfolios), with no MIP search after it: HiGHS 1.16's MIP search on the
   generated M can overrun its time limit by more than 20 minutes (in the presolve of a sub-MIP
   of its root heuristics, where the clock is not read);
2. ``cpsat``, free-running on two workers (not the default's deterministic interleaving),
   hinted with the best plan so far;
3. ``highs`` again, from the best plan and another seed.

A value better than ``results/best_known.csv`` replaces it there, with the stage that found
it, its seconds, the date and the commit; the plan's starts go to
``results/best_plans/<size>-<seed>.csv`` so that anyone can re-check it. Values only rise.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import BEST_KNOWN, BEST_KNOWN_FIELDS, RESULTS, _commit, best_known  # noqa: E402

PLANS = RESULTS / "best_plans"
STAGES = (("highs", 0), ("cpsat", 0), ("highs", 1))
SHORT_STAGES = STAGES[:2]  # --short: L, where CP-SAT adds nothing and time is dear


def run_case(size: str, seed: int, seconds: float, stages=STAGES) -> list[dict]:
    """The chained stages on one generated portfolio: one row per stage."""
    from generate import generate_portfolio

    import pmo_opt.engine.milp as milp
    from pmo_opt.engine.check import check_plan
    from pmo_opt.engine.cpsat import optimise_cpsat
    from pmo_opt.inputs.load import load_portfolio
    from pmo_opt.inputs.scenario import Scenario

    milp.LNS_SMALL_SECONDS = seconds  # a long run: the search may use its whole share
    with tempfile.TemporaryDirectory() as tmp:
        generate_portfolio(size, seed, tmp)
        portfolio = load_portfolio(tmp)
    best, rows = None, []
    for engine, search_seed in stages:
        scenario = Scenario(
            name=f"best-{size}-{seed}",
            time_limit_s=seconds,
            mip_gap=0.0,
            solver=engine,
            threads=2,
            seed=search_seed,
        )
        t0 = time.perf_counter()
        if engine == "cpsat":
            plan = optimise_cpsat(portfolio, scenario, warm_start=best)
        else:
            plan = milp.optimise_milp(portfolio, scenario, best, deterministic=True)
        wall = time.perf_counter() - t0
        violations = check_plan(portfolio, scenario, plan) if plan.has_solution else ["none"]
        row = {
            "size": size,
            "seed": seed,
            "stage": f"{engine} (seed {search_seed})",
            "seconds": seconds,
            "wall_seconds": round(wall, 1),
            "status": plan.status,
            "value": round(plan.total_value, 2) if plan.has_solution else None,
            "bound": None if plan.bound is None else round(abs(plan.bound), 2),
            "violations": len(violations),
        }
        rows.append(row)
        print(json.dumps(row), flush=True)
        if not violations and (best is None or plan.total_value > best.total_value + 1e-6):
            best = plan
    if best is not None:
        record(size, seed, best, rows, seconds)
    return rows


def record(size: str, seed: int, plan, rows: list[dict], seconds: float) -> None:
    """Raise ``best_known.csv`` (and keep the plan) when ``plan`` beats the recorded value."""
    table = best_known()
    old = table.get((size, seed))
    value = round(plan.total_value, 2)
    if old is not None and value <= float(old["best_known"]) + 1e-6:
        return
    stage = next(r["stage"] for r in rows if r["value"] == value)
    table[(size, seed)] = {
        "size": size,
        "seed": seed,
        "best_known": value,
        "engine": f"best_known.py: {stage}, chained after the earlier stages",
        "time_limit_s": seconds,
        "date": time.strftime("%Y-%m-%d"),
        "commit": _commit(),
    }
    order = {"S": 0, "M": 1, "L": 2, "XL": 3}
    with BEST_KNOWN.open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=BEST_KNOWN_FIELDS)
        w.writeheader()
        for key in sorted(table, key=lambda k: (order.get(k[0], 9), int(k[1]))):
            w.writerow({k: table[key][k] for k in BEST_KNOWN_FIELDS})
    PLANS.mkdir(parents=True, exist_ok=True)
    starts = plan.projects.loc[plan.projects["selected"], ["start"]].sort_index()
    starts.to_csv(PLANS / f"{size}-{seed}.csv", index_label="project_id")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["S", "M", "L"])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--seconds", type=float, default=120.0, help="per stage")
    parser.add_argument("--short", action="store_true", help="only the first two stages")
    args = parser.parse_args(argv)
    out = RESULTS / "best_known_runs.csv"
    for size in args.sizes:
        for seed in args.seeds:
            rows = run_case(size, seed, args.seconds, SHORT_STAGES if args.short else STAGES)
            new = not out.exists()
            with out.open("a", newline="") as f:
                w = csv.DictWriter(f, fieldnames=list(rows[0]) + ["date"])
                if new:
                    w.writeheader()
                for r in rows:
                    w.writerow({**r, "date": time.strftime("%Y-%m-%d")})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
