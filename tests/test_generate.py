"""The seeded benchmark generator: deterministic, loadable, realistic, and committed work fits."""

from __future__ import annotations

import importlib.util
import sys
import time

import numpy as np
import pytest

from pmo_opt.engine.check import check_plan
from pmo_opt.engine.plan import make_plan, spend_profile
from pmo_opt.inputs.load import load_portfolio
from pmo_opt.inputs.scenario import load_scenario, resolve_horizon
from pmo_opt.paths import ROOT


def _load_generator():
    # benchmarks/ is a folder of scripts, not a package: import the file itself
    spec = importlib.util.spec_from_file_location(
        "bench_generate", ROOT / "benchmarks" / "generate.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


gen = _load_generator()


@pytest.fixture(scope="module", params=["S", "M"])
def generated(request, tmp_path_factory):
    size = request.param
    folder = gen.generate_portfolio(size, 11, tmp_path_factory.mktemp(size))
    portfolio = load_portfolio(folder)
    scenario = load_scenario(folder / "scenario.yaml")
    return size, folder, portfolio, scenario


def test_same_seed_gives_the_same_bytes_and_another_seed_differs(tmp_path):
    a = gen.generate_portfolio("S", 7, tmp_path / "a")
    b = gen.generate_portfolio("s", 7, tmp_path / "b")
    c = gen.generate_portfolio("S", 8, tmp_path / "c")
    files = sorted(p.name for p in a.iterdir())
    assert files == sorted(p.name for p in b.iterdir())
    assert {"projects.csv", "demand.csv", "capacity.csv", "budget.csv", "scenario.yaml"} <= set(
        files
    )
    for name in files:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert (a / "projects.csv").read_bytes() != (c / "projects.csv").read_bytes()
    assert (a / "demand.csv").read_bytes() != (c / "demand.csv").read_bytes()


def test_unknown_size_is_refused():
    with pytest.raises(ValueError, match="not one of S, M, L, XL"):
        gen.build_tables("XXL", 1)


def test_portfolio_has_the_size_of_its_class(generated):
    size, _, portfolio, scenario = generated
    spec = gen.SIZES[size]
    assert len(portfolio.projects) == spec.projects
    assert len(portfolio.role_names) == spec.roles
    horizon = resolve_horizon(portfolio, scenario)
    assert len(horizon) == spec.months and horizon[0] == gen.HORIZON_START
    # the data alone implies the same window (budget quarters cover exactly the horizon)
    assert resolve_horizon(
        portfolio, scenario.replace(horizon_start=None, horizon_months=None)
    ) == (horizon)
    assert scenario.objective == "value"


def test_projects_durations_roles_and_ramps_are_realistic(generated):
    _, _, portfolio, _ = generated
    pr = portfolio.projects
    status = pr["status"].value_counts()
    assert {"proposed", "committed", "in_flight"} <= set(status.index)
    assert status["proposed"] > status["committed"] + status["in_flight"]
    planned = pr[pr["status"] != "in_flight"]
    assert planned["duration"].between(2, 18).all()
    assert planned["duration"].nunique() >= 6
    dem = portfolio.demand
    assert (dem["fte"] > 0).all()
    assert (dem["month_offset"] < dem["project_id"].map(pr["duration"])).all()
    per_project = dem.groupby("project_id")["role"].nunique()
    assert set(per_project.index) == set(pr.index)
    assert per_project.between(1, 5).all() and per_project.nunique() >= 4
    # ramp-up and ramp-down: a role's fte changes within a project for most pairs
    spread = dem.groupby(["project_id", "role"])["fte"].agg(["min", "max"])
    assert (spread["max"] > spread["min"]).mean() > 0.5
    # money and scoring are filled in
    assert pr["cost"].notna().any() and pr["cost"].isna().any()
    assert (pr["benefit"] > 0).all()
    assert len(portfolio.scores) == len(pr) * len(portfolio.criteria)
    assert "min" in set(portfolio.criteria["direction"])
    assert pr["earliest_start"].notna().any() and pr["deadline"].notna().any()


def test_dependencies_of_every_kind_and_no_cycle(generated):
    _, _, portfolio, _ = generated
    deps = portfolio.dependencies
    assert set(deps["kind"]) == {"requires", "finish_to_start", "excludes"}
    assert not deps.duplicated(["project_id", "depends_on"]).any()
    assert (deps["project_id"] != deps["depends_on"]).all()
    status = portfolio.projects["status"]
    assert (deps["project_id"].map(status) == "proposed").all()
    # acyclic: repeatedly remove the projects that wait for nothing still left
    directed = deps[deps["kind"] != "excludes"]
    edges = list(zip(directed["project_id"], directed["depends_on"], strict=True))
    left = set(portfolio.projects.index)
    while left:
        waiting = {a for a, b in edges if a in left and b in left}
        if waiting == left:
            break
        left = waiting
    assert not left, f"cycle among {sorted(left)}"


def test_demand_exceeds_capacity_and_cost_exceeds_budget(generated):
    _, _, portfolio, scenario = generated
    horizon = resolve_horizon(portfolio, scenario)
    need = portfolio.demand.groupby("role")["fte"].sum()
    flat = portfolio.capacity[portfolio.capacity["month"].isna()].set_index("role")["fte"]
    have = flat * len(horizon)
    assert (need > have.reindex(need.index)).mean() > 0.8
    assert need.sum() > 1.3 * have.sum()
    cost = spend_profile(portfolio)["amount"].sum()
    assert cost > 1.3 * portfolio.budget["amount"].sum()
    assert portfolio.budget["period"].str.contains("-Q").all()


def test_committed_and_in_flight_work_fits(generated):
    size, _, portfolio, scenario = generated
    horizon = resolve_horizon(portfolio, scenario)
    reference = gen.build_tables(size, 11).reference
    fixed = portfolio.projects.index[portfolio.projects["status"] != "proposed"]
    assert set(reference) == set(fixed)
    in_flight = portfolio.projects.index[portfolio.projects["status"] == "in_flight"]
    assert {reference[p] for p in in_flight} == {horizon[0]}
    plan = make_plan(portfolio, scenario, horizon, reference, status="feasible")
    assert check_plan(portfolio, scenario, plan) == []


def test_command_line_writes_a_loadable_folder(tmp_path, capsys):
    assert gen.main(["--size", "S", "--seed", "3", "--out", str(tmp_path / "s")]) == 0
    assert "S:" in capsys.readouterr().out
    assert len(load_portfolio(tmp_path / "s").projects) == 60
    with pytest.raises(SystemExit):
        gen.main(["--size", "huge", "--out", str(tmp_path / "x")])


@pytest.mark.slow
@pytest.mark.parametrize("size", ["L", "XL"])
def test_large_sizes_generate_in_seconds_and_load(tmp_path, size):
    t0 = time.perf_counter()
    folder = gen.generate_portfolio(size, 1, tmp_path)
    seconds = time.perf_counter() - t0
    assert seconds < 10, f"{size} took {seconds:.1f} s"
    portfolio = load_portfolio(folder)
    spec = gen.SIZES[size]
    assert len(portfolio.projects) == spec.projects
    assert len(portfolio.role_names) == spec.roles
    assert np.isfinite(portfolio.demand["fte"]).all()
