"""What every command shares: reading CASE (a file, a folder or a built-in example), parsing
``--package``, the solver options, and printing text or JSON.

Examples
--------
>>> parse_package("loan=2 billion, ecology=maintain")
{'loan': '2 billion', 'ecology': 'maintain'}
>>> load("harbour").name
'Harbour Sport Park'
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mutualgains.errors import UsageError

if TYPE_CHECKING:  # pragma: no cover
    from mutualgains.model import Case

__all__ = ["CASE_HELP", "add_case", "add_json", "add_method", "add_solver", "emit", "load",
           "parse_package"]

CASE_HELP = ("a .yaml/.yml/.json case file, an Excel workbook, a scorable-game or GENIUS "
             "domain folder, or a built-in example name (harbour, regional)")


def add_case(parser: argparse.ArgumentParser) -> None:
    """The positional CASE argument.

    Examples
    --------
    >>> p = argparse.ArgumentParser(); add_case(p); p.parse_args(["harbour"]).case
    'harbour'
    """
    parser.add_argument("case", help=CASE_HELP)


def add_json(parser: argparse.ArgumentParser) -> None:
    """``--json``: print one JSON object.

    Examples
    --------
    >>> p = argparse.ArgumentParser(); add_json(p); p.parse_args(["--json"]).json
    True
    """
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def add_method(parser: argparse.ArgumentParser) -> None:
    """``--method``: the exact path (``auto`` decides from the case).

    Examples
    --------
    >>> p = argparse.ArgumentParser(); add_method(p); p.parse_args([]).method
    'auto'
    """
    from mutualgains.engine.paths import METHODS

    parser.add_argument("--method", default="auto", choices=METHODS,
                        help="the exact path: auto (default) decides from the case; dp (the "
                             "dynamic program), enumerate (every package) and mip (integer "
                             "programs) force one")


def add_solver(parser: argparse.ArgumentParser, *, gap: bool = True) -> None:
    """``--solver``, ``--time-limit`` and (with ``gap``) ``--gap``.

    Examples
    --------
    >>> p = argparse.ArgumentParser(); add_solver(p); p.parse_args(["--gap", "0.1"]).gap
    0.1
    """
    parser.add_argument("--solver", default="highs", help="highs (default), cbc, or a PuLP solver")
    parser.add_argument("--time-limit", type=float, default=None, metavar="SECONDS",
                        help="stop after this many seconds and report the gap")
    if gap:
        parser.add_argument("--gap", type=float, default=0.0,
                            help="relative MIP gap (default 0: exact)")


def load(name: str) -> Case:
    """The case that CASE names: a file or folder, else a built-in example.

    A path that exists always wins over an example of the same name.

    Examples
    --------
    >>> load("regional").name
    'Regional water and land deal'
    """
    from mutualgains.io.casefile import load_case
    from mutualgains.io.examples import EXAMPLES, load_example

    if name in EXAMPLES and not Path(name).exists():
        return load_example(name)
    return load_case(name)


def parse_package(text: str) -> dict[str, str]:
    """``issue=option,issue=option`` (or a JSON object) as a mapping.

    Examples
    --------
    >>> parse_package('{"loan": "none"}')
    {'loan': 'none'}
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


def emit(args: argparse.Namespace, data: Any, text: str) -> None:
    """Print ``data`` as JSON with ``--json``, else ``text``.

    Examples
    --------
    >>> emit(argparse.Namespace(json=True), {"status": "optimal"}, "optimal")
    {
      "status": "optimal"
    }
    """
    print(json.dumps(data, indent=2, ensure_ascii=False) if args.json else text)
