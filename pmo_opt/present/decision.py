"""The brief as the decision record: the decision asked and, once the board has approved the plan
with ``pmo-opt approve``, the decision taken, its conditions, the approver and the date, read from
the decision ledger.

A plan counts as approved when the ledger's current approval of the portfolio is of a run with
the same selection and starts as this plan; until then the block says what to record and how,
with lines to sign on paper. The ledger is only read: a SQLite ledger file that does not exist is
not created (a notebook run has none), and a ledger that cannot be read leaves the block pending
and says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from IPython.display import Markdown

from pmo_opt.engine.plan import Plan
from pmo_opt.errors import PmoError
from pmo_opt.inputs.portfolio import Portfolio
from pmo_opt.present.narrative.brief import decision_asked
from pmo_opt.present.narrative.words import as_markdown
from pmo_opt.text import escape_markdown

SIGN_HERE = "\u2002" + "_" * 24  # a line to sign on the printed brief


@dataclass(frozen=True)
class DecisionRecord:
    """What the decision block shows; every field is text for the page (never empty)."""

    asked: str
    taken: str
    conditions: str
    approver: str
    date: str
    approved: bool
    note: str = ""


def _approval(portfolio_path: Path, url: str | None) -> tuple[object | None, object | None, str]:
    """(approval, its run, why there is none) from the ledger, read only."""
    from pmo_opt.ledger import Ledger, ledger_url, portfolio_name

    url = ledger_url(url)
    if url.startswith("sqlite:///"):
        target = Path(url.removeprefix("sqlite:///"))
        if url != "sqlite:///:memory:" and not target.exists():
            return None, None, "nothing approved yet"
    try:
        with Ledger(url) as ledger:
            approval = ledger.approval(portfolio_name(portfolio_path))
            run = ledger.get_run(approval.run_id) if approval is not None else None
    except PmoError as exc:
        return None, None, f"the decision ledger could not be read ({exc})"
    return approval, run, "" if approval is not None else "nothing approved yet"


def _same_plan(plan: Plan, run: object) -> bool:
    decisions = run.decisions  # type: ignore[attr-defined]
    chosen = decisions[decisions["selected"].astype(bool)]
    starts = dict(zip(chosen["project_id"].astype(str), chosen["start"].astype(str), strict=True))
    mine = {str(p): str(plan.projects.at[p, "start"]) for p in plan.selected}
    return starts == mine


def decision_record(
    portfolio: Portfolio,
    plan: Plan,
    portfolio_path: str | Path,
    ledger_url: str | None = None,
    facts: Any | None = None,
) -> DecisionRecord:
    """The decision block's content for ``plan``, filled from the ledger once approved.

    Parameters
    ----------
    portfolio, plan
        The report's portfolio and its one plan.
    portfolio_path
        Where the portfolio was read from (its folder's name is the ledger's portfolio name).
    ledger_url
        The ledger (``None``: ``$PMO_OPT_LEDGER``, else ``ledger.sqlite`` in the working folder).
    facts
        The report's :class:`~pmo_opt.analysis.report_facts.ReportFacts`: a re-plan's decision
        asked is its change to the approved plan, worded as the brief words it.

    Returns
    -------
    DecisionRecord
    """
    asked = decision_asked(portfolio, plan, facts).replace("**", "").removesuffix(".")
    asked += f", as scheduled in scenario {escape_markdown(plan.scenario.name)}."
    approval, run, why = _approval(Path(portfolio_path), ledger_url)
    if approval is not None and run is not None and _same_plan(plan, run):
        return DecisionRecord(
            asked=asked,
            taken=f"Approved as recommended (ledger run `{approval.run_id}`).",
            conditions=escape_markdown(approval.note) or "None recorded.",
            approver=escape_markdown(approval.approved_by),
            date=str(approval.approved_at)[:10],
            approved=True,
        )
    note = (
        f"The approved plan on record is run `{approval.run_id}` (approved by "
        f"{escape_markdown(approval.approved_by)} on {str(approval.approved_at)[:10]}); this plan "
        "differs from it."
        if approval is not None
        else f"Pending: {why}."
    )
    return DecisionRecord(
        asked=asked,
        taken="To be decided:" + SIGN_HERE,
        conditions="To be recorded:" + SIGN_HERE,
        approver="Name:" + SIGN_HERE,
        date="Date:" + SIGN_HERE,
        approved=False,
        note=note
        + ' To record the decision: `pmo-opt approve REPORT_FOLDER --by NAME --note "CONDITIONS"`.',
    )


def decision_block(record: DecisionRecord) -> Markdown:
    """The decision block at the top of the brief: one table a board member can sign."""
    lines = [
        "## Decision record",
        "",
        "| | |",
        "|---|---|",
        f"| **Decision asked** | {record.asked} |",
        f"| **Decision taken** | {record.taken} |",
        f"| **Conditions** | {record.conditions} |",
        f"| **Approver** | {record.approver} |",
        f"| **Date** | {record.date} |",
        "",
    ]
    if record.note:
        lines += [record.note, ""]
    return as_markdown(lines)
