"""Throwaway databases for the ledger tests: an SQLite file, or a PostgreSQL cluster that the
tests start themselves (``initdb``/``pg_ctl``, a Unix socket in a temporary folder, run as a
non-root user when the tests run as root).

Without the PostgreSQL binaries the PostgreSQL cases are skipped with the reason, except under
``CI=true``, where they fail: CI installs Debian's ``postgresql`` package (``.ci/run``).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

PG_USER = "pmo"


def pg_bin(name: str) -> str | None:
    """``initdb``/``pg_ctl``: on PATH, else the newest ``/usr/lib/postgresql/*/bin``."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    return candidates[-1] if candidates else None


def _as_postgres_user() -> tuple[list[str], int | None, int | None]:
    """The command prefix that drops root (PostgreSQL refuses to run as root), and the uid/gid
    that must own the cluster's folder; no prefix when not root."""
    if os.geteuid() != 0:
        return [], None, None
    import pwd

    user = pwd.getpwnam("nobody")
    if shutil.which("runuser"):
        return ["runuser", "-u", "nobody", "--"], user.pw_uid, user.pw_gid
    if shutil.which("setpriv"):
        prefix = ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups"]
        return prefix, user.pw_uid, user.pw_gid
    pytest.fail("running as root, and neither runuser nor setpriv is there to drop to nobody")


@dataclass
class PgCluster:
    """A running throwaway PostgreSQL cluster reachable on a Unix socket in ``socket_dir``."""

    root: Path
    socket_dir: Path
    pg_ctl: str
    prefix: list[str]

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{PG_USER}@/{database}?host={self.socket_dir}"

    def _admin(self):
        import psycopg

        return psycopg.connect(
            host=str(self.socket_dir), user=PG_USER, dbname="postgres", autocommit=True
        )

    def create_database(self) -> str:
        name = f"ledger_{uuid.uuid4().hex[:10]}"
        with self._admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return name

    def drop_database(self, name: str) -> None:
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        subprocess.run(
            [*self.prefix, self.pg_ctl, "-D", str(self.root / "data"), "-m", "immediate", "stop"],
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(self.root, ignore_errors=True)


def start_cluster() -> PgCluster:
    """initdb a cluster in a new temporary folder and start it; skip (fail under CI) when the
    binaries are missing."""
    initdb, pg_ctl = pg_bin("initdb"), pg_bin("pg_ctl")
    if not (initdb and pg_ctl):
        reason = (
            "PostgreSQL's initdb/pg_ctl are not installed (Debian: apt-get install postgresql); "
            "the PostgreSQL ledger tests need a server of their own"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason} - required under CI=true")
        pytest.skip(reason)
    prefix, uid, gid = _as_postgres_user()
    root = Path(tempfile.mkdtemp(prefix="pmo-opt-pg-"))  # short: a socket path has a limit
    data, log = root / "data", root / "server.log"
    if uid is not None:
        os.chown(root, uid, gid)
    run = {"capture_output": True, "text": True, "timeout": 180}
    done = subprocess.run(
        [*prefix, initdb, "-D", str(data), "-U", PG_USER, "--auth=trust", "-E", "UTF8"], **run
    )
    if done.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"initdb failed:\n{done.stdout}\n{done.stderr}")
    options = f"-k {root} -c listen_addresses='' -c fsync=off -c max_connections=50"
    done = subprocess.run(
        [
            *prefix,
            pg_ctl,
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(log),
            "-w",
            "-t",
            "60",
            "start",
        ],
        **run,
    )
    if done.returncode != 0:
        text = log.read_text() if log.is_file() else ""
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"pg_ctl start failed:\n{done.stdout}\n{done.stderr}\n{text}")
    return PgCluster(root=root, socket_dir=root, pg_ctl=pg_ctl, prefix=prefix)
