"""Sweeps here and on a local process pool: scenarios as data, failures as rows, seeds that do
not depend on how a sweep runs, results stored and resumed exactly once, dying workers."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mutualgains import CaseError, UsageError, solve
from mutualgains.io.examples import load_example
from mutualgains.model.noise import with_noise
from mutualgains.sweeps import (
    grid_scenarios,
    read_scenarios,
    sampled_optima,
    sampled_scenarios,
    scenario_case,
    sweep,
)
from mutualgains.sweeps.tasks import solve_task

HARBOUR = load_example("harbour")
REGIONAL = load_example("regional")
NOISY = with_noise(HARBOUR, 0.1, batnas=True)


def same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """Frames equal but for the timings."""
    pd.testing.assert_frame_equal(a.drop(columns="seconds"), b.drop(columns="seconds"))


# ------------------------------------------------------------ test tasks (importable)


def logged_solve(case, *, log: str, **options):
    """solve, noting each call in ``log`` (to count how often each scenario ran)."""
    with open(log, "a") as f:
        f.write(case.name + "\n")
    return solve_task(case, **options)


def kill_once(case, *, marker: str, kill: bool = False, **options):
    """solve; but the first time a scenario with ``kill`` runs, its process dies."""
    if kill and not os.path.exists(marker):
        Path(marker).touch()
        os._exit(3)
    return solve_task(case, **options)


def kill_always(case, *, kill: bool = False, **options):
    if kill:
        os._exit(3)
    return solve_task(case, **options)


def seeded_draw(case, *, seed: int):
    return {"draw": float(np.random.default_rng(seed).random())}


def raising(case):
    raise RuntimeError("boom")


# ------------------------------------------------------------------ scenarios


def test_every_change_does_what_it_says():
    case, options, tags = scenario_case(REGIONAL, {
        "scores": {"Farmers": {"flood warning app": {"in": 99}}},
        "batnas": {"Farmers": 7}, "batna_shift": {"Province": -1},
        "weights": {"Developer": 2}, "margin": 1, "min_parties": 4, "veto": ["Farmers"],
        "budget": [30] * 10, "periods": 10, "total_budget": 500,
        "options": {"objective": "nash"}, "tags": {"label": "x", "k": 3}})
    assert case.score("Farmers", "flood warning app", "in") == 99
    assert case.party("Farmers").batna == 7
    assert case.party("Province").batna == REGIONAL.party("Province").batna - 1
    assert case.party("Developer").weight == 2 and case.margin == 1
    assert case.min_parties == 4 and case.veto_parties == ("Farmers",)
    assert case.phasing.budget == (30,) * 10 and case.total_budget == 500
    assert options == {"objective": "nash"} and tags == {"label": "x", "k": 3}


def test_removing_options_removes_what_names_them():
    data = HARBOUR.to_dict()
    data["excludes"] = [[{"loan": "none"}, {"ecology": "improve"}]]
    data["requires"] = [{"option": {"compensation": "none"}, "needs": {"loan": ["none",
                                                                               "1 billion"]}}]
    data["synergy"] = [{"when": {"loan": "none", "ecology": "maintain"}, "bonus": {"City": 3}}]
    data["uncertainty"] = {"scores": {"Port": {"loan": {"none": {"interval": [-1, 1]}}}}}
    base = HARBOUR.from_dict(data)
    case, _, _ = scenario_case(base, {"remove_options": {"loan": "none"}})
    assert case.issue("loan").options == ("3 billion", "2 billion", "1 billion")
    assert case.excludes == () and case.synergy == ()
    assert case.requires[0].needs == {"loan": ("1 billion",)}
    assert case.uncertainty.scores["Port"]["loan"] == {}
    with pytest.raises(CaseError, match="needs loan = one of"):
        scenario_case(base, {"fix": {"loan": "3 billion"}})
    with pytest.raises(CaseError, match="must have at least one option"):
        scenario_case(HARBOUR, {"remove_options": {"loan": ["3 billion", "2 billion",
                                                             "1 billion", "none"]}})
    projects, _, _ = scenario_case(REGIONAL, {"fix": {"flood warning app": "out"}})
    assert all(p.option != ("flood warning app", "in") for p in projects.phasing.projects)


@pytest.mark.parametrize(("scenario", "message"), [
    ({"batna": {"Port": 1}}, "batna: unknown change"),
    ({"batnas": {"Prt": 1}}, "batnas.Prt: unknown party"),
    ({"batnas": {"Port": "high"}}, "batnas.Port: must be a number"),
    ({"fix": {"loan": ["none", "3 billion"]}}, "fix.loan: must be one option name"),
    ({"remove_options": {"lone": "none"}}, "remove_options.lone: unknown issue"),
    ({"budget": 3}, "budget: the case has no phasing data"),
    ({"sample": True}, "sample: the case states no uncertainty"),
    ({"tags": {"x": [1]}}, "tags.x: must be a plain value"),
    ({"patch": {"margin": "wide"}}, "margin: must be a number"),
])
def test_bad_changes_name_their_place(scenario, message):
    with pytest.raises(CaseError, match=message):
        scenario_case(HARBOUR, scenario, np.random.default_rng(0))


def test_patch_merges_and_deletes():
    case, _, _ = scenario_case(HARBOUR, {"patch": {"decision_rule": None,
                                                   "parties": {"Port": {"weight": 3}}}})
    assert case.decision_rule.is_unanimity and case.party("Port").weight == 3
    assert case.party("Port").batna == 55


def test_a_sample_draws_within_the_ranges_and_drops_the_uncertainty():
    case = with_noise(HARBOUR, 2, relative=False, shape="interval", batnas=True)
    drawn, _, _ = scenario_case(case, {"sample": True}, np.random.default_rng(1))
    assert drawn.uncertainty is None
    assert np.abs(drawn.score_matrix - case.score_matrix).max() <= 2
    assert (drawn.score_matrix != case.score_matrix).any()
    only, _, _ = scenario_case(case, {"sample": {"batnas": True}}, np.random.default_rng(1))
    assert (only.score_matrix == case.score_matrix).all()
    assert (only.batnas != case.batnas).all()


def test_grids_and_files(tmp_path):
    grid = grid_scenarios({"batnas": {"Port": [50, 60]}, "fix": [{"loan": "none"}, {}]})
    assert [g["id"] for g in grid] == ["batnas.Port=50,fix={'loan': 'none'}",
                                       "batnas.Port=50,fix={}", "batnas.Port=60,fix={'loan': "
                                       "'none'}", "batnas.Port=60,fix={}"]
    with pytest.raises(CaseError, match="grid.batnas.Port: must be a non-empty list"):
        grid_scenarios({"batnas": {"Port": 50}})
    (tmp_path / "case.json").write_text(json.dumps(HARBOUR.to_dict()))
    (tmp_path / "s.yaml").write_text(
        "case: case.json\ntask: solve\noptions: {objective: nash}\nseed: 4\n"
        "scenarios:\n  - {id: base}\n  - {id: port, batnas: {Port: 60}}\n"
        "grid: {margin: [0, 1]}\nsamples: 2\n")
    spec = read_scenarios(tmp_path / "s.yaml")
    assert spec.case == HARBOUR and spec.task == "solve" and spec.seed == 4
    assert [s["id"] for s in spec.scenarios] == ["base", "port", "margin=0", "margin=1",
                                                 "sample-0", "sample-1"]
    (tmp_path / "bad.yaml").write_text("case: harbour\nscenario: []\n")
    with pytest.raises(UsageError, match="unknown key 'scenario'"):
        read_scenarios(tmp_path / "bad.yaml")
    (tmp_path / "nocase.yaml").write_text("case: nowhere.yaml\n")
    with pytest.raises(UsageError, match="case must be a case file"):
        read_scenarios(tmp_path / "nocase.yaml")


# ---------------------------------------------------------------------- sweep


def test_failures_are_rows_and_never_stop_the_sweep():
    result = sweep(HARBOUR, [{"id": "a"}, {"id": "b", "batnas": {"Nobody": 1}}, {"id": "c"}],
                   raising)
    assert result.frame["ok"].tolist() == [False, False, False]
    assert result.frame["error"][0] == "RuntimeError: boom"
    result = sweep(HARBOUR, [{"id": "a"}, {"id": "b", "batnas": {"Nobody": 1}}, {"id": "c"}])
    assert result.frame["ok"].tolist() == [True, False, True] and result.failed == 1
    assert result.failures["scenario"].tolist() == ["b"]


def test_ids_are_checked():
    with pytest.raises(UsageError, match="duplicate scenario id 'a' \\(first at position 0\\)"):
        sweep(HARBOUR, [{"id": "a"}, {"id": "a"}])
    with pytest.raises(UsageError, match="id must be text or a whole number"):
        sweep(HARBOUR, [{"id": 1.5}])
    # a generator is read lazily: a repeated id there is a failed row
    result = sweep(HARBOUR, (s for s in [{"id": "a"}, {"id": "a"}]))
    assert result.frame["scenario"].tolist() == ["a", "a#1"]
    assert result.frame["error"][1].startswith("UsageError: duplicate scenario id 'a'")


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"task": "slove"}, "unknown task 'slove'"),
    ({"executor": "threads"}, "executor must be None, one of .sequential., .processes."),
    ({"executor": "sequential", "workers": 2}, "workers is for the processes and dask"),
    ({"executor": "processes", "scheduler": "tcp://x:1"}, "scheduler is for executor='dask'"),
    ({"seed": -1}, "seed must be a whole number of at least 0"),
    ({"out": "results.xlsx"}, "out: must end in .parquet or .csv"),
    ({"progress": "yes"}, "progress must be True, False, None or a callable"),
])
def test_bad_arguments(kwargs, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UsageError, match=message):
        sweep(HARBOUR, [{}], **kwargs)


def test_seeds_come_from_the_master_seed_and_the_ids_only():
    scenarios = [{"id": f"s{k}"} for k in range(6)]
    forward = sweep(HARBOUR, scenarios, seeded_draw, seed=5).frame
    backward = sweep(HARBOUR, scenarios[::-1], seeded_draw, seed=5).frame
    merged = backward.sort_values("scenario").reset_index(drop=True)
    assert forward["draw"].tolist() == merged["draw"].tolist()
    assert forward["draw"].nunique() == 6
    other = sweep(HARBOUR, scenarios, seeded_draw, seed=6).frame
    assert not set(other["draw"]) & set(forward["draw"])
    positions = sweep(HARBOUR, [{}, {}], seeded_draw, seed=5).frame  # ids 0 and 1
    assert positions["seed"].tolist() == [
        int(np.random.SeedSequence(5).spawn(2)[k].spawn(2)[1].generate_state(1)[0])
        for k in range(2)]


def test_sampled_scenarios_are_reproducible_and_differ():
    first = sweep(NOISY, list(sampled_scenarios(5)), "solve", seed=1).frame
    again = sweep(NOISY, list(sampled_scenarios(5)), "solve", seed=1).frame
    same(first, again)
    gains = first[[c for c in first.columns if c.startswith("gain ")]].round(9)
    assert len(gains.drop_duplicates()) > 1


def test_multi_row_tasks_and_tags():
    result = sweep(HARBOUR, [{"id": "two", "tags": {"kind": "frontier"}}], "frontier",
                   options={"parties": ["Port", "City"]})
    assert result.frame["row"].tolist() == list(range(6))
    assert set(result.frame["kind"]) == {"frontier"} and len(set(result.frame["scenario"])) == 1


def test_the_named_tasks_run():
    for task, options in [("phase", {}), ("acceptance", {"samples": 200}),
                          ("radius", {"box": "all"}),
                          ("robust", {"samples": 30, "validate": 200})]:
        case = REGIONAL if task == "phase" else NOISY
        result = sweep(case, [{}], task, options=options)
        assert result.frame["ok"].all(), (task, result.frame["error"][0])


def test_progress_callbacks_count_scenarios():
    seen = []
    sweep(HARBOUR, [{}, {}, {}], progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 3), (2, 3), (3, 3)]
    seen.clear()
    sweep(HARBOUR, ({} for _ in range(2)), progress=lambda done, total: seen.append(
        (done, total)))
    assert seen == [(1, None), (2, None)]


# --------------------------------------------------------------- store, resume


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_an_interrupted_sweep_resumes_without_losing_or_repeating(tmp_path, suffix):
    if suffix == ".parquet":
        pytest.importorskip("pyarrow")
    out = tmp_path / f"results{suffix}"
    log = tmp_path / "calls.log"
    scenarios = [{"id": f"s{k}", "batnas": {"Port": 40 + k}} for k in range(12)]

    def stop_after(m):
        def callback(done, total):
            if done >= m:
                raise KeyboardInterrupt
        return callback

    with pytest.raises(KeyboardInterrupt):
        sweep(HARBOUR, scenarios, logged_solve, options={"log": str(log)}, out=out,
              progress=stop_after(5))
    assert len(log.read_text().splitlines()) == 5
    result = sweep(HARBOUR, scenarios, logged_solve, options={"log": str(log)}, out=out)
    assert (result.run, result.resumed) == (7, 5)
    assert len(log.read_text().splitlines()) == 12  # every scenario ran once in all
    frame = result.frame
    assert frame["scenario"].tolist() == [s["id"] for s in scenarios]
    fresh = sweep(HARBOUR, scenarios, "solve").frame
    assert frame["objective_value"].tolist() == fresh["objective_value"].tolist()
    again = sweep(HARBOUR, scenarios, logged_solve, options={"log": str(log)}, out=out)
    assert (again.run, again.resumed) == (0, 12)
    assert len(log.read_text().splitlines()) == 12


def test_limit_stops_and_the_next_call_goes_on(tmp_path):
    out = tmp_path / "r.csv"
    scenarios = [{"id": k, "margin": k} for k in range(5)]
    first = sweep(HARBOUR, scenarios, out=out, limit=2)
    assert first.status.value == "limit" and first.run == 2
    second = sweep(HARBOUR, scenarios, out=out)
    assert second.status.value == "complete" and (second.run, second.resumed) == (3, 2)
    assert second.frame["scenario"].tolist() == ["0", "1", "2", "3", "4"]


def test_a_torn_csv_line_is_dropped_and_rerun(tmp_path):
    out = tmp_path / "r.csv"
    scenarios = [{"id": k} for k in range(3)]
    sweep(HARBOUR, scenarios, out=out)
    text = out.read_text()
    out.write_text(text[: text.rindex("\n", 0, len(text) - 1) + 8])  # cut the last line
    result = sweep(HARBOUR, scenarios, out=out)
    assert (result.run, result.resumed) == (1, 2)
    assert result.frame["scenario"].tolist() == ["0", "1", "2"]


def test_a_store_refuses_another_sweep(tmp_path):
    out = tmp_path / "r.csv"
    sweep(HARBOUR, [{}], out=out)
    for kwargs in ({"seed": 1}, {"task": "frontier"}, {"options": {"objective": "nash"}}):
        with pytest.raises(UsageError, match="holds another sweep"):
            sweep(HARBOUR, [{}], out=out, **kwargs)
    with pytest.raises(UsageError, match="holds another sweep \\(case"):
        sweep(REGIONAL, [{}], out=out)
    (tmp_path / "other.csv").write_text("a,b\n")
    with pytest.raises(UsageError, match="holds no sweep"):
        sweep(HARBOUR, [{}], out=tmp_path / "other.csv")


def test_csv_header_grows_when_columns_arrive_later(tmp_path):
    out = tmp_path / "r.csv"
    result = sweep(HARBOUR, [{"id": "bad", "batnas": {"X": 1}}, {"id": "good"}], out=out)
    assert result.frame["ok"].tolist() == [False, True]
    assert result.frame["objective_value"].tolist()[1] == 114
    header = out.read_text().splitlines()[0]
    assert header.startswith("scenario,position,row,ok,error,seed,seconds,status")


# ----------------------------------------------------------------- process pool


def test_a_process_pool_gives_the_sequential_results():
    scenarios = [{"id": f"b{k}", "batnas": {"Port": 45 + 2 * k}} for k in range(6)] + list(
        sampled_scenarios(6))
    here = sweep(NOISY, scenarios, "acceptance", options={"method": "monte_carlo",
                                                          "samples": 300})
    pool = sweep(NOISY, scenarios, "acceptance", "processes", workers=2,
                 options={"method": "monte_carlo", "samples": 300}, batch_size=2)
    same(here.frame, pool.frame)
    assert pool.executor == "processes" and pool.workers == 2


def test_a_dying_pool_worker_reruns_its_scenarios_exactly_once(tmp_path):
    marker = tmp_path / "killed"
    scenarios = [{"id": k, "batnas": {"Port": 50 + k}} for k in range(8)]
    scenarios[3]["options"] = {"kill": True}
    result = sweep(HARBOUR, scenarios, kill_once, "processes", workers=2,
                   options={"marker": str(marker)}, batch_size=2)
    assert marker.exists()  # a worker did die
    assert result.frame["ok"].all() and result.frame["scenario"].tolist() == [
        str(k) for k in range(8)]
    same(result.frame.drop(columns="seed"), sweep(HARBOUR, [
        {k: v for k, v in s.items() if k != "options"} for s in scenarios]).frame.drop(
        columns="seed"))


def test_a_scenario_that_always_kills_its_worker_fails_alone():
    scenarios = [{"id": k} for k in range(5)]
    scenarios[2]["options"] = {"kill": True}
    result = sweep(HARBOUR, scenarios, kill_always, "processes", workers=2)
    assert result.frame["ok"].tolist() == [True, True, False, True, True]
    assert result.frame["error"][2].startswith("WorkerDied: the worker process died")


# -------------------------------------------------------------------- optima


def test_sampled_optima_counts_the_solves():
    optima = sampled_optima(NOISY, 30, seed=2)
    frame = optima.sweep.frame
    assert optima.samples == 30 and len(frame) == 30
    wins = frame[frame["status"] == "optimal"]
    best = wins[[f"option {i}" for i in HARBOUR.issue_names]].value_counts()
    assert optima.packages[0][1] == best.iloc[0]
    assert sum(c for _, c in optima.packages) + optima.no_agreement == 30
    nominal = solve(HARBOUR).package
    assert 0 <= optima.share_of(nominal) <= 1
    with pytest.raises(UsageError, match="states no uncertainty"):
        sampled_optima(HARBOUR, 5)
