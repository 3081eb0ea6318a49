"""The committed notebooks: their shape (parameters, setup, no logic), their stored outputs (true,
static, free of anything machine-dependent) and strict nbval against a fresh execution.

The static checks are quick; the nbval run re-executes every notebook on ``data/sample`` (about
two minutes) in a subprocess, the way ``make test`` and CI run it:

    python -m pytest --nbval notebooks --nbval-current-env \\
        --nbval-sanitize-with tests/nbval_sanitize.cfg -p no:cacheprovider

Refresh the stored outputs with ``make notebooks`` (``PMO_OPT_INTERACTIVE=0`` so that they are
the static results a report shows, without widget state).
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys

import nbformat
import pytest

from pmo_opt import paths
from pmo_opt.present.params import KNOWN_PARAMETERS

NOTEBOOKS = sorted(paths.NOTEBOOKS_DIR.glob("[0-9][0-9]-*.ipynb"))
EXPECTED = [
    "01-review-data.ipynb",
    "02-prioritise-projects.ipynb",
    "03-select-portfolio.ipynb",
    "04-plan-capacity.ipynb",
    "05-compare-scenarios.ipynb",
    "06-board-summary.ipynb",
    "07-replan-quarter.ipynb",
]
#: every notebook declares these in its parameters cell
REQUIRED = ("portfolio", "scenario_file", "output_dir", "interactive")
SANITIZE = paths.ROOT / "tests" / "nbval_sanitize.cfg"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
#: text no stored output may contain: absolute paths, memory addresses, timings, progress bars
VOLATILE = re.compile(
    r"(/(work|tmp|home|root|Users|private|var)/|[A-Z]:\\\\|\bat 0x[0-9a-f]+|\d+(\.\d+)? ?s(ec(ond)?s?)?\b"
    r"(?! limit)|\bit/s\b|\d+%\|)"
)


def _read(path):
    return nbformat.read(path, as_version=4)


def _code(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def _tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def _text_outputs(cell) -> list[str]:
    out = []
    for o in cell.get("outputs", []):
        if o.output_type == "stream":
            out.append(o.text)
        elif o.output_type in ("display_data", "execute_result"):
            out += [v for k, v in o.data.items() if k.startswith("text/") and isinstance(v, str)]
    return out


def test_the_notebooks_are_there():
    assert [p.name for p in NOTEBOOKS] == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_shape(path):
    nb = _read(path)
    nbformat.validate(nb)
    assert nb.nbformat == 4
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert nb.metadata["kernelspec"]["language"] == "python"
    assert "papermill" not in nb.metadata and "widgets" not in nb.metadata
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    code = _code(nb)
    tagged = [c for c in code if "parameters" in _tags(c)]
    assert len(tagged) == 1 and code[0] is tagged[0], "one parameters cell, the first code cell"
    assert "ctx = notebook_setup(globals())" in code[1].source
    assert not any("injected-parameters" in _tags(c) for c in code)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_parameters_are_annotated_commented_literals(path):
    params = _code(_read(path))[0]
    tree = ast.parse(params.source)
    names = {}
    for node in tree.body:
        assert isinstance(node, ast.AnnAssign), ast.unparse(node)
        assert isinstance(node.target, ast.Name) and node.value is not None
        names[node.target.id] = ast.literal_eval(node.value)  # a literal, nothing computed
    assert set(names) <= set(KNOWN_PARAMETERS)
    assert set(REQUIRED) <= set(names)
    assert names["interactive"] is True and names["output_dir"] is None
    assert names["portfolio"] == "data/sample"
    for line in params.source.splitlines():
        if line.startswith("#"):
            continue
        assert "  # " in line, f"every parameter has a comment: {line!r}"
        # papermill's parameter parser gives up (with a warning) on a line with two '='
        assert line.count("=") == 1, line


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_hold_no_logic_of_their_own(path):
    for cell in _code(_read(path)):
        tree = ast.parse(cell.source)
        defined = [
            type(n).__name__
            for n in ast.walk(tree)
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda)
        ]
        assert not defined, f"{path.name}: move {defined} into pmo_opt:\n{cell.source}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_widgets_only_when_interactive_and_not_compared(path):
    for cell in _code(_read(path)):
        if "widgets" in cell.source:
            assert cell.source.startswith("if ctx.interactive:"), cell.source
            assert "nbval-ignore-output" in _tags(cell)  # widget views are random per kernel
            assert cell.outputs == []  # stored from a non-interactive run


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_outputs_are_true_static_and_machine_independent(path):
    nb = _read(path)
    code = _code(nb)
    assert all(c.execution_count for c in code), "execute with `make notebooks`"
    counts = [c.execution_count for c in code]
    assert counts == list(range(1, len(code) + 1)), "stored from one run, top to bottom"
    for cell in code:
        assert "papermill" not in cell.metadata and "execution" not in cell.metadata
        for output in cell.outputs:
            assert output.output_type != "error", (path.name, cell.source)
            assert output.output_type != "stream", f"{path.name} prints: {output.get('text')!r}"
            assert WIDGET_VIEW not in output.get("data", {})
        for text in _text_outputs(cell):
            found = VOLATILE.search(text)
            assert found is None, f"{path.name}: {found.group(0)!r} in {text[:300]!r}"
    images = [o for c in code for o in c.outputs if "image/png" in o.get("data", {})]
    assert images, f"{path.name} shows no chart"


def test_board_summary_reads_without_code():
    nb = _read(paths.NOTEBOOKS_DIR / "06-board-summary.ipynb")
    kinds = [set(o.data) for c in _code(nb) for o in c.outputs]
    assert kinds and all(k <= {"text/markdown", "text/plain", "image/png"} for k in kinds)
    brief = "\n".join(
        o.data["text/markdown"] for c in _code(nb) for o in c.outputs if "text/markdown" in o.data
    )
    assert brief.startswith("## Decision record")  # the decision block first, then the brief
    for heading in (
        "## The decision asked",
        "## Why this portfolio",
        "## Money",
        "## Key risks",
        "## If the budget is cut by 20%",
        "## Projects left out",
    ):
        assert heading in brief


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_nbval_strict_passes_on_every_notebook(tmp_path):
    """Strict nbval: every stored output equals a fresh run's (images aside)."""
    env = dict(os.environ)
    env.pop(  # the widget cells run with the notebooks' default (interactive), output ignored
        "PMO_OPT_INTERACTIVE", None
    )
    env["MPLBACKEND"] = "Agg"
    command = [
        sys.executable,
        "-m",
        "pytest",
        "--nbval",
        str(paths.NOTEBOOKS_DIR),
        "--nbval-current-env",
        "--nbval-sanitize-with",
        str(SANITIZE),
        "-p",
        "no:cacheprovider",
        "-q",
        "--rootdir",
        str(paths.ROOT),
    ]
    done = subprocess.run(
        command, cwd=paths.ROOT, env=env, capture_output=True, text=True, timeout=880
    )
    tail = (done.stdout + done.stderr)[-6000:]
    assert done.returncode == 0, tail
    assert re.search(r"\b\d+ passed\b", done.stdout) and " failed" not in done.stdout, tail
