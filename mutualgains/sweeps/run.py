"""sweep(): run a task over many what-if scenarios of a case, here, on a local pool or on
a Dask cluster, with the same code and the same results (see :mod:`mutualgains.sweeps`)."""

from __future__ import annotations

import html
import math
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sized
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mutualgains.errors import UsageError
from mutualgains.model import Case
from mutualgains.model.arguments import CASE
from mutualgains.params import (
    PROGRESS,
    AnyOf,
    FilePath,
    Function,
    Instance,
    Integer,
    Maybe,
    Stream,
    Text,
    validated,
)
from mutualgains.progress import track
from mutualgains.status import Status
from mutualgains.sweeps.executors import (
    EXECUTOR,
    EXECUTORS,
    DaskRunner,
    Died,
    Failed,
    PoolRunner,
    SequentialRunner,
)
from mutualgains.sweeps.store import META_COLUMNS, open_store, tidy_frame
from mutualgains.sweeps.tasks import resolve_task, task_name
from mutualgains.sweeps.worker import Batch, case_payload, scenario_seed

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["SweepResult", "sweep"]

_MAX_DEATHS = 2  # on a local pool: a scenario whose worker died this often, alone, failed


@dataclass(frozen=True, eq=False)
class SweepResult:
    """The result of :func:`sweep`.

    Attributes
    ----------
    status : Status
        ``complete`` (every scenario has its rows) or ``limit`` (stopped at ``limit``).
    frame : pandas.DataFrame
        One row per scenario and task row, sorted by scenario position: the
        columns of :data:`~mutualgains.sweeps.store.META_COLUMNS` (``scenario``,
        ``position``, ``row``, ``ok``, ``error``, ``seed``, ``seconds``), then
        tags and the task's values. With ``out=`` it holds every stored row,
        from earlier runs too.
    scenarios : int
        Scenarios seen.
    run, resumed, failed : int
        Run now, found done in ``out`` (not run again), and failed (``ok`` false).
    executor : str
    workers : int
    seconds : float

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> result = sweep(load_example("harbour"), [{"batnas": {"Port": b}} for b in (50, 70)])
    >>> result
    <SweepResult complete: 2 scenarios (2 run, 0 resumed, 0 failed), sequential>
    >>> result.frame[["scenario", "status", "objective_value"]]
      scenario   status  objective_value
    0        0  optimal              126
    1        1  optimal               71
    """

    status: Status
    frame: Any
    scenarios: int
    run: int
    resumed: int
    failed: int
    executor: str
    workers: int
    seconds: float
    task: str
    seed: int
    out: str | None = None

    @property
    def failures(self) -> pd.DataFrame:
        """The rows of the scenarios that failed, with their errors.

        Examples
        --------
        >>> from mutualgains.io.examples import load_example
        >>> sweep(load_example("harbour"), [{"fix": {"loan": "lots"}}]).failures["error"][0]
        "CaseError: fix.loan: unknown option (options: 3 billion, ..., none) (got 'lots')"
        """
        if self.frame.empty:
            return self.frame
        return self.frame[~self.frame["ok"].astype(bool)].reset_index(drop=True)

    def to_frame(self) -> pd.DataFrame:
        """A copy of :attr:`frame`.

        Examples
        --------
        >>> from mutualgains.io.examples import load_example
        >>> sweep(load_example("harbour"), [{}]).to_frame().columns[:7].tolist()
        ['scenario', 'position', 'row', 'ok', 'error', 'seed', 'seconds']
        """
        return self.frame.copy()

    def to_dict(self) -> dict[str, Any]:
        """The summary (not the rows) as plain data.

        Examples
        --------
        >>> from mutualgains.io.examples import load_example
        >>> sweep(load_example("harbour"), [{}]).to_dict()["status"]
        'complete'
        """
        return {"status": self.status.value, "scenarios": self.scenarios, "run": self.run,
                "resumed": self.resumed, "failed": self.failed, "executor": self.executor,
                "workers": self.workers, "seconds": self.seconds, "task": self.task,
                "seed": self.seed, "out": self.out}

    def __repr__(self) -> str:
        return (f"<SweepResult {self.status.value}: {self.scenarios} scenarios ({self.run} "
                f"run, {self.resumed} resumed, {self.failed} failed), {self.executor}>")

    def _repr_html_(self) -> str:
        from mutualgains.display import html_table

        head = self.frame.head(20)
        return (f"<div><p><b>{html.escape(repr(self)[1:-1])}</b></p>"
                + html_table([str(c) for c in head.columns], head.values.tolist()) + "</div>")


# --------------------------------------------------------------- scenarios


def _ids(scenarios: Iterable[Any]) -> Iterator[tuple[int, str, Any, str | None]]:
    """``(position, id, scenario, problem)``: ids as text; a bad or repeated id is a problem."""
    seen: dict[str, int] = {}
    for position, scenario in enumerate(scenarios):
        raw = scenario.get("id", position) if isinstance(scenario, Mapping) else position
        problem = None
        if isinstance(raw, bool) or not isinstance(raw, str | int) or (
                isinstance(raw, str) and not raw.strip()):
            problem = f"UsageError: id must be text or a whole number, got {raw!r}"
            raw = f"#{position}"
        sid = str(raw)
        if sid in seen:
            problem = f"UsageError: duplicate scenario id {sid!r} (first at position {seen[sid]})"
            sid = f"{sid}#{position}"
        seen.setdefault(sid, position)
        yield position, sid, scenario, problem


def _error_row(position: int, sid: str, message: str, seed: int) -> dict[str, Any]:
    task_seq = scenario_seed(seed, sid).spawn(2)[1]
    return {"scenario": sid, "position": position, "row": 0, "ok": False, "error": message,
            "seed": int(task_seq.generate_state(1)[0]), "seconds": math.nan}


def _batch_size(requested: int | None, runner: Any, total: int | None) -> int:
    """Scenarios per task: from the counts only (it never changes the results)."""
    if requested is not None:
        return requested
    if isinstance(runner, SequentialRunner):
        return 1
    if total is None:
        return 8
    return max(1, min(64, total // (16 * runner.workers)))


# --------------------------------------------------------------------- sweep


def _runner(executor: Any, workers: int | None, scheduler: str | None, args: tuple
            ) -> SequentialRunner | PoolRunner | DaskRunner:
    if executor is None:
        executor = "dask" if scheduler is not None or workers is not None else "sequential"
    if isinstance(executor, str):
        if executor not in EXECUTORS:
            raise UsageError(f"sweep: executor must be one of {', '.join(EXECUTORS)}, a "
                             f"concurrent.futures executor or a distributed Client, got "
                             f"{executor!r}")
        if executor != "dask" and scheduler is not None:
            raise UsageError(f"sweep: scheduler is for executor='dask', not {executor!r}")
        if executor == "sequential":
            if workers not in (None, 1):
                raise UsageError("sweep: workers is for the processes and dask executors")
            return SequentialRunner(*args)
        if executor == "processes":
            return PoolRunner(*args, workers=workers)
        return DaskRunner(*args, workers=workers, scheduler=scheduler)
    if hasattr(executor, "scheduler_info") and hasattr(executor, "scatter"):
        return DaskRunner(*args, client=executor)
    if isinstance(executor, Executor):
        return PoolRunner(*args, executor=executor)
    raise UsageError(f"sweep: executor must be one of {', '.join(EXECUTORS)}, a "
                     f"concurrent.futures executor or a distributed Client, got a "
                     f"{type(executor).__name__}")


@validated(case=CASE, scenarios=Stream(), task=AnyOf((Text(), Function())), executor=EXECUTOR,
           workers=Maybe(Integer(low=1)), scheduler=Maybe(Text()), out=Maybe(FilePath()),
           options=Maybe(Instance(Mapping, label="a mapping of task options")),
           seed=Integer(low=0), limit=Maybe(Integer(low=0)), batch_size=Maybe(Integer(low=1)),
           progress=PROGRESS)
def sweep(case: Case, scenarios: Iterable[Mapping[str, Any]], task: str | Callable = "solve",
          executor: Any = None, *, workers: int | None = None, scheduler: str | None = None,
          options: Mapping[str, Any] | None = None, seed: int = 0, out: Any = None,
          progress: bool | Callable[[int, int | None], None] | None = None,
          limit: int | None = None, batch_size: int | None = None) -> SweepResult:
    """Run ``task`` on every scenario of ``case`` (see :mod:`mutualgains.sweeps`).

    Parameters
    ----------
    case : Case
        The base case.
    scenarios : iterable of mappings
        Changes each (:mod:`mutualgains.sweeps.scenarios`): a list, or a generator
        (read lazily: a few batches ahead of the workers).
    task : str or callable, default "solve"
        A name in :data:`~mutualgains.sweeps.tasks.TASKS`, or a function
        ``task(case, **options)`` returning a mapping or a list of mappings
        (``seed=`` is passed when it names that parameter). To run on processes
        it must be importable (a module-level function); Dask also takes closures.
    executor : None, "sequential", "processes", "dask", a concurrent.futures executor, or a
        distributed Client
        ``None``: ``dask`` when ``workers`` or ``scheduler`` is given, else sequential.
    workers : int, optional
        Processes of a local pool, or of the ``LocalCluster`` started for ``dask``
        (default: the machine's cores).
    scheduler : str, optional
        The address of a running Dask scheduler (``tcp://host:8786``): the same call
        runs on its cluster (whose workers need mutualgains installed).
    options : mapping, optional
        Keyword arguments of the task (a scenario's ``options`` add to them).
    seed : int, default 0
        The master seed: each scenario's seed comes from it and the scenario's id
        (:func:`~mutualgains.sweeps.worker.scenario_seed`), so results do not depend on
        the executor, the workers or the order.
    out : str or path, optional
        ``.parquet`` (a folder of parts) or ``.csv``: rows are appended as they arrive
        and a later call with the same arguments resumes, running only the scenarios
        whose ids are not in it (:mod:`mutualgains.sweeps.store`).
    progress : bool or callable, optional
        A callable gets ``(scenarios done, total or None)`` after each scenario;
        ``True`` shows a bar (tqdm); ``None`` shows one on an interactive terminal for
        a sweep of 100 or more scenarios; ``False`` nothing.
    limit : int, optional
        Run at most this many scenarios now (status ``limit`` if more remain).
    batch_size : int, optional
        Scenarios per task sent to a worker (default from the counts: 1 here, up to
        64 on workers); it changes the overhead, never the results.

    Returns
    -------
    SweepResult

    Notes
    -----
    Process pools and LocalClusters start new Python processes: in a script, call
    ``sweep`` under ``if __name__ == "__main__":`` (Python's rule for spawned
    processes). Workers of a remote scheduler need mutualgains installed.

    Raises
    ------
    UsageError
        Bad arguments, an ``out`` that holds another sweep, a missing extra. A
        scenario that fails never raises: it is a row with ``ok`` false and its
        error. ``KeyboardInterrupt`` (also from ``progress``) stops the sweep after
        storing what is done.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> from mutualgains.sweeps import grid_scenarios
    >>> case = load_example("harbour")
    >>> result = sweep(case, grid_scenarios({"batnas": {"Port": [50, 58, 62]}}), "solve",
    ...                options={"objective": "nash"})
    >>> result.frame[["scenario", "status", "gain Port"]]
             scenario   status  gain Port
    0  batnas.Port=50  optimal         11
    1  batnas.Port=58  optimal          3
    2  batnas.Port=62  optimal          6
    """
    started = time.perf_counter()
    resolve_task(task)
    options = dict(options or {})
    total = len(scenarios) if isinstance(scenarios, Sized) else None
    if isinstance(scenarios, Mapping | str):
        raise UsageError("sweep: scenarios must be a list (or generator) of mappings")
    items: Iterable[tuple[int, str, Any, str | None]] = _ids(scenarios)
    if total is not None:  # a list: bad ids are refused before any work
        items = list(items)
        for _, _, _, problem in items:
            if problem is not None:
                raise UsageError(f"sweep: scenarios: {problem.removeprefix('UsageError: ')}")
    payload = case_payload(case)
    meta = {"task": task_name(task), "seed": seed, "case": payload[0],
            "options": repr(sorted(options.items()))}
    store = None if out is None else open_store(out, meta)
    done_before = set() if store is None else set(store.done)
    rows: list[dict[str, Any]] = []
    counts = {"run": 0, "resumed": 0, "seen": 0}
    runner = _runner(executor, workers, scheduler, (payload, task, options, seed))
    size = _batch_size(batch_size, runner, total)
    progress_bar = None
    finished = False
    try:
        if progress is None:  # automatic: a bar (on a terminal) for long sweeps
            progress = total is None or total >= 100
        progress_bar = track(progress, "sweep", total=total, unit="scenario")

        def record(batch_rows: list[dict[str, Any]]) -> None:
            if store is not None:
                store.append(batch_rows)
            else:
                rows.extend(batch_rows)
            progress_bar.advance(len({r["scenario"] for r in batch_rows}))

        def batches() -> Iterator[Batch]:
            batch: list = []
            for position, sid, scenario, problem in items:
                counts["seen"] += 1
                if sid in done_before:
                    counts["resumed"] += 1
                    progress_bar.advance()
                    continue
                if limit is not None and counts["run"] >= limit:
                    counts["seen"] -= 1
                    break
                counts["run"] += 1
                if problem is not None:
                    record([_error_row(position, sid, problem, seed)])
                    continue
                batch.append((position, sid, scenario))
                if len(batch) >= size:
                    yield batch
                    batch = []
            if batch:
                yield batch

        _drive(runner, batches(), record, seed)
        finished = True
    finally:
        runner.close(cancel=not finished)
        if store is not None:
            store.close()
        if progress_bar is not None:
            progress_bar.close()
    more = limit is not None and counts["run"] >= limit and _has_more(items, counts, total)
    frame = store.read() if store is not None else tidy_frame(_frame(rows))
    failed = 0 if frame.empty else int((~frame.drop_duplicates("scenario")["ok"].astype(bool)
                                        ).sum())
    return SweepResult(status=Status.LIMIT if more else Status.COMPLETE, frame=frame,
                       scenarios=counts["seen"], run=counts["run"], resumed=counts["resumed"],
                       failed=failed, executor=runner.name, workers=runner.workers,
                       seconds=time.perf_counter() - started, task=task_name(task), seed=seed,
                       out=None if out is None else str(out))


def _has_more(items: Any, counts: dict[str, int], total: int | None) -> bool:
    if total is not None:
        return counts["seen"] < total
    return next(iter(items), None) is not None


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(rows) if rows else pd.DataFrame(columns=list(META_COLUMNS))


def _drive(runner: Any, batches: Iterator[Batch], record: Callable[[list], None],
           seed: int) -> None:
    """Keep the runner busy until every batch has its rows (the same loop for every runner).

    A batch whose worker died is rerun one scenario at a time; on a local pool,
    alone (``isolation``), so that the death is the scenario's own: a scenario that
    dies ``_MAX_DEATHS`` times alone (once with ``KilledWorker`` from Dask, which has
    retried it already) is recorded as failed.
    """
    retry: deque[Batch] = deque()
    inflight: dict[Any, Batch] = {}
    deaths: Counter[str] = Counter()
    isolation = False
    exhausted = False
    while True:
        capacity = 1 if isolation else runner.capacity
        while len(inflight) < capacity:
            if retry:
                batch = retry.popleft()
            elif isolation or exhausted:
                break
            else:
                fresh = next(batches, None)
                if fresh is None:
                    exhausted = True
                    break
                batch = fresh
            inflight[runner.submit(batch)] = batch
        if not inflight:
            if retry:
                continue
            return
        for handle, outcome in runner.wait():
            batch = inflight.pop(handle)
            if isinstance(outcome, Died):
                if len(batch) > 1:
                    retry.extend([item] for item in batch)
                else:
                    position, sid, _ = batch[0]
                    if isolation or not runner.isolates:
                        deaths[sid] += 1
                    if deaths[sid] >= (_MAX_DEATHS if runner.isolates else 1):
                        record([_error_row(position, sid, "WorkerDied: the worker process "
                                           f"died while running this scenario "
                                           f"({outcome.message})", seed)])
                    else:
                        retry.append(batch)
                isolation = isolation or runner.isolates
            elif isinstance(outcome, Failed):
                record([_error_row(p, s, f"Failed: {outcome.message}", seed)
                        for p, s, _ in batch])
            else:
                record(outcome)
        if isolation and not retry and not inflight:
            isolation = False
