"""The approved quarter's settings carried over, and the causes of a re-plan named from data."""

from __future__ import annotations

import pandas as pd
from builders import make_portfolio

from pmo_opt.analysis.quarter_changes import input_changes
from pmo_opt.inputs.scenario import Scenario
from pmo_opt.inputs.settings_carry import approved_quarter, previous_cycle, quarter_settings

SETTINGS = [
    {"setting": "organisation", "value": "Acme Mutual"},
    {"setting": "currency", "value": "GBP"},
]


def _tables(budget: float, fte: float, projects: list[dict]) -> dict:
    return {
        "projects": projects,
        "demand": [{"project_id": p["project_id"], "role": "dev", "fte": 1} for p in projects],
        "capacity": [{"role": "dev", "fte": fte}],
        "budget": [{"period": "2027", "amount": budget}],
    }


def _project(pid: str, **more) -> dict:
    return {"project_id": pid, "name": f"Project {pid}", "duration": 2, "benefit": 10, **more}


def test_a_quarter_without_settings_carries_the_approved_quarters_and_says_so(tmp_path):
    earlier = make_portfolio(
        tmp_path / "acme", settings=SETTINGS, **_tables(100, 2, [_project("A")])
    )
    (tmp_path / "acme-2027-04").mkdir()
    later = make_portfolio(tmp_path / "acme-2027-04", **_tables(100, 2, [_project("A")]))
    assert later.settings["currency"] == "" and not later.own_settings
    carried, note = quarter_settings(later, earlier, "acme")
    assert carried.settings["organisation"] == "Acme Mutual"
    assert carried.settings["currency"] == "GBP"
    assert "carried over" in note and "acme" in note and "GBP" in note
    assert previous_cycle(tmp_path / "acme-2027-04") == tmp_path / "acme"
    assert previous_cycle(tmp_path / "acme") is None
    found = approved_quarter(tmp_path / "acme-2027-04")
    assert found is not None and found.settings["currency"] == "GBP"


def test_a_quarters_own_settings_win(tmp_path):
    own = [{"setting": "currency", "value": "EUR"}]
    earlier = make_portfolio(tmp_path / "a", settings=SETTINGS, **_tables(1, 1, [_project("A")]))
    later = make_portfolio(tmp_path / "b", settings=own, **_tables(1, 1, [_project("A")]))
    kept, note = quarter_settings(later, earlier)
    assert kept.settings["currency"] == "EUR" and note == ""


def test_no_approved_settings_is_said_not_hidden(tmp_path):
    later = make_portfolio(tmp_path / "b", **_tables(1, 1, [_project("A")]))
    kept, note = quarter_settings(later, None)
    assert kept.settings["currency"] == "" and "add settings.csv" in note


def test_input_changes_names_budget_people_cancelled_slipped_and_new(tmp_path):
    approved = make_portfolio(
        tmp_path / "q1",
        **_tables(1000, 3, [_project("A", status="in_flight"), _project("B"), _project("C")]),
    )
    current = make_portfolio(
        tmp_path / "q2",
        **_tables(
            800,
            2,
            [_project("A", status="in_flight", duration=4), _project("C"), _project("D", cost=5)],
        ),
    )
    plan = pd.DataFrame(
        {
            "selected": [True, True, False],
            "start": ["2027-01", "2027-01", None],
            "finish": ["2027-02", "2027-02", None],
        },
        index=pd.Index(["A", "B", "C"], name="project_id"),
    )
    horizon = ["2027-01", "2027-02", "2027-03", "2027-04"]
    table = input_changes(approved, current, Scenario(), horizon, plan)
    rows = {(r.kind, r.subject): r for r in table.itertuples()}
    assert rows[("budget", "2027")].before == 1000 and rows[("budget", "2027")].after == 800
    cap = rows[("capacity", "dev")]
    assert (cap.before, cap.after, cap.from_month) == (3, 2, "2027-01")
    assert rows[("cancelled", "Project B")].project_id == "B"
    slipped = rows[("slipped", "Project A")]
    assert (slipped.before, slipped.after) == ("2027-02", "2027-04")
    assert rows[("new", "Project D")].after == 5
    assert len(table) == 5
