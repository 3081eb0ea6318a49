"""Tables for people (present/tables.show): words, formats, dashes, escaping."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmo_opt.present import tables


def _html(frame, **options) -> str:
    return tables.show(frame, **options).to_html()


def test_money_shares_flags_and_missing_values_read_like_a_report():
    frame = pd.DataFrame(
        {
            "project_id": ["<svg onload=alert(4)>", "007"],
            "cost": [730000.0, np.nan],
            "use": [0.9932, None],
            "selected": [1, 0],
            "role": ["data_engineer", "tester"],
        }
    )
    html = _html(frame, words=["role"])
    for text in ("730,000", "99.3%", "yes", "no", "data engineer", "007", "Project id"):
        assert text in html, text
    assert "&lt;svg onload=alert(4)&gt;" in html and "<svg" not in html
    assert "None" not in html and "NaN" not in html and "nan" not in html
    assert tables.MISSING in html
    assert "blank level0 row0" not in html and "row_heading" not in html  # no index


def test_a_count_named_like_a_flag_stays_a_number_and_the_html_is_stable():
    frame = pd.DataFrame({"scenario": ["a", "b"], "selected": [59, 53]})
    html = _html(frame)
    assert ">59<" in html and "yes" not in html
    assert html == _html(frame)  # a stable table id: the same HTML every run


def test_an_empty_table_is_one_line():
    shown = tables.show_or(pd.DataFrame(columns=["role"]), "No hire adds value.")
    assert shown.data == "No hire adds value.\n"
