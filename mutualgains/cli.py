"""The ``mutualgains`` command line.

``mutualgains solve CASE [--objective NAME] [--json]`` solves a case (a YAML or
JSON file, a scorable-game or GENIUS folder); ``frontier CASE`` computes the
exact Pareto frontier, ``alternatives CASE -k N`` the N best packages,
``improve CASE --package issue=option,...`` a Pareto improvement of a proposal,
``explain CASE [--package ...]`` why no deal exists and what would unlock one,
``phase CASE [--package ...]`` a schedule of the package's projects under a budget;
``mutualgains demo`` runs the built-in example. Every command takes ``--json``.

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

from mutualgains.alternatives import alternatives
from mutualgains.display import format_number, result_text, text_table
from mutualgains.errors import CaseError, MutualGainsError, UsageError
from mutualgains.examples import load_example
from mutualgains.explain import explain
from mutualgains.frontier import pareto_frontier
from mutualgains.improve import RULES, improve
from mutualgains.io.casefile import load_case
from mutualgains.phasing_cli import add_phase_parser, phase_command
from mutualgains.results import SolveResult
from mutualgains.solve import OBJECTIVES, solve

__all__ = ["main", "parse_package"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mutualgains",
        description="Find multi-party agreements in which every party gains.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def method_option(p: argparse.ArgumentParser) -> None:
        p.add_argument("--method", default="auto", choices=("auto", "mip"),
                       help="auto (default): no solver on separable cases; mip: integer "
                            "programs always")

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
    method_option(p)

    p = sub.add_parser("frontier", help="the exact Pareto frontier of the acceptable packages")
    p.add_argument("case", help="a case file or folder")
    p.add_argument("--parties", help="comma-separated parties spanning the frontier "
                                     "(default: all)")
    p.add_argument("--max-points", type=int, default=10_000, help="stop after this many points")
    p.add_argument("--no-ties", action="store_true", help="do not check points for ties")
    p.add_argument("--progress", action="store_true", help="show progress on stderr")
    p.add_argument("--time-limit", type=float, default=None, metavar="SECONDS")
    p.add_argument("--solver", default="highs")
    method_option(p)
    p.add_argument("--json", action="store_true", help="print one JSON object")

    p = sub.add_parser("alternatives", help="the k best acceptable packages")
    p.add_argument("case", help="a case file or folder")
    p.add_argument("-k", type=int, default=5, help="how many packages (default 5)")
    p.add_argument("--min-difference", type=int, default=1,
                   help="each package differs from all earlier ones in this many issues")
    solver_options(p)

    p = sub.add_parser("improve", help="make a proposal better without anyone losing")
    p.add_argument("case", help="a case file or folder")
    p.add_argument("--package", required=True,
                   help='the proposal: "issue=option,issue=option,..." or a JSON object')
    p.add_argument("--rule", default="joint", choices=RULES)
    p.add_argument("--solver", default="highs")
    p.add_argument("--time-limit", type=float, default=None, metavar="SECONDS")
    p.add_argument("--json", action="store_true", help="print one JSON object")

    p = sub.add_parser("explain", help="why no deal exists, what would unlock one; judge a "
                                       "package")
    p.add_argument("case", help="a case file or folder")
    p.add_argument("--package", help='a proposal to judge: "issue=option,..." or a JSON object')
    p.add_argument("--solver", default="highs")
    p.add_argument("--json", action="store_true", help="print one JSON object")

    add_phase_parser(sub)

    p = sub.add_parser("demo", help="solve the built-in harbour example with every objective")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


def parse_package(text: str) -> dict[str, str]:
    """``issue=option,issue=option`` (or a JSON object) as a mapping.

    Examples
    --------
    >>> parse_package("loan=2 billion, ecology=maintain")
    {'loan': '2 billion', 'ecology': 'maintain'}
    """
    text = text.strip()
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise UsageError(f"--package: malformed JSON ({err.msg})") from None
        if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
            raise UsageError("--package: must be a JSON object of issue -> option names")
        return data
    out = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        issue, sep, option = part.partition("=")
        if not sep or not issue.strip() or not option.strip():
            raise UsageError(f"--package: expected issue=option, got {part!r}")
        out[issue.strip()] = option.strip()
    return out


def _print(args: argparse.Namespace, data: dict, text: str) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False) if args.json else text)


def _frontier(args: argparse.Namespace) -> int:
    case = load_case(args.case)
    parties = [p.strip() for p in args.parties.split(",")] if args.parties else None
    frontier = pareto_frontier(case, parties, ties=not args.no_ties, max_points=args.max_points,
                               progress=args.progress, solver=args.solver,
                               time_limit=args.time_limit, method=args.method)
    if args.progress:
        print(file=sys.stderr)
    columns = [f"score {p}" for p in frontier.parties]
    frame = frontier.to_frame()
    text = f"{frontier!r}\n" + (f"note: {frontier.message}\n" if frontier.message else "")
    if len(frame):
        rows = frame[[*columns, "tied"]].values.tolist()
        text += "\n" + text_table([*frontier.parties, "tied"], rows)
    _print(args, frontier.to_dict(), text)
    return 0 if frontier.points else 1


def _alternatives(args: argparse.Namespace) -> int:
    case = load_case(args.case)
    found = alternatives(case, args.k, objective=args.objective,
                         min_difference=args.min_difference, solver=args.solver,
                         time_limit=args.time_limit, gap=args.gap)
    rows = [[rank, r.objective_value, *(r.package[i] for i in case.issue_names)]
            for rank, r in enumerate(found, start=1)]
    text = f"{found!r}\n\n" + text_table(["rank", args.objective, *case.issue_names], rows)
    _print(args, found.to_dict(), text)
    return 0 if len(found) else 1


def _explain(args: argparse.Namespace) -> int:
    case = load_case(args.case)
    package = parse_package(args.package) if args.package else None
    why = explain(case, package, solver=args.solver)
    frame = why.to_frame()
    text = str(why) + "\n\n" + text_table(list(frame.columns), frame.values.tolist())
    _print(args, why.to_dict(), text)
    return 0


def _improve(args: argparse.Namespace) -> int:
    case = load_case(args.case)
    result = improve(case, parse_package(args.package), rule=args.rule, solver=args.solver,
                     time_limit=args.time_limit)
    frame = result.to_frame()
    text = f"{result!r}\n" + (f"note: {result.message}\n" if result.message else "")
    if result.result.package is not None:
        text += "\n" + text_table(["issue", "proposal", "improved"],
                                  [[i, o, result.result.package[i]]
                                   for i, o in result.original.items()])
    text += "\n\n" + text_table(list(frame.columns), frame.values.tolist())
    _print(args, result.to_dict(), text)
    return 0


def _solve(args: argparse.Namespace) -> int:
    case = load_case(args.case)
    result = solve(case, args.objective, solver=args.solver, time_limit=args.time_limit,
                   gap=args.gap, method=args.method)
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
        commands = {"solve": _solve, "frontier": _frontier, "alternatives": _alternatives,
                    "improve": _improve, "explain": _explain, "phase": phase_command,
                    "demo": _demo}
        return commands[args.command](args)
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
