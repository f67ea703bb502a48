"""``mutualgains frontier CASE``: the exact Pareto frontier of the acceptable packages.

Exit status 0 with at least one point, 1 without.

Examples
--------
>>> from mutualgains.cli import main
>>> main(["frontier", "harbour", "--parties", "Port,City"])
<Frontier 6 points over Port, City: complete, ...>
...
0
"""

from __future__ import annotations

import argparse

from mutualgains.cli.common import (
    COUNT,
    add_case,
    add_json,
    add_method,
    add_solver,
    emit,
    load,
    names,
)

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add the command to the ``mutualgains`` parser.

    Examples
    --------
    >>> p = argparse.ArgumentParser(); add_parser(p.add_subparsers())
    >>> p.parse_args(["frontier", "harbour", "--no-ties"]).no_ties
    True
    """
    p = sub.add_parser("frontier", help="the exact Pareto frontier of the acceptable packages")
    add_case(p)
    p.add_argument("--parties", type=names(2),
                   help="comma-separated parties spanning the frontier (default: all)")
    p.add_argument("--max-points", type=COUNT, default=10_000,
                   help="stop after this many points")
    p.add_argument("--no-ties", action="store_true", help="do not check points for ties")
    p.add_argument("--progress", action="store_true",
                   help="show a progress bar on stderr (on a terminal)")
    add_solver(p, gap=False)
    add_method(p)
    add_json(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run the command for parsed ``args``; return the exit status.

    Examples
    --------
    >>> p = argparse.ArgumentParser(); add_parser(p.add_subparsers())
    >>> run(p.parse_args(["frontier", "harbour", "--parties", "Port,City", "--json"]))
    {
      "status": "complete",
    ...
    0
    """
    from mutualgains.analysis.frontier import pareto_frontier
    from mutualgains.display import text_table

    case = load(args.case)
    frontier = pareto_frontier(case, args.parties, ties=not args.no_ties,
                               max_points=args.max_points, progress=args.progress,
                               solver=args.solver, time_limit=args.time_limit,
                               method=args.method)
    columns = [f"score {p}" for p in frontier.parties]
    frame = frontier.to_frame()
    text = f"{frontier!r}\n" + (f"note: {frontier.message}\n" if frontier.message else "")
    if len(frame):
        rows = frame[[*columns, "tied"]].values.tolist()
        text += "\n" + text_table([*frontier.parties, "tied"], rows)
    emit(args, frontier.to_dict(), text)
    return 0 if frontier.points else 1
