"""Rules for projects and what they need, within one table and between tables: projects, demand,
roles, dates far from the rest, budget, and dependencies (with their cycles).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmo_opt.inputs import months
from pmo_opt.inputs.cells import suggest
from pmo_opt.inputs.checked_table import Context, TableView, ordinal, unknown
from pmo_opt.inputs.rules import ACTIVE, FAR_MONTHS, NEEDS


def check_projects(t: TableView, ctx: Context) -> None:
    start, end = t.month("earliest_start"), t.month("deadline")
    dur = t.number("duration") if t.has("duration") else pd.Series(np.nan, index=t.df.index)
    t.add(
        start > end,
        "deadline",
        lambda i: (
            f"deadline {t.cell(i, 'deadline')} is before earliest_start "
            f"{t.cell(i, 'earliest_start')}; move one of them"
        ),
    )
    ok_dur = dur.notna() & (dur >= 1) & (dur == dur.round())
    late = (start <= end) & ok_dur & (start + dur - 1 > end)

    def late_message(i: int) -> str:
        finish = months.from_ordinal(int(start.iloc[i] + dur.iloc[i] - 1))
        return (
            f"deadline {t.cell(i, 'deadline')} cannot be met: starting at earliest_start "
            f"{t.cell(i, 'earliest_start')}, {int(dur.iloc[i])} months of work end in {finish} "
            "(the deadline is the last month work may happen); move the deadline or the start, "
            "or shorten the duration"
        )

    t.add(late, "deadline", late_message)
    if t.has("benefit"):
        t.add(
            t.text("benefit") == "",
            "benefit",
            lambda i: (
                f"benefit of {t.cell(i, 'project_id')} is empty; fill in what it is worth "
                "(0 if it is scored on criteria only); until then it counts as 0"
            ),
            "warning",
            limit=None,
        )
    for low, high in (("benefit_low", "benefit_high"), ("cost_low", "cost_high")):
        crossed = t.number(low) > t.number(high)
        t.add(
            crossed,
            low,
            lambda i, lo=low, hi=high: (
                f"{lo} {t.cell(i, lo)!r} is more than {hi} {t.cell(i, hi)!r}; swap them"
            ),
        )


def check_project_refs(t: TableView, ctx: Context, cols: tuple[str, ...] = ("project_id",)) -> None:
    if ctx.project_ids is None:
        return
    for col in cols:
        if t.has(col):
            ids = t.text(col)
            bad = (ids != "") & ~ids.isin(ctx.project_ids)
            t.add(
                bad,
                col,
                lambda i, c=col: unknown(
                    t.cell(i, c), "project", ctx.project_ids, ctx.projects_file, fuzzy=False
                ),
            )


def check_demand(t: TableView, ctx: Context) -> None:
    check_project_refs(t, ctx)
    if ctx.roles is not None and t.has("role"):
        roles = t.text("role")
        bad = (roles != "") & ~roles.isin(ctx.roles)
        t.add(
            bad,
            "role",
            lambda i: unknown(t.cell(i, "role"), "role", ctx.roles, ctx.roles_where),
        )
    if t.has("month_offset") and t.has("project_id"):
        offset = t.number("month_offset")
        dur = t.text("project_id").map(ctx.duration).astype(float)
        out = offset.notna() & dur.notna() & (offset >= 0) & (offset > dur - 1)
        t.add(
            out,
            "month_offset",
            lambda i: (
                f"{t.cell(i, 'month_offset')!r} is outside project "
                f"{t.cell(i, 'project_id')}'s months 0..{int(dur.iloc[i]) - 1} "
                f"(duration {int(dur.iloc[i])}); month_offset counts from 0 at the project's start"
            ),
        )
    if t.has("project_id") and t.has("role"):
        keys = list(zip(t.text("project_id"), t.text("role"), t.text("month_offset"), strict=True))
        dup = pd.Series(keys, dtype=object).duplicated() & t.text("project_id").ne("")
        t.add(
            dup,
            "fte",
            lambda i: (
                f"demand for {keys[i][0]} / {keys[i][1]}"
                + (f" at month_offset {keys[i][2]}" if keys[i][2] else "")
                + " is given again; the rows are added up"
            ),
            "warning",
        )


def check_roles(t: TableView, ctx: Context) -> None:
    if ctx.used_roles is None or not t.has("role"):
        return
    roles = t.text("role")
    used = sorted(ctx.used_roles)
    t.add(
        (roles != "") & ~roles.isin(used),
        "role",
        lambda i: (
            f"role {t.cell(i, 'role')!r} is named by no demand or capacity row, so its rates "
            "apply to nothing"
            + (
                f"; did you mean {close!r}?"
                if (close := suggest(t.cell(i, "role"), used))
                else "; fix the name or delete the row"
            )
        ),
        "warning",
    )


def check_far_dates(t: TableView, ctx: Context) -> None:
    """A deadline or earliest start far from every other month the data names: a typo
    (``2127-09`` for ``2027-09``) that would stretch the derived horizon over a century."""
    if ctx.span is None:
        return
    low, high = ctx.span
    for col in ("earliest_start", "deadline"):
        if not t.has(col):
            continue
        month = t.month(col)
        far = (month < low - FAR_MONTHS) | (month > high + FAR_MONTHS)
        t.add(
            far,
            col,
            lambda i, c=col: (
                f"{c} {t.cell(i, c)} is more than {FAR_MONTHS // 12} years from the months "
                f"the capacity and budget name ({months.from_ordinal(int(low))} .. "
                f"{months.from_ordinal(int(high))}); is the year mistyped?"
            ),
            "warning",
        )


def check_budget(t: TableView, ctx: Context) -> None:
    if not t.has("period"):
        return
    period = t.text("period")

    def bad_period(value: str) -> bool:
        try:
            covered = months.period_months(value)
        except ValueError:
            return True
        return covered is not None and np.isnan(ordinal(covered[0]))

    t.add(
        (period != "") & period.map(bad_period),
        "period",
        lambda i: (
            f"{t.cell(i, 'period')!r} is not a budget period; use 'total', a year "
            "(2027), a quarter (2027-Q1) or a month (2027-01)"
        ),
    )


def check_dependencies(t: TableView, ctx: Context) -> None:
    check_project_refs(t, ctx, ("project_id", "depends_on"))
    if not (t.has("project_id") and t.has("depends_on")):
        return
    a, b = t.text("project_id"), t.text("depends_on")
    kind = t.choice("kind").replace("", "requires")
    t.add(
        (a != "") & (a == b),
        "depends_on",
        lambda i: f"{t.cell(i, 'project_id')!r} depends on itself; name another project",
    )
    known = set(ctx.project_ids or []) if ctx.project_ids is not None else set(a) | set(b)
    valid = (a != "") & (b != "") & (a != b) & a.isin(known) & b.isin(known)
    rows = {
        (x, y, k): t.row(i)
        for i, (x, y, k) in reversed(list(enumerate(zip(a, b, kind, strict=True))))
    }
    # requires/finish_to_start and excludes on the same pair contradict each other
    needs = {
        frozenset((x, y)): (x, y, k)
        for x, y, k, v in zip(a, b, kind, valid, strict=True)
        if v and k != "excludes"
    }
    pair = [frozenset((x, y)) for x, y in zip(a, b, strict=True)]
    clash = valid & (kind == "excludes") & pd.Series([q in needs for q in pair], dtype=bool)

    def clash_message(i: int) -> str:
        x, y, k = needs[pair[i]]
        return (
            f"{a.iloc[i]} excludes {b.iloc[i]}, but {x} {k} {y} (row {rows[(x, y, k)]}); "
            "a project cannot both need and exclude another: remove one of the rows"
        )

    t.add(clash, "kind", clash_message)
    status_a, status_b = a.map(ctx.status), b.map(ctx.status)
    both = valid & (kind == "excludes") & status_a.isin(ACTIVE) & status_b.isin(ACTIVE)
    t.add(
        both,
        "kind",
        lambda i: (
            f"{a.iloc[i]} ({status_a.iloc[i]}) excludes {b.iloc[i]} ({status_b.iloc[i]}), "
            "but both must be in the plan; make one of them proposed or drop the exclusion"
        ),
    )
    waits = valid & (kind == "finish_to_start") & (status_a == "in_flight")
    t.add(
        waits,
        "kind",
        lambda i: (
            f"{a.iloc[i]} is in_flight (already running) so it cannot wait for "
            f"{b.iloc[i]} to finish; use 'requires' or change the status"
        ),
    )
    # Only a cycle of finish_to_start alone is impossible (each must start after the next
    # finishes). With a 'requires' in it, the projects are merely selected together or not at
    # all, which is how a bundle is written, so that is a warning.
    links = [(x, y, k) for x, y, k, v in zip(a, b, kind, valid, strict=True) if v]
    for severity, kinds in (("error", ("finish_to_start",)), ("warning", NEEDS)):
        for cycle, on_cycle in _cycles([e for e in links if e[2] in kinds]):
            if severity == "warning" and "requires" not in on_cycle:
                continue  # an all-finish_to_start cycle, already an error
            path = " -> ".join([*cycle, cycle[0]])
            steps = zip(cycle, [*cycle[1:], cycle[0]], on_cycle, strict=True)
            cited = sorted(rows[step] for step in steps)
            where = ", ".join(str(r) for r in cited)
            t.note(
                cited[0],
                "depends_on",
                f"dependency cycle {path} ({' and '.join(sorted(set(on_cycle)))}): "
                + (
                    "each must finish before the next starts, so none of them can ever be "
                    f"scheduled; remove or change one of rows {where}"
                    if severity == "error"
                    else "these projects are selected together or not at all; if that is not "
                    f"meant, remove one of rows {where}"
                ),
                severity,
            )


def _cycles(edges: list[tuple[str, str, str]]) -> list[tuple[list[str], list[str]]]:
    """Distinct cycles of a directed graph (one per back edge of a depth-first search).

    Returns ``(nodes, kinds)`` with ``kinds[j]`` the kind of the edge ``nodes[j] -> nodes[j+1]``,
    each cycle rotated to start at its smallest id so that the same cycle is reported once.
    """
    graph: dict[str, list[str]] = {}
    kind: dict[tuple[str, str], str] = {}
    for x, y, k in sorted(edges):
        if (x, y) not in kind or k == "finish_to_start":
            kind[(x, y)] = k
        graph.setdefault(x, [])
        if y not in graph[x]:
            graph[x].append(y)
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    found: dict[tuple[str, ...], list[str]] = {}
    for root in sorted(graph):
        if root in state:
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        path: list[str] = [root]
        state[root] = 1
        while stack:
            node, nxt = stack[-1]
            children = graph.get(node, [])
            if nxt == len(children):
                stack.pop()
                path.pop()
                state[node] = 2
                continue
            stack[-1] = (node, nxt + 1)
            child = children[nxt]
            if state.get(child) == 1:
                cycle = path[path.index(child) :]
                k = cycle.index(min(cycle))
                cycle = cycle[k:] + cycle[:k]
                kinds = [kind[(x, y)] for x, y in zip(cycle, [*cycle[1:], cycle[0]], strict=True)]
                found.setdefault(tuple(cycle), kinds)
            elif child not in state:
                state[child] = 1
                stack.append((child, 0))
                path.append(child)
    return [(list(c), k) for c, k in sorted(found.items())]
