"""Re-planning against a baseline plan (issue 14): penalties, freeze, as_of, both engines, the
independent checker, and brute force on random small portfolios."""

from __future__ import annotations

import itertools
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from builders import make_portfolio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_model_properties import portfolios

from pmo_opt.engine.check import check_plan, replan_penalties
from pmo_opt.engine.optimise import optimise
from pmo_opt.engine.plan import make_plan
from pmo_opt.errors import InputError
from pmo_opt.inputs.baseline import baseline_of, replan_inputs, resolve_baseline
from pmo_opt.inputs.months import month_range
from pmo_opt.inputs.scenario import Scenario, load_scenario

H = ["2027-01", "2027-02", "2027-03", "2027-04"]


def small(tmp_path: Path):
    """Four projects, one role of 2 FTE, no budget: any two fit at once."""
    projects = [
        {"project_id": "A", "duration": 2, "benefit": 10},
        {"project_id": "B", "duration": 2, "benefit": 8},
        {"project_id": "C", "duration": 2, "benefit": 6},
        {"project_id": "D", "duration": 1, "benefit": 1},
    ]
    demand = [{"project_id": p["project_id"], "role": "dev", "fte": 1} for p in projects]
    capacity = [{"role": "dev", "fte": 2}]
    return make_portfolio(
        tmp_path / "pf", projects=projects, demand=demand, capacity=capacity, budget=[]
    )


def write_baseline(folder: Path, rows: dict[str, str | None], durations: dict[str, int]) -> Path:
    """A plan.csv as Plan.write writes it: project -> start month (None = not selected)."""
    folder.mkdir(parents=True, exist_ok=True)
    table = []
    for p, s in rows.items():
        finish = month_range(s, durations[p])[-1] if s else ""
        table.append(
            {"project_id": p, "selected": int(s is not None), "start": s or "", "finish": finish}
        )
    path = folder / "plan.csv"
    pd.DataFrame(table).to_csv(path, index=False)
    return path


def scen(**kw) -> Scenario:
    base = dict(
        horizon_start="2027-01", horizon_months=4, objective="benefit", mip_gap=0.0, threads=1
    )
    return Scenario(**{**base, **kw})


# --------------------------------------------------------------------------------------------
# the scenario fields and the baseline file


def test_scenario_fields_are_validated():
    with pytest.raises(InputError, match="as_of"):
        Scenario(baseline="x.csv", as_of="April")
    with pytest.raises(InputError, match="change_penalty"):
        Scenario(baseline="x.csv", change_penalty=-1)
    with pytest.raises(InputError, match="move_penalty"):
        Scenario(baseline="x.csv", move_penalty=-0.5)
    with pytest.raises(InputError, match="freeze only applies"):
        Scenario(freeze=("A",))
    s = Scenario().replace(baseline="plan.csv", freeze="A, B", change_penalty="2.5")
    assert s.freeze == ("A", "B") and s.change_penalty == 2.5
    assert s.to_dict()["freeze"] == ["A", "B"]


def test_resolve_baseline_needs_a_ledger_for_approved(tmp_path):
    with pytest.raises(InputError, match="--set baseline=approved"):
        resolve_baseline("approved")
    with pytest.raises(InputError, match="run id"):
        resolve_baseline("run-20270101-0001")
    path = write_baseline(tmp_path / "b", {"A": "2027-01"}, {"A": 2})
    assert resolve_baseline(tmp_path / "b") == path
    assert resolve_baseline("approved", resolver=lambda v: path) == path


def test_bad_baseline_file_names_row_and_column(tmp_path):
    path = tmp_path / "plan.csv"
    path.write_text("project_id,selected,start,finish\nA,yes,2027-01,2027-02\nB,1,soon,\n")
    with pytest.raises(InputError) as err:
        resolve_and_read = Scenario(baseline=str(path))
        baseline_of(small(tmp_path), replace(resolve_and_read, horizon_start="2027-01"))
    text = str(err.value)
    assert "plan.csv:2" in text and "selected" in text and "'soon'" in text


def test_unknown_freeze_id_is_an_input_error(tmp_path):
    pf = small(tmp_path)
    path = write_baseline(tmp_path / "b", {"A": "2027-01"}, {"A": 2})
    with pytest.raises(InputError, match="'Z'"):
        optimise(pf, scen(baseline=str(path), freeze=("Z",)))


# --------------------------------------------------------------------------------------------
# the engines


def test_unchanged_data_and_positive_penalties_return_the_baseline_exactly(tmp_path):
    pf = small(tmp_path)
    # a deliberately poor but feasible plan: C and D, late
    path = write_baseline(tmp_path / "b", {"C": "2027-03", "D": "2027-02"}, {"C": 2, "D": 1})
    for solver in ("highs", "cpsat", "auto"):
        s = scen(baseline=str(path), change_penalty=100, move_penalty=100, solver=solver)
        plan = optimise(pf, s)
        assert plan.status == "optimal"
        assert plan.starts == {"A": None, "B": None, "C": "2027-03", "D": "2027-02"}
        facts = plan.details["replan"]
        assert facts["changes"] == 0 and facts["months_moved"] == 0 and facts["penalty"] == 0
        assert plan.objective == pytest.approx(7)


def test_zero_penalties_give_the_fresh_optimum(tmp_path):
    pf = small(tmp_path)
    path = write_baseline(tmp_path / "b", {"C": "2027-03", "D": "2027-02"}, {"C": 2, "D": 1})
    fresh = optimise(pf, scen())
    again = optimise(pf, scen(baseline=str(path)))
    assert again.objective == pytest.approx(fresh.objective) == pytest.approx(25)
    assert again.details["replan"]["changes"] >= 2  # A and B enter


def test_penalties_trade_value_for_stability(tmp_path):
    pf = small(tmp_path)
    path = write_baseline(tmp_path / "b", {"C": "2027-01", "D": "2027-01"}, {"C": 2, "D": 1})
    # A (10) and B (8) could both enter; at a change penalty of 9 only A pays for itself
    plan = optimise(pf, scen(baseline=str(path), change_penalty=9))
    facts = plan.details["replan"]
    assert facts["entering"] == ["A"] and facts["leaving"] == []
    assert plan.objective == pytest.approx(10 + 6 + 1 - 9)
    assert facts["value"] == pytest.approx(17) and facts["change_penalty"] == pytest.approx(9)
    assert replan_penalties(pf, plan.scenario, plan)["penalty"] == pytest.approx(9)


def test_freeze_keeps_the_baseline_decision_and_the_checker_flags_a_move(tmp_path):
    pf = small(tmp_path)
    path = write_baseline(tmp_path / "b", {"C": "2027-02", "D": "2027-01"}, {"C": 2, "D": 1})
    s = scen(baseline=str(path), freeze=("C", "B"))
    for solver in ("highs", "cpsat"):
        plan = optimise(pf, s.replace(solver=solver))
        assert plan.starts["C"] == "2027-02" and plan.starts["B"] is None
        assert check_plan(pf, s, plan) == []
    moved = make_plan(pf, s, H, {"C": "2027-01", "A": "2027-03"}, status="feasible")
    found = [v for v in check_plan(pf, s, moved) if v.rule == "freeze"]
    assert len(found) == 1 and found[0].project_id == "C" and found[0].amount == 1
    assert "frozen" in found[0].message and "2027-02" in found[0].message
    entered = make_plan(pf, s, H, {"C": "2027-02", "B": "2027-01"}, status="feasible")
    assert [v.project_id for v in check_plan(pf, s, entered) if v.rule == "freeze"] == ["B"]


def test_checker_recomputes_the_penalties(tmp_path):
    pf = small(tmp_path)
    path = write_baseline(tmp_path / "b", {"C": "2027-01", "D": "2027-01"}, {"C": 2, "D": 1})
    s = scen(baseline=str(path), change_penalty=3, move_penalty=0.5)
    plan = make_plan(pf, s, H, {"A": "2027-01", "C": "2027-03"}, status="feasible")
    got = replan_penalties(pf, s, plan)
    assert got == {
        "changes": 2,  # A enters, D leaves
        "months_moved": 2,  # C moves two months
        "change_penalty": 6,
        "move_penalty": 1.0,
        "penalty": 7.0,
    }


def test_max_changes_limits_the_changes(tmp_path):
    pf = small(tmp_path)
    path = write_baseline(tmp_path / "b", {"C": "2027-01", "D": "2027-01"}, {"C": 2, "D": 1})
    for k, value in ((0, 7), (1, 17), (2, 25)):
        for solver in ("highs", "cpsat"):
            s = scen(baseline=str(path), max_changes=k, solver=solver)
            plan = optimise(pf, s)
            assert plan.details["replan"]["changes"] <= k
            assert plan.objective == pytest.approx(value), (k, solver)
            assert check_plan(pf, s, plan) == []


def test_as_of_puts_started_work_in_flight(tmp_path):
    pf = small(tmp_path)
    # A started in 2027-01 and runs two months: at 2027-02 it has one month left
    path = write_baseline(tmp_path / "b", {"A": "2027-01", "C": "2027-03"}, {"A": 2, "C": 2})
    s = Scenario(
        baseline=str(path),
        as_of="2027-02",
        horizon_months=3,
        objective="benefit",
        mip_gap=0.0,
        change_penalty=100,
        move_penalty=100,
    )
    rolled, s2 = replan_inputs(pf, s)
    assert s2.horizon_start == "2027-02"
    assert rolled.projects.at["A", "status"] == "in_flight"
    assert rolled.projects.at["A", "duration"] == 1
    assert list(rolled.demand.loc[rolled.demand["project_id"] == "A", "month_offset"]) == [0]
    again, s3 = replan_inputs(rolled, s2)  # idempotent
    assert again.projects.equals(rolled.projects) and s3 == s2
    plan = optimise(rolled, s2)
    assert plan.starts["A"] == "2027-02" and plan.starts["C"] == "2027-03"
    assert plan.details["replan"]["in_flight"] == ["A"]
    assert plan.details["replan"]["changes"] == 0
    assert check_plan(rolled, s2, plan) == []


def test_the_data_wins_over_the_baseline(tmp_path):
    projects = [
        {"project_id": "A", "duration": 3, "benefit": 10, "status": "in_flight"},  # slipped
        {"project_id": "B", "duration": 2, "benefit": 8},
    ]
    demand = [{"project_id": p, "role": "dev", "fte": 1} for p in ("A", "B")]
    pf = make_portfolio(
        tmp_path / "q2", projects=projects, demand=demand, capacity=[{"role": "dev", "fte": 2}]
    )
    # the baseline also had C, which the new data no longer lists (cancelled)
    path = write_baseline(tmp_path / "b", {"A": "2027-01", "C": "2027-01"}, {"A": 2, "C": 2})
    s = Scenario(baseline=str(path), as_of="2027-02", horizon_months=4, objective="benefit")
    rolled, s2 = replan_inputs(pf, s)
    assert rolled.projects.at["A", "duration"] == 3  # the data's remaining duration
    plan = optimise(rolled, s2)
    assert plan.starts["A"] == "2027-02" and plan.projects.at["A", "finish"] == "2027-04"
    assert plan.details["replan"]["gone"] == ["C"]


# --------------------------------------------------------------------------------------------
# random small portfolios


def brute_force(T, tables, base: dict[str, int | None], change: float, move: float):
    """Best benefit - change * changes - move * months moved over every (skip | start) choice,
    with the plan's change count; ``None`` when nothing is feasible."""
    projects = tables["projects"]
    ids = [p["project_id"] for p in projects]
    dur = {p["project_id"]: p["duration"] for p in projects}
    roles = sorted({c["role"] for c in tables["capacity"]})
    cap = np.array([next(c["fte"] for c in tables["capacity"] if c["role"] == r) for r in roles])
    need = {p: np.zeros(len(roles)) for p in ids}
    for row in tables["demand"]:
        need[row["project_id"]][roles.index(row["role"])] += row["fte"]
    budget = tables["budget"][0]["amount"]
    best = None
    for combo in itertools.product(*([None, *range(T - dur[p] + 1)] for p in ids)):
        start = dict(zip(ids, combo, strict=True))
        if any(p["status"] == "committed" and start[p["project_id"]] is None for p in projects):
            continue
        use = np.zeros((len(roles), T))
        for p, s in start.items():
            if s is not None:
                use[:, s : s + dur[p]] += need[p][:, None]
        if (use > cap[:, None] + 1e-9).any():
            continue
        if sum(p["cost"] for p in projects if start[p["project_id"]] is not None) > budget + 1e-9:
            continue
        ok = True
        for dep in tables["dependencies"]:
            a, b = start[dep["project_id"]], start[dep["depends_on"]]
            ok = ok and not (dep["kind"] == "requires" and a is not None and b is None)
            ok = ok and not (dep["kind"] == "excludes" and a is not None and b is not None)
            if dep["kind"] == "finish_to_start" and a is not None:
                ok = ok and b is not None and a >= b + dur[dep["depends_on"]]
        if not ok:
            continue
        changes = sum((start[p] is None) != (base[p] is None) for p in ids)
        moved = sum(
            abs(start[p] - base[p]) for p in ids if start[p] is not None and base[p] is not None
        )
        value = sum(p["benefit"] for p in projects if start[p["project_id"]] is not None)
        score = value - change * changes - move * moved
        if best is None or score > best[0] + 1e-9:
            best = (score, changes)
    return best


@st.composite
def replan_cases(draw):
    T, tables = draw(portfolios())
    base = {}
    for p in tables["projects"]:
        on = draw(st.booleans())
        base[p["project_id"]] = draw(st.integers(0, T - p["duration"])) if on else None
    change = draw(st.sampled_from([0, 1, 3, 7]))
    move = draw(st.sampled_from([0, 0.5, 2]))
    return T, tables, base, change, move


def _baseline_file(folder: Path, T: int, tables, base) -> Path:
    h = month_range("2027-01", T)
    dur = {p["project_id"]: p["duration"] for p in tables["projects"]}
    return write_baseline(
        folder, {p: (h[s] if s is not None else None) for p, s in base.items()}, dur
    )


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(replan_cases())
def test_milp_equals_brute_force_with_penalties(case):
    T, tables, base, change, move = case
    with tempfile.TemporaryDirectory() as tmp:
        pf = make_portfolio(Path(tmp) / "pf", **tables)
        path = _baseline_file(Path(tmp) / "b", T, tables, base)
        s = Scenario(
            horizon_start="2027-01",
            horizon_months=T,
            objective="benefit",
            mip_gap=0.0,
            time_limit_s=30,
            threads=1,
            baseline=str(path),
            change_penalty=change,
            move_penalty=move,
        )
        plan = optimise(pf, s)
        best = brute_force(T, tables, base, change, move)
        if best is None:
            assert plan.status == "infeasible"
            return
        assert plan.status == "optimal"
        assert plan.objective == pytest.approx(best[0], abs=1e-6)
        assert check_plan(pf, s, plan) == []
        pen = replan_penalties(pf, s, plan)
        assert plan.objective == pytest.approx(plan.total_value - pen["penalty"], abs=1e-6)
        assert plan.details["replan"]["changes"] == pen["changes"]


@pytest.mark.slow
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(replan_cases())
def test_a_larger_change_penalty_never_increases_the_changes(case):
    T, tables, base, _change, move = case
    with tempfile.TemporaryDirectory() as tmp:
        pf = make_portfolio(Path(tmp) / "pf", **tables)
        path = _baseline_file(Path(tmp) / "b", T, tables, base)
        s = Scenario(
            horizon_start="2027-01",
            horizon_months=T,
            objective="benefit",
            mip_gap=0.0,
            time_limit_s=30,
            threads=1,
            baseline=str(path),
            move_penalty=move,
        )
        counts = []
        for penalty in (0, 0.5, 2, 5, 50):
            plan = optimise(pf, s.replace(change_penalty=penalty))
            if not plan.has_solution:
                return
            counts.append(plan.details["replan"]["changes"])
        assert counts == sorted(counts, reverse=True), counts


@pytest.mark.slow
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(replan_cases())
def test_cpsat_agrees_with_the_milp(case):
    T, tables, base, change, move = case
    with tempfile.TemporaryDirectory() as tmp:
        pf = make_portfolio(Path(tmp) / "pf", **tables)
        path = _baseline_file(Path(tmp) / "b", T, tables, base)
        s = Scenario(
            horizon_start="2027-01",
            horizon_months=T,
            objective="benefit",
            mip_gap=0.0,
            time_limit_s=30,
            threads=1,
            baseline=str(path),
            change_penalty=change,
            move_penalty=move,
        )
        milp = optimise(pf, s)
        cp = optimise(pf, s.replace(solver="cpsat"))
        assert cp.status == milp.status
        if milp.has_solution:
            assert cp.objective == pytest.approx(milp.objective, abs=1e-6)
            assert check_plan(pf, s, cp) == []


# --------------------------------------------------------------------------------------------
# the stability frontier, the command line, the words, and the sample's second quarter


def test_stability_frontier_on_a_small_portfolio(tmp_path):
    from pmo_opt.analysis.replan import stability_frontier

    pf = small(tmp_path)
    path = write_baseline(tmp_path / "b", {"C": "2027-01", "D": "2027-01"}, {"C": 2, "D": 1})
    table = stability_frontier(pf, scen(baseline=str(path)), workers=1)
    assert list(table["max_changes"]) == [0, 1, 2]
    assert list(table["changes"]) == [0, 1, 2]
    assert list(table["value"]) == pytest.approx([7, 17, 25])
    assert list(table["entering"]) == ["", "A", "A, B"]
    assert list(table["leaving"]) == ["", "", ""]  # C and D move after A and B
    assert list(table["marginal_value"][1:]) == pytest.approx([10, 8])
    with pytest.raises(InputError, match="needs a baseline"):
        stability_frontier(pf, scen())


def test_cli_plan_and_stability_against_a_baseline(tmp_path, capsys):
    import json

    from pmo_opt.cli import main

    small(tmp_path)
    folder = tmp_path / "pf"
    path = write_baseline(tmp_path / "b", {"C": "2027-01", "D": "2027-01"}, {"C": 2, "D": 1})
    common = ["--set", "horizon_start=2027-01", "--set", "horizon_months=4"]
    common += ["--set", "objective=benefit", "--set", f"baseline={path}"]
    out = tmp_path / "out"
    code = main(["plan", str(folder), *common, "--set", "change_penalty=9", "--out", str(out)])
    assert code == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["replan"]["entering"] == ["A"] and summary["replan"]["changes"] == 1
    assert summary["objective"] == pytest.approx(8)
    assert "1 selection changes" in capsys.readouterr().out
    code = main(
        ["frontier", str(folder), "--stability", *common, "--workers", "1", "--out", str(out)]
    )
    assert code == 0
    table = pd.read_csv(out / "stability.csv")
    assert list(table["changes"]) == [0, 1, 2]
    assert main(["frontier", str(folder), "--stability", "--out", str(out)]) == 2
    assert "needs a baseline" in capsys.readouterr().err
    assert main(["plan", str(folder), "--set", "baseline=approved"]) == 2
    assert "has no approved plan in the ledger" in capsys.readouterr().err  # looked up there


def test_since_approved_section_escapes_data_text(tmp_path):
    from pmo_opt.present.replan_text import changes_table, since_approved_section

    projects = [
        {"project_id": "A", "name": "[x](javascript:alert(1)) *Big*", "duration": 1, "benefit": 9},
        {"project_id": "B", "name": "Plain", "duration": 1, "benefit": 1},
    ]
    demand = [{"project_id": p, "role": "dev", "fte": 1} for p in ("A", "B")]
    pf = make_portfolio(
        tmp_path / "pf", projects=projects, demand=demand, capacity=[{"role": "dev", "fte": 1}]
    )
    path = write_baseline(tmp_path / "b", {"B": "2027-01"}, {"B": 1})
    s = Scenario(horizon_start="2027-01", horizon_months=1, objective="benefit", baseline=str(path))
    plan = optimise(pf, s)
    from pmo_opt.inputs.baseline import read_baseline

    approved = read_baseline(path)
    text = since_approved_section(pf, plan, approved).data
    assert text.startswith("## Since the approved plan")
    assert "](javascript" not in text and "\\[x\\]" in text
    # in money too (issue 25): A (9) replaces B (1)
    assert "In money: 9 of stated benefit, 8 more than the approved plan's 1." in text
    table = changes_table(pf, plan, approved)
    assert set(table["change"]) == {"enters", "leaves"}
    assert not table.isna().any().any()
    assert since_approved_section(pf, replace(plan, details={})).data == ""


@pytest.mark.slow
def test_the_sample_replan_changes_less_than_a_fresh_optimisation(tmp_path):
    from pmo_opt.analysis.replan import replan_cycle
    from pmo_opt.inputs.load import load_portfolio
    from pmo_opt.paths import SAMPLE_DIR

    s = load_scenario(
        "data/scenarios/baseline.yaml", change_penalty=20, move_penalty=2, time_limit_s=60
    )
    cycle = replan_cycle(load_portfolio(SAMPLE_DIR), s, SAMPLE_DIR, tmp_path)
    assert cycle.scenario.as_of == "2027-04" and cycle.plan.horizon[0] == "2027-04"
    rows = cycle.comparison.set_index("plan")
    assert cycle.plan.status == "optimal", cycle.plan.message
    assert rows.at["replan", "changes"] < rows.at["fresh", "changes"]
    assert rows.at["replan", "months_moved"] < rows.at["fresh", "months_moved"]
    assert rows.at["replan", "breaks_rules"] == 0 and rows.at["keep", "breaks_rules"] > 0
    facts = cycle.facts
    assert facts["gone"] == ["P010"] and "P037" in facts["in_flight"]
    assert cycle.portfolio.projects.at["P037", "duration"] == 7  # slipped: the data wins
    assert check_plan(cycle.portfolio, cycle.scenario, cycle.plan) == []


def test_freeze_started_keeps_work_in_flight_and_leaves_the_rest_free(tmp_path):
    pf = small(tmp_path)
    path = write_baseline(tmp_path / "b", {"A": "2027-01", "D": "2027-03"}, {"A": 2, "D": 1})
    s = Scenario(
        baseline=str(path),
        as_of="2027-02",
        horizon_months=3,
        objective="benefit",
        mip_gap=0.0,
        freeze=("started",),
    )
    rolled, s2 = replan_inputs(pf, s)
    base = baseline_of(rolled, s2)
    assert base.frozen == ["A"]  # started before as_of; D had not
    plan = optimise(rolled, s2)
    assert plan.starts["A"] == "2027-02" and check_plan(rolled, s2, plan) == []


def test_stability_chart_and_report_list(tmp_path):
    from pmo_opt.present.charts import stability_frontier as chart
    from pmo_opt.present.reports import _notebook_list

    table = pd.DataFrame(
        {
            "max_changes": [0, 1, 2, 3],
            "changes": [np.nan, 1, 2, 2],
            "value": [np.nan, 10.0, 14.0, 14.0],
        }
    )
    fig = chart(table, keep_value=12.0, chosen_changes=1, keep_note="(now breaks 2 rules)")
    ax = fig.axes[0]
    assert ax.get_xlabel() == "projects entering or leaving the approved plan"
    assert any("breaks 2 rules" in t.get_text() for t in ax.texts)
    names = [p.name for p in _notebook_list(None)]
    assert "07-replan-quarter.ipynb" not in names and "06-board-summary.ipynb" in names


def test_a_frozen_project_that_no_longer_fits_makes_an_honest_infeasible_plan(tmp_path):
    from pmo_opt.present.replan_text import replan_headline, since_approved_section

    pf = small(tmp_path)
    # C (two months) approved to start in the horizon's last month: it cannot finish inside it
    path = write_baseline(tmp_path / "b", {"C": "2027-04"}, {"C": 2})
    s = scen(baseline=str(path), freeze=("C",))
    plan = optimise(pf, s)
    assert plan.status == "infeasible" and "C" in plan.message
    assert "No re-plan" in replan_headline(pd.DataFrame(), plan).data
    assert since_approved_section(pf, plan).data == ""


def test_next_cycle_finds_the_latest_dated_sibling(tmp_path):
    from pmo_opt.inputs.baseline import next_cycle
    from pmo_opt.paths import SAMPLE_DIR

    assert next_cycle(SAMPLE_DIR) == (SAMPLE_DIR.parent / "sample-2027-04", "2027-04")
    for name in ("pf", "pf-2027-04", "pf-2027-07", "pf-notes"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "projects.csv").write_text("project_id,duration\nA,1\n")
    assert next_cycle(tmp_path / "pf") == (tmp_path / "pf-2027-07", "2027-07")
    assert next_cycle(tmp_path / "pf-2027-07") is None
