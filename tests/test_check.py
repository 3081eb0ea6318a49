"""check_plan: for every rule of docs/model.md, a plan broken in exactly that rule is flagged (with
the rule and a message naming the project, role, month or period) and the same plan fixed passes."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest
from builders import make_portfolio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_rank_fill import small_cases  # random small portfolios

from pmo_opt.engine.check import RULES, Violation, assert_plan_ok, check_plan, violations_table
from pmo_opt.engine.plan import make_plan
from pmo_opt.errors import InputError
from pmo_opt.inputs import months
from pmo_opt.inputs.scenario import Scenario, resolve_horizon

H6 = {"horizon_start": "2027-01", "horizon_months": 6}

# A: 2 months, Dev 1 each month, cost 200 (100 a month), Growth, risk 0.2
# B: 3 months, Dev 1 / 2 / 1, cost 300 (100 a month), Run, risk 0.6
# C: 1 month, Data Engineer 3, no cost -> labour 3 * 20 = 60, Run, risk 0.4
# capacity: Dev 2, Data Engineer 6 every month
GOOD = {"A": "2027-01", "B": "2027-02", "C": "2027-01"}


def scen(**kw) -> Scenario:
    return Scenario(**{**H6, **kw})


def portfolio(tmp_path, status=None, **extra):
    tables = {
        "projects": [
            {
                "project_id": "A",
                "name": "CRM rebuild",
                "duration": 2,
                "cost": 200,
                "benefit": 50,
                "category": "Growth",
                "risk": 0.2,
            },
            {
                "project_id": "B",
                "name": "Data lake",
                "duration": 3,
                "cost": 300,
                "benefit": 40,
                "category": "Run",
                "risk": 0.6,
            },
            {
                "project_id": "C",
                "name": "Audit",
                "duration": 1,
                "cost": "",
                "benefit": 10,
                "category": "Run",
                "risk": 0.4,
            },
        ],
        "demand": [
            {"project_id": "A", "role": "Dev", "fte": 1, "month_offset": ""},
            {"project_id": "B", "role": "Dev", "fte": 1, "month_offset": 0},
            {"project_id": "B", "role": "Dev", "fte": 2, "month_offset": 1},
            {"project_id": "B", "role": "Dev", "fte": 1, "month_offset": 2},
            {"project_id": "C", "role": "Data Engineer", "fte": 3, "month_offset": ""},
        ],
        "capacity": [{"role": "Dev", "fte": 2}, {"role": "Data Engineer", "fte": 6}],
        "roles": [
            {
                "role": "Dev",
                "cost_per_fte_month": 10,
                "hire_cost_per_fte_month": 5,
                "max_hire_fte": 1,
            },
            {"role": "Data Engineer", "cost_per_fte_month": 20},
        ],
    }
    for row in tables["projects"]:
        row["status"] = (status or {}).get(row["project_id"], "proposed")
    for name, rows in extra.items():
        tables[name] = rows
    return make_portfolio(tmp_path / "pf", **tables)


def plan_for(pf, sc, starts, hires=None):
    hires_frame = pd.DataFrame(hires, columns=["role", "month", "fte"]) if hires else None
    return make_plan(pf, sc, resolve_horizon(pf, sc), starts, hires=hires_frame, status="feasible")


def moved(plan, pf, **starts):
    """``plan`` with some starts (and their finishes) rewritten, even outside the horizon
    (``make_plan`` only builds plans inside it)."""
    table = plan.projects.copy()
    for p, start in starts.items():
        table.loc[p, "selected"] = True
        table.loc[p, "start"] = start
        table.loc[p, "finish"] = months.shift(start, int(pf.projects.at[p, "duration"]) - 1)
    return replace(plan, projects=table)


def only(violations: list[Violation], rule: str) -> list[Violation]:
    assert all(v.rule in RULES for v in violations)
    found = [v for v in violations if v.rule == rule]
    others = [v for v in violations if v.rule != rule]
    assert not others, f"expected only {rule!r} violations, also got: {others}"
    assert found, f"expected a {rule!r} violation"
    return found


def test_good_plan_passes(tmp_path):
    pf, sc = portfolio(tmp_path), scen()
    plan = plan_for(pf, sc, GOOD)
    assert check_plan(pf, sc, plan) == []
    assert_plan_ok(pf, sc, plan)
    assert violations_table([]).columns.tolist() == [
        "rule",
        "project_id",
        "role",
        "month",
        "period",
        "amount",
        "message",
    ]


# ---- rule 1: window ---------------------------------------------------------------------------


def test_window_horizon_start_and_end(tmp_path):
    pf, sc = portfolio(tmp_path), scen()
    good = plan_for(pf, sc, GOOD)
    (v,) = only(check_plan(pf, sc, moved(good, pf, C="2026-12")), "window")
    assert v.project_id == "C" and "before the horizon starts" in v.message
    assert "C (Audit)" in v.message
    (v,) = only(check_plan(pf, sc, moved(good, pf, B="2027-05")), "window")
    assert v.project_id == "B" and v.month == "2027-07" and v.amount == 1
    assert "after the horizon ends (2027-06)" in v.message


def test_window_earliest_start_and_deadline(tmp_path):
    rows = [
        {"project_id": "A", "duration": 2, "cost": 200, "earliest_start": "2027-02"},
        {"project_id": "B", "duration": 3, "cost": 300, "deadline": "2027-04"},
    ]
    pf = make_portfolio(
        tmp_path / "w",
        projects=rows,
        demand=[{"project_id": p, "role": "Dev", "fte": 0.5} for p in "AB"],
        capacity=[{"role": "Dev", "fte": 2}],
    )
    sc = scen()
    bad = check_plan(pf, sc, plan_for(pf, sc, {"A": "2027-01", "B": "2027-03"}))
    assert len(only(bad, "window")) == 2
    early = next(v for v in bad if v.project_id == "A")
    late = next(v for v in bad if v.project_id == "B")
    assert "before its earliest start 2027-02" in early.message and early.month == "2027-01"
    assert "after its deadline 2027-04" in late.message and late.amount == 1
    assert check_plan(pf, sc, plan_for(pf, sc, {"A": "2027-02", "B": "2027-02"})) == []


# ---- consistency and horizon ------------------------------------------------------------------


def test_selected_start_and_finish_must_agree(tmp_path):
    pf, sc = portfolio(tmp_path), scen()
    plan = plan_for(pf, sc, GOOD)
    table = plan.projects.copy()
    table.loc["B", "finish"] = "2027-05"  # really 2027-04
    table.loc["C", "selected"] = False  # but it has a start
    broken = replace(plan, projects=table)
    found = only(check_plan(pf, sc, broken), "consistency")
    assert {v.project_id for v in found} == {"B", "C"}
    assert any("finishes 2027-04, but the plan says 2027-05" in v.message for v in found)
    assert any("not marked selected" in v.message for v in found)

    table = plan.projects.copy()
    table.loc["C", ["start", "finish"]] = None  # selected without a start
    found = check_plan(pf, sc, replace(plan, projects=table))
    assert any(v.rule == "consistency" and v.project_id == "C" for v in found)

    missing = replace(plan, projects=plan.projects.drop(index="A"))
    (v,) = only(check_plan(pf, sc, missing), "consistency")
    assert v.project_id == "A" and "missing from the plan" in v.message


def test_plan_horizon_must_be_the_scenarios(tmp_path):
    pf, sc = portfolio(tmp_path), scen()
    plan = plan_for(pf, sc, GOOD)
    (v,) = only(check_plan(pf, sc, replace(plan, horizon=plan.horizon[:5])), "horizon")
    assert "2027-01..2027-05" in v.message and "2027-01..2027-06" in v.message


# ---- rules 2 and 3: status and board decisions -------------------------------------------------


def test_committed_must_be_selected(tmp_path):
    pf = portfolio(tmp_path, status={"B": "committed"})
    sc = scen()
    (v,) = only(check_plan(pf, sc, plan_for(pf, sc, {"A": "2027-01"})), "status")
    assert v.project_id == "B" and "committed but not selected" in v.message
    assert check_plan(pf, sc, plan_for(pf, sc, {"B": "2027-02"})) == []


def test_in_flight_starts_in_first_month(tmp_path):
    pf = portfolio(tmp_path, status={"B": "in_flight"})
    sc = scen()
    (v,) = only(check_plan(pf, sc, plan_for(pf, sc, {"B": "2027-02"})), "status")
    assert v.project_id == "B" and "must start in the first month 2027-01" in v.message
    (v,) = only(check_plan(pf, sc, plan_for(pf, sc, {})), "status")
    assert "in-flight but not selected" in v.message
    assert check_plan(pf, sc, plan_for(pf, sc, {"B": "2027-01"})) == []


def test_force_in_and_force_out(tmp_path):
    pf = portfolio(tmp_path)
    sc = scen(force_in=("C",), force_out=("A",))
    found = check_plan(pf, sc, plan_for(pf, sc, {"A": "2027-01", "B": "2027-02"}))
    assert sorted(v.rule for v in found) == ["force_in", "force_out"]
    assert all(v.project_id in ("A", "C") and v.project_id in v.message for v in found)
    assert check_plan(pf, sc, plan_for(pf, sc, {"B": "2027-02", "C": "2027-01"})) == []


def test_force_out_wins_over_committed(tmp_path):
    pf = portfolio(tmp_path, status={"B": "in_flight"})
    sc = scen(force_out=("B",))
    assert check_plan(pf, sc, plan_for(pf, sc, {})) == []


def test_unknown_forced_id_is_an_input_error(tmp_path):
    pf = portfolio(tmp_path)
    sc = scen(force_in=("Z9",))
    with pytest.raises(InputError, match="Z9"):
        check_plan(pf, sc, plan_for(pf, scen(), {}))


# ---- rules 4 and 5: capacity and hiring --------------------------------------------------------


def test_capacity_per_role_month(tmp_path):
    pf, sc = portfolio(tmp_path), scen()
    bad = {**GOOD, "B": "2027-01"}  # Feb: A 1 + B 2 = 3 Dev of 2
    (v,) = only(check_plan(pf, sc, plan_for(pf, sc, bad)), "capacity")
    assert (v.role, v.month, v.amount) == ("Dev", "2027-02", pytest.approx(1.0))
    assert v.message == "Dev: 3.0 FTE planned in 2027-02 but 2.0 available (+0.0 hired)"
    # the same plan with one extra Dev (scenario extra_fte) is fine
    assert check_plan(pf, scen(extra_fte={"Dev": 1}), plan_for(pf, sc, bad)) == []


def test_capacity_scale_and_dated_capacity(tmp_path):
    pf, sc = portfolio(tmp_path), scen(capacity_scale=0.5)  # Dev 1
    found = only(check_plan(pf, sc, plan_for(pf, sc, GOOD)), "capacity")
    assert {v.month for v in found} == {"2027-02", "2027-03"}  # A+B = 2, then B = 2
    assert all(v.role == "Dev" and "1.0 available" in v.message for v in found)
    # a dated row replaces the undated figure in its month only
    dated = portfolio(
        tmp_path / "d",
        capacity=[
            {"role": "Dev", "fte": 2, "month": ""},
            {"role": "Dev", "fte": 1.5, "month": "2027-03"},
            {"role": "Data Engineer", "fte": 6, "month": ""},
        ],
    )
    sc = scen()
    (v,) = only(check_plan(dated, sc, plan_for(dated, sc, GOOD)), "capacity")
    assert (v.month, v.amount) == ("2027-03", pytest.approx(0.5))


def test_hires_add_capacity_only_when_allowed(tmp_path):
    pf = portfolio(tmp_path)
    bad = {**GOOD, "B": "2027-01"}
    hire = [("Dev", "2027-02", 1.0)]
    allowed = scen(allow_hiring=True)
    assert check_plan(pf, allowed, plan_for(pf, allowed, bad, hire)) == []
    sc = scen()
    (v,) = only(check_plan(pf, sc, plan_for(pf, sc, bad, hire)), "hiring")
    assert (v.role, v.month) == ("Dev", "2027-02") and "does not allow hiring" in v.message


def test_hiring_limit_per_role(tmp_path):
    pf, sc = portfolio(tmp_path), scen(allow_hiring=True)
    found = only(check_plan(pf, sc, plan_for(pf, sc, GOOD, [("Dev", "2027-04", 1.5)])), "hiring")
    assert found[0].role == "Dev" and found[0].amount == pytest.approx(0.5)
    assert "at most 1.0" in found[0].message
    # Data Engineer has no max_hire_fte: no hiring at all
    (v,) = only(
        check_plan(pf, sc, plan_for(pf, sc, GOOD, [("Data Engineer", "2027-01", 0.5)])), "hiring"
    )
    assert v.role == "Data Engineer" and v.month == "2027-01"


# ---- rules 6 and 7: spend and budget ------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "amount", "over"),
    [
        ("total", 500, 60),  # 200 + 300 + 60 labour
        ("2027", 520, 40),
        ("2027-Q1", 400, 60),  # Jan A 100 + C 60, Feb A 100 + B 100, Mar B 100
        ("2027-01", 150, 10),
    ],
)
def test_budget_per_period(tmp_path, period, amount, over):
    pf = portfolio(tmp_path, budget=[{"period": period, "amount": amount}])
    sc = scen()
    (v,) = only(check_plan(pf, sc, plan_for(pf, sc, GOOD)), "budget")
    assert v.period == period and v.amount == pytest.approx(over)
    assert f"budget {period}:" in v.message
    # one project fewer fits every one of these limits
    assert check_plan(pf, sc, plan_for(pf, sc, {"A": "2027-01", "B": "2027-02"})) == []


def test_budget_scale_and_periods_outside_the_horizon(tmp_path):
    pf = portfolio(
        tmp_path,
        budget=[{"period": "total", "amount": 1000}, {"period": "2028-Q1", "amount": 0}],
    )
    assert check_plan(pf, scen(), plan_for(pf, scen(), GOOD)) == []
    sc = scen(budget_scale=0.5)
    (v,) = only(check_plan(pf, sc, plan_for(pf, sc, GOOD)), "budget")
    assert v.period == "total" and v.amount == pytest.approx(60)


def test_hire_cost_counts_against_budget(tmp_path):
    pf = portfolio(tmp_path, budget=[{"period": "2027-01", "amount": 160}])
    sc = scen(allow_hiring=True)
    assert check_plan(pf, sc, plan_for(pf, sc, GOOD)) == []
    (v,) = only(check_plan(pf, sc, plan_for(pf, sc, GOOD, [("Dev", "2027-01", 1.0)])), "budget")
    assert v.period == "2027-01" and v.amount == pytest.approx(5)


# ---- rule 8: dependencies -------------------------------------------------------------------------


def test_requires(tmp_path):
    pf = portfolio(
        tmp_path, dependencies=[{"project_id": "B", "depends_on": "A", "kind": "requires"}]
    )
    sc = scen()
    (v,) = only(check_plan(pf, sc, plan_for(pf, sc, {"B": "2027-02"})), "requires")
    assert v.project_id == "B" and "needs A (CRM rebuild)" in v.message
    assert check_plan(pf, sc, plan_for(pf, sc, {"A": "2027-01"})) == []  # A alone is fine


def test_finish_to_start(tmp_path):
    pf = portfolio(
        tmp_path, dependencies=[{"project_id": "B", "depends_on": "A", "kind": "finish_to_start"}]
    )
    sc = scen()
    (v,) = only(check_plan(pf, sc, plan_for(pf, sc, GOOD)), "finish_to_start")
    assert v.project_id == "B" and "finishes in 2027-02" in v.message and v.amount == 1
    assert check_plan(pf, sc, plan_for(pf, sc, {**GOOD, "B": "2027-03"})) == []
    (v,) = only(check_plan(pf, sc, plan_for(pf, sc, {"B": "2027-03"})), "finish_to_start")
    assert "which is not" in v.message


def test_excludes(tmp_path):
    pf = portfolio(
        tmp_path, dependencies=[{"project_id": "A", "depends_on": "C", "kind": "excludes"}]
    )
    sc = scen()
    (v,) = only(check_plan(pf, sc, plan_for(pf, sc, GOOD)), "excludes")
    assert "A (CRM rebuild) and C (Audit) exclude each other" in v.message
    assert check_plan(pf, sc, plan_for(pf, sc, {"A": "2027-01", "B": "2027-02"})) == []


# ---- rules 9 and 10: category balance and risk -------------------------------------------------


def test_category_min_and_max_share(tmp_path):
    pf = portfolio(
        tmp_path,
        categories=[
            {"category": "Growth", "min_share": 0.5, "max_share": ""},
            {"category": "Run", "min_share": "", "max_share": 0.5},
        ],
    )
    sc = scen()
    found = only(check_plan(pf, sc, plan_for(pf, sc, GOOD)), "category")
    # Growth 200 of 560 = 35.7% < 50%; Run 360 of 560 = 64.3% > 50%
    assert len(found) == 2
    low = next(v for v in found if "Growth" in v.message)
    high = next(v for v in found if "Run" in v.message)
    assert "at least 50.0%" in low.message and low.amount == pytest.approx(80)
    assert "at most 50.0%" in high.message and high.amount == pytest.approx(80)
    assert check_plan(pf, sc, plan_for(pf, sc, {"A": "2027-01", "C": "2027-01"})) == []


def test_max_avg_risk(tmp_path):
    pf, sc = portfolio(tmp_path), scen(max_avg_risk=0.3)
    (v,) = only(check_plan(pf, sc, plan_for(pf, sc, GOOD)), "risk")  # mean 0.4
    assert v.amount == pytest.approx(0.1) and "0.4" in v.message
    assert check_plan(pf, sc, plan_for(pf, sc, {"A": "2027-01", "C": "2027-01"})) == []


def test_makespan_selects_everything_not_forced_out(tmp_path):
    pf = portfolio(tmp_path)
    sc = scen(objective="makespan")
    (v,) = only(check_plan(pf, sc, plan_for(pf, sc, {"A": "2027-01", "B": "2027-02"})), "makespan")
    assert v.project_id == "C"
    assert check_plan(pf, sc, plan_for(pf, sc, GOOD)) == []
    out = scen(objective="makespan", force_out=("C",))
    assert check_plan(pf, out, plan_for(pf, out, {"A": "2027-01", "B": "2027-02"})) == []


# ---- reporting ----------------------------------------------------------------------------------


def test_assert_and_table_list_every_violation(tmp_path):
    pf = portfolio(tmp_path, budget=[{"period": "total", "amount": 100}])
    sc = scen(max_avg_risk=0.1)
    plan = plan_for(pf, sc, {**GOOD, "B": "2027-01"})
    found = check_plan(pf, sc, plan)
    assert {v.rule for v in found} == {"capacity", "budget", "risk"}
    with pytest.raises(AssertionError) as info:
        assert_plan_ok(pf, sc, plan)
    for v in found:
        assert v.message in str(info.value)
    table = violations_table(found)
    assert len(table) == len(found)
    assert table.loc[table["rule"] == "capacity", "role"].tolist() == ["Dev"]
    assert table.loc[table["rule"] == "budget", "period"].tolist() == ["total"]


def test_tolerance_is_relative(tmp_path):
    pf = portfolio(tmp_path, budget=[{"period": "total", "amount": 559.9999}])
    sc = scen()
    assert check_plan(pf, sc, plan_for(pf, sc, GOOD), tol=1e-6) == []
    assert only(check_plan(pf, sc, plan_for(pf, sc, GOOD), tol=1e-9), "budget")


# ---- cross-check with the plan's own load and spend tables -------------------------------------


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_capacity_and_budget_agree_with_the_plan_tables(data):
    """check_plan (row loops) and make_plan's load/spend (pandas) are written independently:
    on random plans they must flag the same role-months and budget periods."""
    pf, sc = data.draw(small_cases(dependencies=False, extras=False))
    sc = sc.replace(
        capacity_scale=data.draw(st.sampled_from([0.5, 1.0, 1.5])),
        budget_scale=data.draw(st.sampled_from([0.5, 1.0])),
        extra_fte={"ops": data.draw(st.sampled_from([0.0, 1.0]))},
    )
    horizon = resolve_horizon(pf, sc)
    starts = {}
    for p, d in pf.projects["duration"].items():
        options = [None, *horizon[: len(horizon) - int(d) + 1]]
        starts[p] = data.draw(st.sampled_from(options))
    plan = make_plan(pf, sc, horizon, starts, status="feasible")
    found = check_plan(pf, sc, plan)
    assert {v.rule for v in found} <= {"capacity", "budget", "window", "makespan"}

    load = plan.load
    over = load["demand_fte"] > load["capacity_fte"] + 1e-6 * load["capacity_fte"].clip(lower=1)
    expected = set(zip(load.loc[over, "role"], load.loc[over, "month"], strict=True))
    assert {(v.role, v.month) for v in found if v.rule == "capacity"} == expected

    spent = dict(zip(plan.spend["month"], plan.spend["total"], strict=True))
    broken = set()
    for period, amount in zip(pf.budget["period"], pf.budget["amount"], strict=True):
        covered = months.period_months(period) or horizon
        limit = amount * sc.budget_scale
        if sum(spent.get(m, 0.0) for m in covered) > limit + 1e-6 * max(1.0, limit):
            broken.add(period)
    assert {v.period for v in found if v.rule == "budget"} == broken
