"""A short account of a valid portfolio, for ``pmo-opt validate``."""

from __future__ import annotations

import numpy as np

from pmo_opt.errors import InputError
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.tables import DEPENDENCY_KINDS, STATUSES


def summary_text(portfolio: Portfolio) -> str:
    """A short account of a valid portfolio, for ``pmo-opt validate``.

    Counts (projects by status, roles, dependencies by kind), the derived horizon, and total
    demand against total capacity by role over that horizon in FTE-months (demand counted as if
    every project ran once), then any warnings.
    """
    from pmo_opt.inputs.scenario import Scenario, resolve_horizon

    p = portfolio
    lines = [f"{p.source or 'portfolio'}: valid"]
    status = p.projects["status"].value_counts()
    by_status = ", ".join(f"{int(status[s])} {s}" for s in STATUSES if s in status)
    lines.append(f"  projects      {len(p.projects)} ({by_status})")
    lines.append(f"  roles         {len(p.role_names)}")
    kinds = p.dependencies["kind"].value_counts()
    by_kind = ", ".join(f"{int(kinds[k])} {k}" for k in DEPENDENCY_KINDS if k in kinds)
    lines.append(f"  dependencies  {len(p.dependencies)}" + (f" ({by_kind})" if by_kind else ""))
    extras = [
        f"{len(p.budget)} budget rows" if len(p.budget) else "",
        f"{len(p.criteria)} criteria" if len(p.criteria) else "",
        f"{len(p.categories)} categories" if len(p.categories) else "",
    ]
    if any(extras):
        lines.append(f"  also          {', '.join(e for e in extras if e)}")
    try:
        horizon = resolve_horizon(p, Scenario())
    except InputError as exc:
        lines.append(f"  horizon       not derived: {exc.problems[0].message}")
        horizon = []
    if horizon:
        lines.append(
            f"  horizon       {horizon[0]} .. {horizon[-1]} ({len(horizon)} months, from the data)"
        )
        lines.extend(_load_lines(p, horizon))
    if p.warnings:
        lines.append(f"warnings ({len(p.warnings)}):")
        lines.extend(f"  {w}" for w in p.warnings)
    return "\n".join(lines)


def _load_lines(p: Portfolio, horizon: list[str]) -> list[str]:
    demand = p.demand.groupby("role")["fte"].sum()
    cap = p.capacity
    dated = cap[cap["month"].notna()].groupby(["role", "month"])["fte"].sum().to_dict()
    flat = cap[cap["month"].isna()].groupby("role")["fte"].sum().to_dict()
    rows = []
    for role in p.role_names:
        # a month's own rows replace the every-month rows (docs/model.md, rule 4)
        total = float(np.sum([dated.get((role, m), flat.get(role, 0.0)) for m in horizon]))
        need = float(demand.get(role, 0.0))
        share = f"{need / total:6.0%}" if total > 0 else ("   n/a" if need == 0 else "  none")
        rows.append(f"    {role:<24.24} {need:>10,.1f} {total:>10,.1f} {share}")
    head = f"    {'role':<24} {'demand':>10} {'capacity':>10} {'ratio':>6}"
    return [
        "  demand against capacity over the horizon (FTE-months, every project once):",
        head,
        *rows,
    ]
