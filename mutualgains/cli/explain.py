"""``mutualgains explain CASE [--package ...]``: why no deal exists, what would unlock one.

Exit status 0.

Examples
--------
>>> from mutualgains.cli import main
>>> main(["explain", "harbour"])
A deal exists: some package is accepted by 4 of 5 parties, Port, City among them.
...
0
"""

from __future__ import annotations

import argparse

from mutualgains.cli.common import add_case, add_json, emit, load, parse_package

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add the command to the ``mutualgains`` parser.

    Examples
    --------
    >>> p = argparse.ArgumentParser(); add_parser(p.add_subparsers())
    >>> p.parse_args(["explain", "harbour", "--package", "loan=none"]).package
    'loan=none'
    """
    p = sub.add_parser("explain", help="why no deal exists, what would unlock one; judge a "
                                       "package")
    add_case(p)
    p.add_argument("--package", help='a proposal to judge: "issue=option,..." or a JSON object')
    p.add_argument("--solver", default="highs", help="highs (default), cbc, or a PuLP solver")
    add_json(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run the command for parsed ``args``; return the exit status.

    Examples
    --------
    >>> p = argparse.ArgumentParser(); add_parser(p.add_subparsers())
    >>> run(p.parse_args(["explain", "harbour", "--json"]))
    {
    ...
    0
    """
    package = parse_package(args.package) if args.package else None  # before any work
    from mutualgains.analysis.explain import explain
    from mutualgains.display import text_table

    case = load(args.case)
    why = explain(case, package, solver=args.solver)
    frame = why.to_frame()
    text = str(why) + "\n\n" + text_table(list(frame.columns), frame.values.tolist())
    emit(args, why.to_dict(), text)
    return 0
