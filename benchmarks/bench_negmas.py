"""mutualgains side by side with NegMAS and brute force: the same answers, and how fast.

NegMAS (https://github.com/yasserfarouk/negmas), the negotiation library researchers use,
finds Pareto frontiers and bargaining points by evaluating every outcome. mutualgains
solves the same questions as integer programs. Three parts, one command:

1. ``genius``: every domain of ``../shared/cases/genius`` small enough to enumerate,
   loaded by both (NegMAS' profiles rebuilt in GENIUS semantics, see ``negmas_side.py``);
   best joint outcome, Nash point, Kalai-Smorodinsky point and Pareto frontier in both,
   checked to agree, timed, with the numpy brute force of ``mutualgains.testing`` as a
   third, independent answer where it fits in memory;
2. ``synthetic``: random linear-additive domains with 2 and 3 parties, 4x5 .. 10x5 issues
   x options in both tools, 20x10 .. 100x10 in mutualgains alone; each tool runs in a
   fresh subprocess so its peak memory can be measured;
3. ``frontier``: the exact frontier of GENIUS' nonlinear domains (10^10 to 10^40
   outcomes) against the frontier GENIUS ships (``frontier_vs_genius.py``).

Usage (NegMAS comes with the ``benchmarks`` extra)::

    python -m pip install -e ".[benchmarks]"
    python benchmarks/bench_negmas.py --write     # everything (~17 min), rewrites README.md
    python benchmarks/bench_negmas.py --quick     # small domains only (~20 s)

Exit status 1 when any answer disagrees (the tables say where).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

import mutualgains as mg
from mutualgains.io.genius import read_genius
from mutualgains.testing import BruteForce

sys.path.insert(0, str(Path(__file__).resolve().parent))
import frontier_vs_genius
from bench_solver import README, environment, write_readme

ROOT = frontier_vs_genius.ROOT
START, END = "<!-- negmas:start -->", "<!-- negmas:end -->"
TOL = 1e-6  # absolute on utilities and gains, relative on Nash products
ENUMERABLE = 10_000_000  # outcomes: NegMAS is run up to here
BRUTE_FORCE = 6_000_000  # outcomes: the numpy brute force is run up to here
SYNTHETIC = [(4, 5), (5, 5), (6, 5), (7, 5), (8, 5), (9, 5), (10, 5), (20, 10), (50, 10),
             (100, 10)]
QUICK_GENIUS = ["ANAC2010-ItexvsCypress", "ANAC2012-AcquisitionA", "ANAC2013-Coffee",
                "ANAC2015-group2-new_sporthal", "ANAC2012-FitnessA"]
QUICK_FRONTIER = ["Genius-S-1NAGUNL-114", "Genius-S-1NIKFRT-1"]


# --------------------------------------------------------------------------- answers


def ours(case: mg.Case, frontier_limit: float, method: str = "auto") -> dict:
    """mutualgains' answers, each timed on its own (wall clock).

    ``method`` as in :func:`mutualgains.solve`: ``auto`` (the path the case calls
    for) or a forced one (``mip``: integer programs throughout).
    """
    out: dict = {"method": method}
    for objective in ("joint", "nash", "ks"):
        start = time.perf_counter()
        result = mg.solve(case, objective, method=method)
        out[f"{objective}_s"] = time.perf_counter() - start
        out[f"{objective}_by"] = result.method
        if result.status == "no_agreement":
            out[objective] = None
        elif result.status == "optimal":
            out[objective] = np.array([float(result.scores[p]) for p in case.party_names])
        else:
            raise RuntimeError(f"{objective}: {result.status} ({result.message})")
    start = time.perf_counter()
    frontier = mg.pareto_frontier(case, ties=False, time_limit=frontier_limit, method=method)
    out["frontier_s"] = time.perf_counter() - start
    out["frontier_by"] = frontier.method
    out["used"] = _methods(out)
    out["frontier"] = frontier.utilities().reshape(-1, len(case.parties))
    out["frontier_status"] = str(frontier.status)
    return out


def _methods(answers: dict) -> str:
    """The path (``dp``, ``enumerate``, ``mip``), or which answers took which path."""
    by = {key: answers[f"{key}_by"] for key in ("joint", "nash", "ks", "frontier")}
    if len(set(by.values())) == 1:
        return next(iter(by.values()))
    return "; ".join(f"{method}: {', '.join(k for k, v in by.items() if v == method)}"
                     for method in sorted(set(by.values())))


def ks_value(point: np.ndarray, batnas: np.ndarray, ideals: np.ndarray) -> float:
    """The smallest gain as a share of the party's ideal gain (parties with one)."""
    scaled = ideals > TOL
    if not scaled.any():
        return math.nan
    return float(((point - batnas)[scaled] / ideals[scaled]).min())


def _distinct(points: np.ndarray) -> np.ndarray:
    """The points once each: a point within TOL of a kept one is merged into it."""
    kept: list[np.ndarray] = []
    for p in points:
        if not any(np.abs(k - p).max() <= TOL for k in kept):
            kept.append(p)
    return np.array(kept).reshape(-1, points.shape[1])


def _clean(points: np.ndarray) -> np.ndarray:
    """Distinct points without those another point dominates beyond rounding.

    NegMAS compares utilities exactly, so it keeps a point that loses 0.006 for one
    party when it "wins" 1e-16 for the other (two sums of the same numbers in another
    order): such a point is dominated within TOL and dropped here.
    """
    points = _distinct(points)
    keep = [not ((points >= p - TOL).all(axis=1) & (points > p + TOL).any(axis=1)).any()
            for p in points]
    return points[np.array(keep, dtype=bool)]


def _covered(a: np.ndarray, b: np.ndarray) -> bool:
    """Every point of ``a`` lies within TOL of a point of ``b``."""
    return all(len(b) and (np.abs(b - p).max(axis=1) <= TOL).any() for p in a)


def _same(a: float | None, b: float | None, relative: bool = False) -> bool:
    if a is None or b is None or math.isnan(a) or math.isnan(b):
        return (a is None or math.isnan(a)) and (b is None or math.isnan(b))
    return abs(a - b) <= TOL * (max(1.0, abs(a)) if relative else 1.0)


def _all_ok(checks: dict) -> bool:
    return all(checks[k] for k in ("joint_ok", "nash_ok", "ks_ok", "frontier_ok"))


def compare(mine: dict, theirs: dict, batnas: np.ndarray) -> dict:
    """Agreement of mutualgains' answers with NegMAS' on one domain.

    Joint gains agree within TOL, Nash products within TOL relative; for KS, the
    smallest share of the ideal gain of our point must equal the best such share over
    NegMAS' frontier (NegMAS picks its KS point by another rule, so its pick is shown
    apart); the frontiers agree when each of our points is one of NegMAS' and, when
    ours is complete, each of NegMAS' (without points dominated beyond rounding) is
    one of ours. "No agreement" agrees with "no agreement".
    """
    def joint(u):
        return None if u is None else float((u - batnas).sum())

    def nash(u):
        return None if u is None else float(np.prod(u - batnas))

    out = {"joint": joint(mine["joint"]), "nash": nash(mine["nash"])}
    out["joint_ok"] = _same(out["joint"], joint(theirs["joint"]))
    out["nash_ok"] = _same(out["nash"], nash(theirs["nash"]), relative=True)
    points = theirs["frontier"]
    ideals = points.max(axis=0) - batnas if len(points) else np.zeros_like(batnas)

    def ks(u):
        return math.nan if u is None else ks_value(u, batnas, ideals)

    out["ks"], out["ks_theirs"] = ks(mine["ks"]), ks(theirs["ks"])
    out["ks_ok"] = _same(out["ks"], max((ks(p) for p in points), default=math.nan))
    out["ks_same_point"] = (mine["ks"] is None) == (theirs["ks"] is None) and (
        mine["ks"] is None or bool(np.abs(theirs["ks"] - mine["ks"]).max() <= TOL))
    clean = _clean(points)
    out["frontier_raw"], out["frontier_distinct"] = len(points), len(clean)
    out["frontier_ours"] = len(mine["frontier"])
    complete = mine["frontier_status"] == "complete"
    out["frontier_ok"] = _covered(mine["frontier"], clean) and (
        not complete or _covered(clean, mine["frontier"]))
    return out


# --------------------------------------------------------------------------- part 1


def genius_row(folder: Path, *, frontier_limit: float) -> dict:
    """Both tools (and brute force) on one GENIUS domain."""
    import negmas_side

    row: dict = {"domain": folder.name}
    start = time.perf_counter()
    case = read_genius(folder)
    row["read_s"] = time.perf_counter() - start
    row["parties"], row["outcomes"] = len(case.parties), case.n_packages
    batnas = case.batnas
    mine = ours(case, frontier_limit)
    mip = ours(case, frontier_limit, "mip")
    row["ours"] = {k: v for k, v in mine.items() if k.endswith("_s")}
    row["ours_mip"] = {k: v for k, v in mip.items() if k.endswith("_s")}
    row["used"] = mine["used"]
    row["frontier_status"] = mine["frontier_status"]
    row["mip_frontier_status"] = mip["frontier_status"]
    try:
        domain = negmas_side.load_genius(folder)
    except Exception as error:  # NegMAS' loader refuses some files: say which and why
        row["negmas_error"] = f"{type(error).__name__}: {error}"
    else:
        row["negmas_load_s"] = domain.load_seconds
        row["max_du"] = _utility_difference(case, domain)
        theirs = negmas_side.answer(domain)
        row["negmas"] = {k: v for k, v in theirs.items() if k.endswith("_s")}
        row.update(compare(mine, theirs, batnas))
        row["mip_ok"] = _all_ok(compare(mip, theirs, batnas))
    if case.n_packages <= BRUTE_FORCE:
        start = time.perf_counter()
        oracle = BruteForce(case, max_packages=BRUTE_FORCE)
        joint, nash = oracle.best("joint"), oracle.best("nash")
        row["brute_s"] = time.perf_counter() - start
        row["brute_ok"] = all(
            _same(joint, None if m["joint"] is None else float((m["joint"] - batnas).sum()))
            and _same(nash, None if m["nash"] is None
                      else float(np.prod(m["nash"] - batnas)), relative=True)
            for m in (mine, mip))
        del oracle
    return row


def _utility_difference(case: mg.Case, domain, samples: int = 500) -> float:
    """Largest |NegMAS utility - mutualgains utility| over random packages."""
    rng = np.random.default_rng(0)
    sizes = [len(issue.options) for issue in case.issues]
    worst = 0.0
    for _ in range(samples):
        package = case.package_from_indices([int(rng.integers(n)) for n in sizes])
        mine = np.array([float(u) for u in case.utilities(package).values()])
        theirs = np.array(domain.utilities(domain.outcome(package)))
        worst = max(worst, float(np.abs(mine - theirs).max()))
    return worst


def genius_part(names: Sequence[str] | None, *, frontier_limit: float,
                say: Callable[[str], None]) -> list[dict]:
    rows = []
    for folder in sorted(p for p in ROOT.iterdir() if p.is_dir()):
        if names is not None and folder.name not in names:
            continue
        try:
            outcomes = read_genius(folder).n_packages
        except mg.MutualGainsError as error:
            rows.append({"domain": folder.name, "error": str(error)})
            continue
        if outcomes > ENUMERABLE:
            continue  # the nonlinear domains: part 3
        row = genius_row(folder, frontier_limit=frontier_limit)
        rows.append(row)
        say(f"{folder.name}: {_verdict(row)}")
    return rows


# --------------------------------------------------------------------------- part 2


def synthetic_data(parties: int, issues: int, options: int, seed: int):
    """Integer scores 0..45 (weight 1..5 x evaluation 0..9) and BATNAs that bind.

    Each BATNA is ``floor(0.6 * utility)`` under a witness package, the best package for a
    random weighting of the parties, so some package passes.
    """
    rng = np.random.default_rng([seed, parties, issues, options])
    weights = rng.integers(1, 6, size=(parties, issues, 1))
    scores = weights * rng.integers(0, 10, size=(parties, issues, options))
    mix = rng.dirichlet(np.full(parties, 0.5))
    witness = np.einsum("p,pio->io", mix, scores).argmax(axis=1)
    utility = scores[:, np.arange(issues), witness].sum(axis=1)
    return scores, np.floor(0.6 * utility)


def synthetic_case(scores: np.ndarray, batnas: np.ndarray) -> mg.Case:
    n_parties, n_issues, n_options = scores.shape
    options = tuple(f"o{k}" for k in range(n_options))
    return mg.Case(
        [mg.Party(f"p{p}", batna=int(batnas[p])) for p in range(n_parties)],
        [mg.Issue(f"i{i}", options) for i in range(n_issues)],
        {f"p{p}": {f"i{i}": scores[p, i].tolist() for i in range(n_issues)}
         for p in range(n_parties)},
        name=f"synthetic {n_parties}x{n_issues}x{n_options}")


def worker(spec: dict) -> dict:
    """One tool on one synthetic domain, in this (fresh) process; peak memory included."""
    scores, batnas = synthetic_data(spec["parties"], spec["issues"], spec["options"],
                                    spec["seed"])
    if spec["tool"] == "negmas":
        import negmas_side
    before = _reset_peak()
    start = time.perf_counter()
    if spec["tool"] == "negmas":
        domain = negmas_side.linear_domain(scores, batnas)
        setup = time.perf_counter() - start
        answers = negmas_side.answer(domain)
    else:
        case = synthetic_case(scores, batnas)
        setup = time.perf_counter() - start
        answers = ours(case, spec["frontier_limit"],
                       "mip" if spec["tool"] == "mutualgains-mip" else "auto")
    out = {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in answers.items()}
    out.update(setup_s=setup, peak_mb=_status_mb("VmHWM"), base_mb=before)
    return out


def _reset_peak() -> float:
    """Start measuring peak memory here; the resident MB now.

    Linux resets the process's high-water mark (``VmHWM``) when 5 is written to
    ``/proc/self/clear_refs``, so the peak measured afterwards is this phase's own and
    not, say, that of importing NegMAS.
    """
    Path("/proc/self/clear_refs").write_text("5")
    return _status_mb("VmRSS")


def _status_mb(key: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{key}:"):
            return int(line.split()[1]) / 1024  # kB
    raise RuntimeError(f"/proc/self/status has no {key}")


def run_worker(spec: dict, timeout: float) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", json.dumps(spec)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"no answer within {timeout:g} s"}
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _arrays(answers: dict, parties: int) -> dict:
    """A worker's JSON answers with numpy arrays again."""
    return {k: (np.array(v, dtype=float).reshape(-1, parties) if k == "frontier"
                else np.array(v, dtype=float) if isinstance(v, list) else v)
            for k, v in answers.items()}


def synthetic_part(sizes: Sequence[tuple[int, int]], *, party_counts: Sequence[int],
                   seed: int, frontier_limit: float, timeout: float,
                   say: Callable[[str], None]) -> list[dict]:
    rows = []
    for parties in party_counts:
        for issues, options in sizes:
            spec = {"parties": parties, "issues": issues, "options": options, "seed": seed,
                    "frontier_limit": frontier_limit}
            row = {"parties": parties, "size": f"{issues}x{options}",
                   "outcomes": options ** issues}
            row["ours"] = run_worker({**spec, "tool": "mutualgains"}, timeout)
            row["ours_mip"] = run_worker({**spec, "tool": "mutualgains-mip"}, timeout)
            if row["outcomes"] <= ENUMERABLE:
                row["negmas"] = run_worker({**spec, "tool": "negmas"}, timeout)
            if "error" not in row["ours"] and "error" not in row.get("negmas", {"error": 1}):
                arrays = {k: (np.array(v, dtype=float).reshape(-1, parties)
                              if k == "frontier" else None if v is None
                              else np.array(v, dtype=float))
                          for k, v in row["negmas"].items() if not k.endswith(("_s", "_mb"))}
                _, batnas = synthetic_data(parties, issues, options, seed)
                row.update(compare(_arrays(row["ours"], parties), arrays, batnas))
                if "error" not in row["ours_mip"]:
                    row["mip_ok"] = _all_ok(compare(_arrays(row["ours_mip"], parties), arrays,
                                                    batnas))
            rows.append(row)
            say(f"synthetic {parties} parties {row['size']}: {_verdict(row)}")
    return rows


# --------------------------------------------------------------------------- report


def _verdict(row: dict) -> str:
    if "error" in row or "error" in row.get("ours", {}):
        return "error"
    if "joint_ok" not in row:
        return {True: "agree (brute force)", False: "DISAGREE",
                None: "mutualgains only"}[row.get("brute_ok")]
    checks = [row[k] for k in ("joint_ok", "nash_ok", "ks_ok", "frontier_ok")]
    checks += [row[k] for k in ("brute_ok", "mip_ok") if k in row]
    return "agree" if all(checks) else "DISAGREE"


def _s(x: float | None) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return f"{x:.3f}" if x < 1 else f"{x:.2f}" if x < 100 else f"{x:.0f}"


def _ratio(theirs: float | None, mine: float | None) -> str:
    if not theirs or not mine:
        return "–"
    r = theirs / mine
    return f"**{r:,.0f}x**" if r >= 10 else f"{r:.1f}x" if r >= 1 else f"{r:.2f}x"


def _value(x: float | None, spec: str) -> str:
    if x is None:
        return "no agreement"
    return "none" if math.isnan(x) else format(x, spec)


def _ok(flag: bool | None) -> str:
    return "–" if flag is None else "✓" if flag else "**✗**"


def _outcomes(n: int) -> str:
    return f"{n:,}" if n < 10**7 else f"10^{math.log10(n):.1f}".replace(".0", "")


def _times(r: dict, key: str, extra: str = "") -> list[str]:
    """Cells ``ours / MIP / NegMAS`` seconds and ``ratio (MIP ratio)`` for one question."""
    o, m, n = r["ours"], r.get("ours_mip", {}), r.get("negmas", {})
    mine, mip, theirs = o.get(f"{key}_s"), m.get(f"{key}_s"), n.get(f"{key}_s")
    cut = key == "frontier" and r.get("frontier_status", "complete") != "complete"
    cut_mip = key == "frontier" and r.get("mip_frontier_status", "complete") != "complete"
    times = f"{_s(mine)}{'†' if cut else ''} / {_s(mip)}{'†' if cut_mip else ''} / {_s(theirs)}"
    ratio = _ratio(theirs, None if cut else mine)
    if mip is not None and theirs:
        ratio += f" ({_ratio(theirs, None if cut_mip else mip)})"
    return [times + extra, ratio]


def genius_tables(rows: list[dict]) -> str:
    answer = ["| domain | parties | outcomes | max \\|du\\| | joint gain | Nash product | "
              "KS min share | KS: NegMAS' own pick | frontier: ours / NegMAS (raw) "
              "| MIP | brute force |",
              "|---|---:|---:|---:|---|---|---|---|---|---|---|"]
    speed = ["| domain | outcomes | method | joint s: ours / MIP / NegMAS | ratio (MIP) "
             "| Nash s | ratio (MIP) | KS s | ratio (MIP) | frontier s | ratio (MIP) "
             "| brute force s |",
             "|---|---:|---|---|---:|---|---:|---|---:|---|---:|---:|"]
    for r in rows:
        if "error" in r:
            answer.append(f"| {r['domain']} | | | mutualgains cannot read it: {r['error']} |"
                          + " |" * 7)
            continue
        status = "" if r["frontier_status"] == "complete" else f" ({r['frontier_status']})"
        if "negmas_error" in r:
            cells = ["–"] * 5 + [f"NegMAS cannot load: {r['negmas_error'][:70]}", "–"]
        else:
            cells = [
                f"{r['max_du']:.0e}",
                f"{_value(r['joint'], '.6f')} {_ok(r['joint_ok'])}",
                f"{_value(r['nash'], '.6g')} {_ok(r['nash_ok'])}",
                f"{_value(r['ks'], '.6f')} {_ok(r['ks_ok'])}",
                "same point" if r["ks_same_point"]
                else f"other point ({_value(r['ks_theirs'], '.4f')})",
                f"{r['frontier_ours']}{status} / {r['frontier_distinct']} "
                f"({r['frontier_raw']}) {_ok(r['frontier_ok'])}",
                _ok(r.get("mip_ok")),
            ]
        answer.append(f"| {r['domain']} | {r['parties']} | {_outcomes(r['outcomes'])} | "
                      + " | ".join(cells) + f" | {_ok(r.get('brute_ok'))} |")
        times = [c for key in ("joint", "nash", "ks", "frontier") for c in _times(r, key)]
        speed.append(f"| {r['domain']} | {_outcomes(r['outcomes'])} | {r['used']} | "
                     + " | ".join(times) + f" | {_s(r.get('brute_s'))} |")
    return "\n".join(["Answers (✓: agrees within 1e-6; *MIP*: the integer-program answers "
                      "agree too):", "", *answer, "",
                      "Times (seconds; † frontier stopped at its time limit, no ratio):", "",
                      *speed])


def synthetic_table(rows: list[dict]) -> str:
    lines = ["| parties | issues x options | outcomes | method | joint s: ours / MIP / NegMAS "
             "| ratio (MIP) | Nash s | ratio (MIP) | KS s | ratio (MIP) | frontier points "
             "| frontier s | ratio (MIP) | peak MB: ours / MIP / NegMAS | agree |",
             "|---:|---|---:|---|---|---:|---|---:|---|---:|---|---|---:|---|---|"]
    for r in rows:
        o, m, n = r["ours"], r.get("ours_mip", {}), r.get("negmas", {})
        if "error" in o:
            lines.append(f"| {r['parties']} | {r['size']} | {_outcomes(r['outcomes'])} | "
                         f"error: {o['error']} |" + " |" * 11)
            continue
        r = {**r, "frontier_status": o["frontier_status"],
             "mip_frontier_status": m.get("frontier_status", "complete")}
        cells = [c for key in ("joint", "nash", "ks") for c in _times(r, key)]
        points = str(len(o["frontier"]))
        if "frontier_distinct" in r:
            points += f" / {r['frontier_distinct']}"
        if o["frontier_status"] != "complete":
            points += f" ({o['frontier_status']})"
        cells += [points, *_times(r, "frontier")]

        def peak(x: dict) -> str:
            return (f"{x['peak_mb'] - x['base_mb']:.1f}" if "peak_mb" in x
                    else x.get("error", "–"))

        memory = f"{peak(o)} / {peak(m)} / " + (peak(n) if n else "not run")
        lines.append(f"| {r['parties']} | {r['size']} | {_outcomes(r['outcomes'])} | "
                     f"{o.get('used', '–')} | " + " | ".join(cells)
                     + f" | {memory} | {_verdict(r)} |")
    return "\n".join(lines)


def measured_enumeration_cost(rows: list[dict]) -> tuple[float, float] | None:
    """NegMAS' seconds and bytes per outcome on the largest synthetic domain it ran."""
    runs = [r for r in rows if "peak_mb" in r.get("negmas", {})]
    if not runs:
        return None
    big = max(runs, key=lambda r: r["outcomes"] * r["parties"])
    n = big["negmas"]
    return (n["frontier_s"] / big["outcomes"],
            (n["peak_mb"] - n["base_mb"]) * 2**20 / big["outcomes"])


def report(genius: list[dict], synthetic: list[dict], frontier: list[dict],
           command: str, seconds: float) -> str:
    import negmas_side

    parts = [f"Command: `{command}`; whole run {seconds / 60:.1f} min.",
             f"Machine: {environment()}; NegMAS {negmas_side.VERSION}.", ""]
    if genius:
        parts += ["### 1. GENIUS domains", "", genius_tables(genius), ""]
    if synthetic:
        parts += ["### 2. Synthetic linear-additive domains", "", synthetic_table(synthetic), ""]
    if frontier:
        parts += ["### 3. Nonlinear GENIUS domains: exact frontier against GENIUS' own", "",
                  frontier_vs_genius.table(frontier), ""]
    return "\n".join(parts).rstrip()


def disagreements(genius: list[dict], synthetic: list[dict], frontier: list[dict]) -> int:
    bad = sum(_verdict(r) in ("DISAGREE", "error") for r in genius + synthetic)
    return bad + sum(bool(r.get("error") or r.get("not_dominated") or r.get("self_dominated")
                          or (r.get("score_error") or 0) > 1e-9) for r in frontier)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parts", default="genius,synthetic,frontier",
                        help="comma-separated: genius, synthetic, frontier (default: all)")
    parser.add_argument("--quick", action="store_true",
                        help="a few small domains and sizes (a smoke run, about 20 s)")
    parser.add_argument("--domains", help="comma-separated GENIUS folders (part 1)")
    parser.add_argument("--frontier-time-limit", type=float, default=30.0,
                        help="seconds for each of mutualgains' frontiers in parts 1-2 "
                             "(default 30); part 3 allows 600")
    parser.add_argument("--timeout", type=float, default=1800.0,
                        help="seconds for each synthetic subprocess (default 1800)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--write", action="store_true",
                        help=f"replace the results between the markers in {README.name}")
    parser.add_argument("--json", type=Path, help="also dump the raw measurements here")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(json.loads(args.worker))))
        return 0
    parts = set(args.parts.split(","))
    if unknown := parts - {"genius", "synthetic", "frontier"}:
        parser.error(f"unknown parts: {', '.join(sorted(unknown))}")

    def say(text: str) -> None:
        print(f"  {text}", file=sys.stderr, flush=True)

    started = time.perf_counter()
    names = (args.domains.split(",") if args.domains else QUICK_GENIUS if args.quick else None)
    genius = (genius_part(names, frontier_limit=args.frontier_time_limit, say=say)
              if "genius" in parts else [])
    sizes = SYNTHETIC[:3] if args.quick else SYNTHETIC
    synthetic = (synthetic_part(sizes, party_counts=(2, 3), seed=args.seed,
                                frontier_limit=args.frontier_time_limit, timeout=args.timeout,
                                say=say) if "synthetic" in parts else [])
    frontier = []
    if "frontier" in parts:
        if cost := measured_enumeration_cost(synthetic):
            frontier_vs_genius.ENUM_SECONDS_PER_OUTCOME, \
                frontier_vs_genius.ENUM_BYTES_PER_OUTCOME = cost
        frontier = frontier_vs_genius.run(ROOT, names=QUICK_FRONTIER if args.quick else None,
                                          progress=say)
    shown, skip = [], False
    for a in argv if argv is not None else sys.argv[1:]:  # the command, without outputs
        if skip or a == "--write" or a.startswith("--json"):
            skip = a == "--json"
            continue
        shown.append(a)
    command = " ".join(["python benchmarks/bench_negmas.py", *shown])
    text = report(genius, synthetic, frontier, command, time.perf_counter() - started)
    print(text)
    if args.json:
        args.json.write_text(json.dumps({"genius": genius, "synthetic": synthetic,
                                         "frontier": frontier}, indent=1, default=_plain))
    if args.write:
        write_readme(text, start=START, end=END)
        print(f"\nwrote {README}", file=sys.stderr)
    return 1 if disagreements(genius, synthetic, frontier) else 0


def _plain(value):
    if isinstance(value, np.ndarray):
        return value.tolist()
    if dataclasses.is_dataclass(value):
        return dataclasses.asdict(value)
    return str(value)


if __name__ == "__main__":
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        raise SystemExit(main())
