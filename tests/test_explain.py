"""Why-not explanations, binding limits, infeasibility diagnosis and hiring advice on small,
hand-solved portfolios: every suggestion is applied to the data and re-solved."""

from __future__ import annotations

import pytest
from builders import make_portfolio

from pmo_opt.analysis.diagnose import diagnose_infeasibility
from pmo_opt.analysis.explain import binding_constraints, bring_in, why_not
from pmo_opt.analysis.hiring import hiring_advice, marginal_fte_value
from pmo_opt.analysis.relaxation import apply_relaxation
from pmo_opt.cli import main
from pmo_opt.engine.check import check_plan
from pmo_opt.engine.optimise import optimise
from pmo_opt.inputs.scenario import Scenario

H4 = {"horizon_start": "2027-01", "horizon_months": 4}


def scen(months: int = 4, **kw) -> Scenario:
    return Scenario(horizon_start="2027-01", horizon_months=months, **kw)


def three(tmp_path, **extra):
    """A, B, C (values 10, 8, 5) each need 2 dev for two months and cost 100; dev has 2 FTE."""
    tables = {
        "projects": [
            {"project_id": "A", "name": "Alpha", "duration": 2, "benefit": 10, "cost": 100},
            {"project_id": "B", "name": "Beta", "duration": 2, "benefit": 8, "cost": 100},
            {"project_id": "C", "name": "Gamma", "duration": 2, "benefit": 5, "cost": 100},
        ],
        "demand": [{"project_id": p, "role": "dev", "fte": 2} for p in "ABC"],
        "capacity": [{"role": "dev", "fte": 2}],
    }
    tables.update(extra)
    return make_portfolio(tmp_path, **tables)


def clash(tmp_path):
    """Two committed projects that need 2 of 3 dev for three months and must overlap."""
    return make_portfolio(
        tmp_path,
        projects=[
            {
                "project_id": "A",
                "name": "Alpha",
                "duration": 3,
                "benefit": 5,
                "cost": 30,
                "status": "committed",
                "deadline": "2027-03",
            },
            {
                "project_id": "B",
                "name": "Beta",
                "duration": 3,
                "benefit": 5,
                "cost": 30,
                "status": "committed",
                "deadline": "2027-04",
            },
            {"project_id": "C", "name": "Gamma", "duration": 1, "benefit": 1, "cost": 10},
        ],  # fmt: skip
        demand=[
            {"project_id": "A", "role": "dev", "fte": 2},
            {"project_id": "B", "role": "dev", "fte": 2},
            {"project_id": "C", "role": "dev", "fte": 1},
        ],
        capacity=[{"role": "dev", "fte": 3}],
    )


# --------------------------------------------------------------------------------------------
# infeasibility


def test_diagnosis_names_role_and_months_and_relaxing_makes_it_feasible(tmp_path):
    pf, sc = clash(tmp_path), scen(6)
    plan = optimise(pf, sc)
    assert plan.status == "infeasible"
    d = diagnose_infeasibility(pf, sc, plan)
    assert not d.feasible
    # A must run Jan-Mar; B must start by Feb: the cheapest fix is 1 dev in Feb and Mar
    assert d.sentences[1] == "dev is 1 FTE short in 2027-02 to 2027-03."
    first = d.relaxations[d.relaxations["option"] == 1]
    assert set(first["kind"]) == {"capacity"}
    assert sorted(first["month"]) == ["2027-02", "2027-03"]
    assert first["amount"].tolist() == [1.0, 1.0]
    pf2, sc2 = d.apply(pf, sc, option=1)
    fixed = optimise(pf2, sc2)
    assert fixed.status == "optimal"
    assert check_plan(pf2, sc2, fixed) == []
    assert {"A", "B"} <= set(fixed.selected)


def test_diagnosis_offers_a_later_deadline_and_releasing_a_commitment(tmp_path):
    pf, sc = clash(tmp_path), scen(6)
    d = diagnose_infeasibility(pf, sc)
    text = " ".join(d.sentences)
    assert "Or: Move B Beta's deadline by two months (to 2027-06)." in d.sentences
    assert "Release A Alpha from" in text or "Release B Beta from its committed status" in text
    options = d.options.set_index("relax")
    assert options.loc["deadlines", "status"] == "optimal"
    for option in sorted(d.relaxations["option"].unique()):
        pf2, sc2 = d.apply(pf, sc, option=int(option))
        fixed = optimise(pf2, sc2)
        assert fixed.has_solution, option
        assert check_plan(pf2, sc2, fixed) == []


def test_diagnosis_of_a_feasible_case_says_so(tmp_path):
    d = diagnose_infeasibility(three(tmp_path), scen())
    assert d.feasible and len(d.relaxations) == 0


def test_diagnosis_of_a_budget_shortfall(tmp_path):
    pf = three(
        tmp_path,
        projects=[
            {"project_id": "A", "duration": 2, "benefit": 10, "cost": 100, "status": "committed"},
            {"project_id": "B", "duration": 2, "benefit": 8, "cost": 100, "status": "committed"},
            {"project_id": "C", "duration": 2, "benefit": 5, "cost": 100},
        ],
        budget=[{"period": "total", "amount": 150}],
    )
    d = diagnose_infeasibility(pf, scen(budget_scale=0.5))
    budget = d.relaxations[d.relaxations["kind"] == "budget"]
    assert budget["amount"].tolist() == [125.0]  # 200 needed, 75 given (150 x 0.5)
    assert "The total budget is 125 short." in d.sentences
    pf2, sc2 = d.apply(pf, scen(budget_scale=0.5), option=int(budget["option"].iloc[0]))
    assert pf2.budget["amount"].tolist() == [400.0]  # 150 + 125 / 0.5
    assert optimise(pf2, sc2).selected == ["A", "B"]


def test_plan_command_prints_the_diagnosis_and_exits_3(tmp_path, capsys):
    clash(tmp_path / "pf")
    code = main(
        ["plan", str(tmp_path / "pf"), "--set", "horizon_start=2027-01", "--set",
         "horizon_months=6", "--out", str(tmp_path / "out")]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 3
    assert "dev is 1 FTE short in 2027-02 to 2027-03" in out
    assert (tmp_path / "out" / "diagnosis.csv").exists()


# --------------------------------------------------------------------------------------------
# why not


def test_why_not_budget_suggestion_really_brings_the_project_in(tmp_path):
    pf = three(tmp_path, capacity=[{"role": "dev", "fte": 6}],
               budget=[{"period": "total", "amount": 200}])  # fmt: skip
    sc = scen()
    plan = optimise(pf, sc)
    assert plan.selected == ["A", "B"]
    s = bring_in(pf, sc, "C", plan)
    assert s.sentence == (
        "C Gamma would enter with 100 more in the total budget; "
        "forcing it in now costs 3 value points and displaces B."
    )
    rows = s.relaxations[s.relaxations["relax"] == "budget"]
    pf2, sc2 = apply_relaxation(pf, sc, rows)
    after = optimise(pf2, sc2)
    assert "C" in after.selected and check_plan(pf2, sc2, after) == []
    assert bool(s.options.set_index("relax").loc["budget", "verified"]) is True
    # capacity is not what keeps C out: no amount of it alone helps
    assert s.options.set_index("relax").loc["capacity", "status"] == "infeasible"


def test_why_not_capacity_suggestion_really_brings_the_project_in(tmp_path):
    pf, sc = three(tmp_path), scen()
    table = why_not(pf, sc)
    assert table["project_id"].tolist() == ["C"]
    row = table.iloc[0]
    assert row["value_lost"] == pytest.approx(3)
    assert row["displaces"] == "B"
    assert row["capacity_ok"] and row["capacity_verified"]
    assert row["extra_fte_months"] == pytest.approx(4)  # 2 dev for two months
    assert "would enter with 2 more dev FTE in 2027-" in row["sentence"]
    s = bring_in(pf, sc, "C")
    pf2, sc2 = apply_relaxation(pf, sc, s.relaxations)
    after = optimise(pf2, sc2)
    assert after.selected == ["A", "B", "C"]
    assert check_plan(pf2, sc2, after) == []


@pytest.mark.slow
def test_why_not_with_two_workers_matches_one(tmp_path):
    pf = three(
        tmp_path,
        projects=[
            {"project_id": p, "duration": 2, "benefit": b, "cost": 100}
            for p, b in zip("ABCDE", (10, 8, 5, 4, 3), strict=True)
        ],
        demand=[{"project_id": p, "role": "dev", "fte": 2} for p in "ABCDE"],
    )
    one = why_not(pf, scen(), workers=1, verify=False)
    two = why_not(pf, scen(), workers=2, verify=False)
    assert one["project_id"].tolist() == ["C", "D", "E"]
    assert one.equals(two)
    assert why_not(pf, scen(), max_projects=1, verify=False)["project_id"].tolist() == ["C"]


def test_why_not_explains_zero_value_and_forced_out(tmp_path):
    pf = three(
        tmp_path,
        projects=[
            {"project_id": "A", "duration": 2, "benefit": 10, "cost": 100},
            {"project_id": "B", "duration": 2, "benefit": 8, "cost": 100},
            {"project_id": "C", "duration": 2, "benefit": 0, "cost": 100},
        ],
        capacity=[{"role": "dev", "fte": 6}],
    )
    sc = scen(force_out=("B",))
    # C is worth 0, so with or without it the plan is optimal; explain a plan without it
    plan = optimise(pf, sc.replace(force_out=("B", "C")))
    assert "C" not in plan.selected
    s = bring_in(pf, sc, "C", plan)
    assert s.sentence == (
        "C adds nothing to the objective (value 0), so the optimiser leaves it out; "
        "forcing it in costs nothing."
    )
    assert "forced it out" in bring_in(pf, sc, "B", plan).sentence


# --------------------------------------------------------------------------------------------
# binding limits, hiring


def test_binding_constraints_name_the_full_role_and_budget(tmp_path):
    pf = three(
        tmp_path,
        budget=[{"period": "2027-Q1", "amount": 1000}, {"period": "total", "amount": 200}],
        dependencies=[{"project_id": "B", "depends_on": "A", "kind": "finish_to_start"}],
    )
    sc = scen()
    plan = optimise(pf, sc)
    table = binding_constraints(pf, sc, plan)
    a = table[table["project_id"] == "A"]
    assert set(a["kind"]) == {"capacity", "budget"}
    assert a.loc[a["kind"] == "budget", "period"].tolist() == ["total"]  # Q1 is far from full
    assert a.loc[a["kind"] == "capacity", "sentence"].iloc[0] == (
        "dev is at 100% of capacity in 2027-01 to 2027-02"
    )
    b = table[table["project_id"] == "B"]
    assert "starts after A Alpha finishes (2027-02)" in b["sentence"].tolist()


def test_hiring_advice_says_whom_to_hire_and_what_it_buys(tmp_path):
    roles = [{"role": "dev", "hire_cost_per_fte_month": 10, "max_hire_fte": 2}]
    pf, sc = three(tmp_path, roles=roles), scen()
    advice = hiring_advice(pf, sc)
    assert advice.entering == ["C"] and advice.leaving == []
    assert advice.value_gain == pytest.approx(5)
    assert advice.hires["fte"].sum() == pytest.approx(4)
    assert advice.sentences[0].startswith("Hire dev: 2 FTE in 2027-0")
    assert check_plan(pf, sc.replace(allow_hiring=True), advice.plan) == []
    assert "No role allows hiring" in hiring_advice(three(tmp_path / "b"), sc).sentences[0]


def test_marginal_fte_value_per_role_and_quarter(tmp_path):
    pf, sc = three(tmp_path), scen()
    table = marginal_fte_value(pf, sc, fte=2).set_index("quarter")
    # two more dev in Jan-Mar let C run beside A and B: +5 value for 2 FTE
    assert table.loc["2027-Q1", "marginal_value"] == pytest.approx(2.5)
    assert table.loc["2027-Q1", "entering"] == "C"
    assert table.loc["2027-Q2", "marginal_value"] == pytest.approx(0)  # April alone: too short
    capped = marginal_fte_value(pf, sc, fte=2, max_solves=1)
    assert capped["tested"].sum() == 1 and capped["marginal_value"].isna().sum() == 1


def test_explain_command(tmp_path, capsys):
    roles = [{"role": "dev", "hire_cost_per_fte_month": 10, "max_hire_fte": 2}]
    three(tmp_path / "pf", roles=roles)
    code = main(
        ["explain", str(tmp_path / "pf"), "--set", "horizon_start=2027-01", "--set",
         "horizon_months=4", "--out", str(tmp_path / "out")]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert "C Gamma would enter with 2 more dev FTE" in out
    assert "A: dev is at 100% of capacity" in out
    assert "Hire dev: 2 FTE in 2027-0" in out
    for name in ("why_not", "binding", "hiring"):
        assert (tmp_path / "out" / f"{name}.csv").exists()


def test_rescheduled_suggestion_is_never_larger_than_the_anchored_one(tmp_path):
    pf, sc = three(tmp_path), scen()
    plan = optimise(pf, sc)
    anchored = bring_in(pf, sc, "C", plan, verify=False)
    moved = bring_in(pf, sc, "C", plan, verify=False, reschedule=True)
    a = anchored.options.set_index("relax")
    m = moved.options.set_index("relax")
    assert a.loc["capacity", "how"] == "anchored"
    assert m.loc["capacity", "how"] in ("anchored", "rescheduled")
    assert m.loc["capacity", "penalty"] <= a.loc["capacity", "penalty"] + 1e-9
    assert moved.relaxations["amount"].sum() == pytest.approx(4)  # 2 dev for two months


def test_diagnosis_of_a_deadline_that_cannot_be_met(tmp_path):
    pf = make_portfolio(
        tmp_path,
        projects=[
            {
                "project_id": "A",
                "duration": 3,
                "benefit": 5,
                "cost": 30,
                "status": "committed",
                "deadline": "2027-03",
            },
            {"project_id": "B", "duration": 2, "benefit": 1, "cost": 10},
        ],  # fmt: skip
        demand=[{"project_id": p, "role": "dev", "fte": 1} for p in "AB"],
        capacity=[{"role": "dev", "fte": 1}],
    )
    sc = Scenario(horizon_start="2027-02", horizon_months=6)  # too late to finish by March
    assert optimise(pf, sc).status == "infeasible"
    d = diagnose_infeasibility(pf, sc)
    assert d.options.set_index("relax").loc["capacity", "status"] == "infeasible"
    assert "Move A's deadline by one month (to 2027-04)." in d.sentences
    assert "Or: Release A from its committed status." in d.sentences
    option = int(d.relaxations.loc[d.relaxations["kind"] == "deadline", "option"].iloc[0])
    pf2, sc2 = d.apply(pf, sc, option=option)
    fixed = optimise(pf2, sc2)
    assert "A" in fixed.selected and check_plan(pf2, sc2, fixed) == []
