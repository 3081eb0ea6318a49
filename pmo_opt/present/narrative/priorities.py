"""Page 02: how the projects rank, whether the weights are consistent and the top is stable."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from IPython.display import Markdown

from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import Scenario
from pmo_opt.present.narrative.words import as_markdown, md_label
from pmo_opt.text import escape_markdown


def stability_or_none(
    portfolio: Portfolio, scenario: Scenario, top_k: int = 10, draws: int = 500
) -> pd.DataFrame | None:
    """:func:`pmo_opt.prioritise.scoring.rank_stability` with the scenario's seed, or ``None`` when the
    scoring has no criteria weights to vary (WSJF, benefit)."""
    from pmo_opt.prioritise.scoring import scoring_method
    from pmo_opt.prioritise.stability import rank_stability

    if scoring_method(portfolio, scenario) not in ("weighted", "ahp"):
        return None
    return rank_stability(portfolio, scenario, draws=draws, seed=scenario.seed, top_k=top_k)


def weights_table(portfolio: Portfolio, scenario: Scenario, ahp: Any | None = None) -> pd.DataFrame:
    """Per criterion: ``direction``, ``table_weight`` (criteria table, normalised), ``ahp_weight``
    (from the pairwise judgements, when given) and ``weight_used`` (what the scores use)."""
    from pmo_opt.prioritise.scoring import criteria_weights, scoring_method

    crit = portfolio.criteria
    out = pd.DataFrame(index=crit.index.astype(str))
    out.index.name = "criterion"
    out["direction"] = crit["direction"].to_numpy() if "direction" in crit else "max"
    table = crit["weight"].astype(float)
    out["table_weight"] = (table / table.sum()).to_numpy() if table.sum() > 0 else np.nan
    out["ahp_weight"] = out.index.map(ahp.weights) if ahp is not None else np.nan
    method = scoring_method(portfolio, scenario)
    if method in ("weighted", "ahp"):
        used = criteria_weights(
            portfolio, method, scenario.weights if method == "weighted" else None
        )
        out["weight_used"] = out.index.map(used)
    else:
        out["weight_used"] = np.nan
    return out.reset_index()


def ranking_headline(
    portfolio: Portfolio,
    scenario: Scenario,
    ranking: pd.DataFrame,
    stability: pd.DataFrame | None = None,
    ahp: Any | None = None,
    top: int = 5,
    top_k: int = 10,
) -> Markdown:
    """The ranking in words: how scores are made, the top projects, whether the judgements are
    consistent and whether the top of the list survives a change of weights."""
    from pmo_opt.prioritise.scoring import describe_scoring

    lines = [f"{escape_markdown(describe_scoring(portfolio, scenario))}.", ""]
    head = ranking.head(top)
    lines.append(f"**Top {len(head)} by priority score:**")
    lines.append("")
    for pid, row in head.iterrows():
        lines.append(f"{int(row['rank'])}. {md_label(portfolio, pid)} (score {row['score']:.1f})")
    lines.append("")
    if ahp is not None:
        verdict = (
            "below the 0.10 limit, so the judgements hang together"
            if ahp.consistent
            else "**above the 0.10 limit: revisit the judgements before trusting the weights**"
        )
        lines.append(
            f"- **AHP**: the pairwise judgements give a consistency ratio of {ahp.cr:.3f}, "
            f"{verdict}."
        )
    if "wsjf" in ranking and ranking["wsjf"].notna().any():
        by_wsjf = ranking["wsjf"].sort_values(ascending=False, kind="stable")
        both = len(set(by_wsjf.index[:top_k]) & set(ranking.index[:top_k]))
        lines.append(
            f"- **WSJF** (cost of delay / job size) puts {md_label(portfolio, by_wsjf.index[0])} "
            f"first; {both} of the top {top_k} by score are also in the WSJF top {top_k}."
        )
    if stability is not None and len(stability):
        base_top = stability[stability["base_rank"] <= top_k]
        firm = base_top[base_top["p_top_k"] >= 0.9]
        swing = (stability["max_rank"] - stability["min_rank"]).astype(int)
        mover = swing.idxmax()
        lines.append(
            f"- **Stability**: with every weight varied by about 20%, {len(firm)} of the top "
            f"{len(base_top)} stay in the top {top_k} in at least 90% of the draws; "
            f"{md_label(portfolio, mover)} moves most (ranks {int(stability.at[mover, 'min_rank'])} "
            f"to {int(stability.at[mover, 'max_rank'])})."
        )
    return as_markdown(lines)


__all__ = ["ranking_headline", "stability_or_none", "weights_table"]
