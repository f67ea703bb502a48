"""Exact Pareto frontiers of GENIUS' nonlinear domains against the frontier GENIUS ships.

Six GENIUS folders (ANAC 2014 and the ``S-1*`` domains) are nonlinear: utilities are sums
of satisfied hyper-rectangles over 10 to 40 integer issues, 10^10 to 10^40 outcomes, far
too many for a tool that enumerates outcomes. GENIUS ships its own ``pareto.xml`` for
them: one ``u1, u2`` line per point, in normalised utilities, found by GENIUS with some
approximation. For every folder under the root that has a ``pareto.xml`` this module

* reads the case with :func:`mutualgains.read_genius` (timed: *read*) and sets every
  BATNA to 0, because GENIUS' file ignores reservation values;
* computes ``pareto_frontier(case, ties=False, time_limit=...)`` (wall clock: *frontier*)
  and records its status and number of points;
* compares the shipped points with ours within ``TOLERANCE`` = 1e-6 on every utility (the
  files are rounded to about 8 significant digits). The columns of the file are the
  profiles sorted by file name, which is also ``read_genius``' party order; the order is
  checked on the data too (the swapped columns must fit ours worse, see ``order``);
* checks that our points are non-dominated among themselves and that each point's package
  scores the point (``case.utilities(point.package)`` against ``point.scores``);
* estimates what enumerating every outcome would take, from ``ENUM_SECONDS_PER_OUTCOME``
  and ``ENUM_BYTES_PER_OUTCOME`` (rough NegMAS figures; a driver may set measured ones).

A shipped point is *matched* when one of our points equals it within the tolerance,
*dominated* when one of our points is at least as good for both parties (within the
tolerance) and better by more than the tolerance for one; its *gain* is the most one party
gains from such a point. A shipped point that no point of ours weakly dominates would be a
bug in mutualgains (or a misread file) when our frontier is complete: it is reported, never
dropped.

Usage::

    python benchmarks/frontier_vs_genius.py [--root DIR] [--time-limit SECONDS]
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from mutualgains import pareto_frontier, read_genius

ROOT = Path(__file__).resolve().parents[2] / "shared" / "cases" / "genius"
TOLERANCE = 1e-6
ENUM_SECONDS_PER_OUTCOME = 5e-6
ENUM_BYTES_PER_OUTCOME = 400


def read_shipped(path: Path) -> np.ndarray:
    """GENIUS' ``pareto.xml`` (plain ``u1, u2`` lines despite the name) as an array."""
    rows = [[float(x) for x in line.split(",")]
            for line in path.read_text().splitlines() if line.strip()]
    return np.array(rows, dtype=float).reshape(-1, 2)


def compare(ours: np.ndarray, theirs: np.ndarray, tol: float = TOLERANCE) -> dict:
    """Classify the shipped points ``theirs`` against our frontier ``ours``."""
    diff = ours[None, :, :] - theirs[:, None, :]  # (shipped, ours, party)
    equal = (np.abs(diff) <= tol).all(axis=2)
    covers = (diff >= -tol).all(axis=2)
    matched = equal.any(axis=1)
    dominated = covers.any(axis=1) & ~matched
    gains = np.where(covers, diff.max(axis=2), -np.inf).max(axis=1, initial=-np.inf)
    return {
        "matched": int(matched.sum()),
        "dominated": int(dominated.sum()),
        "max_gain": float(gains[dominated].max()) if dominated.any() else 0.0,
        "not_dominated": int((~covers.any(axis=1)).sum()),
        "only_ours": int((~equal.any(axis=0)).sum()),
    }


def _self_dominated(u: np.ndarray) -> int:
    """How many rows of ``u`` another row dominates (exactly, no tolerance)."""
    ge = (u[None, :, :] >= u[:, None, :]).all(axis=2)
    gt = (u[None, :, :] > u[:, None, :]).any(axis=2)
    return int((ge & gt).any(axis=1).sum())


def measure(folder: Path, time_limit: float) -> dict:
    """One row: read, frontier, comparison with ``folder / "pareto.xml"``."""
    start = time.perf_counter()
    case = read_genius(folder)
    read_s = time.perf_counter() - start
    case = dataclasses.replace(case, parties=tuple(dataclasses.replace(p, batna=0)
                                                   for p in case.parties))
    theirs = read_shipped(folder / "pareto.xml")
    start = time.perf_counter()
    frontier = pareto_frontier(case, ties=False, time_limit=time_limit)
    frontier_s = time.perf_counter() - start
    ours = frontier.utilities().reshape(-1, len(frontier.parties))
    row = {
        "domain": folder.name, "issues": len(case.issues), "outcomes": case.n_packages,
        "read_s": read_s, "frontier_s": frontier_s, "status": frontier.status,
        "ours": len(ours), "shipped": len(theirs),
        **compare(ours, theirs),
        "order_ok": None,  # judged on a complete frontier only
        "self_dominated": _self_dominated(ours),
        "score_error": max((abs(float(case.utilities(p.package)[q]) - float(p.scores[q]))
                            for p in frontier.points for q in case.party_names), default=0.0),
    }
    if frontier.status == "complete":
        swapped = compare(ours, theirs[:, ::-1])
        row["order_ok"] = (len(case.parties) == 2
                           and list(case.party_names) == sorted(case.party_names)
                           and (swapped["not_dominated"], -swapped["matched"])
                           > (row["not_dominated"], -row["matched"]))
    return row


def run(root: Path, *, names: Sequence[str] | None = None, time_limit: float = 600.0,
        progress: Callable[[str], None] | None = None) -> list[dict]:
    """One row per folder under ``root`` that ships a ``pareto.xml``, by folder name.

    ``names`` restricts the run to these folders.

    Keys: ``domain issues outcomes read_s frontier_s status ours shipped matched dominated
    max_gain not_dominated only_ours order_ok self_dominated score_error`` (see the module
    notes); a folder that fails to load or solve gives ``{"domain", "error"}`` instead.
    """
    rows = []
    for folder in sorted(p for p in Path(root).iterdir() if (p / "pareto.xml").is_file()):
        if names is not None and folder.name not in names:
            continue
        if progress:
            progress(f"{folder.name}: computing the frontier ...")
        try:
            row = measure(folder, time_limit)
        except Exception as exc:  # reported in the table, the other domains still run
            row = {"domain": folder.name, "error": f"{type(exc).__name__}: {exc}"}
        rows.append(row)
        if progress:
            progress(f"{folder.name}: " + (row.get("error") or (
                f"{row['status']}, {row['ours']} points in {row['frontier_s']:.2f} s; "
                f"GENIUS {row['shipped']}: {row['matched']} matched, {row['dominated']} "
                f"dominated, {row['not_dominated']} NOT dominated")))
    return rows


# ------------------------------------------------------------------- formatting


def _power(x: float) -> str:
    """``10^10`` for exact powers of ten, else ``3.2·10^7``."""
    k = math.floor(math.log10(x))
    m = x / 10**k
    return f"10^{k}" if math.isclose(m, 1) else f"{m:.2g}·10^{k}"


def _num(n: float) -> str:
    return f"{n:.2g}" if n < 10 else f"{n:.0f}"


def humanise_seconds(s: float) -> str:
    for unit, size in (("years", 365.25 * 86400), ("days", 86400), ("h", 3600), ("min", 60)):
        if s >= size:
            n = s / size
            return _power(n) + " " + unit if n >= 1e4 else f"{_num(n)} {unit}"
    return f"{_num(s)} s"


def humanise_bytes(b: float) -> str:
    for unit, size in (("EB", 1e18), ("PB", 1e15), ("TB", 1e12), ("GB", 1e9), ("MB", 1e6),
                       ("kB", 1e3)):
        if b >= size:
            return _power(b) + " B" if b >= 1e4 * size else f"{_num(b / size)} {unit}"
    return f"{b:.0f} B"


def enumeration_cost(outcomes: int) -> str:
    """What enumerating every outcome would take, from the module constants."""
    return (f"~{humanise_seconds(outcomes * ENUM_SECONDS_PER_OUTCOME)}, "
            f"{humanise_bytes(outcomes * ENUM_BYTES_PER_OUTCOME)}")


def _duration(s: float) -> str:
    return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.1f} s" if s < 100 else f"{s:.0f} s"


def _cells(row: dict) -> list[str]:
    if "error" in row:
        error = " ".join(row["error"].split()).replace("|", "\\|").replace("<", "&lt;")
        return [row["domain"], f"**ERROR** {error}", *[""] * (len(HEADER) - 2)]
    bad = row["not_dominated"]
    if row["status"] == "complete" and bad:
        bad = f"**{bad} ⚠**"
    checks = [name for name, ok in (("order", row["order_ok"] is not False),
                                    ("non-dominated", row["self_dominated"] == 0),
                                    ("scores", row["score_error"] <= 1e-9)) if not ok]
    return [
        row["domain"], str(row["issues"]), _power(row["outcomes"]),
        enumeration_cost(row["outcomes"]), _duration(row["read_s"]),
        _duration(row["frontier_s"]), row["status"], str(row["ours"]), str(row["shipped"]),
        str(row["matched"]),
        f"{row['dominated']} (+{row['max_gain']:.3g})" if row["dominated"] else "0",
        str(bad), str(row["only_ours"]),
        "**failed: " + ", ".join(checks) + "**" if checks else "✓",
    ]


HEADER = ["domain", "issues", "outcomes", "enumerating would need", "read", "frontier",
          "status", "ours", "GENIUS", "matched", "dominated (max gain)", "not dominated",
          "only ours", "checks"]
LEGEND = """\
*ours*: points of mutualgains' exact frontier (`pareto_frontier(case, ties=False)`, every \
BATNA set to 0 as in GENIUS' file; *status* other than complete: time limit hit, the points \
are non-dominated but more may exist); *GENIUS*: points in the shipped `pareto.xml`. \
Tolerance {tol:g} on every normalised utility. *matched*: shipped points equal to one of ours; \
*dominated*: shipped points one of ours beats by more than the tolerance without being worse \
for the other party (max gain: over those points, the most one party gains by moving to one \
of ours); *not dominated*: shipped points no point of ours weakly dominates (⚠: a bug, when \
*status* is complete); *only ours*: our points the file lacks. *enumerating would need*: \
outcomes × {s:g} s and × {b:g} bytes. *checks*: the file's columns are the profiles in \
sorted order (the swapped columns fit ours worse; judged on complete frontiers only), ours \
are non-dominated among themselves, each point's package scores the point (within 1e-9)."""


def table(rows: list[dict]) -> str:
    """A GitHub Markdown table of ``rows``, with a legend of the columns under it."""
    lines = ["| " + " | ".join(HEADER) + " |",
             "|" + "|".join("---" if k in (0, 3, 6, 13) else "---:"
                            for k in range(len(HEADER))) + "|"]
    lines += ["| " + " | ".join(_cells(row)) + " |" for row in rows]
    legend = LEGEND.format(tol=TOLERANCE, s=ENUM_SECONDS_PER_OUTCOME, b=ENUM_BYTES_PER_OUTCOME)
    return "\n".join(lines) + "\n\n" + legend + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT,
                        help=f"folder of GENIUS domains (default {ROOT})")
    parser.add_argument("--time-limit", type=float, default=600.0,
                        help="seconds per frontier (default 600)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    rows = run(args.root, time_limit=args.time_limit,
               progress=lambda msg: print(msg, file=sys.stderr, flush=True))
    print(table(rows))
    print(f"total {time.perf_counter() - start:.1f} s", file=sys.stderr)
    bad = any("error" in r or (r["status"] == "complete" and r["not_dominated"]) for r in rows)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
