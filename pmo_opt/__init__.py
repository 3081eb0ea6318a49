"""pmo-opt: choose, schedule and explain a project portfolio."""

from .data import Portfolio, load_portfolio  # noqa: F401
from .errors import InfeasibleError, InputError, PmoError, SolverError  # noqa: F401
from .plan import Plan  # noqa: F401
from .scenario import Scenario, load_scenario  # noqa: F401

__version__ = "0.1.0"
