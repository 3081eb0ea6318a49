"""Running notebooks with papermill: one notebook into its executed copy, failures marked at
the failing cell, the kernel checked, and the committed notebooks refreshed in place."""

from __future__ import annotations

import logging
import math
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pmo_opt import paths
from pmo_opt.errors import PmoError

KERNEL_NAME = "python3"
NOTEBOOK_PATTERN = re.compile(r"^\d{2}-.+\.ipynb$")
# The kernel's own log (e.g. ipykernel 7's "running over TCP without encryption") is noise in a
# report run; cell output is captured in the notebook whatever this level is.
_KERNEL_ARGS = ["--IPKernelApp.log_level=CRITICAL"]


class _KnownParameters(logging.Filter):
    """Every notebook receives every scenario field, used or not (a notebook that forgot to
    declare one still gets it): papermill's "Passed unknown parameter" warning is noise here."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Passed unknown parameter")


@dataclass(frozen=True)
class NotebookFailure:
    """Where and why a run stopped; ``cell_index`` is papermill's 0-based index of the cell in
    the executed notebook (``None`` when no cell was running), ``exec_count`` its ``In [n]``."""

    notebook: str
    cell_index: int | None
    exec_count: int | None
    ename: str
    evalue: str

    def __str__(self) -> str:
        where = self.notebook
        if self.cell_index is not None:
            where += f", cell index {self.cell_index}"
            if self.exec_count is not None:
                where += f" (In [{self.exec_count}])"
        return f"{where}: {self.ename}: {self.evalue}"


def list_notebooks(folder: str | Path = paths.NOTEBOOKS_DIR) -> list[Path]:
    """The notebooks of a report: ``NN-*.ipynb`` in ``folder``, in name order."""
    return sorted(p for p in Path(folder).glob("*.ipynb") if NOTEBOOK_PATTERN.match(p.name))


def execute_notebook(
    source: Path,
    target: Path,
    parameters: Mapping[str, Any] | None,
    cwd: Path,
    timeout_s: float | None,
) -> NotebookFailure | None:
    """Run ``source`` with papermill into ``target``; ``None`` when every cell succeeded.

    A cell error, a cell timeout and a dead kernel all come back as a :class:`NotebookFailure`,
    and ``target`` is left marked at the failing cell (papermill does it for errors; for the
    other two, which papermill does not mark, :func:`_mark_failure` does).
    """
    import papermill as pm
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    quiet = _KnownParameters()
    logging.getLogger("papermill").addFilter(quiet)
    try:
        pm.execute_notebook(
            str(source),
            str(target),
            parameters=dict(parameters) if parameters else None,
            kernel_name=KERNEL_NAME,
            cwd=str(cwd),
            execution_timeout=math.ceil(timeout_s) if timeout_s else None,
            progress_bar=False,
            log_output=False,
            extra_arguments=list(_KERNEL_ARGS),
        )
    except pm.PapermillExecutionError as exc:
        return NotebookFailure(
            source.name, exc.cell_index, exc.exec_count, exc.ename, str(exc.evalue)
        )
    except CellTimeoutError:
        why = f"a cell ran longer than the per-cell timeout of {timeout_s:g} s"
        return _mark_failure(target, source.name, "CellTimeoutError", why)
    except DeadKernelError:
        why = "the kernel died (out of memory, a crash in compiled code, or os._exit)"
        return _mark_failure(target, source.name, "DeadKernelError", why)
    finally:
        logging.getLogger("papermill").removeFilter(quiet)
    return None


def _mark_failure(target: Path, notebook: str, ename: str, evalue: str) -> NotebookFailure:
    """Mark the cell that was running as failed, the way papermill marks a cell error."""
    import nbformat
    from papermill.execute import ERROR_ANCHOR_MSG, ERROR_MARKER_TAG, ERROR_MESSAGE_TEMPLATE

    if not target.exists():
        return NotebookFailure(notebook, None, None, ename, evalue)
    nb = nbformat.read(target, as_version=4)
    started = [
        i
        for i, cell in enumerate(nb.cells)
        if cell.get("metadata", {}).get("papermill", {}).get("start_time")
    ]
    if not started:
        return NotebookFailure(notebook, None, None, ename, evalue)
    index = started[-1]
    cell = nb.cells[index]
    cell.metadata.papermill["exception"] = True
    cell.metadata.papermill["status"] = "failed"
    nb.metadata.setdefault("papermill", {})["exception"] = True
    if cell.cell_type == "code":
        cell.outputs.append(
            nbformat.v4.new_output(
                "error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"]
            )
        )
    count = cell.get("execution_count")
    banner = nbformat.v4.new_markdown_cell(ERROR_MESSAGE_TEMPLATE % str(count))
    anchor = nbformat.v4.new_markdown_cell(ERROR_ANCHOR_MSG)
    banner.metadata["tags"] = [ERROR_MARKER_TAG]
    anchor.metadata["tags"] = [ERROR_MARKER_TAG]
    nb.cells.insert(index, anchor)
    nb.cells.insert(0, banner)
    nbformat.write(nb, target)
    return NotebookFailure(notebook, index, count, ename, evalue)


def check_kernel() -> None:
    """Make sure kernel ``python3`` runs this interpreter (where pmo_opt is installed).

    jupyter_client starts ``sys.executable`` for a kernelspec whose command is plain
    ``python``/``python3``; a user-level kernelspec of the same name pointing elsewhere would
    silently run the notebooks in another environment, so it is refused with the fix.
    """
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    except NoSuchKernel:
        raise PmoError(
            f"no Jupyter kernel named {KERNEL_NAME!r}; install it into this environment with "
            f"`{sys.executable} -m ipykernel install --sys-prefix`"
        ) from None
    command = spec.argv[0] if spec.argv else ""
    bare = {"python", f"python{sys.version_info[0]}", "python{}.{}".format(*sys.version_info)}
    if command in bare or Path(command).resolve() == Path(sys.executable).resolve():
        return
    raise PmoError(
        f"Jupyter kernel {KERNEL_NAME!r} ({spec.resource_dir}) runs {command}, not this "
        f"environment's {sys.executable}; remove that kernelspec or run "
        f"`{sys.executable} -m ipykernel install --sys-prefix`"
    )


def strip_volatile(nb) -> None:
    """Drop run metadata (papermill's and nbclient's timings) so that a refresh diffs cleanly."""
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)


def refresh_notebooks(folder: str | Path = paths.NOTEBOOKS_DIR, timeout_s: float = 600) -> int:
    """Re-execute every ``NN-*.ipynb`` in ``folder`` in place with its default parameters.

    Each notebook runs from ``folder`` (as in JupyterLab) into a hidden temporary file that
    replaces the original only when every cell succeeded; a failing notebook is left as it
    was. Returns 0 when all succeeded, 1 otherwise.
    """
    import nbformat

    folder = Path(folder)
    sources = list_notebooks(folder)
    if not sources:
        print(f"no NN-name.ipynb notebooks in {folder}", file=sys.stderr)
        return 1
    check_kernel()
    failed = 0
    for source in sources:
        temporary = source.with_name(f".{source.stem}.refresh.ipynb")
        try:
            failure = execute_notebook(source, temporary, None, folder, timeout_s)
            if failure is None:
                nb = nbformat.read(temporary, as_version=4)
                strip_volatile(nb)
                nbformat.write(nb, temporary)
                os.replace(temporary, source)
                print(f"refreshed {source.name}")
            else:
                failed += 1
                print(f"FAILED {failure}; {source.name} left unchanged", file=sys.stderr)
        finally:
            temporary.unlink(missing_ok=True)
    return 1 if failed else 0
