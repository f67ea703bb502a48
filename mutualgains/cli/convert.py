"""``mutualgains convert IN OUT --to FORMAT``: a case in another format.

IN is anything the other commands read (a case file, a workbook, a scorable-game,
GENIUS or GeniusWeb folder, a GeniusWeb profile, a built-in example name). FORMAT is
``yaml``, ``json`` or ``excel`` (OUT a file; exact), or ``genius`` or ``geniusweb`` (OUT
a new or empty folder; utilities mapped into [0, 1], one map per party, printed). Without
``--to`` the format is taken from OUT's suffix (``.yaml``, ``.yml``, ``.json``, ``.xlsx``).

What the target format cannot express (a decision rule, money, dependencies it lacks...)
makes the command stop with one line per part on stderr and exit 2; ``--lossy`` drops
those parts instead and lists them on stderr as warnings.

Examples
--------
>>> import tempfile, pathlib
>>> from mutualgains.cli import main
>>> out = pathlib.Path(tempfile.mkdtemp()) / "harbour"
>>> main(["convert", "harbour", str(out), "--to", "genius"])
2
>>> main(["convert", "harbour", str(out), "--to", "genius", "--lossy"])
wrote GENIUS to ...harbour (6 files)
  Port: utility in the file = utility / 100.0
...
  dropped decision_rule: GENIUS cannot express a decision rule other than unanimity (got ...)
0
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from mutualgains.cli.common import CASE_HELP, add_json, emit, load
from mutualgains.errors import CaseError, Problem, UsageError

__all__ = ["FORMATS", "add_parser", "run"]

FORMATS = ("yaml", "json", "excel", "genius", "geniusweb")
"""The formats ``--to`` accepts."""

_SUFFIXES = {"yaml": (".yaml", ".yml"), "json": (".json",), "excel": (".xlsx",)}


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add the command to the ``mutualgains`` parser.

    Examples
    --------
    >>> p = argparse.ArgumentParser(); add_parser(p.add_subparsers())
    >>> p.parse_args(["convert", "harbour", "out", "--to", "geniusweb", "--lossy"]).lossy
    True
    """
    p = sub.add_parser("convert", help="write a case in another format (YAML, JSON, Excel, "
                                       "GENIUS, GeniusWeb)",
                       description="Write a case in another format. GENIUS and GeniusWeb "
                                   "utilities lie in [0, 1]: each party's utilities are mapped "
                                   "by (utility - shift) / scale, printed. What the format "
                                   "cannot express is an error unless --lossy.")
    p.add_argument("case", metavar="IN", help=CASE_HELP)
    p.add_argument("out", metavar="OUT", help="the file (yaml, json, excel) or new folder "
                                              "(genius, geniusweb) to write")
    p.add_argument("--to", choices=FORMATS, help="the format (default: from OUT's suffix)")
    p.add_argument("--lossy", action="store_true",
                   help="drop what the format cannot express (listed on stderr) instead of "
                        "stopping")
    p.add_argument("--overwrite", action="store_true",
                   help="replace OUT (a file, or the files of the same names in a folder)")
    p.add_argument("--tags", choices=("short", "class"), default="short",
                   help="GeniusWeb utility tags: short (discreteutils; GeniusWeb Java, NegMAS; "
                        "default) or class (DiscreteValueSetUtilities; GeniusWeb Python)")
    add_json(p)
    p.set_defaults(run=run)


def _format(args: argparse.Namespace) -> str:
    suffix = Path(args.out).suffix.lower()
    if args.to is None:
        for name, suffixes in _SUFFIXES.items():
            if suffix in suffixes:
                return name
        raise UsageError(f"convert: say --to ({', '.join(FORMATS)}); OUT {args.out!r} has no "
                         "case-file suffix (.yaml, .yml, .json, .xlsx)")
    if args.to in _SUFFIXES and suffix not in _SUFFIXES[args.to]:
        raise UsageError(f"convert: --to {args.to} writes a {' or '.join(_SUFFIXES[args.to])} "
                         f"file (got OUT {args.out!r})")
    return args.to


def _flags(text: str) -> str:
    """A library message in the command's words (``lossy=True`` is ``--lossy``)."""
    return text.replace("lossy=True", "--lossy").replace("overwrite=True", "--overwrite")


def run(args: argparse.Namespace) -> int:
    """Run the command for parsed ``args``; return the exit status.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = argparse.ArgumentParser(); add_parser(p.add_subparsers())
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "harbour.yaml"
    >>> run(p.parse_args(["convert", "harbour", str(out)]))
    wrote yaml to ...harbour.yaml
    0
    """
    fmt = _format(args)
    case = load(args.case)
    if fmt in _SUFFIXES:
        from mutualgains.io.casefile import save_case

        out = Path(args.out)
        if out.exists() and not args.overwrite:
            raise UsageError(f"convert: {out} exists (pass --overwrite to replace it)")
        save_case(case, out)
        emit(args, {"format": fmt, "file": str(out)}, f"wrote {fmt} to {out}")
        return 0
    if fmt == "genius":
        from mutualgains.io.genius.writer import write_genius as write
        options = {}
    else:
        from mutualgains.io.geniusweb.writer import write_geniusweb as write
        options = {"tags": args.tags}
    from mutualgains.io.export import LossyConversionWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", LossyConversionWarning)
        try:
            export = write(case, args.out, lossy=args.lossy, overwrite=args.overwrite,
                           **options)
        except CaseError as err:
            raise CaseError([Problem(p.where, _flags(p.rule), p.got)
                             for p in err.problems]) from None
        except UsageError as err:
            raise UsageError(_flags(str(err))) from None
    for warning in caught:
        if issubclass(warning.category, LossyConversionWarning):
            for line in str(warning.message).splitlines():
                print(f"warning: {_flags(line.strip())}", file=sys.stderr)
        else:
            warnings.warn_explicit(warning.message, warning.category, warning.filename,
                                   warning.lineno)
    emit(args, export.to_dict(), export.text())
    return 0
