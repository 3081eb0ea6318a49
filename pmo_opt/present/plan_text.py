"""A plan in a few lines for the command line: status, selection, budget use, busiest
role-months, and the optimiser against rank-and-fill."""

from __future__ import annotations

from pmo_opt.engine.objective import objective_of
from pmo_opt.engine.plan import Plan
from pmo_opt.engine.rank_fill import rank_and_fill
from pmo_opt.inputs import months
from pmo_opt.inputs.portfolio import Portfolio


def plan_report_text(portfolio: Portfolio, plan: Plan) -> str:
    """A short human summary of a plan for the command line."""
    s = plan.summary()
    lines = [f"scenario {s['scenario']}: {plan.status}"]
    if plan.gap is not None and plan.has_solution:
        lines[0] += f" (gap {plan.gap:.4%})"
    lines[0] += f" - {plan.message}"
    if not plan.has_solution:
        for item in plan.details.get("diagnosis", []):
            lines.append(f"  - {item}")
        return "\n".join(lines)
    lines.append(
        f"selected {s['selected']} of {s['projects']} projects; value {plan.total_value:,.1f}; "
        f"spend {plan.total_spend:,.0f}"
    )
    if plan.objective is not None:
        lines.append(f"objective ({plan.scenario.objective}): {plan.objective:,.2f}")
    budget = portfolio.budget
    if len(budget):
        spend = plan.spend.set_index("month")["total"]
        for period, amount in zip(budget["period"], budget["amount"], strict=True):
            covered = months.period_months(period)
            used = spend.sum() if covered is None else spend.reindex(covered).fillna(0).sum()
            limit = amount * plan.scenario.budget_scale
            lines.append(
                f"  budget {period}: {used:,.0f} of {limit:,.0f} ({used / limit:.0%})"
                if limit
                else f"  budget {period}: {used:,.0f} of 0"
            )
    load = plan.load.assign(
        use=plan.load["demand_fte"]
        / (plan.load["capacity_fte"] + plan.load["hired_fte"]).where(lambda c: c > 0)
    ).dropna(subset=["use"])
    busiest = load.sort_values(["use", "role", "month"], ascending=[False, True, True]).head(5)
    if len(busiest):
        lines.append(
            "busiest role-months: "
            + "; ".join(
                f"{r} {m} {u:.0%}"
                for r, m, u in zip(busiest["role"], busiest["month"], busiest["use"], strict=True)
            )
        )
    if plan.scenario.objective in ("value", "benefit", "value_minus_delay"):
        lines.append(compare_with_baseline(portfolio, plan))
    return "\n".join(lines)


def compare_with_baseline(portfolio: Portfolio, plan: Plan) -> str:
    """One sentence: the optimised plan's objective against rank-and-fill's, same constraints."""
    base = rank_and_fill(portfolio, plan.scenario)
    if not base.has_solution:
        return f"rank-and-fill finds no plan: {base.message}"
    if base.details.get("violations"):
        return "rank-and-fill's plan breaks a rule the optimiser keeps: " + "; ".join(
            str(v) for v in base.details["violations"][:3]
        )
    ours = plan.objective if plan.objective is not None else plan.total_value
    theirs = objective_of(base, portfolio, plan.scenario)
    gain = f" (+{(ours - theirs) / abs(theirs):.1%})" if theirs else ""
    return (
        f"{plan.scenario.objective} against rank-and-fill under the same constraints: "
        f"{ours:,.1f} vs {theirs:,.1f}{gain}"
    )
