"""The sample portfolio (data/sample/, data/sample.xlsx) and its scenarios (data/scenarios/).

It must load the same from CSV and from the workbook, hold the shape issue 2 asks for, make
choices matter (demand over capacity, cost over budget) while the decided work fits, and be
exactly what ``scripts/make_sample.py`` writes.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from itertools import combinations

import numpy as np
import pandas as pd
import pytest

from pmo_opt import paths
from pmo_opt.inputs import months
from pmo_opt.inputs.load import load_portfolio
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import Scenario, load_scenario, resolve_horizon

TABLES = [f.name for f in dataclasses.fields(Portfolio) if f.type in ("pd.DataFrame", pd.DataFrame)]
SCENARIOS = ("baseline", "budget_cut_20", "hire_scarce_role", "board_decision")
GENERATOR = paths.ROOT / "scripts" / "make_sample.py"
RANDOM_INDEX = {3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24}


@pytest.fixture(scope="module")
def sample() -> Portfolio:
    return load_portfolio(paths.SAMPLE_DIR)


@pytest.fixture(scope="module")
def horizon(sample: Portfolio) -> list[str]:
    return resolve_horizon(sample, Scenario())


# --------------------------------------------------------------------------------------------
# rules 4-7 of docs/model.md, re-derived here from the tables


def capacity_grid(p: Portfolio, horizon: list[str]) -> pd.DataFrame:
    """role x month FTE: dated rows replace the flat figure in their month."""
    cap = p.capacity
    flat = cap[cap["month"].isna()].groupby("role")["fte"].sum()
    dated = cap[cap["month"].notna()].groupby(["role", "month"])["fte"].sum()
    grid = pd.DataFrame(
        {r: [dated.get((r, m), flat.get(r, 0.0)) for m in horizon] for r in p.role_names},
        index=horizon,
    )
    return grid.T


def monthly_spend(p: Portfolio) -> pd.DataFrame:
    """project_id x month_offset spend: cost spread evenly, else labour at the role rates."""
    rate = p.roles["cost_per_fte_month"].fillna(0.0)
    labour = (
        p.demand.assign(amount=p.demand["fte"] * p.demand["role"].map(rate).fillna(0.0))
        .groupby(["project_id", "month_offset"])["amount"]
        .sum()
    )
    rows = []
    for pid, pr in p.projects.iterrows():
        for k in range(int(pr["duration"])):
            amount = (
                pr["cost"] / pr["duration"] if pd.notna(pr["cost"]) else labour.get((pid, k), 0.0)
            )
            rows.append((pid, k, float(amount)))
    return pd.DataFrame(rows, columns=["project_id", "month_offset", "amount"])


def decided_schedule(p: Portfolio, horizon: list[str]) -> dict[str, int]:
    """In-flight work in the first month, committed work as early as it may start."""
    first = months.to_ordinal(horizon[0])
    out = {}
    for pid, pr in p.projects[p.projects["status"] != "proposed"].iterrows():
        es = pr["earliest_start"]
        late = pr["status"] == "committed" and es is not None
        out[pid] = max(0, months.to_ordinal(es) - first) if late else 0
    return out


# --------------------------------------------------------------------------------------------
# loading


def test_csv_folder_and_workbook_load_to_equal_portfolios(sample: Portfolio) -> None:
    book = load_portfolio(paths.SAMPLE_XLSX)
    assert len(TABLES) == 10
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(sample, name), getattr(book, name), obj=name)
    assert sample.warnings == () and book.warnings == ()
    assert sample.settings == book.settings
    assert sample.settings["organisation"] == "Harbourline Mutual"
    assert sample.settings["currency"] == "EUR"


def test_workbook_keeps_ids_and_months_as_text_and_numbers_as_numbers() -> None:
    import openpyxl

    book = openpyxl.load_workbook(paths.SAMPLE_XLSX, read_only=True)
    assert sorted(book.sheetnames) == sorted([*TABLES, "settings"])
    rows = list(book["projects"].iter_rows(values_only=True))
    header = list(rows[0])
    ids = [r[header.index("project_id")] for r in rows[1:]]
    assert all(isinstance(i, str) and i.startswith("P") for i in ids)
    assert all(isinstance(r[header.index("duration")], int) for r in rows[1:])
    deadlines = [r[header.index("deadline")] for r in rows[1:] if r[header.index("deadline")]]
    assert deadlines and all(isinstance(d, str) and months.is_month(d) for d in deadlines)
    periods = [r[0] for r in list(book["budget"].iter_rows(values_only=True))[1:]]
    assert "2027" in periods  # a year stays text, not the number 2027


# --------------------------------------------------------------------------------------------
# shape


def test_counts_are_in_the_asked_ranges(sample: Portfolio, horizon: list[str]) -> None:
    pr = sample.projects
    assert horizon == months.month_range("2027-01", 24)
    assert 60 <= len(pr) <= 80
    assert pr.index.str.fullmatch(r"P\d{3}").all()
    assert 4 <= pr["category"].nunique() <= 6
    assert 8 <= len(sample.roles) <= 12
    assert set(sample.roles.index) == set(sample.role_names)
    assert sample.roles.notna().all().all()
    status = pr["status"].value_counts()
    assert 4 <= status["in_flight"] <= 6 and 4 <= status["committed"] <= 6
    assert status["proposed"] == len(pr) - status["in_flight"] - status["committed"]
    assert pr["duration"].between(3, 14).all()
    assert pr["duration"].min() == 3 and pr["duration"].max() == 14
    assert pr["risk"].between(1, 5).all()
    assert (pr["benefit"] > 0).all() and (pr["cost_of_delay"] > 0).all()
    assert 1 <= pr["cost"].isna().sum() <= 10
    assert not pr.loc[pr["status"] != "proposed", "cost"].isna().any()
    roles_per_project = sample.demand.groupby("project_id")["role"].nunique()
    assert set(roles_per_project.index) == set(pr.index)
    assert roles_per_project.between(1, 4).all()


def test_dates_are_meetable(sample: Portfolio, horizon: list[str]) -> None:
    pr = sample.projects
    in_flight = pr[pr["status"] == "in_flight"]
    assert in_flight["earliest_start"].isna().all() and in_flight["deadline"].isna().all()
    assert pr["earliest_start"].notna().sum() >= 5 and pr["deadline"].notna().sum() >= 5
    first, last = months.to_ordinal(horizon[0]), months.to_ordinal(horizon[-1])
    for pid, row in pr.iterrows():
        start = months.to_ordinal(row["earliest_start"]) if row["earliest_start"] else first
        end = months.to_ordinal(row["deadline"]) if row["deadline"] else last
        assert first <= start and end <= last, pid
        assert start + row["duration"] - 1 <= end, pid


def test_demand_has_flat_rows_and_ramp_profiles() -> None:
    raw = pd.read_csv(paths.SAMPLE_DIR / "demand.csv", dtype=str, keep_default_na=False)
    profiled = set(raw.loc[raw["month_offset"] != "", "project_id"])
    flat = set(raw.loc[raw["month_offset"] == "", "project_id"])
    assert len(profiled) >= 10 and len(flat) >= 30
    # a profile varies over the project (ramp-up, ramp-down or a late start for testing)
    varying = raw[raw["month_offset"] != ""].groupby(["project_id", "role"])["fte"].nunique()
    assert (varying > 1).sum() >= 10


def test_uncertainty_ranges_bracket_the_estimates(sample: Portfolio) -> None:
    pr = sample.projects
    assert (pr["benefit_low"] <= pr["benefit"]).all() and (
        pr["benefit"] <= pr["benefit_high"]
    ).all()
    priced = pr[pr["cost"].notna()]
    assert (priced["cost_low"] <= priced["cost"]).all() and (
        priced["cost"] <= priced["cost_high"]
    ).all()


def test_dependencies_have_every_kind_and_no_cycle(sample: Portfolio) -> None:
    dep = sample.dependencies
    assert set(dep["kind"]) == {"requires", "finish_to_start", "excludes"}
    assert set(dep["project_id"]) | set(dep["depends_on"]) <= set(sample.projects.index)
    status = sample.projects["status"]
    excl = dep[dep["kind"] == "excludes"]
    decided = excl["project_id"].map(status).ne("proposed") & excl["depends_on"].map(status).ne(
        "proposed"
    )
    assert not decided.any()
    # Kahn's algorithm over the ordering edges empties the graph only when it has no cycle
    edges = dep[dep["kind"] != "excludes"]
    graph = {p: set(edges.loc[edges["project_id"] == p, "depends_on"]) for p in edges["project_id"]}
    while graph:
        free = [p for p, needs in graph.items() if not needs & set(graph)]
        assert free, f"cycle among {sorted(graph)}"
        for p in free:
            del graph[p]


def test_strategy_tables(sample: Portfolio) -> None:
    crit = sample.criteria
    assert 4 <= len(crit) <= 6
    assert abs(crit["weight"].sum() - 1.0) < 1e-9
    assert "min" in set(crit["direction"])
    assert {"business_value", "time_criticality", "risk_reduction"} <= set(crit.index)
    sc = sample.scores
    assert len(sc) == len(sample.projects) * len(crit)
    assert not sc.duplicated(["project_id", "criterion"]).any()
    assert sc["score"].between(1, 10).all()
    cats = sample.categories
    assert set(cats.index) <= set(sample.projects["category"])
    assert (cats["min_share"].fillna(0) <= cats["max_share"].fillna(1)).all()
    assert cats["min_share"].fillna(0).sum() < 1


def test_pairwise_judgements_are_complete_and_consistent(sample: Portfolio) -> None:
    names = list(sample.criteria.index)
    pw = sample.pairwise
    pairs = {frozenset(p) for p in zip(pw["criterion"], pw["over"], strict=True)}
    assert len(pw) == len(pairs) == len(list(combinations(names, 2)))
    assert pw["ratio"].between(1 / 9, 9).all()
    at = {c: i for i, c in enumerate(names)}
    a = np.ones((len(names), len(names)))
    for c, o, r in zip(pw["criterion"], pw["over"], pw["ratio"], strict=True):
        a[at[c], at[o]], a[at[o], at[c]] = r, 1 / r
    values, vectors = np.linalg.eig(a)
    k = int(np.argmax(values.real))
    cr = (values[k].real - len(names)) / (len(names) - 1) / RANDOM_INDEX[len(names)]
    assert cr < 0.1
    w = np.abs(vectors[:, k].real) / np.abs(vectors[:, k].real).sum()
    # the criteria weights are these AHP weights, rounded
    assert np.allclose(w, sample.criteria["weight"].to_numpy(), atol=0.011)


def test_budget_rows_are_consistent(sample: Portfolio) -> None:
    amount = sample.budget.set_index("period")["amount"]
    assert {"2027", "2028"} <= set(amount.index)
    quarters = [p for p in amount.index if "-Q" in p]
    assert quarters
    for year in ("2027", "2028"):
        assert amount[[q for q in quarters if q.startswith(year)]].sum() <= amount[year]
    # the first two quarters are tighter than an even share of the year
    assert amount["2027-Q1"] < amount["2027"] / 4 and amount["2027-Q2"] <= amount["2027"] / 4


# --------------------------------------------------------------------------------------------
# choices matter, decided work fits


def test_demand_exceeds_capacity_and_cost_exceeds_budget(
    sample: Portfolio, horizon: list[str]
) -> None:
    cap = capacity_grid(sample, horizon).sum(axis=1)
    asked = sample.demand.groupby("role")["fte"].sum().reindex(cap.index).fillna(0.0)
    pressure = asked / cap
    assert (pressure > 1.0).sum() >= 3
    assert (pressure >= 1.45).sum() >= 3  # the scarce roles: roughly 1.5-2.5x
    assert pressure.max() <= 2.5
    cost = monthly_spend(sample)["amount"].sum()
    budget = sample.budget.set_index("period")["amount"]
    assert 1.5 <= cost / (budget["2027"] + budget["2028"]) <= 2.0


@pytest.mark.parametrize("budget_scale", [1.0, 0.8])
def test_committed_and_in_flight_work_alone_fits(
    sample: Portfolio, horizon: list[str], budget_scale: float
) -> None:
    start = decided_schedule(sample, horizon)
    assert len(start) >= 8
    pr = sample.projects
    for pid, s in start.items():
        if pr.at[pid, "deadline"]:
            finish = months.to_ordinal(horizon[0]) + s + pr.at[pid, "duration"] - 1
            assert finish <= months.to_ordinal(pr.at[pid, "deadline"]), pid
    dem = sample.demand[sample.demand["project_id"].isin(start)].copy()
    dem["m"] = dem["project_id"].map(start) + dem["month_offset"]
    assert dem["m"].max() < len(horizon)
    load = dem.groupby(["role", "m"])["fte"].sum()
    cap = capacity_grid(sample, horizon)
    for (role, m), fte in load.items():
        assert fte <= cap.at[role, horizon[m]], (role, horizon[m], fte)
    spend = monthly_spend(sample)
    spend = spend[spend["project_id"].isin(start)]
    per_month = (
        (spend["project_id"].map(start) + spend["month_offset"])
        .to_frame("m")
        .assign(amount=spend["amount"])
        .groupby("m")["amount"]
        .sum()
        .reindex(range(len(horizon)), fill_value=0.0)
    )
    per_month.index = horizon
    for period, amount in zip(sample.budget["period"], sample.budget["amount"], strict=True):
        covered = months.period_months(period) or horizon
        used = per_month.reindex(covered).fillna(0.0).sum()
        assert used <= amount * budget_scale, (period, used, amount)


# --------------------------------------------------------------------------------------------
# scenarios


@pytest.mark.parametrize("name", SCENARIOS)
def test_scenario_files_load(name: str, sample: Portfolio) -> None:
    s = load_scenario(paths.SCENARIOS_DIR / f"{name}.yaml")
    assert s.name == name
    assert len(s.description) > 80
    assert set(s.force_in) | set(s.force_out) <= set(sample.projects.index)
    assert set(s.extra_fte) <= set(sample.role_names)


def test_scenarios_say_what_their_names_say(sample: Portfolio, horizon: list[str]) -> None:
    load = {n: load_scenario(paths.SCENARIOS_DIR / f"{n}.yaml") for n in SCENARIOS}
    assert load["baseline"] == Scenario(name="baseline", description=load["baseline"].description)
    assert load["budget_cut_20"].budget_scale == 0.8
    cap = capacity_grid(sample, horizon).sum(axis=1)
    pressure = sample.demand.groupby("role")["fte"].sum().reindex(cap.index).fillna(0) / cap
    assert load["hire_scarce_role"].extra_fte == {pressure.idxmax(): 2.0}
    board = load["board_decision"]
    assert len(board.force_in) == 1 and len(board.force_out) == 1
    status = sample.projects["status"]
    assert status[board.force_in[0]] == "proposed" and status[board.force_out[0]] == "proposed"
    for pid in board.force_in + board.force_out:
        assert sample.projects.at[pid, "name"] in board.description


# --------------------------------------------------------------------------------------------
# the files are the generator's output


def test_generator_reproduces_the_committed_files(tmp_path, sample: Portfolio) -> None:
    out, book = tmp_path / "sample", tmp_path / "sample.xlsx"
    done = subprocess.run(
        [sys.executable, str(GENERATOR), "--out", str(out), "--xlsx", str(book)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    committed = sorted(f.name for f in paths.SAMPLE_DIR.iterdir())
    assert sorted(f.name for f in out.iterdir()) == committed
    for name in committed:
        assert (out / name).read_bytes() == (paths.SAMPLE_DIR / name).read_bytes(), name
    regenerated = load_portfolio(book)
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(regenerated, name), getattr(sample, name), obj=name)
