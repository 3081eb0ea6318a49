"""Shared fixtures for the whole suite."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _ledger_in_tmp(tmp_path, monkeypatch):
    """Every test that runs ``pmo-opt plan``/``report`` records into a ledger of its own in
    ``tmp_path``, never into ``ledger.sqlite`` of the working folder (subprocesses inherit it)."""
    monkeypatch.setenv("PMO_OPT_LEDGER", f"sqlite:///{tmp_path / 'ledger.sqlite'}")
