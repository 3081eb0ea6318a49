"""A tamper-evident ledger: a hash chain over every run (with its decisions and files) and
every approval, as append-only audit logs keep.

Each record appended gets a ``chain`` row whose ``digest`` is SHA-256 (or, when the environment
holds :data:`KEY_ENV`, HMAC-SHA-256 with that key) of the previous digest and the record's
content as the database holds it. Editing a run, a decision, a file hash or an approval with any
SQLite or SQL tool, deleting one, or inserting one outside pmo-opt breaks the chain at that
record, and :func:`verify_chain` names it. Without the key, someone who can write the database
can recompute the whole chain; with it, nobody without the key can (verify with the key set
refuses any record written without it, so set the key before the ledger's first record). Deleting the newest records
together with their chain rows is only visible against a digest kept elsewhere (``pmo-opt
ledger verify`` prints the newest).

Ledgers from before the chain are migrated: their records are listed in the first chain row
(``genesis``) and chained from the migration on; verify says how many are not chained.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pmo_opt.ledger.schema import approvals, chain, decisions, run_files, runs

#: the environment variable holding the ledger's HMAC key (any text)
KEY_ENV = "PMO_OPT_LEDGER_KEY"


def _key() -> bytes | None:
    value = os.environ.get(KEY_ENV, "")
    return value.encode() if value else None


def _digest(previous: str, content: str, key: bytes | None) -> str:
    message = (previous + "\n" + content).encode()
    if key is not None:
        return hmac.new(key, message, hashlib.sha256).hexdigest()
    return hashlib.sha256(message).hexdigest()


def _rows(conn: Connection, query) -> list[dict]:
    return [
        {k: (repr(v) if isinstance(v, float) else v) for k, v in dict(r).items()}
        for r in conn.execute(query).mappings()
    ]


def content(conn: Connection, kind: str, ref: str) -> str | None:
    """The canonical text of one record as the database holds it; ``None`` when it is gone."""
    if kind == "genesis":
        return ref
    if kind == "run":
        row = _rows(conn, sa.select(runs).where(runs.c.run_id == ref))
        if not row:
            return None
        made = _rows(
            conn,
            sa.select(decisions).where(decisions.c.run_id == ref).order_by(decisions.c.project_id),
        )
        files = _rows(
            conn, sa.select(run_files).where(run_files.c.run_id == ref).order_by(run_files.c.path)
        )
        record = {"run": row[0], "decisions": made, "files": files}
    else:
        row = _rows(conn, sa.select(approvals).where(approvals.c.approval_id == int(ref)))
        if not row:
            return None
        record = {"approval": row[0]}
    return json.dumps(record, sort_keys=True, default=str)


def append(conn: Connection, kind: str, ref: str, when: str) -> None:
    """Chain the record ``kind``/``ref`` just written (inside the writer's transaction)."""
    last = conn.execute(sa.select(chain).order_by(chain.c.seq.desc()).limit(1)).mappings().first()
    previous, seq = (last["digest"], last["seq"] + 1) if last else ("", 1)
    text = content(conn, kind, ref)
    key = _key()
    conn.execute(
        chain.insert().values(
            seq=seq,
            kind=kind,
            ref=ref,
            keyed=key is not None,
            digest=_digest(previous, text or "", key),
            recorded_at=when,
        )
    )


def ensure_genesis(conn: Connection, when: str) -> None:
    """Start the chain of a ledger that has none, listing the records from before it."""
    if conn.execute(sa.select(sa.func.count()).select_from(chain)).scalar():
        return
    before = {
        "runs": sorted(conn.execute(sa.select(runs.c.run_id)).scalars()),
        "approvals": sorted(conn.execute(sa.select(approvals.c.approval_id)).scalars()),
    }
    append(conn, "genesis", json.dumps(before, sort_keys=True), when)


@dataclass(frozen=True)
class Verdict:
    """What :func:`verify_chain` found.

    ``broken`` names the first record that does not match (``None`` when the chain holds);
    ``chained`` counts the records in the chain; ``unchained`` those from before the migration;
    ``head`` is the newest digest (keep it elsewhere to detect deletion of the newest records).
    """

    broken: str | None
    chained: int
    unchained: int
    head: str
    keyed: bool


def _name(kind: str, ref: str) -> str:
    return f"run {ref}" if kind == "run" else f"approval {ref}" if kind == "approval" else kind


def verify_chain(conn: Connection) -> Verdict:
    """Recompute the chain from the records and compare (see the module docstring)."""
    rows = list(conn.execute(sa.select(chain).order_by(chain.c.seq)).mappings())
    key = _key()
    previous, broken, keyed, genesis = "", None, False, {"runs": [], "approvals": []}
    for expected, row in enumerate(rows, start=1):
        keyed = keyed or bool(row["keyed"])
        what = f"chain record {row['seq']} ({_name(row['kind'], row['ref'])})"
        if row["seq"] != expected:
            broken = f"chain record {expected} is missing (a record was deleted)"
            break
        if row["keyed"] and key is None:
            broken = f"{what} is keyed: set {KEY_ENV} to the ledger's key to verify it"
            break
        if key is not None and not row["keyed"]:
            # with the key, an unkeyed record is one anybody could have recomputed
            broken = f"{what} is not keyed although {KEY_ENV} is set: written without the key"
            break
        text = content(conn, row["kind"], row["ref"])
        if text is None:
            broken = f"{what}: the record was deleted"
            break
        if _digest(previous, text, key if row["keyed"] else None) != row["digest"]:
            broken = f"{what}: its content does not match its hash (edited after it was written)"
            break
        if row["kind"] == "genesis":
            genesis = json.loads(text)
        previous = row["digest"]
    if broken is None:
        broken = _unchained(conn, rows, genesis)
    before = len(genesis.get("runs", [])) + len(genesis.get("approvals", []))
    return Verdict(broken, len(rows), before, previous, keyed)


def _unchained(conn: Connection, rows, genesis: dict) -> str | None:
    """A record that is neither chained nor from before the chain: inserted outside pmo-opt."""
    chained = {(r["kind"], r["ref"]) for r in rows}
    old_runs, old_approvals = set(genesis.get("runs", [])), set(genesis.get("approvals", []))
    for run_id in conn.execute(sa.select(runs.c.run_id).order_by(runs.c.run_id)).scalars():
        if ("run", run_id) not in chained and run_id not in old_runs:
            return f"run {run_id} is not in the chain (written outside pmo-opt)"
    for approval_id in conn.execute(sa.select(approvals.c.approval_id)).scalars():
        if ("approval", str(approval_id)) not in chained and approval_id not in old_approvals:
            return f"approval {approval_id} is not in the chain (written outside pmo-opt)"
    return None
