"""The ``mutualgains`` command line.

``mutualgains solve CASE [--objective NAME] [--json]`` solves a case file (YAML,
JSON, or a scorable-game folder); ``mutualgains demo`` runs the built-in example.

Exit status: 0 when a package was found, 1 when none was (no agreement, time
limit, solver error), 2 for bad input (one line per problem on stderr).

Examples
--------
>>> from mutualgains.cli import main
>>> main(["solve", "no-such-case.yaml"])
2
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from mutualgains.display import format_number, result_text, text_table
from mutualgains.errors import CaseError, MutualGainsError
from mutualgains.examples import load_example
from mutualgains.io.casefile import load_case
from mutualgains.results import SolveResult
from mutualgains.solve import OBJECTIVES, solve

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mutualgains",
        description="Find multi-party agreements in which every party gains.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def solver_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--objective", "-o", default="joint", choices=OBJECTIVES,
                       help="what 'best' means (default: joint)")
        p.add_argument("--solver", default="highs", help="highs (default), cbc, or a PuLP solver")
        p.add_argument("--time-limit", type=float, default=None, metavar="SECONDS",
                       help="stop after this many seconds and report the gap")
        p.add_argument("--gap", type=float, default=0.0, help="relative MIP gap (default 0: exact)")
        p.add_argument("--json", action="store_true", help="print one JSON object")

    p = sub.add_parser("solve", help="find the best acceptable package of a case")
    p.add_argument("case", help="a .yaml/.yml/.json case file, or a scorable-game or GENIUS "
                                "domain folder")
    solver_options(p)

    p = sub.add_parser("demo", help="solve the built-in harbour example with every objective")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


def _solve(args: argparse.Namespace) -> int:
    case = load_case(args.case)
    result = solve(case, args.objective, solver=args.solver, time_limit=args.time_limit,
                   gap=args.gap)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(result_text(result))
    return 0 if result.has_package else 1


def _demo(args: argparse.Namespace) -> int:
    case = load_example("harbour")
    results: dict[str, SolveResult] = {name: solve(case, name) for name in OBJECTIVES}
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
    print(text_table(["issue", *OBJECTIVES],
                     [[i, *(results[o].package[i] for o in OBJECTIVES)] for i in case.issue_names]))
    print(f"\nNash product {format_number(results['nash'].objective_value)}; "
          f"Kalai-Smorodinsky ratio {format_number(results['ks'].objective_value)}.")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    Examples
    --------
    >>> main(["solve", "missing.yaml"])
    2
    """
    args = _parser().parse_args(argv)
    try:
        return {"solve": _solve, "demo": _demo}[args.command](args)
    except BrokenPipeError:  # output piped into a command that stopped reading (head)
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keep the interpreter quiet at exit
        return 0
    except CaseError as err:
        for problem in err.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 2
    except MutualGainsError as err:
        for line in str(err).splitlines():
            print(f"error: {line}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
