"""``solver="default"``: the engine chosen by the shape of the problem, with the same plan for
the same input whatever the machine load.

The rule (:func:`choose_engine`), from the measurements in ``benchmarks/README.md``:

- a benefit floor (``min_benefit``) -> HiGHS: only the MILP has that row;

- ``makespan`` (scheduling only: every project must be placed) -> CP-SAT, whose interval and
  cumulative propagation is the stronger engine on schedules (PSPLIB j30: optimal on every
  instance where HiGHS misses four of sixteen at 10 s);
- selection with little or no timing choice (fewer than :data:`MILP_START_COLUMNS` start
  options over all projects, e.g. a knapsack) -> HiGHS, which proves these optimal in well
  under the limit, so the plan does not depend on the clock;
- capacity-bound portfolios, where the work asked for is at least :data:`CAPACITY_BOUND` times
  the role capacity of the horizon (the generated portfolios: 1.66-1.91), so that packing the
  work into the months decides the plan -> CP-SAT (S at 5 s: 1,757 where HiGHS returns
  rank-and-fill's 1,524);
- otherwise (the work mostly fits, money and choice bind, like the sample at 0.95) -> HiGHS,
  which proves the sample optimal in seconds;
- and from :data:`LARGE_START_COLUMNS` start options (generated M: 6,000) -> HiGHS with the
  neighbourhood search, which finds far more in the limit than CP-SAT's deterministic search
  (M at 60 s: 7,702.8 against 7,412.2; L at 120 s: 34,425 against 31,340, rank-and-fill
  31,301). Under the default settings that search is counted, not timed
  (:func:`pmo_opt.engine.milp.search_plan`): it stops after a number of simplex iterations
  set by the time limit, and no clock-stopped MIP search follows, so its plan repeats too.

CP-SAT then runs with deterministic settings (:func:`pmo_opt.engine.cpsat.configure`):
interleaved search on a fixed number of workers (2 unless ``threads`` says otherwise, never
the machine's core count), stopped by deterministic work (``max_deterministic_time``) rather
than the wall clock, so the same input gives the same plan and status whatever the machine
load. The price: the wall time of a run varies with the load and the problem (PSPLIB j60 at
``time_limit_s=10``: 0.3-30 s under load), and the wall clock stops it only at three times
the limit plus 30 s, in which case ``details["stopped_by_wall_clock"]`` says the plan may not
repeat. Racing both engines (``auto``) is not the default: which engine's plan wins there
depends on thread timing.
"""

from __future__ import annotations

from pmo_opt.engine.problem import Problem, problem_for
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import Scenario

#: total start options (sum over projects of hi - lo + 1) below which HiGHS is chosen
MILP_START_COLUMNS = 600
#: FTE-months asked for over FTE-months available from which CP-SAT is chosen. 1.5, not lower:
#: the sample's next quarter (data/sample-2027-04, re-planned against the first, 1.23x) is
#: proven optimal by HiGHS in about 7 s (2,684.3) where deterministic CP-SAT stops at 2,580.2;
#: the generated S portfolios (1.66-1.91x) are where CP-SAT's plans are the better ones.
CAPACITY_BOUND = 1.5
#: start options from which HiGHS with the neighbourhood search is chosen whatever the shape
LARGE_START_COLUMNS = 4_000


def start_options(portfolio: Portfolio, scenario: Scenario, problem: Problem | None = None) -> int:
    """The number of (project, start month) pairs the scenario leaves open."""
    w = problem_for(problem, portfolio, scenario).windows
    return int((w["hi"] - w["lo"] + 1).clip(lower=0).sum())


def choose_engine(portfolio: Portfolio, scenario: Scenario, problem: Problem | None = None) -> str:
    """``"cpsat"`` or ``"highs"`` for ``scenario.solver == "default"`` (see the module notes).

    Parameters
    ----------
    portfolio, scenario
        The inputs; only their shape (objective, start windows, demand over capacity) is read.
    problem
        The facts of ``portfolio`` under ``scenario``
        (:func:`~pmo_opt.engine.problem.build_problem`), as
        :func:`~pmo_opt.engine.optimise.optimise` hands them on; built here when ``None``.

    Returns
    -------
    str
        The engine name, as ``Scenario.solver`` spells it.
    """
    if scenario.min_benefit is not None:
        return "highs"  # only the MILP carries the benefit floor (engine.model.add_benefit_floor)
    if scenario.objective == "makespan":
        return "cpsat"
    problem = problem_for(problem, portfolio, scenario)
    options = start_options(portfolio, scenario, problem)
    if options < MILP_START_COLUMNS or options >= LARGE_START_COLUMNS:
        return "highs"
    return "cpsat" if capacity_load(portfolio, scenario, problem) >= CAPACITY_BOUND else "highs"


def capacity_load(
    portfolio: Portfolio, scenario: Scenario, problem: Problem | None = None
) -> float:
    """FTE-months of demand of every project that may be chosen over the FTE-months of role
    capacity in the horizon (``inf`` when there is no capacity)."""
    capacity = problem_for(problem, portfolio, scenario).capacity
    available = float(capacity["fte"].sum())
    demand = portfolio.demand[~portfolio.demand["project_id"].isin(scenario.force_out)]
    asked = float(demand["fte"].sum())
    return asked / available if available > 0 else float("inf")
