"""``mutualgains robust CASE``: how sure a package is when scores and BATNAs are uncertain.

For the package (``--package``, default: the joint optimum at the case's values) it
reports each party's probability of accepting and the rule's of passing (exact
where possible, else from ``--samples`` draws), which party's uncertainty matters
most, the stability radius (absolute and relative), the rank acceptability of the
``-k`` best packages, how often each package is the best when the scores are
drawn (``--samples`` solves: on ``--workers`` or a ``--scheduler``, rows to ``--out``),
and a robust package (every party accepting with probability ``--q``, by sample
average approximation on ``--saa-samples`` scenarios) with what it costs.

The uncertainty is the case's own; ``--noise REL`` makes every score (and with
``--batnas``, every BATNA) uncertain by a relative REL (shape ``--shape``, normal
by default: sd REL times the value) when the case states none. Exit status 0
with a package, 1 without (no agreement at the case's values), 2 for bad input.

Examples
--------
>>> from mutualgains.cli import main
>>> main(["robust", "harbour", "--noise", "0.1", "--samples", "200", "--no-optima",
...       "--no-robust"])
Harbour Sport Park: package water and land, improve, union only, 3 billion, 150 million
uncertainty: every score normal, sd 10 % of its value
<BLANKLINE>
acceptance (exact where marked; else 200 draws, 95 % intervals)
party                 probability     low    high  method
Port                     0.848107  0.8481  0.8481  normal
...
0
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from mutualgains.cli.common import add_case, add_json, emit, load, parse_package
from mutualgains.cli.sweep import add_executor, executor_options
from mutualgains.errors import UsageError

if TYPE_CHECKING:  # pragma: no cover
    from mutualgains.model import Case

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add the command to the ``mutualgains`` parser.

    Examples
    --------
    >>> p = argparse.ArgumentParser(); add_parser(p.add_subparsers())
    >>> args = p.parse_args(["robust", "harbour", "--noise", "0.1", "--samples", "50"])
    >>> args.noise, args.samples, args.k
    (0.1, 50, 5)
    """
    p = sub.add_parser("robust", help="how sure a package is under uncertain scores and "
                                      "BATNAs")
    add_case(p)
    p.add_argument("--package", help="issue=option,... (default: the joint optimum)")
    p.add_argument("--noise", type=float, metavar="REL",
                   help="every score uncertain by a relative REL when the case states no "
                        "uncertainty (0.1: 10 %%)")
    p.add_argument("--shape", default="normal",
                   choices=("normal", "uniform", "triangular", "interval"),
                   help="the shape of --noise (default normal: sd REL times the value)")
    p.add_argument("--batnas", action="store_true", help="--noise on the BATNAs too")
    p.add_argument("--samples", type=int, default=10_000, metavar="N",
                   help="draws for the estimates, and solves of drawn cases (default 10000)")
    p.add_argument("--seed", type=int, default=0, help="seed of every draw (default 0)")
    p.add_argument("-k", type=int, default=5, help="rank acceptability of the k best "
                                                   "packages (default 5)")
    p.add_argument("--q", type=float, default=0.9,
                   help="the robust package: every party accepts with at least this "
                        "probability (default 0.9)")
    p.add_argument("--saa-samples", type=int, default=200, metavar="N",
                   help="scenarios of the robust package's program (default 200)")
    p.add_argument("--optima", action=argparse.BooleanOptionalAction, default=True,
                   help="solve --samples drawn cases: how often each package is the best")
    p.add_argument("--robust", action=argparse.BooleanOptionalAction, default=True,
                   help="find the robust package")
    add_executor(p, out_help="append the drawn solves to FILE (.parquet or .csv); the same "
                             "command again resumes")
    add_json(p)
    p.set_defaults(run=run)


def _uncertain_case(args: argparse.Namespace) -> tuple[Case, str]:
    from mutualgains.model.noise import with_noise

    case = load(args.case)
    own = case.uncertainty is not None and not case.uncertainty.is_empty
    if own:
        note = "the case's own uncertainty" + (" (--noise ignored)" if args.noise else "")
        return case, note
    if args.noise is None:
        raise UsageError("the case states no uncertainty: give --noise REL (0.1: every "
                         "score uncertain by 10 %)")
    if args.noise < 0:
        raise UsageError(f"--noise: must be non-negative, got {args.noise}")
    case = with_noise(case, args.noise, shape=args.shape, batnas=args.batnas)
    spread = "sd" if args.shape == "normal" else "half-width"
    what = "every score and BATNA" if args.batnas else "every score"
    return case, f"{what} {args.shape}, {spread} {100 * args.noise:g} % of its value"


def _check(args: argparse.Namespace) -> None:
    for name in ("samples", "k", "saa_samples"):
        if getattr(args, name) < 1:
            raise UsageError(f"--{name.replace('_', '-')}: must be at least 1")
    if args.seed < 0:
        raise UsageError("--seed: must be non-negative")


def run(args: argparse.Namespace) -> int:
    """Run the command for parsed ``args``; return the exit status.

    Examples
    --------
    >>> p = argparse.ArgumentParser(); add_parser(p.add_subparsers())
    >>> run(p.parse_args(["robust", "harbour", "--noise", "0.1", "--samples", "100",
    ...                   "--no-optima", "--no-robust", "--json"]))
    {
      "case": "Harbour Sport Park",
    ...
    0
    """
    from mutualgains.analysis.robustness_accept import acceptance, importance
    from mutualgains.analysis.robustness_package import robust_package
    from mutualgains.analysis.robustness_radius import stability_radius
    from mutualgains.analysis.robustness_rank import rank_acceptability
    from mutualgains.analysis.solve import solve

    _check(args)
    case, note = _uncertain_case(args)
    if args.package:
        package = case.package_from_indices(case.package_indices(parse_package(args.package)))
    else:
        best = solve(case)
        if best.package is None:
            emit(args, {"case": case.name, "status": best.status.value},
                 f"{case.name}: {best.status.value}: no package to analyse (give --package)")
            return 1
        package = dict(best.package)
    samples, seed = args.samples, args.seed
    report: dict[str, Any] = {"case": case.name, "package": package, "uncertainty": note}
    report["acceptance"] = acceptance(case, package, samples=samples, seed=seed)
    report["importance"] = importance(case, package, samples=samples, seed=seed)
    report["radius"] = [stability_radius(case, package, relative=r) for r in (False, True)]
    report["ranks"] = rank_acceptability(case, args.k, samples=samples, seed=seed)
    if args.optima:
        from mutualgains.sweeps import sampled_optima

        report["optima"] = sampled_optima(case, samples, seed=seed, **executor_options(args))
    if args.robust:
        report["robust"] = robust_package(case, q=args.q, samples=args.saa_samples, seed=seed,
                                          validate=samples)
    data = {k: (v.to_dict() if hasattr(v, "to_dict") else
                [x.to_dict() for x in v] if isinstance(v, list) else v)
            for k, v in report.items()}
    emit(args, data, _text(report, samples))
    return 0


def _text(report: dict[str, Any], samples: int) -> str:
    from mutualgains.display import format_number, text_table

    acc = report["acceptance"]
    lines = [f"{report['case']}: package {', '.join(report['package'].values())}",
             f"uncertainty: {report['uncertainty']}", "",
             f"acceptance (exact where marked; else {samples} draws, "
             f"{acc.confidence:.0%} intervals)".replace("%", " %"),
             text_table(["party", "probability", "low", "high", "method"],
                        [[r.party, r.probability, round(r.low, 4), round(r.high, 4), r.method]
                         for r in acc.parties]),
             f"the rule passes with probability {format_number(acc.rule_probability)} "
             f"({acc.rule_method}" + (f", [{acc.rule_low:.4g}, {acc.rule_high:.4g}])"
                                      if acc.rule_method == "monte carlo" else ")"), ""]
    imp = report["importance"]
    lines += ["whose uncertainty matters most (the rule's probability without it)",
              text_table(["party", "variance share", "without", "change"],
                         [[r["party"], round(r["share"], 4), round(r["without"], 4),
                           round(r["change"], 4)] for r in imp.rows]), ""]
    lines.append("stability radius (the largest change of every number under which it ...)")
    rows = []
    for r in report["radius"]:
        unit = "share of each value" if r.relative else "points"
        rows.append([f"{r.measure} ({unit}, {r.box})", r.passes, r.binding or "-",
                     "-" if r.best is None else r.best, r.best_by or "-"])
    lines += [text_table(["measure", "still passes", "first to break", "stays best",
                          "ends by"], rows), ""]
    ranks = report["ranks"].to_frame()
    shown = [c for c in ranks.columns if c.startswith(("candidate", "nominal", "rank ",
                                                       "fails"))]
    lines += [f"rank acceptability of the {len(ranks)} best packages ({samples} draws)",
              text_table(shown, ranks[shown].values.tolist()), ""]
    if "optima" in report:
        optima = report["optima"]
        frame = optima.to_frame().head(5)
        lines += [f"the best package when the scores are drawn ({optima.samples} solves, "
                  f"{optima.sweep.executor}; no agreement in {optima.no_agreement})",
                  text_table(list(frame.columns), frame.values.tolist()), ""]
    if "robust" in report:
        robust = report["robust"]
        if robust.package is None:
            lines.append(f"robust package: {robust.status.value} ({robust.message})")
        else:
            lines += [f"robust package (SAA, every party accepting with probability >= "
                      f"{robust.q}, {robust.samples} scenarios): "
                      f"{', '.join(robust.package.values())}",
                      f"expected joint gain {format_number(robust.expected_joint_gain)} "
                      f"against {format_number(robust.nominal_expected_joint_gain)}: "
                      f"robustness costs {format_number(robust.cost)}; it passes with "
                      f"probability {format_number(robust.rule_probability)} (the nominal "
                      f"best: {format_number(robust.nominal_rule_probability)})"]
            if robust.message:
                lines.append(f"note: {robust.message}")
    return "\n".join(lines).rstrip()
