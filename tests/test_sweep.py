"""Sweeps on local processes and on a Dask cluster give the same results (issue 8, item 5).

A real ``distributed.LocalCluster`` (two worker processes, one thread each) stands in for a
cluster; the sweeps get its address, as a user would pass ``--scheduler tcp://...``. Every solve
here is proven optimal, so "the same" means equal tables, not close ones.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import distributed
import pandas as pd
import pytest
import yaml
from builders import make_portfolio

from pmo_opt.analysis.compare import compare_scenarios
from pmo_opt.analysis.explain import why_not
from pmo_opt.analysis.frontier import efficient_frontier, frontier_plans, risk_frontier
from pmo_opt.analysis.sweep import executor, for_sweep, map_ordered
from pmo_opt.analysis.uncertainty import monte_carlo
from pmo_opt.cli import main
from pmo_opt.errors import InputError, Problem
from pmo_opt.inputs.scenario import Scenario, load_scenario

SC = Scenario(horizon_start="2027-01", horizon_months=4)
NOWHERE = "tcp://127.0.0.1:1"  # a port nothing listens on


@pytest.fixture(scope="module")
def cluster():
    # dashboard on a free port: with None the scheduler's HTTP routes still take 8787, which a
    # second cluster (or anything else on the machine) then finds in use
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as local:
        yield local


def ran_on(cluster, function_name: str) -> int:
    """How many tasks of ``function_name`` the cluster's scheduler has seen finish."""
    prefix = cluster.scheduler.task_prefixes.get(function_name)
    return 0 if prefix is None else int(prefix.state_counts["memory"])


#: A, B, C, D: values 10, 8, 5, 0.1 (risks 5, 1, 3, 2), each costs 100 over two months and
#: needs 2 of the 4 dev FTE; the budget allows 100 in total
FOUR = {
    "projects": [
        {"project_id": p, "duration": 2, "benefit": v, "cost": 100, "risk": r}
        for p, v, r in (("A", 10, 5), ("B", 8, 1), ("C", 5, 3), ("D", 0.1, 2))
    ],
    "demand": [{"project_id": p, "role": "dev", "fte": 2} for p in "ABCD"],
    "capacity": [{"role": "dev", "fte": 4}],
    "budget": [{"period": "total", "amount": 100}],
}


@pytest.fixture(scope="module")
def four(tmp_path_factory):
    return make_portfolio(tmp_path_factory.mktemp("four"), **FOUR)


@pytest.fixture(scope="module")
def uncertain(tmp_path_factory):
    """D dominates; X never fits; B and C compete for the money left beside D."""
    return make_portfolio(
        tmp_path_factory.mktemp("uncertain"),
        projects=[
            {"project_id": "D", "duration": 2, "benefit": 100, "cost": 10},
            {
                "project_id": "B",
                "duration": 2,
                "benefit": 10,
                "cost": 100,
                "benefit_low": 5,
                "benefit_high": 20,
            },
            {
                "project_id": "C",
                "duration": 2,
                "benefit": 10,
                "cost": 100,
                "cost_low": 60,
                "cost_high": 140,
            },
            {"project_id": "X", "duration": 2, "benefit": 50, "cost": 1000},
        ],
        demand=[{"project_id": p, "role": "dev", "fte": 1} for p in "DBCX"],
        capacity=[{"role": "dev", "fte": 4}],
        budget=[{"period": "total", "amount": 140}],
    )


def without_timings(table: pd.DataFrame) -> pd.DataFrame:
    return table.drop(columns=[c for c in ("solve_seconds", "seconds") if c in table])


# --------------------------------------------------------------------------------------------
# the same results wherever the sweep runs


def test_monte_carlo_on_the_cluster_matches_local_processes(uncertain, cluster):
    before = ran_on(cluster, "solve_draw")
    local = monte_carlo(uncertain, SC, draws=8, seed=5, workers=2, progress=False)
    remote = monte_carlo(
        uncertain, SC, draws=8, seed=5, progress=False, scheduler=cluster.scheduler_address
    )
    assert ran_on(cluster, "solve_draw") - before == 8  # the draws really ran there
    assert (local.draws["status"] == "optimal").all()
    pd.testing.assert_frame_equal(without_timings(local.draws), without_timings(remote.draws))
    pd.testing.assert_frame_equal(local.selections, remote.selections)
    pd.testing.assert_frame_equal(local.frequency, remote.frequency)
    pd.testing.assert_series_equal(local.value_quantiles(), remote.value_quantiles())
    assert 0 < local.frequency.at["B", "frequency"] < 1  # the draws do move the choice


def test_the_scenario_setting_sends_a_sweep_to_the_cluster(uncertain, cluster):
    before = ran_on(cluster, "solve_draw")
    on_cluster = SC.replace(scheduler=cluster.scheduler_address)
    result = monte_carlo(uncertain, on_cluster, draws=3, seed=1, progress=False)
    assert ran_on(cluster, "solve_draw") - before == 3
    local = monte_carlo(uncertain, on_cluster, draws=3, seed=1, progress=False, scheduler="")
    assert ran_on(cluster, "solve_draw") - before == 3  # "" keeps it on local processes
    pd.testing.assert_frame_equal(without_timings(result.draws), without_timings(local.draws))
    # where a solve ran is not part of what it solved
    assert result.base is not None and result.base.scenario.scheduler is None


def test_frontier_is_the_same_for_one_worker_two_workers_and_the_cluster(four, cluster):
    one = efficient_frontier(four, SC, points=5, workers=1)
    two = efficient_frontier(four, SC, points=5, workers=2)
    before = ran_on(cluster, "solve_task")
    remote = efficient_frontier(four, SC, points=5, scheduler=cluster.scheduler_address)
    assert ran_on(cluster, "solve_task") - before == 5
    assert one["value"].tolist() == pytest.approx([0, 10, 18, 23, 23.1])
    assert (one["status"] == "optimal").all()
    pd.testing.assert_frame_equal(without_timings(one), without_timings(two))
    pd.testing.assert_frame_equal(without_timings(one), without_timings(remote))
    plans_local = frontier_plans(four, SC, scales=[0.5, 2], workers=2)
    plans_remote = frontier_plans(four, SC, scales=[0.5, 2], scheduler=cluster.scheduler_address)
    for (at_l, plan_l), (at_r, plan_r) in zip(plans_local, plans_remote, strict=True):
        assert at_l == at_r and at_l.threads == 1
        assert plan_l.starts == plan_r.starts


def test_risk_frontier_on_the_cluster_matches_local_processes(four, cluster):
    rich = dataclasses.replace(four, budget=four.budget.assign(amount=1000))
    local = risk_frontier(rich, SC, points=3, workers=2)
    remote = risk_frontier(rich, SC, points=3, scheduler=cluster.scheduler_address)
    pd.testing.assert_frame_equal(local, remote)
    assert local["value"].is_monotonic_increasing


def test_compare_on_the_cluster_matches_local_processes(four, cluster):
    scenarios = {
        "baseline": SC,
        "double": SC.replace(budget_scale=2),
        "board": SC.replace(force_in=("C",), budget_scale=2),
        "hire": SC.replace(extra_fte={"dev": 2}, budget_scale=4),
    }
    local = compare_scenarios(four, scenarios, workers=2)
    remote = compare_scenarios(four, scenarios, scheduler=cluster.scheduler_address)
    assert local.summary["value"].tolist() == pytest.approx([10, 18, 15, 23.1])
    pd.testing.assert_frame_equal(without_timings(local.summary), without_timings(remote.summary))
    pd.testing.assert_frame_equal(local.selection, remote.selection)
    pd.testing.assert_frame_equal(local.changes, remote.changes)
    pd.testing.assert_frame_equal(local.spend, remote.spend)


def test_why_not_on_the_cluster_matches_one_process(four, cluster):
    here = why_not(four, SC, workers=1, verify=False)
    remote = why_not(four, SC, verify=False, scheduler=cluster.scheduler_address)
    assert here["project_id"].tolist() == ["B", "C", "D"]
    pd.testing.assert_frame_equal(here, remote)


def test_map_ordered_keeps_task_order_and_raises_the_first_failure(cluster):
    tasks = [-3, 1, -2, 5]
    assert map_ordered(abs, tasks, workers=2) == [3, 1, 2, 5]
    assert map_ordered(abs, tasks, scheduler=cluster.scheduler_address) == [3, 1, 2, 5]
    assert map_ordered(abs, [], scheduler=NOWHERE) == []  # nothing to run, nothing to connect
    with pytest.raises(TypeError):
        map_ordered(abs, [1, "x"], scheduler=cluster.scheduler_address)


# --------------------------------------------------------------------------------------------
# a wrong address says what is wrong and what to do, and does not hang


def test_nothing_listening_is_a_clear_error_within_the_timeout():
    with pytest.raises(InputError) as caught, executor(scheduler=NOWHERE, connect_timeout_s=2):
        pass
    message = str(caught.value)
    assert NOWHERE in message and "within 2 s" in message
    assert "dask scheduler" in message and "drop the scheduler setting" in message


def test_a_scheduler_without_workers_is_a_clear_error():
    with distributed.LocalCluster(n_workers=0, processes=True, dashboard_address=":0") as empty:
        with pytest.raises(InputError, match="has no worker") as caught:
            with executor(scheduler=empty.scheduler_address, connect_timeout_s=1):
                pass
    assert f"dask worker {empty.scheduler_address}" in str(caught.value)


def test_a_malformed_address_is_refused_before_connecting(four):
    with pytest.raises(InputError, match="not a Dask scheduler address"):
        efficient_frontier(four, SC, points=2, scheduler="10.0.0.5:8786")


@pytest.mark.slow
def test_command_with_nothing_listening_exits_with_input_error(tmp_path, capsys):
    make_portfolio(tmp_path / "pf", **FOUR)
    code = main(
        ["montecarlo", str(tmp_path / "pf"), "--draws", "2", "--set", "horizon_start=2027-01",
         "--set", "horizon_months=4", "--scheduler", NOWHERE]
    )  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err
    assert NOWHERE in err and "within 10 s" in err


def test_importing_the_package_does_not_import_dask():
    code = (
        "import sys, pmo_opt.cli, pmo_opt.analysis.frontier, pmo_opt.analysis.uncertainty, pmo_opt.analysis.compare, "
        "pmo_opt.analysis.explain; print(sorted(m for m in sys.modules if m.startswith('distributed')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --------------------------------------------------------------------------------------------
# the scenario setting


def test_scheduler_setting_is_validated_and_named(tmp_path):
    assert Scenario().scheduler is None
    assert Scenario(scheduler="  ").scheduler is None
    assert SC.replace(scheduler="tcp://10.0.0.5:8786").scheduler == "tcp://10.0.0.5:8786"
    assert SC.replace(scheduler="").scheduler is None
    with pytest.raises(InputError) as caught:
        Scenario(scheduler="10.0.0.5:8786")
    message = str(caught.value)
    assert "'10.0.0.5:8786'" in message and "tcp://HOST:PORT" in message
    path = tmp_path / "cluster.yaml"
    path.write_text(yaml.safe_dump({"scheduler": "tcp://scheduler.internal:8786"}))
    assert load_scenario(path).scheduler == "tcp://scheduler.internal:8786"
    path.write_text("scheduler: localhost:8786\n")
    with pytest.raises(InputError, match="not a Dask scheduler address") as caught:
        load_scenario(path)
    assert "scenario 'cluster'" in str(caught.value) and "'localhost:8786'" in str(caught.value)
    path.write_text("schedular: tcp://localhost:8786\n")
    with pytest.raises(InputError, match="did you mean 'scheduler'"):
        load_scenario(path)
    on_cluster = SC.replace(scheduler="tcp://10.0.0.5:8786", threads=8)
    solved = for_sweep(on_cluster)
    assert (solved.scheduler, solved.threads) == (None, 1)


# --------------------------------------------------------------------------------------------
# the command line


def test_frontier_command_on_the_cluster_writes_the_same_table(cluster, tmp_path):
    folder = tmp_path / "pf"
    make_portfolio(folder, **FOUR)
    common = ["frontier", str(folder), "--points", "3", "--set", "horizon_start=2027-01",
              "--set", "horizon_months=4"]  # fmt: skip
    before = ran_on(cluster, "solve_task")
    assert main([*common, "--workers", "1", "--out", str(tmp_path / "local")]) == 0
    assert ran_on(cluster, "solve_task") == before
    address = cluster.scheduler_address
    assert main([*common, "--scheduler", address, "--out", str(tmp_path / "remote")]) == 0
    assert ran_on(cluster, "solve_task") - before == 4  # scales 0, 1, 2, 4
    local = pd.read_csv(tmp_path / "local" / "frontier.csv")
    remote = pd.read_csv(tmp_path / "remote" / "frontier.csv")
    assert local["budget_scale"].tolist() == pytest.approx([0, 1, 2, 4])
    pd.testing.assert_frame_equal(without_timings(local), without_timings(remote))


def test_errors_cross_process_boundaries_with_their_facts():
    import pickle

    from pmo_opt.errors import InfeasibleError, SolverError

    error = InputError([Problem("projects.csv", 4, "duration", "must be a whole number, got 'x'")])
    back = pickle.loads(pickle.dumps(error))
    assert back.problems == error.problems and str(back) == str(error)
    infeasible = pickle.loads(pickle.dumps(InfeasibleError("no plan", ["add budget"])))
    assert infeasible.diagnosis == ["add budget"] and "add budget" in str(infeasible)
    solver = pickle.loads(pickle.dumps(SolverError("crashed", solver="highs")))
    assert solver.solver == "highs" and str(solver) == "crashed"
