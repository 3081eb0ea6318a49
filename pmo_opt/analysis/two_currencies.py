"""One comparison of two plans stated in both currencies of value: the weighted value score and
the stated benefit (money), true in both or saying where they differ, and why.

Used for the plan against rank-and-fill, against other scenarios and against an approved plan:
``+22.3% in value score; EUR 2.17M less stated benefit (EUR 30.00M against EUR 32.17M) than
rank-and-fill, because the projects only the plan funds score higher on time criticality and risk
reduction, which the value score weighs and the benefit column does not price``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pmo_opt.engine.objective import project_values
from pmo_opt.engine.plan import Plan
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import Scenario
from pmo_opt.prioritise.scoring import criteria_weights, priority_scores, scoring_method


def amount(x: float, currency: str = "") -> str:
    """Money with enough digits to tell projects apart: ``EUR 30.00M``, ``EUR 460k``."""
    size = abs(x)
    if size >= 1e9:
        text = f"{size / 1e9:,.2f}bn"
    elif size >= 1e6:
        text = f"{size / 1e6:,.2f}M"
    elif size >= 1e4:
        text = f"{size / 1e3:,.0f}k"
    else:
        text = f"{size:,.0f}"
    sign = "-" if x < -0.5 else ""
    return f"{currency} {sign}{text}" if currency else f"{sign}{text}"


@dataclass(frozen=True)
class TwoCurrencies:
    """Both plans in both currencies, and the sentence that states the comparison."""

    score_a: float
    score_b: float
    benefit_a: float
    benefit_b: float
    sentence: str
    money: str = ""
    reason: str = ""

    @property
    def agree(self) -> bool:
        """True when the plan better in score is not worse in money (or the reverse)."""
        ds, db = self.score_a - self.score_b, self.benefit_a - self.benefit_b
        return not ((ds > 1e-9 and db < -0.5) or (ds < -1e-9 and db > 0.5))


def value_score_sentence(portfolio: Portfolio, scenario: Scenario) -> str:
    """The value score named and explained in one sentence, for its first use on a page."""
    unit = portfolio.settings.get("value_unit") or "points"
    method = scoring_method(portfolio, scenario)
    if method in ("weighted", "ahp"):
        weights = criteria_weights(
            portfolio, method, scenario.weights if method == "weighted" else None
        )
        parts = ", ".join(f"{_words(c)} {w:.0%}" for c, w in weights.items())
        return (
            f"The value score ({unit}) adds up each funded project's priority score, 0 to 100, "
            f"from the board's weighted criteria ({parts}); it is a ranking of worth, not money."
        )
    if method == "wsjf":
        return (
            f"The value score ({unit}) adds up each funded project's cost of delay per unit of "
            "job size (WSJF); it is a ranking of urgency, not money."
        )
    return "The value score is the projects' stated benefit (money): here both currencies agree."


def _words(name: str) -> str:
    return str(name).replace("_", " ")


def compare_in_both(
    portfolio: Portfolio,
    plan_a: Plan,
    plan_b: Plan,
    scenario: Scenario,
    name_b: str = "rank-and-fill",
) -> TwoCurrencies:
    """``plan_a`` against ``plan_b`` in value score and in stated benefit, in one sentence.

    The sentence gives the score change in percent and the money change in the currency, and
    when the two point different ways says why: the criteria on which the projects only
    ``plan_a`` funds outscore those only ``plan_b`` funds (what the score weighs and the benefit
    column does not price), or the reverse.

    Parameters
    ----------
    portfolio, scenario
        The scores are those of the ``value`` objective under ``scenario``'s scoring.
    plan_a, plan_b
        Two plans of the portfolio (any objective: only their selections are read).
    name_b
        How the sentence names ``plan_b``.

    Returns
    -------
    TwoCurrencies
    """
    scores = project_values(portfolio, scenario.replace(objective="value"))
    benefit = portfolio.projects["benefit"].astype(float)
    a, b = plan_a.selected, plan_b.selected
    sa, sb = float(scores.reindex(a).sum()), float(scores.reindex(b).sum())
    ba, bb = float(benefit.reindex(a).sum()), float(benefit.reindex(b).sum())
    unit = portfolio.settings.get("value_unit") or "points"
    currency = portfolio.settings.get("currency") or ""
    if sb > 0:
        change = (sa - sb) / sb
        same = abs(change) < 0.0005
        score_part = "the same value score" if same else f"{change:+.1%} in value score"
    else:
        score_part = f"{sa - sb:+,.1f} {unit} of value score"
    diff = ba - bb
    if abs(diff) < 0.5:
        money_part = f"the same stated benefit ({amount(ba, currency)})"
    else:
        more = "more" if diff > 0 else "less"
        money_part = (
            f"{amount(abs(diff), currency)} {more} stated benefit "
            f"({amount(ba, currency)} against {amount(bb, currency)})"
        )
    sentence = f"{score_part}; {money_part} than {name_b}"
    reason = ""
    if not TwoCurrencies(sa, sb, ba, bb, sentence).agree:
        higher = "the plan" if sa > sb else name_b
        reason = _because(portfolio, scenario, a, b, sa > sb, higher)
        sentence += ", " + reason
    return TwoCurrencies(sa, sb, ba, bb, sentence + ".", money_part, reason)


def _because(
    portfolio: Portfolio,
    scenario: Scenario,
    a: list[str],
    b: list[str],
    a_scores_more: bool,
    higher: str,
) -> str:
    """Why score and money disagree: the criteria that carry the score difference."""
    method = scoring_method(portfolio, scenario)
    if method not in ("weighted", "ahp"):
        return "because the score ranks urgency per unit of size, which the benefit column does not"
    weights = scenario.weights if method == "weighted" else None
    parts = priority_scores(portfolio, weights, method)
    contrib = parts[[c for c in parts.columns if c.startswith("contrib_")]]
    only_a = [p for p in a if p not in set(b)]
    only_b = [p for p in b if p not in set(a)]
    gap = contrib.reindex(only_a).sum() - contrib.reindex(only_b).sum()
    gap = gap if a_scores_more else -gap
    top = [c.removeprefix("contrib_") for c, v in gap.sort_values(ascending=False).items() if v > 0]
    if not top:
        return "because the score and the benefit column rank the projects differently"
    named = " and ".join(_words(c) for c in top[:2])
    return (
        f"because the projects only {higher} funds score higher on {named}, which the value "
        "score weighs and the benefit column does not price"
    )


def money_table(portfolio: Portfolio, plans: dict[str, Plan], scenario: Scenario) -> pd.DataFrame:
    """Value score and stated benefit of each named plan (index: the names), for a page."""
    scores = project_values(portfolio, scenario.replace(objective="value"))
    benefit = portfolio.projects["benefit"].astype(float)
    rows = {
        name: {
            "value_score": float(scores.reindex(plan.selected).sum()),
            "stated_benefit": float(benefit.reindex(plan.selected).sum()),
            "projects": len(plan.selected),
        }
        for name, plan in plans.items()
    }
    return pd.DataFrame.from_dict(rows, orient="index")
