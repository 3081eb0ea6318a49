"""rank_and_fill: hand-solved cases, and every plan it returns passes check_plan."""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from builders import make_portfolio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmo_opt.engine.check import assert_plan_ok, check_plan
from pmo_opt.engine.plan import make_plan
from pmo_opt.engine.rank_fill import priority_order, rank_and_fill
from pmo_opt.errors import InputError
from pmo_opt.inputs import months
from pmo_opt.inputs.portfolio import build_portfolio
from pmo_opt.inputs.scenario import Scenario, resolve_horizon
from pmo_opt.inputs.tables import TABLES, RawTable

H4 = {"horizon_start": "2027-01", "horizon_months": 4}


def scen(**kw) -> Scenario:
    return Scenario(**{**H4, **kw})


def projects(*rows: tuple) -> list[dict]:
    """(id, duration, benefit, cost) tuples -> project rows."""
    return [{"project_id": p, "duration": d, "benefit": b, "cost": c} for p, d, b, c in rows]


def dev(fte: dict[str, float]) -> list[dict]:
    return [{"project_id": p, "role": "dev", "fte": f} for p, f in fte.items()]


def ok(pf, sc, plan):
    assert plan.status == "feasible", plan.message
    assert plan.solver == "rank_and_fill"
    assert_plan_ok(pf, sc, plan)
    return plan


def test_top_project_first_then_the_next_where_it_fits(tmp_path):
    pf = make_portfolio(
        tmp_path,
        projects=projects(("X", 2, 10, 100), ("Y", 2, 8, 100), ("Z", 2, 5, 100)),
        demand=dev({"X": 2, "Y": 2, "Z": 2}),
        capacity=[{"role": "dev", "fte": 2}],
    )
    sc = scen()
    plan = ok(pf, sc, rank_and_fill(pf, sc))
    assert plan.starts == {"X": "2027-01", "Y": "2027-03", "Z": None}
    assert plan.objective == pytest.approx(18)
    assert plan.details["skipped"] == {"Z": "no start fits capacity and budget"}
    assert "placed 2 of 3" in plan.message


def test_skips_what_breaks_the_budget_and_takes_what_fits(tmp_path):
    pf = make_portfolio(
        tmp_path,
        projects=projects(("X", 1, 10, 60), ("Y", 1, 9, 60), ("Z", 1, 1, 40)),
        demand=dev({"X": 1, "Y": 1, "Z": 1}),
        capacity=[{"role": "dev", "fte": 5}],
        budget=[{"period": "total", "amount": 100}],
    )
    sc = scen()
    plan = ok(pf, sc, rank_and_fill(pf, sc))
    assert plan.selected == ["X", "Z"]
    assert plan.objective == pytest.approx(11)


def test_month_budget_pushes_work_later(tmp_path):
    pf = make_portfolio(
        tmp_path,
        projects=projects(("X", 1, 10, 50)),
        demand=dev({"X": 1}),
        capacity=[{"role": "dev", "fte": 1}],
        budget=[{"period": "2027-01", "amount": 0}, {"period": "2027-Q1", "amount": 0}],
    )
    plan = ok(pf, scen(), rank_and_fill(pf, scen()))
    assert plan.starts == {"X": "2027-04"}


def test_finish_to_start_waits_for_the_predecessor(tmp_path):
    pf = make_portfolio(
        tmp_path,
        projects=projects(("X", 2, 10, 0), ("Y", 1, 5, 0)),
        demand=dev({"X": 1, "Y": 1}),
        capacity=[{"role": "dev", "fte": 5}],
        dependencies=[{"project_id": "Y", "depends_on": "X", "kind": "finish_to_start"}],
    )
    plan = ok(pf, scen(), rank_and_fill(pf, scen()))
    assert plan.starts == {"X": "2027-01", "Y": "2027-03"}


def test_successor_ranked_above_its_predecessor_is_skipped(tmp_path):
    # priority-list behaviour: Y comes first and X is not in yet, so Y is skipped
    pf = make_portfolio(
        tmp_path,
        projects=projects(("X", 2, 1, 0), ("Y", 1, 5, 0)),
        demand=dev({"X": 1, "Y": 1}),
        capacity=[{"role": "dev", "fte": 5}],
        dependencies=[{"project_id": "Y", "depends_on": "X", "kind": "requires"}],
    )
    plan = ok(pf, scen(), rank_and_fill(pf, scen()))
    assert plan.selected == ["X"]
    assert plan.details["skipped"] == {"Y": "needs X, not in"}


def test_excludes_keeps_the_higher_priority(tmp_path):
    pf = make_portfolio(
        tmp_path,
        projects=projects(("X", 1, 3, 0), ("Y", 1, 5, 0)),
        demand=dev({"X": 1, "Y": 1}),
        capacity=[{"role": "dev", "fte": 5}],
        dependencies=[{"project_id": "X", "depends_on": "Y", "kind": "excludes"}],
    )
    plan = ok(pf, scen(), rank_and_fill(pf, scen()))
    assert plan.selected == ["Y"]
    assert plan.details["skipped"]["X"] == "excludes Y, already in"


def test_greedy_misses_the_better_knapsack(tmp_path):
    # budget 10: greedy takes A (6) and nothing else fits; B + C (5 + 5) is worth 10
    pf = make_portfolio(
        tmp_path,
        projects=projects(("A", 1, 6, 6), ("B", 1, 5, 5), ("C", 1, 5, 5)),
        demand=dev({"A": 0, "B": 0, "C": 0}),
        capacity=[{"role": "dev", "fte": 1}],
        budget=[{"period": "total", "amount": 10}],
    )
    sc = scen(horizon_months=1)
    plan = ok(pf, sc, rank_and_fill(pf, sc))
    assert plan.selected == ["A"] and plan.objective == pytest.approx(6)
    better = make_plan(
        pf, sc, resolve_horizon(pf, sc), {"B": "2027-01", "C": "2027-01"}, status="feasible"
    )
    assert check_plan(pf, sc, better) == []
    assert better.total_value == pytest.approx(10)


def test_order_overrides_priority(tmp_path):
    pf = make_portfolio(
        tmp_path,
        projects=projects(("A", 1, 6, 6), ("B", 1, 5, 5), ("C", 1, 5, 5)),
        demand=dev({"A": 0, "B": 0, "C": 0}),
        capacity=[{"role": "dev", "fte": 1}],
        budget=[{"period": "total", "amount": 10}],
    )
    sc = scen(horizon_months=1)
    assert priority_order(pf, sc) == ["A", "B", "C"]  # ties by id
    plan = ok(pf, sc, rank_and_fill(pf, sc, order=["C", "B"]))
    assert plan.selected == ["B", "C"] and plan.objective == pytest.approx(10)
    with pytest.raises(InputError, match="Q"):
        rank_and_fill(pf, sc, order=["Q"])


def test_mandatory_work_goes_first(tmp_path):
    rows = projects(("F", 2, 1, 0), ("K", 2, 1, 0), ("P", 2, 10, 0), ("N", 1, 0, 0))
    rows[0]["status"] = "in_flight"
    rows[1]["status"] = "committed"
    pf = make_portfolio(
        tmp_path,
        projects=rows,
        demand=dev({"F": 1, "K": 1, "P": 1, "N": 0}),
        capacity=[{"role": "dev", "fte": 2}],
        dependencies=[{"project_id": "K", "depends_on": "N", "kind": "finish_to_start"}],
    )
    sc = scen()
    plan = ok(pf, sc, rank_and_fill(pf, sc))
    # F in flight at m0; K committed needs N first (pulled in as mandatory); P, worth most, waits
    assert plan.starts == {"F": "2027-01", "K": "2027-02", "P": "2027-03", "N": "2027-01"}
    forced = scen(force_out=("F",), force_in=("N",))
    plan = ok(pf, forced, rank_and_fill(pf, forced))
    assert plan.starts == {"F": None, "K": "2027-02", "P": "2027-01", "N": "2027-01"}


def test_mandatory_work_that_cannot_fit_is_infeasible(tmp_path):
    rows = projects(("K", 3, 1, 0), ("P", 1, 10, 0))
    rows[0]["status"] = "committed"
    rows[0]["deadline"] = "2027-03"
    pf = make_portfolio(
        tmp_path,
        projects=rows,
        demand=dev({"K": 3, "P": 1}),
        capacity=[{"role": "dev", "fte": 2}],
    )
    plan = rank_and_fill(pf, scen())
    assert plan.status == "infeasible" and plan.selected == []
    assert "K (committed) does not fit" in plan.message
    assert "dev needs 3 FTE in 2027-01 but only 2 is free" in plan.message
    assert "no later start up to 2027-01" not in plan.message  # only one start is possible

    late = make_portfolio(
        tmp_path / "late",
        projects=[{**rows[0], "deadline": None, "earliest_start": "2027-03"}, rows[1]],
        demand=dev({"K": 1, "P": 1}),
        capacity=[{"role": "dev", "fte": 2}],
    )
    plan = rank_and_fill(late, scen())
    assert plan.status == "infeasible"
    assert "K (committed) does not fit: it needs 3 months from 2027-03" in plan.message
    assert "must finish by 2027-04" in plan.message


def test_excluded_mandatory_pair_is_infeasible(tmp_path):
    rows = projects(("A", 1, 1, 0), ("B", 1, 1, 0))
    pf = make_portfolio(
        tmp_path,
        projects=rows,
        demand=dev({"A": 1, "B": 1}),
        capacity=[{"role": "dev", "fte": 2}],
        dependencies=[{"project_id": "A", "depends_on": "B", "kind": "excludes"}],
    )
    sc = scen(force_in=("A", "B"))
    plan = rank_and_fill(pf, sc)
    assert plan.status == "infeasible" and "exclude each other" in plan.message


def test_risk_cap_skips_what_would_lift_the_average(tmp_path):
    rows = projects(("A", 1, 10, 0), ("B", 1, 9, 0), ("C", 1, 8, 0))
    for row, risk in zip(rows, (0.2, 0.9, 0.3), strict=True):
        row["risk"] = risk
    pf = make_portfolio(
        tmp_path,
        projects=rows,
        demand=dev({"A": 1, "B": 1, "C": 1}),
        capacity=[{"role": "dev", "fte": 3}],
    )
    sc = scen(max_avg_risk=0.4)
    plan = ok(pf, sc, rank_and_fill(pf, sc))
    assert plan.selected == ["A", "C"]
    assert "average risk" in plan.details["skipped"]["B"]


def test_category_shortfall_is_stated_not_hidden(tmp_path):
    rows = projects(("A", 1, 10, 100), ("B", 1, 1, 10))
    rows[0]["category"], rows[1]["category"] = "Run", "Growth"
    pf = make_portfolio(
        tmp_path,
        projects=rows,
        demand=dev({"A": 1, "B": 1}),
        capacity=[{"role": "dev", "fte": 2}],
        categories=[{"category": "Growth", "min_share": 0.5}],
    )
    plan = rank_and_fill(pf, scen())
    assert plan.selected == ["A", "B"]
    assert "WARNING" in plan.message and "category Growth" in plan.message
    assert [v.rule for v in check_plan(pf, scen(), plan)] == ["category"]
    assert plan.details["violations"]


def test_makespan_is_serial_list_scheduling(tmp_path):
    pf = make_portfolio(
        tmp_path,
        projects=projects(("A", 2, 3, 0), ("B", 1, 2, 0), ("C", 1, 1, 0)),
        demand=dev({"A": 1, "B": 2, "C": 1}),
        capacity=[{"role": "dev", "fte": 2}],
        dependencies=[{"project_id": "A", "depends_on": "C", "kind": "finish_to_start"}],
    )
    sc = scen(objective="makespan", horizon_months=6)
    plan = ok(pf, sc, rank_and_fill(pf, sc))
    # B first (C must precede A): B m0; C m1; A m2-m3 -> 4 months
    assert plan.starts == {"A": "2027-03", "B": "2027-01", "C": "2027-02"}
    assert plan.objective == 4


def test_value_minus_delay_objective_counts_the_delay(tmp_path):
    rows = projects(("X", 2, 10, 0), ("Y", 2, 8, 0))
    for row in rows:
        row["cost_of_delay"] = 1.5
    pf = make_portfolio(
        tmp_path, projects=rows, demand=dev({"X": 2, "Y": 2}), capacity=[{"role": "dev", "fte": 2}]
    )
    sc = scen(objective="value_minus_delay")
    plan = ok(pf, sc, rank_and_fill(pf, sc))
    assert plan.starts == {"X": "2027-01", "Y": "2027-03"}
    assert plan.objective == pytest.approx(10 + 8 - 1.5 * 2)


def test_sample_portfolio_passes_the_check():
    from pmo_opt.inputs.load import load_portfolio
    from pmo_opt.paths import SAMPLE_DIR

    if not (SAMPLE_DIR / "projects.csv").exists():
        pytest.skip("data/sample is not written yet")
    pf = load_portfolio(SAMPLE_DIR)
    for objective in ("value", "makespan"):
        sc = Scenario(objective=objective)
        plan = rank_and_fill(pf, sc)
        if plan.status == "feasible":
            found = check_plan(pf, sc, plan)
            assert {v.rule for v in found} <= {"category", "risk"}, found


# ---- speed ---------------------------------------------------------------------------------------


def big_portfolio(n=3000, T=48, R=50, seed=1):
    rng = np.random.default_rng(seed)
    ids = [f"P{i:04d}" for i in range(n)]
    dur = rng.integers(3, 13, n)
    start = "2027-01"
    pr = pd.DataFrame(
        {
            "project_id": ids,
            "duration": dur.astype(str),
            "benefit": rng.uniform(1, 100, n).round(2).astype(str),
            "cost": np.where(rng.random(n) < 0.5, rng.uniform(10, 500, n).round(0), np.nan),
            "category": rng.choice(["Run", "Grow", "Change"], n),
            "risk": rng.uniform(0, 1, n).round(2).astype(str),
            "earliest_start": [months.shift(start, int(k)) for k in rng.integers(0, 24, n)],
        }
    )
    pr["cost"] = pr["cost"].map(lambda c: "" if np.isnan(c) else str(c))
    rows = []
    for i, p in enumerate(ids):
        for r in rng.choice(R, 3, replace=False):
            for k in range(dur[i]):
                rows.append((p, f"R{r:02d}", str(round(rng.uniform(0.2, 2), 2)), str(k)))
    dm = pd.DataFrame(rows, columns=["project_id", "role", "fte", "month_offset"])
    cp = pd.DataFrame({"role": [f"R{r:02d}" for r in range(R)], "fte": "20"})
    rl = pd.DataFrame({"role": [f"R{r:02d}" for r in range(R)], "cost_per_fte_month": "10"})
    budget = [("total", "400000")] + [(str(y), "120000") for y in (2027, 2028, 2029, 2030)]
    budget += [(months.shift(start, t), "12000") for t in range(T)]
    bd = pd.DataFrame(budget, columns=["period", "amount"])
    dp = pd.DataFrame(
        {
            "project_id": ids[1::50],
            "depends_on": ids[0::50][: len(ids[1::50])],
            "kind": "finish_to_start",
        }
    )
    tables = {
        name: RawTable(name, f"{name}.csv", frame.astype(str))
        for name, frame in {
            "projects": pr,
            "demand": dm,
            "capacity": cp,
            "roles": rl,
            "budget": bd,
            "dependencies": dp,
        }.items()
    }
    return build_portfolio(tables), Scenario(horizon_start=start, horizon_months=T)


@pytest.mark.slow
def test_three_thousand_projects_in_seconds():
    pf, sc = big_portfolio()
    t0 = time.perf_counter()
    plan = rank_and_fill(pf, sc)
    seconds = time.perf_counter() - t0
    assert plan.status == "feasible"
    assert 0 < len(plan.selected) < len(pf.projects)
    assert check_plan(pf, sc, plan) == []
    assert seconds < 15, f"rank_and_fill took {seconds:.1f} s"


# ---- properties on random small portfolios ------------------------------------------------------


def raw(name: str, rows: list[dict]) -> RawTable:
    required, optional = TABLES[name]
    cols = [c for c in (*required, *optional) if any(c in r for r in rows)] or list(required)
    frame = pd.DataFrame(
        [{c: "" if r.get(c) is None else str(r[c]) for c in cols} for r in rows],
        columns=cols,
        dtype=str,
    )
    return RawTable(name, f"{name}.csv", frame)


@st.composite
def small_cases(draw, dependencies=True, extras=True):
    """Up to 8 projects over up to 6 months and 2 roles, with every optional rule."""
    T = draw(st.integers(1, 6))
    n = draw(st.integers(1, 8))
    start = "2027-01"
    ids = [f"P{i}" for i in range(n)]
    month = st.integers(0, T - 1).map(lambda t: months.shift(start, t))
    rows = []
    for p in ids:
        d = draw(st.integers(1, min(3, T)))
        rows.append(
            {
                "project_id": p,
                "duration": d,
                "benefit": draw(st.integers(0, 20)),
                "cost": draw(st.one_of(st.none(), st.integers(0, 30))),
                "risk": draw(st.sampled_from([0.1, 0.5, 0.9])),
                "category": draw(st.sampled_from(["Run", "Grow"])),
                "cost_of_delay": draw(st.integers(0, 3)),
                "status": draw(
                    st.sampled_from(["proposed"] * 6 + ["committed", "in_flight"])
                    if extras
                    else st.just("proposed")
                ),
                "earliest_start": draw(st.one_of(st.none(), month)),
                "deadline": draw(st.one_of(st.none(), month)),
            }
        )
    demand = []
    for row in rows:
        for role in ("dev", "ops"):
            for k in range(row["duration"]):
                fte = draw(st.sampled_from([0, 0, 0.5, 1, 2]))
                if fte:
                    demand.append(
                        {
                            "project_id": row["project_id"],
                            "role": role,
                            "fte": fte,
                            "month_offset": k,
                        }
                    )
    capacity = [
        {"role": r, "fte": draw(st.sampled_from([0, 1, 2, 3])), "month": None}
        for r in ("dev", "ops")
    ]
    if draw(st.booleans()):
        capacity.append(
            {"role": "dev", "fte": draw(st.sampled_from([0, 1, 4])), "month": draw(month)}
        )
    roles = [
        {"role": "dev", "cost_per_fte_month": 3},
        {"role": "ops", "cost_per_fte_month": None},
    ]
    budget = []
    for period in draw(
        st.lists(st.sampled_from(["total", "2027", "2027-Q1", "2027-02"]), max_size=3)
    ):
        budget.append({"period": period, "amount": draw(st.integers(0, 60))})
    deps = []
    if dependencies and n > 1:
        for _ in range(draw(st.integers(0, 3))):
            a, b = draw(st.permutations(ids))[:2]
            kind = draw(st.sampled_from(["requires", "finish_to_start", "excludes"]))
            # keep the requires/finish_to_start graph acyclic: successors have higher numbers
            if kind != "excludes" and a < b:
                a, b = b, a
            deps.append({"project_id": a, "depends_on": b, "kind": kind})
    tables = {
        "projects": raw("projects", rows),
        "demand": raw("demand", demand or [{"project_id": ids[0], "role": "dev", "fte": 0}]),
        "capacity": raw("capacity", capacity),
        "roles": raw("roles", roles),
    }
    if budget:
        tables["budget"] = raw("budget", budget)
    if deps:
        tables["dependencies"] = raw("dependencies", deps)
    if extras and draw(st.booleans()):
        tables["categories"] = raw(
            "categories", [{"category": "Grow", "min_share": 0.3, "max_share": 0.8}]
        )
    pf = build_portfolio(tables)
    kw = {"horizon_start": start, "horizon_months": T}
    kw["objective"] = draw(st.sampled_from(["value", "benefit", "value_minus_delay", "makespan"]))
    if extras:
        forced = draw(st.lists(st.sampled_from(ids), max_size=2, unique=True))
        kw["force_in"] = tuple(forced[:1])
        kw["force_out"] = tuple(forced[1:])
        kw["max_avg_risk"] = draw(st.sampled_from([None, 0.4, 0.6]))
    return pf, Scenario(**kw)


@pytest.mark.slow
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_cases())
def test_every_baseline_plan_passes_the_check(case):
    pf, sc = case
    plan = rank_and_fill(pf, sc)
    if plan.status == "infeasible":
        assert plan.selected == [] and "cannot place mandatory work" in plan.message
        return
    assert plan.status == "feasible"
    found = check_plan(pf, sc, plan)
    # greedy cannot promise shares, nor repair a risk cap that mandatory work already breaks
    assert {v.rule for v in found} <= {"category", "risk"}, found
    assert bool(found) == ("WARNING" in plan.message)
    if any(v.rule == "risk" for v in found):  # only when mandatory work alone breaks the cap
        mandatory = plan.details["mandatory"]
        assert pf.projects.loc[mandatory, "risk"].mean() > sc.max_avg_risk


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_cases(dependencies=False, extras=False))
def test_nothing_left_out_would_still_fit(case):
    """Without dependencies, risk cap or shares the greedy plan is maximal: adding any project
    it left out, at any start, breaks a rule."""
    pf, sc = case
    plan = rank_and_fill(pf, sc)
    if plan.status == "infeasible":  # makespan: everything is mandatory and may not fit
        assert sc.objective == "makespan"
        return
    assert_plan_ok(pf, sc, plan)
    horizon = resolve_horizon(pf, sc)
    for p in plan.projects.index[~plan.projects["selected"]]:
        d = int(pf.projects.at[p, "duration"])
        for s in horizon[: len(horizon) - d + 1]:
            table = plan.projects.copy()
            table.loc[p, ["selected", "start", "finish"]] = [True, s, months.shift(s, d - 1)]
            bigger = replace(plan, projects=table)
            assert check_plan(pf, sc, bigger), f"{p} would fit at {s}"
