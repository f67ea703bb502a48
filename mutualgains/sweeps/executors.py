"""Where a sweep runs: in this process, on a local process pool, or on a Dask cluster.

Every runner takes batches of scenarios (:func:`~mutualgains.sweeps.worker.run_batch`
does the work) and hands back, as they finish, either the batch's rows,
:class:`Died` (the worker process died while running it) or :class:`Failed`
(the batch could not run at all). The sweep loop (:mod:`mutualgains.sweeps.run`)
is the same for all three.

- :class:`SequentialRunner`: one batch at a time, here.
- :class:`PoolRunner`: a :class:`concurrent.futures.ProcessPoolExecutor` whose
  workers fork from a clean ``forkserver`` process that has mutualgains loaded
  (``spawn`` where there is no forkserver): never a fork of the calling process,
  whose solver state a child would inherit.
  A worker that dies breaks the whole pool; the runner makes a new one, and the
  loop reruns the batches that were in flight one scenario at a time, alone,
  so that a death is blamed on the scenario that caused it.
- :class:`DaskRunner`: a ``dask.distributed`` client: of a ``LocalCluster`` it
  starts (``workers`` processes of one thread each), or connected to a running
  scheduler by address, or given. The case is scattered to the workers once.
  When a worker dies, the scheduler reruns its tasks elsewhere (up to
  ``distributed.scheduler.allowed-failures`` times, then ``KilledWorker``: the
  loop then reruns a batch's scenarios one by one, and records a scenario that
  still kills its worker as failed).

``dask.distributed`` is imported only by :class:`DaskRunner`
(``pip install "mutualgains[distributed]"``).

Examples
--------
>>> from mutualgains.io.examples import load_example
>>> from mutualgains.sweeps.worker import case_payload
>>> runner = SequentialRunner(case_payload(load_example("harbour")), "solve", {}, 0)
>>> handle = runner.submit([(0, "0", {})])
>>> [(h == handle, rows[0]["status"]) for h, rows in runner.wait()]
[(True, 'optimal')]
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import os
from collections.abc import Callable, Hashable, Mapping
from concurrent.futures import FIRST_COMPLETED, Executor, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from mutualgains.errors import UsageError
from mutualgains.params import Constraint
from mutualgains.sweeps.worker import Batch, run_batch

__all__ = ["EXECUTOR", "EXECUTORS", "DaskRunner", "Died", "ExecutorArg", "Failed", "PoolRunner",
           "SequentialRunner", "distributed_module"]

EXECUTORS: tuple[str, ...] = ("sequential", "processes", "dask")
"""Names accepted by ``sweep(..., executor=...)``."""


@dataclass(frozen=True)
class ExecutorArg(Constraint):
    """``executor=``: None (decided by ``workers``/``scheduler``), one of :data:`EXECUTORS`, a
    :class:`concurrent.futures.Executor`, or a ``dask.distributed`` Client.

    Examples
    --------
    >>> EXECUTOR.accepts(None), EXECUTOR.accepts("dask"), EXECUTOR.accepts("threads")
    (True, True, False)
    """

    def accepts(self, value: Any) -> bool:
        return (value is None or (isinstance(value, str) and value in EXECUTORS)
                or isinstance(value, Executor)
                or (hasattr(value, "scheduler_info") and hasattr(value, "scatter")))

    def describe(self) -> str:
        return (f"None, one of {', '.join(repr(e) for e in EXECUTORS)}, a "
                "concurrent.futures executor or a distributed Client")


EXECUTOR = ExecutorArg()
"""The ``executor=`` argument of :func:`~mutualgains.sweeps.sweep` and its relatives."""

EXTRA = 'pip install "mutualgains[distributed]"'


@dataclass(frozen=True)
class Died:
    """The worker process died while running the batch.

    Examples
    --------
    >>> Died("killed").message
    'killed'
    """

    message: str


@dataclass(frozen=True)
class Failed:
    """The batch could not run (not a scenario's own failure: those are rows).

    Examples
    --------
    >>> Failed("lost").message
    'lost'
    """

    message: str


def distributed_module() -> ModuleType:
    """The ``distributed`` package, or a UsageError naming the extra that installs it.

    Examples
    --------
    >>> distributed_module().__name__
    'distributed'
    """
    try:
        import distributed
    except ImportError:
        raise UsageError(f"running on Dask needs dask.distributed: {EXTRA}") from None
    return distributed


class SequentialRunner:
    """Runs each batch when it is submitted, in this process.

    Attributes
    ----------
    name, workers, capacity, isolates : the runner's description (see the module notes).
    """

    name = "sequential"
    isolates = False

    def __init__(self, payload: tuple, task: str | Callable, options: Mapping[str, Any],
                 seed: int):
        self.args = (payload, task, options, seed)
        self.workers = self.capacity = 1
        self._done: list[tuple[Hashable, Any]] = []
        self._count = itertools.count()

    def submit(self, batch: Batch) -> Hashable:
        payload, task, options, seed = self.args
        handle = next(self._count)
        self._done.append((handle, run_batch(payload, batch, task, options, seed)))
        return handle

    def wait(self) -> list[tuple[Hashable, Any]]:
        done, self._done = self._done, []
        return done

    def close(self, cancel: bool = False) -> None:
        """Nothing to release."""


def _context() -> multiprocessing.context.BaseContext:
    """``forkserver`` where there is one (a clean server process with mutualgains loaded,
    from which workers fork quickly), else ``spawn``; never a fork of this process, whose
    solver threads a child would inherit broken."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["mutualgains.sweeps.worker"])
        return context
    return multiprocessing.get_context("spawn")


class PoolRunner:
    """A local process pool of ``workers`` spawned processes (or a given executor).

    A pool it made is rebuilt when a worker dies (see the module notes); a given
    executor cannot be, and the batches it loses are reported :class:`Failed`.
    """

    isolates = True

    def __init__(self, payload: tuple, task: str | Callable, options: Mapping[str, Any],
                 seed: int, *, workers: int | None = None, executor: Executor | None = None):
        self.args = (payload, task, options, seed)
        self.own = executor is None
        self.workers = workers or getattr(executor, "_max_workers", None) or os.cpu_count() or 1
        self.name = "processes" if self.own else type(executor).__name__
        self.capacity = 4 * self.workers
        self.pool: Executor = self._pool() if executor is None else executor
        self.inflight: set = set()

    def _pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=_context())

    def submit(self, batch: Batch) -> Hashable:
        payload, task, options, seed = self.args
        future = self.pool.submit(run_batch, payload, list(batch), task, options, seed)
        self.inflight.add(future)
        return future

    def wait(self) -> list[tuple[Hashable, Any]]:
        done, _ = wait(self.inflight, return_when=FIRST_COMPLETED)
        out: list[tuple[Hashable, Any]] = []
        broken = False
        for future in done:
            self.inflight.discard(future)
            try:
                out.append((future, future.result()))
            except BrokenProcessPool as err:
                broken = True
                out.append((future, Died(f"{type(err).__name__}: {err}") if self.own
                            else Failed(f"the pool broke: {err}")))
            except Exception as err:  # e.g. a task that cannot be pickled
                out.append((future, Failed(f"{type(err).__name__}: {err}")))
        if broken and self.own:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = self._pool()
        return out

    def close(self, cancel: bool = False) -> None:
        """Shut a pool it made down (cancelling what waits, when asked)."""
        if self.own:
            self.pool.shutdown(wait=not cancel, cancel_futures=cancel)


class DaskRunner:
    """A ``dask.distributed`` client: a LocalCluster of ``workers`` processes, a running
    scheduler at ``scheduler``, or the given ``client`` (see the module notes)."""

    isolates = False

    def __init__(self, payload: tuple, task: str | Callable, options: Mapping[str, Any],
                 seed: int, *, workers: int | None = None, scheduler: str | None = None,
                 client: Any = None):
        distributed = distributed_module()
        self.cluster = None
        self.own_client = client is None
        if client is None and scheduler is not None:
            try:
                client = distributed.Client(scheduler, timeout="30s")
            except (OSError, TimeoutError) as err:
                raise UsageError(f"scheduler: cannot connect to {scheduler!r}: {err}") from None
        elif client is None:
            self.cluster = distributed.LocalCluster(
                n_workers=workers or os.cpu_count() or 1, threads_per_worker=1,
                processes=True, dashboard_address=None, silence_logs=logging.ERROR)
            client = distributed.Client(self.cluster)
        self.client = client
        self.name = "dask" if scheduler is None else f"dask {scheduler}"
        self.workers = max(1, sum(w.get("nthreads", 1) for w in
                                  client.scheduler_info()["workers"].values()))
        # the scheduler keeps workers busy only with tasks queued ahead: many in flight
        self.capacity = 64 * self.workers
        self.payload = client.scatter(payload, broadcast=True, hash=False)
        self.args = (task, options, seed)
        self.inflight: set = set()
        # results are fetched in the background as tasks finish (no round trip per result)
        self.completed = distributed.as_completed(with_results=True, raise_errors=False)

    def submit(self, batch: Batch) -> Hashable:
        task, options, seed = self.args
        future = self.client.submit(run_batch, self.payload, list(batch), task, options, seed,
                                    pure=False)
        self.inflight.add(future)
        self.completed.add(future)
        return future

    def wait(self) -> list[tuple[Hashable, Any]]:
        distributed = distributed_module()
        out = []
        for future, value in self.completed.next_batch(block=True):
            self.inflight.discard(future)
            if future.status == "finished" and not isinstance(value, BaseException):
                out.append((future, value))
            elif isinstance(value, distributed.KilledWorker):
                out.append((future, Died(f"KilledWorker: {value}")))
            else:
                out.append((future, Failed(f"{type(value).__name__}: {value}"
                                           if isinstance(value, BaseException)
                                           else f"the task was {future.status}")))
            future.release()
        return out

    def close(self, cancel: bool = False) -> None:
        """Cancel what is in flight (when asked); close a client and a cluster it made."""
        if cancel and self.inflight:
            self.client.cancel(list(self.inflight))
        if self.own_client:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()
