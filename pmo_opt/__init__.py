"""pmo-opt: choose, schedule and explain a project portfolio.

The package is layered in the order the data flows; each layer imports only from those below:

``errors``, ``paths``  ->  ``inputs``  ->  ``prioritise``  ->  ``engine``  ->  ``analysis`` | ``ledger``
->  ``present``  ->  ``cli``

The names below are the public front door; everything else is reached through its layer.
"""

from pmo_opt.engine.check import check_plan
from pmo_opt.engine.optimise import optimise
from pmo_opt.engine.plan import Plan
from pmo_opt.errors import InfeasibleError, InputError, PmoError, SolverError
from pmo_opt.inputs.load import load_portfolio
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import Scenario, load_scenario

__version__ = "0.1.0"

__all__ = [
    "InfeasibleError",
    "InputError",
    "Plan",
    "PmoError",
    "Portfolio",
    "Scenario",
    "SolverError",
    "check_plan",
    "load_portfolio",
    "load_scenario",
    "optimise",
]
