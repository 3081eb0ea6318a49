"""Sweeps: many independent solves (frontier points, Monte Carlo draws, scenarios, why-not
questions) run on local processes or on a Dask cluster, through one code path.

:func:`executor` opens a :class:`concurrent.futures.Executor`: a pool of fresh local processes by
default, or, given a Dask scheduler address (``tcp://10.0.0.5:8786``), the executor of a
``distributed.Client`` connected to it. :func:`map_ordered` runs one top-level (picklable)
function over a list of tasks on it and returns the results in task order. The callers build
the same tasks either way, and every task solves with one solver thread (:func:`for_sweep`), so
a sweep gives the same results on a laptop's cores and on a cluster, whatever the number of
workers. A solve stopped at its time limit depends on the machine's speed; its ``status`` says
so (``feasible`` with a ``gap``), and only proven optima are guaranteed to repeat exactly.

Local processes are always fresh interpreters (forkserver, else spawn), even for one worker:
HiGHS sizes its thread pool once per process (see :func:`pmo_opt.engine.solve._highs_threads`), so a
process that has solved with all cores cannot solve with one thread afterwards.

On a cluster, every worker needs the same ``pmo_opt`` (and solver) version installed; start
workers with one thread each (``dask worker tcp://HOST:8786 --nthreads 1``) so that solves do
not share a process. ``distributed`` is imported only when a scheduler is given.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing as mp
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from pmo_opt.errors import InputError, Problem
from pmo_opt.inputs.scenario import SCHEDULER_SCHEMES, scheduler_problem  # noqa: F401

if TYPE_CHECKING:
    from pmo_opt.engine.plan import Plan
    from pmo_opt.inputs.portfolio import Portfolio
    from pmo_opt.inputs.scenario import Scenario

#: the address prefixes a Dask scheduler can have
#: seconds to wait for a scheduler to answer (and for it to have a worker) before giving up
CONNECT_TIMEOUT_S = 10.0

T = TypeVar("T")
R = TypeVar("R")


def check_scheduler(address: str | None) -> str | None:
    """``address`` stripped (``None`` when empty), or an InputError saying how to write it."""
    address = (address or "").strip()
    if not address:
        return None
    problem = scheduler_problem(address)
    if problem is not None:
        raise InputError([Problem("sweep", None, "scheduler", problem)])
    return address


def for_sweep(scenario: Scenario) -> Scenario:
    """The scenario a sweep's tasks solve: one solver thread and no scheduler setting.

    One thread per solve makes a result independent of the cores of the machine that ran it;
    the scheduler is where a solve runs, never part of what it solves.
    """
    return scenario.replace(threads=1, scheduler=None)


def process_pool(workers: int) -> cf.ProcessPoolExecutor:
    """A pool of fresh interpreters (forkserver, else spawn), never forked from this one.

    HiGHS sizes its thread pool once per process: a forked child inherits that pool without its
    threads, and a process cannot switch to ``threads=1`` after a solve with another setting.
    """
    method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
    return cf.ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context(method))


def local_workers(workers: int | None = None, tasks: int | None = None) -> int:
    """How many local processes: ``workers`` (``None`` = all cores), at most one per task."""
    n = int(workers or os.cpu_count() or 1)
    if tasks is not None:
        n = min(n, int(tasks))
    return max(1, n)


def _connect(address: str, timeout_s: float) -> Any:
    """A ``distributed.Client`` on ``address`` with at least one worker, or an InputError."""
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover - a dependency of pmo-opt
        raise InputError(
            [
                Problem(
                    "sweep",
                    None,
                    "scheduler",
                    "running on a Dask cluster needs dask.distributed: "
                    "pip install 'dask[distributed]'",
                )
            ]
        ) from None
    try:
        client = Client(address, timeout=timeout_s, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(
            [
                Problem(
                    "sweep",
                    None,
                    "scheduler",
                    f"no Dask scheduler answers at {address} within {timeout_s:g} s ({exc}). "
                    f"Start one there with `dask scheduler` and workers with "
                    f"`dask worker {address} --nthreads 1`, or drop the scheduler setting "
                    "to run on local processes",
                )
            ]
        ) from None
    try:
        client.wait_for_workers(1, timeout=timeout_s)
    except (OSError, TimeoutError) as exc:
        client.close()
        raise InputError(
            [
                Problem(
                    "sweep",
                    None,
                    "scheduler",
                    f"the Dask scheduler at {address} has no worker after {timeout_s:g} s "
                    f"({exc}). Start workers with `dask worker {address} --nthreads 1`, or drop "
                    "the scheduler setting to run on local processes",
                )
            ]
        ) from None
    return client


@contextmanager
def executor(
    workers: int | None = None,
    scheduler: str | None = None,
    *,
    tasks: int | None = None,
    connect_timeout_s: float = CONNECT_TIMEOUT_S,
) -> Iterator[cf.Executor]:
    """An executor for independent solves: local processes, or a Dask cluster.

    Parameters
    ----------
    workers
        Local processes (``None`` = all cores), at most ``tasks``; ignored on a cluster, whose
        workers are set where they are started.
    scheduler
        A Dask scheduler address (``tcp://10.0.0.5:8786``); ``None`` or empty = local processes.
    tasks
        How many tasks will be submitted, when known (no more processes than that).
    connect_timeout_s
        How long to wait for the scheduler to answer and to have a worker.

    Yields
    ------
    concurrent.futures.Executor
        A :func:`process_pool`, or the ``distributed.Client``'s executor (``pure=False``: every
        task runs, none is taken from an earlier run). The client is closed on exit.

    Raises
    ------
    InputError
        The address is malformed, nothing answers there within ``connect_timeout_s``, or the
        scheduler has no worker; the message says how to start one or to drop the setting.
    """
    address = check_scheduler(scheduler)
    if address is None:
        with process_pool(local_workers(workers, tasks)) as pool:
            yield pool
        return
    client = _connect(address, connect_timeout_s)
    pool = client.get_executor(pure=False)
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=False)  # cancel what has not run
        raise
    else:
        pool.shutdown(wait=True)
    finally:
        client.close()


def map_ordered(
    fn: Callable[[T], R],
    tasks: Iterable[T],
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool = False,
    desc: str | None = None,
    pool: cf.Executor | None = None,
) -> list[R]:
    """``[fn(task) for task in tasks]``, run in parallel, in task order.

    Parameters
    ----------
    fn
        A top-level function (picklable by reference), e.g. :func:`solve_task`.
    tasks
        Its arguments, one per call; each is pickled and sent to a worker.
    workers, scheduler
        Where to run (see :func:`executor`); ignored when ``pool`` is given.
    progress, desc
        A progress bar (``tqdm.auto``) that counts finished tasks, with this label.
    pool
        An executor already open (to share one between several steps).

    Returns
    -------
    list
        The results, in the order of ``tasks`` (whatever order they finished in). The first
        task to fail cancels the rest and its exception is raised.
    """
    tasks = list(tasks)
    if not tasks:
        return []
    if pool is None:
        with executor(workers, scheduler, tasks=len(tasks)) as opened:
            return map_ordered(fn, tasks, progress=progress, desc=desc, pool=opened)
    from tqdm.auto import tqdm

    futures = [pool.submit(fn, task) for task in tasks]
    with tqdm(total=len(futures), desc=desc, disable=not progress) as bar:
        try:
            for future in cf.as_completed(futures):
                future.result()  # a failure stops the sweep now, not after every other task
                bar.update()
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    return [future.result() for future in futures]


def solve_task(task: tuple[Portfolio, Scenario]) -> Plan:
    """``optimise(portfolio, scenario)`` for one ``(portfolio, scenario)`` task of a sweep."""
    from pmo_opt.engine.optimise import optimise

    portfolio, scenario = task
    return optimise(portfolio, scenario)
