"""The ``mutualgains`` command line: the parser, the dispatch to one module per command, and
what every failure becomes.

``mutualgains solve CASE [--objective NAME] [--json]`` solves a case; ``frontier CASE``
computes the exact Pareto frontier, ``alternatives CASE -k N`` the N best packages,
``improve CASE --package issue=option,...`` a Pareto improvement of a proposal,
``explain CASE [--package ...]`` why no deal exists and what would unlock one,
``phase CASE [--package ...]`` a schedule of the package's projects under a budget,
``convert IN OUT --to FORMAT`` the case as YAML, JSON, Excel, GENIUS or GeniusWeb,
``robust CASE [--noise REL]`` how sure a package is under uncertain scores and BATNAs,
``sweep SCENARIOS_FILE`` a task over many what-ifs (here, on a pool or a Dask cluster);
``share CASE --rule RULE`` who pays what (core, nucleolus, Shapley value, SCRB);
``mutualgains demo`` runs the built-in example. CASE is a case file or folder, the
name of a built-in example, or ``-`` for a YAML or JSON case on standard input. Every
command takes ``--json`` (its output is described by a JSON Schema in
``mutualgains/data/schemas/``) and ``--debug``; ``mutualgains --version`` prints the version.

``--help`` stays quick: the parser is built from the command modules alone, which
import nothing heavy (numpy, pandas, PuLP, networkx load when a command runs).

Exit status:

- 0 when a package was found, 1 when none was (no agreement, time limit, solver error);
- 2 for bad input: one line per problem on stderr, ``error: <where>: <what>`` (a bad
  option, a bad case file, an output that cannot be written, an unknown example);
- 3 for an internal error (a bug): one line saying so; ``--debug`` adds the traceback;
- 130 when interrupted (Ctrl-C), within a second, without a traceback, even in the
  middle of a solve. Output piped into a command that stops reading (``| head``)
  ends quietly.

Run as a program (``argv`` None), the command runs in a worker thread while the
main thread waits for it and for Ctrl-C: the solver runs in C and holds its
thread, so that is the only way to stop at once (``os._exit(130)`` after flushing).
Called with ``argv`` (from Python), the command runs in the caller's thread and
Ctrl-C is the caller's ``KeyboardInterrupt``. A command that must own the main
thread (a server that installs signal handlers) says so with
``set_defaults(main_thread=True)``.

A new command is a module here with ``add_parser(subparsers)`` (which calls
``set_defaults(run=run)``) and ``run(args) -> int``, listed in :data:`COMMANDS`;
it reads CASE with :func:`mutualgains.cli.common.load` and declares output files with
:func:`mutualgains.cli.common.output_file`. Its failures are handled here.

Examples
--------
>>> from mutualgains.cli import main
>>> main(["solve", "no-such-case.yaml"])
2
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
import threading
import traceback
import warnings
from collections.abc import Callable, Sequence
from typing import NoReturn

from mutualgains.errors import CaseError, MutualGainsError

__all__ = ["COMMANDS", "EXIT_BAD_INPUT", "EXIT_INTERNAL", "EXIT_INTERRUPTED", "main"]

COMMANDS: tuple[str, ...] = ("solve", "frontier", "alternatives", "improve", "explain", "phase",
                             "convert", "robust", "sweep", "mcp", "share",
                             "demo")
"""The command modules of :mod:`mutualgains.cli`, in the order ``--help`` lists them."""

EXIT_BAD_INPUT = 2
"""Exit status for bad input (options, case files, outputs)."""
EXIT_INTERNAL = 3
"""Exit status for an internal error (please report it)."""
EXIT_INTERRUPTED = 130
"""Exit status after Ctrl-C (128 + SIGINT, as shells report it)."""

_DEBUG_HELP = "on an internal error, show the traceback"


class _Parser(argparse.ArgumentParser):
    """argparse with errors on one line: ``error: <what> (see '<prog> --help')``."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"error: {message} (see '{self.prog} --help')\n")


def _parser() -> argparse.ArgumentParser:
    from mutualgains import __version__

    parser = _Parser(
        prog="mutualgains",
        description="Find multi-party agreements in which every party gains.",
    )
    parser.add_argument("--version", action="version", version=f"mutualgains {__version__}")
    parser.add_argument("--debug", action="store_true", help=_DEBUG_HELP)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"mutualgains.cli.{name}").add_parser(sub)
    for command in {id(p): p for p in sub.choices.values()}.values():
        # after the command: `mutualgains solve x --debug` (the default leaves the main one)
        command.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                             help=_DEBUG_HELP)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after ``mutualgains``; None reads ``sys.argv`` and runs as a
        program (see the module documentation for Ctrl-C).

    Examples
    --------
    >>> main(["solve", "missing.yaml"])
    2
    >>> main(["solve", "harbour", "--time-limit", "-1"])
    2
    """
    program = argv is None
    words = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in words[: words.index("--")] if "--" in words else "--debug" in words
    try:
        try:
            args = _parser().parse_args(words)
        except SystemExit as stop:  # --help, or a bad option (already reported on one line)
            return _exit_code(stop)
        debug = args.debug
        if program:
            warnings.formatwarning = _warning_line
        code = _run_in_worker(args) if program else _report(lambda: args.run(args), debug)
        if program:
            _flush_stdout()
        return code
    except KeyboardInterrupt:
        if not program:
            raise
        _stop_now()
    except Exception as err:  # building the parser failed: a command module is broken
        return _internal(err, debug)


def _run_in_worker(args: argparse.Namespace) -> int:
    """Run the command in a worker thread; the main thread waits, ready for Ctrl-C."""
    if getattr(args, "main_thread", False):
        return _report(lambda: args.run(args), args.debug)
    outcome: list[int] = []
    worker = threading.Thread(
        target=lambda: outcome.append(_report(lambda: args.run(args), args.debug)),
        name="mutualgains-command", daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(0.1)  # a short wait keeps the main thread responsive to signals
    return outcome[0] if outcome else EXIT_INTERNAL


def _report(run: Callable[[], int], debug: bool) -> int:
    """Run the command; turn each failure into its lines on stderr and its exit status."""
    try:
        return run()
    except BrokenPipeError:  # output piped into a command that stopped reading (head)
        _silence_stdout()
        return 0
    except CaseError as err:
        for problem in err.problems:
            _error(f"error: {problem}")
        return EXIT_BAD_INPUT
    except MutualGainsError as err:
        for line in str(err).splitlines() or [type(err).__name__]:
            _error(f"error: {line}")
        return EXIT_BAD_INPUT
    except OSError as err:  # a file that cannot be read or written
        where = f"{err.filename}: " if err.filename else ""
        _error(f"error: {where}{err.strerror or err}")
        return EXIT_BAD_INPUT
    except MemoryError:
        _error("error: out of memory: the case is too large for this machine")
        return EXIT_BAD_INPUT
    except SystemExit as stop:
        return _exit_code(stop)
    except Exception as err:
        return _internal(err, debug)


def _internal(err: BaseException, debug: bool) -> int:
    if debug:
        traceback.print_exception(err, file=sys.stderr)
    text = " ".join(str(err).split())[:300]
    _error(f"internal error: {type(err).__name__}{': ' + text if text else ''} "
           "(please report; rerun with --debug for the traceback)")
    return EXIT_INTERNAL


def _warning_line(message: Warning | str, category: type, filename: str, lineno: int,
                  line: str | None = None) -> str:
    """A warning on the command line: one line, without the source line behind it."""
    return f"warning: {message}\n"


def _error(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _exit_code(stop: SystemExit) -> int:
    if stop.code is None:
        return 0
    return stop.code if isinstance(stop.code, int) else EXIT_BAD_INPUT


def _flush_stdout() -> None:
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's final flush stays quiet too."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives until the interpreter exits


def _stop_now() -> NoReturn:
    """Ctrl-C: flush what was printed (waiting at most half a second), say so, exit 130."""

    def flush() -> None:
        with contextlib.suppress(Exception):
            sys.stdout.flush()

    flusher = threading.Thread(target=flush, daemon=True)
    flusher.start()
    flusher.join(0.5)  # a worker blocked on a full pipe holds stdout's lock: do not wait on it
    with contextlib.suppress(Exception):
        os.write(2, b"interrupted\n")
    os._exit(EXIT_INTERRUPTED)
