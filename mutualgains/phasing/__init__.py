"""Phasing: schedule a package's projects over periods under a budget (step 6).

An agreement must be affordable in its realisation: start small, show
successes, then the large ambition. :func:`phase` takes a case with phasing
data (:mod:`mutualgains.model.phasing`) and a package, and schedules the
package's projects over the horizon so that the value realised, discounted,
is as large as possible.

The model, in words
-------------------
- **Periods** are numbered ``1..periods``. A project of duration ``d`` that
  starts in period ``s`` runs in periods ``s..s+d-1``, pays its cost profile
  in those periods and *finishes* in period ``s+d-1``.
- **Projects** are the package's chosen options that have a ``Project`` entry
  in the phasing data. Chosen options without one cost nothing and are
  realised at once: their value counts in period 1. Project entries for
  options the package does not choose are ignored.
- **Value.** A project's value to a party is the difference between the
  party's utility of the package and of the package with the project's issue
  set to its first option (``out``): what the party gains when this project is
  realised, with everything else in the package. The value counts once, in
  the period the project finishes, discounted by ``(1 + discount) ** -(t-1)``
  for period ``t``. A project's value for the objective is the weighted sum
  over parties (party weights); a project of no positive value is deferred
  unless a project worth more needs it first, or ``complete=True``. With
  synergy bonuses or utility caps the marginal values need not add up to the
  package's utility exactly.
- **Budget.** Each period ``t`` has ``budget[t]``; a share ``carry_over``
  (0..1) of the money left unspent is carried into the next period.
- **Precedence.** ``precedes`` relations between two projects of the package
  mean the second starts after the first has finished. A relation through a
  chosen option without phasing data is followed through it (``a -> b -> c``
  with ``b`` realised at once still puts ``a`` before ``c``); relations with
  an option outside the package are ignored.
- **Deferral.** A project that is not finished within the horizon is
  *deferred* and realises no value here; the result lists these with the
  reason. With ``complete=True`` every project must finish within the horizon.

Objective and options
---------------------
Maximise the discounted weighted value realised within the horizon, subject to
the budget and precedence; optionally

- ``first_gain_by=k``: every party sees a first gain (a project or option of
  positive value to it is realised) by period ``k``;
- ``value_by=(k, w)``: the weighted value realised by period ``k`` is at least ``w``;
- ``earliest=True``: a lexicographic second stage: among the schedules of
  (within :data:`~mutualgains.tolerance.TOLERANCE`) the same value, start the
  projects as early as possible (a deferred project counts as starting after
  the horizon), so projects the value does not pull forward are still done early.

Formulation
-----------
Time-indexed "started by" binaries ``y[p,t]`` (1 when project ``p`` has started
by period ``t``), monotone in ``t``; precedence rows ``y[q,t] <= y[p,t-d_p]`` with
two non-zeros; per-period budget rows ``spend_t + s_t - rho * s_{t-1} <= B_t``
with carry-over balances ``s_t``, where a cost profile ``c`` enters ``spend_t``
through the differences ``c_j - c_{j-1}`` (two non-zeros per project and period
for an even profile); value on completion with discounting. Earliest and
latest starts from the precedence graph, and the start periods at which a
project alone would overrun the budget, fix variables before solving and
prove plain impossibilities in words (a precedence chain longer than the
horizon, a project costing more than any period's budget can provide). The
plain start-variable form (``formulation="start"``: ``x[p,s] = 1`` when ``p``
starts in period ``s``) is kept for comparison. Serial list schedules, ordered
by value per unit of cost and by the linear relaxation's alpha-points (up to
15 % of the time limit is spent on them), give the solver a MIP start; the best
is returned (status ``heuristic``) when the time limit hits before the solver
has a schedule. The gap is measured against the lower of the solver's bound
and the linear relaxation's (see ``benchmarks/PHASING.md`` for measurements).

Examples
--------
>>> import mutualgains as mg
>>> from mutualgains.phasing import phase
>>> case = mg.load_example("regional")
>>> plan = phase(case, mg.solve(case).package, earliest=True)
>>> plan.status.value
'optimal'
>>> plan.schedule[["project", "start", "finish"]].head(3)
            project  start  finish
0  flood warning app      1       1
1     farm advice desk      1       1
2       bird-hide trail      1       1
"""

from mutualgains.phasing.instance import FORMULATIONS
from mutualgains.phasing.result import PhaseResult, ScheduledProject
from mutualgains.phasing.run import phase

__all__ = ["FORMULATIONS", "PhaseResult", "ScheduledProject", "phase"]
