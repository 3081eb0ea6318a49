"""The first plan every engine starts from: rank-and-fill's serial list schedule, kept only when
the independent checker passes it. A time-limited plan is never worse than this one."""

from __future__ import annotations

from dataclasses import replace

from pmo_opt.engine.check import check_plan
from pmo_opt.engine.objective import objective_of
from pmo_opt.engine.plan import Plan
from pmo_opt.engine.rank_fill import rank_and_fill
from pmo_opt.inputs.data import Portfolio
from pmo_opt.inputs.scenario import Scenario


def list_schedule(portfolio: Portfolio, scenario: Scenario) -> Plan | None:
    """Rank-and-fill's serial list schedule, when it places all the work and passes the checker."""
    plan = rank_and_fill(portfolio, scenario)
    if not plan.has_solution or check_plan(portfolio, scenario, plan):
        return None
    return replace(plan, objective=objective_of(plan, portfolio, scenario))
