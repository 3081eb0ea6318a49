"""Words for a re-plan against the approved plan: what changes and why, what re-optimising buys
against keeping the plan, and the "Since the approved plan" section of the board brief.

Every function takes finished results (plans, their ``details["replan"]`` facts, the tables of
:mod:`pmo_opt.analysis.replan`) and returns Markdown or a table; data text (names, ids, roles)
is escaped with :func:`pmo_opt.text.escape_markdown`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd
from IPython.display import Markdown

from pmo_opt.engine.plan import Plan
from pmo_opt.inputs import months
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import Scenario
from pmo_opt.text import escape_markdown

CHANGE_COLUMNS = ["project", "change", "value", "why"]


def _points(x: float | None) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "n/a"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.1f}"


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def _join(parts: Sequence[str]) -> str:
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} and {parts[-1]}"


def _month(m: str | None) -> str:
    """``2027-04`` -> ``April 2027``."""
    if not m:
        return "n/a"
    names = (
        "January February March April May June July August September October November December"
    ).split()
    year, month = str(m).split("-")
    return f"{names[int(month) - 1]} {year}"


def _name(portfolio: Portfolio, p: str) -> str:
    """``P020 Finance Reporting`` as plain text (tables); escape it for Markdown."""
    name = portfolio.projects["name"].get(p) if p in portfolio.projects.index else None
    return f"{p} {name}" if isinstance(name, str) and name and name != p else str(p)


def _role(role: str) -> str:
    return str(role).replace("_", " ")


def _full_roles(portfolio: Portfolio, plan: Plan, p: str, start: str | None) -> list[str]:
    """Roles that would have no room for ``p`` at ``start`` beside the re-plan's own work."""
    if start is None or p not in portfolio.projects.index:
        return []
    h0 = months.to_ordinal(plan.horizon[0])
    first = max(months.to_ordinal(start) - h0, 0)
    d = int(portfolio.projects.at[p, "duration"])
    load = plan.load.set_index(["role", "month"])
    dem = portfolio.demand[portfolio.demand["project_id"] == p]
    short = []
    for role, rows in dem.groupby("role", sort=True):
        for k in range(d):
            t = first + k
            if t >= len(plan.horizon):
                break
            fte = float(rows.loc[rows["month_offset"] == k, "fte"].sum())
            key = (role, plan.horizon[t])
            if fte and key in load.index:
                used = float(load.at[key, "demand_fte"])
                room = float(load.at[key, "capacity_fte"] + load.at[key, "hired_fte"])
                if used + fte > room + 1e-9:
                    short.append(role)
                    break
    return short


def changes_table(portfolio: Portfolio, plan: Plan, approved: pd.DataFrame) -> pd.DataFrame:
    """What the re-plan changes against the approved plan, one row per project, in board words.

    Parameters
    ----------
    portfolio
        The re-planned portfolio (after :func:`pmo_opt.inputs.baseline.replan_inputs`).
    plan
        The re-plan (its ``details["replan"]`` lists entering, leaving, moving and gone ids).
    approved
        The approved ``plan.csv`` as read by :func:`pmo_opt.inputs.baseline.read_baseline`
        (to tell a new proposal from one the board had left out, and a baseline start).

    Returns
    -------
    DataFrame
        :data:`CHANGE_COLUMNS`: project (id and name), change (``enters``, ``leaves``,
        ``starts 3 months later``, ``cancelled``), value (priority points, as text) and why; plain
        text (a table escapes its own cells; :func:`since_approved_section` escapes for Markdown).
    """
    facts = plan.details.get("replan", {})
    value = plan.projects["value"]
    rows = []
    for p in facts.get("gone", []):
        rows.append((str(p), "cancelled or complete", "-", "not in the new data"))
    for p in facts.get("leaving", []):
        start = approved.at[p, "start"] if p in approved.index else None
        full = _full_roles(portfolio, plan, p, start)
        why = (
            f"no {_join([_role(r) for r in full])} capacity left for it at its approved start, "
            f"{_month(start)}"
            if full
            else "the money and people go further on the projects that replace it"
        )
        rows.append((_name(portfolio, p), "leaves", _points(value.get(p)), why))
    for p in facts.get("entering", []):
        new = p not in approved.index
        why = "a new proposal worth more than it costs" if new else "now fits"
        if not new and p in portfolio.projects.index:
            why = "now fits: the room another project leaves makes it possible"
        rows.append((_name(portfolio, p), "enters", _points(value.get(p)), why))
    for p, n in facts.get("moving", {}).items():
        now = plan.projects.at[p, "start"]
        was = approved.at[p, "start"] if p in approved.index else None
        later = was is not None and now > was
        change = f"starts {_plural(n, 'month')} {'later' if later else 'earlier'}"
        why = f"from {_month(was)} to {_month(now)}, to make room for the changes above"
        rows.append((_name(portfolio, p), change, _points(value.get(p)), why))
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def comparison_table(comparison: pd.DataFrame) -> pd.DataFrame:
    """The keep / re-plan / fresh comparison with board words for rows and columns."""
    names = {
        "keep": "keep the approved plan as it is",
        "replan": "re-plan against the approved plan",
        "fresh": "optimise from scratch",
    }
    t = comparison.copy()
    t["plan"] = t["plan"].map(names)
    t["breaks_rules"] = t["breaks_rules"].map(
        lambda n: "none" if n == 0 else ("n/a" if pd.isna(n) else f"{int(n)} rules")
    )
    t = t.rename(
        columns={
            "plan": "option",
            "value": "value (points)",
            "changes": "projects in or out",
            "months_moved": "months moved",
            "penalty": "disruption (points)",
            "objective": "value less disruption",
            "selected": "projects funded",
            "breaks_rules": "breaks",
        }
    ).drop(columns=["status"])
    for col in ("value (points)", "disruption (points)", "value less disruption"):
        t[col] = t[col].round(1)
    return t.set_index("option")


def replan_headline(comparison: pd.DataFrame, plan: Plan) -> Markdown:
    """The re-plan in three sentences: what changes, what it buys, against which alternatives."""
    facts = plan.details.get("replan", {})
    if not plan.has_solution or not facts:
        return Markdown(
            f"**No re-plan: {escape_markdown(plan.message or plan.status)}.** The approved plan "
            "and the new data cannot be reconciled under these settings; the diagnosis of "
            "`pmo-opt plan` says what to relax.\n"
        )
    rows = comparison.set_index("plan")
    keep, fresh = rows.loc["keep"], rows.loc["fresh"]
    lines = [
        f"**Re-planning from {_month(facts.get('as_of'))} changes "
        f"{_plural(int(facts.get('changes', 0)), 'project')} of the approved plan "
        f"({len(facts.get('entering', []))} in, {len(facts.get('leaving', []))} out) and moves "
        f"{_plural(len(facts.get('moving', {})), 'start')} by "
        f"{_plural(int(facts.get('months_moved', 0)), 'month')} in all.**",
        "",
    ]
    broken = float(keep["breaks_rules"])
    if math.isfinite(broken) and broken > 0:
        lines.append(
            f"The approved plan cannot simply continue: on the new data it breaks "
            f"{_plural(int(broken), 'rule')} (budget, capacity or deadlines), so some change "
            "is needed."
        )
    else:
        lines.append(
            f"The approved plan could continue as it is, worth {_points(keep['value'])} points."
        )
    if fresh["status"] not in ("optimal", "feasible"):
        return Markdown("\n".join(lines) + "\n")
    lines.append(
        f"The re-plan is worth {_points(facts.get('value'))} points against "
        f"{_points(fresh['value'])} for a plan optimised from scratch, which would change "
        f"{_plural(int(fresh['changes']), 'project')}: stability costs "
        f"{_points(fresh['value'] - facts.get('value', 0.0))} points "
        f"({(fresh['value'] - facts.get('value', 0.0)) / fresh['value']:.1%} of the value)."
    )
    return Markdown("\n".join(lines) + "\n")


def stability_sentence(table: pd.DataFrame) -> Markdown:
    """What each additional change buys, from the stability frontier table."""
    ok = table[table["value"].notna()].drop_duplicates(subset=["changes"])
    if ok.empty:
        return Markdown("No plan exists at any of the change limits tried.\n")
    least = ok.iloc[0]
    best = ok.loc[ok["value"].idxmax()]
    none = table.loc[table["value"].isna(), "max_changes"]
    lines = []
    if len(none):
        lines.append(
            f"No plan keeps the approved selection with fewer than "
            f"{_plural(int(least['changes']), 'change')}: the new budget and people do not allow it."
        )
    lines.append(
        f"With {_plural(int(least['changes']), 'change')} the portfolio is worth "
        f"{_points(least['value'])} points; the most value, {_points(best['value'])}, takes "
        f"{_plural(int(best['changes']), 'change')}. Each further change buys "
        f"{_points((best['value'] - least['value']) / max(best['changes'] - least['changes'], 1))}"
        " points on average."
    )
    return Markdown(" ".join(lines) + "\n")


def since_approved_section(
    portfolio: Portfolio, plan: Plan, approved: pd.DataFrame | None = None
) -> Markdown:
    """The board brief's "Since the approved plan" section (shown when the scenario has a
    baseline): changes, moves and what they cost, in a few lines.

    Parameters
    ----------
    portfolio, plan
        The re-planned portfolio and the plan (with ``details["replan"]``).
    approved
        The approved ``plan.csv`` table (:func:`pmo_opt.inputs.baseline.read_baseline`), to
        say why; without it the section lists the changes only.
    """
    facts = plan.details.get("replan")
    if not facts:
        return Markdown("")
    lines = [
        "## Since the approved plan",
        "",
        f"Re-planned from {_month(facts['as_of'])}: "
        f"{_plural(int(facts['changes']), 'project')} in or out, "
        f"{_plural(len(facts['moving']), 'start')} moved ({_plural(int(facts['months_moved']), 'month')}"
        f" in all); value {_points(facts['value'])} points less "
        f"{_points(facts['penalty'])} for disruption.",
        "",
    ]
    if approved is not None:
        lines += [_benefit_line(portfolio, plan, approved), ""]
        table = changes_table(portfolio, plan, approved)
        for project, change, _value, why in table.itertuples(index=False):
            lines.append(f"- {escape_markdown(project)}: {change} ({escape_markdown(why)})")
    else:
        for key, word in (("entering", "enters"), ("leaving", "leaves")):
            for p in facts[key]:
                lines.append(f"- {escape_markdown(_name(portfolio, p))}: {word}")
        for p, n in facts["moving"].items():
            lines.append(f"- {escape_markdown(_name(portfolio, p))}: moves {_plural(n, 'month')}")
    if facts.get("in_flight"):
        lines += ["", f"{_plural(len(facts['in_flight']), 'project')} in flight keep their start."]
    return Markdown("\n".join(lines) + "\n")


def keep_note(comparison: pd.DataFrame) -> str:
    """``(now breaks 16 rules)`` when the approved plan no longer fits the new data, else ``""``."""
    broken = float(comparison.set_index("plan").at["keep", "breaks_rules"])
    if math.isfinite(broken) and broken > 0:
        return f"(now breaks {_plural(int(broken), 'rule')})"
    return ""


def stability_table(table: pd.DataFrame) -> pd.DataFrame:
    """The stability frontier for the board: one row per change count reached, text where no
    plan exists (never an empty cell)."""
    rows = []
    seen: set[int] = set()
    for r in table.itertuples(index=False):
        if pd.isna(r.value):
            rows.append((int(r.max_changes), "no plan", "-", "-", "-", "-"))
            continue
        if int(r.changes) in seen:
            continue  # a looser limit that the plan does not use
        seen.add(int(r.changes))
        extra = "" if pd.isna(r.marginal_value) else _points(r.marginal_value)
        rows.append(
            (
                int(r.changes),
                _points(r.value),
                str(int(r.months_moved)),
                r.entering or "none",
                r.leaving or "none",
                extra or "-",
            )
        )
    columns = [
        "changes",
        "value (points)",
        "months moved",
        "entering",
        "leaving",
        "value per extra change",
    ]
    return pd.DataFrame(rows, columns=columns).set_index("changes")


def _benefit_line(portfolio: Portfolio, plan: Plan, approved: pd.DataFrame) -> str:
    """The re-plan in money: its stated benefit against the approved plan's."""
    from pmo_opt.analysis.two_currencies import amount

    benefit = portfolio.projects["benefit"].astype(float)
    table = approved.reset_index() if "project_id" not in approved.columns else approved
    kept = table.loc[table["selected"].astype(bool), "project_id"].astype(str)
    before = float(benefit.reindex(kept).fillna(0.0).sum())
    after = float(benefit.reindex(plan.selected).sum())
    code = portfolio.settings.get("currency") or ""
    change = after - before
    if abs(change) < 0.5:
        return f"In money: the same stated benefit as the approved plan ({amount(after, code)})."
    word = "more" if change > 0 else "less"
    return (
        f"In money: {amount(after, code)} of stated benefit, {amount(abs(change), code)} {word} "
        f"than the approved plan's {amount(before, code)}."
    )


def since_approved(portfolio: Portfolio, scenario: Scenario, plan: Plan) -> Markdown:
    """:func:`since_approved_section` for a notebook: the approved table read from the
    scenario's baseline; empty Markdown when the scenario has no baseline (a first plan)."""
    if scenario.baseline is None:
        return Markdown("")
    from pmo_opt.inputs.baseline import read_baseline

    return since_approved_section(portfolio, plan, read_baseline(scenario.baseline))
