"""Sweeps on a real dask.distributed LocalCluster of two worker processes: the sequential
results, a worker killed mid-sweep, an interrupted sweep resumed, a scheduler address."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

distributed = pytest.importorskip("distributed")

from mutualgains.io.examples import load_example  # noqa: E402
from mutualgains.model.noise import with_noise  # noqa: E402
from mutualgains.sweeps import sampled_scenarios, sweep  # noqa: E402
from mutualgains.sweeps.tasks import solve_task  # noqa: E402

HARBOUR = load_example("harbour")
NOISY = with_noise(HARBOUR, 0.1, batnas=True)
MC = {"method": "monte_carlo", "samples": 300}


@pytest.fixture(scope="module")
def client():
    import logging

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, silence_logs=logging.CRITICAL
                                  ) as cluster, distributed.Client(cluster) as client:
        yield client


def same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a.drop(columns="seconds"), b.drop(columns="seconds"))


def kill_once(case, *, marker: str, kill: bool = False, **options):
    """solve; but the first time a scenario with ``kill`` runs, its worker process dies."""
    if kill and not os.path.exists(marker):
        Path(marker).touch()
        os._exit(3)
    return solve_task(case, **options)


def scenarios() -> list[dict]:
    return [{"id": f"b{k}", "batnas": {"Port": 48 + k}} for k in range(8)] + list(
        sampled_scenarios(8))


def test_the_cluster_gives_the_sequential_results_whatever_the_batches(client):
    here = sweep(NOISY, scenarios(), "acceptance", options=MC, seed=3)
    for batch_size in (1, 5):
        there = sweep(NOISY, scenarios(), "acceptance", client, options=MC, seed=3,
                      batch_size=batch_size)
        same(here.frame, there.frame)
    assert there.executor == "dask" and there.workers == 2


def test_a_killed_worker_and_every_scenario_exactly_once(client, tmp_path):
    marker = tmp_path / "killed"
    items = [{"id": k, "batnas": {"Port": 50 + k}} for k in range(12)]
    items[5]["options"] = {"kill": True}
    result = sweep(HARBOUR, items, kill_once, client, options={"marker": str(marker)},
                   batch_size=1)
    assert marker.exists()  # the worker running scenario 5 died
    assert result.frame["ok"].all()
    assert result.frame["scenario"].tolist() == [str(k) for k in range(12)]
    plain = sweep(HARBOUR, [{k: v for k, v in s.items() if k != "options"} for s in items])
    same(result.frame.drop(columns="seed"), plain.frame.drop(columns="seed"))
    client.wait_for_workers(2, timeout=120)  # the nanny brings the worker back


def test_an_interrupted_cluster_sweep_resumes_from_its_file(client, tmp_path):
    pytest.importorskip("pyarrow")
    out = tmp_path / "results.parquet"

    def stop_after(m):
        def callback(done, total):
            if done >= m:
                raise KeyboardInterrupt
        return callback

    with pytest.raises(KeyboardInterrupt):
        sweep(NOISY, scenarios(), "acceptance", client, options=MC, seed=3, out=out,
              progress=stop_after(6), batch_size=1)
    stored = pd.read_parquet(out)
    assert len(stored) >= 6 and stored["scenario"].is_unique
    result = sweep(NOISY, scenarios(), "acceptance", client, options=MC, seed=3, out=out)
    assert result.resumed == len(stored) and result.run == 16 - len(stored)
    assert result.frame["scenario"].is_unique and len(result.frame) == 16
    here = sweep(NOISY, scenarios(), "acceptance", options=MC, seed=3)
    columns = [c for c in here.frame.columns if c != "seconds"]
    pd.testing.assert_frame_equal(result.frame[columns].reset_index(drop=True),
                                  here.frame[columns], check_dtype=False)


def test_a_scheduler_address_runs_the_same_call(client):
    address = client.scheduler.address
    result = sweep(HARBOUR, [{"margin": m} for m in range(3)], scheduler=address)
    assert result.executor == f"dask {address}"
    same(result.frame, sweep(HARBOUR, [{"margin": m} for m in range(3)]).frame)
