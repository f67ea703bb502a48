"""``mutualgains solve CASE``: the best acceptable package for an objective.

Exit status 0 with a package, 1 without (no agreement, time limit, solver error).

Examples
--------
>>> from mutualgains.cli import main
>>> main(["solve", "harbour", "--objective", "egalitarian"])
Harbour Sport Park: egalitarian, optimal, value 10
...
0
"""

from __future__ import annotations

import argparse

from mutualgains.cli.common import add_case, add_json, add_method, add_solver, emit, load

__all__ = ["add_parser", "run"]

OBJECTIVE_NAMES = ("joint", "egalitarian", "ks", "leximin", "nash")


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add the command to the ``mutualgains`` parser.

    Examples
    --------
    >>> p = argparse.ArgumentParser(); add_parser(p.add_subparsers())
    >>> p.parse_args(["solve", "harbour", "-o", "nash"]).objective
    'nash'
    """
    p = sub.add_parser("solve", help="find the best acceptable package of a case")
    add_case(p)
    add_objective(p)
    add_solver(p)
    add_method(p)
    add_json(p)
    p.set_defaults(run=run)


def add_objective(parser: argparse.ArgumentParser, help: str = "what 'best' means") -> None:
    """``--objective`` / ``-o``.

    Examples
    --------
    >>> p = argparse.ArgumentParser(); add_objective(p); p.parse_args([]).objective
    'joint'
    """
    parser.add_argument("--objective", "-o", default="joint", choices=OBJECTIVE_NAMES,
                        help=f"{help} (default: joint)")


def run(args: argparse.Namespace) -> int:
    """Run the command for parsed ``args``; return the exit status.

    Examples
    --------
    >>> p = argparse.ArgumentParser(); add_parser(p.add_subparsers())
    >>> run(p.parse_args(["solve", "harbour", "--json"]))
    {
      "status": "optimal",
    ...
    0
    """
    case = load(args.case)  # a bad case is refused before the solver is imported
    from mutualgains.analysis.solve import solve
    from mutualgains.display import result_text

    result = solve(case, args.objective, solver=args.solver,
                   time_limit=args.time_limit, gap=args.gap, method=args.method)
    emit(args, result.to_dict(), result_text(result))
    return 0 if result.has_package else 1
