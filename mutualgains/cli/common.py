"""What every command shares: reading CASE (a file, a folder or a built-in example), parsing
``--package``, checked option values, output files, the solver options, and printing text
or JSON.

Option values are checked when the command line is parsed, with the constraints of
:mod:`mutualgains.params` (the same words as the Python API): a bad one is one line,
``error: argument --time-limit: must be a number above 0 (got '-1')``, before any work.

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
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mutualgains.errors import CaseError, Problem, UsageError
from mutualgains.params import GAP, METHOD, TIME_LIMIT, Constraint, Integer, Names, Real

if TYPE_CHECKING:  # pragma: no cover
    from mutualgains.model import Case

__all__ = ["CASE_HELP", "STDIN", "add_case", "add_json", "add_method", "add_solver", "checked",
           "emit", "load", "names", "output_file", "parse_package", "plot_file",
           "read_case_text"]

CASE_HELP = ("a .yaml/.yml/.json case file, an Excel workbook, a scorable-game, GENIUS or "
             "GeniusWeb domain folder, a GeniusWeb profile .json, a built-in example name "
             "(harbour, regional), or - to read a YAML or JSON case from standard input")

STDIN = "-"
"""The CASE that reads the case from standard input."""


def checked(constraint: Constraint, convert: Callable[[str], Any] = float) -> Callable[[str], Any]:
    """An argparse ``type=``: ``convert`` the text, then check it with ``constraint``.

    Examples
    --------
    >>> seconds = checked(Real(low=0, strict=True))
    >>> seconds("2.5")
    2.5
    >>> seconds("-1")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: must be a number above 0 (got '-1')
    """

    def parse(text: str) -> Any:
        try:
            value = convert(text)
        except (ValueError, OverflowError):
            value = None
        if value is None or not constraint.accepts(value):
            raise argparse.ArgumentTypeError(f"must be {constraint.describe()} (got {text!r})")
        return value

    return parse


def names(min_length: int = 1) -> Callable[[str], list[str]]:
    """An argparse ``type=`` for comma-separated names (at least ``min_length``).

    Examples
    --------
    >>> names(2)("Port, City")
    ['Port', 'City']
    """
    constraint = Names(min_length=min_length)

    def parse(text: str) -> list[str]:
        items = [p.strip() for p in text.split(",")]
        if not constraint.accepts(items):
            least = f"at least {min_length} " if min_length > 1 else ""
            raise argparse.ArgumentTypeError(f"must be {least}comma-separated non-empty names "
                                             f"(got {text!r})")
        return items

    return parse


def output_file(text: str) -> str:
    """An argparse ``type=`` for a file to write: its folder must exist, and a file must be
    creatable there (tried: a new file is removed again; an existing one is left as it is).

    Checked before any work, so that a long solve does not end in a failed write.

    Examples
    --------
    >>> output_file("/no/such/folder/out.png")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: '/no/such/folder/out.png': no such folder '/no/such/folder'
    """
    if not text.strip() or "\0" in text:
        raise argparse.ArgumentTypeError(f"must be a file name (got {text!r})")
    path = Path(text)
    folder = path.parent
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{text!r} is a folder, not a file")
    if not folder.is_dir():
        raise argparse.ArgumentTypeError(f"{text!r}: no such folder {str(folder)!r}")
    if path.exists() and not path.is_file():
        raise argparse.ArgumentTypeError(f"{text!r} is not a regular file")
    existed = path.exists()
    try:
        with open(path, "ab"):
            pass
    except OSError as err:
        raise argparse.ArgumentTypeError(f"{text!r}: cannot be written "
                                         f"({err.strerror or err})") from None
    if not existed:
        path.unlink(missing_ok=True)
    return text


def plot_file(text: str) -> str:
    """An argparse ``type=`` for a plot to save: :func:`output_file` with a format that
    matplotlib writes (png, svg, pdf...), and matplotlib installed.

    Examples
    --------
    >>> plot_file("chart.docx")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: 'chart.docx': unknown plot format 'docx' (known: ...)
    """
    try:
        from matplotlib.backend_bases import FigureCanvasBase
    except ImportError:  # pragma: no cover - depends on the environment
        raise argparse.ArgumentTypeError(
            'saving plots needs matplotlib: pip install "mutualgains[plot]"') from None
    known = sorted(FigureCanvasBase.get_supported_filetypes())
    kind = Path(text).suffix.lower().lstrip(".")
    if kind not in known:
        raise argparse.ArgumentTypeError(f"{text!r}: unknown plot format {kind or '(none)'!r} "
                                f"(known: {', '.join(known)})")
    return output_file(text)


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
    parser.add_argument("--method", default="auto", choices=METHOD.values,
                        help="the exact path: auto (default) decides from the case; dp (the "
                             "dynamic program), enumerate (every package) and mip (integer "
                             "programs) force one")


SECONDS = checked(TIME_LIMIT.inner)
"""``type=`` of ``--time-limit``: seconds above 0."""

RELATIVE_GAP = checked(GAP)
"""``type=`` of ``--gap``: from 0 (exact) to 1."""

COUNT = checked(Integer(low=1), int)
"""``type=`` of counts such as ``-k``: a whole number of at least 1."""

SHARE = checked(Real(low=0, high=1))
"""``type=`` of shares such as ``--carry-over``: from 0 to 1."""

RATE = checked(Real(low=0))
"""``type=`` of rates such as ``--discount``: at least 0."""


def add_solver(parser: argparse.ArgumentParser, *, gap: bool = True) -> None:
    """``--solver``, ``--time-limit`` and (with ``gap``) ``--gap``.

    Examples
    --------
    >>> p = argparse.ArgumentParser(); add_solver(p); p.parse_args(["--gap", "0.1"]).gap
    0.1
    """
    parser.add_argument("--solver", default="highs", help="highs (default), cbc, or a PuLP solver")
    parser.add_argument("--time-limit", type=SECONDS, default=None, metavar="SECONDS",
                        help="stop after this many seconds and report the gap")
    if gap:
        parser.add_argument("--gap", type=RELATIVE_GAP, default=0.0,
                            help="relative MIP gap (default 0: exact)")


def load(name: str) -> Case:
    """The case that CASE names: ``-`` (standard input), a file or folder, else an example.

    A path that exists always wins over an example of the same name. A name that
    is neither (and does not look like a path) is reported with the examples.

    Examples
    --------
    >>> load("regional").name
    'Regional water and land deal'
    >>> load("harbor")
    Traceback (most recent call last):
    ...
    mutualgains.errors.CaseError: 1 problem in the case:
      CASE: no such file or folder, nor an example (examples: harbour, regional) (got 'harbor')
    """
    from mutualgains.io.casefile import load_case
    from mutualgains.io.examples import EXAMPLES, load_example

    if name == STDIN:
        return read_case_text(sys.stdin.read())
    path = Path(name)
    if not path.exists():
        if name in EXAMPLES:
            return load_example(name)
        if not path.suffix and os.sep not in name and "/" not in name:
            raise CaseError([Problem("CASE", "no such file or folder, nor an example "
                                     f"(examples: {', '.join(EXAMPLES)})", repr(name))])
    return load_case(name)


def read_case_text(text: str, where: str = "<stdin>") -> Case:
    """A case from the text of a YAML or JSON case file (JSON when it starts with ``{``).

    Read exactly as a case file is (the same parser, duplicate keys refused);
    problems are placed at ``where`` (line and column included).

    Examples
    --------
    >>> read_case_text('{"parties": {"A": 1}, "issues": {"i": ["x", "y"]}, '
    ...                '"scores": {"A": {"i": [0, 2]}}}').n_packages
    2
    >>> read_case_text("parties: {A: 1}\\nissues: {i: [x]\\n")
    Traceback (most recent call last):
    ...
    mutualgains.errors.CaseError: 1 problem in the case:
      <stdin>:3:1: malformed YAML (got did not find expected ',' or '}')
    """
    import dataclasses
    import tempfile

    from mutualgains.errors import CaseError, Problem
    from mutualgains.io.casefile import load_case

    if not text.strip():
        raise CaseError([Problem(where, "is empty")])
    suffix = ".json" if text.lstrip().startswith("{") else ".yaml"
    with tempfile.TemporaryDirectory(prefix="mutualgains-") as folder:
        path = Path(folder) / f"stdin{suffix}"
        path.write_text(text, encoding="utf-8")
        try:
            return load_case(path)
        except CaseError as err:  # name the input, not the temporary file
            raise CaseError([dataclasses.replace(p, where=p.where.replace(str(path), where))
                             for p in err.problems]) from None


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
        except (ValueError, RecursionError) as err:  # ValueError: also a 5000-digit number
            why = err.msg if isinstance(err, json.JSONDecodeError) else \
                "nested too deeply" if isinstance(err, RecursionError) else str(err)[:80]
            raise UsageError(f"--package: malformed JSON ({why})") from None
        if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
            raise UsageError("--package: must be a JSON object of issue -> option names")
        return data
    out = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        issue, sep, option = part.partition("=")
        if not sep or not issue.strip() or not option.strip():
            raise UsageError(f"--package: expected issue=option, got {part!r}")
        out[issue.strip()] = option.strip()
    if not out:
        raise UsageError(f"--package: expected issue=option,..., got {text!r}")
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
