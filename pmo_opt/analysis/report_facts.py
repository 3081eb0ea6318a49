"""``ReportFacts``: what a report states about its one plan, resolved once.

A report's pages, its workbook, ``summary.json`` and the ledger all quote the same few
quantities: the plan's value, the cost of disrupting the approved plan, the net objective, the
independent check's verdict and the gain over rank-and-fill. They used to be recomputed on each
page (and rounded differently); now the report runner builds them once with
:func:`build_facts`, writes them as ``facts.json`` beside the plan, and every page reads them
from there (:meth:`ReportFacts.read`). A notebook opened on its own builds the same facts itself.

The quantities, named apart because they differ in a re-plan:

- **value**: the weighted value score of the selected projects (``Plan.total_value``);
- **disruption**: the points charged for changing the approved plan (projects in or out, months
  moved; 0 for a first plan);
- **net**: value less disruption, what the optimiser maximises (``Plan.objective``);
- **gain**: the plan's value over rank-and-fill's value (same rules), as a fraction; the one way
  every page states the gain. Disruption is stated beside it for both plans, not folded in:
  rank-and-fill knows nothing of the approved plan, and its disruption would swamp the gain.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pmo_opt.engine.check import check_plan
from pmo_opt.engine.plan import Plan
from pmo_opt.engine.rank_fill import rank_and_fill
from pmo_opt.engine.replan import penalty_of
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.inputs.scenario import Scenario

FACTS_FILE = "facts.json"


@dataclass(frozen=True)
class Comparison:
    """One plan the report compares its plan with (rank-and-fill, keep the approved plan, a
    fresh optimisation): ``value``, ``disruption``, ``net`` in points, ``benefit`` and ``spend``
    in money, ``selected`` projects, ``status``, ``broken`` rules (``None``: not checked)."""

    name: str
    status: str
    value: float | None = None
    disruption: float = 0.0
    net: float | None = None
    benefit: float | None = None
    spend: float | None = None
    selected: int = 0
    broken: int | None = None


@dataclass(frozen=True)
class ReportFacts:
    """The facts of one report's plan (module docstring).

    Attributes
    ----------
    scenario, status : the scenario's name and the plan's status.
    value, disruption, net : points (see the module docstring); ``None`` without a plan.
    check_passed : the independent check's verdict (``None``: no plan to check).
    violations : the broken rules in words (empty when the check passed).
    selected, projects : projects funded and projects in the portfolio.
    spend, benefit : the plan's spend and its projects' stated benefit (money).
    rank_fill : rank-and-fill under the same rules.
    gain : ``(value - rank_fill.value) / |rank_fill.value|`` (``None`` when not comparable).
    currency, organisation : from the portfolio's settings.
    settings_note : where the settings came from when the portfolio has none of its own.
    baseline : what a re-plan was measured against: ``run_id``, ``sha256`` of the approved
        plan, ``approved_by``, ``approved_at``, ``note``, ``portfolio`` (empty: a first plan).
    keep, fresh : for a re-plan, the approved plan kept as it is and a fresh optimisation.
    causes : for a re-plan, what changed in the inputs since the approved quarter
        (:func:`pmo_opt.analysis.quarter_changes.input_changes` rows).
    """

    scenario: str
    status: str
    value: float | None
    disruption: float
    net: float | None
    check_passed: bool | None
    violations: tuple[str, ...] = ()
    selected: int = 0
    projects: int = 0
    spend: float | None = None
    benefit: float | None = None
    rank_fill: Comparison | None = None
    gain: float | None = None
    currency: str = ""
    organisation: str = ""
    settings_note: str = ""
    baseline: dict[str, Any] = field(default_factory=dict)
    keep: Comparison | None = None
    fresh: Comparison | None = None
    causes: tuple[dict[str, Any], ...] = ()

    @property
    def replan(self) -> bool:
        """Whether the plan was re-planned against an approved plan."""
        return bool(self.baseline)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (``facts.json``)."""
        return dataclasses.asdict(self)

    def write(self, folder: str | Path) -> Path:
        """Write ``facts.json`` into ``folder``; return its path."""
        target = Path(folder) / FACTS_FILE
        target.write_text(json.dumps(self.to_dict(), indent=1) + "\n", encoding="utf-8")
        return target

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReportFacts:
        """The facts :meth:`to_dict` wrote."""
        data = dict(data)
        for key in ("rank_fill", "keep", "fresh"):
            if data.get(key) is not None:
                data[key] = Comparison(**data[key])
        data["violations"] = tuple(data.get("violations") or ())
        data["causes"] = tuple(data.get("causes") or ())
        return cls(**data)

    @classmethod
    def read(cls, folder: str | Path) -> ReportFacts | None:
        """The facts stored in ``folder`` (``None`` when it holds no ``facts.json``)."""
        path = Path(folder) / FACTS_FILE
        if not path.is_file():
            return None
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))


def _num(x: Any) -> float | None:
    try:
        value = float(x)
    except (TypeError, ValueError):
        return None
    return round(value, 6) if math.isfinite(value) else None


def _benefit(portfolio: Portfolio, plan: Plan) -> float | None:
    benefit = portfolio.projects["benefit"].reindex(plan.selected)
    return round(float(benefit.fillna(0.0).sum()), 2) if benefit.notna().any() else None


def compare_plan(
    name: str, plan: Plan, portfolio: Portfolio, scenario: Scenario, broken: int | None = None
) -> Comparison:
    """``plan`` as a :class:`Comparison`: its value, disruption at ``scenario``'s prices, net,
    stated benefit, spend and the rules it breaks (``broken`` when already counted, else
    :func:`~pmo_opt.engine.check.check_plan` counts them)."""
    if not plan.has_solution:
        return Comparison(name, plan.status)
    value = float(plan.total_value)
    disruption = penalty_of(plan, portfolio, scenario)
    return Comparison(
        name=name,
        status=plan.status,
        value=_num(value),
        disruption=_num(disruption) or 0.0,
        net=_num(value - disruption),
        benefit=_benefit(portfolio, plan),
        spend=_num(plan.total_spend),
        selected=len(plan.selected),
        broken=len(check_plan(portfolio, plan.scenario, plan)) if broken is None else broken,
    )


def gain_over(ours: float | None, theirs: Comparison | None) -> float | None:
    """A value ``ours`` over ``theirs.value`` as a fraction; ``None`` when ``theirs`` has no
    plan, breaks a rule or is worth nothing."""
    if ours is None or theirs is None or theirs.value is None or not theirs.value:
        return None
    if theirs.broken:
        return None
    return round((ours - theirs.value) / abs(theirs.value), 6)


def build_facts(
    portfolio: Portfolio,
    scenario: Scenario,
    plan: Plan,
    *,
    baseline: dict[str, Any] | None = None,
    settings_note: str = "",
    compare_replan: bool = True,
    approved: Portfolio | None = None,
) -> ReportFacts:
    """Resolve the facts of ``plan`` once (module docstring).

    Parameters
    ----------
    portfolio, scenario
        The inputs the plan was solved for (after
        :func:`pmo_opt.inputs.baseline.replan_inputs` for a re-plan).
    plan
        The report's one plan.
    baseline
        What a re-plan was measured against (see :attr:`ReportFacts.baseline`); ``None``
        with a scenario baseline records the baseline file's path only.
    settings_note
        Where the settings came from, when inherited.
    compare_replan
        For a re-plan, also state keeping the approved plan and a fresh optimisation (one
        more solve).
    approved
        For a re-plan, the approved quarter's portfolio: the causes are measured against it.
    """
    settings = getattr(portfolio, "settings", {}) or {}
    common = {
        "scenario": scenario.name,
        "status": plan.status,
        "projects": int(len(plan.projects)),
        "currency": str(settings.get("currency", "") or ""),
        "organisation": str(settings.get("organisation", "") or ""),
        "settings_note": settings_note,
        "baseline": dict(
            baseline or ({"path": str(scenario.baseline)} if scenario.baseline else {})
        ),
    }
    if not plan.has_solution:
        return ReportFacts(value=None, disruption=0.0, net=None, check_passed=None, **common)
    violations = tuple(str(v) for v in check_plan(portfolio, scenario, plan))
    mine = compare_plan("plan", plan, portfolio, scenario, broken=len(violations))
    rank_fill = compare_plan("rank_fill", rank_and_fill(portfolio, scenario), portfolio, scenario)
    keep = fresh = None
    causes: tuple[dict[str, Any], ...] = ()
    if scenario.baseline is not None and compare_replan:
        keep, fresh = _replan_alternatives(portfolio, scenario, plan)
    if scenario.baseline is not None and approved is not None:
        causes = _causes(approved, portfolio, scenario, plan)
    return ReportFacts(
        value=mine.value,
        disruption=mine.disruption,
        net=mine.net,
        check_passed=not violations,
        violations=violations,
        selected=mine.selected,
        spend=mine.spend,
        benefit=mine.benefit,
        rank_fill=rank_fill,
        gain=gain_over(mine.value, rank_fill),
        keep=keep,
        fresh=fresh,
        causes=causes,
        **common,
    )


def _causes(
    approved: Portfolio, portfolio: Portfolio, scenario: Scenario, plan: Plan
) -> tuple[dict[str, Any], ...]:
    from pmo_opt.analysis.quarter_changes import input_changes
    from pmo_opt.inputs.baseline import read_baseline

    table = input_changes(
        approved, portfolio, scenario, list(plan.horizon), read_baseline(scenario.baseline)
    )
    rows = table.astype(object).where(table.notna(), None).to_dict("records")
    return tuple({k: (_num(v) if isinstance(v, float) else v) for k, v in r.items()} for r in rows)


def _replan_alternatives(
    portfolio: Portfolio, scenario: Scenario, plan: Plan
) -> tuple[Comparison, Comparison]:
    """Keeping the approved plan as it stands on the new data, and optimising from scratch."""
    from pmo_opt.analysis.replan import fresh_scenario
    from pmo_opt.engine.objective import project_values
    from pmo_opt.engine.optimise import optimise
    from pmo_opt.engine.replan import baseline_plan

    kept = baseline_plan(
        portfolio, scenario, list(plan.horizon), project_values(portfolio, scenario)
    )
    keep = compare_plan("keep", kept, portfolio, scenario)
    fresh = compare_plan(
        "fresh", optimise(portfolio, fresh_scenario(scenario)), portfolio, scenario
    )
    return keep, fresh


__all__ = ["FACTS_FILE", "Comparison", "ReportFacts", "build_facts", "compare_plan", "gain_over"]
