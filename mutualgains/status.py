"""The one status vocabulary of mutualgains, and the one mapping from solver outcomes.

Every result (a solve, a frontier, alternatives, an amendment, a schedule) and
every solver call reports a :class:`Status`. A solver call ends in one of five
(``optimal``, ``feasible``, ``infeasible``, ``time_limit``, ``error``); what an
infeasible program *means* depends on the question, and :func:`outcome_status`
is the only place that says it (no package passes: ``no_agreement``; no
amendment keeps the others acceptable: ``no_amendment``; no schedule meets the
requirements: ``infeasible``). A solver error is never read as "no agreement".

Examples
--------
>>> from mutualgains.status import Status, outcome_status
>>> outcome_status(Status.INFEASIBLE)
<Status.NO_AGREEMENT: 'no_agreement'>
>>> outcome_status(Status.INFEASIBLE, infeasible=Status.INFEASIBLE)
<Status.INFEASIBLE: 'infeasible'>
>>> outcome_status(Status.ERROR)
<Status.ERROR: 'error'>
>>> Status.FEASIBLE.has_answer, Status.FEASIBLE.proven
(True, False)
"""

from __future__ import annotations

import enum

__all__ = ["SOLVER_STATUSES", "Status", "outcome_status"]


class Status(enum.StrEnum):
    """How a computation ended.

    ``optimal``
        An answer, proven optimal (MIP gap 0 within the tolerance).
    ``feasible``
        An answer whose optimality is not proven (a time limit or a ``gap``:
        the result's ``gap`` says how far it may be).
    ``heuristic``
        An answer from a heuristic, because the solver had none in time (phasing).
    ``complete``
        An enumeration found everything there is (a frontier's every point).
    ``exhausted``
        Fewer answers exist than were asked for (alternatives).
    ``limit``
        An enumeration stopped at the count it was given (``max_points``).
    ``no_agreement``
        Proven: no package passes the decision rule.
    ``no_amendment``
        Proven: no amendment keeps every other party acceptable.
    ``infeasible``
        Proven: nothing meets the requirements (a solver call; a schedule).
    ``time_limit``
        Stopped before any answer was found or infeasibility proven.
    ``error``
        The solver failed (the result's ``message`` says how).

    Examples
    --------
    >>> Status("heuristic").has_answer, Status.NO_AGREEMENT.has_answer
    (True, False)
    >>> Status.OPTIMAL == "optimal"
    True
    """

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    HEURISTIC = "heuristic"
    COMPLETE = "complete"
    EXHAUSTED = "exhausted"
    LIMIT = "limit"
    NO_AGREEMENT = "no_agreement"
    NO_AMENDMENT = "no_amendment"
    INFEASIBLE = "infeasible"
    TIME_LIMIT = "time_limit"
    ERROR = "error"

    @property
    def has_answer(self) -> bool:
        """Whether a package, a schedule or a set of points comes with this status."""
        return self in _ANSWERS

    @property
    def proven(self) -> bool:
        """Whether the answer (or its absence) is proven: not cut short by a limit or error."""
        return self in _PROVEN


_ANSWERS = frozenset({Status.OPTIMAL, Status.FEASIBLE, Status.HEURISTIC, Status.COMPLETE,
                      Status.EXHAUSTED, Status.LIMIT})
_PROVEN = frozenset({Status.OPTIMAL, Status.COMPLETE, Status.EXHAUSTED, Status.NO_AGREEMENT,
                     Status.NO_AMENDMENT, Status.INFEASIBLE})

SOLVER_STATUSES: frozenset[Status] = frozenset(
    {Status.OPTIMAL, Status.FEASIBLE, Status.INFEASIBLE, Status.TIME_LIMIT, Status.ERROR})
"""The statuses one solver call can end in (see :mod:`mutualgains.engine.mip`)."""


def outcome_status(solver_status: Status, *, infeasible: Status = Status.NO_AGREEMENT) -> Status:
    """The status of a result whose answer came from one solver call.

    Parameters
    ----------
    solver_status : Status
        One of :data:`SOLVER_STATUSES`.
    infeasible : Status, default ``no_agreement``
        What an infeasible program means for this question.

    Raises
    ------
    ValueError
        When ``solver_status`` is not a solver call's status.

    Examples
    --------
    >>> outcome_status(Status.TIME_LIMIT), outcome_status(Status.OPTIMAL)
    (<Status.TIME_LIMIT: 'time_limit'>, <Status.OPTIMAL: 'optimal'>)
    """
    if solver_status not in SOLVER_STATUSES:
        raise ValueError(f"not a solver call's status: {solver_status!r}")
    return infeasible if solver_status is Status.INFEASIBLE else Status(solver_status)
