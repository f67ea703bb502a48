"""``mutualgains alternatives CASE -k N``: the N best acceptable packages.

Exit status 0 with at least one package, 1 without.

Examples
--------
>>> from mutualgains.cli import main
>>> main(["alternatives", "harbour", "-k", "2"])
<Alternatives 2 of 2 by joint (complete)...
...
0
"""

from __future__ import annotations

import argparse

from mutualgains.cli.common import COUNT, add_case, add_json, add_solver, emit, load
from mutualgains.cli.solve import add_objective

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add the command to the ``mutualgains`` parser.

    Examples
    --------
    >>> p = argparse.ArgumentParser(); add_parser(p.add_subparsers())
    >>> p.parse_args(["alternatives", "harbour", "-k", "3"]).k
    3
    """
    p = sub.add_parser("alternatives", help="the k best acceptable packages")
    add_case(p)
    p.add_argument("-k", type=COUNT, default=5, help="how many packages (default 5)")
    p.add_argument("--min-difference", type=COUNT, default=1,
                   help="each package differs from all earlier ones in this many issues")
    add_objective(p)
    add_solver(p)
    add_json(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run the command for parsed ``args``; return the exit status.

    Examples
    --------
    >>> p = argparse.ArgumentParser(); add_parser(p.add_subparsers())
    >>> run(p.parse_args(["alternatives", "harbour", "-k", "1", "--json"]))
    {
      "status": "complete",
    ...
    0
    """
    from mutualgains.analysis.alternatives import alternatives
    from mutualgains.display import text_table

    case = load(args.case)
    found = alternatives(case, args.k, objective=args.objective,
                         min_difference=args.min_difference, solver=args.solver,
                         time_limit=args.time_limit, gap=args.gap)
    rows = [[rank, r.objective_value, *(r.package[i] for i in case.issue_names)]
            for rank, r in enumerate(found, start=1) if r.package is not None]
    text = f"{found!r}\n\n" + text_table(["rank", args.objective, *case.issue_names], rows)
    emit(args, found.to_dict(), text)
    return 0 if len(found) else 1
