"""`make bench`: timings at four portfolio sizes and the standard OR instances, written as CSV.

    python benchmarks/run.py                       # everything (about 45 minutes on 2 cores)
    python benchmarks/run.py --suite scale --sizes S M
    python benchmarks/run.py --suite standard --engines highs cpsat auto
    PMO_OPT_BENCHDATA=../shared/benchdata python benchmarks/run.py --suite psplib --limit 10

Each scale case runs in its own process so that peak memory (``ru_maxrss``) is that case's alone.
Results go to ``benchmarks/results/scale.csv`` and ``benchmarks/results/standard.csv``; every
scale row carries ``best_known`` (from ``results/best_known.csv``) and ``ratio`` (value / best
known), and a scale run that beats a best-known value raises it there (with engine, time limit,
date and commit). ``--suite psplib`` writes ``results/psplib.csv``: pmo-opt's default settings
beside plain CP-SAT (``cpsat_plain.py``) on each PSPLIB instance, same time and workers.

    python benchmarks/run.py --suite scale --sizes S --seeds 1 2 3 --scale-engine auto --scale-limit 60
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"

#: size -> (time limit s, mip gap target) from issue 8's targets
SCALE_TARGETS = {"S": (5, 1e-4), "M": (60, 0.005), "L": (120, 0.01), "XL": (300, 0.03)}
#: the best value any engine has found per generated portfolio (size, seed); see best_known()
BEST_KNOWN = RESULTS / "best_known.csv"
BEST_KNOWN_FIELDS = ["size", "seed", "best_known", "engine", "time_limit_s", "date", "commit"]


def best_known() -> dict[tuple[str, int], dict]:
    """(size, seed) -> the row of ``results/best_known.csv`` (value in ``best_known``)."""
    if not BEST_KNOWN.exists():
        return {}
    with BEST_KNOWN.open(newline="") as f:
        return {(r["size"], int(r["seed"])): r for r in csv.DictReader(f)}


def _commit() -> str:
    out = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=HERE
    )
    return out.stdout.strip() or "unknown"


def record_best(rows: list[dict]) -> None:
    """Raise ``best_known.csv`` wherever a scale row found a better plan (that passed the
    checker); the row says how it was found (engine, time limit, date, commit)."""
    table = best_known()
    changed = False
    for r in rows:
        if r["check_plan_violations"] or r["status"] not in ("optimal", "feasible"):
            continue
        key = (str(r["size"]), int(r["seed"]))
        old = table.get(key)
        if old is None or float(r["value"]) > float(old["best_known"]) + 1e-6:
            table[key] = {
                "size": key[0],
                "seed": key[1],
                "best_known": r["value"],
                "engine": f"default ({r['solver']})" if r["engine"] == "default" else r["solver"],
                "time_limit_s": r["time_limit_s"],
                "date": time.strftime("%Y-%m-%d", time.gmtime()),
                "commit": _commit(),
            }
            changed = True
    if changed:
        ordered = sorted(table.values(), key=lambda r: (SIZE_ORDER[r["size"]], int(r["seed"])))
        BEST_KNOWN.parent.mkdir(parents=True, exist_ok=True)
        with BEST_KNOWN.open("w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=BEST_KNOWN_FIELDS)
            writer.writeheader()
            writer.writerows(ordered)
        print(f"written: {BEST_KNOWN}")


SIZE_ORDER = {"S": 0, "M": 1, "L": 2, "XL": 3}


def run_scale_case(size: str, seed: int, engine: str, limit: float | None = None) -> dict:
    """Generate, load, optimise and compare with rank-and-fill; one size, in this process."""
    sys.path.insert(0, str(HERE))
    from generate import generate_portfolio

    from pmo_opt.engine.check import check_plan
    from pmo_opt.engine.optimise import optimise
    from pmo_opt.engine.rank_fill import rank_and_fill
    from pmo_opt.inputs.load import load_portfolio
    from pmo_opt.inputs.scenario import Scenario

    target_limit, gap = SCALE_TARGETS[size]
    limit = limit or target_limit
    limit = int(limit) if float(limit).is_integer() else limit
    with tempfile.TemporaryDirectory() as tmp:
        generate_portfolio(size, seed, tmp)
        t0 = time.perf_counter()
        portfolio = load_portfolio(tmp)
        load_s = time.perf_counter() - t0
    scenario = Scenario(name=f"bench-{size}", time_limit_s=limit, mip_gap=gap, solver=engine)
    t0 = time.perf_counter()
    plan = optimise(portfolio, scenario)
    wall = time.perf_counter() - t0
    base = rank_and_fill(portfolio, scenario)
    violations = check_plan(portfolio, scenario, plan) if plan.has_solution else []
    search = plan.details.get("search") or {}
    known = best_known().get((size, seed))
    best = float(known["best_known"]) if known else None
    return {
        "size": size,
        "seed": seed,
        "engine": engine,
        "projects": len(portfolio.projects),
        "roles": len(portfolio.role_names),
        "months": len(plan.horizon),
        "time_limit_s": limit,
        "gap_target": gap,
        "load_seconds": round(load_s, 2),
        "build_seconds": round(plan.build_seconds, 2),
        "solve_seconds": round(plan.solve_seconds, 2),
        "wall_seconds": round(wall, 2),
        "build_share": round(plan.build_seconds / wall, 3) if wall else None,
        "status": plan.status,
        "gap": None if plan.gap is None else round(plan.gap, 5),
        "solver": plan.solver,
        "value": round(plan.total_value, 2),
        "best_known": best,
        "ratio": round(plan.total_value / best, 5) if best else None,
        "rank_and_fill_value": round(base.total_value, 2),
        "gain_over_rank_and_fill": (
            round(plan.total_value / base.total_value - 1, 4) if base.total_value else None
        ),
        "check_plan_violations": len(violations),
        "search_slices": search.get("slices"),
        "search_improved": search.get("improved"),
        "relaxation_seconds": search.get("lp_seconds"),
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def run_standard(engines: list[str], limit_s: float) -> list[dict]:
    """Petersen (7), Chu-Beasley 5x100 (30) and PSPLIB j30 (10) through the public interface."""
    from pmo_opt.engine.check import check_plan
    from pmo_opt.engine.optimise import optimise
    from pmo_opt.inputs.instances import (
        KNAPSACK_DIR,
        RCPSP_DIR,
        mknap_to_portfolio,
        rcpsp_to_portfolio,
        read_orlib_mknap,
        read_psplib_sm,
        read_rcpsp_optimum,
    )
    from pmo_opt.inputs.load import load_portfolio

    rows = []
    cases = []
    for file in ("mknap1.txt", "mknapcb1.txt"):
        for inst in read_orlib_mknap(KNAPSACK_DIR / file):
            cases.append(("knapsack", inst.name, inst.best_known, mknap_to_portfolio, inst))
    optima = read_rcpsp_optimum()
    for path in sorted(RCPSP_DIR.glob("*.sm"), key=lambda p: int(p.stem.split("_")[1])):
        inst = read_psplib_sm(path, optima.get(path.stem))
        cases.append(("rcpsp", path.stem, optima.get(path.stem), rcpsp_to_portfolio, inst))
    for family, name, known, convert, inst in cases:
        with tempfile.TemporaryDirectory() as tmp:
            scenario = convert(inst, tmp)
            portfolio = load_portfolio(tmp)
        for engine in engines:
            sc = scenario.replace(solver=engine, time_limit_s=limit_s)
            t0 = time.perf_counter()
            plan = optimise(portfolio, sc)
            wall = time.perf_counter() - t0
            value = plan.objective if plan.has_solution else None
            if known and value is not None:
                off = (value - known) / known if family == "rcpsp" else (known - value) / known
            else:
                off = None
            rows.append(
                {
                    "family": family,
                    "instance": name,
                    "engine": engine,
                    "time_limit_s": limit_s,
                    "status": plan.status,
                    "objective": value,
                    "best_known": known,
                    "off_best_known": None if off is None else round(off, 6),
                    "wall_seconds": round(wall, 2),
                    "check_plan_violations": len(check_plan(portfolio, sc, plan))
                    if plan.has_solution
                    else None,
                }
            )
            print(json.dumps(rows[-1]), flush=True)
    return rows


def psplib_cases() -> list[tuple[str, Path, int | None]]:
    """(set, .sm file, optimum or best-known makespan): the vendored j301 and, from
    ``$PMO_OPT_BENCHDATA``, the harder j30 and the j60 instances."""
    from pmo_opt.inputs.instances import RCPSP_DIR, read_rcpsp_optimum
    from pmo_opt.paths import benchdata_dir

    cases = []
    known = read_rcpsp_optimum()
    for path in sorted(RCPSP_DIR.glob("j301_*.sm"), key=lambda p: int(p.stem.split("_")[1])):
        cases.append(("j301", path, known.get(path.stem)))
    extra = benchdata_dir() / "rcpsp"
    if extra.resolve() != RCPSP_DIR.resolve():
        hard = read_rcpsp_optimum(extra / "j30-hard-optimal.csv")
        for name in hard:
            cases.append(("j30-hard", extra / f"{name}.sm", hard[name]))
        bounds = extra / "j60-bounds.csv"
        if bounds.exists():
            with bounds.open(newline="") as f:
                for row in csv.DictReader(f):
                    path = extra / f"{row['instance']}.sm"
                    cases.append(("j60", path, int(row["best_known_makespan"])))
    return cases


def run_psplib(limit_s: float, sets: list[str] | None = None) -> list[dict]:
    """Each PSPLIB instance solved by pmo-opt's default settings (``solver`` left as the
    scenario file has it) and by plain CP-SAT (``cpsat_plain.py``), same time and workers."""
    sys.path.insert(0, str(HERE))
    from cpsat_plain import solve_plain

    from pmo_opt.engine.check import check_plan
    from pmo_opt.engine.optimise import optimise
    from pmo_opt.inputs.instances import rcpsp_to_portfolio, read_psplib_sm
    from pmo_opt.inputs.load import load_portfolio

    rows = []
    for family, path, known in psplib_cases():
        if sets and family not in sets:
            continue
        inst = read_psplib_sm(path, known)
        with tempfile.TemporaryDirectory() as tmp:
            scenario = rcpsp_to_portfolio(inst, tmp)
            portfolio = load_portfolio(tmp)
        sc = scenario.replace(time_limit_s=limit_s)
        workers = sc.solver_threads
        t0 = time.perf_counter()
        plan = optimise(portfolio, sc)
        wall = time.perf_counter() - t0
        ours = {
            "status": plan.status,
            "objective": round(plan.objective) if plan.has_solution else None,
            "bound": None if plan.bound is None else round(plan.bound, 2),
            "wall_seconds": round(wall, 2),
            "solver": plan.solver,
            "work_used": plan.details.get("work_used"),
            "check_plan_violations": len(check_plan(portfolio, sc, plan))
            if plan.has_solution
            else None,
        }
        plain = {**solve_plain(inst, limit_s, workers), "solver": "cpsat-plain"}
        for engine, r in (("pmo-opt default", ours), ("cpsat plain", plain)):
            value = r["objective"]
            rows.append(
                {
                    "set": family,
                    "instance": path.stem,
                    "engine": engine,
                    "solver": r["solver"],
                    "workers": workers,
                    "time_limit_s": limit_s,
                    "status": r["status"],
                    "makespan": value,
                    "bound": r["bound"],
                    "best_known": known,
                    "off_best_known": None
                    if value is None or not known
                    else round((value - known) / known, 4),
                    "wall_seconds": r["wall_seconds"],
                    "work_used": r.get("work_used"),
                    "check_plan_violations": r.get("check_plan_violations"),
                }
            )
            print(json.dumps(rows[-1]), flush=True)
    return rows


def write(rows: list[dict], path: Path, key: tuple[str, ...] = ()) -> None:
    """Write ``rows`` as CSV; with ``key``, rows already in the file with another key stay."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if key and path.exists():
        with path.open(newline="") as f:
            old = list(csv.DictReader(f))
        new_keys = {tuple(str(r[k]) for k in key) for r in rows}
        kept = [r for r in old if tuple(r[k] for k in key) not in new_keys]
        rows = sorted(
            [*kept, *rows], key=lambda r: (SIZE_ORDER.get(str(r["size"]), 9), str(r["engine"]))
        )
    if path.name == "scale.csv":  # every scale result against today's best-known value
        table = best_known()
        for r in rows:
            known = table.get((str(r["size"]), int(r["seed"])))
            best = float(known["best_known"]) if known else None
            r["best_known"] = best
            r["ratio"] = round(float(r["value"]) / best, 5) if best else None
    fields = list(dict.fromkeys(k for r in rows for k in r))
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, restval="")
        writer.writeheader()
        writer.writerows(rows)
    print(f"written: {path}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", choices=["scale", "standard", "psplib", "all"], default="all")
    parser.add_argument("--sizes", nargs="+", default=list(SCALE_TARGETS))
    parser.add_argument("--engines", nargs="+", default=["highs", "cpsat", "auto"])
    parser.add_argument("--scale-engine", default="default")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seeds", type=int, nargs="+", help="scale: several seeds")
    parser.add_argument("--scale-limit", type=float, help="scale: seconds instead of the target")
    parser.add_argument("--limit", type=float, default=10.0, help="seconds per standard instance")
    parser.add_argument("--sets", nargs="+", help="psplib: only these sets (j301 j30-hard j60)")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: one scale case, JSON out
    args = parser.parse_args(argv)
    if args.one:
        row = run_scale_case(args.one, args.seed, args.scale_engine, args.scale_limit)
        print(json.dumps(row))
        return 0
    if args.suite in ("scale", "all"):
        rows = []
        for size in args.sizes:
            for seed in args.seeds or [args.seed]:
                command = [sys.executable, __file__, "--one", size, "--seed", str(seed)]
                command += ["--scale-engine", args.scale_engine]
                if args.scale_limit:
                    command += ["--scale-limit", str(args.scale_limit)]
                out = subprocess.run(command, capture_output=True, text=True, check=False)
                if out.returncode:
                    print(out.stderr[-2000:], file=sys.stderr)
                    continue
                rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
                print(json.dumps(rows[-1]), flush=True)
        if rows:
            record_best(rows)
            write(rows, RESULTS / "scale.csv", key=("size", "seed", "engine", "time_limit_s"))
    if args.suite in ("standard", "all"):
        write(run_standard(args.engines, args.limit), RESULTS / "standard.csv")
    if args.suite in ("psplib", "all"):
        rows = run_psplib(args.limit, args.sets)
        path = RESULTS / "psplib.csv"
        if args.sets and path.exists():  # rows of the sets not rerun stay
            with path.open(newline="") as f:
                rows = [r for r in csv.DictReader(f) if r["set"] not in args.sets] + rows
        write(rows, path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
