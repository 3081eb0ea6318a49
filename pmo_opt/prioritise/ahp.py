"""AHP: criteria weights from pairwise judgements on Saaty's 1-9 scale, with the consistency
ratio and, when it is too high, the judgements that most disagree with the rest."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pmo_opt.errors import InputError, Problem
from pmo_opt.inputs.portfolio import Portfolio

#: Saaty's random consistency index by matrix size (Saaty, T. L. (1980) *The Analytic
#: Hierarchy Process*, McGraw-Hill, table of average CI of random reciprocal matrices).
#: Sizes above 15 reuse the value for 15.
RANDOM_INDEX = {
    1: 0.0,
    2: 0.0,
    3: 0.58,
    4: 0.90,
    5: 1.12,
    6: 1.24,
    7: 1.32,
    8: 1.41,
    9: 1.45,
    10: 1.49,
    11: 1.51,
    12: 1.48,
    13: 1.56,
    14: 1.57,
    15: 1.59,
}

CR_LIMIT = 0.10


class InconsistentJudgementsWarning(UserWarning):
    """The pairwise judgements contradict each other (consistency ratio above 0.10)."""


@dataclass(frozen=True)
class AhpResult:
    """Weights from pairwise judgements and how consistent the judgements are.

    Attributes
    ----------
    weights : criterion -> weight (principal eigenvector, sums to 1).
    lambda_max : the principal eigenvalue (``n`` when perfectly consistent).
    ci : consistency index ``(lambda_max - n) / (n - 1)``.
    cr : consistency ratio ``ci / random_index`` (0 for one or two criteria).
    random_index : Saaty's random index for ``n`` criteria.
    consistent : ``cr <= 0.10``.
    worst_judgements : one row per judgement given, worst first: ``criterion``, ``over``,
        ``ratio`` (as given), ``implied`` (``w_criterion / w_over``), ``factor`` (how many
        times the judgement is off, >= 1) and ``message`` in plain words.
    matrix : the filled reciprocal matrix.
    """

    weights: pd.Series
    lambda_max: float
    ci: float
    cr: float
    random_index: float
    consistent: bool
    worst_judgements: pd.DataFrame
    matrix: pd.DataFrame

    def summary(self) -> str:
        """One line for reports and the command line."""
        verdict = (
            "consistent"
            if self.consistent
            else "INCONSISTENT: revisit the judgements below before trusting the weights"
        )
        return (
            f"AHP consistency ratio {self.cr:.3f} (limit {CR_LIMIT:.2f}) over "
            f"{len(self.weights)} criteria: {verdict}"
        )


def _times(x: float) -> str:
    """``5`` -> ``5x``, ``1.43`` -> ``1.4x``: how a board member says it."""
    return f"{x:.0f}x" if abs(x - round(x)) < 0.05 else f"{x:.1f}x"


def _judgement_text(a: str, b: str, ratio: float, implied: float) -> str:
    # orient both statements so the stated one reads "X is Nx as important as Y", N >= 1
    if ratio < 1:
        a, b, ratio, implied = b, a, 1 / ratio, 1 / implied
    said = (
        f"You said {a} and {b} are equally important"
        if abs(ratio - 1) < 1e-9
        else f"You said {a} is {_times(ratio)} as important as {b}"
    )
    if implied >= 1:
        other = f"{a} is about {_times(implied)} as important as {b}"
    else:
        other = f"{b} is about {_times(1 / implied)} as important as {a}"
    if max(ratio / implied, implied / ratio) < 1.1:
        return f"{said}, and your answers taken together agree ({other})"
    return f"{said}, but your answers taken together imply {other}"


def ahp_weights(pairwise: pd.DataFrame, criteria: list[str] | None = None) -> AhpResult:
    """Criteria weights from pairwise judgements (Saaty's AHP, principal eigenvector).

    Parameters
    ----------
    pairwise
        Rows ``criterion``, ``over``, ``ratio``: "``criterion`` is ``ratio`` times as
        important as ``over``", on Saaty's 1-9 scale (``1/3`` means a third as important).
        Each unordered pair once; the reciprocal and the diagonal (1) are filled in. A pair
        given twice must agree.
    criteria
        The criteria to weigh, in order; default: those named in ``pairwise`` in order of
        appearance. Every pair among them needs a judgement.

    Returns
    -------
    AhpResult
        When the consistency ratio exceeds 0.10 an :class:`InconsistentJudgementsWarning` is
        also issued, naming the judgements that contribute most to the inconsistency.

    Raises
    ------
    InputError
        Missing pairs (each named), non-positive ratios, contradictory duplicates.
    """
    pw = pairwise.reset_index(drop=True)
    names = list(criteria) if criteria is not None else []
    for col in ("criterion", "over"):
        for name in pw[col].astype(str):
            if name not in names:
                names.append(name)
    if not names:
        raise InputError([Problem("pairwise.csv", None, None, "no pairwise judgements given")])
    pos = {c: i for i, c in enumerate(names)}
    n = len(names)
    a = np.full((n, n), np.nan)
    np.fill_diagonal(a, 1.0)
    problems: list[Problem] = []
    given: list[tuple[str, str, float]] = []
    for i, row in pw.iterrows():
        c, o, r = str(row["criterion"]), str(row["over"]), float(row["ratio"])
        line = int(i) + 2
        if not np.isfinite(r) or r <= 0:
            problems.append(
                Problem(
                    "pairwise.csv",
                    line,
                    "ratio",
                    f"{c} over {o}: ratio must be a positive number on Saaty's 1-9 scale "
                    f"(1/3 for 'a third as important'), got {row['ratio']!r}",
                )
            )
            continue
        if c == o:
            if abs(r - 1) > 1e-9:
                problems.append(
                    Problem("pairwise.csv", line, "ratio", f"{c} compared with itself must be 1")
                )
            continue
        i_, j_ = pos[c], pos[o]
        if np.isfinite(a[i_, j_]):
            if abs(np.log(a[i_, j_]) - np.log(r)) > 1e-6:
                problems.append(
                    Problem(
                        "pairwise.csv",
                        line,
                        "ratio",
                        f"{c} vs {o} is judged twice with different answers "
                        f"({_times(a[i_, j_])} and {_times(r)} as important); keep one",
                    )
                )
            continue
        a[i_, j_], a[j_, i_] = r, 1 / r
        given.append((c, o, r))
    for i in range(n):
        for j in range(i + 1, n):
            if not np.isfinite(a[i, j]):
                problems.append(
                    Problem(
                        "pairwise.csv",
                        None,
                        None,
                        f"no judgement for {names[i]} vs {names[j]}: add a row "
                        f"criterion={names[i]}, over={names[j]}, ratio=<1-9 or 1/9-1>",
                    )
                )
    if problems:
        raise InputError(problems)

    values, vectors = np.linalg.eig(a)
    k = int(np.argmax(values.real))
    lam = float(values[k].real)
    w = np.abs(vectors[:, k].real)
    w = w / w.sum()
    ci = max((lam - n) / (n - 1), 0.0) if n > 2 else 0.0
    ri = RANDOM_INDEX.get(n, RANDOM_INDEX[15])
    cr = ci / ri if ri > 0 else 0.0
    weights = pd.Series(w, index=pd.Index(names, name="criterion"), name="weight")

    rows = []
    for c, o, r in given:
        implied = float(weights[c] / weights[o])
        rows.append(
            {
                "criterion": c,
                "over": o,
                "ratio": r,
                "implied": implied,
                "factor": float(np.exp(abs(np.log(r / implied)))),
                "message": _judgement_text(c, o, r, implied),
            }
        )
    worst = pd.DataFrame(
        rows, columns=["criterion", "over", "ratio", "implied", "factor", "message"]
    )
    worst = worst.sort_values("factor", ascending=False, kind="stable").reset_index(drop=True)
    result = AhpResult(
        weights=weights,
        lambda_max=lam,
        ci=ci,
        cr=cr,
        random_index=ri,
        consistent=cr <= CR_LIMIT,
        worst_judgements=worst,
        matrix=pd.DataFrame(a, index=names, columns=names),
    )
    if not result.consistent:
        top = worst.head(3)["message"].tolist()
        warnings.warn(
            InconsistentJudgementsWarning(
                f"the pairwise judgements are inconsistent (consistency ratio {cr:.2f}, "
                f"limit {CR_LIMIT:.2f}), so the AHP weights are unreliable. Revisit first: "
                + "; ".join(f"({i + 1}) {m}" for i, m in enumerate(top))
                + "."
            ),
            stacklevel=2,
        )
    return result


def portfolio_ahp(portfolio: Portfolio) -> AhpResult | None:
    """AHP over the portfolio's criteria (pairwise table plus criteria table); None without one."""
    if portfolio.pairwise.empty:
        return None
    return ahp_weights(portfolio.pairwise, criteria=list(portfolio.criteria.index.astype(str)))
