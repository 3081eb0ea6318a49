"""``pmo-opt rank``: the ranking table on screen and in ranking.csv, AHP consistency, errors."""

from __future__ import annotations

import pandas as pd
from builders import write_portfolio

from pmo_opt.cli import main

PROJECTS = [
    {"project_id": "007", "name": "Claims Portal", "category": "Growth", "duration": 2,
     "benefit": 10, "cost": 100},
    {"project_id": "B", "name": "Data Lake", "category": "Run", "duration": 2, "benefit": 80,
     "cost": 100},
    {"project_id": "C", "name": "HR Self-service", "category": "Run", "duration": 1,
     "benefit": 5, "cost": 50},
]  # fmt: skip
DEMAND = [{"project_id": p["project_id"], "role": "dev", "fte": 1} for p in PROJECTS]
CAPACITY = [{"role": "dev", "fte": 2}]
CRITERIA = [
    {"criterion": "Strategic fit", "weight": 3, "direction": "max"},
    {"criterion": "Risk", "weight": 1, "direction": "min"},
]
SCORES = [
    {"project_id": p, "criterion": c, "score": s}
    for p, fit, risk in (("007", 5, 1), ("B", 3, 3), ("C", 1, 2))
    for c, s in (("Strategic fit", fit), ("Risk", risk))
]
CONSISTENT = [{"criterion": "Strategic fit", "over": "Risk", "ratio": 3}]


def portfolio(tmp_path, **kw):
    tables = {
        "projects": PROJECTS,
        "demand": DEMAND,
        "capacity": CAPACITY,
        "criteria": CRITERIA,
        "scores": SCORES,
        **kw,
    }
    return write_portfolio(tmp_path / "pf", **tables)


def test_rank_prints_and_writes_the_table(tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["rank", str(portfolio(tmp_path, pairwise=CONSISTENT)), "--out", str(out)])
    assert code == 0
    table = pd.read_csv(out / "ranking.csv", dtype={"project_id": str}).set_index("project_id")
    assert list(table.columns) == ["name", "category", "score", "rank", "wsjf", "benefit_cost"]
    # fit 3/4, risk 1/4: 007 best on both -> 100; B: 75*.5 + 25*0 = 37.5; C: 0 + 25*.5 = 12.5
    assert list(table.index) == ["007", "B", "C"]  # the id stays text
    assert table["score"].tolist() == [100, 37.5, 12.5]
    assert table["rank"].tolist() == [1, 2, 3]
    assert table.loc["B", "benefit_cost"] == 0.8
    text = capsys.readouterr().out
    assert "Priority score 0-100" in text and "Strategic fit 75%" in text
    assert "AHP consistency ratio 0.000 (limit 0.10) over 2 criteria: consistent" in text
    assert "Claims Portal" in text and "ranking.csv" in text


def test_rank_with_ahp_scoring_and_inconsistent_judgements_warns(tmp_path, capsys):
    criteria = [*CRITERIA, {"criterion": "Speed", "weight": 1, "direction": "max"}]
    scores = SCORES + [
        {"project_id": p, "criterion": "Speed", "score": s}
        for p, s in (("007", 1), ("B", 2), ("C", 3))
    ]
    pairwise = [  # a cycle: fit > risk > speed > fit
        {"criterion": "Strategic fit", "over": "Risk", "ratio": 5},
        {"criterion": "Risk", "over": "Speed", "ratio": 5},
        {"criterion": "Speed", "over": "Strategic fit", "ratio": 5},
    ]
    folder = portfolio(tmp_path, criteria=criteria, scores=scores, pairwise=pairwise)
    code = main(["rank", str(folder), "--set", "scoring=ahp"])
    assert code == 0
    captured = capsys.readouterr()
    assert "weights from AHP pairwise judgements" in captured.out
    assert "INCONSISTENT" in captured.out
    warning_lines = [ln for ln in captured.err.splitlines() if ln.startswith("warning:")]
    assert len(warning_lines) == 1  # reported once, not once per computation
    assert "You said" in warning_lines[0] and "as important as" in warning_lines[0]


def test_rank_by_wsjf_and_without_scores(tmp_path, capsys):
    projects = [{**p, "cost_of_delay": cod} for p, cod in zip(PROJECTS, (10, 40, 30), strict=True)]
    folder = write_portfolio(
        tmp_path / "plain", projects=projects, demand=DEMAND, capacity=CAPACITY
    )
    out = tmp_path / "out"
    assert main(["rank", str(folder), "--set", "scoring=wsjf", "--out", str(out)]) == 0
    table = pd.read_csv(out / "ranking.csv", dtype={"project_id": str}).set_index("project_id")
    # WSJF = cost of delay / duration: 007 10/2=5, B 40/2=20, C 30/1=30
    assert list(table.index) == ["C", "B", "007"]
    assert table["score"].tolist() == [30, 20, 5]
    capsys.readouterr()
    # the default scoring (weighted) has no scores here: it says it falls back to benefit
    assert main(["rank", str(folder)]) == 0
    text = capsys.readouterr().out
    assert "falls back to the projects' benefit" in text
    assert text.index("Data Lake") < text.index("Claims Portal")


def test_rank_with_a_missing_score_exits_2_naming_it(tmp_path, capsys):
    scores = [r for r in SCORES if not (r["project_id"] == "C" and r["criterion"] == "Risk")]
    code = main(["rank", str(portfolio(tmp_path, scores=scores))])
    assert code == 2
    assert "project C has no score for criterion 'Risk'" in capsys.readouterr().err
