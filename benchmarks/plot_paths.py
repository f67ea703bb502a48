"""Time against the number of issues, for each exact path: the picture of when each wins.

Seeded structured cases (``bench_structured.structured_case``: requires, excludes,
synergies and a total budget) of 2 parties and 6 options per issue, from 4 to 100
issues. For each case and path (``dp``, ``enumerate``, ``mip``, and ``auto``), two
questions on a fresh case: the joint package and the exact 2-party frontier. A path
is left out where it cannot run (enumeration beyond ``--max-packages``) or once it
took longer than ``--give-up`` seconds on a smaller case. Every answer is checked
against the others (same joint value, same frontier points).

Usage::

    python benchmarks/plot_paths.py                 # writes benchmarks/paths.png and .json
    python benchmarks/plot_paths.py --issues 4,6,8  # a quick look

The machine's load is printed with the results; the README quotes the last run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
import bench_structured as bs

mg = bs.mg
PATHS = ("auto", "dp", "enumerate", "mip")
STYLE = {"auto": ("black", "o", "-"), "dp": ("tab:blue", "s", "--"),
         "enumerate": ("tab:orange", "^", "--"), "mip": ("tab:green", "D", "--")}


def measure(issues: int, method: str, time_limit: float) -> dict:
    """Joint and frontier on a fresh case by one path (each call on its own case, so
    no kept set is reused)."""
    out: dict = {"issues": issues, "method": method}
    case = bs.structured_case(2, issues, 6)
    start = time.perf_counter()
    result = mg.solve(case, "joint", method=method, time_limit=time_limit)
    out["joint_s"] = time.perf_counter() - start
    out["joint"] = result.objective_value
    out["joint_path"] = result.method
    case = bs.structured_case(2, issues, 6)
    start = time.perf_counter()
    frontier = mg.pareto_frontier(case, method=method, time_limit=time_limit)
    out["frontier_s"] = time.perf_counter() - start
    out["frontier_status"] = frontier.status
    out["points"] = sorted(map(tuple, np.asarray(frontier.utilities(), float).tolist()))
    out["frontier_path"] = frontier.method
    return out


def run(sizes: list[int], *, max_packages: float, give_up: float, time_limit: float,
        say=print) -> list[dict]:
    rows: list[dict] = []
    slow: dict[tuple[str, str], bool] = {}
    mg.solve(mg.load_example("harbour"), method="mip")  # imports and first calls
    mg.pareto_frontier(bs.structured_case(2, 8, 6))
    for n in sizes:
        for method in PATHS:
            if method == "enumerate" and 6.0 ** n > max_packages:
                continue
            if slow.get((method, "joint")) and slow.get((method, "frontier")):
                continue
            try:
                row = measure(n, method, time_limit)
            except mg.UsageError as error:
                say(f"{n} issues, {method}: {error}")
                slow[(method, "joint")] = slow[(method, "frontier")] = True
                continue
            for q in ("joint", "frontier"):
                slow[(method, q)] = slow.get((method, q), False) or row[f"{q}_s"] > give_up
            rows.append(row)
            say(f"{n:>3} issues  {method:<9}  joint {row['joint_s']:7.3f} s"
                f"  frontier {row['frontier_s']:7.3f} s ({row['frontier_status']},"
                f" {len(row['points'])} points)")
    return rows


def agree(rows: list[dict]) -> bool:
    """The same joint value and, among complete frontiers, the same points per size."""
    ok = True
    for n in sorted({r["issues"] for r in rows}):
        same = [r for r in rows if r["issues"] == n]
        if len({round(float(r["joint"]), 6) for r in same}) > 1:
            ok = False
        complete = [r["points"] for r in same if r["frontier_status"] == "complete"]
        if any(p != complete[0] for p in complete):
            ok = False
    return ok


def plot(rows: list[dict], path: Path, time_limit: float) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
    for ax, question, title in ((axes[0], "joint", "joint package"),
                                (axes[1], "frontier", "exact 2-party frontier")):
        for method in PATHS:
            mine = [r for r in rows if r["method"] == method]
            if not mine:
                continue
            colour, marker, line = STYLE[method]
            x = [r["issues"] for r in mine]
            y = [max(r[f"{question}_s"], 1e-4) for r in mine]
            ax.plot(x, y, color=colour, marker=marker, linestyle=line, label=method)
            for r in mine:
                if question == "frontier" and r["frontier_status"] != "complete":
                    ax.annotate("limit", (r["issues"], r["frontier_s"]), fontsize=7,
                                color=colour, xytext=(3, 3), textcoords="offset points")
        ax.axhline(time_limit, color="grey", linewidth=0.6, linestyle=":")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("issues (2 parties, 6 options each, with relations and a budget)")
        ax.set_title(title)
        ax.grid(True, which="both", linewidth=0.3)
    axes[0].set_ylabel("seconds (fresh case per call)")
    axes[0].legend(title="method=")
    fig.suptitle("Time against the number of issues, per exact path")
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", default="4,5,6,7,8,10,12,16,20,30,50,100")
    parser.add_argument("--max-packages", type=float, default=4e6)
    parser.add_argument("--give-up", type=float, default=30.0)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--out", default=str(Path(__file__).with_name("paths.png")))
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    sizes = [int(v) for v in args.issues.split(",")]
    started = time.perf_counter()
    rows = run(sizes, max_packages=args.max_packages, give_up=args.give_up,
               time_limit=args.time_limit)
    out = Path(args.out)
    plot(rows, out, args.time_limit)
    stored = [{**r, "points": len(r["points"]), "points_sha1": hashlib.sha1(
        repr(r["points"]).encode()).hexdigest()} for r in rows]
    with open(out.with_suffix(".json"), "w") as fh:
        json.dump({"rows": stored, "machine": platform.platform(),
                   "load": os.getloadavg(), "seconds": time.perf_counter() - started},
                  fh, indent=1, default=float)
    same = agree(rows)
    print(f"wrote {out}; load {os.getloadavg()[0]:.2f}; every answer agrees: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
