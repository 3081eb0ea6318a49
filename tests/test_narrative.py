"""The notebooks' words: the numbers in the narrative are the numbers of the plan.

A small knapsack where rank-and-fill is visibly worse than the optimiser: a budget of 10, P1 has
the highest benefit (10) but costs 6, so funding in priority order stops at 10 while P2 + P3 give
14 (+40%).
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from builders import make_portfolio

from pmo_opt.analysis.compare import compare_scenarios
from pmo_opt.engine.optimise import optimise
from pmo_opt.engine.rank_fill import rank_and_fill
from pmo_opt.inputs.scenario import Scenario
from pmo_opt.present import narrative

BASE = Scenario(
    name="base", horizon_start="2027-01", horizon_months=2, objective="benefit", time_limit_s=20
)


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory):
    root = tmp_path_factory.mktemp("narrative")
    rows = [
        ("P1", "Big Bet", 6, 10, 4),
        ("P2", "Quick Win", 5, 7, 1),
        ("P3", "Steady Gain", 5, 7, 2),
        ("P4", "Long Shot", 9, 3, 5),
    ]
    return make_portfolio(
        root / "pf",
        projects=[
            {
                "project_id": p,
                "name": n,
                "category": "A" if p in ("P1", "P2") else "B",
                "duration": 1,
                "cost": c,
                "benefit": b,
                "risk": r,
                "earliest_start": "2027-01",
            }
            for p, n, c, b, r in rows
        ],  # fmt: skip
        demand=[{"project_id": p, "role": "dev", "fte": 1} for p, *_ in rows],
        capacity=[{"role": "dev", "fte": 3}],
        budget=[{"period": "total", "amount": 10}],
        dependencies=[{"project_id": "P4", "depends_on": "P2", "kind": "excludes"}],
    )


@pytest.fixture(scope="module")
def plan(portfolio):
    return optimise(portfolio, BASE)


@pytest.fixture(scope="module")
def baseline(portfolio):
    return rank_and_fill(portfolio, BASE)


def _text(markdown) -> str:
    return markdown.data


def test_numbers_as_people_say_them():
    assert narrative.money(12_891_250) == "12.89M"
    assert narrative.money(245_000) == "245k"
    assert narrative.money(3_114.7) == "3,115"
    assert narrative.money(-1_500_000) == "-1.50M"
    assert narrative.money(float("nan")) == "n/a"
    assert narrative.points(2777.875) == "2,778" and narrative.points(14.0) == "14.0"
    assert narrative.signed_share(0.285) == "+28.5%"
    assert narrative.signed_share(-0.112) == "\u221211.2%"


def test_the_fixture_is_the_knapsack_it_claims(plan, baseline):
    assert plan.status == "optimal" and sorted(plan.selected) == ["P2", "P3"]
    assert plan.objective == pytest.approx(14)
    assert baseline.selected == ["P1"] and baseline.objective == pytest.approx(10)
    assert narrative.baseline_gain(plan, baseline) == pytest.approx(0.4)


def test_selection_headline_states_the_plans_numbers(portfolio, plan, baseline):
    text = _text(narrative.selection_headline(portfolio, plan, baseline))
    assert "proven optimal" in text
    assert "**2 of 4 projects** (0 in flight or committed, 2 new)" in text
    assert "worth **14.0 of benefit**" in text
    assert "spends **10 of the 10 budget** (100.0%)" in text
    assert "reaches 10.0 of benefit with 1 project" in text
    assert "worth **40.0% more**" in text
    assert "P1 Big Bet" in text  # the highest-valued project left out


def test_status_is_stated_honestly(plan):
    limited = dataclasses.replace(plan, status="feasible", gap=0.0523)
    text = narrative.status_sentence(limited)
    assert "**Not proven optimal**" in text and "20-second limit" in text and "5.23%" in text
    within = dataclasses.replace(plan, gap=0.004, scenario=BASE.replace(mip_gap=0.01))
    assert "within 1.0% of the best possible" in narrative.status_sentence(within)
    assert "0.40%" in narrative.status_sentence(within)
    none = dataclasses.replace(plan, status="infeasible")
    assert "No plan keeps every rule" in narrative.status_sentence(none)


def test_budget_use_and_role_tables(portfolio, plan):
    use = narrative.budget_use(portfolio, plan)
    assert use.to_dict("records") == [
        {"period": "total", "spend": 10.0, "limit": 10.0, "use": 1.0, "left": 0.0}
    ]
    roles = narrative.role_use(plan)
    dev = roles.set_index("role").loc["dev"]
    assert dev["demand_fte_months"] == 2 and dev["supply_fte_months"] == 6
    assert dev["utilisation"] == pytest.approx(1 / 3) and dev["full_months"] == 0
    pressure = narrative.role_pressure(portfolio, BASE).set_index("role").loc["dev"]
    assert pressure["demand_fte_months"] == 4 and pressure["capacity_fte_months"] == 6
    assert pressure["ratio"] == pytest.approx(4 / 6)


def test_data_overview_counts_money_and_people(portfolio):
    text = _text(narrative.data_overview(portfolio, BASE, "pf"))
    assert "**4 projects** (4 proposed) in 2 categories from pf" in text
    assert "planned over **2 months** (2027-01 to 2027-02)" in text
    assert "cost **25** against a budget of **10** (2.50x oversubscribed)" in text
    assert "every role has enough capacity" in text


def test_capacity_headline_names_the_bottleneck(portfolio):
    tight = BASE.replace(capacity_scale=2 / 3)  # 2 devs: both selected projects fill them
    plan = optimise(portfolio, tight)
    text = _text(narrative.capacity_headline(plan))
    assert "**dev** fully booked in 1 of 2 months (50% used overall)" in text
    assert "The tightest month is 2027-01, with 1 role at capacity." in text


def test_short_reason_reads_a_why_not_row():
    row = {
        "value_lost": 3.0,
        "displaces": "P2, P3",
        "status_forced": "optimal",
        "budget_ok": True,
        "extra_budget": 6.0,
        "capacity_ok": False,
        "both_ok": False,
    }
    assert narrative.short_reason(row) == (
        "Forcing it in would cost 3.0 points of value elsewhere (2 projects would have to go); "
        "it would fit with 6 more budget."
    )
    both = {**row, "budget_ok": False, "both_ok": True, "both_extra_budget": 120_000.0}
    both["both_extra_fte_months"] = 4.25
    assert "it would fit with 120k more budget plus 4.2 more FTE-months" in (
        narrative.short_reason(both)
    )
    assert narrative.short_reason({}) == "It does not fit beside higher-value work."


def test_explanations_table_ranks_and_explains(portfolio, plan):
    why = pd.DataFrame(
        [{"project_id": "P1", "name": "Big Bet", "value": 10.0, "value_lost": 3.0,
          "displaces": "P2, P3", "status_forced": "optimal", "budget_ok": True,
          "extra_budget": 6.0, "capacity_ok": False, "both_ok": False, "sentence": "full"}]
    )  # fmt: skip
    table = narrative.explanations_table(why, plan)
    row = table.iloc[0]
    assert row["rank"] == 1 and row["value_lost_if_forced"] == 3.0
    assert row["extra_budget"] == 6.0 and row["extra_fte_months"] == 0.0
    assert row["detail"] == "full" and row["reason"].startswith("Forcing it in would cost 3.0")
    text = _text(narrative.why_not_markdown(table, portfolio))
    assert "**P1 Big Bet** (value 10.0, ranked 1 of 4): Forcing it in" in text
    # an either-or pair: the left-out one is "the alternative to" the selected one
    rival = narrative.explanations_table(why.assign(project_id="P4"), plan, portfolio)
    assert rival.iloc[0]["reason"].startswith(
        "It is the alternative to P2 Quick Win, which the plan selects; forcing it in"
    )


def test_board_brief_states_decision_value_money_cut_and_questions(portfolio, plan, baseline):
    cut = optimise(portfolio, narrative.cut_scenario(BASE, 0.5))
    why = pd.DataFrame(
        [{"project_id": "P1", "value": 10.0, "value_lost": 3.0, "displaces": "P2, P3",
          "status_forced": "optimal", "budget_ok": True, "extra_budget": 6.0}]
    )  # fmt: skip
    text = _text(
        narrative.board_brief(
            portfolio, plan, baseline, cut, narrative.explanations_table(why, plan)
        )
    )
    assert "**Scenario**: base" in text and "2027-01 to 2027-02 (2 months)" in text
    assert "Approve **2 new projects**" in text and "**2 of the 4 projects**" in text
    assert "**10** of the 10 budget" in text
    assert "**40.0% more** than funding projects in priority order" in text and "(10.0)" in text
    # and in money (issue 25): here the score is the stated benefit, so they agree
    assert r"**In stated benefit (money)**: 4 more stated benefit \(14 against 10\) than" in text
    assert "both currencies agree" in text and "because" not in text
    assert "- **Budget used**: whole period: 10 of 10 (100.0%; 0 unallocated)." in text
    assert "**No contingency**: the whole-period budget is at least 98% allocated" in text
    assert "## If the budget is cut by 50%" in text
    assert "the best plan is worth 7.0 (\u221250.0%) with 7 of stated benefit" in text
    assert "**Would stop**: 1 project: P" in text  # P2 or P3: equal value, equal cost
    assert "| 1 | P1 Big Bet | 10.0 |" in text  # the left-out table, highest value first
    assert "seconds" not in text and "/" not in text.replace("n/a", "")
    assert "with 7 of stated benefit (7 less than today's plan)" in text  # no minus in words


def test_board_brief_lists_stop_at_a_few_names_and_say_where_the_rest_is(tmp_path):
    """A brief prints on two pages whatever the portfolio's size (issue 25): six categories and
    eight quarterly budgets give four of each, then how many more and where."""
    months = [f"2027-{m:02d}" for m in range(1, 13)] + [f"2028-{m:02d}" for m in range(1, 13)]
    pf = make_portfolio(
        tmp_path / "pf",
        projects=[
            {
                "project_id": f"P{i:02d}",
                "name": f"Project {i}",
                "category": f"C{i % 6}",
                "duration": 1,
                "cost": 1,
                "benefit": 1 + i % 3,
                "risk": 2,
                "earliest_start": months[(i * 2) % 24],
            }
            for i in range(12)
        ],
        demand=[{"project_id": f"P{i:02d}", "role": "dev", "fte": 1} for i in range(12)],
        capacity=[{"role": "dev", "fte": 3}],
        budget=[{"period": f"{y}-Q{q}", "amount": 3} for y in (2027, 2028) for q in (1, 2, 3, 4)],
    )
    scenario = dataclasses.replace(BASE, horizon_months=24)
    plan = optimise(pf, scenario)
    text = _text(narrative.board_brief(pf, plan, None, None, None))
    assert "and 4 more budget periods in plan.xlsx (sheet budget)." in text, text
    assert "2 other categories" in text, text
    budget_line = next(line for line in text.splitlines() if "**Budget used**" in line)
    assert budget_line.count("unallocated") == 4


def test_comparison_headline_against_the_first_scenario(portfolio):
    comparison = compare_scenarios(
        portfolio, {"base": BASE, "half": BASE.replace(name="half", budget_scale=0.5)}
    )
    text = _text(narrative.comparison_headline(comparison, portfolio))
    assert "Against **base** (14.0 value, 10 spent, 2 projects)" in text
    assert "In both currencies: " in text and "less stated benefit" in text  # issue 25
    assert "- **half**: value 7.0 (\u221250.0%), spend 5; 1 project leave" in text


def test_scenarios_to_compare_puts_this_run_first_with_its_solver_settings(tmp_path):
    (tmp_path / "baseline.yaml").write_text("name: baseline\n")
    (tmp_path / "cut.yaml").write_text("name: cut\nbudget_scale: 0.8\nmip_gap: 0.5\n")
    run = BASE.replace(name="mine", mip_gap=0.02)
    named = narrative.scenarios_to_compare(run, tmp_path)
    assert list(named) == ["mine", "baseline", "cut"]
    assert named["cut"].budget_scale == 0.8 and named["cut"].mip_gap == 0.02
    named = narrative.scenarios_to_compare(run.replace(name="baseline"), tmp_path)
    assert list(named) == ["baseline", "cut"]


def test_analysis_settings(plan):
    assert narrative.analysis_scenario(BASE).mip_gap == narrative.ANALYSIS_GAP
    assert narrative.analysis_scenario(BASE.replace(mip_gap=0.1)).mip_gap == 0.1
    assert narrative.frontier_scales(BASE.replace(budget_scale=0.5)) == [0.4, 0.45, 0.5, 0.55, 0.6]
    cut = narrative.cut_scenario(BASE.replace(budget_scale=0.5))
    assert cut.budget_scale == 0.4 and cut.name == "base, budget cut 20%"


def test_budget_frontier_puts_todays_plan_on_the_curve(portfolio, plan):
    curve = narrative.budget_frontier(portfolio, BASE, plan)
    assert curve["budget_scale"].tolist() == [0.8, 0.9, 1.0, 1.1, 1.2]
    today = curve[curve["is_current"]]
    assert len(today) == 1 and today["value"].iloc[0] == plan.objective
    assert curve["value"].is_monotonic_increasing
    text = _text(narrative.frontier_headline(curve, plan))
    assert "At today's budget (10) the best plan is worth 14.0 of benefit." in text
    assert "within 2% of their best" in text


def test_hiring_is_claimed_only_beyond_the_resolves_tolerance(plan):
    from pmo_opt.analysis.hiring import HiringAdvice

    runs = pd.DataFrame(
        [{"role": "dev", "first_month": "2027-01", "last_month": "2027-01", "fte_max": 1.0,
          "fte_months": 1.0, "cost": 5.0, "sentence": "hire 1 dev FTE in 2027-01 (cost 5)"}]
    )  # fmt: skip
    hires = pd.DataFrame([{"role": "dev", "month": "2027-01", "fte": 1.0, "cost": 5.0}])
    loose = dataclasses.replace(plan, gap=0.02)
    pays = HiringAdvice(hires, runs, 14.0, 17.0, ["P1"], [], ["Hire 1 dev.", "Adds 3."], loose)
    assert (
        narrative.hiring_pays(pays) and narrative.hiring_sentence(pays) == r"Hire 1 dev\. Adds 3\."
    )  # escaped Markdown
    assert len(narrative.hiring_table(pays)) == 1
    noise = HiringAdvice(hires, runs, 14.0, 13.9, [], [], ["Hire 1 dev."], loose)
    assert not narrative.hiring_pays(noise) and len(narrative.hiring_table(noise)) == 0
    text = narrative.hiring_sentence(noise)
    assert text.startswith("hiring contractors (within the roles table's limits) buys no")
    assert "worth 13.9, against 14.0 without (that re-solve is proven only to within 2.0%)" in text
