"""What runs on a worker: a batch of scenarios of one case, each with its own seed.

The case travels as plain data (its case-file form and a digest) and is built
once per worker process; each scenario's seed comes from the master seed and the
scenario's id alone (:func:`scenario_seed`), never from where or when it runs.
A scenario that fails (a change that does not fit the case, a task that raises)
becomes a row with its error; the batch goes on.

Examples
--------
>>> from mutualgains.io.examples import load_example
>>> payload = case_payload(load_example("harbour"))
>>> rows = run_batch(payload, [(0, "base", {}), (1, "bad", {"batnas": {"Nobody": 1}})],
...                  "solve", {}, 0)
>>> [(r["scenario"], r["ok"], r["status"] if r["ok"] else r["error"][:36]) for r in rows]
[('base', True, 'optimal'), ('bad', False, 'CaseError: batnas.Nobody: unknown pa')]
"""

from __future__ import annotations

import hashlib
import json
import numbers
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from mutualgains.errors import CaseError
from mutualgains.model import Case
from mutualgains.model.convert import case_from_dict, case_to_dict
from mutualgains.sweeps.scenarios import scenario_case
from mutualgains.sweeps.tasks import resolve_task, takes_seed

__all__ = ["Batch", "case_payload", "run_batch", "scenario_seed"]

Batch = Sequence[tuple[int, str, Any]]
"""Scenarios to run: ``(position, id, scenario)`` each."""

_CASES: dict[str, Case] = {}  # digest -> the case, built once per process


def case_payload(case: Case) -> tuple[str, dict[str, Any]]:
    """The case as ``(digest, plain data)``: what is shipped to workers.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> digest, data = case_payload(load_example("harbour"))
    >>> len(digest), data["name"]
    (64, 'Harbour Sport Park')
    """
    data = case_to_dict(case)
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=repr).encode()).hexdigest()
    _CASES[digest] = case
    return digest, data


def _case(payload: tuple[str, dict[str, Any]]) -> Case:
    digest, data = payload
    case = _CASES.get(digest)
    if case is None:
        case = _CASES[digest] = case_from_dict(data)
    return case


def scenario_seed(seed: int, scenario_id: str) -> np.random.SeedSequence:
    """The seed sequence of one scenario: from the master ``seed`` and the id alone.

    A whole-number id ``k`` gives the ``k``-th child of ``SeedSequence(seed)``
    (``SeedSequence(seed).spawn(n)[k]``); any other id, the child keyed by the
    first 8 bytes of its BLAKE2b hash. Its first child seeds the scenario's draws
    (``sample``), the second the task (``seed=``).

    Examples
    --------
    >>> a = scenario_seed(7, "3").generate_state(1)
    >>> b = np.random.SeedSequence(7).spawn(4)[3].generate_state(1)
    >>> bool((a == b).all())
    True
    """
    text = str(scenario_id)
    if text.isdigit():
        key = int(text)
    else:
        key = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")
    return np.random.SeedSequence(seed, spawn_key=(key,))


def _plain(value: Any) -> Any:
    """A value a Parquet or CSV column can hold: containers as JSON text."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, Mapping | list | tuple):
        return json.dumps(value, default=str, sort_keys=isinstance(value, Mapping))
    return str(value)


def _error(err: BaseException) -> str:
    """``Type: message`` on one line (a CaseError's problems joined by ``;``)."""
    if isinstance(err, CaseError):
        return "CaseError: " + "; ".join(str(p) for p in err.problems)
    return f"{type(err).__name__}: " + "; ".join(
        line.strip() for line in str(err).splitlines() if line.strip())


def run_batch(payload: tuple[str, dict[str, Any]], batch: Batch,
              task: str | Callable[..., Any], options: Mapping[str, Any],
              seed: int) -> list[dict[str, Any]]:
    """Run ``task`` on every scenario of ``batch``; return their rows (see the module notes).

    Every row starts with ``scenario`` (the id, as text), ``position``, ``row`` (the
    task's row number), ``ok``, ``error``, ``seed`` (the task's seed) and
    ``seconds``; then the scenario's tags and the task's values.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> payload = case_payload(load_example("harbour"))
    >>> (row,) = run_batch(payload, [(0, "x", {"tags": {"k": 1}})], "solve", {}, 0)
    >>> list(row)[:9]
    ['scenario', 'position', 'row', 'ok', 'error', 'seed', 'seconds', 'k', 'status']
    """
    base = _case(payload)
    function = resolve_task(task)
    seeded = takes_seed(function)
    out: list[dict[str, Any]] = []
    for position, sid, scenario in batch:
        started = time.perf_counter()
        sample_seq, task_seq = scenario_seed(seed, sid).spawn(2)
        task_seed = int(task_seq.generate_state(1)[0])
        meta = {"scenario": sid, "position": position, "row": 0, "ok": True, "error": None,
                "seed": task_seed, "seconds": 0.0}
        try:
            case, extra, tags = scenario_case(base, scenario, np.random.default_rng(sample_seq))
            kwargs = {**options, **extra}
            if seeded:
                kwargs.setdefault("seed", task_seed)
            result = function(case, **kwargs)
            rows = result if isinstance(result, list) else [result]
            if not all(isinstance(r, Mapping) for r in rows):
                raise TypeError(f"the task returned {type(result).__name__}, not a mapping "
                                "or a list of mappings")
            clash = sorted(set(tags) & set(meta))
            if clash:
                raise ValueError(f"tags: {clash[0]!r} is a column of every row")
            made = [{**meta, "row": k, **{t: _plain(v) for t, v in tags.items()},
                     **{str(c): _plain(v) for c, v in row.items() if c not in meta}}
                    for k, row in enumerate(rows or [{}])]
        except Exception as err:  # a failing scenario is a row, never the end of the sweep
            made = [{**meta, "ok": False, "error": _error(err)}]
        seconds = time.perf_counter() - started
        for row in made:
            row["seconds"] = seconds
        out.extend(made)
    return out
