"""Shared fixtures for the whole suite."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session", autouse=True)
def _ledger_in_tmp(tmp_path_factory):
    """Every ``pmo-opt plan``/``report`` the tests run records into a ledger in a temporary
    folder, never into ``ledger.sqlite`` of the working folder (subprocesses inherit it).

    Session-scoped, so that it is in place before module-scoped fixtures that run commands.
    """
    url = f"sqlite:///{tmp_path_factory.mktemp('ledger') / 'ledger.sqlite'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PMO_OPT_LEDGER", url)
        yield url
