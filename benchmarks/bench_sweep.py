"""Sweeps: sequential against a local process pool and a Dask LocalCluster of 2 workers.

The workload: ``--scenarios`` (10,000) sampled scenarios of a mid-size case (4
parties, 10 issues of 3 options: 59,049 packages; every score normal with an sd
of 10 % of its value), each solved for the joint gain by its integer program
(``method="mip"``: with ``auto`` the separable table gets 0.05 s before the
program takes over, so a loaded worker would take another, slower path; the
answers are the same). Every executor runs the same call
(``sweep(case, scenarios, "solve", executor, options=...)``) and the rows are
checked to be identical (but for the timings).

Measured, all in this one script so that the ratios share the machine's load:

- wall time, throughput (scenarios per second), speed-up against sequential and
  scaling efficiency (speed-up / workers);
- the start-up of each executor (a fresh process pool; a LocalCluster);
- the per-scenario overhead of each executor: a task that does nothing, on
  ``--overhead`` scenarios of the unchanged case, ``(T(n) - T(1)) / (n - 1)``,
  with one scenario per task (``batch_size=1``) and with the default batches.

Run from the repository root::

    python benchmarks/bench_sweep.py                  # ~15 min on a quiet 2-core machine
    python benchmarks/bench_sweep.py --quick          # 1,000 scenarios, ~2 min
    python benchmarks/bench_sweep.py --json bench_sweep.json

It needs the ``distributed`` extra (``pip install -e ".[distributed]"``).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time

import numpy as np
import pandas as pd

from mutualgains import Case, DecisionRule, Issue, Party
from mutualgains.model.noise import with_noise
from mutualgains.sweeps import sampled_scenarios, sweep
from mutualgains.sweeps.tasks import solve_task


def mid_case(parties: int = 4, issues: int = 10, options: int = 3, seed: int = 0) -> Case:
    """A random case with scores 0..10 and BATNAs at 80 % of a witness package's."""
    rng = np.random.default_rng(seed)
    names = [f"party {k}" for k in range(parties)]
    items = [Issue(f"issue {i}", tuple(f"option {j}" for j in range(options)))
             for i in range(issues)]
    scores = {p: {i.name: rng.integers(0, 11, options).tolist() for i in items} for p in names}
    witness = rng.integers(0, options, issues)
    utility = {p: sum(scores[p][i.name][witness[k]] for k, i in enumerate(items))
               for p in names}
    return Case([Party(p, batna=int(0.8 * utility[p])) for p in names], items, scores,
                decision_rule=DecisionRule(min_parties=parties), name="mid-size")


TASK = {"method": "mip"}


def timed_solve(case: Case, **options) -> dict:
    """The solve task, with the CPU seconds its process spent on it (the machine's load
    stretches wall time, much less CPU time)."""
    started = time.process_time()
    row = solve_task(case, **options)
    return {**row, "cpu": time.process_time() - started}


def noop(case: Case) -> dict:
    """A task that does nothing: what is left is the executor's overhead."""
    return {}


def timed(call):
    started = time.perf_counter()
    value = call()
    return value, time.perf_counter() - started


def overhead(case: Case, n: int, **kwargs) -> float:
    """Seconds per scenario of a do-nothing task: (T(n) - T(1)) / (n - 1)."""
    _, one = timed(lambda: sweep(case, [{}], noop, **kwargs))
    _, many = timed(lambda: sweep(case, [{"id": k} for k in range(n)], noop,
                                  **kwargs))
    return max(0.0, (many - one) / (n - 1))


def same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    try:
        pd.testing.assert_frame_equal(a.drop(columns=["seconds", "cpu"]),
                                      b.drop(columns=["seconds", "cpu"]))
    except AssertionError:
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=int, default=10_000)
    parser.add_argument("--overhead", type=int, default=2_000,
                        help="scenarios of the do-nothing task")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="1,000 and 300 scenarios")
    parser.add_argument("--json", metavar="PATH", help="write the measurements here")
    args = parser.parse_args(argv)
    if args.quick:
        args.scenarios, args.overhead = 1_000, 300
    import distributed

    case = with_noise(mid_case(), 0.1)
    scenarios = list(sampled_scenarios(args.scenarios))
    w = args.workers
    print(f"{args.scenarios} sampled scenarios of a {len(case.parties)}-party, "
          f"{len(case.issues)}-issue case ({case.n_packages:,} packages), task solve; "
          f"{w} workers; {os.cpu_count()} cores", file=sys.stderr)
    rows = []

    # sequential
    seq, t_seq = timed(lambda: sweep(case, scenarios, timed_solve, options=TASK, progress=False))
    rows.append({"executor": "sequential", "startup": 0.0, "wall": t_seq,
                 "per_scenario_1": overhead(case, args.overhead),
                 "per_scenario_auto": None, "identical": True})
    print(f"sequential: {t_seq:.1f} s", file=sys.stderr)

    # a local process pool (made by each call; the forkserver is started by the first)
    _, pool_start = timed(lambda: sweep(case, [{}], noop, "processes", workers=w))
    pool, t_pool = timed(lambda: sweep(case, scenarios, timed_solve, "processes", workers=w,
                                       options=TASK, progress=False))
    rows.append({"executor": f"process pool ({w})", "startup": pool_start, "wall": t_pool,
                 "per_scenario_1": overhead(case, args.overhead, executor="processes",
                                            workers=w, batch_size=1),
                 "per_scenario_auto": overhead(case, args.overhead, executor="processes",
                                               workers=w),
                 "identical": same(seq.frame, pool.frame)})
    print(f"process pool: {t_pool:.1f} s", file=sys.stderr)

    # a LocalCluster: started once, then the same call with its client
    cluster, cluster_start = timed(lambda: distributed.LocalCluster(
        n_workers=w, threads_per_worker=1, processes=True, dashboard_address=None,
        silence_logs=logging.ERROR))
    with cluster, distributed.Client(cluster) as client:
        _, warm = timed(lambda: sweep(case, [{}], noop, client))  # workers import mutualgains
        dask, t_dask = timed(lambda: sweep(case, scenarios, timed_solve, client, options=TASK,
                                             progress=False))
        rows.append({"executor": f"dask LocalCluster ({w})", "startup": cluster_start + warm,
                     "wall": t_dask,
                     "per_scenario_1": overhead(case, args.overhead, executor=client,
                                                batch_size=1),
                     "per_scenario_auto": overhead(case, args.overhead, executor=client),
                     "identical": same(seq.frame, dask.frame)})
    print(f"dask: {t_dask:.1f} s", file=sys.stderr)

    for row, result in zip(rows, (seq, pool, dask), strict=True):
        row["cpu_ms"] = 1000 * float(result.frame["cpu"].mean())
        row["throughput"] = args.scenarios / row["wall"]
        row["speedup"] = t_seq / row["wall"]
        row["efficiency"] = row["speedup"] / (1 if row["executor"] == "sequential" else w)
    solve_ms = 1000 * float(seq.frame["seconds"].mean())
    load = os.getloadavg()[0]
    print(f"\n{args.scenarios:,} scenarios; a scenario (draw + solve) takes {solve_ms:.1f} ms "
          f"of wall time in the sequential run; load average {load:.1f} on "
          f"{os.cpu_count()} cores\n")
    print("| executor | start-up s | wall s | scenarios/s | speed-up | efficiency | "
          "CPU per solve | overhead per scenario, 1 per task | with default batches | "
          "rows identical |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")

    def ms(v):
        return "-" if v is None else f"{1000 * v:.2f} ms"

    for r in rows:
        print(f"| {r['executor']} | {r['startup']:.1f} | {r['wall']:.1f} | "
              f"{r['throughput']:.1f} | {r['speedup']:.2f} | {r['efficiency']:.0%} | "
              f"{r['cpu_ms']:.1f} ms | {ms(r['per_scenario_1'])} | {ms(r['per_scenario_auto'])} | "
              f"{'yes' if r['identical'] else 'NO'} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"scenarios": args.scenarios, "workers": w, "scenario_ms": solve_ms,
                       "rows": rows}, f, indent=1)
    return 0 if all(r["identical"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
