"""The ``mutualgains phase`` command: schedule a package's projects over periods.

``mutualgains phase CASE [--package issue=option,...] [--json]`` phases the
package (by default the best package for ``--objective``, joint unless said)
with the case's phasing data; ``--periods``, ``--budget``, ``--carry-over`` and
``--discount`` override them. CASE is a case file (or folder) or the name of
a built-in example (``regional``). ``--gantt FILE`` and ``--spend-chart FILE``
save the two plots (needs matplotlib).

Exit status: 0 with a schedule, 1 without (infeasible, time limit, no package).

Examples
--------
>>> from mutualgains.cli import main
>>> main(["phase", "regional", "--periods", "4", "--complete"])
infeasible: no schedule realises every project within 4 periods: ...
1
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING

from mutualgains.cli.common import (
    COUNT,
    RATE,
    RELATIVE_GAP,
    SECONDS,
    SHARE,
    add_case,
    add_json,
    load,
    parse_package,
    plot_file,
)
from mutualgains.cli.solve import add_objective
from mutualgains.errors import UsageError

if TYPE_CHECKING:  # pragma: no cover
    from mutualgains.phasing import PhaseResult

__all__ = ["add_parser", "run"]

FORMULATION_NAMES = ("started_by", "start")


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add the ``phase`` command to the ``subparsers`` of the ``mutualgains`` parser.

    Examples
    --------
    >>> parser = argparse.ArgumentParser(prog="mutualgains")
    >>> add_parser(parser.add_subparsers(dest="command"))
    >>> parser.parse_args(["phase", "case.yaml", "--budget", "10,20"]).budget
    '10,20'
    """
    p = sub.add_parser(
        "phase", help="schedule the projects of a package over periods under a budget",
        description="Schedule the projects of a package over periods under a budget, "
                    "maximising the discounted value realised (step 6: start small, show "
                    "successes).")
    add_case(p)
    p.add_argument("--package", help='the package: "issue=option,..." or a JSON object '
                                     "(default: the best package for --objective)")
    add_objective(p, "objective that picks the package when --package is not given")
    p.add_argument("--periods", type=COUNT, help="length of the horizon (overrides the case)")
    p.add_argument("--budget", help="budget per period: one number or comma-separated amounts")
    p.add_argument("--carry-over", type=SHARE, help="share of unspent money carried over (0..1)")
    p.add_argument("--discount", type=RATE, help="discount rate per period")
    p.add_argument("--first-gain-by", type=COUNT, metavar="PERIOD",
                   help="every party sees a first gain by this period")
    p.add_argument("--value-by", metavar="PERIOD,VALUE",
                   help="the weighted value realised by PERIOD is at least VALUE")
    p.add_argument("--earliest", action="store_true",
                   help="second stage: among schedules of the same value, start earliest")
    p.add_argument("--complete", action="store_true",
                   help="every project must finish within the horizon")
    p.add_argument("--formulation", default="started_by", choices=FORMULATION_NAMES)
    p.add_argument("--solver", default="highs", help="highs (default), cbc, or a PuLP solver")
    p.add_argument("--time-limit", type=SECONDS, default=None, metavar="SECONDS")
    p.add_argument("--gap", type=RELATIVE_GAP, default=0.0,
                   help="relative MIP gap (default 0: exact)")
    p.add_argument("--gantt", type=plot_file, metavar="FILE",
                   help="save the Gantt chart (png, svg, pdf)")
    p.add_argument("--spend-chart", type=plot_file, metavar="FILE",
                   help="save the spend-versus-budget chart")
    add_json(p)
    p.set_defaults(run=run)


def _numbers(text: str, option: str) -> float | list[float]:
    try:
        values = [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise UsageError(f"{option}: expected a number or comma-separated numbers, "
                         f"got {text!r}") from None
    if not values:
        raise UsageError(f"{option}: expected a number, got {text!r}")
    return values[0] if len(values) == 1 else values


def _save_plots(args: argparse.Namespace, result: PhaseResult) -> None:
    if not (args.gantt or args.spend_chart):
        return
    if not result.has_schedule:
        for option, path in (("--gantt", args.gantt), ("--spend-chart", args.spend_chart)):
            if path:
                print(f"note: {option}: no schedule, so {path} was not written", file=sys.stderr)
        return
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    from mutualgains.plots import gantt_chart, spend_chart

    for option, path, draw in (("--gantt", args.gantt, gantt_chart),
                               ("--spend-chart", args.spend_chart, spend_chart)):
        if path:
            ax = draw(result)  # laid out by the plot (constrained layout)
            figure = ax.figure
            assert isinstance(figure, Figure)  # the plots draw on a figure of their own
            try:
                figure.savefig(path, dpi=120, bbox_inches="tight")
            except OSError as err:
                raise UsageError(f"{option}: cannot write {path} ({err.strerror or err})") \
                    from None
            finally:
                plt.close(figure)


def run(args: argparse.Namespace) -> int:
    """Run ``mutualgains phase`` for parsed ``args``; return the exit status.

    Raises :class:`~mutualgains.errors.CaseError` and
    :class:`~mutualgains.errors.UsageError` for bad input (the command line
    reports them and exits with 2).

    Examples
    --------
    >>> parser = argparse.ArgumentParser(prog="mutualgains")
    >>> add_parser(parser.add_subparsers(dest="command"))
    >>> run(parser.parse_args(["phase", "regional", "--json"]))
    {
      "status": "optimal",
    ...
    0
    """
    # the options' text first: a malformed one fails before any work
    package: Mapping[str, str] | None = parse_package(args.package) if args.package else None
    budget = None if args.budget is None else _numbers(args.budget, "--budget")
    value_by = None
    if args.value_by:
        parts = args.value_by.split(",")
        try:
            value_by = (int(parts[0]), float(parts[1]))
        except (ValueError, IndexError):
            raise UsageError(f"--value-by: expected PERIOD,VALUE, got {args.value_by!r}") \
                from None
    case = load(args.case)  # a bad case is refused before the solvers are imported
    from mutualgains.analysis.solve import solve
    from mutualgains.phasing import phase

    if package is None:
        found = solve(case, args.objective, solver=args.solver)
        if found.package is None:
            text = f"{found.status.value}: no package to phase ({found.message})"
            if args.json:
                print(json.dumps({"status": found.status.value, "message": text}, indent=2))
            else:
                print(text)
            return 1
        package = found.package
    result = phase(case, package, periods=args.periods, budget=budget,
                   carry_over=args.carry_over, discount=args.discount,
                   first_gain_by=args.first_gain_by, value_by=value_by, earliest=args.earliest,
                   complete=args.complete, formulation=args.formulation, solver=args.solver,
                   time_limit=args.time_limit, gap=args.gap)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    elif result.has_schedule:
        print(result)
    else:
        print(f"{result.status.value}: {result.message}")
    _save_plots(args, result)
    return 0 if result.has_schedule else 1
