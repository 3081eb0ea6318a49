"""Does a stronger relaxation move the proven bound? (issue 15, item 5)

    python benchmarks/bounds.py --sizes S M --seeds 1 --nodes 1 1000

For each generated portfolio the MILP is built as the engine builds it, then bounded by HiGHS
in several forms, each stopped by a node count (not the clock, so the numbers repeat):

- ``lp``: the plain LP relaxation;
- ``aggregated``: the neighbourhood search's relaxation (each role's capacity rows summed);
- ``mip``: HiGHS's own bound after ``--nodes`` branch-and-bound nodes (root cuts included);
- ``mip+energy W``: the same with per-role energy rows added for windows of ``W`` months
  (the capacity rows of a role summed over each window, and over the horizon): sums of valid
  rows, so no plan is cut off, but rows HiGHS can derive knapsack cover and MIR cuts from.

Rows are appended to ``results/bounds.csv`` as they come: the bound (in the objective's units, higher is weaker), the
best-known value, the proven gap it gives, and the seconds it took.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import tempfile
import time
from pathlib import Path

import highspy
import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

from run import RESULTS, best_known  # noqa: E402

CAPACITY_ROW = re.compile(r"capacity_(.+)_(\d+)$")
FIELDS = [
    "size",
    "seed",
    "relaxation",
    "nodes",
    "rows_added",
    "bound",
    "best_known",
    "proven_gap",
    "seconds",
]


def built(size: str, seed: int):
    """The generated portfolio's MILP in a HiGHS object (minimising), as the engine builds it."""
    from builders import built_milp
    from generate import generate_portfolio

    from pmo_opt.inputs.load import load_portfolio
    from pmo_opt.inputs.scenario import load_scenario

    with tempfile.TemporaryDirectory() as tmp:
        folder = generate_portfolio(size, seed, tmp)
        portfolio = load_portfolio(folder)
        scenario = load_scenario(Path(folder) / "scenario.yaml")
    model, highs, _ = built_milp(portfolio, scenario)
    names = [c.name for c in model.problem.constraints()]
    return highs, names


def energy_rows(highs: highspy.Highs, names: list[str], window: int) -> int:
    """Add, per role, the sum of its capacity rows over each ``window`` months and over the
    whole horizon; returns how many rows were added."""
    lp = highs.getLp()
    a = lp.a_matrix_
    start, index, value = np.array(a.start_), np.array(a.index_), np.array(a.value_)
    cols = np.repeat(np.arange(lp.num_col_), np.diff(start))  # column-wise matrix
    groups: dict[tuple[str, str], list[int]] = {}
    for i, name in enumerate(names):
        found = CAPACITY_ROW.match(name)
        if found:
            role, month = found.group(1), int(found.group(2))
            groups.setdefault((role, f"w{month // window}"), []).append(i)
            groups.setdefault((role, "all"), []).append(i)
    upper = np.array(lp.row_upper_)
    added = 0
    for rows in groups.values():
        if len(rows) < 2:
            continue
        mask = np.isin(index, rows)
        summed = np.bincount(cols[mask], weights=value[mask], minlength=lp.num_col_)
        nz = np.flatnonzero(np.abs(summed) > 1e-12)
        highs.addRow(-highspy.kHighsInf, float(upper[rows].sum()), len(nz), nz, summed[nz])
        added += 1
    return added


def bound_of(highs: highspy.Highs, nodes: int | None) -> tuple[float, float]:
    """(HiGHS's bound, seconds): the LP relaxation when ``nodes`` is None."""
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.passModel(highs.getModel())
    if nodes is None:
        n = h.getLp().num_col_
        h.changeColsIntegrality(
            n, np.arange(n, dtype=np.int32), np.full(n, highspy.HighsVarType.kContinuous)
        )
    else:
        h.setOptionValue("mip_max_nodes", int(nodes))
    t0 = time.perf_counter()
    h.run()
    seconds = time.perf_counter() - t0
    info = h.getInfo()
    raw = info.objective_function_value if nodes is None else info.mip_dual_bound
    return -raw, seconds  # pulp hands HiGHS the negated objective


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["S"])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1])
    parser.add_argument("--nodes", type=int, nargs="+", default=[1])
    parser.add_argument("--windows", type=int, nargs="+", default=[12, 6, 3])
    args = parser.parse_args(argv)
    from pmo_opt.engine.lns import _Columns, aggregated_bound, row_groups

    out = RESULTS / "bounds.csv"
    for size in args.sizes:
        for seed in args.seeds:
            known = best_known().get((size, seed))
            best = float(known["best_known"]) if known else None
            highs, names = built(size, seed)
            cases = [("lp", None, None)]
            cases += [("mip", n, None) for n in args.nodes]
            cases += [(f"mip+energy {w}", n, w) for w in args.windows for n in args.nodes]
            t0 = time.perf_counter()
            agg, _ = aggregated_bound(_Columns(highs.getLp()), row_groups(names), 600)
            results = [("aggregated", None, -agg, time.perf_counter() - t0, 0)]
            for label, nodes, window in cases:
                h = highspy.Highs()
                h.setOptionValue("output_flag", False)
                h.passModel(highs.getModel())
                added = energy_rows(h, names, window) if window else 0
                bound, seconds = bound_of(h, nodes)
                results.append((label, nodes, bound, seconds, added))
            new = not out.exists()
            for label, nodes, bound, seconds, added in results:
                row = {
                    "size": size,
                    "seed": seed,
                    "relaxation": label,
                    "nodes": nodes,
                    "rows_added": added,
                    "bound": round(bound, 2),
                    "best_known": best,
                    "proven_gap": round(bound / best - 1, 4) if best else None,
                    "seconds": round(seconds, 2),
                }
                print(json.dumps(row), flush=True)
                with out.open("a", newline="") as f:  # per row: a long run keeps what it found
                    w = csv.DictWriter(f, fieldnames=FIELDS)
                    if new:
                        w.writeheader()
                        new = False
                    w.writerow(row)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
