"""A case as a NegMAS scenario (``pip install "mutualgains[negmas]"``; NegMAS 0.16).

NegMAS is imported only inside :func:`to_negmas`; the rest of mutualgains never needs it.

What is exported
    The outcome space has one categorical issue per issue (its option names as values, in
    order); each party gets a utility function *in the case's own units* (no mapping) and
    its BATNA as the reserved value. An additive party is a
    ``LinearAdditiveUtilityFunction`` (one ``TableFun`` per issue, weights 1); a party
    with synergy bonuses or a cap is a ``ComplexNonlinearUtilityFunction`` of that linear
    function and a ``HyperRectangleUtilityFunction`` (one region per synergy: each issue
    it names limited to the listed options), combined by summing and, with a cap, taking
    the minimum with the cap. NegMAS' utility of an outcome equals
    ``case.utilities(package)`` up to float rounding (summation order).
Refused (:class:`~mutualgains.errors.CaseError` naming each; ``lossy=True`` drops them
and warns once with a :class:`~mutualgains.io.export.LossyConversionWarning`)
    A decision rule other than unanimity (NegMAS mechanisms need every negotiator's
    agreement), a margin, party weights, budgets, costs, a total budget, transfers,
    requires/excludes/precedes relations, phasing data, controls (who controls which issue).

Examples
--------
>>> from mutualgains import Case, Issue, Party
>>> case = Case([Party("A", batna=1)], [Issue("x", ["low", "high"])], {"A": {"x": [0, 3]}})
>>> try:
...     scenario = to_negmas(case)
... except UsageError:  # NegMAS is not installed
...     pass
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

from mutualgains.errors import UsageError
from mutualgains.io.export import common_losses, settle, strip
from mutualgains.model import Case
from mutualgains.params import Flag, Instance, validated

__all__ = ["EXTRA", "to_negmas"]

EXTRA = 'pip install "mutualgains[negmas]"'
"""How to install NegMAS for :func:`to_negmas`."""


class _Combine:
    """Sum of the parts' utilities, capped (a picklable combination function)."""

    def __init__(self, cap: float | None):
        self.cap = cap

    def __call__(self, utilities: Sequence[float]) -> float:
        total = sum(float(u) for u in utilities)
        return total if self.cap is None else min(self.cap, total)


def _negmas() -> Any:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # NegMAS warns about optional packages on import
            # NegMAS ships neither type hints nor a py.typed marker
            import negmas  # type: ignore[import-untyped]
            from negmas.inout import Scenario  # type: ignore[import-untyped]
            from negmas.preferences import (  # type: ignore[import-untyped]
                ComplexNonlinearUtilityFunction,
                HyperRectangleUtilityFunction,
            )
    except ImportError:
        raise UsageError(f"to_negmas needs NegMAS: {EXTRA}") from None
    return negmas, Scenario, ComplexNonlinearUtilityFunction, HyperRectangleUtilityFunction


@validated(case=Instance(Case, label="a Case"), lossy=Flag())
def to_negmas(case: Case, *, lossy: bool = False) -> Any:
    """``case`` as a ``negmas.inout.Scenario`` (see the module documentation).

    Parameters
    ----------
    case : Case
    lossy : bool, default False
        Drop (and list, in one LossyConversionWarning) what a NegMAS scenario cannot
        express instead of refusing the case.

    Returns
    -------
    negmas.inout.Scenario
        Named after the case; ``ufuns`` in party order, each named after its party.

    Raises
    ------
    CaseError
        Naming every part of the case a NegMAS scenario cannot express (unless ``lossy``).
    UsageError
        When NegMAS is not installed.

    Examples
    --------
    >>> import pytest
    >>> _ = pytest.importorskip("negmas")
    >>> from mutualgains import Case, Issue, Party, Synergy
    >>> case = Case([Party("A", batna=1, cap=5), Party("B")],
    ...             [Issue("x", ["low", "high"]), Issue("y", ["no", "yes"])],
    ...             {"A": {"x": [0, 3], "y": [1, 0]}, "B": {"y": [0, 2]}},
    ...             synergy=[Synergy({"x": "high", "y": "no"}, {"A": 2})])
    >>> scenario = to_negmas(case)
    >>> [u.name for u in scenario.ufuns], scenario.ufuns[0].reserved_value
    (['A', 'B'], 1.0)
    >>> [float(u(("high", "no"))) for u in scenario.ufuns]  # A: min(5, 3 + 1 + 2)
    [5.0, 0.0]
    """
    losses = common_losses(case, "NegMAS")
    settle(losses, target="NegMAS", lossy=lossy)
    case = strip(case, losses)
    negmas, scenario, complex_ufun, rectangles = _negmas()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        issues = [negmas.make_issue(list(i.options), i.name) for i in case.issues]
        space = negmas.make_os(issues, name=case.name)
        ufuns = []
        for party in case.parties:
            tables = [negmas.TableFun({o: float(v) for o, v in zip(
                issue.options, case.scores[party.name][issue.name], strict=True)})
                for issue in case.issues]
            linear = negmas.LinearAdditiveUtilityFunction(
                tables, weights=[1.0] * len(tables), outcome_space=space,
                reserved_value=float(party.batna), name=party.name)
            regions = [({case.issue_names.index(i): list(o) for i, o in s.when.items()},
                        float(s.bonus[party.name]))
                       for s in case.synergy if s.bonus.get(party.name, 0) != 0]
            if not regions and party.cap is None:
                ufuns.append(linear)
                continue
            parts = [linear]
            if regions:
                parts.append(rectangles(outcome_ranges=[r for r, _ in regions],
                                        utilities=[b for _, b in regions], outcome_space=space))
            cap = None if party.cap is None else float(party.cap)
            ufuns.append(complex_ufun(parts, combination_function=_Combine(cap),
                                      outcome_space=space, reserved_value=float(party.batna),
                                      name=party.name))
        return scenario(outcome_space=space, ufuns=tuple(ufuns), name=case.name)
