"""The house stays as drawn: layers import only downwards (import-linter's contract in
pyproject.toml), no module takes another's private names, no import circle among modules, and
importing the package pulls in no optional engine, Dask or Jupyter."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

from pmo_opt.paths import ROOT

PACKAGE = ROOT / "pmo_opt"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(cwd: Path, pythonpath: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=cwd,
        env={"PYTHONPATH": str(pythonpath), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_layer_contract_is_kept():
    done = _lint(ROOT, ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    # the layers (exhaustive), the model builders' independence, the two drivers' independence
    assert "3 kept, 0 broken" in done.stdout


def test_an_upward_import_breaks_the_contract(tmp_path):
    copy = tmp_path / "pmo_opt"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    months = copy / "inputs" / "months.py"
    # inside a function, where a late import used to hide a circle
    months.write_text(
        months.read_text() + "\n\ndef _up():\n    from pmo_opt.present import charts  # noqa\n"
    )
    done = _lint(tmp_path, tmp_path)
    assert done.returncode != 0
    assert "BROKEN" in done.stdout and "pmo_opt.inputs.months" in done.stdout


def _copy_of_the_package(tmp_path: Path) -> Path:
    copy = tmp_path / "pmo_opt"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return copy


def test_one_engine_importing_another_breaks_the_independence(tmp_path):
    copy = _copy_of_the_package(tmp_path)
    cpsat_model = copy / "engine" / "cpsat_model.py"
    cpsat_model.write_text(
        cpsat_model.read_text() + "\n\ndef _milp():\n    from pmo_opt.engine import model  # noqa\n"
    )
    done = _lint(tmp_path, tmp_path)
    assert done.returncode != 0
    assert "independent of each other BROKEN" in done.stdout
    assert "pmo_opt.engine.cpsat_model -> pmo_opt.engine.model" in done.stdout


def test_a_module_outside_every_layer_breaks_the_contract(tmp_path):
    copy = _copy_of_the_package(tmp_path)
    (copy / "stray.py").write_text('"""A module in no layer."""\n')
    done = _lint(tmp_path, tmp_path)
    assert done.returncode != 0
    assert "pmo_opt.stray" in done.stdout


def _modules() -> list[str]:
    return sorted(
        ".".join(p.relative_to(ROOT).with_suffix("").parts) for p in PACKAGE.rglob("*.py")
    )


def test_no_import_circle_among_the_modules():
    graph = grimp.build_graph("pmo_opt", cache_dir=None)
    # a package's __init__ re-exporting its own modules is not a circle of modules
    modules = [m for m in graph.modules if not (ROOT / m.replace(".", "/")).is_dir()]
    edges = {
        m: {i for i in graph.find_modules_directly_imported_by(m) if i in modules} for m in modules
    }
    state: dict[str, int] = {}
    circle: list[str] = []

    def visit(m: str, path: list[str]) -> bool:
        state[m] = 1
        for nxt in sorted(edges[m]):
            if state.get(nxt) == 1:
                circle.extend(path[path.index(nxt) :] + [m, nxt] if nxt in path else [m, nxt])
                return True
            if nxt not in state and visit(nxt, [*path, m]):
                return True
        state[m] = 2
        return False

    for m in sorted(modules):
        if m not in state and visit(m, []):
            break
    assert not circle, " -> ".join(circle)


def test_no_module_imports_another_modules_private_names():
    offences = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pmo_opt"):
                private = [a.name for a in node.names if a.name.startswith("_")]
                private = [n for n in private if not n.startswith("__")]
                if private:
                    offences.append(f"{path.relative_to(ROOT)}:{node.lineno} {private}")
    assert not offences, offences


@pytest.mark.parametrize(
    "heavy", ["ortools", "distributed", "dask", "IPython", "ipywidgets", "papermill", "nbconvert"]
)
def test_importing_the_package_pulls_in_no_optional_engine_dask_or_jupyter(heavy):
    code = f"import sys, pmo_opt; print({heavy!r} in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_every_module_is_in_a_layer_folder_or_at_the_bottom_or_top():
    loose = {p.stem for p in PACKAGE.glob("*.py")}
    assert loose <= {"__init__", "__main__", "errors", "paths", "text"}, loose  # cli is a folder
    assert _modules()  # the walk saw the package
