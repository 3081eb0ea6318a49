"""Start windows: for each project, the months in which it may start.

One derivation shared by every engine (the MILP's time-indexed columns, CP-SAT's interval
domains, the engine choice's size measure, the elastic diagnosis): horizon, earliest start,
deadline, in-flight, board decisions, frozen baseline projects and a forward critical-path pass.
It lives below the engines so that none of them imports another's model.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmo_opt.inputs import months
from pmo_opt.inputs.baseline import Baseline, baseline_of
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import Scenario


def start_windows(
    portfolio: Portfolio, scenario: Scenario, horizon: list[str], latest_finish: int | None = None
) -> pd.DataFrame:
    """Per project: ``lo``/``hi`` start month index (inclusive), ``mandatory``, ``duration``.

    lo = max(0, earliest_start), hi = min(T - d, deadline - d + 1), T capped
    by ``latest_finish`` (a known makespan bound); in-flight: lo = hi = 0.
    Then a critical-path pass over finish_to_start: lo_A >= lo_B + d_B, and, when A is mandatory,
    hi_B <= hi_A - d_B. ``lo > hi`` means the project cannot be scheduled at all.
    """
    pr = portfolio.projects
    h0, T = months.to_ordinal(horizon[0]), len(horizon)
    d = pr["duration"].astype(int)
    es = pr["earliest_start"].map(lambda m: months.to_ordinal(m) - h0 if isinstance(m, str) else 0)
    dl = pr["deadline"].map(lambda m: months.to_ordinal(m) - h0 if isinstance(m, str) else 10**6)
    lo = es.clip(lower=0).astype(int)
    end = T if latest_finish is None else min(T, latest_finish)
    hi = np.minimum(end - d, dl.astype(int) - d + 1).astype(int)
    in_flight = pr["status"] == "in_flight"
    lo[in_flight], hi[in_flight] = 0, 0
    forced_out = pr.index.isin(scenario.force_out)
    mandatory = pr["status"].isin(["committed", "in_flight"]) | pr.index.isin(scenario.force_in)
    if scenario.objective == "makespan":
        mandatory = pd.Series(True, index=pr.index)
    mandatory = mandatory & ~forced_out
    win = pd.DataFrame({"lo": lo, "hi": hi, "mandatory": mandatory, "duration": d})
    win.loc[forced_out, "hi"] = -1  # no start options: not selected
    add_freeze(win, baseline_of(portfolio, scenario))

    fs = portfolio.dependencies[portfolio.dependencies["kind"] == "finish_to_start"]
    pairs = list(zip(fs["project_id"], fs["depends_on"], strict=True))
    for _ in range(len(pr)):  # longest-path relaxation; stops early when nothing changes
        changed = False
        for a, b in pairs:
            need = win.at[b, "lo"] + win.at[b, "duration"]
            if win.at[a, "lo"] < need:
                win.at[a, "lo"], changed = need, True
            if win.at[a, "mandatory"]:
                cap = win.at[a, "hi"] - win.at[b, "duration"]
                if win.at[b, "hi"] > cap:
                    win.at[b, "hi"], changed = cap, True
        if not changed:
            break
    win.index.name = "project_id"
    return win


def start_options(windows: pd.DataFrame) -> pd.DataFrame:
    """All (project_id, t) with lo <= t <= hi, in a stable order."""
    ok = windows[windows["hi"] >= windows["lo"]]
    counts = (ok["hi"] - ok["lo"] + 1).astype(int)
    opts = ok.loc[ok.index.repeat(counts)].reset_index()[["project_id", "lo"]]
    opts["t"] = opts["lo"] + opts.groupby("project_id").cumcount()
    return opts[["project_id", "t"]].reset_index(drop=True)


def add_freeze(windows: pd.DataFrame, baseline: Baseline | None) -> None:
    """Frozen p: x[p, s_p] = 1 when the baseline selects p at s_p (lo = hi = s_p, mandatory),
    else y_p = 0 (no start options). Fixed before the critical-path pass; a baseline start
    outside p's window leaves lo > hi: an infeasible plan that names p."""
    if baseline is None:
        return
    for p in baseline.frozen:
        if p not in windows.index:
            continue
        t = baseline.start_index(p)
        if t is None:
            windows.at[p, "hi"], windows.at[p, "mandatory"] = -1, False
        else:
            lo, hi = int(windows.at[p, "lo"]), int(windows.at[p, "hi"])
            windows.at[p, "lo"], windows.at[p, "hi"] = max(t, lo), min(t, hi)
            windows.at[p, "mandatory"] = True
