"""The :class:`Portfolio` (typed, indexed tables) and :func:`build_portfolio`, which types
validated raw tables (after validation: conversions here cannot fail on validated input).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pmo_opt.inputs.cells import choice_text, to_number
from pmo_opt.inputs.months import normalise
from pmo_opt.inputs.numbers import ColumnNumbers, read_table
from pmo_opt.inputs.rules import NUMBERS
from pmo_opt.inputs.tables import DEFAULT_SETTINGS, RawTable


@dataclass(frozen=True)
class Portfolio:
    """A validated portfolio of typed, indexed tables (see README, "The portfolio format").

    ``projects`` is indexed by ``project_id`` (text) and always has every optional column:
    ``status`` defaults to ``proposed``, months are ``YYYY-MM`` text or ``None``, numbers are
    floats (``cost`` is NaN where not given, so labour cost applies). ``demand`` is long, one row
    per ``project_id``, ``role``, ``month_offset`` (0-based, within the duration) with ``fte``.
    ``capacity`` keeps ``month`` as ``YYYY-MM`` or ``None`` (every month).
    """

    projects: pd.DataFrame
    demand: pd.DataFrame
    capacity: pd.DataFrame
    roles: pd.DataFrame
    budget: pd.DataFrame
    dependencies: pd.DataFrame
    criteria: pd.DataFrame
    scores: pd.DataFrame
    pairwise: pd.DataFrame
    categories: pd.DataFrame
    source: str = ""
    warnings: tuple[str, ...] = field(default=())
    #: the ``settings`` table over :data:`DEFAULT_SETTINGS` (organisation, currency, ...)
    settings: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_SETTINGS))
    #: whether the portfolio has a settings table of its own (else: defaults, or carried over
    #: from the approved quarter by :func:`pmo_opt.inputs.settings_carry.carry_settings`)
    own_settings: bool = True

    @property
    def project_ids(self) -> list[str]:
        return list(self.projects.index)

    @property
    def role_names(self) -> list[str]:
        names = set(self.demand["role"]) | set(self.capacity["role"]) | set(self.roles.index)
        return sorted(names)


def _text(series: pd.Series) -> pd.Series:
    return series.astype(str).str.strip()


def _month_or_none(series: pd.Series) -> pd.Series:
    # built as object: pandas 3's str dtype would turn None into NaN
    values = [normalise(v) if str(v).strip() else None for v in series]
    return pd.Series(values, index=series.index, dtype=object)


def _col(raw: RawTable | None, column: str, default: str = "") -> pd.Series:
    if raw is None or not raw.usable:
        return pd.Series([], dtype=str)
    if column in raw.frame.columns:
        return raw.frame[column]
    return pd.Series([default] * len(raw.frame), index=raw.frame.index, dtype=str)


def build_portfolio(
    tables: dict[str, RawTable], source: str = "", warnings: list[str] | tuple[str, ...] = ()
) -> Portfolio:
    """Typed :class:`Portfolio` from validated raw tables (see ``validate.validate_tables``).

    Parameters
    ----------
    tables
        From :func:`read_tables`, with no validation errors.
    source
        Where they came from, kept in ``Portfolio.source``.
    warnings
        Validation warnings, kept in ``Portfolio.warnings``.
    """

    def num(name: str, column: str, **kinds: bool) -> pd.Series:
        # the same reading as validation's (TableView.numbers): the column's own convention
        raw = tables.get(name)
        if raw is None or not raw.usable or column not in raw.frame.columns:
            return to_number(_col(raw, column), **kinds)
        if name not in read:
            present = [c for c in NUMBERS.get(name, {}) if c in raw.frame.columns]
            cells = {c: [str(v).strip() for v in raw.frame[c].tolist()] for c in present}
            read[name] = read_table(cells, name, raw.decimal_comma)
        values = read[name][column].values
        index = raw.frame.index
        return pd.Series([np.nan if v is None else v for v in values], index=index, dtype=float)

    read: dict[str, dict[str, ColumnNumbers]] = {}

    pr = tables["projects"]
    projects = pd.DataFrame(
        {
            "project_id": _text(_col(pr, "project_id")),
            "name": _text(_col(pr, "name")),
            "category": _text(_col(pr, "category")).replace("", "Uncategorised"),
            "status": choice_text(_col(pr, "status")).replace("", "proposed"),
            "earliest_start": _month_or_none(_col(pr, "earliest_start")),
            "deadline": _month_or_none(_col(pr, "deadline")),
            "duration": num("projects", "duration").round().astype(int),
            "cost": num("projects", "cost"),
            "benefit": num("projects", "benefit").fillna(0.0),
            "risk": num("projects", "risk").fillna(0.0),
            "cost_of_delay": num("projects", "cost_of_delay").fillna(0.0),
            "benefit_low": num("projects", "benefit_low"),
            "benefit_high": num("projects", "benefit_high"),
            "cost_low": num("projects", "cost_low"),
            "cost_high": num("projects", "cost_high"),
        }
    )
    projects["name"] = projects["name"].where(projects["name"] != "", projects["project_id"])
    projects = projects.set_index("project_id")
    duration = projects["duration"]

    dm = tables["demand"]
    demand = pd.DataFrame(
        {
            "project_id": _text(_col(dm, "project_id")),
            "role": _text(_col(dm, "role")),
            "month_offset": num("demand", "month_offset").round(),
            "fte": num("demand", "fte"),
        }
    )
    # rows without month_offset apply to every month of the project
    flat = demand[demand["month_offset"].isna()].copy()
    flat["month_offset"] = flat["project_id"].map(lambda p: list(range(int(duration[p]))))
    flat = flat.explode("month_offset")
    demand = pd.concat([demand[demand["month_offset"].notna()], flat], ignore_index=True)
    demand["month_offset"] = demand["month_offset"].astype(int)
    demand["fte"] = demand["fte"].astype(float)
    demand = (
        demand.groupby(["project_id", "role", "month_offset"], as_index=False, sort=True)["fte"]
        .sum()
        .reset_index(drop=True)
    )

    cp = tables["capacity"]
    capacity = pd.DataFrame(
        {
            "role": _text(_col(cp, "role")),
            "month": _month_or_none(_col(cp, "month")),
            "fte": num("capacity", "fte"),
        }
    )

    rl = tables.get("roles")
    roles = pd.DataFrame(
        {
            "role": _text(_col(rl, "role")),
            "cost_per_fte_month": num("roles", "cost_per_fte_month"),
            "hire_cost_per_fte_month": num("roles", "hire_cost_per_fte_month"),
            "max_hire_fte": num("roles", "max_hire_fte"),
        }
    ).set_index("role")

    bd = tables.get("budget")
    budget = pd.DataFrame({"period": _text(_col(bd, "period")), "amount": num("budget", "amount")})
    budget["period"] = budget["period"].map(_normalise_period).astype(str)

    dp = tables.get("dependencies")
    dependencies = pd.DataFrame(
        {
            "project_id": _text(_col(dp, "project_id")),
            "depends_on": _text(_col(dp, "depends_on")),
            "kind": choice_text(_col(dp, "kind")).replace("", "requires"),
        }
    )

    cr = tables.get("criteria")
    criteria = pd.DataFrame(
        {
            "criterion": _text(_col(cr, "criterion")),
            "weight": num("criteria", "weight"),
            "direction": choice_text(_col(cr, "direction")).replace("", "max"),
        }
    ).set_index("criterion")

    sc = tables.get("scores")
    scores = pd.DataFrame(
        {
            "project_id": _text(_col(sc, "project_id")),
            "criterion": _text(_col(sc, "criterion")),
            "score": num("scores", "score"),
        }
    )

    pw = tables.get("pairwise")
    pairwise = pd.DataFrame(
        {
            "criterion": _text(_col(pw, "criterion")),
            "over": _text(_col(pw, "over")),
            "ratio": num("pairwise", "ratio", fraction=True),
        }
    )

    ct = tables.get("categories")
    categories = pd.DataFrame(
        {
            "category": _text(_col(ct, "category")),
            "min_share": num("categories", "min_share", percent=True),
            "max_share": num("categories", "max_share", percent=True),
        }
    ).set_index("category")

    st = tables.get("settings")
    settings = dict(DEFAULT_SETTINGS)
    for key, value in zip(_text(_col(st, "setting")), _text(_col(st, "value")), strict=True):
        if value:
            settings[key.lower()] = value

    return Portfolio(
        projects=projects,
        demand=demand,
        capacity=capacity,
        roles=roles,
        budget=budget,
        dependencies=dependencies,
        criteria=criteria,
        scores=scores,
        pairwise=pairwise,
        categories=categories,
        source=source,
        warnings=tuple(dict.fromkeys(warnings)),
        settings=settings,
        own_settings=st is not None and st.usable and len(st.frame) > 0,
    )


def _normalise_period(period: str) -> str:
    text = str(period).strip()
    if text.lower() == "total":
        return "total"
    if re.fullmatch(r"\d{4}", text):
        return f"{int(text):04d}"
    if re.fullmatch(r"\d{4}-[Qq][1-4]", text):
        return f"{int(text[:4]):04d}-Q{text[-1]}"
    return normalise(text)
