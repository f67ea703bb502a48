"""The library is safe to use before a fork: a fork-based pool (the default ``Pool()`` on
Linux) solves after the parent has run HiGHS.

HiGHS keeps a global thread pool started by the first solve; a forked child inherits its
state but not its threads, and without :mod:`mutualgains.engine.mip`'s fork hook the
child's first solve waits for them forever. The pool runs in a subprocess with timeouts,
so that a regression fails instead of hanging the suite.
"""

from __future__ import annotations

import json
import multiprocessing
import subprocess
import sys

import pytest

needs_fork = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(),
                                reason="no fork start method on this platform")

SCRIPT = """
import dataclasses, functools, json, multiprocessing
import mutualgains as mg

def variant(name, k):  # four different cases: the two examples, BATNAs lowered by k
    case = mg.load_example(name)
    return dataclasses.replace(case, parties=tuple(dataclasses.replace(p, batna=p.batna - k)
                                                   for p in case.parties))

if __name__ == "__main__":
    cases = [variant("harbour", 0), variant("regional", 0), variant("harbour", 5),
             variant("regional", 3)]
    first = mg.solve(cases[0], method="mip")  # the parent runs HiGHS once: its pool starts
    assert first.solver == "HiGHS", first.solver
    expected = [mg.solve(c, method="mip") for c in cases]
    solve = functools.partial(mg.solve, method="mip")
    with multiprocessing.get_context("fork").Pool(2) as pool:  # cases and results are pickled
        found = pool.map_async(solve, cases).get(timeout=60)
    again = mg.solve(cases[1], method="mip")  # and the parent still solves afterwards
    print(json.dumps({"found": [r.to_dict() for r in found],
                      "expected": [r.to_dict() for r in expected],
                      "again": again.to_dict()}))
"""


def _without_timings(result: dict) -> dict:
    return {k: v for k, v in result.items() if k not in ("seconds", "build_seconds")}


@needs_fork
def test_a_fork_pool_solves_after_the_parent_solved(tmp_path):
    script = tmp_path / "pool.py"
    script.write_text(SCRIPT)
    try:
        out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                             timeout=120)
    except subprocess.TimeoutExpired:
        pytest.fail("the fork-based pool hung (HiGHS' thread pool inherited by the children)")
    assert out.returncode == 0, out.stderr[-2000:]
    data = json.loads(out.stdout.strip().splitlines()[-1])
    assert len(data["found"]) == 4
    for found, expected in zip(data["found"], data["expected"], strict=True):
        assert found["status"] == "optimal" and found["solver"] == "HiGHS"
        assert _without_timings(found) == _without_timings(expected)
    assert _without_timings(data["again"]) == _without_timings(data["expected"][1])
    assert len({json.dumps(r["package"], sort_keys=True) for r in data["found"]}) > 1


@needs_fork
def test_the_fork_hook_is_registered_by_the_solver_adapter():
    """Without the hook the test above hangs; this names the cause when it does."""
    code = ("import os, mutualgains.engine.mip as mip, highspy\n"
            "assert hasattr(highspy.Highs, 'resetGlobalScheduler')\n"
            "pid = os.fork()\n"
            "if pid == 0:\n"
            "    import signal; signal.alarm(30)  # a hung child does not outlive the test\n"
            "    from mutualgains.engine.mip import MipModel\n"
            "    m = MipModel(); x = m.add_variables(1, binary=True); m.set_objective(x, [1])\n"
            "    os._exit(0 if m.solve().objective == 1 else 1)\n"
            "_, status = os.waitpid(pid, 0)\n"
            "raise SystemExit(os.waitstatus_to_exitcode(status))\n")
    warm = ("from mutualgains.engine.mip import MipModel\n"
            "m = MipModel(); x = m.add_variables(1, binary=True); m.set_objective(x, [1])\n"
            "m.solve()\n")
    try:
        out = subprocess.run([sys.executable, "-c", warm + code], capture_output=True,
                             text=True, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("a forked child's first HiGHS solve hung")
    assert out.returncode == 0, out.stderr[-2000:]


def test_cases_and_results_pickle():
    """What a pool sends to its workers and back: cases and results (read-only views)."""
    import pickle

    import mutualgains as mg

    harbour, regional = mg.load_example("harbour"), mg.load_example("regional")
    package = mg.solve(harbour).package
    objects = [harbour, regional, mg.solve(harbour), mg.pareto_frontier(harbour),
               mg.alternatives(harbour, 2), mg.improve(harbour, package), mg.explain(harbour),
               mg.compensate(harbour, package), mg.agenda_value(harbour, "loan"),
               mg.phase(regional, mg.solve(regional).package)]
    for obj in objects:
        back = pickle.loads(pickle.dumps(obj))
        assert type(back) is type(obj) and repr(back) == repr(obj)
        if hasattr(obj, "to_dict"):
            assert back.to_dict() == obj.to_dict()
    assert pickle.loads(pickle.dumps(harbour)) == harbour
