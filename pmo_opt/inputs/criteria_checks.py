"""Rules for prioritisation and settings: criteria, scores, pairwise comparisons, categories,
settings.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmo_opt.inputs.checked_table import Context, TableView, unknown
from pmo_opt.inputs.column_checks import check_unique
from pmo_opt.inputs.project_checks import check_project_refs
from pmo_opt.inputs.tables import DEFAULT_SETTINGS


def check_criteria(t: TableView, ctx: Context) -> None:
    weight = t.number("weight")
    if len(t) and t.has("weight") and weight.notna().all() and (weight == 0).all():
        t.note(
            None, "weight", "every weight is 0, so every project scores 0; give weights", "warning"
        )


def check_scores(t: TableView, ctx: Context) -> None:
    check_project_refs(t, ctx)
    if ctx.criteria is not None and t.has("criterion"):
        crit = t.text("criterion")
        t.add(
            (crit != "") & ~crit.isin(ctx.criteria),
            "criterion",
            lambda i: unknown(t.cell(i, "criterion"), "criterion", ctx.criteria, ctx.criteria_file),
        )
    if t.has("project_id") and t.has("criterion"):
        check_unique(t, ["project_id", "criterion"], "score for")


def check_pairwise(t: TableView, ctx: Context) -> None:
    if ctx.criteria is not None:
        for col in ("criterion", "over"):
            if t.has(col):
                crit = t.text(col)
                t.add(
                    (crit != "") & ~crit.isin(ctx.criteria),
                    col,
                    lambda i, c=col: unknown(
                        t.cell(i, c), "criterion", ctx.criteria, ctx.criteria_file
                    ),
                )
    if not (t.has("criterion") and t.has("over")):
        return
    a, b, ratio = t.text("criterion"), t.text("over"), t.number("ratio")
    t.add(
        (a != "") & (a == b),
        "over",
        lambda i: f"{a.iloc[i]!r} is compared with itself; drop the row",
    )
    check_unique(t, ["criterion", "over"], "comparison")
    given = {
        (x, y): (r, i) for i, (x, y, r) in reversed(list(enumerate(zip(a, b, ratio, strict=True))))
    }

    def contradicts(i: int) -> bool:
        back = given.get((b.iloc[i], a.iloc[i]))
        return (
            back is not None
            and back[1] < i
            and not np.isnan(ratio.iloc[i])
            and not np.isnan(back[0])
            and abs(ratio.iloc[i] * back[0] - 1) > 0.01
        )

    mask = pd.Series([a.iloc[i] != b.iloc[i] and contradicts(i) for i in range(len(t))], dtype=bool)
    t.add(
        mask,
        "ratio",
        lambda i: (
            f"{a.iloc[i]} over {b.iloc[i]} is {t.cell(i, 'ratio')!r} here but the reverse "
            f"(row {t.row(given[(b.iloc[i], a.iloc[i])][1])}) is not its reciprocal; give the pair once"
        ),
    )


def check_categories(t: TableView, ctx: Context) -> None:
    low, high = t.number("min_share"), t.number("max_share")
    t.add(
        low > high,
        "min_share",
        lambda i: (
            f"min_share {t.cell(i, 'min_share')!r} is more than max_share "
            f"{t.cell(i, 'max_share')!r}; swap them"
        ),
    )
    valid = low[(low >= 0) & (low <= 1)]
    if valid.sum() > 1 + 1e-9:
        t.note(
            None,
            "min_share",
            f"the min_share values add up to {valid.sum():g}, more than 1; no plan can meet them all",
        )


def check_settings(t: TableView, ctx: Context) -> None:
    names = t.text("setting").str.lower()
    t.add(
        ~names.isin(list(DEFAULT_SETTINGS)),
        "setting",
        lambda i: unknown(t.cell(i, "setting"), "setting", list(DEFAULT_SETTINGS), "settings"),
    )
    value = t.text("value")
    start = pd.to_numeric(value.where(names == "fiscal_year_start"), errors="coerce")
    t.add(
        (names == "fiscal_year_start") & ~start.isin(range(1, 13)),
        "value",
        lambda i: (
            f"fiscal_year_start {t.cell(i, 'value')!r} is not a month number; "
            "write 1 (January) to 12 (December)"
        ),
    )
    t.add(
        value.str.len() > 200,
        "value",
        lambda i: (
            f"the value of {t.cell(i, 'setting')!r} is longer than 200 characters; shorten it"
        ),
    )
