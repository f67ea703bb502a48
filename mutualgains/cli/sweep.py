"""``mutualgains sweep SCENARIOS_FILE``: a task over the scenarios of a file, here or on
workers.

The file (YAML or JSON) names the case and lists the what-ifs; see
:func:`mutualgains.sweeps.read_scenarios` and :mod:`mutualgains.sweeps.scenarios`::

    case: harbour                  # a case file (relative to this file) or an example
    task: solve                    # solve, frontier, phase, acceptance, radius, robust
    options: {objective: nash}     # the task's keywords
    seed: 1
    scenarios:
      - {id: base}
      - {id: port-60, batnas: {Port: 60}}
      - {id: no-loan, fix: {loan: none}}
    grid: {batnas: {City: [25, 30, 35]}}    # every combination, after the list
    samples: 100                   # scenarios with the uncertain numbers drawn

``--workers N`` starts a Dask ``LocalCluster`` of N processes, ``--scheduler ADDRESS``
uses a running one, ``--executor processes`` a local process pool. ``--out FILE``
(``.parquet`` or ``.csv``) appends rows as they arrive; run the same command again
to resume. Exit status 0 when every scenario ran, 1 when some failed (their errors
are in the rows) or ``--limit`` stopped the sweep, 2 for bad input.

Examples
--------
>>> import tempfile, pathlib
>>> from mutualgains.cli import main
>>> path = pathlib.Path(tempfile.mkdtemp()) / "what-if.yaml"
>>> _ = path.write_text("case: harbour\\n"
...                     "scenarios: [{id: base}, {id: no loan, fix: {loan: none}}]\\n")
>>> main(["sweep", str(path), "--no-progress"])
sweep of 'Harbour Sport Park', task solve: complete, 2 scenarios (2 run, 0 resumed, 0 failed), ...
scenario  ok   status        objective  objective_value  passes  gain Port  gain City
base      yes  optimal       joint      114              yes     4          30
no loan   yes  no_agreement  joint      -                -       -          -
0
"""

from __future__ import annotations

import argparse
import math
from typing import Any

from mutualgains.cli.common import add_json, emit
from mutualgains.errors import UsageError

__all__ = ["add_executor", "add_parser", "executor_options", "run"]


def add_executor(parser: argparse.ArgumentParser, *, out_help: str) -> None:
    """``--workers``, ``--scheduler``, ``--executor``, ``--out`` and ``--progress``.

    Examples
    --------
    >>> p = argparse.ArgumentParser(); add_executor(p, out_help="rows")
    >>> vars(p.parse_args(["--workers", "2"]))["workers"]
    2
    """
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, metavar="N",
                       help="run on a Dask LocalCluster of N worker processes")
    where.add_argument("--scheduler", metavar="ADDRESS",
                       help="run on the Dask cluster of a running scheduler (tcp://host:8786)")
    parser.add_argument("--executor", choices=("sequential", "processes", "dask"),
                        help="where to run (default: dask with --workers or --scheduler, "
                             "else sequential; processes: a local pool of --workers)")
    parser.add_argument("--out", metavar="FILE", help=out_help)
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                        help="a progress bar (default: on a terminal, for long sweeps)")


def executor_options(args: argparse.Namespace) -> dict[str, Any]:
    """The keywords of :func:`mutualgains.sweeps.sweep` from the parsed options.

    Examples
    --------
    >>> executor_options(argparse.Namespace(workers=2, scheduler=None, executor=None,
    ...                                     out=None, progress=False))
    {'executor': None, 'workers': 2, 'scheduler': None, 'out': None, 'progress': False}
    """
    if args.workers is not None and args.workers < 1:
        raise UsageError(f"--workers: must be at least 1, got {args.workers}")
    return {"executor": args.executor, "workers": args.workers, "scheduler": args.scheduler,
            "out": args.out, "progress": args.progress}


def _option(text: str) -> tuple[str, Any]:
    import yaml

    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise UsageError(f"--option: expected KEY=VALUE, got {text!r}")
    try:
        return key.strip(), yaml.safe_load(value)
    except yaml.YAMLError:
        return key.strip(), value


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add the command to the ``mutualgains`` parser.

    Examples
    --------
    >>> p = argparse.ArgumentParser(); add_parser(p.add_subparsers())
    >>> p.parse_args(["sweep", "s.yaml", "--option", "objective=nash"]).option
    ['objective=nash']
    """
    p = sub.add_parser("sweep", help="run a task over the what-if scenarios of a file")
    p.add_argument("scenarios", metavar="SCENARIOS_FILE",
                   help="YAML or JSON: case, scenarios (and task, options, seed, grid, "
                        "samples)")
    p.add_argument("--task", help="solve, frontier, phase, acceptance, radius or robust "
                                  "(default: the file's, else solve)")
    p.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                   help="a task keyword (repeatable; the value is read as YAML)")
    p.add_argument("--seed", type=int, help="the master seed (default: the file's, else 0)")
    p.add_argument("--limit", type=int, metavar="N", help="run at most N scenarios now")
    add_executor(p, out_help="append the rows to FILE (.parquet or .csv) as they arrive; "
                             "the same command again resumes")
    add_json(p)
    p.set_defaults(run=run)


def _plain(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item"):
        return _plain(value.item())
    return value


def run(args: argparse.Namespace) -> int:
    """Run the command for parsed ``args``; return the exit status.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "s.yaml"
    >>> _ = path.write_text("case: harbour\\nscenarios: [{id: x, batnas: {Nobody: 1}}]\\n")
    >>> p = argparse.ArgumentParser(); add_parser(p.add_subparsers())
    >>> run(p.parse_args(["sweep", str(path), "--json", "--no-progress"]))
    {
      "summary": {
        "status": "complete",
    ...
    1
    """
    from mutualgains.display import text_table
    from mutualgains.sweeps import read_scenarios, sweep

    spec = read_scenarios(args.scenarios)
    options = dict(spec.options)
    options.update(_option(o) for o in args.option)
    task = args.task or spec.task or "solve"
    seed = args.seed if args.seed is not None else (spec.seed or 0)
    result = sweep(spec.case, spec.scenarios, task, options=options, seed=seed,
                   limit=args.limit, **executor_options(args))
    frame = result.frame
    if args.json:
        rows = [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict("records")]
        emit(args, {"summary": result.to_dict(), "rows": rows}, "")
    else:
        shown = [c for c in frame.columns if c not in ("position", "row", "error", "seed",
                                                        "seconds")]
        shown = shown[:8]
        body = [[_plain(v) for v in row] for row in frame[shown].head(40).values.tolist()]
        lines = [f"sweep of {spec.case.name!r}, task {result.task}: {result.status.value}, "
                 f"{result.scenarios} scenarios ({result.run} run, {result.resumed} resumed, "
                 f"{result.failed} failed), {result.executor}, {result.seconds:.1f} s",
                 text_table(shown, body)]
        if len(frame) > 40:
            lines.append(f"... {len(frame) - 40} more rows" + (
                f" in {result.out}" if result.out else " (--out FILE keeps them all)"))
        for _, row in result.failures.head(10).iterrows():
            lines.append(f"failed {row['scenario']}: {row['error']}")
        print("\n".join(lines))
    return 0 if result.failed == 0 and result.status.value == "complete" else 1
