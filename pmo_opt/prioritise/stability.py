"""How stable the ranking is: criteria weights perturbed (Dirichlet or uniform), projects
re-scored per draw, and the spread of each project's rank."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmo_opt.errors import InputError, Problem
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import Scenario
from pmo_opt.prioritise.scoring import criteria_weights, normalised_scores, scoring_method


def perturb_weights(
    weights: pd.Series,
    draws: int = 500,
    spread: float = 0.2,
    seed: int = 0,
    method: str = "dirichlet",
) -> pd.DataFrame:
    """Random weight vectors around ``weights``, one row per draw, each summing to 1.

    ``dirichlet``: Dirichlet with mean ``weights`` and total concentration
    ``k = (n - 1) / spread**2 - 1`` (at least 1), so a weight equal to the average weight
    ``1/n`` has a coefficient of variation of exactly ``spread``; larger weights vary
    relatively less and smaller ones more, as a Dirichlet does. ``uniform``: each weight times
    an independent factor uniform on ``[1 - spread, 1 + spread]``, then renormalised. Zero
    weights stay zero in both. Deterministic for a ``seed`` (numpy ``default_rng``).
    """
    w = weights.astype(float) / float(weights.sum())
    active = (w > 0).to_numpy()
    n = int(active.sum())
    if draws < 1:
        raise InputError([Problem("rank stability", None, "draws", "draws must be 1 or more")])
    if not spread >= 0:
        raise InputError([Problem("rank stability", None, "spread", "spread must be >= 0")])
    rng = np.random.default_rng(seed)
    out = np.tile(w.to_numpy(), (draws, 1))
    if spread > 0 and n > 1:
        if method == "dirichlet":
            k = max((n - 1) / spread**2 - 1.0, 1.0)
            out[:, active] = rng.dirichlet(k * w.to_numpy()[active], size=draws)
        elif method == "uniform":
            if spread >= 1:
                raise InputError(
                    [Problem("rank stability", None, "spread", "uniform spread must be < 1")]
                )
            factor = rng.uniform(1 - spread, 1 + spread, size=(draws, n))
            sub = out[:, active] * factor
            out[:, active] = sub / sub.sum(axis=1, keepdims=True)
        else:
            raise InputError(
                [
                    Problem(
                        "rank stability",
                        None,
                        "method",
                        f"{method!r} is not 'dirichlet' or 'uniform'",
                    )
                ]
            )
    return pd.DataFrame(out, columns=w.index, index=pd.RangeIndex(draws, name="draw"))


def stability_inputs(portfolio: Portfolio, scenario: Scenario):
    method = scoring_method(portfolio, scenario)
    if method not in ("weighted", "ahp"):
        raise InputError(
            [
                Problem(
                    "scenario",
                    None,
                    "scoring",
                    f"rank stability perturbs criteria weights; scoring {method!r} has none "
                    "(use 'weighted' or 'ahp' with criteria scores)",
                )
            ]
        )
    w = criteria_weights(portfolio, method, scenario.weights if method == "weighted" else None)
    return w, normalised_scores(portfolio, list(w.index))


def _ranks(scores: np.ndarray) -> np.ndarray:
    """Per row, 1 + the number of strictly higher scores (ties share the better rank)."""
    s = np.round(scores, 9)
    ranks = np.empty(s.shape, dtype=int)
    for d in range(s.shape[0]):
        ordered = np.sort(s[d])
        ranks[d] = 1 + s.shape[1] - np.searchsorted(ordered, s[d], side="right")
    return ranks


def _draw_scores(portfolio, scenario, draws, spread, seed, method):
    w, norm = stability_inputs(portfolio, scenario)
    wd = perturb_weights(w, draws, spread, seed, method)
    base = 100.0 * norm.to_numpy() @ w.to_numpy()
    scores = 100.0 * wd.to_numpy() @ norm.to_numpy().T  # draws x projects
    return norm.index, base, scores


def rank_stability(
    portfolio: Portfolio,
    scenario: Scenario,
    draws: int = 500,
    spread: float = 0.2,
    seed: int = 0,
    top_k: int = 10,
    method: str = "dirichlet",
) -> pd.DataFrame:
    """How far each project's rank moves when the weights are a little different.

    The weights (criteria table or AHP, per ``scenario.scoring``) are perturbed ``draws``
    times by :func:`perturb_weights` (``spread`` ~ coefficient of variation of a weight) and
    the projects re-ranked each time.

    Returns
    -------
    pandas.DataFrame
        Index ``project_id``, sorted by base rank: ``name``, ``base_score``, ``base_rank``,
        ``min_rank``, ``median_rank``, ``max_rank``, ``p_top_k`` (share of draws in which the
        project ranks ``top_k`` or better). Same inputs and ``seed``, same table.
    """
    ids, base, scores = _draw_scores(portfolio, scenario, draws, spread, seed, method)
    ranks = _ranks(scores)
    base_rank = _ranks(base[None, :])[0]
    out = pd.DataFrame(
        {
            "name": portfolio.projects["name"].set_axis(ids).to_numpy(),
            "base_score": base,
            "base_rank": base_rank,
            "min_rank": ranks.min(axis=0),
            "median_rank": np.median(ranks, axis=0),
            "max_rank": ranks.max(axis=0),
            "p_top_k": (ranks <= min(top_k, len(ids))).mean(axis=0),
        },
        index=pd.Index(ids, name="project_id"),
    )
    order = out.assign(_pid=out.index.astype(str)).sort_values(["base_rank", "_pid"]).index
    return out.loc[order]


def rank_swaps(
    portfolio: Portfolio,
    scenario: Scenario,
    draws: int = 500,
    spread: float = 0.2,
    seed: int = 0,
    method: str = "dirichlet",
    top: int | None = 20,
) -> pd.DataFrame:
    """Which pairs of projects swap places most often under the same perturbations.

    Returns
    -------
    pandas.DataFrame
        One row per pair that swaps at least once, most frequent first (``top`` rows; None for
        all): ``ahead`` (the project ranked higher with the base weights), ``behind``,
        ``ahead_rank``, ``behind_rank`` (base ranks), ``p_swap`` (share of draws in which
        ``behind`` scores strictly higher than ``ahead``).
    """
    ids, base, scores = _draw_scores(portfolio, scenario, draws, spread, seed, method)
    base_rank = _ranks(base[None, :])[0]
    s = np.round(scores, 9)
    rows = []
    for a in range(len(ids)):
        behind = np.flatnonzero(base_rank > base_rank[a])
        if not len(behind):
            continue
        share = (s[:, behind] > s[:, [a]]).mean(axis=0)
        for b, p in zip(behind, share, strict=True):
            if p > 0:
                rows.append((ids[a], ids[b], int(base_rank[a]), int(base_rank[b]), float(p)))
    out = pd.DataFrame(rows, columns=["ahead", "behind", "ahead_rank", "behind_rank", "p_swap"])
    out = out.sort_values(
        ["p_swap", "ahead_rank", "behind_rank"], ascending=[False, True, True], kind="stable"
    ).reset_index(drop=True)
    return out if top is None else out.head(top)
