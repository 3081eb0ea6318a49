"""Words for a re-plan against the approved plan: what changes and why, what re-optimising buys
against keeping the plan, and the "Since the approved plan" section of the board brief.

Every function takes finished results (plans, their ``details["replan"]`` facts, the tables of
:mod:`pmo_opt.analysis.replan`) and returns Markdown or a table; data text (names, ids, roles)
is escaped with :func:`pmo_opt.text.escape_markdown`.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from IPython.display import Markdown

from pmo_opt.engine.plan import Plan
from pmo_opt.inputs import months
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import Scenario
from pmo_opt.present.narrative.words import cash, money, plural, points
from pmo_opt.present.narrative.words import join_words as _join
from pmo_opt.text import escape_markdown

_points, _plural = points, plural

CHANGE_COLUMNS = ["project", "change", "value", "cost", "why"]


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
        ``starts 3 months later``, ``cancelled``), value (points, as text), cost (money, as
        text) and why, from the data: the roles that are full at its approved start, or its
        value for its cost against the projects that take its place; plain text (a table
        escapes its own cells; :func:`since_approved_section` escapes for Markdown).
    """
    facts = plan.details.get("replan", {})
    value = plan.projects["value"]
    cost = plan.projects["cost"]  # the plan's cost: from the roles' rates where the data has none
    entering = list(facts.get("entering", []))

    def money_of(p: str) -> str:
        return cash(portfolio, float(cost[p])) if p in cost.index and pd.notna(cost[p]) else "-"

    rows = []
    for p in facts.get("gone", []):
        rows.append((str(p), "cancelled or complete", "-", "-", "not in the new data"))
    for p in facts.get("leaving", []):
        start = approved.at[p, "start"] if p in approved.index else None
        full = _full_roles(portfolio, plan, p, start)
        if full:
            why = (
                f"no {_join([_role(r) for r in full])} capacity left for it at its approved "
                f"start, {_month(start)}"
            )
        else:
            why = _yield_reason(portfolio, plan, p, entering)
        rows.append((_name(portfolio, p), "leaves", _points(value.get(p)), money_of(p), why))
    for p in entering:
        new = p not in approved.index
        ratio = _per_100k(portfolio, plan, [p])
        why = f"a new proposal, {ratio}" if new else f"now fits, {ratio}"
        rows.append((_name(portfolio, p), "enters", _points(value.get(p)), money_of(p), why))
    for p, n in facts.get("moving", {}).items():
        now = plan.projects.at[p, "start"]
        was = approved.at[p, "start"] if p in approved.index else None
        later = was is not None and now > was
        change = f"starts {_plural(n, 'month')} {'later' if later else 'earlier'}"
        full = _full_roles(portfolio, plan, p, was)
        why = f"from {_month(was)} to {_month(now)}: " + (
            f"{_join([_role(r) for r in full])} {'is' if len(full) == 1 else 'are'} fully "
            f"booked at {_month(was)}"
            if full
            else "the budget and people of the new data fit better there"
        )
        rows.append((_name(portfolio, p), change, _points(value.get(p)), money_of(p), why))
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def _per_100k(portfolio: Portfolio, plan: Plan, ids: list[str]) -> str:
    """``3.1 points per 100k`` of cost for ``ids`` together (``""`` without a cost)."""
    cost = float(plan.projects["cost"].reindex(ids).fillna(0.0).sum())
    value = float(plan.projects["value"].reindex(ids).fillna(0.0).sum())
    if cost <= 0:
        return f"{points(value)} points at no cost"
    return f"{value / cost * 1e5:,.1f} points per {money(1e5)} of cost"


def _yield_reason(portfolio: Portfolio, plan: Plan, p: str, entering: list[str]) -> str:
    """Why a project that would still fit leaves: its value for its cost against the projects
    that take its place."""
    mine = _per_100k(portfolio, plan, [p])
    if not entering:
        return f"{mine}: the new budget and people keep more value without it"
    return (
        f"{mine}, against {_per_100k(portfolio, plan, entering)} for the projects that enter "
        f"({_join(entering[:3])})"
    )


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
    portfolio: Portfolio,
    plan: Plan,
    approved: pd.DataFrame | None = None,
    facts: Any | None = None,
) -> Markdown:
    """The board brief's first section for a re-plan, "Since the approved plan": who approved
    what and when, what changed in the data (the causes), what the re-plan changes with each
    change's value, cost and reason, and re-planning against keeping the approved plan.

    Parameters
    ----------
    portfolio, plan
        The re-planned portfolio and the plan (with ``details["replan"]``).
    approved
        The approved ``plan.csv`` table (:func:`pmo_opt.inputs.baseline.read_baseline`), to
        say why; without it the section lists the changes only.
    facts
        The report's :class:`~pmo_opt.analysis.report_facts.ReportFacts`: the approval, the
        causes and the keep / fresh comparisons (without them those parts are left out).
    """
    replan = plan.details.get("replan")
    if not replan:
        return Markdown("")
    lines = ["## Since the approved plan", ""]
    if facts is not None:
        lines += _approval_lines(facts)
    lines += [
        f"**The re-plan** from {_month(replan['as_of'])}: "
        f"{_plural(int(replan['changes']), 'project')} in or out, "
        f"{_plural(len(replan['moving']), 'start')} moved "
        f"({_plural(int(replan['months_moved']), 'month')} in all). "
        + value_sentence(replan["value"], replan["penalty"]),
        "",
    ]
    if facts is not None and facts.causes:
        lines += ["**What changed in the data since the approval:**", ""]
        lines += [f"- {line}" for line in cause_lines(portfolio, facts.causes)]
        lines.append("")
    if approved is not None:
        lines += [_benefit_line(portfolio, plan, approved), ""]
        table = changes_table(portfolio, plan, approved)
        lines += ["**What the re-plan changes** (value in points, cost, why):", ""]
        # a line per change, not a table: full-width lines print in half the height of a
        # five-column table, and the brief prints on two pages
        for r in table.itertuples(index=False):
            score = f"{r.value} points" if r.value != "-" else ""
            worth = ", ".join(x for x in (score, r.cost) if x and x != "-")
            lines.append(
                f"- **{escape_markdown(r.project)}** {escape_markdown(r.change)}"
                + (f" ({escape_markdown(worth)})" if worth else "")
                + f": {escape_markdown(r.why)}."
            )
        lines.append("")
    else:
        for key, word in (("entering", "enters"), ("leaving", "leaves")):
            for p in replan[key]:
                lines.append(f"- {escape_markdown(_name(portfolio, p))}: {word}")
        for p, n in replan["moving"].items():
            lines.append(f"- {escape_markdown(_name(portfolio, p))}: moves {_plural(n, 'month')}")
        lines.append("")
    if replan.get("in_flight"):
        lines += [f"{_plural(len(replan['in_flight']), 'project')} in flight keep their start.", ""]
    if facts is not None and facts.keep is not None:
        lines += _keep_lines(portfolio, facts)
    return Markdown("\n".join(lines) + "\n")


def value_sentence(value: float | None, disruption: float | None) -> str:
    """The plan's value, the disruption cost of changing the approved plan and the net, named
    apart: ``Value 2,684 points, less 100 points of disruption: net 2,584 points.``"""
    if value is None:
        return ""
    if not disruption:
        return f"Value {points(value)} points; no disruption to the approved plan."
    return (
        f"Value {points(value)} points, less {points(disruption)} points of disruption "
        f"(the price set on each change): net {points(value - disruption)} points."
    )


def _approval_lines(facts: Any) -> list[str]:
    b = facts.baseline
    if not b.get("run_id"):
        where = b.get("path", "a plan file")
        return [f"Re-planned against {escape_markdown(str(where))} (not from the ledger).", ""]
    who = escape_markdown(b.get("approved_by") or "")
    when = str(b.get("approved_at") or "")[:10]
    note = f' ("{escape_markdown(b["note"])}")' if b.get("note") else ""
    if who:
        head = f"**Approved** by {who} on {when}{note}: run {b['run_id']}."
    else:
        head = f"**Measured against** run {b['run_id']} (not the current approval)."
    return [head, ""]


def cause_lines(portfolio: Portfolio, causes: Any) -> list[str]:
    """One line per cause (:func:`pmo_opt.analysis.quarter_changes.input_changes` rows)."""
    out: list[str] = []
    new = [c for c in causes if c["kind"] == "new"]
    for c in causes:
        kind = c["kind"]
        if kind == "budget":
            period = escape_markdown(c["subject"])
            if c["before"] is None:
                out.append(f"Budget {period}: {cash(portfolio, c['after'])}, a new budget line.")
                continue
            delta = c["after"] - c["before"]
            sign = "+" if delta >= 0 else "\u2212"
            out.append(
                f"Budget {period}: {cash(portfolio, c['after'])} now against "
                f"{cash(portfolio, c['before'])} approved "
                f"({sign}{money(abs(delta))}"
                f"{_covers(c['subject'])})."
            )
        elif kind == "capacity":
            role = escape_markdown(str(c["subject"]).replace("_", " "))
            out.append(
                f"People: {role} {c['before']:g} FTE \u2192 {c['after']:g} FTE from "
                f"{_month(c['from_month'])}."
            )
        elif kind == "cancelled":
            out.append(f"Cancelled: {escape_markdown(c['project_id'] + ' ' + c['subject'])}.")
        elif kind == "slipped":
            out.append(
                f"Slipped: {escape_markdown(c['project_id'] + ' ' + c['subject'])} now finishes "
                f"{_month(c['after'])}, not {_month(c['before'])}."
            )
    if new:
        cost = sum(float(c["after"] or 0.0) for c in new)
        names = "; ".join(escape_markdown(f"{c['project_id']} {c['subject']}") for c in new[:4])
        more = f"; and {len(new) - 4} more" if len(new) > 4 else ""
        out.append(
            f"New proposals: {_plural(len(new), 'project')} costing {cash(portfolio, cost)} in "
            f"all ({names}{more})."
        )
    return out


def _covers(period: str) -> str:
    """For a year's budget, a reminder that the months already spent are no longer in it."""
    return "; the months already spent are no longer in it" if len(str(period)) == 4 else ""


def _keep_lines(portfolio: Portfolio, facts: Any) -> list[str]:
    keep, fresh = facts.keep, facts.fresh
    lines = ["**Re-planning against keeping the approved plan as it is:**", ""]
    if keep.broken:
        lines.append(
            f"- Keeping it is not an option: on the new data it breaks "
            f"{_plural(int(keep.broken), 'rule')} (budget, people or dates)."
        )
    else:
        lines.append(
            f"- Kept as it is: {points(keep.value)} points, stated benefit "
            f"{cash(portfolio, keep.benefit)}."
        )
    lines.append(
        f"- Re-planned: {points(facts.value)} points ({points(facts.net)} net of disruption), "
        f"stated benefit {cash(portfolio, facts.benefit)}, spend {cash(portfolio, facts.spend)}."
    )
    if fresh is not None and fresh.value is not None:
        lines.append(
            f"- Optimised from scratch: {points(fresh.value)} points, but "
            f"{points(fresh.disruption)} points of disruption (net {points(fresh.net)}); "
            f"stated benefit {cash(portfolio, fresh.benefit)}."
        )
    lines.append("")
    return lines


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


def since_approved(
    portfolio: Portfolio, scenario: Scenario, plan: Plan, facts: Any | None = None
) -> Markdown | None:
    """:func:`since_approved_section` for a notebook: the approved table read from the
    scenario's baseline; ``None`` (a cell that shows nothing) for a first plan."""
    if scenario.baseline is None:
        return None
    from pmo_opt.inputs.baseline import read_baseline

    return since_approved_section(portfolio, plan, read_baseline(scenario.baseline), facts)


def stability_for(portfolio: Portfolio, scenario: Scenario) -> pd.DataFrame | None:
    """The stability frontier of a re-plan (:func:`pmo_opt.analysis.replan.stability_frontier`:
    value against the number of changes to the approved plan), ``None`` for a first plan."""
    if scenario.baseline is None:
        return None
    from pmo_opt.analysis.replan import stability_frontier

    return stability_frontier(portfolio, scenario, workers=1)


def stability_section(table: pd.DataFrame | None) -> Markdown | None:
    """The report's stability section (notebook 07's finding): what each further change to the
    approved plan buys, with the frontier as a table; ``None`` (nothing shown) for a first
    plan."""
    if table is None:
        return None
    rows = stability_table(table).reset_index()
    lines = [
        "## What each further change to the approved plan buys",
        "",
        stability_sentence(table).data.strip(),
        "",
        "| " + " | ".join(str(c).capitalize() for c in rows.columns) + " |",
        "|" + "|".join("--:" if i < 3 else "---" for i in range(len(rows.columns))) + "|",
    ]
    for r in rows.itertuples(index=False):
        lines.append("| " + " | ".join(escape_markdown(str(v)) for v in r) + " |")
    return Markdown("\n".join(lines) + "\n")
