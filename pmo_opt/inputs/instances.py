"""Standard benchmark instances: OR-Library knapsack and PSPLIB RCPSP files as portfolio folders.

Two public families test the engine against proven optima through the ordinary interface:

- the **multidimensional 0-1 knapsack** (OR-Library ``mknap`` files) is project selection under
  several resource limits: one month, every item a proposed project of duration 1 whose
  ``benefit`` is the profit, one role ``R1`` .. ``Rm`` per constraint whose capacity is the
  constraint's right-hand side and whose demand per item is the item's weight; objective
  ``benefit``.
- the **resource-constrained project scheduling problem** (PSPLIB single-mode ``.sm`` files) is
  scheduling committed work: every job of positive duration a ``committed`` project (one PSPLIB
  period = one month), one role per renewable resource with flat capacity and flat demand,
  ``finish_to_start`` dependencies from the precedence relations; objective ``makespan``. Jobs of
  duration 0 (the dummy source and sink, and any other) occupy no period and use nothing, so they
  are dropped and the precedence is carried through them: a predecessor of a zero-duration job
  becomes a predecessor of its successors, which leaves every feasible schedule and the makespan
  unchanged (our format has no project of duration 0).

Readers raise :class:`~pmo_opt.errors.InputError` naming the file and what was expected. Converters
write a portfolio folder that :func:`pmo_opt.inputs.load.load_portfolio` accepts, plus ``scenario.yaml``
beside the tables, and return that :class:`~pmo_opt.inputs.scenario.Scenario`.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from pmo_opt.errors import InputError, Problem
from pmo_opt.inputs import months
from pmo_opt.inputs.scenario import Scenario, load_scenario
from pmo_opt.inputs.tables import TABLES
from pmo_opt.paths import INSTANCES_DIR

#: First month of every converted benchmark portfolio (any month would do).
BENCH_START = "2030-01"
#: File name of the scenario written beside a converted portfolio's tables.
SCENARIO_FILE = "scenario.yaml"

KNAPSACK_DIR = INSTANCES_DIR / "knapsack"
RCPSP_DIR = INSTANCES_DIR / "rcpsp"


# --------------------------------------------------------------------------------------------
# OR-Library multidimensional knapsack


@dataclass(frozen=True)
class MknapInstance:
    """One multidimensional 0-1 knapsack problem: maximise ``profits @ x`` s.t. ``weights @ x <=
    capacities``, ``x`` binary.

    Attributes
    ----------
    name : ``<file stem>-<kk>``, ``kk`` the 0-based position in the file (``mknapcb1-07``).
    profits : shape (n,).
    weights : shape (m, n), one row per constraint.
    capacities : shape (m,).
    optimum : the proven optimum from the problem's header, ``None`` when the header says 0.
    best_known : the best published value: ``optimum`` when known, else the value of the
        ``<file stem>-best-known.csv`` next to the file (row ``<m>.<n>-<kk>``), else ``None``.
    lp_bound : the LP-relaxation value from that CSV (an upper bound), or ``None``.
    """

    name: str
    profits: np.ndarray
    weights: np.ndarray
    capacities: np.ndarray
    optimum: float | None = None
    best_known: float | None = None
    lp_bound: float | None = None

    @property
    def n(self) -> int:
        """Number of items (projects)."""
        return int(self.profits.shape[0])

    @property
    def m(self) -> int:
        """Number of constraints (roles)."""
        return int(self.capacities.shape[0])


def _numbers(path: Path) -> list[str]:
    if not path.exists():
        raise InputError([Problem(str(path), None, None, "no such file")])
    return path.read_text(encoding="utf-8-sig").split()


def read_orlib_mknap(path: str | Path) -> list[MknapInstance]:
    """Read an OR-Library multidimensional knapsack file (``mknap1.txt``, ``mknapcb1.txt``, ...).

    Format: the number of problems; then per problem ``n m optimum``, the n profits, the m rows of
    n weights and the m capacities, all whitespace-separated over any number of lines; decimals
    are allowed anywhere but in ``n`` and ``m``.

    Parameters
    ----------
    path
        The file. When a ``<stem>-best-known.csv`` (columns ``problem``, ``best_known``,
        ``lp_relaxation``) lies next to it, its values fill ``best_known`` and ``lp_bound``.

    Returns
    -------
    list of MknapInstance
        In file order.
    """
    p = Path(path)
    tokens = _numbers(p)
    pos = 0

    def take(count: int, what: str) -> np.ndarray:
        nonlocal pos
        chunk = tokens[pos : pos + count]
        if len(chunk) < count:
            raise InputError(
                [
                    Problem(
                        p.name,
                        None,
                        None,
                        f"the file ends while reading {what}: expected {count} numbers, found "
                        f"{len(chunk)}; is it an OR-Library mknap file?",
                    )
                ]
            )
        try:
            values = np.array([float(t) for t in chunk], dtype=float)
        except ValueError:
            bad = next(t for t in chunk if not _is_number(t))
            raise InputError(
                [Problem(p.name, None, None, f"{bad!r} in {what} is not a number")]
            ) from None
        pos += count
        return values

    def take_int(what: str) -> int:
        value = float(take(1, what)[0])
        if not value.is_integer() or value < 0:
            raise InputError(
                [Problem(p.name, None, None, f"{what} must be a whole number, got {value:g}")]
            )
        return int(value)

    count = take_int("the number of problems")
    best = read_mknap_best_known(p.with_name(f"{p.stem}-best-known.csv"))
    out: list[MknapInstance] = []
    for k in range(count):
        label = f"problem {k} (0-based)"
        n = take_int(f"n of {label}")
        m = take_int(f"m of {label}")
        optimum = float(take(1, f"the optimum of {label}")[0])
        profits = take(n, f"the profits of {label}")
        weights = take(n * m, f"the weights of {label}").reshape(m, n)
        capacities = take(m, f"the capacities of {label}")
        known = best.get(f"{m}.{n}-{k:02d}", (None, None))
        opt = optimum if optimum != 0 else None
        out.append(
            MknapInstance(
                name=f"{p.stem}-{k:02d}",
                profits=profits,
                weights=weights,
                capacities=capacities,
                optimum=opt,
                best_known=opt if opt is not None else known[0],
                lp_bound=known[1],
            )
        )
    if pos != len(tokens):
        raise InputError(
            [
                Problem(
                    p.name,
                    None,
                    None,
                    f"{len(tokens) - pos} number(s) left after the {count} problem(s) the file "
                    "announces; the counts n, m or the number of problems are wrong",
                )
            ]
        )
    return out


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def read_mknap_best_known(path: str | Path) -> dict[str, tuple[float | None, float | None]]:
    """``problem`` -> (``best_known``, ``lp_relaxation``) from a best-known CSV; {} if absent."""
    p = Path(path)
    if not p.exists():
        return {}
    out: dict[str, tuple[float | None, float | None]] = {}
    with p.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            best = row.get("best_known", "").strip()
            lp = row.get("lp_relaxation", "").strip()
            out[row["problem"].strip()] = (
                float(best) if best else None,
                float(lp) if lp else None,
            )
    return out


# --------------------------------------------------------------------------------------------
# PSPLIB single-mode RCPSP


@dataclass(frozen=True)
class RcpspInstance:
    """One single-mode resource-constrained project scheduling problem (PSPLIB ``.sm``).

    Attributes
    ----------
    name : the file stem (``j301_1``).
    jobs : job numbers as in the file, 1-based, including the dummy source and sink.
    durations : shape (J,), periods per job.
    requests : shape (J, K), per-period demand of each job for each renewable resource.
    successors : per job (same order as ``jobs``), the job numbers that must wait for it.
    capacities : shape (K,), constant availability per renewable resource.
    resources : resource names, ``R1`` .. ``RK``.
    horizon : the file's horizon (an upper bound on the makespan), or ``None``.
    mpm_time : the file's critical-path length (``MPM-Time``), a lower bound, or ``None``.
    optimum : the proven optimal makespan when known (see :func:`read_rcpsp_optimum`).
    """

    name: str
    jobs: tuple[int, ...]
    durations: np.ndarray
    requests: np.ndarray
    successors: tuple[tuple[int, ...], ...]
    capacities: np.ndarray
    resources: tuple[str, ...]
    horizon: int | None = None
    mpm_time: int | None = None
    optimum: int | None = None

    @property
    def n_jobs(self) -> int:
        """Jobs including the dummy source and sink."""
        return len(self.jobs)

    def precedence(self) -> list[tuple[int, int]]:
        """Every (predecessor, successor) pair of the file."""
        return [(j, s) for j, succ in zip(self.jobs, self.successors, strict=True) for s in succ]


def _sections(text: str) -> dict[str, list[str]]:
    """PSPLIB files: blocks separated by lines of ``*``; keyed by the block's first line."""
    blocks: dict[str, list[str]] = {}
    current: list[str] = []
    for line in text.splitlines():
        if line.strip().startswith("***"):
            if current:
                blocks.setdefault(current[0].strip().rstrip(":").upper(), current)
            current = []
        elif line.strip():
            current.append(line)
    if current:
        blocks.setdefault(current[0].strip().rstrip(":").upper(), current)
    return blocks


def _data_rows(block: list[str]) -> list[str]:
    """The lines of a block that hold numbers (not its title, column header or dashes)."""
    return [line for line in block[1:] if line.split() and line.split()[0].isdigit()]


def _field(text: str, label: str) -> int | None:
    m = re.search(rf"^\s*{re.escape(label)}[^:\n]*:\s*(\d+)", text, flags=re.MULTILINE)
    return int(m.group(1)) if m else None


def read_psplib_sm(path: str | Path, optimum: int | None = None) -> RcpspInstance:
    """Read a PSPLIB single-mode RCPSP file (``.sm``: j30, j60, j90, j120).

    Parameters
    ----------
    path
        The ``.sm`` file.
    optimum
        The known optimal makespan; by default looked up in the ``<set>-optimal.csv`` next to the
        file (``j301-optimal.csv`` for ``j301_1.sm``) when there is one.

    Returns
    -------
    RcpspInstance
        Renewable resources only; non-renewable and doubly constrained resources cannot affect a
        single-mode schedule (every job runs in its one mode) and are not kept.
    """
    p = Path(path)
    if not p.exists():
        raise InputError([Problem(str(p), None, None, "no such file")])
    text = p.read_text(encoding="utf-8-sig", errors="replace")
    blocks = _sections(text)

    def fail(message: str) -> InputError:
        return InputError([Problem(p.name, None, None, message)])

    renewable = _field(text, "- renewable")
    n_jobs = _field(text, "jobs (incl. supersource/sink )")
    if renewable is None or n_jobs is None:
        raise fail(
            "no 'jobs (incl. supersource/sink )' or '- renewable' line: not a PSPLIB .sm file"
        )
    others = (_field(text, "- nonrenewable") or 0) + (_field(text, "- doubly constrained") or 0)

    prec = blocks.get("PRECEDENCE RELATIONS")
    req = blocks.get("REQUESTS/DURATIONS")
    avail = blocks.get("RESOURCEAVAILABILITIES")
    if prec is None or req is None or avail is None:
        raise fail(
            "missing section PRECEDENCE RELATIONS, REQUESTS/DURATIONS or "
            "RESOURCEAVAILABILITIES: not a PSPLIB .sm file"
        )

    successors: dict[int, tuple[int, ...]] = {}
    for line in _data_rows(prec):
        parts = [int(t) for t in line.split()]
        job, modes, count = parts[0], parts[1], parts[2]
        if modes != 1:
            raise fail(f"job {job} has {modes} modes; only single-mode (.sm) files are supported")
        succ = tuple(parts[3 : 3 + count])
        if len(succ) != count:
            raise fail(f"job {job} announces {count} successors but lists {len(succ)}")
        successors[job] = succ

    durations: dict[int, int] = {}
    requests: dict[int, list[int]] = {}
    for line in _data_rows(req):
        parts = [int(t) for t in line.split()]
        if len(parts) != 3 + renewable + others:
            raise fail(
                f"a REQUESTS/DURATIONS row has {len(parts)} fields, expected "
                f"{3 + renewable + others} (job, mode, duration and one per resource)"
            )
        durations[parts[0]] = parts[2]
        requests[parts[0]] = parts[3 : 3 + renewable]

    values = _data_rows(avail)
    caps = [int(t) for t in values[0].split()] if values else []
    if len(caps) < renewable:
        raise fail(f"RESOURCEAVAILABILITIES lists {len(caps)} values, expected {renewable}")

    jobs = tuple(sorted(durations))
    if len(jobs) != n_jobs or set(successors) != set(jobs):
        raise fail(
            f"the file announces {n_jobs} jobs; REQUESTS/DURATIONS has {len(jobs)} and "
            f"PRECEDENCE RELATIONS {len(successors)}"
        )
    unknown = sorted({s for succ in successors.values() for s in succ} - set(jobs))
    if unknown:
        raise fail(f"successors {unknown} are not jobs of the file")

    info = blocks.get("PROJECT INFORMATION")
    mpm = None
    rows = _data_rows(info) if info is not None else []
    if rows and len(rows[0].split()) >= 6:
        mpm = int(rows[0].split()[5])
    if optimum is None:
        optimum = read_rcpsp_optimum(p.with_name(f"{p.stem.split('_')[0]}-optimal.csv")).get(p.stem)
    return RcpspInstance(
        name=p.stem,
        jobs=jobs,
        durations=np.array([durations[j] for j in jobs], dtype=int),
        requests=np.array([requests[j] for j in jobs], dtype=int).reshape(len(jobs), renewable),
        successors=tuple(successors[j] for j in jobs),
        capacities=np.array(caps[:renewable], dtype=int),
        resources=tuple(f"R{k + 1}" for k in range(renewable)),
        horizon=_field(text, "horizon"),
        mpm_time=mpm,
        optimum=optimum,
    )


def read_rcpsp_optimum(path: str | Path | None = None) -> dict[str, int]:
    """Instance name (file stem) -> proven optimal makespan, from a CSV with columns
    ``instance`` (``j301_1.sm``) and ``optimal_makespan``; {} when the file does not exist.

    ``path`` defaults to the shipped ``rcpsp/j301-optimal.csv``.
    """
    p = Path(path) if path is not None else RCPSP_DIR / "j301-optimal.csv"
    if not p.exists():
        return {}
    out: dict[str, int] = {}
    with p.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            out[Path(row["instance"].strip()).stem] = int(row["optimal_makespan"])
    return out


# --------------------------------------------------------------------------------------------
# conversion to portfolio folders


def write_tables(folder: str | Path, tables: dict[str, pd.DataFrame]) -> Path:
    """Write ``<table>.csv`` files into ``folder`` (created), rows as given.

    Portfolio tables already in the folder that ``tables`` does not name are removed, so that a
    re-conversion into the same folder never mixes in a stale table.
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    for name in TABLES:
        stale = out / f"{name}.csv"
        if name not in tables and stale.exists():
            stale.unlink()
    for name, frame in tables.items():
        if name not in TABLES:
            raise ValueError(f"{name!r} is not a portfolio table ({', '.join(TABLES)})")
        frame.to_csv(out / f"{name}.csv", index=False, float_format="%.12g", lineterminator="\n")
    return out


def write_scenario(folder: str | Path, settings: dict) -> Scenario:
    """Write ``settings`` as ``folder/scenario.yaml`` and return it loaded (a checked round trip)."""
    path = Path(folder) / SCENARIO_FILE
    path.write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    return load_scenario(path)


def _ids(prefix: str, numbers: list[int] | np.ndarray) -> list[str]:
    """Zero-padded ids so that text order is number order (``I001`` .. ``I100``)."""
    values = [int(v) for v in numbers]
    width = len(str(max(values))) if values else 1
    return [f"{prefix}{v:0{width}d}" for v in values]


def mknap_to_portfolio(instance: MknapInstance, folder: str | Path) -> Scenario:
    """Write a knapsack problem as a one-month selection portfolio; return its scenario.

    Items become proposed projects ``I1`` .. ``In`` (zero-padded) of duration 1 with ``benefit`` =
    profit; constraint ``i`` becomes role ``R<i+1>`` with a flat capacity equal to its right-hand
    side and a demand of the item's weight (no row for a weight of 0). No budget. The scenario
    (``folder/scenario.yaml``) plans the single month ``2030-01`` for objective ``benefit`` with
    ``mip_gap`` 0, so an ``optimal`` plan is the proven optimum, not one within the default gap.
    """
    ids = _ids("I", range(1, instance.n + 1))
    roles = [f"R{i + 1}" for i in range(instance.m)]
    projects = pd.DataFrame(
        {
            "project_id": ids,
            "name": [f"item {i + 1}" for i in range(instance.n)],
            "duration": 1,
            "status": "proposed",
            "benefit": instance.profits,
        }
    )
    ri, ci = np.nonzero(instance.weights)
    demand = pd.DataFrame(
        {
            "project_id": np.asarray(ids, dtype=object)[ci],
            "role": np.asarray(roles, dtype=object)[ri],
            "fte": instance.weights[ri, ci],
        }
    ).sort_values(["project_id", "role"], kind="stable")
    capacity = pd.DataFrame({"role": roles, "fte": instance.capacities})
    write_tables(folder, {"projects": projects, "demand": demand, "capacity": capacity})
    return write_scenario(
        folder,
        {
            "name": instance.name,
            "description": f"OR-Library multidimensional knapsack {instance.name}: "
            f"{instance.n} items, {instance.m} constraints",
            "objective": "benefit",
            "horizon_start": BENCH_START,
            "horizon_months": 1,
            "mip_gap": 0.0,
        },
    )


def _bridged_successors(instance: RcpspInstance, keep: set[int]) -> dict[int, set[int]]:
    """Kept job -> kept jobs that must wait for it, following precedence through dropped jobs."""
    succ = dict(zip(instance.jobs, instance.successors, strict=True))
    memo: dict[int, set[int]] = {}

    def reach(job: int) -> set[int]:
        # kept jobs reachable from ``job`` along paths whose inner jobs are all dropped
        if job in memo:
            return memo[job]
        memo[job] = set()  # PSPLIB precedence is acyclic; this only guards bad files
        found: set[int] = set()
        for s in succ[job]:
            found |= {s} if s in keep else reach(s)
        memo[job] = found
        return found

    return {j: reach(j) for j in instance.jobs if j in keep}


def rcpsp_to_portfolio(
    instance: RcpspInstance, folder: str | Path, horizon_months: int | None = None
) -> Scenario:
    """Write an RCPSP instance as a portfolio of committed projects; return its scenario.

    Every job of positive duration becomes a ``committed`` project ``J<nr>`` (zero-padded) of that
    duration in months (one PSPLIB period = one month); resource ``Rk`` becomes role ``Rk`` with
    flat capacity, and a job's request becomes its flat FTE (no row for a request of 0);
    precedence becomes ``finish_to_start`` rows (``project_id`` waits for ``depends_on``).
    Jobs of duration 0, the dummy source and sink included, are dropped and the precedence is
    carried through them (see the module docstring). The scenario (``folder/scenario.yaml``)
    minimises the makespan over a horizon from ``2030-01`` of the summed durations, a valid upper
    bound (one job after another always fits when each request fits the capacity). The plan's
    makespan, latest finish month index + 1 from the horizon start, is the PSPLIB makespan.

    ``horizon_months`` replaces that bound, e.g. with the makespan of a heuristic schedule: a
    time-indexed model's size grows with the horizon (j301_1: 158 months summed, 49 from a
    serial schedule). Too short a horizon makes the scenario infeasible.
    """
    kept_mask = instance.durations > 0
    kept = [j for j, k in zip(instance.jobs, kept_mask, strict=True) if k]
    if not kept:
        raise InputError(
            [Problem(instance.name, None, "duration", "every job has duration 0: nothing to plan")]
        )
    ids = dict(zip(kept, _ids("J", kept), strict=True))
    durations = instance.durations[kept_mask]
    requests = instance.requests[kept_mask]
    projects = pd.DataFrame(
        {
            "project_id": [ids[j] for j in kept],
            "name": [f"job {j}" for j in kept],
            "duration": durations,
            "status": "committed",
        }
    )
    row, col = np.nonzero(requests)
    demand = pd.DataFrame(
        {
            "project_id": np.asarray([ids[j] for j in kept], dtype=object)[row],
            "role": np.asarray(instance.resources, dtype=object)[col],
            "fte": requests[row, col],
        }
    ).sort_values(["project_id", "role"], kind="stable")
    capacity = pd.DataFrame({"role": list(instance.resources), "fte": instance.capacities})
    pairs = sorted(
        (ids[s], ids[j])
        for j, succ in _bridged_successors(instance, set(kept)).items()
        for s in succ
    )
    dependencies = pd.DataFrame(pairs, columns=["project_id", "depends_on"]).assign(
        kind="finish_to_start"
    )
    write_tables(
        folder,
        {
            "projects": projects,
            "demand": demand,
            "capacity": capacity,
            "dependencies": dependencies,
        },
    )
    horizon = int(durations.sum()) if horizon_months is None else int(horizon_months)
    return write_scenario(
        folder,
        {
            "name": instance.name,
            "description": f"PSPLIB RCPSP {instance.name}: {len(kept)} jobs, "
            f"{len(instance.resources)} resources"
            + (f", optimal makespan {instance.optimum}" if instance.optimum else ""),
            "objective": "makespan",
            "horizon_start": BENCH_START,
            "horizon_months": horizon,
        },
    )


def makespan_months(starts: dict[str, str | None], durations: dict[str, int]) -> int:
    """Latest finish month index + 1 relative to :data:`BENCH_START` over the started projects:
    the PSPLIB makespan of a plan of a converted RCPSP instance."""
    first = months.to_ordinal(BENCH_START)
    ends = [
        months.to_ordinal(s) - first + int(durations[p]) for p, s in starts.items() if s is not None
    ]
    return max(ends, default=0)
