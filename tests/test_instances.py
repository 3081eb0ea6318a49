"""Benchmark readers (OR-Library mknap, PSPLIB .sm) on the shipped files, and their conversion
into portfolio folders that the ordinary loader and engine accept."""

from __future__ import annotations

import dataclasses
import itertools
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pmo_opt.engine.check import check_plan
from pmo_opt.errors import InputError
from pmo_opt.inputs import months
from pmo_opt.inputs.instances import (
    BENCH_START,
    KNAPSACK_DIR,
    RCPSP_DIR,
    SCENARIO_FILE,
    MknapInstance,
    makespan_months,
    mknap_to_portfolio,
    rcpsp_to_portfolio,
    read_orlib_mknap,
    read_psplib_sm,
    read_rcpsp_optimum,
)
from pmo_opt.inputs.load import load_portfolio
from pmo_opt.inputs.scenario import load_scenario, resolve_horizon

PETERSEN = [  # (n, m, optimum) per problem, from the benchdata README
    (6, 10, 3800),
    (10, 10, 8706.1),
    (15, 10, 4015),
    (20, 10, 6120),
    (28, 10, 12400),
    (39, 5, 10618),
    (50, 5, 16537),
]
J301 = [f"j301_{k}" for k in range(1, 11)]


@pytest.fixture(scope="module")
def petersen() -> list[MknapInstance]:
    return read_orlib_mknap(KNAPSACK_DIR / "mknap1.txt")


# --------------------------------------------------------------------------------------------
# OR-Library multidimensional knapsack


def test_petersen_problems_have_the_published_sizes_and_optima(petersen):
    assert [(p.n, p.m, p.optimum) for p in petersen] == PETERSEN
    for p in petersen:
        assert p.profits.shape == (p.n,)
        assert p.weights.shape == (p.m, p.n)
        assert p.capacities.shape == (p.m,)
        assert p.best_known == p.optimum
    assert [p.name for p in petersen] == [f"mknap1-{k:02d}" for k in range(7)]
    # problem 1 exactly as in the file (the first and last rows of its block)
    assert petersen[0].profits.tolist() == [100, 600, 1200, 2400, 500, 2000]
    assert petersen[0].weights[0].tolist() == [8, 12, 13, 64, 22, 41]
    assert petersen[0].capacities.tolist() == [80, 96, 20, 36, 44, 48, 10, 18, 22, 24]
    # problem 2 has decimal profits
    assert petersen[1].profits[0] == pytest.approx(600.1)
    assert not np.all(petersen[1].profits == np.round(petersen[1].profits))


def test_chu_beasley_problems_take_best_known_values_from_the_csv():
    problems = read_orlib_mknap(KNAPSACK_DIR / "mknapcb1.txt")
    assert len(problems) == 30
    assert {(p.n, p.m) for p in problems} == {(100, 5)}
    assert all(p.optimum is None for p in problems)  # the header field is 0
    best = pd.read_csv(KNAPSACK_DIR / "mknapcb1-best-known.csv")
    assert [p.best_known for p in problems] == best["best_known"].astype(float).tolist()
    assert [p.lp_bound for p in problems] == pytest.approx(best["lp_relaxation"].tolist())
    assert problems[0].best_known == 24381 and problems[29].best_known == 59965
    assert all(p.lp_bound >= p.best_known for p in problems)
    # tightness 0.25 / 0.50 / 0.75: capacity as a share of the summed weights
    tight = [float(np.mean(p.capacities / p.weights.sum(axis=1))) for p in problems]
    for block, share in zip(range(3), (0.25, 0.5, 0.75), strict=True):
        assert np.allclose(tight[10 * block : 10 * block + 10], share, atol=0.01)


def test_mknap_reader_accepts_any_line_layout_and_rejects_a_broken_file(tmp_path):
    odd = tmp_path / "odd.txt"
    odd.write_text("1\n2 2\n5.5 5.5 3.0 2\n4 1 2 1\n0.5")
    (p,) = read_orlib_mknap(odd)
    assert p.profits.tolist() == [5.5, 3.0] and p.optimum == 5.5
    assert p.weights.tolist() == [[2, 4], [1, 2]] and p.capacities.tolist() == [1, 0.5]
    assert p.best_known == 5.5 and p.lp_bound is None

    short = tmp_path / "short.txt"
    short.write_text("1\n3 2 0\n1 2 3\n1 1 1\n")
    with pytest.raises(InputError, match="file ends while reading the weights"):
        read_orlib_mknap(short)
    extra = tmp_path / "extra.txt"
    extra.write_text("1 1 1 0 4 2 3 9")
    with pytest.raises(InputError, match="1 number\\(s\\) left"):
        read_orlib_mknap(extra)
    text = tmp_path / "text.txt"
    text.write_text("1 1 1 0 four 2 3")
    with pytest.raises(InputError, match="'four'"):
        read_orlib_mknap(text)
    with pytest.raises(InputError, match="no such file"):
        read_orlib_mknap(tmp_path / "missing.txt")


def test_knapsack_portfolio_loads_with_one_project_per_item_and_one_role_per_limit(
    tmp_path, petersen
):
    for problem in (petersen[1], petersen[6]):
        folder = tmp_path / problem.name
        scenario = mknap_to_portfolio(problem, folder)
        portfolio = load_portfolio(folder)
        pr = portfolio.projects
        assert len(pr) == problem.n
        assert set(pr["status"]) == {"proposed"} and set(pr["duration"]) == {1}
        assert pr["benefit"].to_numpy() == pytest.approx(problem.profits)
        assert portfolio.role_names == sorted(f"R{i + 1}" for i in range(problem.m))
        assert len(portfolio.demand) == np.count_nonzero(problem.weights)
        assert set(portfolio.demand["month_offset"]) == {0}
        assert portfolio.capacity["month"].isna().all()
        assert len(portfolio.budget) == 0
        assert (scenario.objective, scenario.horizon_months) == ("benefit", 1)
        assert scenario.mip_gap == 0.0
        assert load_scenario(folder / SCENARIO_FILE) == scenario
        assert resolve_horizon(portfolio, scenario) == [BENCH_START]


def _best_subset_value(folder: Path) -> float:
    """Brute force over every subset, from the portfolio's own tables (no solver)."""
    portfolio = load_portfolio(folder)
    ids = list(portfolio.projects.index)
    roles = portfolio.role_names
    weights = (
        portfolio.demand.pivot_table(
            index="role", columns="project_id", values="fte", aggfunc="sum"
        )
        .reindex(index=roles, columns=ids)
        .fillna(0.0)
        .to_numpy()
    )
    cap = portfolio.capacity.groupby("role")["fte"].sum().reindex(roles).to_numpy()
    choose = np.array(list(itertools.product((0, 1), repeat=len(ids))), dtype=float)
    fits = np.all(choose @ weights.T <= cap + 1e-9, axis=1)
    return float((choose[fits] @ portfolio.projects["benefit"].to_numpy()).max())


@pytest.mark.parametrize("k", [0, 1, 2])
def test_known_optimum_is_the_best_subset_within_the_capacity_tables(tmp_path, petersen, k):
    mknap_to_portfolio(petersen[k], tmp_path)
    assert _best_subset_value(tmp_path) == pytest.approx(PETERSEN[k][2], abs=1e-6)


def test_petersen_problem_1_solves_to_3800_through_optimise(tmp_path, petersen):
    from pmo_opt.engine.optimise import optimise

    scenario = mknap_to_portfolio(petersen[0], tmp_path)
    portfolio = load_portfolio(tmp_path)
    plan = optimise(portfolio, scenario)
    assert plan.status == "optimal"
    assert plan.objective == pytest.approx(3800)
    assert float(portfolio.projects.loc[plan.selected, "benefit"].sum()) == pytest.approx(3800)
    assert check_plan(portfolio, scenario, plan) == []


def test_petersen_problem_2_solves_through_the_command_line(tmp_path, petersen):
    from pmo_opt.cli import main

    folder = tmp_path / "portfolio"
    mknap_to_portfolio(petersen[1], folder)
    code = main(
        ["plan", str(folder), "--scenario", str(folder / SCENARIO_FILE), "--out", str(tmp_path)]
    )
    assert code == 0
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["status"] == "optimal"
    assert summary["objective"] == pytest.approx(8706.1)


# --------------------------------------------------------------------------------------------
# PSPLIB RCPSP


@pytest.mark.parametrize("name", J301)
def test_j30_instances_read_with_32_jobs_and_4_resources(name):
    inst = read_psplib_sm(RCPSP_DIR / f"{name}.sm")
    assert inst.name == name
    assert inst.n_jobs == 32 and inst.jobs == tuple(range(1, 33))
    assert inst.resources == ("R1", "R2", "R3", "R4")
    assert inst.requests.shape == (32, 4) and inst.capacities.shape == (4,)
    assert inst.durations[0] == 0 and inst.durations[-1] == 0  # dummy source and sink
    assert (inst.durations[1:-1] > 0).all()
    assert inst.successors[-1] == () and set(inst.successors[0]) <= set(range(2, 32))
    assert inst.horizon == int(inst.durations.sum())  # PSPLIB's horizon is the summed durations
    assert (inst.requests <= inst.capacities).all()
    assert inst.optimum == read_rcpsp_optimum()[name]
    assert inst.mpm_time <= inst.optimum


def test_j301_1_reads_as_in_the_file():
    inst = read_psplib_sm(RCPSP_DIR / "j301_1.sm")
    assert inst.capacities.tolist() == [12, 13, 4, 12]
    assert inst.successors[:2] == ((2, 3, 4), (6, 11, 15))
    assert inst.durations[1] == 8 and inst.requests[1].tolist() == [4, 0, 0, 0]
    assert (inst.horizon, inst.mpm_time, inst.optimum) == (158, 38, 43)
    assert len(inst.precedence()) == 48


def test_rcpsp_optimum_table_lists_the_ten_instances():
    table = read_rcpsp_optimum(RCPSP_DIR / "j301-optimal.csv")
    assert sorted(table) == sorted(J301)
    assert table["j301_1"] == 43 and table["j301_4"] == 62
    assert read_rcpsp_optimum(RCPSP_DIR / "nothing.csv") == {}


def _critical_path(folder: Path) -> int:
    """Longest path through the portfolio's finish_to_start rows (no resources), in months."""
    portfolio = load_portfolio(folder)
    duration = portfolio.projects["duration"].to_dict()
    preds: dict[str, list[str]] = {p: [] for p in duration}
    for a, b in zip(
        portfolio.dependencies["project_id"], portfolio.dependencies["depends_on"], strict=True
    ):
        preds[a].append(b)
    finish: dict[str, int] = {}

    def earliest_finish(p: str) -> int:
        if p not in finish:
            finish[p] = max((earliest_finish(q) for q in preds[p]), default=0) + duration[p]
        return finish[p]

    return max(earliest_finish(p) for p in duration)


@pytest.mark.parametrize("name", J301)
def test_rcpsp_portfolio_keeps_jobs_resources_and_the_critical_path(tmp_path, name):
    inst = read_psplib_sm(RCPSP_DIR / f"{name}.sm")
    scenario = rcpsp_to_portfolio(inst, tmp_path)
    portfolio = load_portfolio(tmp_path)
    pr = portfolio.projects
    assert len(pr) == 30 and set(pr["status"]) == {"committed"}
    assert pr["duration"].tolist() == inst.durations[1:-1].tolist()
    assert portfolio.role_names == ["R1", "R2", "R3", "R4"]
    cap = portfolio.capacity.set_index("role")["fte"]
    assert cap.reindex(["R1", "R2", "R3", "R4"]).tolist() == inst.capacities.tolist()
    # long demand: one row per month of every nonzero request
    assert len(portfolio.demand) == int(((inst.requests > 0) * inst.durations[:, None]).sum())
    deps = portfolio.dependencies
    assert set(deps["kind"]) == {"finish_to_start"}
    real = [(a, b) for a, b in inst.precedence() if a not in (1, 32) and b not in (1, 32)]
    assert len(deps) == len(real)
    # the file's MPM time is the critical-path length: the dependencies carry it unchanged
    assert _critical_path(tmp_path) == inst.mpm_time
    assert scenario.objective == "makespan"
    assert scenario.horizon_months == int(inst.durations.sum())
    assert resolve_horizon(portfolio, scenario)[0] == BENCH_START


SMALL_SM = """\
************************************************************************
jobs (incl. supersource/sink ):  7
horizon                       :  8
RESOURCES
  - renewable                 :  2   R
  - nonrenewable              :  0   N
  - doubly constrained        :  0   D
************************************************************************
PRECEDENCE RELATIONS:
jobnr.    #modes  #successors   successors
   1        1          2           2   5
   2        1          1           3
   3        1          2           4   6
   4        1          1           7
   5        1          1           3
   6        1          1           7
   7        1          0
************************************************************************
REQUESTS/DURATIONS:
jobnr. mode duration  R 1  R 2
------------------------------------------------------------------------
  1      1     0       0    0
  2      1     3       2    0
  3      1     0       5    5
  4      1     2       1    1
  5      1     1       0    2
  6      1     2       0    0
  7      1     0       0    0
************************************************************************
RESOURCEAVAILABILITIES:
  R 1  R 2
    2    2
************************************************************************
"""


def test_zero_duration_jobs_are_dropped_and_precedence_carried_through_them(tmp_path):
    path = tmp_path / "tiny_1.sm"
    path.write_text(SMALL_SM)
    inst = read_psplib_sm(path, optimum=7)
    assert inst.durations.tolist() == [0, 3, 0, 2, 1, 2, 0]
    assert inst.mpm_time is None and inst.optimum == 7
    scenario = rcpsp_to_portfolio(inst, tmp_path / "portfolio")
    portfolio = load_portfolio(tmp_path / "portfolio")
    # job 3 (duration 0, not a dummy) is gone; its predecessors 2 and 5 now precede 4 and 6
    assert list(portfolio.projects.index) == ["J2", "J4", "J5", "J6"]
    deps = portfolio.dependencies
    pairs = set(zip(deps["project_id"], deps["depends_on"], strict=True))
    assert pairs == {("J4", "J2"), ("J4", "J5"), ("J6", "J2"), ("J6", "J5")}
    # a job without any request has no demand row; its project is still there
    assert "J6" not in set(portfolio.demand["project_id"])
    assert scenario.horizon_months == 8
    assert _critical_path(tmp_path / "portfolio") == 5
    # a tighter horizon can be given
    assert rcpsp_to_portfolio(inst, tmp_path / "short", horizon_months=6).horizon_months == 6


def test_rcpsp_reader_rejects_what_it_cannot_read(tmp_path):
    nothing = tmp_path / "none.sm"
    nothing.write_text("hello\n")
    with pytest.raises(InputError, match="not a PSPLIB .sm file"):
        read_psplib_sm(nothing)
    multi = tmp_path / "multi.sm"
    multi.write_text(SMALL_SM.replace("   2        1          1           3", "   2  3  1  3"))
    with pytest.raises(InputError, match="job 2 has 3 modes"):
        read_psplib_sm(multi)
    short_row = tmp_path / "short.sm"
    short_row.write_text(
        SMALL_SM.replace("  4      1     2       1    1", "  4      1     2       1")
    )
    with pytest.raises(InputError, match="has 4 fields, expected 5"):
        read_psplib_sm(short_row)
    all_zero = tmp_path / "zero.sm"
    all_zero.write_text(SMALL_SM)
    inst = read_psplib_sm(all_zero)
    empty = dataclasses.replace(inst, durations=np.zeros_like(inst.durations))  # milestones
    with pytest.raises(InputError, match="every job has duration 0"):
        rcpsp_to_portfolio(empty, tmp_path / "empty")


def test_converting_into_a_used_folder_leaves_no_stale_table(tmp_path, petersen):
    rcpsp_to_portfolio(read_psplib_sm(RCPSP_DIR / "j301_2.sm"), tmp_path)
    assert (tmp_path / "dependencies.csv").exists()
    mknap_to_portfolio(petersen[0], tmp_path)
    assert not (tmp_path / "dependencies.csv").exists()
    assert len(load_portfolio(tmp_path).projects) == 6


@pytest.mark.slow
def test_j301_1_through_optimise_is_never_better_than_the_proven_optimum(tmp_path):
    from pmo_opt.engine.optimise import optimise

    inst = read_psplib_sm(RCPSP_DIR / "j301_1.sm")
    scenario = rcpsp_to_portfolio(inst, tmp_path).replace(time_limit_s=10)
    portfolio = load_portfolio(tmp_path)
    plan = optimise(portfolio, scenario)
    assert plan.status in ("optimal", "feasible"), plan.message
    assert check_plan(portfolio, scenario, plan) == []
    makespan = makespan_months(plan.starts, portfolio.projects["duration"].to_dict())
    last = max(months.to_ordinal(f) for f in plan.projects["finish"])
    assert makespan == last - months.to_ordinal(BENCH_START) + 1
    assert makespan >= inst.optimum
    if plan.status == "optimal":
        assert makespan == inst.optimum
