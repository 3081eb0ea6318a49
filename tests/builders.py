"""Small portfolios for tests, written as real CSV folders and loaded the normal way."""

from __future__ import annotations

from pathlib import Path

import highspy
import numpy as np
import pandas as pd
import pulp

from pmo_opt.engine.milp import set_start
from pmo_opt.engine.model import build_model
from pmo_opt.engine.objective import project_values
from pmo_opt.engine.solve import quiet_native_output
from pmo_opt.engine.start import list_schedule
from pmo_opt.inputs.load import load_portfolio
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import resolve_horizon


def write_portfolio(folder: Path, **tables: list[dict] | pd.DataFrame) -> Path:
    """Write each table (list of row dicts or DataFrame) as ``<name>.csv`` into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        if isinstance(rows, list) and not rows:
            continue  # an empty table is the same as no table
        frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows)
        frame.to_csv(folder / f"{name}.csv", index=False)
    return folder


def make_portfolio(folder: Path, **tables: list[dict] | pd.DataFrame) -> Portfolio:
    """Write and load a portfolio; ``capacity`` defaults to nothing beyond what is given."""
    return load_portfolio(write_portfolio(folder, **tables))


def built_milp(portfolio, scenario):
    """The model in a HiGHS object as pulp builds it, and rank-and-fill's plan as a vector."""
    model = build_model(
        portfolio,
        scenario,
        resolve_horizon(portfolio, scenario),
        project_values(portfolio, scenario),
    )
    set_start(model, list_schedule(portfolio, scenario))
    problem = model.problem
    with quiet_native_output():
        highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    problem.solverModel = highs
    solver = pulp.HiGHS(msg=False)
    solver.buildSolverModel(problem)
    start = np.array([float(v.varValue or 0.0) for v in problem.variables()])
    return model, highs, start
