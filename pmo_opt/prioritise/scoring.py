"""Scoring: what "value" means before anything is optimised.

Four ways to score a project, chosen by ``Scenario.scoring``:

``weighted``
    A **priority score from 0 to 100**: each criterion's scores are normalised onto 0..1, then
    combined with the criteria weights (normalised to sum to 1) and multiplied by 100.
``ahp``
    The same priority score, with the weights derived from the board's pairwise judgements
    (the ``pairwise`` table) by Saaty's Analytic Hierarchy Process: :func:`ahp_weights`.
``wsjf``
    Weighted Shortest Job First: cost of delay (business value + time criticality + risk
    reduction) divided by job size: :func:`wsjf`.
``benefit``
    The ``benefit`` column of the projects table.

**Fallback.** When the portfolio has no scores (or, for ``weighted``, no criteria or weights;
for ``wsjf``, neither WSJF scores nor a ``cost_of_delay`` column), every method falls back to
``benefit``. :func:`scoring_method` says which method is in effect and :func:`describe_scoring`
says it in a sentence; ``pmo-opt rank`` prints that sentence, so the fallback is never silent.

**Normalisation: min-max per criterion**, over the projects of the portfolio, onto 0..1: the
best project on a criterion gets 1, the worst 0, the rest in proportion. Criteria arrive on
different scales (1-5 ratings, euros, months) and min-max puts them on one, so a weight means
"the share of the 0-100 range this criterion decides", which is what a board believes it is
setting. ``direction: min`` (lower is better, e.g. risk or cost) reverses it: ``1 - x``. A
criterion on which every project scores the same cannot tell projects apart; it gives every
project the full 1.0 (so a one-project portfolio scores 100, not 0) and changes no ranking.
Min-max has no natural zero: the weakest project on every criterion scores 0, so it adds no
value to a plan. That is the intended reading: value is measured relative to the field.

**Why 0-100 for the optimiser.** ``project_value`` is summed over the selected projects, so it
must be additive per project: the weighted-sum model already assumes that (each project's
score does not depend on which others are chosen). The 0-100 range reads as "priority points"
in reports and keeps the objective's coefficients well scaled for the solver.

**A missing score** is an :class:`~pmo_opt.errors.InputError` naming the project and the
criterion; it is never read as zero.
"""

from __future__ import annotations

import difflib
import re
import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd

from pmo_opt.errors import InputError, Problem
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import Scenario
from pmo_opt.prioritise.ahp import portfolio_ahp

#: WSJF parts and the criterion names (lower case, words joined by ``_``) that mean them.
WSJF_PARTS = {
    "business_value": ("business_value", "user_business_value"),
    "time_criticality": ("time_criticality",),
    "risk_reduction": (
        "risk_reduction",
        "rroe",
        "rr_oe",
        "risk_reduction_opportunity_enablement",
        "risk_reduction_and_or_opportunity_enablement",
        "risk_reduction_and_opportunity_enablement",
    ),
}
JOB_SIZE_NAMES = ("job_size",)


# --------------------------------------------------------------------------------------------
# AHP


# --------------------------------------------------------------------------------------------
# scores and weights


def _norm_name(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(name).lower()).strip("_")


def _score_table(portfolio: Portfolio, criteria: list[str]) -> pd.DataFrame:
    """Raw scores, projects x ``criteria``; every cell present, or an InputError naming gaps."""
    sc = portfolio.scores.reset_index(drop=True)
    projects = portfolio.projects.index.astype(str)
    problems: list[Problem] = []
    unknown = ~sc["project_id"].isin(projects)
    for i in sc.index[unknown]:
        problems.append(
            Problem(
                "scores.csv",
                int(i) + 2,
                "project_id",
                f"{sc.at[i, 'project_id']!r} is not a project in projects.csv",
            )
        )
    used = sc[sc["criterion"].isin(criteria) & ~unknown]
    dup = used.duplicated(["project_id", "criterion"], keep=False)
    for i in used.index[dup]:
        problems.append(
            Problem(
                "scores.csv",
                int(i) + 2,
                None,
                f"{used.at[i, 'project_id']} has more than one score for "
                f"{used.at[i, 'criterion']!r}; keep one",
            )
        )
    blank = used["score"].isna()
    for i in used.index[blank]:
        problems.append(
            Problem(
                "scores.csv",
                int(i) + 2,
                "score",
                f"{used.at[i, 'project_id']} has an empty score for {used.at[i, 'criterion']!r}",
            )
        )
    if problems:
        raise InputError(problems)
    table = used.pivot(index="project_id", columns="criterion", values="score")
    table = table.reindex(index=projects, columns=criteria)
    for c in criteria:
        for p in table.index[table[c].isna()]:
            problems.append(
                Problem(
                    "scores.csv",
                    None,
                    "score",
                    f"project {p} has no score for criterion {c!r}; add a row "
                    f"project_id={p}, criterion={c}, score=<number>",
                )
            )
    if problems:
        raise InputError(problems)
    table.index.name, table.columns.name = "project_id", "criterion"
    return table.astype(float)


def normalised_scores(portfolio: Portfolio, criteria: list[str] | None = None) -> pd.DataFrame:
    """Scores normalised min-max per criterion onto 0..1 (1 = best), projects x criteria.

    ``direction: min`` criteria are reversed; a constant criterion gives every project 1.0
    (see the module notes). ``criteria`` defaults to the criteria table, in its order.
    """
    crit = list(criteria) if criteria is not None else list(portfolio.criteria.index.astype(str))
    table = _score_table(portfolio, crit)
    direction = portfolio.criteria["direction"].reindex(crit).fillna("max")
    lo, hi = table.min(), table.max()
    span = hi - lo
    constant = span <= 1e-12 * np.maximum(1.0, hi.abs())
    norm = (table - lo) / span.where(~constant, 1.0)
    reverse = (direction == "min").to_numpy()
    norm.loc[:, reverse] = 1.0 - norm.loc[:, reverse]
    norm.loc[:, constant.to_numpy()] = 1.0
    return norm


def _criteria_in_scores(portfolio: Portfolio) -> list[str]:
    return list(dict.fromkeys(portfolio.scores["criterion"].astype(str)))


def criteria_weights(
    portfolio: Portfolio,
    method: str = "weighted",
    weights: Mapping[str, float] | pd.Series | None = None,
) -> pd.Series:
    """Criteria weights, normalised to sum to 1.

    Parameters
    ----------
    method
        ``weighted``: the criteria table's ``weight``; ``ahp``: from the pairwise table.
    weights
        Overrides for some or all criteria (what-if); criteria not named keep their base
        weight. A name may be any criterion of the criteria table, pairwise table or scores.
        Weights are relative: the result is rescaled to sum to 1.
    """
    if method == "weighted":
        base = portfolio.criteria["weight"].astype(float).copy()
        base.index = base.index.astype(str)
        source = "criteria.csv"
    elif method == "ahp":
        ahp = portfolio_ahp(portfolio)
        if ahp is None:
            raise InputError(
                [
                    Problem(
                        "pairwise.csv",
                        None,
                        None,
                        "scoring 'ahp' needs a pairwise table (criterion, over, ratio); "
                        "add one or use scoring 'weighted'",
                    )
                ]
            )
        base = ahp.weights.copy()
        source = "pairwise.csv"
    else:
        raise InputError(
            [Problem("scenario", None, "scoring", f"{method!r} has no criteria weights")]
        )
    problems: list[Problem] = []
    if weights:
        known = list(dict.fromkeys([*base.index, *_criteria_in_scores(portfolio)]))
        for name, value in dict(weights).items():
            if str(name) not in known:
                close = difflib.get_close_matches(str(name), known, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else f"; known: {known}"
                problems.append(
                    Problem("scenario", None, "weights", f"unknown criterion {name!r}{hint}")
                )
                continue
            base[str(name)] = float(value)
        source = "scenario weights"
    for name, value in base.items():
        if not np.isfinite(value) or value < 0:
            problems.append(
                Problem(source, None, "weight", f"{name!r} needs a weight of 0 or more")
            )
    if not problems and base.sum() <= 0:
        problems.append(Problem(source, None, "weight", "at least one weight must be above 0"))
    if problems:
        raise InputError(problems)
    out = base / base.sum()
    out.index.name, out.name = "criterion", "weight"
    return out


def value_rank(values: pd.Series) -> pd.Series:
    """The one rank of a project everywhere: 1 = highest; equal values (to 9 decimals) share
    the better rank, so that floating-point noise never ranks a tie 16th here and 17th there.

    Parameters
    ----------
    values
        Scores or values per project.

    Returns
    -------
    pandas.Series
        Whole ranks, same index; missing values rank last.
    """
    return values.round(9).rank(method="min", ascending=False, na_option="bottom").astype(int)


_rank = value_rank


def _by_rank(frame: pd.DataFrame) -> pd.DataFrame:
    order = frame.assign(_pid=frame.index.astype(str)).sort_values(["rank", "_pid"]).index
    return frame.loc[order]


def priority_scores(
    portfolio: Portfolio,
    weights: Mapping[str, float] | pd.Series | None = None,
    method: str = "weighted",
) -> pd.DataFrame:
    """Priority score (0-100) per project, with the part each criterion contributes.

    Parameters
    ----------
    weights
        What-if overrides of some or all weights (see :func:`criteria_weights`).
    method
        ``weighted`` (criteria table) or ``ahp`` (pairwise table).

    Returns
    -------
    pandas.DataFrame
        Index ``project_id``, sorted by rank: ``name``, ``category``, ``norm_<criterion>``
        (0..1, 1 = best), ``contrib_<criterion>`` (points out of 100: ``100 * weight *
        norm``), ``score`` (the sum of the contributions) and ``rank`` (1 = best; ties share).
    """
    w = criteria_weights(portfolio, method, weights)
    norm = normalised_scores(portfolio, list(w.index))
    contrib = norm * (100.0 * w)
    out = portfolio.projects[["name", "category"]].copy()
    out.index = out.index.astype(str)
    for c in w.index:
        out[f"norm_{c}"] = norm[c]
    for c in w.index:
        out[f"contrib_{c}"] = contrib[c]
    out["score"] = contrib.sum(axis=1)
    out["rank"] = _rank(out["score"])
    return _by_rank(out)


# --------------------------------------------------------------------------------------------
# WSJF and benefit/cost


def _wsjf_names(portfolio: Portfolio) -> dict[str, str]:
    """WSJF part (``business_value``, ..., ``job_size``) -> criterion name used in scores."""
    found: dict[str, str] = {}
    for name in _criteria_in_scores(portfolio):
        key = _norm_name(name)
        for part, aliases in WSJF_PARTS.items():
            if key in aliases:
                found.setdefault(part, name)
        if key in JOB_SIZE_NAMES:
            found.setdefault("job_size", name)
    return found


def _has_wsjf_inputs(portfolio: Portfolio) -> bool:
    names = _wsjf_names(portfolio)
    return any(p in names for p in WSJF_PARTS) or bool(
        (portfolio.projects["cost_of_delay"] > 0).any()
    )


def wsjf(portfolio: Portfolio) -> pd.DataFrame:
    """Weighted Shortest Job First: cost of delay / job size, per project.

    Cost of delay is ``business_value + time_criticality + risk_reduction`` from scores with
    those criterion names (spaces or case do not matter; ``RR|OE`` is risk reduction); when
    there are none, the projects' ``cost_of_delay`` column. Job size is a ``job_size`` score
    when the scores have one, else ``duration`` (months).

    Returns
    -------
    pandas.DataFrame
        Index ``project_id``, sorted by rank: ``name``, the three parts (NaN when cost of delay
        comes from the column), the cost of delay, ``job_size``, ``wsjf``, ``rank``. The cost of
        delay is ``cod_score`` when it is the sum of the three scores (points, not money), and
        ``cost_of_delay`` (the projects' money per month) when it comes from that column, so
        that a score is never taken for money.
    """
    names = _wsjf_names(portfolio)
    pr = portfolio.projects
    out = pr[["name"]].copy()
    out.index = out.index.astype(str)
    parts = [p for p in WSJF_PARTS if p in names]
    if parts:
        missing = [p for p in WSJF_PARTS if p not in names]
        if missing:
            raise InputError(
                [
                    Problem(
                        "scores.csv",
                        None,
                        "criterion",
                        f"WSJF needs scores for business_value, time_criticality and "
                        f"risk_reduction; missing: {', '.join(missing)}",
                    )
                ]
            )
        raw = _score_table(portfolio, [names[p] for p in WSJF_PARTS])
        raw.columns = list(WSJF_PARTS)
        for p in WSJF_PARTS:
            out[p] = raw[p]
        cod = raw.sum(axis=1)
    elif (pr["cost_of_delay"] > 0).any():
        for p in WSJF_PARTS:
            out[p] = np.nan
        cod = pr["cost_of_delay"].astype(float).set_axis(out.index)
    else:
        raise InputError(
            [
                Problem(
                    "scores.csv",
                    None,
                    None,
                    "WSJF needs scores named business_value, time_criticality and "
                    "risk_reduction, or a cost_of_delay column in projects.csv",
                )
            ]
        )
    if "job_size" in names:
        size = _score_table(portfolio, [names["job_size"]]).iloc[:, 0]
    else:
        size = pr["duration"].astype(float).set_axis(out.index)
    problems = [
        Problem("scores.csv", None, "job_size", f"project {p} needs a job size above 0")
        for p in size.index[~(size > 0)]
    ] + [
        Problem("scores.csv", None, "score", f"project {p} has a negative cost of delay")
        for p in cod.index[cod < 0]
    ]
    if problems:
        raise InputError(problems)
    out["cod_score" if parts else "cost_of_delay"] = cod
    out["job_size"] = size
    out["wsjf"] = cod / size
    out["rank"] = _rank(out["wsjf"])
    return _by_rank(out)


def project_cost(portfolio: Portfolio) -> pd.Series:
    """Each project's cost: ``cost`` when given, else labour (fte x ``cost_per_fte_month``)."""
    dm = portfolio.demand
    rate = portfolio.roles["cost_per_fte_month"].astype(float) if len(portfolio.roles) else None
    per_role = dm["role"].map(rate).fillna(0.0) if rate is not None else 0.0
    labour = (dm["fte"] * per_role).groupby(dm["project_id"]).sum()
    pr = portfolio.projects
    labour = labour.reindex(pr.index).fillna(0.0)
    return pr["cost"].where(pr["cost"].notna(), labour).astype(float).rename("cost")


def benefit_cost_ratio(portfolio: Portfolio) -> pd.DataFrame:
    """Benefit per unit of cost, per project (a plain ranking for comparison).

    Returns
    -------
    pandas.DataFrame
        Index ``project_id``, sorted by rank: ``name``, ``benefit``, ``cost`` (given, else
        labour cost), ``cost_source`` (``given`` | ``labour``), ``benefit_cost`` (``inf`` for a
        benefit at no cost, NaN for neither; NaN ranks last), ``rank``.
    """
    pr = portfolio.projects
    out = pr[["name", "benefit"]].copy()
    out["cost"] = project_cost(portfolio)
    out["cost_source"] = np.where(pr["cost"].notna(), "given", "labour")
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = out["benefit"].to_numpy(float) / out["cost"].to_numpy(float)
    ratio[(out["cost"] <= 0).to_numpy() & (out["benefit"] <= 0).to_numpy()] = np.nan
    out["benefit_cost"] = ratio
    out["rank"] = _rank(out["benefit_cost"])
    out.index = out.index.astype(str)
    return _by_rank(out)


# --------------------------------------------------------------------------------------------
# the value the optimiser maximises


def scoring_method(portfolio: Portfolio, scenario: Scenario) -> str:
    """The method in effect: ``scenario.scoring``, or ``benefit`` when its inputs are absent."""
    method = scenario.scoring
    has_scores = not portfolio.scores.empty
    if method == "wsjf":
        return "wsjf" if _has_wsjf_inputs(portfolio) else "benefit"
    if method == "weighted":
        has_criteria = not portfolio.criteria.empty or bool(scenario.weights)
        return "weighted" if has_scores and has_criteria else "benefit"
    if method == "ahp":
        has_criteria = not portfolio.criteria.empty or not portfolio.pairwise.empty
        return "ahp" if has_scores and has_criteria else "benefit"
    return "benefit"


def describe_scoring(portfolio: Portfolio, scenario: Scenario) -> str:
    """One sentence: how ``score`` / ``value`` is computed for this portfolio and scenario."""
    method = scoring_method(portfolio, scenario)
    if method in ("weighted", "ahp"):
        w = criteria_weights(portfolio, method, scenario.weights if method == "weighted" else None)
        shares = ", ".join(f"{c} {v:.0%}" for c, v in w.items())
        source = {
            "weighted": "scenario weights" if scenario.weights else "the criteria table",
            "ahp": "AHP pairwise judgements",
        }[method]
        return (
            f"Priority score 0-100 (criteria normalised min-max, weights from {source}: {shares})"
        )
    if method == "wsjf":
        return "WSJF = cost of delay / job size"
    if scenario.scoring != "benefit":
        return (
            f"Benefit (scoring {scenario.scoring!r} needs inputs this portfolio lacks, "
            "so it falls back to the projects' benefit)"
        )
    return "Benefit (the projects' benefit column)"


def project_value(portfolio: Portfolio, scenario: Scenario) -> pd.Series:
    """The value of each project that objective ``value`` maximises (summed over selected).

    By :func:`scoring_method`: ``weighted``/``ahp`` the priority score (0-100), ``wsjf`` the
    WSJF, ``benefit`` the ``benefit`` column (negative benefits count as 0, with a warning).

    Returns
    -------
    pandas.Series
        Indexed by ``project_id`` in the projects table's order, float, >= 0, no NaN.
    """
    method = scoring_method(portfolio, scenario)
    index = portfolio.projects.index
    if method == "benefit":
        value = portfolio.projects["benefit"].astype(float).fillna(0.0)
        negative = value.index[value < 0].tolist()
        if negative:
            warnings.warn(
                f"projects {negative} have a negative benefit; they count as 0 value",
                UserWarning,
                stacklevel=2,
            )
        value = value.clip(lower=0.0)
    elif method == "wsjf":
        value = wsjf(portfolio)["wsjf"]
    else:
        weights = scenario.weights if method == "weighted" else None
        value = priority_scores(portfolio, weights, method)["score"]
    value = value.reindex(index.astype(str)).astype(float)
    value.index = index
    return value.rename("value")


def ranking_table(portfolio: Portfolio, scenario: Scenario) -> pd.DataFrame:
    """The table of ``pmo-opt rank``: every project with its score, rank, WSJF and benefit/cost.

    Returns
    -------
    pandas.DataFrame
        Index ``project_id``, sorted by rank: ``name``, ``category``, ``score``
        (:func:`project_value`), ``rank``, ``wsjf`` (NaN when the portfolio has no WSJF
        inputs), ``benefit_cost``.
    """
    out = portfolio.projects[["name", "category"]].copy()
    out.index = out.index.astype(str)
    value = project_value(portfolio, scenario)
    out["score"] = value.to_numpy()
    out["rank"] = _rank(out["score"])
    out["wsjf"] = np.nan
    if _has_wsjf_inputs(portfolio):
        try:
            out["wsjf"] = wsjf(portfolio)["wsjf"]
        except InputError as exc:
            if scoring_method(portfolio, scenario) == "wsjf":
                raise
            warnings.warn(f"WSJF column left empty: {exc}", UserWarning, stacklevel=2)
    out["benefit_cost"] = benefit_cost_ratio(portfolio)["benefit_cost"]
    return _by_rank(out)


# --------------------------------------------------------------------------------------------
# rank stability
