"""The optional ``settings`` table: organisation, currency, fiscal year start, value unit."""

from __future__ import annotations

import pytest
from builders import make_portfolio

from pmo_opt.errors import InputError
from pmo_opt.inputs.tables import DEFAULT_SETTINGS

BASE = {
    "projects": [{"project_id": "P1", "duration": 1, "cost": 10, "benefit": 5}],
    "demand": [{"project_id": "P1", "role": "dev", "fte": 1}],
    "capacity": [{"role": "dev", "fte": 1}],
}


def test_without_a_settings_table_the_defaults_apply(tmp_path):
    assert make_portfolio(tmp_path / "p", **BASE).settings == DEFAULT_SETTINGS


def test_settings_override_the_defaults_case_of_the_name_aside(tmp_path):
    rows = [
        {"setting": "Organisation", "value": "Acme <b>Ltd</b>"},
        {"setting": "currency", "value": "GBP"},
    ]
    settings = make_portfolio(tmp_path / "p", settings=rows, **BASE).settings
    assert settings["organisation"] == "Acme <b>Ltd</b>"  # kept as written; reports escape it
    assert settings["currency"] == "GBP" and settings["value_unit"] == "priority points"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"setting": "curency", "value": "EUR"}, "'curency' is not a known setting.*'currency'"),
        ({"setting": "fiscal_year_start", "value": "April"}, "write 1 \\(January\\) to 12"),
        ({"setting": "fiscal_year_start", "value": "13"}, "is not a month number"),
    ],
)
def test_a_wrong_setting_is_an_input_error_naming_file_row_and_fix(tmp_path, row, message):
    with pytest.raises(InputError, match=message) as caught:
        make_portfolio(tmp_path / "p", settings=[row], **BASE)
    assert "settings.csv" in str(caught.value)


def test_the_value_unit_and_currency_reach_the_words(tmp_path):
    from pmo_opt.inputs.scenario import Scenario
    from pmo_opt.present import narrative

    rows = [{"setting": "value_unit", "value": "strategy points"},
            {"setting": "currency", "value": "GBP"}]  # fmt: skip
    portfolio = make_portfolio(tmp_path / "p", settings=rows, **BASE)
    assert narrative.value_unit(Scenario(), portfolio) == "strategy points"
    assert narrative.value_axis(Scenario(), portfolio) == "portfolio value (strategy points)"
    assert narrative.value_unit(Scenario(objective="benefit"), portfolio) == "of benefit"
    assert narrative.cash(portfolio, 12_891_250) == "GBP 12.89M"
    assert narrative.money_unit(portfolio) == "GBP"
