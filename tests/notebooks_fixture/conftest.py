"""Fixture notebooks for tests/test_reports.py: executed by those tests, never collected alone."""

# `pytest --nbval` would otherwise collect them; they carry no stored outputs on purpose.
collect_ignore_glob = ["*.ipynb"]
