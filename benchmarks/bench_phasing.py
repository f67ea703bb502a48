"""Time the phasing program (``mutualgains.phasing.run.phase``) on synthetic instances.

For each size ``NxT`` (N projects, T periods) and instance family the script builds a
random case with the public API (``Case``, ``Issue``, ``Party``, ``Precedes``,
``Phasing``, ``Project``; every project of the package "in"), and measures the whole
``phase`` call with

* HiGHS and CBC (``solver="highs"`` / ``"cbc"``, PuLP's bundled CBC);
* the "started by" formulation (default) and the plain start-variable one
  (``formulation="start"``);

each with the size's target gap and time limit. It also reports the model size, the
linear relaxation's bound and how far the greedy / LP-guided list schedule (the MIP
start) is below it.

Usage::

    python benchmarks/bench_phasing.py            # the default sizes and families (~12 min)
    python benchmarks/bench_phasing.py --write    # ... and update benchmarks/PHASING.md
    python benchmarks/bench_phasing.py --quick    # 10x8 and 30x12, standard family
    python benchmarks/bench_phasing.py --sizes 300x20 --families tight --solvers highs

Gaps are relative: (bound - value) / value, from HiGHS's dual bound or CBC's log
(``Upper bound``); 0 when proven optimal. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as _dt
import json
import os
import platform
import re
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pulp

import mutualgains as mg
from mutualgains import Case, Issue, Party, Precedes
from mutualgains import phasing as ph
from mutualgains.model.phasing import Phasing, Project

REPORT = Path(__file__).with_name("PHASING.md")
START, END = "<!-- results:start -->", "<!-- results:end -->"
DEFAULT_SEED = 20240611

# size -> (target relative gap, time limit in seconds)
SIZES: dict[str, tuple[float, float]] = {
    "10x8": (0.0, 30.0),
    "30x12": (0.0, 30.0),
    "100x20": (0.005, 10.0),
    "300x20": (0.005, 10.0),
    "300x40": (0.01, 60.0),
}
# family -> (share of the total cost the horizon's budget covers, carry-over, discount)
FAMILIES: dict[str, tuple[float, float, float]] = {
    "standard": (0.8, 0.5, 0.03),
    "tight": (0.6, 0.5, 0.03),
}
# the sizes each family runs by default (the tight family: the large sizes only)
FAMILY_SIZES: dict[str, tuple[str, ...]] = {
    "standard": tuple(SIZES),
    "tight": ("100x20", "300x20", "300x40"),
}
SOLVERS = ("highs", "cbc")
FORMULATIONS = ("started_by", "start")


# ------------------------------------------------------------------ instances


def instance(n: int, periods: int, family: str, seed: int) -> tuple[Case, dict[str, str]]:
    """A random phasing case with ``n`` projects over ``periods`` periods, and its package.

    - 5 parties of weight 1;
    - durations 1..min(6, max(2, T // 3)) periods; total cost lognormal (median 20) times
      sqrt(duration), spread evenly, front-loaded or back-loaded;
    - each project is worth its cost times a lognormal(0, 0.5) factor, split among 1-3
      parties (plus 1 point each); one project in five costs another party 1-5 points;
    - precedence: each project has 0, 1 or 2 predecessors (probabilities 0.45, 0.4, 0.15)
      among the 30 projects before it;
    - budget per period: the family's share of the total cost, divided by T.
    """
    share, carry, discount = FAMILIES[family]
    rng = np.random.default_rng([seed, n, periods])
    parties = [f"P{k}" for k in range(5)]
    issues = [Issue(f"j{k}", ("out", "in")) for k in range(n)]
    scores: dict[str, dict[str, list[int]]] = {p: {} for p in parties}
    projects = []
    longest = min(6, max(2, periods // 3))
    for k in range(n):
        d = int(rng.integers(1, longest + 1))
        total = float(np.round(rng.lognormal(np.log(20), 0.7) * d ** 0.5))
        shape = int(rng.integers(3))
        w = np.ones(d) if shape == 0 else np.linspace(2, 1, d) if shape == 1 else \
            np.linspace(1, 2, d)
        projects.append(Project({f"j{k}": "in"}, d, np.round(total * w / w.sum(), 1).tolist()))
        worth = total * rng.lognormal(0, 0.5)
        who = rng.choice(len(parties), size=int(rng.integers(1, 4)), replace=False)
        for p, s in zip(who, rng.dirichlet(np.ones(len(who))), strict=True):
            scores[parties[p]][f"j{k}"] = [0, round(float(worth * s)) + 1]
        if rng.random() < 0.2:
            p = int(rng.integers(len(parties)))
            scores[parties[p]].setdefault(f"j{k}", [0, -int(rng.integers(1, 6))])
    edges = set()
    for q in range(1, n):
        for _ in range(int(rng.choice([0, 1, 2], p=[0.45, 0.4, 0.15]))):
            edges.add((int(rng.integers(max(0, q - 30), q)), q))
    precedes = [Precedes({f"j{a}": "in"}, {f"j{b}": "in"}) for a, b in sorted(edges)]
    budget = round(share * sum(sum(p.cost) for p in projects) / periods, 1)
    plan = Phasing(periods, budget, carry_over=carry, discount=discount, projects=projects)
    case = Case([Party(p) for p in parties], issues, scores, precedes=precedes, phasing=plan,
                name=f"{family} {n}x{periods}")
    return case, {f"j{k}": "in" for k in range(n)}


def parse_size(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"(\d+)x(\d+)", text.strip())
    if not m:
        raise argparse.ArgumentTypeError(f"size must look like 300x20, got {text!r}")
    return int(m.group(1)), int(m.group(2))


# ------------------------------------------------------------------ measuring


@contextlib.contextmanager
def capture_stdout_fd() -> Iterator[list[str]]:
    """Send file descriptor 1 (and so a solver subprocess's log) to a buffer."""
    out: list[str] = []
    sys.stdout.flush()
    saved = os.dup(1)
    with tempfile.TemporaryFile("w+") as tmp:
        os.dup2(tmp.fileno(), 1)
        try:
            yield out
        finally:
            sys.stdout.flush()
            os.dup2(saved, 1)
            os.close(saved)
            tmp.seek(0)
            out.append(tmp.read())


def cbc_bound(log: str) -> float | None:
    """The last MIP bound in a CBC log (maximisation: ``Upper bound``)."""
    found = re.findall(r"^(?:Upper|Lower) bound:\s+(\S+)", log, re.MULTILINE)
    return float(found[-1]) if found else None


def model_stats(case: Case, package: dict[str, str], formulation: str,
                relax: bool = True) -> dict:
    """Size of the program, the LP bound and the MIP start's value (library internals)."""
    choice = ph._package(case, package)
    plan = ph._settings(case, None, None, None, None)
    inst = ph._instance(case, choice, plan)
    t = time.perf_counter()
    win = ph._windows(inst, False)
    program = ph._Program(inst, win, formulation, False)
    idx, coef = program.objective_terms()
    program.model.set_objective(idx, coef)
    build = time.perf_counter() - t
    prob = program.model._prob
    stats = {"binaries": sum(len(s) for s in win.starts), "rows": program.model.n_rows,
             "nnz": sum(len(c) for c in prob.constraints.values()), "build_seconds": build}
    if not relax:
        return stats
    relaxed = program.model.solve(relax=True)
    stats["lp_bound"] = relaxed.objective
    stats["lp_seconds"] = relaxed.seconds
    t = time.perf_counter()
    plain = ph._greedy(inst, win, {}, None, False)
    guided = ph._greedy(inst, win, {}, None, False, program.fractions(relaxed.values))
    stats["greedy_seconds"] = time.perf_counter() - t
    stats["greedy"] = ph._schedule_value(inst, plain)
    stats["start"] = ph._schedule_value(inst, guided)
    return stats


def run(case: Case, package: dict, solver: str, formulation: str, gap: float,
        time_limit: float) -> dict:
    row = {"solver": solver, "formulation": formulation}
    t = time.perf_counter()
    try:
        if solver == "cbc":  # the log is the only place CBC reports its bound
            with capture_stdout_fd() as captured:
                result = ph.phase(case, package, solver=solver, formulation=formulation,
                                  gap=gap, time_limit=time_limit, msg=True)
            bound = cbc_bound(captured[0])
        else:
            result = ph.phase(case, package, solver=solver, formulation=formulation, gap=gap,
                              time_limit=time_limit)
            bound = result.bound
    except Exception as err:  # report a crash inside the call, do not hide it
        row.update(status="error", seconds=time.perf_counter() - t,
                   error=f"{type(err).__name__}: {err}")
        return row
    row["seconds"] = time.perf_counter() - t
    row["solver_seconds"] = result.seconds
    row["status"] = result.status.value
    row["value"] = result.discounted_value
    if result.status.value == "optimal":
        bound = result.discounted_value
    row["bound"] = bound
    if bound is not None and result.discounted_value:
        row["gap"] = max(0.0, bound - result.discounted_value) / abs(result.discounted_value)
    else:
        row["gap"] = result.gap
    row["scheduled"] = sum(not p.deferred for p in result.projects)
    row["valid"] = _valid(case, result)
    return row


def _valid(case: Case, result: ph.PhaseResult) -> bool:
    """Budget (with carry-over), precedence and horizon, checked from the result's frames."""
    plan = case.phasing
    carried, ok = 0.0, True
    for t, spend in enumerate(result.spend_per_period()):
        left = plan.budget[t] + carried - spend
        ok &= left >= -1e-6 * max(1.0, plan.budget[t])
        carried = plan.carry_over * max(left, 0.0)
    start = {p.option: p for p in result.projects}
    for rel in case.precedes:
        a, b = start.get(rel.before), start.get(rel.after)
        if a is not None and b is not None and b.start is not None:
            ok &= a.start is not None and a.finish < b.start
    return bool(ok and all(p.finish is None or p.finish <= plan.periods
                           for p in result.projects))


# ------------------------------------------------------------------ report


def fmt_gap(g: float | None) -> str:
    return "?" if g is None else "0" if g <= 1e-9 else f"{100 * g:.2f} %"


def report(entries: list[dict], args: argparse.Namespace, seconds: float) -> str:
    lines = [
        f"Measured {environment()}; whole run {seconds / 60:.1f} min"
        f" (load average at start {entries[0]['load'] if entries else '?'}).",
        "",
        "| family | size | binaries / rows / non-zeros | target | LP bound | greedy / start "
        "below LP | solver | formulation | status | seconds | gap | scheduled |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for e in entries:
        s = e["stats"]
        lp = s["lp_bound"]
        below = f"{100 * (lp - s['greedy']) / lp:.2f} / {100 * (lp - s['start']) / lp:.2f} %"
        target = f"gap {fmt_gap(e['gap'])}, {e['time_limit']:g} s"
        for r in e["runs"]:
            size = f"{s['binaries']} / {s['rows']} / {s['nnz']}" \
                if r["formulation"] == "started_by" else \
                f"{e['start_stats']['binaries']} / {e['start_stats']['rows']} / " \
                f"{e['start_stats']['nnz']}"
            status = r["status"] + ("" if r.get("valid", True) else " INVALID")
            lines.append(
                f"| {e['family']} | {e['size']} | {size} | {target} | {lp:.1f} | {below} | "
                f"{r['solver']} | {r['formulation']} | {status} | {r['seconds']:.1f} | "
                f"{fmt_gap(r.get('gap'))} | {r.get('scheduled', '-')}/{e['n']} |")
    errors = [r for e in entries for r in e["runs"] if r.get("error")]
    for r in errors:
        lines.append(f"\nerror ({r['solver']}, {r['formulation']}): {r['error']}")
    return "\n".join(lines)


def environment() -> str:
    from importlib.metadata import version

    return (f"{_dt.date.today().isoformat()}, {platform.machine()} with {os.cpu_count()} cores, "
            f"Python {platform.python_version()}, PuLP {pulp.__version__}, "
            f"highspy {version('highspy')}, bundled CBC (PuLP), mutualgains {mg.__version__}")


def write_report(table: str) -> None:
    text = REPORT.read_text() if REPORT.exists() else f"{START}\n{END}\n"
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    REPORT.write_text(f"{head}{START}\n{table}\n{END}{tail}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", help="comma-separated NxT (default: all of "
                                        f"{', '.join(SIZES)})")
    parser.add_argument("--families", default=",".join(FAMILIES),
                        help=f"comma-separated ({', '.join(FAMILIES)})")
    parser.add_argument("--solvers", default=",".join(SOLVERS))
    parser.add_argument("--formulations", default=",".join(FORMULATIONS))
    parser.add_argument("--time-limit", type=float, help="override every size's time limit")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--quick", action="store_true", help="10x8 and 30x12, standard family")
    parser.add_argument("--write", action="store_true", help=f"update {REPORT.name}")
    parser.add_argument("--json", metavar="PATH", help="write the raw measurements")
    args = parser.parse_args(argv)
    families = [f.strip() for f in args.families.split(",")]
    if args.quick:
        args.sizes, families = "10x8,30x12", ["standard"]
    began = time.perf_counter()
    entries = []
    for family in families:
        sizes = [s.strip() for s in args.sizes.split(",")] if args.sizes else \
            list(FAMILY_SIZES[family])
        for size in sizes:
            n, periods = parse_size(size)
            gap, limit = SIZES.get(size, (0.005, 60.0))
            if args.time_limit:
                limit = args.time_limit
            case, package = instance(n, periods, family, args.seed)
            entry = {"family": family, "size": size, "n": n, "gap": gap, "time_limit": limit,
                     "load": f"{os.getloadavg()[0]:.2f}",
                     "stats": model_stats(case, package, "started_by"),
                     "start_stats": model_stats(case, package, "start", relax=False),
                     "runs": []}
            for solver in args.solvers.split(","):
                for formulation in args.formulations.split(","):
                    row = run(case, package, solver, formulation, gap, limit)
                    entry["runs"].append(row)
                    print(f"{family} {size} {solver} {formulation}: {row['status']} "
                          f"{row['seconds']:.1f}s gap {fmt_gap(row.get('gap'))} "
                          f"(load {os.getloadavg()[0]:.2f})", file=sys.stderr, flush=True)
            entries.append(entry)
    table = report(entries, args, time.perf_counter() - began)
    print(table)
    if args.json:
        Path(args.json).write_text(json.dumps(entries, indent=2, default=str))
    if args.write:
        write_report(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
