"""``mutualgains share CASE --rule RULE``: who pays what, by a cooperative-game rule.

Shares the case's gains (or, when it has option or project costs, its costs) by
the core, the nucleolus, the Shapley value or SCRB, says whether any coalition
would do better on its own, and settles the shares on the case (contributions
and the least side payments), every party checked against its BATNA.

Exit status 0 with shares, 1 when no package serves every party.

Examples
--------
>>> from mutualgains.cli import main
>>> main(["share", "regional", "--rule", "scrb"])
Regional water and land deal: scrb of 497 (costs), optimal, not stable: Farmers save ...
...
0
"""

from __future__ import annotations

import argparse

from mutualgains.cli.common import add_case, add_json, checked, emit, load, parse_package
from mutualgains.params import Integer

__all__ = ["add_parser", "run"]

RULE_NAMES = ("core", "nucleolus", "shapley", "scrb")
"""The rules (:data:`mutualgains.analysis.sharing.RULES`, spelled here so that ``--help``
loads nothing heavy)."""

GAME_NAMES = ("auto", "gains", "costs")
"""The games (:data:`mutualgains.analysis.sharing.GAMES`)."""

SAMPLES = checked(Integer(low=2), int)
"""``type=`` of ``--samples``: the sampled Shapley value needs at least 2 orders."""

SEED = checked(Integer(low=0), int)
"""``type=`` of ``--seed``: a whole number of at least 0."""


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add the command to the ``mutualgains`` parser.

    Examples
    --------
    >>> p = argparse.ArgumentParser(); add_parser(p.add_subparsers())
    >>> args = p.parse_args(["share", "harbour", "--rule", "shapley", "--game", "gains"])
    >>> args.rule, args.game, args.samples
    ('shapley', 'gains', 1000)
    """
    p = sub.add_parser("share", help="who pays what: share gains or costs by the core, the "
                                     "nucleolus, the Shapley value or SCRB")
    add_case(p)
    p.add_argument("--rule", default="nucleolus", choices=RULE_NAMES,
                   help="the sharing rule (default: nucleolus)")
    p.add_argument("--package", help='the package to share: "issue=option,..." or a JSON '
                                     "object (default: the best joint package)")
    p.add_argument("--game", default="auto", choices=GAME_NAMES,
                   help="share gains or costs (auto: costs when the case has costs)")
    p.add_argument("--decision-rule", action="store_true",
                   help="only coalitions that meet the case's decision rule can act alone")
    p.add_argument("--members-accept", action=argparse.BooleanOptionalAction, default=True,
                   help="every member of a coalition must accept its package (default); "
                        "--no-members-accept: members may compensate each other")
    p.add_argument("--samples", type=SAMPLES, default=1000,
                   help="orders of arrival for a sampled Shapley value (default 1000)")
    p.add_argument("--seed", type=SEED, default=0, help="seed of the sampled orders (default 0)")
    p.add_argument("--solver", default="highs", help="highs (default), cbc, or a PuLP solver")
    add_json(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run the command for parsed ``args``; return the exit status.

    Examples
    --------
    >>> p = argparse.ArgumentParser(); add_parser(p.add_subparsers())
    >>> run(p.parse_args(["share", "harbour", "--rule", "core", "--json"]))
    {
      "status": "optimal",
      "rule": "core",
    ...
    0
    """
    from mutualgains.analysis.sharing import share

    case = load(args.case)
    package = parse_package(args.package) if args.package else None
    result = share(case, args.rule, package=package, game=args.game,
                   decision_rule=args.decision_rule, members_accept=args.members_accept,
                   samples=args.samples, seed=args.seed, solver=args.solver)
    emit(args, result.to_dict(), result.text())
    return 0 if result.has_shares else 1
