"""Where the ledger is (its URL), how to connect to it, and what a database failure means.

SQLite (the default, ``sqlite:///ledger.sqlite`` in the working folder) and PostgreSQL
(``postgresql+psycopg://user:password@host/db``, for a team that shares one ledger) go through
the same code. Every failure of the database becomes a :class:`~pmo_opt.errors.LedgerError`
that names the URL (password masked) and the fix.

SQLite is used in its rollback-journal mode, not WAL: WAL needs shared memory beside the file,
which a read-only folder or a network share cannot give. Writers take the lock at the start of
their transaction (``BEGIN IMMEDIATE``) and wait up to the busy timeout for it, so two runs at
once queue instead of failing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from pmo_opt.errors import LedgerError

#: environment variable that names the ledger when ``--ledger`` is not given
LEDGER_ENV = "PMO_OPT_LEDGER"
#: environment variable: seconds to wait for a locked ledger (default :data:`DEFAULT_TIMEOUT_S`)
TIMEOUT_ENV = "PMO_OPT_LEDGER_TIMEOUT"
DEFAULT_URL = "sqlite:///ledger.sqlite"
DEFAULT_TIMEOUT_S = 30.0
_WRITE = "pmo_opt_ledger_write"
_FIX = "fix it, point --ledger (or PMO_OPT_LEDGER) at another ledger, or pass --no-ledger"


def ledger_url(explicit: str | None = None) -> str:
    """The ledger's URL: ``explicit`` (``--ledger``), else ``$PMO_OPT_LEDGER``, else
    ``sqlite:///ledger.sqlite`` (a file in the working folder)."""
    if explicit:
        return explicit
    return os.environ.get(LEDGER_ENV) or DEFAULT_URL


def timeout_s(explicit: float | None = None) -> float:
    """Seconds to wait for a locked ledger: ``explicit``, else ``$PMO_OPT_LEDGER_TIMEOUT``,
    else 30."""
    if explicit is not None:
        return float(explicit)
    try:
        return float(os.environ.get(TIMEOUT_ENV, DEFAULT_TIMEOUT_S))
    except ValueError:
        return DEFAULT_TIMEOUT_S


def parse_url(url: str) -> URL:
    """``url`` as SQLAlchemy's :class:`~sqlalchemy.engine.URL`; a LedgerError when it is none."""
    try:
        return sa.engine.make_url(url)
    except ArgumentError:
        raise LedgerError(
            f"{url!r} is not a database URL: write sqlite:///path/ledger.sqlite or "
            "postgresql+psycopg://user@host/database",
            url=url,
            input_error=True,
        ) from None


def masked(url: str | URL) -> str:
    """``url`` as it may be shown: the password replaced by ``***``."""
    try:
        parsed = url if isinstance(url, URL) else sa.engine.make_url(url)
    except ArgumentError:
        return str(url)
    return parsed.render_as_string(hide_password=True)


def create_ledger_engine(url: str, wait_s: float) -> Engine:
    """An engine for ``url``: SQLite waits ``wait_s`` for a lock and enforces foreign keys;
    PostgreSQL gives up connecting after ``wait_s`` and waits as long for a lock."""
    parsed = parse_url(url)
    seconds = max(1, int(round(wait_s)))
    try:
        if parsed.get_backend_name() == "sqlite":
            engine = sa.create_engine(parsed, connect_args={"timeout": wait_s})
            _sqlite_transactions(engine)
        elif parsed.get_backend_name() == "postgresql":
            engine = sa.create_engine(
                parsed,
                connect_args={
                    "connect_timeout": seconds,
                    "options": f"-c lock_timeout={seconds * 1000}",
                },
                pool_pre_ping=True,
            )
        else:
            engine = sa.create_engine(parsed)
    except (NoSuchModuleError, ImportError) as exc:
        raise LedgerError(
            f"the ledger {masked(parsed)} needs a database driver that is not installed "
            f"({exc}): use sqlite:///... or postgresql+psycopg://...",
            url=masked(parsed),
        ) from None
    return engine


def _sqlite_transactions(engine: Engine) -> None:
    """Let SQLAlchemy, not the sqlite3 module, begin transactions: ``BEGIN IMMEDIATE`` for
    writes (the lock is taken up front, waiting up to the busy timeout), ``BEGIN`` for reads."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # no implicit BEGIN from the driver
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        write = conn.get_execution_options().get(_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


@contextmanager
def transaction(engine: Engine, write: bool) -> Iterator[Connection]:
    """A connection in one transaction, committed when the block ends without an error.

    On PostgreSQL a writer also takes a transaction-level advisory lock, so migrations and
    approvals (read, then write) of concurrent processes happen one after the other.
    """
    with engine.connect() as conn:
        if write:
            conn.execution_options(**{_WRITE: True})
        with conn.begin():
            if write and engine.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(7031914)"))
            yield conn


@contextmanager
def translated(url: str, action: str, wait_s: float, run_id: str = "") -> Iterator[None]:
    """Turn a database failure inside the block into a LedgerError naming ``url`` and the fix.

    ``action`` says what was being done (``recording run 2026...``) for the message.
    """
    try:
        yield
    except LedgerError:
        raise
    except (SQLAlchemyError, OSError) as exc:
        raise LedgerError(explain(exc, url, action, wait_s), url=masked(url), run_id=run_id) from (
            None
        )


def explain(exc: BaseException, url: str, action: str, wait_s: float) -> str:
    """One paragraph: which ledger, what failed while doing ``action``, and the fix."""
    where = f"the ledger {masked(url)}"
    orig = getattr(exc, "orig", None) or exc
    text = " ".join(str(orig).split()) or type(orig).__name__
    low = text.lower()
    if "locked" in low or "lock timeout" in low or "lock_timeout" in low:
        return (
            f"{where} is locked by another process (waited {wait_s:g} s) while {action}: "
            f"try again when that run has finished, or raise {TIMEOUT_ENV} (seconds)"
        )
    if "readonly" in low or "read-only" in low or "read only" in low:
        return (
            f"{where} is read-only, {action} failed: make the file and its folder writable, "
            f"or {_FIX}"
        )
    if "not a database" in low or "malformed" in low or "file is encrypted" in low:
        return (
            f"{where} is not a pmo-opt ledger (the file is not an SQLite database or is "
            f"corrupt; {action}): move the file aside to start a new ledger, or {_FIX}"
        )
    if "unable to open database file" in low:
        return (
            f"{where} cannot be opened ({action}): its folder does not exist or is not "
            f"writable; create the folder, or {_FIX}"
        )
    if isinstance(orig, OSError) or "connection" in low or "could not" in low:
        return (
            f"{where} cannot be reached ({action}): {text}; check that the server runs and the "
            f"URL, user and password are right, or {_FIX}"
        )
    if "permission denied" in low or "password" in low or "authentication" in low:
        return f"{where} refused access ({action}): {text}; check the user's rights, or {_FIX}"
    return f"{where} failed while {action}: {text}; {_FIX}"
