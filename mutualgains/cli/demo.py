"""``mutualgains demo``: the built-in harbour example solved with every objective.

Examples
--------
>>> from mutualgains.cli import main
>>> main(["demo"])
<Case 'Harbour Sport Park': ...
0
"""

from __future__ import annotations

import argparse
import json

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add the command to the ``mutualgains`` parser.

    Examples
    --------
    >>> p = argparse.ArgumentParser(); add_parser(p.add_subparsers())
    >>> p.parse_args(["demo", "--json"]).json
    True
    """
    p = sub.add_parser("demo", help="solve the built-in harbour example with every objective")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run the command for parsed ``args``; return the exit status.

    Examples
    --------
    >>> run(argparse.Namespace(json=True))
    {
      "joint": {
    ...
    0
    """
    from mutualgains.analysis.solve import OBJECTIVES, solve
    from mutualgains.display import format_number, result_text, text_table
    from mutualgains.io.examples import load_example

    case = load_example("harbour")
    results = {name: solve(case, name) for name in OBJECTIVES}
    if args.json:
        print(json.dumps({k: r.to_dict() for k, r in results.items()}, indent=2,
                         ensure_ascii=False))
        return 0
    print(f"{case!r}\n")
    print(result_text(results["joint"]))
    print("\nGains under each objective (a package must pass: "
          f"{case.min_parties} of {len(case.parties)}, veto {', '.join(case.veto_parties)}):\n")
    rows = [[name, r.status.value, *(r.gains[p] for p in case.party_names),
             sum(r.gains.values())] for name, r in results.items()]
    print(text_table(["objective", "status", *case.party_names, "total"], rows))
    print("\nPackages:\n")
    packages = [results[o].package for o in OBJECTIVES]
    assert all(p is not None for p in packages)  # the demo case has a deal under each
    print(text_table(["issue", *OBJECTIVES],
                     [[i, *(p[i] for p in packages if p is not None)] for i in case.issue_names]))
    print(f"\nNash product {format_number(results['nash'].objective_value)}; "
          f"Kalai-Smorodinsky ratio {format_number(results['ks'].objective_value)}.")
    return 0
