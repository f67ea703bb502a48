"""How far the sharing rules go: exact Shapley value and nucleolus against the number of parties.

For n = 3, 4, ... parties the script builds a synthetic case (seeded): 2n projects
(out/in) with a cost each, every party scoring a few of them (some negatively), and
times, on a fresh game each time (no values shared between measurements):

* ``shapley-exact`` and ``nucleolus`` on the **cost game** (each coalition's cost is a
  package program: the cheapest projects that serve its members' needs);
* the same on the **gains game with controls** (each project controlled by one or
  two parties; each coalition's value a package program);
* ``shapley-exact`` and ``nucleolus`` on a **game given by a function** (no programs:
  the rules' own cost);

until a measurement passes ``--limit`` seconds (default 60): the last n that finished
within it is reported. Then, at the largest n for which the exact Shapley value of
the cost game finished, the sampled value (``--samples`` orders, default 1000, seeds
0..4) against the exact one: its largest error relative to the mean share, and how
often the 95 % intervals hold the exact value.

Every time is also given as a ratio to a baseline measured in the same run (one
``solve`` of the same case, the package program that each coalition value repeats):
other processes on a shared machine slow both alike, so the ratios are what to compare
across runs; rerun on a quiet machine for absolute seconds.

Usage::

    python benchmarks/bench_sharing.py              # everything (~10-20 min)
    python benchmarks/bench_sharing.py --quick      # n up to 6, limit 10 s
    python benchmarks/bench_sharing.py --json out.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time

import numpy as np

import mutualgains as mg
from mutualgains import Case, Game, Issue, Party
from mutualgains.analysis import casegame

SEED = 20250619


def synthetic_case(n: int, *, seed: int = SEED, controls: bool = False) -> Case:
    """n parties, 2n projects; each party scores 3-5 projects in [2, 12] and one in [-4, -1]."""
    rng = np.random.default_rng(seed + n)
    m = 2 * n
    issues = [Issue(f"project {j}", ("out", "in")) for j in range(m)]
    scores = {}
    for k in range(n):
        row = {}
        for j in rng.choice(m, size=int(rng.integers(3, 6)), replace=False):
            row[f"project {j}"] = [0, int(rng.integers(2, 13))]
        j = int(rng.integers(0, m))
        row.setdefault(f"project {j}", [0, -int(rng.integers(1, 5))])
        scores[f"party {k}"] = row
    costs = {f"project {j}": [0, int(rng.integers(5, 60))] for j in range(m)}
    parties = [Party(f"party {k}", batna=0) for k in range(n)]
    case = Case(parties, issues, scores, costs=costs, name=f"synthetic {n}")
    if controls:
        owners: dict[str, list[str]] = {}
        for j in range(m):
            for k in rng.choice(n, size=int(rng.integers(1, 3)), replace=False):
                owners.setdefault(f"party {k}", []).append(f"project {j}")
        case = Case.from_dict({**case.to_dict(), "controls": owners})
    return case


def function_game(n: int, seed: int = SEED) -> Game:
    """A market-like game: a coalition is worth the square root of its members' weights,
    times the number of 'skills' it covers (no package programs)."""
    rng = np.random.default_rng(seed + 1000 + n)
    weight = rng.uniform(1, 10, n)
    skills = rng.integers(0, 4, n)
    names = [f"p{k}" for k in range(n)]
    index = {p: k for k, p in enumerate(names)}

    def value(members: frozenset) -> float:
        ks = [index[p] for p in members]
        return float(np.sqrt(weight[ks].sum()) * len({int(skills[k]) for k in ks}))

    return Game.from_function(names, value)


def timed(call):
    started = time.perf_counter()
    out = call()
    return out, time.perf_counter() - started


def baseline(n: int) -> float:
    """Seconds of one package program of the synthetic case (median of 5)."""
    case = synthetic_case(n)
    times = []
    for _ in range(5):
        _, seconds = timed(lambda: mg.solve(case, method="mip"))
        times.append(seconds)
    return float(np.median(times))


GAMES = {
    "cost game": lambda n: mg.cost_game(synthetic_case(n)),
    "gains game with controls": lambda n: mg.gains_game(synthetic_case(n, controls=True)),
    "function game": function_game,
}

RULES = {
    "shapley-exact": lambda g: mg.shapley(g, method="exact"),
    "nucleolus": mg.nucleolus,
}


def scale(game_name: str, rule: str, limit: float, largest: int, base: float) -> list[dict]:
    rows = []
    for n in range(3, largest + 1):
        game = GAMES[game_name](n)
        result, seconds = timed(lambda g=game: RULES[rule](g))
        stats = getattr(game, "stats", {})
        row = {"game": game_name, "rule": rule, "n": n, "seconds": round(seconds, 3),
               "ratio": round(seconds / base, 1), "method": result.method,
               "programs": stats.get("programs"), "by_bounds": stats.get("by_bounds"),
               "separations": stats.get("separations"),
               "lps": result.details.get("lps")}
        rows.append(row)
        print(f"  {game_name:26} {rule:14} n={n:2} {seconds:8.2f} s  ({row['ratio']} x base)"
              f"  {result.method}", file=sys.stderr)
        if seconds > limit:
            break
    return rows


def accuracy(n: int, samples: int) -> dict:
    exact = mg.shapley(mg.cost_game(synthetic_case(n)), method="exact").shares
    mean = float(np.mean(np.abs(list(exact.values()))))
    errors, hits, total, seconds = [], 0, 0, []
    for seed in range(5):
        game = mg.cost_game(synthetic_case(n))
        sampled, took = timed(lambda g=game, s=seed: mg.shapley(g, method="sampled",
                                                                samples=samples, seed=s))
        seconds.append(took)
        for p, v in exact.items():
            errors.append(abs(sampled.shares[p] - v) / mean)
            low, high = sampled.interval[p]
            hits += low <= v <= high
            total += 1
    return {"n": n, "samples": samples, "largest_relative_error": round(max(errors), 4),
            "mean_relative_error": round(float(np.mean(errors)), 4),
            "coverage_95": round(hits / total, 3), "seconds": round(float(np.mean(seconds)), 2)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=float, default=60.0, help="seconds per measurement")
    parser.add_argument("--largest", type=int, default=24, help="the most parties tried")
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--quick", action="store_true", help="n up to 6, limit 10 s")
    parser.add_argument("--json", help="write the measurements here")
    args = parser.parse_args(argv)
    if args.quick:
        args.limit, args.largest = 10.0, 6
    # measure beyond the library's listing limit, to see where the limit should be
    casegame.LIST_LIMIT = max(casegame.LIST_LIMIT, args.largest)
    base = baseline(6)
    print(f"baseline: one package program of the 6-party case, {base * 1000:.1f} ms",
          file=sys.stderr)
    rows = []
    for game_name in GAMES:
        for rule in RULES:
            rows += scale(game_name, rule, args.limit, args.largest, base)
    within = {}
    for row in rows:
        key = (row["game"], row["rule"])
        if row["seconds"] <= args.limit:
            within[key] = max(within.get(key, 0), row["n"])
    n_exact = within.get(("cost game", "shapley-exact"), 3)
    sampled = accuracy(n_exact, args.samples)
    report = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
              "baseline_seconds": base, "limit": args.limit, "rows": rows,
              "largest_within_limit": {f"{g} / {r}": n for (g, r), n in within.items()},
              "sampled_shapley": sampled}
    print(json.dumps({"largest_within_limit": report["largest_within_limit"],
                      "sampled_shapley": sampled}, indent=2))
    print("\n| game | rule | n | seconds | x baseline | method | programs | by bounds |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['game']} | {r['rule']} | {r['n']} | {r['seconds']} | {r['ratio']} | "
              f"{r['method']} | {r['programs'] if r['programs'] is not None else '-'} | "
              f"{r['by_bounds'] if r['by_bounds'] is not None else '-'} |")
    if args.json:
        with open(args.json, "w") as out:
            json.dump(report, out, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
