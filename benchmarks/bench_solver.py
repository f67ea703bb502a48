"""Time building and solving the package program on synthetic cases.

For each size the script builds a random case with the public model API and measures

* **build**: ``PackageProgram(case)`` plus the joint objective, exactly as
  ``mutualgains.solve`` does it (``_Run.set_joint_objective``);
* **solve**: the solver call ``program.model.solve(...)`` for the joint
  objective, with HiGHS and with PuLP's bundled CBC, split into the time the
  solver engine itself reports and the rest (PuLP handing the model over and
  reading the answer back);
* **nash**: the whole ``mutualgains.solve(case, "nash")`` call with HiGHS.

Every solve has a time limit (``--time-limit``, default 60 s). Gaps are
recomputed on the joint *gain* (objective including the constant
``-sum(weight * batna)``), from HiGHS's dual bound or from CBC's log.

Usage::

    python benchmarks/bench_solver.py            # all sizes, print the table
    python benchmarks/bench_solver.py --write    # ... and update benchmarks/README.md
    python benchmarks/bench_solver.py --quick    # the three smallest sizes
    python benchmarks/bench_solver.py --sizes 5x50x10,10x100x10:k7v2

A size is ``PxIxO`` (parties x issues x options per issue), optionally followed by
``:kKvV`` for a k-of-n decision rule: at least K parties accept, and the first V
parties have a veto.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as _dt
import json
import math
import os
import platform
import re
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pulp

import mutualgains as mg
from mutualgains.engine.program import PackageProgram

README = Path(__file__).with_name("README.md")
START, END = "<!-- results:start -->", "<!-- results:end -->"
SOLVERS = ("highs", "cbc")
DEFAULT_SEED = 20240611


# ----------------------------------------------------------------------- sizes


@dataclass(frozen=True)
class Size:
    """Parties x issues x options, with an optional k-of-n rule (V veto parties)."""

    parties: int
    issues: int
    options: int
    min_parties: int | None = None
    n_veto: int = 0

    @property
    def label(self) -> str:
        base = f"{self.parties}x{self.issues}x{self.options}"
        if self.min_parties is None:
            return base
        return f"{base}:k{self.min_parties}v{self.n_veto}"

    @property
    def rule(self) -> str:
        if self.min_parties is None:
            return "all"
        return f"{self.min_parties} of {self.parties}, {self.n_veto} veto"

    @classmethod
    def parse(cls, text: str) -> Size:
        m = re.fullmatch(r"\s*(\d+)x(\d+)x(\d+)(?::k(\d+)v(\d+))?\s*", text)
        if not m:
            raise argparse.ArgumentTypeError(f"size {text!r}: expected PxIxO or PxIxO:kKvV")
        p, i, o = (int(g) for g in m.group(1, 2, 3))
        k = None if m.group(4) is None else int(m.group(4))
        v = 0 if m.group(5) is None else int(m.group(5))
        if min(p, i, o) < 1 or (k is not None and not (1 <= k <= p and v <= k)):
            raise argparse.ArgumentTypeError(f"size {text!r}: need positive sizes, "
                                             "1 <= K <= P and V <= K")
        return cls(p, i, o, k, v)


SIZES: tuple[Size, ...] = tuple(Size.parse(s) for s in (
    "2x10x5",
    "3x20x5",
    "5x50x10",
    "10x100x10",
    "10x100x10:k7v2",
    "20x100x20",
    "20x100x20:k14v3",
    "20x200x20",
))
QUICK = SIZES[:3]


# --------------------------------------------------------------------- cases


@dataclass(frozen=True)
class Instance:
    """The raw data of one synthetic case (a fresh ``Case`` is made per run)."""

    size: Size
    scores: np.ndarray  # parties x issues x options, integers 0..100
    batnas: np.ndarray
    witness_attempts: int
    violated: int  # parties whose BATNA the unconstrained joint optimum violates
    binds: bool  # the unconstrained joint optimum fails the decision rule

    def case(self) -> mg.Case:
        s = self.size
        veto = [f"p{p}" for p in range(s.n_veto)]
        rule = (mg.DecisionRule() if s.min_parties is None
                else mg.DecisionRule(min_parties=s.min_parties, veto=veto))
        parties = [mg.Party(f"p{p}", batna=int(self.batnas[p])) for p in range(s.parties)]
        options = tuple(f"o{k}" for k in range(s.options))
        issues = [mg.Issue(f"i{i}", options) for i in range(s.issues)]
        scores = {f"p{p}": {f"i{i}": self.scores[p, i].tolist() for i in range(s.issues)}
                  for p in range(s.parties)}
        return mg.Case(parties, issues, scores, decision_rule=rule, name=f"synthetic {s.label}")


def _passes(size: Size, accepted: np.ndarray) -> bool:
    if size.min_parties is None:
        return bool(accepted.all())
    return bool(accepted[: size.n_veto].all() and accepted.sum() >= size.min_parties)


def make_instance(size: Size, *, seed: int = DEFAULT_SEED, fraction: float = 0.9) -> Instance:
    """Random integer scores 0..100 and BATNAs that a witness package meets but that bind.

    The witness maximises a random (Dirichlet(0.5)) weighting of the parties'
    scores, so it is Pareto-optimal and favours some parties; each BATNA is
    ``floor(fraction * utility under the witness)``, so the witness passes under
    any rule. Witnesses are redrawn (at most 100 times) until the package that
    maximises the unconstrained joint score fails the decision rule, i.e. until
    acceptance binds.
    """
    rng = np.random.default_rng(np.random.SeedSequence(
        [seed, size.parties, size.issues, size.options, size.min_parties or 0, size.n_veto]))
    p, n, o = size.parties, size.issues, size.options
    scores = rng.integers(0, 101, size=(p, n, o))
    rows = np.arange(n)
    joint_best = scores[:, rows, scores.sum(axis=0).argmax(axis=1)].sum(axis=1)
    attempts = 0
    while True:
        attempts += 1
        weights = rng.dirichlet(np.full(p, 0.5))
        witness = np.einsum("p,pio->io", weights, scores).argmax(axis=1)
        batnas = np.floor(fraction * scores[:, rows, witness].sum(axis=1)).astype(int)
        accepted = joint_best >= batnas
        if not _passes(size, accepted) or attempts == 100:
            break
    return Instance(size, scores, batnas, attempts, int((~accepted).sum()),
                    not _passes(size, accepted))


# ------------------------------------------------------------------- timing


@contextlib.contextmanager
def _capture_stdout_fd() -> Iterator[list[str]]:
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


def _cbc_log_numbers(log: str) -> dict:
    """Objective, bound and wall time from a CBC log (no objective constant, as CBC sees it)."""
    found = {}
    for key, pattern in (("objective", r"^Objective value:\s+(\S+)"),
                         ("bound", r"^(?:Upper|Lower) bound:\s+(\S+)"),
                         ("engine_seconds", r"^Total time \(CPU seconds\):.*"
                                            r"\(Wallclock seconds\):\s+(\S+)"),
                         ("result", r"^Result - (.*)$")):
        m = re.search(pattern, log, re.MULTILINE)
        if m:
            found[key] = m.group(1).strip() if key == "result" else float(m.group(1))
    return found


def _prob(program: PackageProgram):
    """The PuLP problem inside the library's model (read-only, for diagnostics)."""
    return getattr(program.model, "_prob", None)


def _combined_terms(program: PackageProgram, weights: np.ndarray) -> tuple[list, list]:
    """Terms of ``sum_p weights[p] * U_p``, through the library when it offers them."""
    if hasattr(program, "combined_terms"):
        return program.combined_terms(weights)
    combined = weights @ program.case.score_matrix  # older library versions
    nz = np.flatnonzero(combined)
    return [program.x[j] for j in nz], combined[nz].tolist()


def _relative_gap(value: float, bound: float) -> float:
    return max(0.0, bound - value) / max(1.0, abs(value))


def build_joint(inst: Instance) -> tuple[mg.Case, PackageProgram, float, float, float]:
    """A fresh case and its program with the joint objective; seconds for case and build."""
    t = time.perf_counter()
    case = inst.case()
    case_seconds = time.perf_counter() - t

    t = time.perf_counter()
    program = PackageProgram(case)
    # as mutualgains.analysis.solve._Run.set_joint_objective
    weights = np.array([float(p.weight) for p in case.parties])
    idx, coef = _combined_terms(program, weights)
    constant = -float(weights @ case.batnas)
    program.model.set_objective(idx, coef, constant=constant)
    return case, program, constant, case_seconds, time.perf_counter() - t


def run_joint(inst: Instance, solver: str, time_limit: float, repeats: int = 3) -> dict:
    """Build (median of ``repeats`` fresh builds) and solve the joint objective once."""
    builds = [build_joint(inst) for _ in range(repeats)]
    case, program, constant, _, _ = builds[-1]
    case_seconds = float(np.median([b[3] for b in builds]))
    build_seconds = float(np.median([b[4] for b in builds]))
    weights = np.array([float(p.weight) for p in case.parties])

    prob = _prob(program)
    nnz = None if prob is None else sum(len(c) for c in prob.constraints.values())
    row = {"solver": solver, "case_seconds": case_seconds, "build_seconds": build_seconds,
           "variables": program.model.n_variables, "rows": program.model.n_rows, "nnz": nnz}

    log = None
    t = time.perf_counter()
    try:
        if solver == "cbc":  # the log is the only place CBC reports its bound
            with _capture_stdout_fd() as captured:
                out = program.model.solve(solver=solver, time_limit=time_limit, msg=True)
            log = captured[0]
        else:
            out = program.model.solve(solver=solver, time_limit=time_limit)
    except Exception as err:  # report, do not hide, a crash inside the solver call
        row.update(solve_seconds=time.perf_counter() - t, status="error",
                   error=f"{type(err).__name__}: {err}")
        return row
    row["solve_seconds"] = time.perf_counter() - t
    row["status"] = out.status.value
    row["library_gap"] = out.gap
    row["library_bound"] = out.bound

    bound = engine = None
    if solver == "highs" and prob is not None and getattr(prob, "solverModel", None) is not None:
        highs = prob.solverModel
        engine = highs.getRunTime()
        dual = highs.getInfo().mip_dual_bound
        if math.isfinite(dual):
            # PuLP hands HiGHS the negated objective without its constant
            bound = (-dual if prob.sense == pulp.LpMaximize else dual) + constant
        row["nodes"] = highs.getInfo().mip_node_count
    elif log is not None:
        numbers = _cbc_log_numbers(log)
        engine = numbers.get("engine_seconds")
        if "bound" in numbers:
            bound = numbers["bound"] + constant
        row["cbc_result"] = numbers.get("result")
    row["engine_seconds"] = engine

    if out.values is not None:
        choice = program.choice(out.values)
        package = case.package_from_indices(choice)
        gains = case.gains(package)
        row["value"] = float(sum(weights[k] * gains[p] for k, p in enumerate(case.party_names)))
        row["passes"] = case.passes(package)
        if out.status.value == "optimal":
            bound = row["value"]
        if bound is not None:
            row["bound"] = bound
            row["gap"] = _relative_gap(row["value"], bound)
    elif bound is not None:
        row["bound"] = bound
    return row


def run_nash(inst: Instance, time_limit: float) -> dict:
    """The whole ``mutualgains.solve(case, "nash")`` call with HiGHS."""
    case = inst.case()
    t = time.perf_counter()
    try:
        result = mg.solve(case, "nash", solver="highs", time_limit=time_limit)
    except Exception as err:  # a crash inside the library is a finding, not a stop
        return {"seconds": time.perf_counter() - t, "status": "error",
                "error": f"{type(err).__name__}: {err}"}
    return {"seconds": time.perf_counter() - t, "status": result.status.value,
            "solver_seconds": result.seconds, "gap": result.gap,
            "log_nash": result.details.get("log_nash"),
            "log_bound": result.details.get("log_bound"), "message": result.message}


def warm_up() -> None:
    """Load both solvers once so the first timed size pays no start-up cost."""
    inst = make_instance(Size(2, 3, 2))
    for solver in SOLVERS:
        run_joint(inst, solver, 10.0)


def bench(sizes: Sequence[Size], *, time_limit: float, fraction: float, seed: int,
          nash: bool = True, progress=None) -> list[dict]:
    results = []
    for size in sizes:
        inst = make_instance(size, seed=seed, fraction=fraction)
        entry = {"size": size.label, "rule": size.rule, "violated": inst.violated,
                 "binds": inst.binds, "witness_attempts": inst.witness_attempts,
                 "joint": {s: run_joint(inst, s, time_limit) for s in SOLVERS}}
        if nash:
            entry["nash"] = run_nash(inst, time_limit)
        results.append(entry)
        if progress:
            progress(entry)
    return results


# ------------------------------------------------------------------- report


def _secs(x: float | None) -> str:
    if x is None:
        return "-"
    if x >= 10:
        return f"{x:.1f}"
    if x >= 0.1:
        return f"{x:.2f}"
    return f"{x:.3f}"


def _pct(x: float | None) -> str:
    if x is None:
        return "?"
    if x == 0:
        return "0"
    return f"{100 * x:.2g}%" if x < 0.01 else f"{100 * x:.1f}%"


def _status(row: dict) -> str:
    status = row.get("status", "?")
    if status == "optimal":
        return "optimal" if row.get("passes", True) else "optimal, FAILS RULE"
    if status == "feasible":
        return f"feasible, gap {_pct(row.get('gap'))}"
    if status == "error":
        return f"error ({row.get('error', '').split(':')[0]})"
    if status == "time_limit":
        return "time limit, no package"
    return status.replace("_", " ")


def _agreement(h: dict, c: dict) -> str:
    if h.get("status") == "optimal" and c.get("status") == "optimal":
        hv, cv = h["value"], c["value"]
        same = abs(hv - cv) <= mg.TOLERANCE * max(1.0, abs(hv))
        return f"{hv:g} (agree)" if same else f"DIFFER: {hv:g} vs {cv:g}"
    proven = [r for r in (h, c) if r.get("status") == "optimal"]
    if proven:
        return f"{proven[0]['value']:g} ({'HiGHS' if proven[0] is h else 'CBC'} only)"
    values = [r["value"] for r in (h, c) if "value" in r]
    return f"best found {max(values):g}" if values else "-"


def _nash_cell(n: dict | None) -> tuple[str, str]:
    if n is None:
        return "-", "-"
    status = n["status"]
    if status == "optimal":
        cell = "optimal"
    elif status == "feasible":
        cell = f"feasible, gap {_pct(n.get('gap'))}"
        if _nash_bound_invalid(n):
            cell += " (bound < incumbent!)"
    elif status == "error":
        cell = f"error ({n['error'].split(':')[0]})"
    else:
        cell = status.replace("_", " ")
    return _secs(n["seconds"]), cell


def _nash_bound_invalid(n: dict) -> bool:
    """Whether the reported log bound lies below the incumbent's log Nash (impossible)."""
    lo, hi = n.get("log_nash"), n.get("log_bound")
    return lo is not None and hi is not None and math.isfinite(hi) and hi < lo - 1e-6


def table(results: list[dict]) -> str:
    head = ["size P x I x O", "rule", "vars / rows / nnz", "binds", "build s",
            "HiGHS solve s", "HiGHS", "CBC solve s", "CBC", "build share H / C",
            "outside engine H / C", "HiGHS / CBC", "joint optimum", "Nash s", "Nash"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for e in results:
        h, c = e["joint"]["highs"], e["joint"]["cbc"]
        shares = []
        outside = []
        for r in (h, c):
            total = r["build_seconds"] + r["solve_seconds"]
            shares.append(_pct(r["build_seconds"] / total) if total > 0 else "?")
            eng = r.get("engine_seconds")
            outside.append("?" if eng is None else _secs(max(0.0, r["solve_seconds"] - eng)))
        ratio = h["solve_seconds"] / c["solve_seconds"] if c["solve_seconds"] > 0 else math.nan
        if "optimal" not in (h.get("status"), c.get("status")) or h["status"] != c["status"]:
            ratio_cell = f"{ratio:.2f} (not both proven)"
        else:
            ratio_cell = f"{ratio:.2f}"
        nnz = h.get("nnz")
        model = f"{h['variables']} / {h['rows']} / {nnz if nnz is not None else '?'}"
        nash_s, nash = _nash_cell(e.get("nash"))
        lines.append("| " + " | ".join([
            e["size"].split(":")[0], e["rule"], model,
            f"yes ({e['violated']} of {e['size'].split('x')[0]})" if e["binds"] else "NO",
            f"{_secs(h['build_seconds'])} / {_secs(c['build_seconds'])}",
            _secs(h["solve_seconds"]), _status(h), _secs(c["solve_seconds"]), _status(c),
            " / ".join(shares), " / ".join(outside), ratio_cell, _agreement(h, c),
            nash_s, nash,
        ]) + " |")
    return "\n".join(lines)


def notes(results: list[dict]) -> list[str]:
    """What the table cannot show: shares overall, library-reported gaps, errors."""
    out = []
    runs = [r for e in results for r in e["joint"].values() if "solve_seconds" in r]
    share = {id(r): r["build_seconds"] / (r["build_seconds"] + r["solve_seconds"]) for r in runs}
    if runs:
        out.append(f"Build share of build + solve over all {len(runs)} joint runs: median "
                   f"{_pct(float(np.median(list(share.values()))))}, "
                   f"max {_pct(max(share.values()))}.")
    big = [r for r in runs if r["build_seconds"] + r["solve_seconds"] >= 0.5
           and r.get("engine_seconds") is not None]
    if big:
        outside = [(r["build_seconds"] + r["solve_seconds"] - r["engine_seconds"])
                   / (r["build_seconds"] + r["solve_seconds"]) for r in big]
        out.append(f"Over the {len(big)} joint runs taking 0.5 s or more: build share max "
                   f"{_pct(max(share[id(r)] for r in big))}; everything outside the solver "
                   f"engine (build + PuLP handing the model over and reading the answer back) "
                   f"median {_pct(float(np.median(outside)))}, max {_pct(max(outside))}.")
    worst = max(results, key=lambda e: e["joint"]["highs"]["case_seconds"])
    out.append(f"`Case(...)` construction (validation) took at most "
               f"{_secs(worst['joint']['highs']['case_seconds'])} s ({worst['size']}); "
               "it is not counted in build.")
    for e in results:
        if not e["binds"]:
            out.append(f"{e['size']}: no witness within 100 draws made acceptance bind.")
        for solver, r in e["joint"].items():
            if r.get("status") == "feasible":
                lib = r.get("library_gap")
                out.append(f"{e['size']} {solver}: stopped at the time limit with joint gain "
                           f"{r['value']:g}, bound {r.get('bound', float('nan')):g} "
                           f"(gap {_pct(r.get('gap'))}); the library's MipOutcome reported "
                           f"gap {_pct(lib) if lib is not None else 'None'}, bound "
                           f"{r.get('library_bound')}.")
            elif r.get("status") not in ("optimal", "feasible"):
                out.append(f"{e['size']} {solver}: {r.get('status')} "
                           f"{r.get('error', '')}".rstrip())
        n = e.get("nash")
        if n and n["status"] == "error":
            out.append(f"{e['size']} Nash: `mutualgains.solve` raised {n['error']!r} after "
                       f"{_secs(n['seconds'])} s.")
        elif n and n["status"] != "optimal":
            extra = (" The bound lies below the incumbent, so it is not a valid bound."
                     if _nash_bound_invalid(n) else "")
            out.append(f"{e['size']} Nash: {n['status']}, reported gap {n.get('gap')}, "
                       f"log Nash {_num(n.get('log_nash'))}, log bound "
                       f"{_num(n.get('log_bound'))}, message {n.get('message')!r}.{extra}")
    return out


def _num(x: float | None) -> str:
    return "None" if x is None else f"{x:.6g}"


def environment() -> str:
    return (f"{_dt.date.today().isoformat()}, {platform.machine()} with {os.cpu_count()} cores, "
            f"Python {platform.python_version()}, PuLP {pulp.__version__}, "
            f"highspy {_version('highspy')}, bundled CBC (PuLP); mutualgains {_library_state()}")


def _library_state() -> str:
    """Commit of the library and whether its files differ from it (read-only git calls)."""
    import subprocess

    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, text=True,
                              capture_output=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "--no-optional-locks", "status", "--porcelain",
                                "--", "mutualgains"], cwd=root, text=True,
                               capture_output=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return mg.__version__
    return f"{mg.__version__} at {head}" + (" with uncommitted changes" if dirty else "")


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "?"


def report(results: list[dict], args: argparse.Namespace, seconds: float) -> str:
    shown, skip = [], False
    for a in sys.argv[1:]:  # the command as run, without --write and --json PATH
        if skip or a == "--write" or a.startswith("--json"):
            skip = a == "--json"
            continue
        shown.append(a)
    command = " ".join(["python benchmarks/bench_solver.py", *shown])
    body = [
        f"Command: `{command}` (time limit {args.time_limit:g} s per solve, "
        f"BATNA fraction {args.fraction:g}, seed {args.seed}); whole run {seconds:.0f} s.",
        f"Machine: {environment()}.",
        "",
        table(results),
        "",
    ]
    body += [f"- {n}" for n in notes(results)]
    return "\n".join(body)


def write_readme(text: str, path: Path = README, start: str = START, end: str = END) -> None:
    """Replace what lies between the markers ``start`` and ``end`` in ``path``."""
    content = path.read_text()
    if start not in content or end not in content:
        raise SystemExit(f"{path}: markers {start} / {end} not found")
    before, rest = content.split(start, 1)
    _, after = rest.split(end, 1)
    path.write_text(f"{before}{start}\n{text}\n{end}{after}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="only the three smallest sizes")
    parser.add_argument("--sizes", type=lambda s: [Size.parse(x) for x in s.split(",") if x],
                        help="comma-separated sizes PxIxO[:kKvV]; default: "
                             + ",".join(s.label for s in SIZES))
    parser.add_argument("--time-limit", type=float, default=60.0,
                        help="seconds per solver call, and for the whole Nash call (default 60)")
    parser.add_argument("--fraction", type=float, default=0.9,
                        help="BATNA = floor(fraction * utility under the witness) (default 0.9)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--no-nash", action="store_true", help="skip the full Nash solve")
    parser.add_argument("--write", action="store_true",
                        help=f"replace the results between the markers in {README.name}")
    parser.add_argument("--json", type=Path, help="also dump the raw measurements here")
    args = parser.parse_args(argv)
    sizes = args.sizes or (QUICK if args.quick else SIZES)

    def progress(entry: dict) -> None:
        h, c = entry["joint"]["highs"], entry["joint"]["cbc"]
        n = entry.get("nash", {})
        print(f"  {entry['size']:>18}: build {h['build_seconds']:.3f}s, HiGHS "
              f"{h['solve_seconds']:.2f}s {h['status']}, CBC {c['solve_seconds']:.2f}s "
              f"{c['status']}, Nash {n.get('seconds', 0):.2f}s {n.get('status', '-')}",
              file=sys.stderr, flush=True)

    started = time.perf_counter()
    warm_up()
    results = bench(sizes, time_limit=args.time_limit, fraction=args.fraction, seed=args.seed,
                    nash=not args.no_nash, progress=progress)
    text = report(results, args, time.perf_counter() - started)
    print(text)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str))
    if args.write:
        write_readme(text)
        print(f"\nwrote {README}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
