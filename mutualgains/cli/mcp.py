"""``mutualgains mcp``: serve the tools to an assistant over the Model Context Protocol (stdio).

Needs the ``mcp`` extra (``pip install "mutualgains[mcp]"``); see
:mod:`mutualgains.mcpserver.server` for the tools. The command runs until the
client closes stdin; it prints nothing on stdout but the protocol.

Exit status 0 when the client disconnects, 2 when the ``mcp`` package is missing.

Examples
--------
>>> import argparse
>>> p = argparse.ArgumentParser(); add_parser(p.add_subparsers())
>>> p.parse_args(["mcp"]).run is run
True
"""

from __future__ import annotations

import argparse

from mutualgains.errors import UsageError

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add the command to the ``mutualgains`` parser.

    Examples
    --------
    >>> p = argparse.ArgumentParser(); add_parser(p.add_subparsers())
    >>> p.parse_args(["mcp"]).command_help
    'mcp'
    """
    p = sub.add_parser("mcp", help="serve the tools to an assistant (Model Context Protocol, "
                                   "stdio)",
                       description="Serve mutualgains to an assistant over the Model Context "
                                   "Protocol on stdin/stdout: describe_case, solve, frontier, "
                                   "explain, equivalent_offers, learn_priorities, review_deal, "
                                   "phase. Needs: pip install 'mutualgains[mcp]'.")
    p.set_defaults(run=run, command_help="mcp")


def run(args: argparse.Namespace) -> int:
    """Serve until the client disconnects; return the exit status.

    Examples
    --------
    >>> import sys, unittest.mock
    >>> missing = {"mcp": None, "mutualgains.mcpserver.server": None}  # as if not installed
    >>> with unittest.mock.patch.dict(sys.modules, missing):
    ...     run(argparse.Namespace())
    Traceback (most recent call last):
    ...
    mutualgains.errors.UsageError: mcp: the MCP server needs the mcp package: pip install \
"mutualgains[mcp]"
    """
    try:
        from mutualgains.mcpserver.server import main
    except ImportError as err:
        raise UsageError("mcp: the MCP server needs the mcp package: pip install "
                         '"mutualgains[mcp]"') from err
    main()
    return 0
