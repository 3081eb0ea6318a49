"""What to relax when mandatory work cannot all be done: the diagnosis.

Each option is one re-solve of the elastic model (:mod:`~pmo_opt.analysis.elastic`) that
minimises the slack of one group of limits (capacity, budget, deadlines, mandatory projects);
the options are described and can be applied (:mod:`~pmo_opt.analysis.relaxation`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pandas as pd

from pmo_opt.analysis.elastic import RELAXATION_COLUMNS, solve_elastic
from pmo_opt.analysis.relaxation import apply_relaxation, describe_relaxations
from pmo_opt.analysis.wording import (
    capitalise,
)
from pmo_opt.engine.objective import check_decisions
from pmo_opt.engine.optimise import optimise
from pmo_opt.engine.plan import Plan
from pmo_opt.engine.problem import build_problem
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import Scenario

# --------------------------------------------------------------------------------------------
# describing and applying relaxations


# --------------------------------------------------------------------------------------------
# infeasibility diagnosis


@dataclass(frozen=True)
class Diagnosis:
    """What to relax so that every mandatory requirement can be met.

    Attributes
    ----------
    feasible : True when a plan exists (nothing to relax).
    status : the plan's status that prompted the diagnosis.
    options : one row per alternative tried: ``option``, ``relax`` (groups relaxed), ``status``
        (of that elastic solve; ``feasible`` = a valid relaxation, not proven smallest),
        ``penalty``, ``sentence``. Only options that work get a number >= 1.
    relaxations : the rows of every working option (``RELAXATION_COLUMNS``).
    sentences : the diagnosis in words, the first option first, each further one starting "or".
    """

    feasible: bool
    status: str
    options: pd.DataFrame
    relaxations: pd.DataFrame
    sentences: list[str]

    def apply(
        self, portfolio: Portfolio, scenario: Scenario, option: int = 1
    ) -> tuple[Portfolio, Scenario]:
        """:func:`apply_relaxation` for one of the options (1 = the first)."""
        return apply_relaxation(portfolio, scenario, self.relaxations, option=option)


def mandatory_reasons(portfolio: Portfolio, scenario: Scenario) -> dict[str, str]:
    """Why each project must be in the plan: ``force_in``, ``in_flight``, ``committed``, or
    ``makespan`` (that objective requires every project not forced out)."""
    pr = portfolio.projects
    out: dict[str, str] = {}
    for p, status in pr["status"].items():
        if p in scenario.force_out:
            continue
        if p in scenario.force_in:
            out[p] = "force_in"
        elif status in ("committed", "in_flight"):
            out[p] = status
        elif scenario.objective == "makespan":
            out[p] = "makespan"
    return out


def diagnose_infeasibility(
    portfolio: Portfolio,
    scenario: Scenario,
    plan: Plan | None = None,
    *,
    time_limit_s: float | None = None,
) -> Diagnosis:
    """When mandatory work cannot all be done, the smallest relaxations that would allow it.

    Tries, each as one elastic re-solve (:func:`build_elastic_model`) that minimises the slack
    it needs: extra capacity alone (FTE per role-month); extra budget alone (per budget row);
    both together (only if neither alone works); later deadlines alone (months per project);
    all three (only if none of those works); and, as the board's last resort, leaving
    mandatory projects out (committed, in-flight, forced in). Every option that works is
    reported; each is the smallest within its kind (proven when its ``status`` is optimal).

    Parameters
    ----------
    portfolio, scenario
        The inputs; ``scenario.time_limit_s`` bounds each re-solve unless ``time_limit_s`` is set.
    plan
        The plan that came back (solved here when ``None``).

    Returns
    -------
    Diagnosis
        ``sentences`` e.g. ``["Data Engineer is 1.5 FTE short in 2027-03 to 2027-05.", "Or:
        move P12's deadline by two months (to 2027-09)."]``.
    """
    check_decisions(portfolio, scenario)
    if time_limit_s is not None:
        scenario = scenario.replace(time_limit_s=time_limit_s)
    plan = plan if plan is not None else optimise(portfolio, scenario)
    empty = pd.DataFrame(columns=RELAXATION_COLUMNS)
    no_options = pd.DataFrame(columns=["option", "relax", "status", "penalty", "sentence"])
    if plan.has_solution:
        return Diagnosis(True, plan.status, no_options, empty, ["A plan exists; nothing to relax."])
    if plan.status != "infeasible":
        return Diagnosis(
            False,
            plan.status,
            no_options,
            empty,
            [
                f"No plan was found ({plan.message}), but none was proven impossible either: "
                "raise time_limit_s and try again."
            ],
        )
    problem = build_problem(portfolio, scenario)
    horizon, values = problem.horizon, problem.values
    reasons = mandatory_reasons(portfolio, scenario)
    has = {
        "capacity": len(portfolio.demand) > 0,
        "budget": len(portfolio.budget) > 0,
        "deadlines": portfolio.projects["deadline"].map(lambda m: isinstance(m, str)).any(),
        "mandatory": bool(reasons),
    }
    tried: list[dict] = []
    found: list[pd.DataFrame] = []

    def attempt(groups: tuple[str, ...]) -> bool:
        if not all(has[g] for g in groups):
            return False
        solved = solve_elastic(portfolio, scenario, groups, horizon, values, reasons)
        status, penalty, rows = solved.status, solved.penalty, solved.rows
        works = solved.ok and len(rows) > 0
        option = len(found) + 1 if works else None
        sentence = ""
        if works:
            sentence = capitalise("; ".join(describe_relaxations(rows, portfolio, "short")))
            found.append(rows.assign(option=option, relax="+".join(groups)))
        tried.append(
            {
                "option": option,
                "relax": "+".join(groups),
                "status": status,
                "penalty": penalty,
                "sentence": sentence,
            }
        )
        return works

    ok_cap = attempt(("capacity",))
    ok_bud = attempt(("budget",))
    if not (ok_cap or ok_bud) and has["capacity"] and has["budget"]:
        ok_cap = attempt(("capacity", "budget"))
    ok_dl = attempt(("deadlines",))
    if not (ok_cap or ok_bud or ok_dl) and has["deadlines"]:
        attempt(tuple(g for g in ("capacity", "budget", "deadlines") if has[g]))
    attempt(("mandatory",))
    options = pd.DataFrame(tried, columns=no_options.columns)
    relaxations = pd.concat(found, ignore_index=True)[RELAXATION_COLUMNS] if found else empty.copy()
    works = options[options["option"].notna()]
    if not len(works):
        sentences = [
            "No plan can do all the mandatory work, and no relaxation of capacity, budget, "
            "deadlines or mandatory projects fixes it: check the dependencies, category shares "
            "and max_avg_risk."
        ]
    else:
        sentences = [
            "No plan can do all the mandatory work (committed, in-flight and forced-in projects, "
            "within their deadlines). Any one of these would make it possible:"
        ] + [f"{s}." if i == 0 else f"Or: {s}." for i, s in enumerate(works["sentence"])]
    return Diagnosis(False, plan.status, options, relaxations, sentences)


def with_diagnosis(portfolio: Portfolio, scenario: Scenario, plan: Plan) -> Plan:
    """``plan`` with ``details["diagnosis"]`` (sentences a PMO understands: which budget year,
    which role and months, which committed or in-flight project clashes) when it is
    infeasible; any other plan comes back as it is. Every page that shows "no plan" says why
    from these sentences."""
    if plan.status != "infeasible" or plan.details.get("diagnosis"):
        return plan
    found = diagnose_infeasibility(portfolio, scenario, plan)
    return dataclasses.replace(plan, details={**plan.details, "diagnosis": found.sentences})
