"""``mutualgains improve CASE --package ...``: a Pareto improvement of a proposal.

Exit status 0.

Examples
--------
>>> from mutualgains.cli import main
>>> proposal = ("infrastructure=water,ecology=maintain,employment=2:1 quota,"
...             "loan=2 billion,compensation=300 million")
>>> main(["improve", "harbour", "--package", proposal])
<Improvement...
0
"""

from __future__ import annotations

import argparse

from mutualgains.cli.common import SECONDS, add_case, add_json, emit, load, parse_package

__all__ = ["add_parser", "run"]

RULE_NAMES = ("joint", "egalitarian", "nash")


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add the command to the ``mutualgains`` parser.

    Examples
    --------
    >>> p = argparse.ArgumentParser(); add_parser(p.add_subparsers())
    >>> p.parse_args(["improve", "harbour", "--package", "loan=none"]).rule
    'joint'
    """
    p = sub.add_parser("improve", help="make a proposal better without anyone losing")
    add_case(p)
    p.add_argument("--package", required=True,
                   help='the proposal: "issue=option,issue=option,..." or a JSON object')
    p.add_argument("--rule", default="joint", choices=RULE_NAMES)
    p.add_argument("--solver", default="highs", help="highs (default), cbc, or a PuLP solver")
    p.add_argument("--time-limit", type=SECONDS, default=None, metavar="SECONDS")
    add_json(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run the command for parsed ``args``; return the exit status.

    Examples
    --------
    >>> p = argparse.ArgumentParser(); add_parser(p.add_subparsers())
    >>> proposal = ("infrastructure=water,ecology=maintain,employment=2:1 quota,"
    ...             "loan=2 billion,compensation=300 million")
    >>> run(p.parse_args(["improve", "harbour", "--json", "--package", proposal]))
    {
    ...
    0
    """
    proposal = parse_package(args.package)  # a malformed --package fails before any work
    from mutualgains.analysis.improve import improve
    from mutualgains.display import text_table

    case = load(args.case)
    result = improve(case, proposal, rule=args.rule, solver=args.solver,
                     time_limit=args.time_limit)
    frame = result.to_frame()
    text = f"{result!r}\n" + (f"note: {result.message}\n" if result.message else "")
    if result.result.package is not None:
        text += "\n" + text_table(["issue", "proposal", "improved"],
                                  [[i, o, result.result.package[i]]
                                   for i, o in result.original.items()])
    text += "\n\n" + text_table(list(frame.columns), frame.values.tolist())
    emit(args, result.to_dict(), text)
    return 0
