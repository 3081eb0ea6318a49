"""The words of the notebooks: the numbers of this run, stated in plain board language.

Most functions take results (a :class:`~pmo_opt.plan.Plan`, tables from :mod:`pmo_opt.scoring`,
:mod:`pmo_opt.explain`, :mod:`pmo_opt.compare`) and return :class:`IPython.display.Markdown` or
a tidy table for people, so a notebook shows exactly the numbers it computed. A few decide what
the notebooks' what-if runs are (:func:`budget_frontier`, :func:`cut_scenario`,
:func:`scenarios_to_compare`, :func:`analysis_scenario`), so that the settings live here, tested,
and not in notebook cells. Nothing here depends on timing or the machine: no seconds, no
absolute paths.

Statuses are stated honestly: a plan is called the best possible only when the solver proved it
(within the scenario's tolerance); a plan stopped at the time limit says how far from the best
it may be.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from IPython.display import Markdown

from pmo_opt import paths
from pmo_opt.engine.plan import Plan, capacity_grid, make_plan
from pmo_opt.inputs import months
from pmo_opt.inputs.data import Portfolio
from pmo_opt.inputs.scenario import Scenario, resolve_horizon
from pmo_opt.text import escape_markdown

FULL = 0.99  # a role-month at or above this share of its capacity counts as fully booked
DECIDED = ("in_flight", "committed")
#: what-if re-solves whose exact optimum matters less (frontier points other than today's, the
#: plan with hiring) stop once proven within this relative gap (or the scenario's own, when
#: larger): each one is a full MILP and a report runs several
ANALYSIS_GAP = 0.02
#: frontier budget levels, as multiples of the scenario's own budget scale
FRONTIER_SCALES = (0.8, 0.9, 1.0, 1.1, 1.2)
#: left-out projects explained (highest value first; ``None``: all): each costs a few re-solves
WHY_NOT_MAX = None
#: left-out projects the board brief explains in words (the table lists them all)
WHY_NOT_WORDS = 3
#: the board brief's "if the budget is cut" scenario: this share of the scenario's budget
CUT_FACTOR = 0.8


# --------------------------------------------------------------------------------------------
# numbers as people say them


def money(x: float | None) -> str:
    """``12891250`` -> ``12.89M``; ``245000`` -> ``245k``; ``950`` -> ``950``."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "n/a"
    sign = "-" if x < 0 else ""
    x = abs(float(x))
    if x >= 1e9:
        return f"{sign}{x / 1e9:,.2f}bn"
    if x >= 1e6:
        return f"{sign}{x / 1e6:,.2f}M"
    if x >= 1e4:
        return f"{sign}{x / 1e3:,.0f}k"
    return f"{sign}{x:,.0f}"


def points(x: float | None) -> str:
    """A value total: whole numbers with thousands separators (``2,778``)."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "n/a"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.1f}"


def share(x: float | None, digits: int = 0) -> str:
    """``0.2851`` -> ``28.5%`` with ``digits=1``."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "n/a"
    return f"{x:.{digits}%}"


def currency(portfolio: Portfolio) -> str:
    """The portfolio's currency (its ``settings`` table), or ``""`` when not given."""
    return str(getattr(portfolio, "settings", {}).get("currency", "") or "")


def cash(portfolio: Portfolio, x: float | None) -> str:
    """:func:`money` with the portfolio's currency: ``EUR 12.89M`` (escaped for Markdown)."""
    code = currency(portfolio)
    return f"{escape_markdown(code)} {money(x)}" if code else money(x)


def signed_share(x: float) -> str:
    return ("+" if x >= 0 else "\u2212") + f"{abs(x):.1%}"


def label(portfolio: Portfolio, project_id: str) -> str:
    """``P020 Finance Reporting Warehouse Migration`` (the id alone when there is no name)."""
    name = portfolio.projects["name"].get(project_id)
    return (
        f"{project_id} {name}"
        if isinstance(name, str) and name and name != project_id
        else (str(project_id))
    )


def md_label(portfolio: Portfolio, project_id: str) -> str:
    """:func:`label` as literal Markdown text: data text never becomes markup."""
    return escape_markdown(label(portfolio, project_id))


def role_label(role: str) -> str:
    """``data_engineer`` -> ``data engineer``, as literal Markdown text."""
    return escape_markdown(str(role).replace("_", " "))


def _join(parts: Sequence[str], word: str = "and") -> str:
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} {word} {parts[-1]}"


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def value_unit(scenario: Scenario) -> str:
    """What the objective's numbers are: priority points, benefit, or months."""
    return {
        "value": "priority points",
        "benefit": "of benefit",
        "value_minus_delay": "of benefit net of delay cost",
        "makespan": "months",
    }.get(scenario.objective, "points")


def _span(horizon: Sequence[str]) -> str:
    return f"{horizon[0]} to {horizon[-1]}" if horizon else "no months"


def _md(lines: Iterable[str]) -> Markdown:
    return Markdown("\n".join(lines).strip() + "\n")


def value_axis(scenario: Scenario) -> str:
    """A chart axis label for the objective's numbers."""
    return {
        "value": "portfolio value (priority points)",
        "benefit": "portfolio benefit",
        "value_minus_delay": "benefit net of delay cost",
        "makespan": "months to finish",
    }.get(scenario.objective, "portfolio value")


# --------------------------------------------------------------------------------------------
# the scenarios a notebook solves besides its own


def analysis_scenario(scenario: Scenario) -> Scenario:
    """``scenario`` with the what-if tolerance (:data:`ANALYSIS_GAP`) for frontier and why-not."""
    return scenario.replace(mip_gap=max(scenario.mip_gap, ANALYSIS_GAP))


def frontier_scales(scenario: Scenario) -> list[float]:
    """The frontier's budget scales: :data:`FRONTIER_SCALES` times the scenario's own."""
    return [round(scenario.budget_scale * f, 9) for f in FRONTIER_SCALES]


def budget_frontier(portfolio: Portfolio, scenario: Scenario, plan: Plan) -> pd.DataFrame:
    """The efficient frontier around today's budget (:func:`frontier_scales`), with today's point
    being ``plan`` itself, so that the curve and the selection agree; the other points are
    re-solved with :func:`analysis_scenario` (:func:`pmo_opt.frontier.frontier_table` columns)."""
    from pmo_opt.analysis.frontier import frontier_plans, frontier_table

    others = [x for x in frontier_scales(scenario) if abs(x - scenario.budget_scale) > 1e-9]
    solved = frontier_plans(portfolio, analysis_scenario(scenario), scales=others)
    solved = [(at, p) for at, p in solved if abs(at.budget_scale - scenario.budget_scale) > 1e-9]
    points = sorted([*solved, (scenario, plan)], key=lambda item: item[0].budget_scale)
    return frontier_table(portfolio, scenario, points)


def cut_scenario(scenario: Scenario, factor: float = CUT_FACTOR) -> Scenario:
    """``scenario`` with every budget figure at ``factor`` of its value (the board's "what if
    the budget is cut"), under the same solver settings."""
    return scenario.replace(
        name=f"{scenario.name}, budget cut {1 - factor:.0%}",
        budget_scale=scenario.budget_scale * factor,
    )


def scenarios_to_compare(scenario: Scenario, folder: str | Path | None = None) -> dict:
    """This run's scenario first, then every ``*.yaml`` in ``folder`` (default
    ``data/scenarios/``; ``baseline.yaml`` first, the rest by name), skipping a file whose
    scenario has this run's name. Every scenario is solved with this run's solver settings
    (solver, time limit, gap, threads), so that the comparison is like for like."""
    from pmo_opt.analysis.compare import load_scenarios

    folder = Path(folder) if folder is not None else paths.SCENARIOS_DIR
    files = sorted(folder.glob("*.yaml"), key=lambda f: (f.stem != "baseline", f.name))
    solver = {k: getattr(scenario, k) for k in ("solver", "time_limit_s", "mip_gap", "threads")}
    out = {scenario.name: scenario}
    for name, other in load_scenarios(files).items():
        if name in out:
            continue
        out[name] = other.replace(**solver)
    return out


# --------------------------------------------------------------------------------------------
# plan facts shared by several headlines


def status_sentence(plan: Plan) -> str:
    """The solver's outcome in one honest sentence."""
    s = plan.scenario
    if plan.status == "optimal":
        if plan.gap is not None and plan.gap > 1e-6:
            return (
                f"The plan is proven to be within {share(s.mip_gap, 2 if s.mip_gap < 0.01 else 1)} "
                f"of the best possible (the agreed solver tolerance; the proven gap is "
                f"{share(plan.gap, 2)})."
            )
        return "The plan is proven optimal: no plan that keeps every rule is worth more."
    if plan.status == "feasible":
        gap = f"at most {share(plan.gap, 2)} below" if plan.gap is not None else "below"
        return (
            f"**Not proven optimal**: the solver stopped at its {s.time_limit_s:g}-second limit; "
            f"the best possible plan may be {gap} this one."
        )
    if plan.status == "infeasible":
        return (
            "**No plan keeps every rule**: the committed work, deadlines, budget and teams clash."
        )
    if plan.status == "no_solution":
        return f"**No plan was found** within the {s.time_limit_s:g}-second limit."
    return f"**The solver reported {plan.status}**: {escape_markdown(plan.message)}"


def budget_use(portfolio: Portfolio, plan: Plan) -> pd.DataFrame:
    """Spend against each budget row: ``period``, ``spend``, ``limit``, ``use``, ``left``.

    Periods wholly outside the horizon limit nothing and are left out (docs/model.md, rule 7).
    """
    spend = plan.spend.set_index("month")["total"]
    horizon = list(plan.horizon)
    rows = []
    for period, amount in zip(portfolio.budget["period"], portfolio.budget["amount"], strict=True):
        covered = months.period_months(str(period))
        ms = horizon if covered is None else [m for m in covered if m in set(horizon)]
        if not ms:
            continue
        used = float(spend.reindex(ms).fillna(0.0).sum())
        limit = float(amount) * plan.scenario.budget_scale
        rows.append(
            {
                "period": str(period),
                "spend": used,
                "limit": limit,
                "use": used / limit if limit > 0 else np.nan,
                "left": limit - used,
            }
        )
    return pd.DataFrame(rows, columns=["period", "spend", "limit", "use", "left"])


def total_budget(portfolio: Portfolio, plan: Plan) -> float | None:
    """The money the budget allows over the horizon at this scenario's scale (``None`` without a
    budget): see :func:`pmo_opt.frontier.budget_reference`."""
    from pmo_opt.analysis.frontier import budget_reference

    if not len(portfolio.budget):
        return None
    return budget_reference(portfolio, list(plan.horizon)) * plan.scenario.budget_scale


def role_use(plan: Plan) -> pd.DataFrame:
    """Per role over the horizon: ``demand_fte_months``, ``supply_fte_months`` (capacity plus
    hires), ``utilisation``, ``full_months`` (months at or above 99%), ``peak``, ``peak_month``;
    busiest first."""
    load = plan.load.copy()
    load["supply"] = load["capacity_fte"] + load["hired_fte"]
    load["use"] = load["demand_fte"] / load["supply"].where(load["supply"] > 0)
    rows = []
    for role, g in load.groupby("role", sort=True):
        supply = float(g["supply"].sum())
        demand = float(g["demand_fte"].sum())
        peak_at = g["use"].idxmax() if g["use"].notna().any() else None
        rows.append(
            {
                "role": role,
                "demand_fte_months": demand,
                "supply_fte_months": supply,
                "utilisation": demand / supply if supply > 0 else np.nan,
                "full_months": int((g["use"] >= FULL).sum()),
                "peak": float(g.at[peak_at, "use"]) if peak_at is not None else np.nan,
                "peak_month": g.at[peak_at, "month"] if peak_at is not None else None,
            }
        )
    out = pd.DataFrame(rows)
    if not len(out):
        return out
    return out.sort_values(
        ["full_months", "utilisation", "role"], ascending=[False, False, True], kind="stable"
    ).reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# 01: the data


def role_pressure(portfolio: Portfolio, scenario: Scenario) -> pd.DataFrame:
    """Demand against capacity per role over the horizon, as if every project ran once.

    Returns
    -------
    DataFrame
        ``role``, ``demand_fte_months`` (all projects), ``decided_fte_months`` (in-flight and
        committed work only), ``capacity_fte_months`` (with the scenario's scaling and extra
        FTE), ``ratio`` (demand / capacity), ``decided_ratio``; highest ratio first.
    """
    horizon = resolve_horizon(portfolio, scenario)
    capacity = capacity_grid(portfolio, horizon, scenario).groupby("role")["fte"].sum()
    demand = portfolio.demand.groupby("role")["fte"].sum()
    decided_ids = portfolio.projects.index[portfolio.projects["status"].isin(DECIDED)]
    decided = (
        portfolio.demand[portfolio.demand["project_id"].isin(decided_ids)]
        .groupby("role")["fte"]
        .sum()
    )
    roles = sorted(set(capacity.index) | set(demand.index))
    out = pd.DataFrame({"role": roles})
    out["demand_fte_months"] = out["role"].map(demand).fillna(0.0).astype(float)
    out["decided_fte_months"] = out["role"].map(decided).fillna(0.0).astype(float)
    out["capacity_fte_months"] = out["role"].map(capacity).fillna(0.0).astype(float)
    cap = out["capacity_fte_months"].where(out["capacity_fte_months"] > 0)
    out["ratio"] = out["demand_fte_months"] / cap
    out["decided_ratio"] = out["decided_fte_months"] / cap
    return out.sort_values(["ratio", "role"], ascending=[False, True], kind="stable").reset_index(
        drop=True
    )


def earliest_start_plan(portfolio: Portfolio, scenario: Scenario) -> Plan:
    """Every project (not forced out) started in the first month it may: the unconstrained
    demand a PMO faces before choosing. Not a valid plan (``status`` ``feasible`` only so that
    charts accept it); use its ``load`` to show demand against capacity."""
    horizon = resolve_horizon(portfolio, scenario)
    first = horizon[0]
    starts = {}
    for p, row in portfolio.projects.iterrows():
        if p in scenario.force_out:
            continue
        early = row["earliest_start"]
        starts[p] = early if isinstance(early, str) and early > first else first
    return make_plan(
        portfolio,
        scenario,
        horizon,
        starts,
        status="feasible",
        message="every project at its earliest start (not a plan)",
    )


def data_overview(portfolio: Portfolio, scenario: Scenario, source: str = "") -> Markdown:
    """What the portfolio holds and how far it is oversubscribed, in money and in people."""
    pr = portfolio.projects
    horizon = resolve_horizon(portfolio, scenario)
    status = pr["status"].value_counts()
    by_status = _join(
        [f"{int(status[s])} {s.replace('_', '-')}" for s in ("in_flight", "committed", "proposed")
         if s in status]
    )  # fmt: skip
    cats = pr["category"].dropna()
    lines = [
        f"**{len(pr)} projects** ({by_status})"
        + (f" in {cats.nunique()} categories" if len(cats) else "")
        + (f" from {escape_markdown(source)}" if source else "")
        + f", planned over **{len(horizon)} months** ({_span(horizon)}).",
        "",
    ]
    plan = earliest_start_plan(portfolio, scenario)
    cost = float(plan.projects["cost"].sum())
    budget = total_budget(portfolio, plan)
    if budget:
        decided = float(plan.projects.loc[pr["status"].isin(DECIDED), "cost"].sum())
        lines.append(
            f"- **Money**: doing everything would cost **{cash(portfolio, cost)}** against a "
            f"budget of **{cash(portfolio, budget)}** ({cost / budget:.2f}x oversubscribed); the "
            f"in-flight and committed work alone takes {cash(portfolio, decided)} "
            f"({share(decided / budget)} of it)."
        )
    else:
        lines.append(
            f"- **Money**: doing everything would cost **{cash(portfolio, cost)}**; no budget "
            "given."
        )
    pressure = role_pressure(portfolio, scenario)
    short = pressure[pressure["ratio"] > 1.0]
    if len(short):
        worst = [
            f"{role_label(r)} {x:.2f}x" for r, x in zip(short["role"], short["ratio"], strict=True)
        ][:4]
        lines.append(
            f"- **People**: {_plural(len(short), 'role')} of {len(pressure)} are asked for more "
            f"than they have over the horizon: {_join(worst)} (demand / capacity)."
        )
    else:
        lines.append("- **People**: every role has enough capacity in total over the horizon.")
    deps = portfolio.dependencies
    if len(deps):
        kinds = deps["kind"].value_counts()
        words = {
            "requires": "requires",
            "finish_to_start": "finish-to-start",
            "excludes": "excludes",
        }
        lines.append(
            f"- **Rules**: {_plural(len(deps), 'dependency', 'dependencies')} ("
            + ", ".join(f"{int(kinds[k])} {words[k]}" for k in words if k in kinds)
            + ")"
            + (
                f", {int(pr['deadline'].notna().sum())} deadlines"
                if pr["deadline"].notna().any()
                else ""
            )
            + (
                f", {int(pr['earliest_start'].notna().sum())} earliest starts."
                if pr["earliest_start"].notna().any()
                else "."
            )
        )
    if portfolio.warnings:
        lines.append(
            f"- **Warnings**: {_plural(len(portfolio.warnings), 'thing')} accepted but odd "
            "(listed below)."
        )
    else:
        lines.append("- **Data quality**: the portfolio passed every check with no warnings.")
    return _md(lines)


def category_table(portfolio: Portfolio) -> pd.DataFrame:
    """Per category: ``projects``, ``cost`` (given, else labour), ``benefit`` and the share
    bounds of the categories table (``min_share``, ``max_share``, empty when none)."""
    from pmo_opt.engine.plan import spend_profile

    pr = portfolio.projects
    cost = spend_profile(portfolio).groupby("project_id")["amount"].sum().reindex(pr.index)
    frame = pd.DataFrame(
        {"category": pr["category"].fillna("(none)"), "cost": cost, "benefit": pr["benefit"]}
    )
    out = frame.groupby("category", sort=True).agg(
        projects=("cost", "size"), cost=("cost", "sum"), benefit=("benefit", "sum")
    )
    cats = portfolio.categories
    for col in ("min_share", "max_share"):
        out[col] = out.index.map(cats[col]) if col in cats else np.nan
    return out.reset_index()


# --------------------------------------------------------------------------------------------
# 02: priorities


def stability_or_none(
    portfolio: Portfolio, scenario: Scenario, top_k: int = 10, draws: int = 500
) -> pd.DataFrame | None:
    """:func:`pmo_opt.scoring.rank_stability` with the scenario's seed, or ``None`` when the
    scoring has no criteria weights to vary (WSJF, benefit)."""
    from pmo_opt.prioritise.scoring import scoring_method
    from pmo_opt.prioritise.stability import rank_stability

    if scoring_method(portfolio, scenario) not in ("weighted", "ahp"):
        return None
    return rank_stability(portfolio, scenario, draws=draws, seed=scenario.seed, top_k=top_k)


def weights_table(portfolio: Portfolio, scenario: Scenario, ahp: Any | None = None) -> pd.DataFrame:
    """Per criterion: ``direction``, ``table_weight`` (criteria table, normalised), ``ahp_weight``
    (from the pairwise judgements, when given) and ``weight_used`` (what the scores use)."""
    from pmo_opt.prioritise.scoring import criteria_weights, scoring_method

    crit = portfolio.criteria
    out = pd.DataFrame(index=crit.index.astype(str))
    out.index.name = "criterion"
    out["direction"] = crit["direction"].to_numpy() if "direction" in crit else "max"
    table = crit["weight"].astype(float)
    out["table_weight"] = (table / table.sum()).to_numpy() if table.sum() > 0 else np.nan
    out["ahp_weight"] = out.index.map(ahp.weights) if ahp is not None else np.nan
    method = scoring_method(portfolio, scenario)
    if method in ("weighted", "ahp"):
        used = criteria_weights(
            portfolio, method, scenario.weights if method == "weighted" else None
        )
        out["weight_used"] = out.index.map(used)
    else:
        out["weight_used"] = np.nan
    return out.reset_index()


def ranking_headline(
    portfolio: Portfolio,
    scenario: Scenario,
    ranking: pd.DataFrame,
    stability: pd.DataFrame | None = None,
    ahp: Any | None = None,
    top: int = 5,
    top_k: int = 10,
) -> Markdown:
    """The ranking in words: how scores are made, the top projects, whether the judgements are
    consistent and whether the top of the list survives a change of weights."""
    from pmo_opt.prioritise.scoring import describe_scoring

    lines = [f"{escape_markdown(describe_scoring(portfolio, scenario))}.", ""]
    head = ranking.head(top)
    lines.append(f"**Top {len(head)} by priority score:**")
    lines.append("")
    for pid, row in head.iterrows():
        lines.append(f"{int(row['rank'])}. {md_label(portfolio, pid)} (score {row['score']:.1f})")
    lines.append("")
    if ahp is not None:
        verdict = (
            "below the 0.10 limit, so the judgements hang together"
            if ahp.consistent
            else "**above the 0.10 limit: revisit the judgements before trusting the weights**"
        )
        lines.append(
            f"- **AHP**: the pairwise judgements give a consistency ratio of {ahp.cr:.3f}, "
            f"{verdict}."
        )
    if "wsjf" in ranking and ranking["wsjf"].notna().any():
        by_wsjf = ranking["wsjf"].sort_values(ascending=False, kind="stable")
        both = len(set(by_wsjf.index[:top_k]) & set(ranking.index[:top_k]))
        lines.append(
            f"- **WSJF** (cost of delay / job size) puts {md_label(portfolio, by_wsjf.index[0])} "
            f"first; {both} of the top {top_k} by score are also in the WSJF top {top_k}."
        )
    if stability is not None and len(stability):
        base_top = stability[stability["base_rank"] <= top_k]
        firm = base_top[base_top["p_top_k"] >= 0.9]
        swing = (stability["max_rank"] - stability["min_rank"]).astype(int)
        mover = swing.idxmax()
        lines.append(
            f"- **Stability**: with every weight varied by about 20%, {len(firm)} of the top "
            f"{len(base_top)} stay in the top {top_k} in at least 90% of the draws; "
            f"{md_label(portfolio, mover)} moves most (ranks {int(stability.at[mover, 'min_rank'])} "
            f"to {int(stability.at[mover, 'max_rank'])})."
        )
    return _md(lines)


# --------------------------------------------------------------------------------------------
# 03: the selection


def baseline_gain(plan: Plan, baseline: Plan) -> float | None:
    """The plan's objective over rank-and-fill's, as a fraction (``None`` when not comparable)."""
    if not (plan.has_solution and baseline.has_solution):
        return None
    ours, theirs = plan.objective, baseline.objective
    if ours is None or theirs is None or theirs == 0 or baseline.details.get("violations"):
        return None
    if plan.scenario.objective == "makespan":  # fewer months is better
        return (theirs - ours) / abs(theirs)
    return (ours - theirs) / abs(theirs)


def selection_headline(portfolio: Portfolio, plan: Plan, baseline: Plan | None = None) -> Markdown:
    """What was chosen, how good it is (status and gap), value against rank-and-fill, budget use."""
    lines = [status_sentence(plan), ""]
    if not plan.has_solution:
        for item in plan.details.get("diagnosis", []):
            lines.append(f"- {escape_markdown(item)}")
        return _md(lines)
    sel = plan.projects[plan.projects["selected"]]
    decided = int(sel["status"].isin(DECIDED).sum())
    unit = value_unit(plan.scenario)
    lines.append(
        f"The plan selects **{len(sel)} of {len(plan.projects)} projects** ({decided} in flight or "
        f"committed, {len(sel) - decided} new) worth **{points(plan.objective)} {unit}**."
    )
    budget = total_budget(portfolio, plan)
    if budget:
        lines.append(
            f"It spends **{cash(portfolio, plan.total_spend)} of the {cash(portfolio, budget)} "
            f"budget** ({share(plan.total_spend / budget, 1)})."
        )
    else:
        lines.append(f"It spends **{cash(portfolio, plan.total_spend)}**.")
    if baseline is not None:
        lines.append("")
        lines.append(baseline_sentence(plan, baseline))
    out = plan.projects[~plan.projects["selected"]].sort_values("value", ascending=False)
    if len(out):
        names = [md_label(portfolio, p) for p in out.index[:3]]
        lines.append("")
        lines.append(
            f"Left out: {_plural(len(out), 'project')}; the highest-valued are {_join(names)}."
        )
    return _md(lines)


def baseline_sentence(plan: Plan, baseline: Plan) -> str:
    """The plan against rank-and-fill (fund in priority order until money or people run out)."""
    if not baseline.has_solution:
        return (
            f"Funding in priority order finds no plan at all ({escape_markdown(baseline.message)})."
        )
    if baseline.details.get("violations"):
        return (
            "Funding in priority order (rank-and-fill) breaks a rule the optimiser keeps: "
            + "; ".join(escape_markdown(v) for v in baseline.details["violations"][:2])
            + "."
        )
    gain = baseline_gain(plan, baseline)
    unit = value_unit(plan.scenario)
    theirs = (
        f"{points(baseline.objective)} {unit} with {_plural(len(baseline.selected), 'project')}"
    )
    text = (
        "Funding projects in priority order until the money or the people run out "
        f"(rank-and-fill, same rules) reaches {theirs}"
    )
    if gain is None:
        return text + "."
    if abs(gain) < 0.0005:
        return text + ": the optimised plan is worth the same."
    better = "more" if gain > 0 else "less"
    return text + f": the optimised plan is worth **{abs(gain):.1%} {better}**."


def check_sentence(violations: Sequence[Any]) -> Markdown:
    """The independent checker's verdict (:func:`pmo_opt.check.check_plan`) in words."""
    if not violations:
        return Markdown(
            "**Independent check passed**: re-deriving every rule from the input files (not from "
            "the optimisation model) finds no budget, capacity, date, dependency or category rule "
            "broken.\n"
        )
    lines = [f"**Independent check FAILED**: {_plural(len(violations), 'rule')} broken:", ""]
    lines += [f"- {escape_markdown(v)}" for v in violations[:10]]
    return _md(lines)


def selection_table(plan: Plan, baseline: Plan | None = None) -> pd.DataFrame:
    """Every project with the decision: ``project_id``, ``name``, ``category``, ``status``,
    ``selected`` (0/1), ``start``, ``finish``, ``value``, ``cost``, ``risk`` and, with a
    baseline, ``rank_and_fill`` (0/1); selected first, then by value."""
    t = plan.projects.reset_index()
    t["selected"] = t["selected"].astype(int)
    if baseline is not None:
        chosen = set(baseline.selected)
        t["rank_and_fill"] = t["project_id"].isin(chosen).astype(int)
    t = t.sort_values(["selected", "value", "project_id"], ascending=[False, False, True])
    cols = ["project_id", "name", "category", "status", "selected", "start", "finish"]
    cols += ["value", "cost", "risk"] + (["rank_and_fill"] if baseline is not None else [])
    return t[cols].reset_index(drop=True)


def schedule_table(plan: Plan, portfolio: Portfolio) -> pd.DataFrame:
    """The selected projects in start order: ``project_id``, ``name``, ``category``, ``start``,
    ``finish``, ``months``, ``cost``."""
    t = plan.projects[plan.projects["selected"]].reset_index()
    t["months"] = t["project_id"].map(portfolio.projects["duration"]).astype(int)
    t = t.sort_values(["start", "project_id"])
    return t[["project_id", "name", "category", "start", "finish", "months", "cost"]].reset_index(
        drop=True
    )


def load_table(plan: Plan) -> pd.DataFrame:
    """The plan's load per role and month with ``utilisation`` (demand / (capacity + hired))."""
    t = plan.load.copy()
    supply = t["capacity_fte"] + t["hired_fte"]
    t["utilisation"] = (t["demand_fte"] / supply.where(supply > 0)).round(4)
    return t


def explanations_table(
    why: pd.DataFrame, plan: Plan, portfolio: Portfolio | None = None
) -> pd.DataFrame:
    """The why-not rows (:func:`pmo_opt.explain.why_not`) for people.

    Returns
    -------
    DataFrame
        ``project_id``, ``name``, ``value``, ``rank`` (by value among all projects, 1 = highest),
        ``value_lost_if_forced``, ``displaces``, ``extra_budget`` and ``extra_fte_months`` (the
        cheapest way in: money alone, staff alone, or both together; empty when none works),
        ``reason`` (one short line; with ``portfolio`` it also names a selected project it
        excludes) and ``detail`` (the full sentence).
    """
    cols = [
        "project_id", "name", "value", "rank", "value_lost_if_forced", "displaces",
        "extra_budget", "extra_fte_months", "staff", "reason", "detail",
    ]  # fmt: skip
    if why is None or not len(why):
        return pd.DataFrame(columns=cols)
    rank = plan.projects["value"].rank(ascending=False, method="min")
    rows = []
    for _, row in why.iterrows():
        budget, fte = _way_in(row)
        rows.append(
            {
                "project_id": row["project_id"],
                "name": row.get("name"),
                "value": row.get("value"),
                "rank": int(rank.get(row["project_id"], 0)) or None,
                "value_lost_if_forced": row.get("value_lost"),
                "displaces": row.get("displaces"),
                "extra_budget": budget,
                "extra_fte_months": fte,
                "staff": _staff(row),
                "reason": short_reason(
                    row,
                    _rival(row["project_id"], plan, portfolio),
                    currency(portfolio) if portfolio is not None else "",
                ),
                "detail": row.get("sentence"),
            }
        )
    return pd.DataFrame(rows, columns=cols)


def _way_in(row: pd.Series | dict) -> tuple[float, float]:
    """(extra money, extra FTE-months) of the cheapest option that brings the project in."""
    get = row.get
    if get("budget_ok") and _given(get("extra_budget")):
        return float(get("extra_budget")), 0.0
    if get("capacity_ok") and _given(get("extra_fte_months")):
        return 0.0, float(get("extra_fte_months"))
    if get("both_ok"):
        b, f = get("both_extra_budget"), get("both_extra_fte_months")
        return (float(b) if _given(b) else 0.0), (float(f) if _given(f) else 0.0)
    return np.nan, np.nan


def _staff(row: pd.Series | dict) -> str:
    """Which roles, how many FTE-months and when the cheapest way in needs ("" for none)."""
    get = row.get
    if get("budget_ok") and _given(get("extra_budget")):
        return ""
    if get("capacity_ok") and _given(get("extra_staff")):
        return str(get("extra_staff"))
    if get("both_ok") and _given(get("both_extra_staff")):
        return str(get("both_extra_staff"))
    return ""


def _rival(project_id: str, plan: Plan, portfolio: Portfolio | None) -> str | None:
    """A selected project that ``project_id`` excludes (an either-or pair), as a label."""
    if portfolio is None or not len(portfolio.dependencies):
        return None
    deps = portfolio.dependencies[portfolio.dependencies["kind"] == "excludes"]
    chosen = set(plan.selected)
    for a, b in zip(deps["project_id"], deps["depends_on"], strict=True):
        other = b if a == project_id else a if b == project_id else None
        if other is not None and other in chosen:
            return label(portfolio, other)
    return None


def short_reason(row: pd.Series | dict, rival: str | None = None, code: str = "") -> str:
    """One :func:`pmo_opt.explain.why_not` row in a line a board member reads: what forcing the
    project in would cost and the cheapest extra money or staff that would bring it in (naming
    the roles, how many FTE-months and when). Plain text: escape it where it becomes Markdown.

    ``rival`` names a selected project it excludes (an either-or pair), the first reason given;
    ``code`` is the currency of the money.
    """
    get = row.get
    parts = [f"it is the alternative to {rival}, which the plan selects"] if rival else []
    lost, displaces = get("value_lost"), get("displaces")
    ids = [d.strip() for d in str(displaces).split(",") if d.strip()] if _given(displaces) else []
    if _given(lost) and float(lost) > 0:
        text = f"forcing it in would cost {points(float(lost))} points of value elsewhere"
        if ids:
            text += f" ({_plural(len(ids), 'project')} would have to go)"
        parts.append(text)
    elif get("status_forced") == "infeasible":
        parts.append("it cannot be added under today's rules even if forced in")
    budget, fte = _way_in(row)
    fixes = []
    if _given(budget) and budget > 0:
        fixes.append(f"{code + ' ' if code else ''}{money(budget)} more budget")
    if _given(fte) and fte > 0:
        staff = _staff(row)
        fixes.append(f"more people: {staff}" if staff else f"{fte:,.1f} more FTE-months")
    if fixes:
        parts.append("it would fit with " + " plus ".join(fixes))
    elif _given(lost) and float(lost) > 0 and not rival:
        parts.append("more budget or staff alone would not fit it beside today's plan")
    if get("status_forced") not in (None, "", "optimal") and _given(get("status_forced")):
        parts.append("(the forced re-solve was not proven optimal)")
    text = "; ".join(parts) or "it does not fit beside higher-value work"
    return text[0].upper() + text[1:] + "."


def why_out(row: pd.Series | dict, rival: str | None = None) -> str:
    """Why a left-out project is out, in a few plain words (no fix): the rival it excludes, what
    forcing it in would cost, or that it cannot fit at all."""
    get = row.get
    if rival:
        return f"the alternative to {rival}, which the plan selects"
    lost = get("value_lost") if _given(get("value_lost")) else get("value_lost_if_forced")
    displaces = get("displaces")
    ids = [d.strip() for d in str(displaces).split(",") if d.strip()] if _given(displaces) else []
    if _given(lost) and float(lost) > 0:
        text = f"forcing it in would cost {points(float(lost))} points of value elsewhere"
        return text + (f" ({_plural(len(ids), 'project')} would go)" if ids else "")
    if get("status_forced") == "infeasible":
        return "it cannot be added under today's rules even if forced in"
    return "higher-value work uses the money and people it needs"


def way_in(row: pd.Series | dict, code: str = "") -> str:
    """The cheapest extra money and people that would bring a left-out project in, in words."""
    budget = row.get("extra_budget")
    staff = row.get("staff") if "staff" in row else _staff(row)
    if "staff" not in row:
        budget, _ = _way_in(row)
    parts = []
    if _given(budget) and float(budget) > 0:
        parts.append(f"{code + ' ' if code else ''}{money(float(budget))} more budget")
    if _given(staff):
        parts.append(str(staff))
    if parts:
        return " plus ".join(parts)
    return "no extra money or people alone would fit it beside today's plan"


def left_out_table(
    explanations: pd.DataFrame | None, plan: Plan, portfolio: Portfolio
) -> pd.DataFrame:
    """Every project the plan leaves out, with why and the cheapest way in.

    Returns
    -------
    DataFrame
        ``project`` (id and name), ``value``, ``rank`` (by value among all projects),
        ``why_out`` and ``way_in`` (plain text), highest value first; a project forced out by
        the scenario says so; one not explained (no why-not row) says "not analysed".
    """
    cols = ["project", "value", "rank", "why_out", "way_in"]
    if not plan.has_solution:
        return pd.DataFrame(columns=cols)
    out = plan.projects[~plan.projects["selected"]].sort_values(
        ["value"], ascending=False, kind="stable"
    )
    rank = plan.projects["value"].rank(ascending=False, method="min")
    by_id = (
        {str(r["project_id"]): r for _, r in explanations.iterrows()}
        if explanations is not None and len(explanations)
        else {}
    )
    code = currency(portfolio)
    rows = []
    for p in out.index:
        row = by_id.get(str(p))
        if p in plan.scenario.force_out:
            why, way = "out by the board's own decision", "a board decision to bring it back"
        elif row is None:
            why, way = "not analysed (lower value than the explained projects)", ""
        else:
            why = why_out(row, _rival(str(p), plan, portfolio))
            way = way_in(row, code)
        rows.append(
            {
                "project": label(portfolio, p),
                "value": float(out.at[p, "value"]),
                "rank": int(rank.get(p, 0)) or None,
                "why_out": why,
                "way_in": way,
            }
        )
    return pd.DataFrame(rows, columns=cols)


def _given(x: Any) -> bool:
    if x is None:
        return False
    if isinstance(x, float) and math.isnan(x):
        return False
    return not (isinstance(x, str) and not x.strip())


def why_not_markdown(why: pd.DataFrame, portfolio: Portfolio) -> Markdown:
    """The left-out projects a reader will ask about, one line each."""
    if why is None or not len(why):
        return Markdown("Every proposed project the board could ask about is in the plan.\n")
    lines = ["**Why these high-value projects are out:**", ""]
    lines += [_why_line(row, portfolio) for _, row in why.iterrows()]
    return _md(lines)


def _why_line(row: pd.Series, portfolio: Portfolio) -> str:
    rank = row.get("rank")
    where = f"ranked {int(rank)} of {len(portfolio.projects)}" if _given(rank) else ""
    head = f"- **{md_label(portfolio, row['project_id'])}** (value {float(row['value']):.1f}"
    head += f", {where})" if where else ")"
    reason = row.get("reason")
    return f"{head}: {escape_markdown(reason if _given(reason) else short_reason(row))}"


def frontier_headline(frontier: pd.DataFrame, plan: Plan) -> Markdown:
    """What more (or less) money would buy, read off the frontier."""
    solved = frontier.dropna(subset=["value"]).sort_values("budget")
    if len(solved) < 2:
        return Markdown("Too few budget levels have a plan to draw a frontier.\n")
    lines = []
    current = solved[solved["is_current"].astype(bool)]
    cheaper = solved[~solved["is_current"].astype(bool) & (solved["budget_scale"] < 1)]
    dearer = solved[~solved["is_current"].astype(bool) & (solved["budget_scale"] > 1)]
    if len(current):
        c = current.iloc[0]
        lines.append(
            f"At today's budget ({money(c['budget'])}) the best plan is worth {points(c['value'])} "
            f"{value_unit(plan.scenario)}."
        )
        if len(dearer):
            d = dearer.iloc[0]
            lines.append(
                f"With {money(d['budget'] - c['budget'])} more ({money(d['budget'])}) it rises to "
                f"{points(d['value'])} ({signed_share(d['value'] / c['value'] - 1)})."
            )
        if len(cheaper):
            e = cheaper.iloc[-1]
            lines.append(
                f"With {money(c['budget'] - e['budget'])} less ({money(e['budget'])}) it falls to "
                f"{points(e['value'])} ({signed_share(e['value'] / c['value'] - 1)})."
            )
    knee = solved[solved["knee"].astype(bool)]
    if len(knee):
        lines.append(
            f"Beyond about {money(knee.iloc[0]['budget'])}, each extra unit of money buys little "
            "more value (the knee of the curve)."
        )
    lines.append(
        f"The other points are re-solved to within {share(ANALYSIS_GAP)} of their best "
        "(a tolerance that keeps the curve quick to draw)."
    )
    unproven = solved[solved["status"] != "optimal"]
    if len(unproven):
        lines.append(
            f"{_plural(len(unproven), 'point')} of the curve stopped at the time limit and may "
            "sit slightly below the true frontier."
        )
    return Markdown(" ".join(lines) + "\n")


# --------------------------------------------------------------------------------------------
# 04: capacity


def capacity_headline(plan: Plan, advice: Any | None = None, top: int = 3) -> Markdown:
    """The busiest roles and months, and what hiring would buy."""
    if not plan.has_solution:
        return Markdown(status_sentence(plan) + "\n")
    use = role_use(plan)
    busy = use[use["full_months"] > 0].head(top)
    n = len(plan.horizon)
    lines = []
    if len(busy):
        parts = [
            f"**{role_label(r)}** fully booked in {f} of {n} months ({share(u)} used overall)"
            for r, f, u in zip(busy["role"], busy["full_months"], busy["utilisation"], strict=True)
        ]
        lines.append("The bottlenecks: " + _join(parts) + ".")
    else:
        lines.append("No role is fully booked in any month: people are not the limit.")
    load = plan.load.copy()
    supply = load["capacity_fte"] + load["hired_fte"]
    load["full"] = (load["demand_fte"] / supply.where(supply > 0)) >= FULL
    per_month = load.groupby("month")["full"].sum()
    if per_month.max() > 0:
        worst = per_month[per_month == per_month.max()].index.tolist()
        lines.append(
            f"The tightest {'month is' if len(worst) == 1 else 'months are'} {_join(worst[:3])}"
            + (f" and {len(worst) - 3} more" if len(worst) > 3 else "")
            + f", with {_plural(int(per_month.max()), 'role')} at capacity."
        )
    slack = use[(use["utilisation"] < 0.75) & (use["full_months"] == 0)]
    if len(slack):
        lines.append(
            "Spare capacity: "
            + _join([f"{role_label(r)} ({share(u)} used)" for r, u in
                     zip(slack["role"], slack["utilisation"], strict=True)][:3])
            + "."
        )  # fmt: skip
    if advice is not None:
        lines += ["", "**Hiring**: " + hiring_sentence(advice)]
    return _md(lines)


def hiring_pays(advice: Any) -> bool:
    """Whether hiring adds value beyond the re-solve's own tolerance (its proven gap)."""
    gain, value = advice.value_gain, advice.value_with
    if gain is None or value is None or not len(advice.hires):
        return False
    gap = advice.plan.gap if advice.plan is not None and advice.plan.gap is not None else 0.0
    return gain > gap * abs(value) + 1e-9


def hiring_sentence(advice: Any) -> str:
    """What :func:`pmo_opt.hiring.hiring_advice` found, without claiming a gain smaller than the
    re-solve's tolerance (a plan with hiring allowed is never worse; one solved to a looser gap
    can come out a little below today's plan)."""
    if hiring_pays(advice):
        return escape_markdown(" ".join(advice.sentences))
    if advice.value_with is None:
        return escape_markdown(" ".join(advice.sentences))
    if not len(advice.hires) and advice.sentences:
        return escape_markdown(" ".join(advice.sentences))
    gap = advice.plan.gap if advice.plan is not None and advice.plan.gap is not None else 0.0
    return (
        "hiring contractors (within the roles table's limits) buys no measurable value: the best "
        f"plan found with hiring allowed is worth {points(advice.value_with)}, against "
        f"{points(advice.value_without)} without"
        + (f" (that re-solve is proven only to within {share(gap, 1)})" if gap > 1e-6 else "")
        + ". Contractors are paid from the same budget as the projects."
    )


def hiring_table(advice: Any) -> pd.DataFrame:
    """The hires worth making (:attr:`HiringAdvice.runs`), empty when hiring does not pay."""
    return advice.runs if hiring_pays(advice) else advice.runs.iloc[0:0]


# --------------------------------------------------------------------------------------------
# 05: scenarios


def comparison_headline(comparison: Any, portfolio: Portfolio) -> Markdown:
    """Each scenario against the first (the baseline): value, spend, projects in and out."""
    summary = comparison.summary.set_index("scenario")
    base_name = comparison.baseline
    base = summary.loc[base_name]
    lines = [
        f"Against **{escape_markdown(base_name)}** ({points(base['value'])} value, {money(base['spend'])} spent, "
        f"{int(base['selected'])} projects):",
        "",
    ]
    changes = comparison.changes
    for name, row in summary.iterrows():
        if name == base_name:
            continue
        if not np.isfinite(row["value"]):
            lines.append(f"- **{escape_markdown(name)}**: no plan ({row['status']}).")
            continue
        delta = row["value"] / base["value"] - 1 if base["value"] else np.nan
        text = (
            f"- **{escape_markdown(name)}**: value {points(row['value'])} ({signed_share(delta)}), "
            "spend "
            f"{money(row['spend'])}"
        )
        mine = changes[changes["scenario"] == name]
        leave = [escape_markdown(p) for p in mine.loc[mine["change"] == "leaves", "project_id"]]
        enter = [escape_markdown(p) for p in mine.loc[mine["change"] == "enters", "project_id"]]
        moves = []
        if leave:
            moves.append(f"{_plural(len(leave), 'project')} leave ({', '.join(leave[:6])}"
                         + (", ..." if len(leave) > 6 else "") + ")")  # fmt: skip
        if enter:
            moves.append(f"{_plural(len(enter), 'project')} enter ({', '.join(enter[:6])}"
                         + (", ..." if len(enter) > 6 else "") + ")")  # fmt: skip
        text += "; " + (_join(moves) if moves else "the same projects") + "."
        if row["status"] != "optimal":
            text += f" Not proven optimal ({row['status']})."
        lines.append(text)
    return _md(lines)


# --------------------------------------------------------------------------------------------
# 06: the board brief


def board_brief(
    portfolio: Portfolio,
    plan: Plan,
    baseline: Plan | None = None,
    cut: Plan | None = None,
    explanations: pd.DataFrame | None = None,
    advice: Any | None = None,
) -> Markdown:
    """The one-page brief: the decision asked, the recommended portfolio, value, spend against
    budget, key risks, what changes under the cut scenario, and the projects the board may ask
    about with why they are out.

    Parameters
    ----------
    plan, baseline
        The recommended plan and rank-and-fill's plan for the same scenario.
    cut
        The plan of a budget-cut scenario (its ``scenario.name`` and ``budget_scale`` are
        quoted).
    explanations
        :func:`explanations_table` rows for the left-out projects the board may ask about.
    advice
        :func:`pmo_opt.hiring.hiring_advice` for the scenario.
    """
    s = plan.scenario
    horizon = list(plan.horizon)
    lines = [
        f"**Scenario**: {escape_markdown(s.name)} \u00b7 **Period**: {_span(horizon)} "
        f"({len(horizon)} months)",
        "",
    ]
    if not plan.has_solution:
        lines += ["## The decision asked", "", status_sentence(plan), ""]
        lines += [f"- {escape_markdown(d)}" for d in plan.details.get("diagnosis", [])]
        return _md(lines)
    sel = plan.projects[plan.projects["selected"]]
    decided = sel[sel["status"].isin(DECIDED)]
    new = sel[~sel["status"].isin(DECIDED)]
    budget = total_budget(portfolio, plan)
    unit = value_unit(s)

    lines += ["## The decision asked", ""]
    ask = (
        f"Approve **{len(new)} new projects** to run alongside the {len(decided)} already in "
        f"flight or committed: **{len(sel)} of the {len(plan.projects)} projects**, "
        f"**{cash(portfolio, plan.total_spend)}**"
    )
    ask += f" of the {cash(portfolio, budget)} budget." if budget else "."
    lines += [ask, ""]
    new_money = float(new["cost"].sum())
    lines += [
        f"- **New money asked for**: {cash(portfolio, new_money)} for the new projects; "
        f"{cash(portfolio, float(decided['cost'].sum()))} is already committed to the work in "
        "flight or committed.",
    ]
    benefit = portfolio.projects["benefit"].reindex(sel.index)
    if benefit.notna().any():
        new_benefit = float(benefit.reindex(new.index).fillna(0.0).sum())
        lines.append(
            f"- **Stated benefit** of the selection: {cash(portfolio, float(benefit.sum()))} "
            f"({cash(portfolio, new_benefit)} from the new projects), as the project cases "
            "state it."
        )
    lines.append("")

    lines += ["## Why this portfolio", ""]
    value_line = f"- **Value**: {points(plan.objective)} {unit}."
    if baseline is not None:
        gain = baseline_gain(plan, baseline)
        if gain is not None and baseline.objective is not None:
            value_line = (
                f"- **Value**: {points(plan.objective)} {unit}, **{abs(gain):.0%} "
                f"{'more' if gain >= 0 else 'less'}** than funding projects in priority order "
                f"until the money runs out ({points(baseline.objective)}), for the same money "
                "and people."
            )
    lines.append(value_line)
    lines.append("- **Confidence**: " + status_sentence(plan))
    decisions = [f"{md_label(portfolio, p)} in" for p in s.force_in] + [
        f"{md_label(portfolio, p)} out" for p in s.force_out
    ]
    if decisions:
        lines.append("- **Board decisions kept**: " + "; ".join(decisions) + ".")
    by_cat = sel.groupby("category", dropna=False).agg(n=("value", "size"), cost=("cost", "sum"))
    if len(by_cat) > 1:
        parts = [
            f"{escape_markdown(c)} {int(r['n'])} ({cash(portfolio, r['cost'])})"
            for c, r in by_cat.sort_values("cost", ascending=False).iterrows()
        ]
        lines.append("- **Mix**: " + "; ".join(parts) + ".")
    top_new = new.sort_values("value", ascending=False).head(5)
    if len(top_new):
        lines.append(
            "- **Largest new commitments by value**: "
            + "; ".join(f"{md_label(portfolio, p)}" for p in top_new.index)
            + "."
        )
    lines.append("")

    lines += ["## Money", ""]
    use = budget_use(portfolio, plan)
    if len(use):
        for _, r in use.iterrows():
            period = "Whole period" if r["period"] == "total" else escape_markdown(r["period"])
            lines.append(
                f"- {period}: {cash(portfolio, r['spend'])} of {cash(portfolio, r['limit'])} "
                f"({share(r['use'], 1)}; {cash(portfolio, r['left'])} unallocated)."
            )
    else:
        lines.append(f"- Spend {cash(portfolio, plan.total_spend)}; no budget limits were given.")
    lines.append("")

    lines += ["## Key risks", ""]
    lines += _risks(portfolio, plan, use, advice)
    lines.append("")

    if cut is not None:
        cut_by = 1 - cut.scenario.budget_scale / s.budget_scale if s.budget_scale else 0.0
        lines += [f"## If the budget is cut by {cut_by:.0%}", ""]
        lines += _cut_lines(portfolio, plan, cut)
        lines.append("")

    left = left_out_table(explanations, plan, portfolio)
    if len(left):
        lines += ["## Projects left out", ""]
        if explanations is not None and len(explanations):
            lines.append("The highest-valued proposals that are **not** in the plan, and why:")
            lines.append("")
            lines += [
                _why_line(row, portfolio) for _, row in explanations.head(WHY_NOT_WORDS).iterrows()
            ]
            lines.append("")
        lines.append(f"All {_plural(len(left), 'project')} left out:")
        lines += ["", "| Project | Value | Why it is out | Cheapest way in |", "|---|--:|---|---|"]
        for _, r in left.iterrows():
            lines.append(
                f"| {escape_markdown(r['project'])} | {r['value']:,.1f} | "
                f"{escape_markdown(r['why_out'])} | {escape_markdown(r['way_in']) or '-'} |"
            )
        lines.append("")
    return _md(lines)


def _risks(portfolio: Portfolio, plan: Plan, use: pd.DataFrame, advice: Any | None) -> list[str]:
    out = []
    if len(use):
        tight = use[use["use"] >= 0.98]
        if len(tight):
            out.append(
                "- **No contingency**: "
                + _join([("the whole-period" if p == "total" else p) for p in tight["period"]])
                + f" {'budget is' if len(tight) == 1 else 'budgets are'} at least 98% allocated;"
                " any overrun pushes a project out or needs new money."
            )
    roles = role_use(plan)
    busy = roles[roles["full_months"] > 0].head(3)
    if len(busy):
        parts = [
            f"{role_label(r)} ({f} of {len(plan.horizon)} months fully booked)"
            for r, f in zip(busy["role"], busy["full_months"], strict=True)
        ]
        out.append(
            "- **Key people**: "
            + _join(parts)
            + "; losing one of them delays the projects that need them."
        )
    risk = portfolio.projects["risk"].dropna()
    if len(risk) and risk.max() > risk.min():
        sel = plan.projects[plan.projects["selected"]]
        # the top quarter of the rating scale the portfolio uses (4 and 5 on a 1-5 scale)
        high = float(risk.min() + 0.75 * (risk.max() - risk.min()))
        risky = sel[sel["risk"] >= high].sort_values(["risk", "value"], ascending=False)
        if len(risky):
            out.append(
                f"- **Delivery risk**: {_plural(len(risky), 'selected project')} "
                f"{'is' if len(risky) == 1 else 'are'} rated {high:g} or more for risk "
                f"(on the portfolio's {risk.min():g}-{risk.max():g} scale), e.g. "
                + _join([md_label(portfolio, p) for p in risky.index[:2]])
                + "."
            )
    if advice is not None and hiring_pays(advice):
        out.append(
            f"- **Hiring option**: contractors worth {money(float(advice.hires['cost'].sum()))} "
            f"would add {points(advice.value_gain)} {value_unit(plan.scenario)}."
        )
    if plan.status != "optimal":
        out.append("- **Analysis**: " + status_sentence(plan))
    return out or ["- No budget period or role is at its limit."]


def _cut_lines(portfolio: Portfolio, plan: Plan, cut: Plan) -> list[str]:
    if not cut.has_solution:
        return [f"No plan keeps every rule with the cut: {status_sentence(cut)}"]
    before, after = set(plan.selected), set(cut.selected)
    leave = sorted(before - after, key=lambda p: -float(plan.projects.at[p, "value"]))
    enter = sorted(after - before, key=lambda p: -float(cut.projects.at[p, "value"]))
    delta = (cut.objective or 0.0) / plan.objective - 1 if plan.objective else np.nan
    lines = [
        f"With the budget at {cut.scenario.budget_scale:.0%} of today's, the best plan is worth "
        f"{points(cut.objective)} ({signed_share(delta)}) and spends {money(cut.total_spend)}.",
        "",
    ]
    if leave:
        lines.append(
            f"- **Would stop**: {_plural(len(leave), 'project')}: "
            + "; ".join(md_label(portfolio, p) for p in leave[:6])
            + (f"; and {len(leave) - 6} more" if len(leave) > 6 else "")
            + "."
        )
    if enter:
        lines.append(
            "- **Would come in** (cheaper alternatives): "
            + "; ".join(md_label(portfolio, p) for p in enter[:4])
            + "."
        )
    moved = [
        p for p in before & after if plan.projects.at[p, "start"] != cut.projects.at[p, "start"]
    ]
    if moved:
        lines.append(f"- **Would move**: {_plural(len(moved), 'project')} start at another month.")
    if cut.status != "optimal":
        lines.append("- " + status_sentence(cut))
    return lines


__all__ = [
    "baseline_gain",
    "baseline_sentence",
    "board_brief",
    "budget_use",
    "capacity_headline",
    "comparison_headline",
    "data_overview",
    "earliest_start_plan",
    "explanations_table",
    "frontier_headline",
    "frontier_scales",
    "budget_frontier",
    "hiring_table",
    "analysis_scenario",
    "category_table",
    "check_sentence",
    "cut_scenario",
    "scenarios_to_compare",
    "stability_or_none",
    "value_axis",
    "weights_table",
    "label",
    "load_table",
    "money",
    "ranking_headline",
    "role_pressure",
    "role_use",
    "schedule_table",
    "selection_headline",
    "selection_table",
    "short_reason",
    "status_sentence",
    "total_budget",
    "why_not_markdown",
]
