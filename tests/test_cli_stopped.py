"""Stopped runs leave evidence (issue 26, item 5): SIGTERM or SIGINT during a plan records the
run as failed ("stopped by SIGTERM"), prints one line and leaves no empty output folder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pmo_opt.ledger import Ledger

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_plan_stopped_by_a_signal_is_recorded_failed(tmp_path: Path, sig: signal.Signals):
    out, url = tmp_path / "out", f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    command = [sys.executable, "-m", "pmo_opt", "plan", str(ROOT / "data" / "sample")]
    command += ["--set", "time_limit_s=20", "--out", str(out), "--ledger", url]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path
    )
    deadline = time.monotonic() + 60
    while not out.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)  # the folder exists once the run is under way (signals handled)
    assert proc.poll() is None, proc.communicate()
    proc.send_signal(sig)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 1, (stdout, stderr)
    lines = [line for line in (stdout + stderr).splitlines() if line.strip()]
    assert lines == [f"stopped: stopped by {sig.name}"], lines
    assert not out.exists()  # no empty folder left behind
    with Ledger(url) as ledger:
        history = ledger.history()
    assert history["status"].tolist() == ["failed"]
    assert history["note"].tolist() == [f"stopped by {sig.name}"]


REPORT = """
import sys
from pmo_opt.present.reports import run_reports

if __name__ == "__main__":
    code = run_reports(sys.argv[1], [None], out=sys.argv[2], notebooks=[sys.argv[3]],
                       timeout_s=120, ledger_url=sys.argv[4])
    raise SystemExit(code)
"""


def test_a_report_stopped_by_sigterm_is_in_the_ledger(tmp_path: Path):
    import json

    import nbformat

    notebook = tmp_path / "01-wait.ipynb"
    book = nbformat.v4.new_notebook()
    book.cells = [nbformat.v4.new_code_cell("import time\ntime.sleep(120)")]
    book.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(book, notebook)
    script, out = tmp_path / "report.py", tmp_path / "reports"
    script.write_text(REPORT, encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = [sys.executable, str(script), str(ROOT / "data" / "sample"), str(out), str(notebook)]
    proc = subprocess.Popen(
        [*args, url], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    deadline = time.monotonic() + 120
    while not list(out.rglob("01-wait.ipynb")) and time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.1)  # the notebook is running once papermill wrote its first copy
    time.sleep(1)
    proc.send_signal(signal.SIGTERM)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode != 0, (stdout, stderr)
    assert "stopped by SIGTERM" in stderr
    (folder,) = [p for p in out.iterdir() if p.is_dir()]
    assert folder.name.endswith("-FAILED")
    run_id = json.loads((folder / "manifest.json").read_text())["run_id"]
    with Ledger(url) as ledger:
        run = ledger.get_run(run_id)  # the manifest's run id is in the ledger
    assert run.status == "failed" and "stopped by SIGTERM" in run.error
