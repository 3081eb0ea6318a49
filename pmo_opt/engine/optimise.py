"""``optimise(portfolio, scenario) -> Plan``: the one front door to the engines.

``scenario.solver`` picks the engine: ``default`` (no flag needed) one chosen by the shape of
the problem (:mod:`~pmo_opt.engine.choice`); ``highs`` the MILP (:mod:`~pmo_opt.engine.milp`),
``cpsat`` CP-SAT (:mod:`~pmo_opt.engine.cpsat`), ``auto`` both at once
(:mod:`~pmo_opt.engine.auto`). The engines never import each other; only this module and
``auto`` know them all. CP-SAT (OR-Tools) is imported only when asked for.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace

from pmo_opt.engine.choice import choose_engine
from pmo_opt.engine.milp import optimise_milp
from pmo_opt.engine.objective import check_decisions
from pmo_opt.engine.plan import Plan
from pmo_opt.engine.problem import build_problem
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import Scenario


def optimise(
    portfolio: Portfolio,
    scenario: Scenario | None = None,
    warm_start: Plan | None = None,
    *,
    stop: threading.Event | None = None,
    offers: Callable[[], dict[str, int] | None] | None = None,
) -> Plan:
    """Choose and schedule projects under ``scenario``; the plan says how good it is.

    Parameters
    ----------
    portfolio
        A loaded, validated portfolio.
    scenario
        Settings (objective, scales, board decisions, solver limits); defaults when ``None``.
    warm_start
        A plan to start the solver from (for example the neighbouring frontier point).
    stop, offers
        For the MILP under ``solver=auto`` (see :func:`~pmo_opt.engine.milp.optimise_milp`).

    Returns
    -------
    Plan
        ``status`` is ``optimal`` only when proven; an infeasible or empty result is a plan with
        no selection and a ``message`` saying why, never an exception.
    """
    scenario = scenario or Scenario()
    check_decisions(portfolio, scenario)
    problem = build_problem(portfolio, scenario)  # every engine below reads its facts from it
    if scenario.solver == "default":
        engine = choose_engine(portfolio, scenario, problem)
        if engine == "cpsat":
            from pmo_opt.engine.cpsat import optimise_cpsat

            plan = optimise_cpsat(
                portfolio,
                scenario.replace(solver="cpsat"),
                warm_start,
                deterministic=True,
                problem=problem,
            )
        else:
            plan = optimise_milp(
                portfolio,
                scenario.replace(solver=engine),
                warm_start,
                stop=stop,
                offers=offers,
                deterministic=True,
                problem=problem,
            )
        # the plan keeps the scenario as given (solver=default); plan.solver names the engine
        return replace(
            plan, scenario=scenario, details={**plan.details, "engine_choice": "by problem shape"}
        )
    if scenario.solver == "auto":
        from pmo_opt.engine.auto import optimise_auto  # imports OR-Tools: only when asked for

        return optimise_auto(portfolio, scenario, warm_start, problem=problem)
    if scenario.solver == "cpsat":
        from pmo_opt.engine.cpsat import optimise_cpsat

        return optimise_cpsat(portfolio, scenario, warm_start=warm_start, problem=problem)
    return optimise_milp(portfolio, scenario, warm_start, stop=stop, offers=offers, problem=problem)
