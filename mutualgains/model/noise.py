"""A case with noise: every score (and optionally every BATNA) uncertain by one size.

Examples
--------
>>> from mutualgains.io.examples import load_example
>>> with_noise(load_example("harbour"), 2, relative=False).uncertainty.parties["Port"].size
2
"""

from __future__ import annotations

import dataclasses

from mutualgains.model.arguments import CASE
from mutualgains.model.case import Case
from mutualgains.model.uncertainty import SHAPES, Noise, Uncertainty
from mutualgains.params import Choice, Flag, Real, validated

__all__ = ["with_noise"]


@validated(case=CASE, size=Real(low=0), relative=Flag(), shape=Choice(SHAPES),
           batnas=Flag())
def with_noise(case: Case, size: float, *, relative: bool = True, shape: str = "normal",
               batnas: bool = False) -> Case:
    """``case`` with every score (and, with ``batnas``, every BATNA) uncertain by ``size``.

    Any uncertainty the case states already is replaced.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> case = with_noise(load_example("harbour"), 0.1)
    >>> case.uncertainty.score("Port", "loan", "none", 0) is None  # 10 % of 0
    True
    >>> case.uncertainty.parties["City"]
    Noise(size=0.1, relative=True, shape='normal', low=None, high=None)
    """
    noise = Noise(size, relative=relative, shape=shape)
    spread = Uncertainty(parties=dict.fromkeys(case.party_names, noise),
                         batnas=dict.fromkeys(case.party_names, noise) if batnas else {})
    return dataclasses.replace(case, uncertainty=spread)
