"""Money in a case: option costs, party budgets, and side payments between parties.

A party's utility counts money at its own rate (points per unit of money):
``utility = scores + bonuses + rate * (money received - money paid)``.

Case-file keys:

.. code-block:: yaml

    costs:                      # issue -> option -> cost of choosing it
      tunnel: {in: 120}
    total_budget: 200           # the package's options may cost at most this in all
    parties:
      Port: {batna: 5, budget: 100}   # at most 100 contributed to the costs
    transfers:                  # side payments
      pairs: all                # or [[payer, payee], ...]
      cap: 50                   # at most this per pair (optional)
      rate: {Port: 1, City: 2}  # points per unit of money (default 1)

Examples
--------
>>> from mutualgains.model.money import Transfers
>>> Transfers(pairs=[("Port", "City")], cap=10).allows("Port", "City")
True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from mutualgains.errors import CaseError, Problem
from mutualgains.util import number, set_fields, show

__all__ = ["Transfers"]


@dataclass(frozen=True)
class Transfers:
    """Which side payments are allowed, up to how much, and what money is worth to whom.

    Parameters
    ----------
    pairs : sequence of (payer, payee), optional
        Allowed payments; ``None`` (the default) allows every ordered pair.
    cap : float, optional
        The most one payer may pay one payee.
    rate : mapping party -> float
        Points per unit of money (default 1 for parties not listed).

    Examples
    --------
    >>> t = Transfers(rate={"City": 2})
    >>> t.allows("Port", "City"), t.rate_of("City"), t.rate_of("Port")
    (True, 2, 1)
    """

    pairs: tuple[tuple[str, str], ...] | None = None
    cap: float | None = None
    rate: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        pairs: Any = self.pairs  # anything the caller passed, checked here
        if pairs is not None:
            if isinstance(pairs, str) or not isinstance(pairs, Iterable):
                problems.append(Problem("transfers.pairs", "must be 'all' or a list of "
                                        "[payer, payee] pairs", show(pairs)))
                pairs = ()
            checked = []
            for k, pair in enumerate(pairs):
                if (isinstance(pair, str) or not isinstance(pair, Iterable)
                        or len(pair := tuple(pair)) != 2
                        or not all(isinstance(p, str) and p for p in pair)):
                    problems.append(Problem(f"transfers.pairs[{k}]", "must be [payer, payee]",
                                            show(pair)))
                elif pair[0] == pair[1]:
                    problems.append(Problem(f"transfers.pairs[{k}]",
                                            "a party cannot pay itself", show(pair)))
                else:
                    checked.append(pair)
            pairs = tuple(dict.fromkeys(checked))
        cap = None if self.cap is None else number(self.cap, "transfers.cap", problems, low=0)
        rate = {}
        if not isinstance(self.rate, Mapping):
            problems.append(Problem("transfers.rate", "must map parties to points per unit "
                                    "of money", show(self.rate)))
        else:
            for party, value in self.rate.items():
                rate_ = number(value, f"transfers.rate.{party}", problems, low=0, strict=True)
                if rate_ is not None:
                    rate[party] = rate_
        if problems:
            raise CaseError(problems)
        set_fields(self, pairs=pairs, cap=cap, rate=MappingProxyType(rate))

    def allows(self, payer: str, payee: str) -> bool:
        """Whether ``payer`` may pay ``payee``."""
        if payer == payee:
            return False
        return self.pairs is None or (payer, payee) in self.pairs

    def rate_of(self, party: str) -> float:
        """Points per unit of money for ``party``."""
        return self.rate.get(party, 1)


def transfers_from_dict(raw: Any, problems: list[Problem]) -> Transfers | None:
    """A :class:`Transfers` from the case-file form, recording problems."""
    if raw is None or raw is False:
        return None
    if raw is True:
        raw = {}
    keys = ("pairs", "cap", "rate")
    if not isinstance(raw, Mapping):
        problems.append(Problem("transfers", "must be a mapping with " + ", ".join(keys),
                                show(raw)))
        return None
    for key in raw:
        if key not in keys:
            problems.append(Problem(f"transfers.{key}", f"unknown key (known: {', '.join(keys)})"))
    pairs = raw.get("pairs", "all")
    try:
        return Transfers(None if pairs == "all" else pairs, raw.get("cap"), raw.get("rate") or {})
    except CaseError as err:
        problems.extend(err.problems)
        return None


def transfers_to_dict(transfers: Transfers) -> dict[str, Any]:
    """The case-file form of ``transfers``."""
    out: dict[str, Any] = {"pairs": "all" if transfers.pairs is None
                           else [list(p) for p in transfers.pairs]}
    if transfers.cap is not None:
        out["cap"] = transfers.cap
    if transfers.rate:
        out["rate"] = dict(transfers.rate)
    return out
