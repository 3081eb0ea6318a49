"""The rules of a valid portfolio, as data: limits, how each numeric column is read and bounded
(:class:`NumberSpec`, :data:`NUMBERS`), month and choice columns, keys and unique columns.
"""

from __future__ import annotations

from dataclasses import dataclass

from pmo_opt.inputs.tables import DEPENDENCY_KINDS, DIRECTIONS, STATUSES

#: longest accepted duration in months; more is almost surely days or weeks
MAX_DURATION = 600
#: plausible calendar years; '2207-01' for '2027-01' would otherwise make a 180-year horizon
YEARS = (1900, 2199)
ACTIVE = ("committed", "in_flight")
#: rows one rule reports one by one; the rest are counted (see ``TableView.add``)
MAX_PER_RULE = 20
#: FTE beyond this is unusual (10,000 people on one role in one month): accepted, with a warning
PLAUSIBLE_FTE = 1e4
#: money, benefit, scores and weights beyond this are unusual (a typo or the wrong unit?): warned
PLAUSIBLE_AMOUNT = 1e11
#: FTE beyond this cannot be meant: the solver's FTE scaling (x 10,000) would leave 64 bits
MAX_FTE = 1e8
#: amounts beyond this cannot be meant: a float no longer holds their cents (2**53 ~ 9e15), and
#: the solvers' arithmetic breaks down (1e308 -> inf)
MAX_AMOUNT = 1e15
NEEDS = ("requires", "finish_to_start")


@dataclass(frozen=True)
class NumberSpec:
    """How one numeric column is read and bounded."""

    required: bool = False
    integer: bool = False
    low: float | None = 0.0
    high: float | None = None
    low_fix: str = "{col} must be 0 or more"
    high_fix: str = ""
    percent: bool = False
    fraction: bool = False
    #: largest absolute value that can be meant; beyond it the solver's arithmetic breaks
    magnitude: float = MAX_AMOUNT
    #: largest usual absolute value; beyond it (up to ``magnitude``) a warning names the cell
    plausible: float = PLAUSIBLE_AMOUNT


AMOUNT = NumberSpec()
_SHARE = NumberSpec(
    high=1.0, high_fix="write a share between 0 and 1, e.g. 0.25 (or 25%)", percent=True
)
NUMBERS: dict[str, dict[str, NumberSpec]] = {
    "projects": {
        "duration": NumberSpec(
            required=True,
            integer=True,
            low=1,
            low_fix="a project lasts at least 1 month",
            high=MAX_DURATION,
            high_fix=f"durations are whole months (at most {MAX_DURATION}); is it in days?",
        ),
        **dict.fromkeys(
            (
                "cost",
                "benefit",
                "risk",
                "cost_of_delay",
                "benefit_low",
                "benefit_high",
                "cost_low",
                "cost_high",
            ),
            AMOUNT,
        ),
    },
    "demand": {
        "fte": NumberSpec(required=True, magnitude=MAX_FTE, plausible=PLAUSIBLE_FTE),
        "month_offset": NumberSpec(integer=True, low_fix="month_offset counts from 0"),
    },
    "capacity": {"fte": NumberSpec(required=True, magnitude=MAX_FTE, plausible=PLAUSIBLE_FTE)},
    "roles": {
        **dict.fromkeys(("cost_per_fte_month", "hire_cost_per_fte_month"), AMOUNT),
        "max_hire_fte": NumberSpec(magnitude=MAX_FTE, plausible=PLAUSIBLE_FTE),
    },
    "budget": {"amount": NumberSpec(required=True)},
    "criteria": {"weight": NumberSpec(required=True)},
    "scores": {"score": NumberSpec(required=True, low=None)},
    "pairwise": {
        "ratio": NumberSpec(
            required=True,
            low=1 / 9 - 0.002,  # 0.111 written for 1/9 is fine
            high=9.0,
            low_fix="Saaty's scale runs from 1/9 to 9 (1 = equally important)",
            high_fix="Saaty's scale runs from 1/9 to 9 (9 = extremely more important)",
            fraction=True,
        )
    },
    "categories": {"min_share": _SHARE, "max_share": _SHARE},
}
MONTH_COLUMNS = {"projects": ("earliest_start", "deadline"), "capacity": ("month",)}
CHOICES = {
    "projects": {"status": STATUSES},
    "dependencies": {"kind": DEPENDENCY_KINDS},
    "criteria": {"direction": DIRECTIONS},
}
#: columns that may not be empty, and those whose values must be unique in their table
KEYS = {
    "projects": ("project_id",),
    "demand": ("project_id", "role"),
    "capacity": ("role",),
    "roles": ("role",),
    "budget": ("period",),
    "dependencies": ("project_id", "depends_on"),
    "criteria": ("criterion",),
    "scores": ("project_id", "criterion"),
    "pairwise": ("criterion", "over"),
    "categories": ("category",),
    "settings": ("setting",),
}
#: identifier columns: refused when they start like a spreadsheet formula (README, "Limits and
#: safety"); free text (names, categories) is written with a leading apostrophe instead
IDENTIFIERS = ("project_id", "depends_on", "role", "criterion", "over")
#: a date this many months before or after everything else the data names is probably a typo
FAR_MONTHS = 120
UNIQUE = {
    "projects": "project_id",
    "roles": "role",
    "criteria": "criterion",
    "categories": "category",
    "settings": "setting",
}
