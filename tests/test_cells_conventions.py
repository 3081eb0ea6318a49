"""Numbers are read per column, not per cell (issue 26, item 1): a column's decimal convention is
decided from all its cells, and a cell that contradicts it is refused with both readings."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmo_opt.errors import InputError
from pmo_opt.inputs.load import load_portfolio
from pmo_opt.inputs.numbers import COMMA, POINT, read_column, readings

DEMAND = "project_id;role;fte\nP1;Dev;1\nP2;Dev;1\nP3;Dev;1\n"
CAPACITY = "role;fte\nDev;3\n"


def _folder(tmp_path: Path, costs: list[str], sep: str = ";") -> Path:
    folder = tmp_path / "p"
    folder.mkdir()
    rows = [sep.join(["project_id", "duration", "cost"])]
    rows += [sep.join([f"P{i + 1}", "2", f'"{c}"' if sep in c else c]) for i, c in enumerate(costs)]
    (folder / "projects.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (folder / "demand.csv").write_text(DEMAND.replace(";", sep), encoding="utf-8")
    (folder / "capacity.csv").write_text(CAPACITY.replace(";", sep), encoding="utf-8")
    return folder


def test_german_thousands_read_by_the_column_convention(tmp_path: Path):
    # the reproduction of issue 26: 1.234 was read as 1.234 next to 1.234.567 and 180.000,0
    folder = _folder(tmp_path, ["180.000,0", "1.234", "1.234.567"])
    p = load_portfolio(folder)
    assert p.projects["cost"].tolist() == [180000.0, 1234.0, 1234567.0]


def test_a_cell_against_the_column_convention_is_refused_with_both_readings(tmp_path: Path):
    folder = _folder(tmp_path, ["180.000,0", "2.500,5", "1.5"])
    with pytest.raises(InputError) as caught:
        load_portfolio(folder)
    text = str(caught.value)
    assert "projects.csv" in text and "'1.5'" in text and "cost" in text
    assert "1.5 with a decimal point" in text and "not a number with a decimal comma" in text
    problem = next(p for p in caught.value.problems if "'1.5'" in p.message)
    assert (problem.row, problem.column) == (4, "cost")


def test_an_ambiguous_cell_in_a_mixed_column_is_refused_not_guessed(tmp_path: Path):
    folder = _folder(tmp_path, ["1,5", "2.5", "1.234"], sep=";")
    with pytest.raises(InputError) as caught:
        load_portfolio(folder)
    text = str(caught.value)
    assert "'1.234' reads as" in text and "1,234" in text and "1.234" in text


def test_undecided_semicolon_column_follows_the_separator_with_a_warning(tmp_path: Path):
    folder = _folder(tmp_path, ["1.250", "2.000", "3"])
    p = load_portfolio(folder)
    assert p.projects["cost"].tolist() == [1250.0, 2000.0, 3.0]
    assert any("1.250" in w and "separator" in w for w in p.warnings)


# --------------------------------------------------------------------------------------------
# property: any number written in one convention reads back exactly; mixed columns never misread


@st.composite
def written(draw, convention: str | None = None) -> tuple[str, float, str]:
    """``(text, value, convention)``: a number as a spreadsheet of that convention writes it."""
    convention = convention or draw(st.sampled_from([POINT, COMMA]))
    whole = draw(st.integers(min_value=0, max_value=10**12))
    digits = draw(st.text("0123456789", min_size=0, max_size=4))
    sign = draw(st.sampled_from(["", "-"]))
    exponent = draw(st.one_of(st.just(""), st.integers(-5, 5).map(lambda e: f"e{e}")))
    grouping = draw(st.sampled_from(["", "thousands", " "])) if not exponent else ""
    decimal, thousands = (".", ",") if convention == POINT else (",", ".")
    body = f"{whole:,}".replace(",", thousands if grouping == "thousands" else grouping)
    text = sign + body + (decimal + digits if digits else "") + exponent
    value = float(f"{sign}{whole}{'.' + digits if digits else ''}{exponent}")
    return text, value, convention


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([POINT, COMMA]).flatmap(lambda c: st.lists(written(c), min_size=1)))
def test_numbers_in_one_convention_round_trip_exactly(cells: list[tuple[str, float, str]]):
    convention = cells[0][2]
    column = read_column([t for t, _, _ in cells], fallback=convention)
    assert column.conflicts == []
    assert column.values == [v for _, v, _ in cells]


@settings(max_examples=300, deadline=None)
@given(st.lists(written(), min_size=2), st.sampled_from([POINT, COMMA]))
def test_mixed_columns_are_refused_never_misread(cells, fallback: str):
    texts = [t for t, _, _ in cells]
    column = read_column(texts, fallback=fallback)
    decisive = {_only(t) for t in texts} - {None}
    if len(decisive) == 2:  # no one convention reads every cell: refused, nothing guessed
        assert column.conflicts
        for i, text in enumerate(texts):
            if i not in column.conflicts and column.values[i] is not None:
                other = readings(text)[COMMA if column.convention == POINT else POINT]
                assert other is None or other == column.values[i]
    else:
        assert column.conflicts == []
        for i, (_, value, convention) in enumerate(cells):
            if convention == column.convention:
                assert column.values[i] == value


def _only(text: str) -> str | None:
    """The one convention that reads ``text``, or ``None`` when both or neither do."""
    r = readings(text)
    if (r[POINT] is None) == (r[COMMA] is None):
        return None
    return POINT if r[COMMA] is None else COMMA


def test_one_decisive_cell_decides_the_whole_column():
    column = read_column(["1.234", "2.000", "0,5"])
    assert column.convention == COMMA and column.values == [1234.0, 2000.0, 0.5]
    column = read_column(["1,234", "2,000", "0.5"], fallback=COMMA)
    assert column.convention == POINT and column.values == [1234.0, 2000.0, 0.5]
