"""The decision ledger: every ``plan`` and ``report`` run, its per-project decisions, and the
approvals, in a database (SQLite by default, PostgreSQL for a team).

It sits above the engine and below the command line: it reads plans, it never makes them.
"""

from __future__ import annotations

from pmo_opt.ledger.connection import DEFAULT_URL, LEDGER_ENV, TIMEOUT_ENV, ledger_url, masked
from pmo_opt.ledger.history import HISTORY_COLUMNS, RunDiff, diff_text, history_text
from pmo_opt.ledger.record import (
    DECISION_COLUMNS,
    RunRecord,
    failed_record,
    hash_inputs,
    new_run_id,
    portfolio_name,
    record_from_plan,
    utc_now,
)
from pmo_opt.ledger.schema import SCHEMA_VERSION
from pmo_opt.ledger.store import Approval, Ledger

__all__ = [
    "DECISION_COLUMNS",
    "DEFAULT_URL",
    "HISTORY_COLUMNS",
    "LEDGER_ENV",
    "SCHEMA_VERSION",
    "TIMEOUT_ENV",
    "Approval",
    "Ledger",
    "RunDiff",
    "RunRecord",
    "diff_text",
    "failed_record",
    "hash_inputs",
    "history_text",
    "ledger_url",
    "masked",
    "new_run_id",
    "portfolio_name",
    "record_from_plan",
    "utc_now",
]
