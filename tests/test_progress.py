"""One progress convention on every long call, and solver output through logging."""

from __future__ import annotations

import io
import logging
import sys

import pytest

import mutualgains as mg
from mutualgains.engine.mip import MipModel
from mutualgains.io.examples import load_example
from mutualgains.progress import Tracker, check_progress, track


def recorder():
    calls: list[tuple[int, int | None]] = []
    return calls, lambda done, total: calls.append((done, total))


def test_alternatives_report_each_package_of_k():
    calls, progress = recorder()
    found = mg.alternatives(load_example("harbour"), 3, progress=progress)
    assert calls == [(1, 3), (2, 3), (3, 3)] and len(found) == 3


def test_explain_reports_every_step_up_to_its_total():
    calls, progress = recorder()
    case = load_example("harbour")
    mg.explain(case, progress=progress)
    total = 3 + 2 * len(case.parties)
    assert {t for _, t in calls} == {total}
    assert calls[-1] == (total, total)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_explain_of_a_blocked_case_runs_the_deletion_filter_step_by_step():
    stuck = mg.Case.from_dict({"parties": {"A": 5, "B": 5}, "issues": {"i": ["x", "y"]},
                               "scores": {"A": {"i": [6, 0]}, "B": {"i": [0, 6]}}})
    calls, progress = recorder()
    mg.explain(stuck, progress=progress)
    assert [d for d, _ in calls] == [1, 2, 3, 4, 5, 6, 7]


@pytest.mark.parametrize("earliest", [False, True])
def test_phase_reports_its_solver_stages(earliest):
    case = load_example("regional")
    calls, progress = recorder()
    plan = mg.phase(case, mg.solve(case).package, earliest=earliest, progress=progress)
    stages = 2 + earliest
    assert calls == [(k, stages) for k in range(1, stages + 1)]
    assert plan.status is mg.Status.OPTIMAL


def test_phase_without_solving_still_finishes_its_count():
    case = load_example("regional")
    calls, progress = recorder()
    mg.phase(case, mg.solve(case).package, periods=3, complete=True, progress=progress)
    assert calls == [(2, 2)]  # proven infeasible before any solve


@pytest.mark.parametrize("method", ["auto", "mip"])
def test_frontier_reports_points_found(method):
    calls, progress = recorder()
    frontier = mg.pareto_frontier(load_example("harbour"), ["Port", "City"], method=method,
                                  progress=progress)
    assert calls[-1] == (len(frontier), None)
    assert all(total is None for _, total in calls)


def test_true_is_quiet_when_stderr_is_not_a_terminal(capsys):
    mg.alternatives(load_example("harbour"), 2, progress=True)
    assert capsys.readouterr().err == ""


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_true_draws_a_bar_on_a_terminal(monkeypatch):
    pytest.importorskip("tqdm")
    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    mg.alternatives(load_example("harbour"), 2, progress=True)
    assert "alternatives: " in screen.getvalue() and "/2 [" in screen.getvalue()  # tqdm


def test_true_without_tqdm_prints_a_counter_on_a_terminal(monkeypatch):
    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    with track(True, "sweep", total=2) as step:
        step.advance()
        step.advance()
    assert screen.getvalue() == "\rsweep: 1/2 \rsweep: 2/2 \n"


def test_bad_progress_is_a_usage_error():
    with pytest.raises(mg.UsageError, match="progress must be True, False, None or a callable"):
        mg.alternatives(load_example("harbour"), 2, progress="yes")
    with pytest.raises(mg.UsageError, match="progress"):
        check_progress(3)


def test_tracker_counts_and_learns_its_total():
    calls, progress = recorder()
    with Tracker(progress, "x") as step:
        step.advance(2)
        step.update(5, total=8)
    assert calls == [(2, None), (5, 8)] and step.total == 8


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_solver_log_goes_to_logging_not_stdout(solver, caplog, capfd):
    model = MipModel()
    x = model.add_variables(2, binary=True)
    model.add_rows([([x[0], x[1]], [1, 1], "<=", 1)])
    model.set_objective(x, [2, 3])
    capfd.readouterr()
    with caplog.at_level(logging.INFO, logger="mutualgains.engine.mip.solver"):
        out = model.solve(solver=solver, msg=True)
    assert out.status is mg.Status.OPTIMAL
    lines = [r.getMessage() for r in caplog.records if r.name == "mutualgains.engine.mip.solver"]
    assert len(lines) > 5
    assert capfd.readouterr().out == ""


def test_without_msg_the_solver_logs_nothing(caplog):
    with caplog.at_level(logging.INFO, logger="mutualgains.engine.mip.solver"):
        mg.solve(load_example("harbour"), method="mip")
    assert not [r for r in caplog.records if r.name == "mutualgains.engine.mip.solver"]
