"""The ``mutualgains`` command line: the parser and the dispatch to one module per command.

``mutualgains solve CASE [--objective NAME] [--json]`` solves a case; ``frontier CASE``
computes the exact Pareto frontier, ``alternatives CASE -k N`` the N best packages,
``improve CASE --package issue=option,...`` a Pareto improvement of a proposal,
``explain CASE [--package ...]`` why no deal exists and what would unlock one,
``phase CASE [--package ...]`` a schedule of the package's projects under a budget,
``share CASE --rule RULE`` who pays what (core, nucleolus, Shapley value, SCRB);
``mutualgains demo`` runs the built-in example. CASE is a case file or folder, or the
name of a built-in example. Every command takes ``--json``.

Exit status: 0 when a package was found, 1 when none was (no agreement, time
limit, solver error), 2 for bad input (one line per problem on stderr).

A new command is a module here with ``add_parser(subparsers)`` (which calls
``set_defaults(run=run)``) and ``run(args) -> int``, listed in :data:`COMMANDS`.

Examples
--------
>>> from mutualgains.cli import main
>>> main(["solve", "no-such-case.yaml"])
2
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from mutualgains.errors import CaseError, MutualGainsError

__all__ = ["COMMANDS", "main"]

COMMANDS: tuple[str, ...] = ("solve", "frontier", "alternatives", "improve", "explain", "phase",
                             "share", "demo")
"""The command modules of :mod:`mutualgains.cli`, in the order ``--help`` lists them."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mutualgains",
        description="Find multi-party agreements in which every party gains.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"mutualgains.cli.{name}").add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    Examples
    --------
    >>> main(["solve", "missing.yaml"])
    2
    """
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
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
