"""Transferable-utility games: players and what each coalition is worth on its own.

A :class:`Game` answers "what is coalition S worth?" for every set S of players,
once per coalition (answers are cached). Two kinds:

``gains``
    ``value(S)`` is what S can gain on its own (more is better); the shares
    of the grand coalition's value are what each player receives.
``costs``
    ``value(S)`` is what serving S alone costs; the shares of the grand
    coalition's cost are what each player pays.

The sharing rules (:mod:`~mutualgains.analysis.shapley`,
:mod:`~mutualgains.analysis.core`, :mod:`~mutualgains.analysis.nucleolus`,
:mod:`~mutualgains.analysis.scrb`) work on any game; the games of a case
(:mod:`~mutualgains.analysis.coalitions`) compute each value with the package
solver. Inside the library a coalition is an ``int`` bit mask (bit k: the k-th
player); outside it is a collection of player names.

A cost game is handled as the gains game of its negated costs (the *worth*
``-c(S)``), so every rule has one implementation; the shares are turned back
into payments at the end.

Examples
--------
>>> from mutualgains.analysis.games import Game
>>> glove = Game.from_function(["L", "R1", "R2"],
...                            lambda s: min(len(s & {"L"}), len(s - {"L"})))
>>> glove.value({"L", "R2"}), glove.value({"R1", "R2"})
(1.0, 0.0)
>>> glove
<Game 'game': gains of 3 players>
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from mutualgains.errors import UsageError
from mutualgains.params import Choice, Function, Instance, Names, Text, validated
from mutualgains.util import show

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["GAME", "KINDS", "MAX_LISTED", "Game", "coalition_sums"]

KINDS: tuple[str, ...] = ("gains", "costs")
"""The two kinds of game: values to share out (``gains``) or costs to share (``costs``)."""

MAX_LISTED = 20
"""The most players whose 2**n coalitions a :class:`Game` lists at once (about a million)."""


class Game:
    """A transferable-utility game: ``value(S)`` for every coalition ``S`` of ``players``.

    Build one with :meth:`from_function` or :meth:`from_values`; the games of a
    case come from :func:`~mutualgains.analysis.coalitions.gains_game` and
    :func:`~mutualgains.analysis.coalitions.cost_game`. The empty coalition is
    worth 0. Values are computed on first use and cached.

    Attributes
    ----------
    players : tuple of str
    kind : {"gains", "costs"}
    name : str

    Examples
    --------
    >>> g = Game.from_values(["A", "B"], {("A",): 1, ("B",): 2, ("A", "B"): 6})
    >>> g.value(["A", "B"]), g.n
    (6.0, 2)
    >>> g.to_frame()
      coalition  size  value
    0         A     1    1.0
    1         B     1    2.0
    2      A, B     2    6.0
    """

    def __init__(self, players: Iterable[str], *, kind: str = "gains", name: str = "game"):
        players = tuple(players)
        if len(set(players)) != len(players):
            raise UsageError(f"players: duplicate names in {show(players)}")
        if not players:
            raise UsageError("players: a game needs at least one player")
        if kind not in KINDS:
            raise UsageError(f"kind: must be one of {', '.join(map(repr, KINDS))}, got {kind!r}")
        self.players = players
        self.kind = kind
        self.name = name
        self._index = {p: k for k, p in enumerate(players)}
        self._cache: dict[int, float] = {0: 0.0}
        self._listed: np.ndarray | None = None

    # ------------------------------------------------------------ constructors

    @classmethod
    @validated(players=Names(min_length=1), function=Function(), kind=Choice(KINDS), name=Text())
    def from_function(cls, players: Iterable[str], function: Callable[[frozenset], float], *,
                      kind: str = "gains", name: str = "game") -> Game:
        """A game whose value of ``S`` is ``function(frozenset of S's names)``.

        Examples
        --------
        >>> runway = {"small": 1, "medium": 3, "large": 4}   # an airport game
        >>> g = Game.from_function(list(runway), lambda s: max(runway[p] for p in s),
        ...                        kind="costs")
        >>> g.value(["small", "medium"])
        3.0
        """
        return _FunctionGame(players, function, kind=kind, name=name)

    @classmethod
    @validated(players=Names(min_length=1), values=Instance(Mapping, label="a mapping"),
               kind=Choice(KINDS), name=Text())
    def from_values(cls, players: Iterable[str], values: Mapping[Any, float], *,
                    kind: str = "gains", name: str = "game") -> Game:
        """A game from a table: coalition (a collection of names, or one name) -> value.

        Every non-empty coalition must be listed; the empty one may be, with value 0.

        Examples
        --------
        >>> Game.from_values(["A", "B"], {"A": 1, "B": 2, ("A", "B"): 4}).value("A")
        1.0
        """
        game = cls(players, kind=kind, name=name)
        table: dict[int, float] = {}
        for key, value in values.items():
            mask = game.mask([key] if isinstance(key, str) else key)
            table[mask] = _finite(value, f"values[{show(key)}]")
        if table.get(0, 0.0) != 0.0:
            raise UsageError("values: the empty coalition must be worth 0")
        missing = [m for m in range(1, 1 << game.n) if m not in table]
        if missing:
            shown = "; ".join(", ".join(game.members(m)) for m in missing[:3])
            raise UsageError(f"values: {len(missing)} coalition(s) missing, such as {shown}")
        game._cache.update(table)
        return game

    # ------------------------------------------------------------ coalitions

    @property
    def n(self) -> int:
        """The number of players."""
        return len(self.players)

    @property
    def full(self) -> int:
        """The grand coalition's mask."""
        return (1 << self.n) - 1

    @property
    def sign(self) -> float:
        """+1 for a gains game, -1 for a cost game: worth = sign * value."""
        return 1.0 if self.kind == "gains" else -1.0

    def mask(self, coalition: Iterable[str] | str | int) -> int:
        """The bit mask of ``coalition`` (names, one name, or already a mask).

        Examples
        --------
        >>> Game.from_function(["A", "B", "C"], len).mask(["A", "C"])
        5
        """
        if isinstance(coalition, bool):
            raise UsageError(f"coalition: must name players, got {coalition!r}")
        if isinstance(coalition, int):
            if not 0 <= coalition <= self.full:
                raise UsageError(f"coalition: no such coalition mask {coalition}")
            return coalition
        names = [coalition] if isinstance(coalition, str) else list(coalition)
        mask = 0
        for name in names:
            k = self._index.get(name)
            if k is None:
                raise UsageError(f"coalition: unknown player {show(name)} "
                                 f"(players: {', '.join(self.players)})")
            mask |= 1 << k
        return mask

    def members(self, mask: int) -> tuple[str, ...]:
        """The names in coalition ``mask``, in player order."""
        return tuple(p for k, p in enumerate(self.players) if mask >> k & 1)

    # ------------------------------------------------------------ values

    def value(self, coalition: Iterable[str] | str | int) -> float:
        """What ``coalition`` is worth on its own (a gain) or costs alone (a cost).

        Examples
        --------
        >>> Game.from_function(["A", "B"], lambda s: len(s) ** 2).value(["A", "B"])
        4.0
        """
        mask = self.mask(coalition)
        cached = self._cache.get(mask)
        if cached is None:
            cached = self._cache[mask] = _finite(self._evaluate(mask),
                                                 f"value of {show(self.members(mask))}")
        return cached

    @property
    def grand_value(self) -> float:
        """The grand coalition's value: what is shared."""
        return self.value(self.full)

    def _evaluate(self, mask: int) -> float:  # pragma: no cover - a table lists every value
        """The value of coalition ``mask``, computed where it is not in the cache: a game
        built from a table (:meth:`from_values`) has every value there; the other games
        compute it (function games, case games)."""
        raise KeyError(f"no value for coalition {show(self.members(mask))}")

    def _list_limit(self) -> int:
        return MAX_LISTED

    def _values_array(self) -> np.ndarray:
        """Every coalition's value, indexed by mask (refused above the list limit)."""
        if self._listed is None:
            limit = self._list_limit()
            if self.n > limit:
                raise UsageError(f"{self.name}: {self.n} players have 2**{self.n} coalitions; "
                                 f"listing them all is limited to {limit} players")
            self._listed = self._list_values()
            self._listed.flags.writeable = False
        return self._listed

    def _list_values(self) -> np.ndarray:
        return np.array([self.value(m) for m in range(1 << self.n)], dtype=float)

    def to_frame(self) -> pd.DataFrame:
        """Every non-empty coalition: its members, size and value (by size, then mask).

        Examples
        --------
        >>> Game.from_function(["A", "B"], len).to_frame()["value"].tolist()
        [1.0, 1.0, 2.0]
        """
        import pandas as pd

        values = self._values_array()
        masks = sorted(range(1, 1 << self.n), key=lambda m: (m.bit_count(), m))
        return pd.DataFrame({"coalition": [", ".join(self.members(m)) for m in masks],
                             "size": [m.bit_count() for m in masks],
                             "value": [float(values[m]) for m in masks]})

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: name, kind, players and every non-empty coalition's value (as in
        :meth:`to_frame`, members joined by ``", "``).

        Examples
        --------
        >>> Game.from_function(["A", "B"], len).to_dict()["values"]
        {'A': 1.0, 'B': 1.0, 'A, B': 2.0}
        """
        frame = self.to_frame()
        return {"name": self.name, "kind": self.kind, "players": list(self.players),
                "values": dict(zip(frame["coalition"], frame["value"].tolist(), strict=True))}

    # ------------------------------------------------------------ for the rules

    def _worth(self, mask: int) -> float:
        """The value in gains form: ``sign * value``."""
        return self.sign * self.value(mask)

    def _worths(self) -> np.ndarray:
        return self.sign * self._values_array()

    def _separate(self, x: np.ndarray, threshold: float, skip: set[int], present: set[int],
                  count: int, basis: Any = None) -> list[tuple[int, float]]:
        """Coalitions (not empty or full, not in ``skip`` or ``present``) whose excess
        ``worth(S) - x(S)`` exceeds ``threshold``: up to ``count``, largest first, ties
        by mask. Coalitions in the span of ``basis`` (a
        :class:`~mutualgains.analysis.excess.SpanBasis`) are settled: they go to ``skip``
        instead."""
        excess = self._worths() - coalition_sums(x)
        excess[0] = excess[-1] = -math.inf
        for group in (skip, present):
            if group:
                excess[np.fromiter(group, dtype=np.int64)] = -math.inf
        found = np.flatnonzero(excess > threshold)
        found = found[np.lexsort((found, -excess[found]))]
        if basis is not None:
            kept: list[int] = []
            for start in range(0, len(found), 4096):  # in blocks: stop once enough are found
                block = found[start:start + 4096]
                inside = basis.contains_many(block)
                skip.update(int(m) for m in block[inside])
                kept.extend(block[~inside][: count - len(kept)].tolist())
                if len(kept) >= count:
                    break
            found = np.array(kept, dtype=np.int64)
        return [(int(m), float(excess[m])) for m in found[:count]]

    def _separation_method(self) -> str:
        return "enumeration"

    def _can_separate(self) -> bool:
        """Whether :meth:`_separate` can run (enumeration needs every value listed)."""
        return self.n <= self._list_limit()

    # ------------------------------------------------------------ display

    def __repr__(self) -> str:
        return f"<Game {self.name!r}: {self.kind} of {self.n} players>"


GAME = Instance(Game)
"""``game=``: a :class:`Game` (a case's games are games too).

Examples
--------
>>> GAME.accepts(Game.from_function(["A"], len)), GAME.describe()
(True, 'a Game')
"""


class _FunctionGame(Game):
    def __init__(self, players: Iterable[str], function: Callable[[frozenset], float], *,
                 kind: str, name: str):
        super().__init__(players, kind=kind, name=name)
        self._function = function

    def _evaluate(self, mask: int) -> float:
        return self._function(frozenset(self.members(mask)))


def coalition_sums(x: np.ndarray) -> np.ndarray:
    """``x(S)`` for every mask ``S`` (length ``2**len(x)``), built one player at a time.

    Examples
    --------
    >>> coalition_sums(np.array([1.0, 10.0])).tolist()
    [0.0, 1.0, 10.0, 11.0]
    """
    out = np.zeros(1 << len(x))
    for k, value in enumerate(x):
        out[1 << k: 2 << k] = out[: 1 << k] + value
    return out


def _finite(value: Any, where: str) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise UsageError(f"{where}: must be a number, got {show(value)}") from None
    if not math.isfinite(out):
        raise UsageError(f"{where}: must be a finite number, got {show(value)}")
    return out
