"""The first plan every engine starts from: rank-and-fill's serial list schedule, kept only when
the independent checker passes it. A time-limited plan is never worse than this one."""

from __future__ import annotations

from dataclasses import replace

from pmo_opt.engine.check import check_plan
from pmo_opt.engine.objective import objective_of
from pmo_opt.engine.plan import Plan
from pmo_opt.engine.problem import Problem, problem_for
from pmo_opt.engine.rank_fill import rank_and_fill
from pmo_opt.engine.replan import baseline_plan
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import Scenario


def list_schedule(
    portfolio: Portfolio, scenario: Scenario, problem: Problem | None = None
) -> Plan | None:
    """Rank-and-fill's serial list schedule, when it places all the work and passes the checker."""
    plan = rank_and_fill(portfolio, scenario, problem=problem)
    if not plan.has_solution or check_plan(portfolio, scenario, plan):
        return None
    return replace(plan, objective=objective_of(plan, portfolio, scenario))


def first_plan(
    portfolio: Portfolio, scenario: Scenario, problem: Problem | None = None
) -> tuple[Plan | None, str | None]:
    """The best checked first plan and its name: when re-planning, the baseline itself if it is
    still feasible and at least as good as rank-and-fill's (it usually is: it pays no penalty),
    else rank-and-fill's list schedule; ``(None, None)`` when neither passes the checker."""
    problem = problem_for(problem, portfolio, scenario)
    plan = list_schedule(portfolio, scenario, problem)
    name = "rank_and_fill" if plan is not None else None
    if scenario.baseline is None or scenario.objective == "makespan":
        return plan, name
    base = baseline_plan(portfolio, scenario, problem.horizon, problem.values)
    if base is None or check_plan(portfolio, scenario, base):
        return plan, name
    base = replace(base, objective=objective_of(base, portfolio, scenario))
    if plan is None or base.objective >= plan.objective - 1e-9:
        return base, "baseline"
    return plan, name
