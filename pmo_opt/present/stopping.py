"""Stopping a report run: SIGTERM ends it like Ctrl-C (the run's folder ends in ``-FAILED``
with its manifest and the notebooks that ran), and no child process (kernel, worker) outlives
the command."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading


class Interrupted(KeyboardInterrupt):
    """SIGTERM (or SIGINT) during a report run; the run's folder ends in ``-FAILED``."""


STOPPED: list[int] = []  # the signal that stopped this process's run, once one has


def _raise_interrupted(signum: int, frame: object) -> None:
    STOPPED.append(signum)
    # the process is stopping: nbclient would log the kernel's end ("Kernel died", "Task
    # exception was never retrieved") around the one line that says why
    logging.disable(logging.CRITICAL)
    raise Interrupted(f"stopped by {signal.Signals(signum).name}")


def _descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (Linux /proc; elsewhere psutil when installed, else none)."""
    children: dict[int, list[int]] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        try:
            import psutil
        except ImportError:
            return []
        return [c.pid for c in psutil.Process(pid).children(recursive=True)]
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def end_children(grace_s: float = 5.0) -> None:
    """Terminate this process's descendants (kernels, workers), then kill what is left."""
    import time
    from multiprocessing import resource_tracker

    # multiprocessing's resource tracker ends by itself with this process, and cleans up after it
    tracker = getattr(getattr(resource_tracker, "_resource_tracker", None), "_pid", None)
    pids = [p for p in _descendants(os.getpid()) if p != tracker]
    for pid in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while pids and time.monotonic() < deadline:
        pids = [p for p in pids if _alive(p)]
        time.sleep(0.1)
    for pid in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)  # reap our own children
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8", errors="replace") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@contextlib.contextmanager
def stoppable():
    """SIGTERM raises :class:`Interrupted` here (as Ctrl-C raises KeyboardInterrupt), so the run
    in progress is renamed ``-FAILED`` with its manifest; on either, every child process is
    ended before the exception goes on."""
    main = threading.current_thread() is threading.main_thread()
    signals = (signal.SIGTERM, signal.SIGINT)
    previous = [signal.signal(s, _raise_interrupted) for s in signals] if main else []
    try:
        yield
    except KeyboardInterrupt:
        end_children()
        raise
    finally:
        for s, handler in zip(signals, previous, strict=False):
            signal.signal(s, handler)
