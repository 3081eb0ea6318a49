"""The re-planning rules of the independent checker (docs/model.md 11-14): a frozen project keeps
its baseline decision, at most ``max_changes`` selection changes, and the penalties of a plan,
all recomputed from the baseline file and the plan's decisions alone.
"""

from __future__ import annotations

from pmo_opt.engine.check_rows import Violation, label
from pmo_opt.engine.plan import Plan
from pmo_opt.inputs import months
from pmo_opt.inputs.baseline import read_baseline, resolve_baseline
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import Scenario


def baseline_rows(scenario: Scenario, first: int) -> dict[str, int | None]:
    """project -> its baseline start ordinal (the horizon start for work started before it),
    ``None`` for a project the baseline leaves out; read from the baseline file itself."""
    table = read_baseline(resolve_baseline(str(scenario.baseline)))
    out: dict[str, int | None] = {}
    for p, sel, start in zip(table.index, table["selected"], table["start"], strict=True):
        out[str(p)] = max(months.to_ordinal(start), first) if sel else None
    return out


def check_freeze(
    scenario: Scenario, info: dict[str, dict], starts: dict[str, int], first: int, out: list
) -> None:
    table = read_baseline(resolve_baseline(str(scenario.baseline)))
    base = baseline_rows(scenario, first)
    if "started" in scenario.freeze:
        frozen = [
            p
            for p, sel, s in zip(table.index, table["selected"], table["start"], strict=True)
            if sel and months.to_ordinal(s) < first
        ]
    else:
        frozen = list(scenario.freeze)
    for p in frozen:
        if p not in info:
            continue  # no longer in the portfolio (cancelled or complete): nothing to keep
        was, now = base.get(p), starts.get(p)
        if was is None and now is not None:
            what = f"is selected (start {months.from_ordinal(now)}) but the baseline left it out"
        elif was is not None and now is None:
            what = f"is left out but the baseline starts it in {months.from_ordinal(was)}"
        elif was is not None and now != was:
            what = (
                f"starts in {months.from_ordinal(now)} but the baseline starts it in "
                f"{months.from_ordinal(was)}"
            )
        else:
            continue
        moved = abs(now - was) if was is not None and now is not None else 0
        out.append(Violation("freeze", f"{label(info, p)} is frozen and {what}", p, amount=moved))


def replan_penalties(portfolio: Portfolio, scenario: Scenario, plan: Plan) -> dict[str, float]:
    """The re-planning penalties of ``plan`` recomputed from the baseline file and the plan's
    decisions alone (docs/model.md rules 11-12): ``changes``, ``months_moved``,
    ``change_penalty``, ``move_penalty``, ``penalty``; all 0 without a baseline."""
    zero = {"changes": 0, "months_moved": 0, "change_penalty": 0.0, "move_penalty": 0.0}
    if scenario.baseline is None:
        return {**zero, "penalty": 0.0}
    first = months.to_ordinal(plan.horizon[0])
    base = baseline_rows(scenario, first)
    changes = moved = 0
    for p, sel, start in zip(
        plan.projects.index, plan.projects["selected"], plan.projects["start"], strict=True
    ):
        was = base.get(str(p))
        if bool(sel) != (was is not None):
            changes += 1
        elif sel and was is not None:
            moved += abs(months.to_ordinal(start) - was)
    change = changes * scenario.change_penalty
    move = moved * scenario.move_penalty
    return {
        "changes": changes,
        "months_moved": moved,
        "change_penalty": change,
        "move_penalty": move,
        "penalty": change + move,
    }


def check_max_changes(portfolio: Portfolio, scenario: Scenario, plan: Plan, out: list) -> None:
    """Rule 14: at most ``max_changes`` selection changes against the baseline."""
    found = replan_penalties(portfolio, scenario, plan)["changes"]
    if scenario.max_changes is not None and found > scenario.max_changes:
        out.append(
            Violation(
                "max_changes",
                f"the plan changes the selection of {found} projects against the baseline; "
                f"at most {scenario.max_changes} may change",
                amount=found - scenario.max_changes,
            )
        )
