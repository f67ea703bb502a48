"""Sweeps: one task over many what-if scenarios of a case, on one machine or a cluster.

:func:`sweep` turns each scenario (plain data: BATNA changes, options removed,
budgets, sampled scores...; :mod:`mutualgains.sweeps.scenarios`) into a modified
case, runs a task on it (``solve``, ``frontier``, ``phase``, the robustness
questions, or any function; :mod:`mutualgains.sweeps.tasks`) and gathers the
rows into one tidy DataFrame. It runs sequentially, on a local process pool
(``executor="processes"``) or on a Dask cluster (``workers=N`` starts a
``LocalCluster``; ``scheduler="tcp://host:8786"`` uses a running one) with the
same code (:mod:`mutualgains.sweeps.executors`). The same seed gives the same
rows whatever runs them: each scenario's seed comes from the master seed and
its id. With ``out=`` rows are appended to a Parquet folder or CSV file as they
arrive, and a later call resumes where the last one stopped
(:mod:`mutualgains.sweeps.store`). A scenario that fails is a row with its error;
a worker that dies has its scenarios rerun.

:func:`sampled_optima` answers "how often is each package the best when the
scores are drawn?" with such a sweep.

This layer sits above :mod:`mutualgains.analysis` and :mod:`mutualgains.phasing`
(its tasks use both). ``dask.distributed`` and pyarrow are optional
(``pip install "mutualgains[distributed]"``) and imported only when asked for.

Examples
--------
>>> from mutualgains.io.examples import load_example
>>> case = load_example("harbour")
>>> result = sweep(case, [{"id": "base"}, {"id": "no loan", "fix": {"loan": "none"}},
...                       {"id": "typo", "batnas": {"Prot": 1}}])
>>> result.frame[["scenario", "ok", "status", "objective_value"]]
  scenario     ok        status  objective_value
0     base   True       optimal            114.0
1  no loan   True  no_agreement              NaN
2     typo  False           NaN              NaN
"""

from mutualgains.sweeps.optima import SampledOptima, sampled_optima
from mutualgains.sweeps.run import SweepResult, sweep
from mutualgains.sweeps.scenarios import (
    CHANGE_KEYS,
    grid_scenarios,
    read_scenarios,
    sampled_scenarios,
    scenario_case,
)
from mutualgains.sweeps.tasks import TASKS

__all__ = ["CHANGE_KEYS", "TASKS", "SampledOptima", "SweepResult", "grid_scenarios",
           "read_scenarios", "sampled_optima", "sampled_scenarios", "scenario_case", "sweep"]
